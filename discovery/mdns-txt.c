/* Our DNS-SD TXT keys (mdns-txt.h): encoding for publishers and a bounded
 * decoder for what browsers receive from the network. */
#include "config.h"

#include <string.h>

#include "discovery/mdns-txt.h"
#include "libiscsi-name/iname.h"

/* RFC 6763 sec. 6.1: each string is prefixed by a one-byte length. */
#define TXT_STRING_MAX 255

const char *idisc_mdns_kind_type(IDiscMdnsKind kind)
{
	return kind == IDISC_MDNS_ISNS ? IDISC_MDNS_TYPE_ISNS : IDISC_MDNS_TYPE_ISCSI;
}

const char *idisc_mdns_kind_name(IDiscMdnsKind kind)
{
	return kind == IDISC_MDNS_ISNS ? "isns" : "iscsi";
}

const char *idisc_mdns_auth_name(IDiscMdnsAuth auth)
{
	return auth == IDISC_MDNS_AUTH_CHAP ? "chap" : "none";
}

void idisc_mdns_txt_clear(IDiscMdnsTxt *txt)
{
	g_clear_pointer(&txt->iqn, g_free);
	txt->tpgt = -1;
	txt->auth = IDISC_MDNS_AUTH_NONE;
}

char **idisc_mdns_txt_encode(IDiscMdnsKind kind, const IDiscMdnsTxt *txt, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	/* sec. 6.5: txtvers first, so a reader can stop early on a version it
	 * does not know. */
	g_ptr_array_add(out, g_strdup_printf("txtvers=%d", IDISC_MDNS_TXTVERS));
	if (kind == IDISC_MDNS_ISCSI) {
		GError *e = NULL;
		char *iqn = txt->iqn ? iname_normalize(txt->iqn, INAME_STRICT, NULL, NULL, &e) : NULL;
		if (!iqn) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID, "mDNS TXT iqn: %s",
				    e ? e->message : "no target name");
			g_clear_error(&e);
			g_ptr_array_free(out, TRUE);
			return NULL;
		}
		if (txt->tpgt < 0 || txt->tpgt > 65535) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID,
				    "mDNS TXT tpgt: %d is not in 0..65535", txt->tpgt);
			g_free(iqn);
			g_ptr_array_free(out, TRUE);
			return NULL;
		}
		g_ptr_array_add(out, g_strconcat("iqn=", iqn, NULL));
		g_ptr_array_add(out, g_strdup_printf("tpgt=%d", txt->tpgt));
		g_ptr_array_add(out, g_strconcat("auth=", idisc_mdns_auth_name(txt->auth), NULL));
		g_free(iqn);
	}
	g_ptr_array_add(out, NULL);
	return (char **) g_ptr_array_free(out, FALSE);
}

GBytes *idisc_mdns_txt_pack(const char *const *strings, GError **error)
{
	GByteArray *b = g_byte_array_new();
	for (gsize i = 0; strings && strings[i]; i++) {
		gsize n = strlen(strings[i]);
		if (n > TXT_STRING_MAX || b->len + 1 + n > IDISC_MDNS_TXT_MAX) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_TOO_LARGE,
				    n > TXT_STRING_MAX ? "mDNS TXT string %zu is longer than 255 bytes"
						       : "mDNS TXT record longer than 8900 bytes at string %zu",
				    i);
			g_byte_array_free(b, TRUE);
			return NULL;
		}
		guint8 len = (guint8) n;
		g_byte_array_append(b, &len, 1);
		g_byte_array_append(b, (const guint8 *) strings[i], (guint) n);
	}
	/* sec. 6.1: an empty record is a single empty string, never zero bytes. */
	if (b->len == 0) {
		guint8 zero = 0;
		g_byte_array_append(b, &zero, 1);
	}
	return g_byte_array_free_to_bytes(b);
}

/* The keys we read, in the order of the seen[] bits. */
enum { KEY_TXTVERS, KEY_IQN, KEY_TPGT, KEY_AUTH, KEY_COUNT };
static const char *const key_names[KEY_COUNT] = { "txtvers", "iqn", "tpgt", "auth" };

static int key_index(const guint8 *key, gsize n)
{
	for (int k = 0; k < KEY_COUNT; k++)
		if (strlen(key_names[k]) == n && g_ascii_strncasecmp((const char *) key, key_names[k], n) == 0)
			return k;
	return -1;
}

