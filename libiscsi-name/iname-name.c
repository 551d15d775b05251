/* Validation and normalization of iSCSI names: bound the input, prepare it
 * with the RFC 3722 profile, bound the result (RFC 3720 sec. 3.2.6.1: 223
 * bytes), then check the structure of its type. */
#include "config.h"
#include "libiscsi-name/iname-name.h"
#include "libiscsi-name/iname-stringprep.h"
#include "libiscsi-name/iname-structure.h"

#include <string.h>

char *iname_normalize(const char *name, INameFlags flags, INameType *type_out,
		      gboolean *warned_out, GError **error)
{
	if (warned_out)
		*warned_out = FALSE;
	if (name == NULL || name[0] == '\0') {
		g_set_error(error, INAME_ERROR, INAME_ERROR_EMPTY, "the iSCSI name is empty");
		return NULL;
	}
	gsize len = strnlen(name, INAME_INPUT_MAX + 1);
	if (len > INAME_INPUT_MAX) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_TOO_LONG,
			    "iSCSI name longer than %d bytes", INAME_INPUT_MAX);
		return NULL;
	}
	if (!g_utf8_validate(name, (gssize) len, NULL)) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_UTF8,
			    "iSCSI name is not valid UTF-8 (RFC 3720 sec. 3.2.6.2)");
		return NULL;
	}

	gboolean warned = FALSE;
	g_autofree char *prepped = iname_stringprep(name, flags, &warned, error);
	if (!prepped)
		return NULL;
	gsize plen = strlen(prepped);
	if (plen == 0) {
		/* Everything was mapped to nothing (soft hyphens, say). */
		g_set_error(error, INAME_ERROR, INAME_ERROR_EMPTY,
			    "the iSCSI name is empty after normalization");
		return NULL;
	}
	if (plen > INAME_MAX_LEN) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_TOO_LONG,
			    "iSCSI name is %" G_GSIZE_FORMAT " bytes after normalization (at most %d, RFC 3720 sec. 3.2.6.1)",
			    plen, INAME_MAX_LEN);
		return NULL;
	}
	INameType type;
	if (!iname_check_structure(prepped, flags, &type, &warned, error))
		return NULL;
	if (type_out)
		*type_out = type;
	if (warned_out)
		*warned_out = warned;
	return g_steal_pointer(&prepped);
}

gboolean iname_validate(const char *name, INameFlags flags, GError **error)
{
	g_autofree char *n = iname_normalize(name, flags, NULL, NULL, error);
	return n != NULL;
}

gboolean iname_equal(const char *a, const char *b)
{
	g_autofree char *na = iname_normalize(a, INAME_LENIENT, NULL, NULL, NULL);
	g_autofree char *nb = iname_normalize(b, INAME_LENIENT, NULL, NULL, NULL);
	return na && nb && strcmp(na, nb) == 0;
}
