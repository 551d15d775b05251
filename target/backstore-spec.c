/* Backstore spec strings: "file:PATH" and "mem:SIZE". */
#include "config.h"
#include "target/backstore.h"
#include "target/scsi.h"
#include <string.h>

gboolean tgt_backstore_parse_size(const char *text, guint64 *bytes, GError **error)
{
	static const struct {
		char suffix;
		unsigned shift;
	} units[] = { { 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 } };
	const char *p = text;
	guint64 v = 0;

	if (!g_ascii_isdigit(*p))
		goto bad;
	for (; g_ascii_isdigit(*p); p++) {
		if (v > (G_MAXUINT64 - 9) / 10)
			goto bad;
		v = v * 10 + (guint64) (*p - '0');
	}
	if (*p) {
		unsigned shift = 0;

		for (gsize i = 0; i < G_N_ELEMENTS(units); i++)
			if (g_ascii_toupper(*p) == units[i].suffix)
				shift = units[i].shift;
		/* one suffix letter, optionally followed by "iB" or "B" */
		if (shift == 0 || !(p[1] == 0 || g_ascii_strcasecmp(p + 1, "B") == 0 ||
				     g_ascii_strcasecmp(p + 1, "iB") == 0))
			goto bad;
		if (v > (G_MAXUINT64 >> shift))
			goto bad;
		v <<= shift;
	}
	if (v == 0)
		goto bad;
	*bytes = v;
	return TRUE;
bad:
	g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID,
		    "invalid size \"%s\": expected a positive number with an optional K, M, G or T suffix", text);
	return FALSE;
}

TgtBackstore *tgt_backstore_open(const char *spec, gboolean read_only, GError **error)
{
	TgtBackstore *b = NULL;

	if (g_str_has_prefix(spec, "mem:")) {
		guint64 size;

		if (!tgt_backstore_parse_size(spec + 4, &size, error))
			return NULL;
		b = tgt_backstore_mem_new(size, error);
		if (b)
			b->read_only = read_only;
	} else if (g_str_has_prefix(spec, "file:") && spec[5]) {
		b = tgt_backstore_file_new(spec + 5, read_only, error);
	} else {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID,
			    "invalid backstore \"%s\": expected file:PATH or mem:SIZE", spec);
		return NULL;
	}
	if (b)
		b->description = g_strdup(spec);
	return b;
}

void tgt_backstore_close(TgtBackstore *b)
{
	if (!b)
		return;
	char *d = b->description;

	b->ops->close(b);
	g_free(d);
}
