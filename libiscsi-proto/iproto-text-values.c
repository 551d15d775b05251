/* Value forms of RFC 7143 sec. 6.1.  Decoders are strict: a value that is
 * not exactly one of the forms is refused, never half-read. */
#include "config.h"
#include <string.h>
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-text-values.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static gboolean bad_value(GError **error, const char *what)
{
	g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_KEY_VALUE, "%s (RFC 7143 sec. 6.1)", what);
	return FALSE;
}

/* Decoded size of a hex digit string, or of a base64 string (which must be
 * padded to a multiple of 4, RFC 4648 sec. 4). */
static gboolean hex_size(const char *s, gsize n, gsize *out)
{
	if (n == 0)
		return FALSE;
	for (gsize i = 0; i < n; i++)
		if (hex_digit(s[i]) < 0)
			return FALSE;
	*out = (n + 1) / 2;
	return TRUE;
}

static gboolean b64_size(const char *s, gsize n, gsize *out)
{
	if (n == 0 || n % 4 != 0)
		return FALSE;
	gsize pad = 0;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (gsize i = 0; i < n - pad; i++)
		if (b64_digit(s[i]) < 0)
			return FALSE;
	*out = n / 4 * 3 - pad;
	return TRUE;
}

static void hex_decode(const char *s, gsize n, guint8 *out)
{
	gsize o = 0, i = 0;
	if (n % 2) /* odd digit count: an implied leading 0 */
		out[o++] = (guint8) hex_digit(s[i++]);
	for (; i < n; i += 2)
		out[o++] = (guint8) (hex_digit(s[i]) << 4 | hex_digit(s[i + 1]));
}

static gboolean b64_decode(const char *s, gsize n, guint8 *out, gsize out_len)
{
	gsize o = 0;
	for (gsize i = 0; i < n; i += 4) {
		guint32 v = 0;
		int valid = 0;
		for (int k = 0; k < 4; k++) {
			int d = s[i + k] == '=' ? 0 : b64_digit(s[i + k]);
			if (s[i + k] != '=')
				valid++;
			v = v << 6 | (guint32) d;
		}
		guint8 b[3] = { (guint8) (v >> 16), (guint8) (v >> 8), (guint8) v };
		for (int k = 0; k < valid - 1 && o < out_len; k++)
			out[o++] = b[k];
		/* Non-canonical encodings (bits set in the padding) are refused. */
		if (valid == 2 && (v & 0xffff))
			return FALSE;
		if (valid == 3 && (v & 0xff))
			return FALSE;
	}
	return o == out_len;
}

guint8 *iproto_text_decode_binary(const char *value, gsize max_len, gsize *out_len, GError **error)
{
	gsize n = strlen(value), size = 0;
	gboolean hex;

	*out_len = 0;
	if (n < 3 || value[0] != '0') {
		bad_value(error, "binary value must start with 0x or 0b");
		return NULL;
	}
	if (value[1] == 'x' || value[1] == 'X')
		hex = TRUE;
	else if (value[1] == 'b' || value[1] == 'B')
		hex = FALSE;
	else {
		bad_value(error, "binary value must start with 0x or 0b");
		return NULL;
	}
	const char *digits = value + 2;
	n -= 2;
	/* Length first: an oversize value is refused before it is decoded. */
	if ((hex && n / 2 > max_len + 1) || (!hex && n / 4 * 3 > max_len + 3)) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_KEY_VALUE,
			    "binary value longer than %" G_GSIZE_FORMAT " bytes", max_len);
		return NULL;
	}
	if (!(hex ? hex_size(digits, n, &size) : b64_size(digits, n, &size))) {
		bad_value(error, hex ? "malformed hex constant" : "malformed base64 constant");
		return NULL;
	}
	if (size > max_len) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_KEY_VALUE,
			    "binary value longer than %" G_GSIZE_FORMAT " bytes", max_len);
		return NULL;
	}
	guint8 *out = g_malloc(size ? size : 1);
	if (hex)
		hex_decode(digits, n, out);
	else if (!b64_decode(digits, n, out, size)) {
		g_free(out);
		bad_value(error, "non-canonical base64 constant");
		return NULL;
	}
	*out_len = size;
	return out;
}

char *iproto_text_encode_binary(const guint8 *data, gsize len, IProtoBinaryEncoding enc)
{
	if (enc == IPROTO_BINARY_BASE64) {
		g_autofree char *b = g_base64_encode(data, len);
		return g_strconcat("0b", b, NULL);
	}
	static const char digits[] = "0123456789abcdef";
	char *out = g_malloc(2 + 2 * len + 1);
	out[0] = '0';
	out[1] = 'x';
	for (gsize i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[data[i] >> 4];
		out[3 + 2 * i] = digits[data[i] & 15];
	}
	out[2 + 2 * len] = 0;
	return out;
}

gboolean iproto_text_parse_number(const char *value, guint64 max, guint64 *out, GError **error)
{
	guint64 v = 0;

	if (value[0] == '0' && value[1] && strchr("xXbB", value[1])) {
		gsize len;
		/* a 64-bit number: at most 8 significant bytes (leading zeros allowed) */
		g_autofree guint8 *b = iproto_text_decode_binary(value, 64, &len, error);
		if (!b)
			return FALSE;
		for (gsize i = 0; i < len; i++) {
			if (v >> 56)
				return bad_value(error, "numerical value does not fit in 64 bits");
			v = v << 8 | b[i];
		}
	} else {
		if (!value[0])
			return bad_value(error, "empty numerical value");
		for (const char *p = value; *p; p++) {
			if (*p < '0' || *p > '9')
				return bad_value(error, "numerical value is not a decimal constant");
			guint64 d = (guint64) (*p - '0');
			if (v > (G_MAXUINT64 - d) / 10)
				return bad_value(error, "numerical value does not fit in 64 bits");
			v = v * 10 + d;
		}
	}
	if (v > max) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_KEY_VALUE,
			    "numerical value %" G_GUINT64_FORMAT " exceeds %" G_GUINT64_FORMAT, v, max);
		return FALSE;
	}
	*out = v;
	return TRUE;
}

gboolean iproto_text_parse_bool(const char *value, gboolean *out)
{
	if (strcmp(value, "Yes") == 0)
		*out = TRUE;
	else if (strcmp(value, "No") == 0)
		*out = FALSE;
	else
		return FALSE;
	return TRUE;
}

const char *iproto_text_bool_str(gboolean v)
{
	return v ? "Yes" : "No";
}

gboolean iproto_text_list_has_item(const char *list, const char *item)
{
	gsize n = strlen(item);
	const char *p = list;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		gsize len = comma ? (gsize) (comma - p) : strlen(p);
		if (len == n && strncmp(p, item, n) == 0)
			return TRUE;
		p = comma ? comma + 1 : NULL;
	}
	return FALSE;
}
