/* iSNS TLV decoding and building (RFC 4171 sec. 5.3, 5.6, 5.7). */
#include "config.h"
#include <string.h>
#include "discovery/isns-tlv.h"
#include "discovery/isns-attrs.h"
#include "discovery/isns-error.h"
#include "libiscsi-proto/iproto-bytes.h"

IDiscTlvList *idisc_tlv_list_decode(GBytes *payload, gboolean is_response, GError **error)
{
	gsize size;
	const guint8 *p = g_bytes_get_data(payload, &size);
	gsize off = 0;
	g_autoptr(IDiscTlvList) l = g_new0(IDiscTlvList, 1);
	l->payload = g_bytes_ref(payload);
	l->tlvs = g_array_new(FALSE, FALSE, sizeof(IDiscTlv));
	l->delim = G_MAXUINT;

	if (is_response) {
		/* Sec. 5.7: the status is a plain 4-byte word, not a TLV. */
		if (size < 4) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED,
				    "response of %zu bytes has no status word", size);
			return NULL;
		}
		l->status = iproto_get_be32(p);
		off = 4;
	}
	while (off < size) {
		if (size - off < 8) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED,
				    "truncated TLV header at offset %zu", off);
			return NULL;
		}
		IDiscTlv t = { iproto_get_be32(p + off), iproto_get_be32(p + off + 4), NULL };
		off += 8;
		if (t.len > size - off) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED,
				    "TLV tag %u length %u runs past the end (%zu bytes left)",
				    t.tag, t.len, size - off);
			return NULL;
		}
		/* Sec. 5.3: the length includes the padding to 4 bytes. */
		if (t.len % 4 != 0) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED,
				    "TLV tag %u length %u is not a multiple of 4", t.tag, t.len);
			return NULL;
		}
		t.value = p + off;
		off += t.len;
		const IDiscAttrInfo *info = idisc_attr_lookup(t.tag);
		if (t.tag == IDISC_TAG_DELIMITER) {
			if (t.len != 0) {
				g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED,
					    "delimiter with length %u", t.len);
				return NULL;
			}
			if (l->delim == G_MAXUINT)
				l->delim = l->tlvs->len;
		} else if (info && !idisc_attr_value_ok(info, t.value, t.len)) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED,
				    "attribute %s (tag %u) has a bad value of %u bytes", info->name,
				    t.tag, t.len);
			return NULL;
		}
		g_array_append_val(l->tlvs, t);
	}
	if (l->delim == G_MAXUINT)
		l->delim = l->tlvs->len;
	return g_steal_pointer(&l);
}

void idisc_tlv_list_free(IDiscTlvList *l)
{
	if (!l)
		return;
	g_bytes_unref(l->payload);
	g_array_unref(l->tlvs);
	g_free(l);
}

gboolean idisc_tlv_list_has_delimiter(const IDiscTlvList *l)
{
	return l->delim < l->tlvs->len;
}

guint32 idisc_tlv_u32(const IDiscTlv *t)
{
	return t->len >= 4 ? iproto_get_be32(t->value) : 0;
}

guint64 idisc_tlv_u64(const IDiscTlv *t)
{
	return t->len >= 8 ? iproto_get_be64(t->value) : 0;
}

const char *idisc_tlv_string(const IDiscTlv *t)
{
	/* Decoding checked that a NUL lies within the value. */
	if (t->len == 0 || !memchr(t->value, 0, t->len))
		return "";
	return (const char *) t->value;
}

gboolean idisc_tlv_equal(const IDiscTlv *a, const IDiscTlv *b)
{
	return a->tag == b->tag && a->len == b->len && memcmp(a->value, b->value, a->len) == 0;
}

void idisc_put_tlv(GByteArray *b, guint32 tag, const void *value, guint32 len)
{
	guint8 hdr[8];
	guint32 padded = (len + 3) & ~3u;
	static const guint8 zeros[4];
	iproto_put_be32(hdr, tag);
	iproto_put_be32(hdr + 4, padded);
	g_byte_array_append(b, hdr, 8);
	if (len)
		g_byte_array_append(b, value, len);
	if (padded > len)
		g_byte_array_append(b, zeros, padded - len);
}

void idisc_put_string(GByteArray *b, guint32 tag, const char *s)
{
	/* Sec. 5.3: NUL-terminated, so the padded length is round4(len + 1). */
	gsize n = strlen(s) + 1;
	guint8 hdr[8];
	guint32 padded = (guint32) ((n + 3) & ~(gsize) 3);
	static const guint8 zeros[4];
	iproto_put_be32(hdr, tag);
	iproto_put_be32(hdr + 4, padded);
	g_byte_array_append(b, hdr, 8);
	g_byte_array_append(b, (const guint8 *) s, (guint) n - 1);
	g_byte_array_append(b, zeros, padded - ((guint32) n - 1));
}

void idisc_put_u32(GByteArray *b, guint32 tag, guint32 v)
{
	guint8 buf[4];
	iproto_put_be32(buf, v);
	idisc_put_tlv(b, tag, buf, 4);
}

void idisc_put_u64(GByteArray *b, guint32 tag, guint64 v)
{
	guint8 buf[8];
	iproto_put_be64(buf, v);
	idisc_put_tlv(b, tag, buf, 8);
}

void idisc_put_nil(GByteArray *b, guint32 tag)
{
	idisc_put_tlv(b, tag, NULL, 0);
}

void idisc_put_delimiter(GByteArray *b)
{
	idisc_put_tlv(b, IDISC_TAG_DELIMITER, NULL, 0);
}

void idisc_put_status(GByteArray *b, guint32 status)
{
	guint8 buf[4];
	iproto_put_be32(buf, status);
	g_byte_array_append(b, buf, 4);
}
