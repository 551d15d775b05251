/* iSNS TLVs (RFC 4171 sec. 5.3): decoding a reassembled payload into a list
 * of attributes, and building payloads. */
#pragma once
#include <glib.h>
#include "discovery/isns-proto.h"

/* One attribute.  VALUE points into the payload it was decoded from (or is
 * owned by the list that built it); LEN is the padded length. */
typedef struct {
	guint32 tag;
	guint32 len;
	const guint8 *value;
} IDiscTlv;

/* A decoded message body: for responses the status word first (not a TLV,
 * sec. 5.7), then the attributes.  The delimiter (tag 0) splits them into
 * key attributes [0, delim) and operating attributes (delim, n); DELIM ==
 * n when there is no delimiter. */
typedef struct {
	GBytes *payload;   /* keeps VALUE pointers valid */
	guint32 status;    /* responses only */
	GArray *tlvs;      /* IDiscTlv */
	guint delim;
} IDiscTlvList;

/* Decode PAYLOAD.  Every length is checked against the bytes present and
 * must be a multiple of 4; known tags must carry a value of their type.
 * On failure returns NULL with IDISC_ERROR_MALFORMED (status 2 on the
 * wire). */
IDiscTlvList *idisc_tlv_list_decode(GBytes *payload, gboolean is_response, GError **error);
void idisc_tlv_list_free(IDiscTlvList *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IDiscTlvList, idisc_tlv_list_free)

static inline guint idisc_tlv_list_count(const IDiscTlvList *l) { return l->tlvs->len; }
static inline const IDiscTlv *idisc_tlv_list_get(const IDiscTlvList *l, guint i)
{
	return &g_array_index(l->tlvs, IDiscTlv, i);
}
/* Does the list have a delimiter at all? */
gboolean idisc_tlv_list_has_delimiter(const IDiscTlvList *l);

/* Values of a TLV whose length was already validated against its type. */
guint32 idisc_tlv_u32(const IDiscTlv *t);
guint64 idisc_tlv_u64(const IDiscTlv *t);
/* The string of a string TLV (NUL-terminated inside the payload). */
const char *idisc_tlv_string(const IDiscTlv *t);
gboolean idisc_tlv_equal(const IDiscTlv *a, const IDiscTlv *b);

/* Building payloads: every put pads to 4 bytes. */
void idisc_put_tlv(GByteArray *b, guint32 tag, const void *value, guint32 len);
void idisc_put_string(GByteArray *b, guint32 tag, const char *s);
void idisc_put_u32(GByteArray *b, guint32 tag, guint32 v);
void idisc_put_u64(GByteArray *b, guint32 tag, guint64 v);
void idisc_put_nil(GByteArray *b, guint32 tag);
void idisc_put_delimiter(GByteArray *b);
void idisc_put_status(GByteArray *b, guint32 status);
