/* Value forms of RFC 7143 sec. 6.1: numerical-values (decimal, 0x hex,
 * 0b base64), binary-values (0x/0X hex, 0b/0B base64), booleans (Yes/No) and
 * list-of-values (comma separated).  Shared by the negotiation engine (numeric
 * keys) and CHAP (CHAP_I, CHAP_C, CHAP_R), so one strict decoder serves both. */
#pragma once
#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Parses a numerical-value: a decimal-constant, or a hex-constant (0x/0X) or
 * base64-constant (0b/0B) read as a big-endian unsigned number.  Fails
 * (IPROTO_ERROR_KEY_VALUE) on anything else or a value above max. */
gboolean iproto_text_parse_number(const char *value, guint64 max, guint64 *out, GError **error);

/* Decodes a binary-value (0x/0X hex, 0b/0B base64, sec. 6.1) into at most
 * max_len bytes, checking the encoded length before decoding.  An odd number
 * of hex digits is read as if a leading 0 were present.  Returns a new buffer
 * (g_free) or NULL with IPROTO_ERROR_KEY_VALUE.  The error never quotes the
 * value (it may be authentication material). */
guint8 *iproto_text_decode_binary(const char *value, gsize max_len, gsize *out_len, GError **error);

typedef enum {
	IPROTO_BINARY_HEX,
	IPROTO_BINARY_BASE64,
} IProtoBinaryEncoding;

/* Encodes bytes as "0x..." (lower-case hex) or "0b..." (base64 with padding). */
char *iproto_text_encode_binary(const guint8 *data, gsize len, IProtoBinaryEncoding enc);

/* "Yes" / "No" (case-sensitive, sec. 6.1). */
gboolean iproto_text_parse_bool(const char *value, gboolean *out);
const char *iproto_text_bool_str(gboolean v);

/* Does the comma-separated list contain item exactly? */
gboolean iproto_text_list_has_item(const char *list, const char *item);

G_END_DECLS
