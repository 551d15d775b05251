/* Internal: the RFC 3722 stringprep step of name normalization. */
#pragma once
#include <glib.h>
#include "libiscsi-name/iname-name.h"

/* Maps, normalizes and checks name (valid UTF-8, at most INAME_INPUT_MAX
 * bytes) with libidn's "iSCSI" profile.  Returns a g_malloc'd string.
 * *warned is set when INAME_LENIENT let something through. */
char *iname_stringprep(const char *name, INameFlags flags, gboolean *warned,
		       GError **error);
