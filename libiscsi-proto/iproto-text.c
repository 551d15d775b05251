/* Key=value lists of Login and Text data segments (RFC 7143 sec. 6.1). */
#include "config.h"
#include <string.h>
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-keys.h"
#include "libiscsi-proto/iproto-text.h"

struct _IProtoTextList {
	GArray *pairs; /* IProtoTextPair */
};

static void pair_clear(gpointer p)
{
	IProtoTextPair *pair = p;
	g_free(pair->key);
	g_free(pair->value);
}

IProtoTextList *iproto_text_list_new(void)
{
	IProtoTextList *list = g_new0(IProtoTextList, 1);
	list->pairs = g_array_new(FALSE, TRUE, sizeof(IProtoTextPair));
	g_array_set_clear_func(list->pairs, pair_clear);
	return list;
}

void iproto_text_list_free(IProtoTextList *list)
{
	if (!list)
		return;
	g_array_unref(list->pairs);
	g_free(list);
}

void iproto_text_list_clear(IProtoTextList *list)
{
	g_array_set_size(list->pairs, 0);
}

guint iproto_text_list_length(const IProtoTextList *list)
{
	return list->pairs->len;
}

const IProtoTextPair *iproto_text_list_nth(const IProtoTextList *list, guint i)
{
	g_return_val_if_fail(i < list->pairs->len, NULL);
	return &g_array_index(list->pairs, IProtoTextPair, i);
}

static IProtoTextPair *find(const IProtoTextList *list, const char *key)
{
	for (guint i = 0; i < list->pairs->len; i++) {
		IProtoTextPair *p = &g_array_index(list->pairs, IProtoTextPair, i);
		if (strcmp(p->key, key) == 0)
			return p;
	}
	return NULL;
}

const char *iproto_text_list_get(const IProtoTextList *list, const char *key)
{
	IProtoTextPair *p = find(list, key);
	return p ? p->value : NULL;
}

static void append_len(IProtoTextList *list, const char *key, gsize key_len, const char *value, gsize value_len)
{
	IProtoTextPair pair = { g_strndup(key, key_len), g_strndup(value, value_len) };
	g_array_append_val(list->pairs, pair);
}

void iproto_text_list_add(IProtoTextList *list, const char *key, const char *value)
{
	append_len(list, key, strlen(key), value, strlen(value));
}

void iproto_text_list_add_uint(IProtoTextList *list, const char *key, guint64 value)
{
	char buf[24];
	g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
	iproto_text_list_add(list, key, buf);
}

void iproto_text_list_set(IProtoTextList *list, const char *key, const char *value)
{
	IProtoTextPair *p = find(list, key);
	if (!p) {
		iproto_text_list_add(list, key, value);
		return;
	}
	g_free(p->value);
	p->value = g_strdup(value);
}

gboolean iproto_text_list_parse(IProtoTextList *list, const uint8_t *data, gsize len, GError **error)
{
	gsize pos = 0;

	while (pos < len) {
		const uint8_t *start = data + pos;
		const uint8_t *nul = memchr(start, 0, len - pos);
		if (!nul) {
			/* sec. 6.1: every pair, the last one included, ends with NUL */
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_TEXT_FORMAT,
				    "text key=value pair at offset %" G_GSIZE_FORMAT " is not NUL-terminated", pos);
			return FALSE;
		}
		gsize n = (gsize) (nul - start);
		pos += n + 1;
		if (n == 0)
			continue; /* tolerate stray NULs (zero padding some peers count in the length) */
		const uint8_t *eq = memchr(start, '=', n);
		if (!eq) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_TEXT_FORMAT,
				    "text item at offset %" G_GSIZE_FORMAT " has no '='", pos - n - 1);
			return FALSE;
		}
		gsize klen = (gsize) (eq - start);
		gsize vlen = n - klen - 1;
		if (klen > IPROTO_TEXT_KEY_MAX) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_TEXT_TOO_LONG,
				    "key name of %" G_GSIZE_FORMAT " bytes exceeds %d (RFC 7143 sec. 6.1)", klen,
				    IPROTO_TEXT_KEY_MAX);
			return FALSE;
		}
		if (!iproto_key_name_valid((const char *) start, klen)) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_TEXT_FORMAT,
				    "invalid key name at offset %" G_GSIZE_FORMAT " (RFC 7143 sec. 6.1)", pos - n - 1);
			return FALSE;
		}
		if (vlen > IPROTO_TEXT_LARGE_VALUE_MAX) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_TEXT_TOO_LONG,
				    "value of key %.*s is %" G_GSIZE_FORMAT " bytes, more than %d", (int) klen,
				    (const char *) start, vlen, IPROTO_TEXT_LARGE_VALUE_MAX);
			return FALSE;
		}
		append_len(list, (const char *) start, klen, (const char *) eq + 1, vlen);
	}
	return TRUE;
}