/* A decimal number of 1..5 digits, no sign, no spaces: at most 99999. */
static gboolean parse_small_decimal(const guint8 *v, gsize n, guint32 *out)
{
	if (n == 0 || n > 5)
		return FALSE;
	guint32 x = 0;
	for (gsize i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return FALSE;
		x = x * 10 + (guint32) (v[i] - '0');
	}
	*out = x;
	return TRUE;
}

static gboolean bad(GError **error, const char *key, const char *why)
{
	g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED, "mDNS TXT %s: %s", key, why);
	return FALSE;
}

/* One known key's value; v is NULL for a key without '=' (sec. 6.4: a
 * boolean attribute, which none of ours is). */
static gboolean read_value(int k, const guint8 *v, gsize n, IDiscMdnsTxt *out, GError **error)
{
	if (!v)
		return bad(error, key_names[k], "has no value");
	guint32 num;
	switch (k) {
	case KEY_TXTVERS:
		if (!parse_small_decimal(v, n, &num))
			return bad(error, "txtvers", "is not a number");
		if (num != IDISC_MDNS_TXTVERS)
			return bad(error, "txtvers", "is not 1 (a newer key set this version does not read)");
		return TRUE;
	case KEY_TPGT:
		/* RFC 7143 sec. 13.9: TargetPortalGroupTag is 16 bits. */
		if (!parse_small_decimal(v, n, &num) || num > 65535)
			return bad(error, "tpgt", "is not a number in 0..65535");
		out->tpgt = (gint32) num;
		return TRUE;
	case KEY_AUTH:
		if (n == 4 && memcmp(v, "none", 4) == 0)
			out->auth = IDISC_MDNS_AUTH_NONE;
		else if (n == 4 && memcmp(v, "chap", 4) == 0)
			out->auth = IDISC_MDNS_AUTH_CHAP;
		else
			return bad(error, "auth", "is neither none nor chap");
		return TRUE;
	case KEY_IQN: {
		if (n > INAME_INPUT_MAX || memchr(v, '\0', n))
			return bad(error, "iqn", "is not an iSCSI name");
		g_autofree char *raw = g_strndup((const char *) v, n);
		GError *e = NULL;
		/* Peers' names: lenient (iname-name.h), structure still checked. */
		out->iqn = iname_normalize(raw, INAME_LENIENT, NULL, NULL, &e);
		if (!out->iqn) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED, "mDNS TXT iqn: %s", e->message);
			g_error_free(e);
			return FALSE;
		}
		return TRUE;
	}
	default:
		return TRUE;
	}
}

gboolean idisc_mdns_txt_decode(IDiscMdnsKind kind, const guint8 *rdata, gsize len, IDiscMdnsTxt *out,
			       GError **error)
{
	*out = (IDiscMdnsTxt) { .tpgt = -1 };
	if (len > IDISC_MDNS_TXT_MAX) {
		g_set_error(error, IDISC_ERROR, IDISC_ERROR_TOO_LARGE,
			    "mDNS TXT record of %zu bytes (at most %d)", len, IDISC_MDNS_TXT_MAX);
		return FALSE;
	}
	gboolean seen[KEY_COUNT] = { FALSE };
	gsize pos = 0;
	while (pos < len) {
		gsize n = rdata[pos++];
		if (n > len - pos) {
			idisc_mdns_txt_clear(out);
			return bad(error, "record", "a string runs past the end of the record");
		}
		const guint8 *s = rdata + pos;
		pos += n;
		const guint8 *eq = memchr(s, '=', n);
		gsize klen = eq ? (gsize) (eq - s) : n;
		/* sec. 6.4: a string without a key is ignored; so is a repeated
		 * key after its first occurrence, and any key we do not know. */
		int k = klen ? key_index(s, klen) : -1;
		if (k < 0 || seen[k] || (kind == IDISC_MDNS_ISNS && k != KEY_TXTVERS))
			continue;
		seen[k] = TRUE;
		if (!read_value(k, eq ? eq + 1 : NULL, eq ? n - klen - 1 : 0, out, error)) {
			idisc_mdns_txt_clear(out);
			return FALSE;
		}
	}
	if (!seen[KEY_TXTVERS] && kind == IDISC_MDNS_ISCSI) {
		idisc_mdns_txt_clear(out);
		return bad(error, "txtvers", "is missing");
	}
	for (int k = KEY_IQN; kind == IDISC_MDNS_ISCSI && k < KEY_COUNT; k++)
		if (!seen[k]) {
			idisc_mdns_txt_clear(out);
			return bad(error, key_names[k], "is missing");
		}
	return TRUE;
}
