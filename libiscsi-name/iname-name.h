/* iSCSI names: validation and normalization (RFC 3720 sec. 3.2.6,
 * RFC 7143 sec. 4.2.7, RFC 3722, RFC 3980 for naa.).
 *
 * The normalized form (the RFC 3722 stringprep output) is what gets compared
 * and stored; every function here returns it. */
#pragma once
#include <glib.h>
#include "libiscsi-name/iname-error.h"

G_BEGIN_DECLS

/* RFC 3720 sec. 3.2.6.1: at most 223 bytes of UTF-8, counted after
 * normalization, without a terminating NUL. */
#define INAME_MAX_LEN 223

/* Input longer than this is refused before any processing: stringprep can
 * shrink a string (characters mapped to nothing), but not by this much in
 * any name worth accepting. */
#define INAME_INPUT_MAX 1024

typedef enum { INAME_TYPE_IQN, INAME_TYPE_EUI, INAME_TYPE_NAA } INameType;

typedef enum {
	/* Names the suite creates or is configured with. */
	INAME_STRICT = 0,
	/* Names received from peers: ASCII punctuation RFC 3722 prohibits (an
	 * underscore, say) and unassigned code points are accepted and
	 * reported through warned_out, because deployed peers use them.  The
	 * structural rules (type, date, domain, hex, length) still apply. */
	INAME_LENIENT = 1 << 0,
} INameFlags;

/* Returns the g_malloc'd normalized name, or NULL with error set.
 * type_out and warned_out may be NULL; *warned_out is TRUE when the name was
 * only accepted because of INAME_LENIENT. */
char *iname_normalize(const char *name, INameFlags flags, INameType *type_out,
		      gboolean *warned_out, GError **error);

gboolean iname_validate(const char *name, INameFlags flags, GError **error);

/* TRUE when both names are valid (leniently) and their normalized forms are
 * equal.  Invalid names are never equal to anything. */
gboolean iname_equal(const char *a, const char *b);

/* "iqn", "eui" or "naa". */
const char *iname_type_to_string(INameType type);

G_END_DECLS