GByteArray *iproto_text_list_encode(const IProtoTextList *list)
{
	GByteArray *out = g_byte_array_new();
	for (guint i = 0; i < list->pairs->len; i++) {
		const IProtoTextPair *p = &g_array_index(list->pairs, IProtoTextPair, i);
		g_byte_array_append(out, (const guint8 *) p->key, (guint) strlen(p->key));
		g_byte_array_append(out, (const guint8 *) "=", 1);
		g_byte_array_append(out, (const guint8 *) p->value, (guint) strlen(p->value) + 1);
	}
	return out;
}

gsize iproto_text_next_chunk(gsize total, gsize *offset, gsize max, gboolean *more)
{
	gsize left = *offset < total ? total - *offset : 0;
	gsize n = MIN(left, max);
	*offset += n;
	*more = *offset < total;
	return n;
}

struct _IProtoTextAccum {
	GByteArray *buf;
	gsize limit;
};

IProtoTextAccum *iproto_text_accum_new(gsize limit)
{
	IProtoTextAccum *acc = g_new0(IProtoTextAccum, 1);
	acc->buf = g_byte_array_new();
	acc->limit = limit ? limit : IPROTO_TEXT_DEFAULT_LIMIT;
	return acc;
}

void iproto_text_accum_free(IProtoTextAccum *acc)
{
	if (!acc)
		return;
	g_byte_array_unref(acc->buf);
	g_free(acc);
}

void iproto_text_accum_reset(IProtoTextAccum *acc)
{
	g_byte_array_set_size(acc->buf, 0);
}

gsize iproto_text_accum_pending(const IProtoTextAccum *acc)
{
	return acc->buf->len;
}

IProtoTextAccumStatus iproto_text_accum_feed(IProtoTextAccum *acc, const uint8_t *data, gsize len,
					     gboolean cont, IProtoTextList **out, GError **error)
{
	*out = NULL;
	/* Checked before growing the buffer: an endless C=1 stream stops here. */
	if (len > acc->limit || acc->buf->len > acc->limit - len) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_TEXT_TOO_LONG,
			    "text sequence exceeds %" G_GSIZE_FORMAT " bytes (C bit, RFC 7143 sec. 6.1)", acc->limit);
		iproto_text_accum_reset(acc);
		return IPROTO_TEXT_ACCUM_ERROR;
	}
	if (len)
		g_byte_array_append(acc->buf, data, (guint) len);
	if (cont)
		return IPROTO_TEXT_ACCUM_MORE;

	IProtoTextList *list = iproto_text_list_new();
	gboolean ok = iproto_text_list_parse(list, acc->buf->data, acc->buf->len, error);
	iproto_text_accum_reset(acc);
	if (!ok) {
		iproto_text_list_free(list);
		return IPROTO_TEXT_ACCUM_ERROR;
	}
	*out = list;
	return IPROTO_TEXT_ACCUM_DONE;
}
