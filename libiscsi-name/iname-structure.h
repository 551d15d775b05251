/* Internal: the structural rules of each name type, applied to a name that
 * is already normalized. */
#pragma once
#include <glib.h>
#include "libiscsi-name/iname-name.h"

gboolean iname_check_structure(const char *normalized, INameFlags flags,
			       INameType *type, gboolean *warned, GError **error);

/* Checks a "yyyy-mm" date code (RFC 3720 sec. 3.2.6.3.1) of exactly 7
 * bytes; shared with the generator. */
gboolean iname_check_date(const char *date, GError **error);
