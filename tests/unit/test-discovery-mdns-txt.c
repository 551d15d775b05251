/* The DNS-SD TXT keys of discovery/mdns-txt.c: what publishers encode,
 * the wire form (RFC 6763 sec. 6.1), and what the decoder accepts and
 * refuses, with the key and the rule named in the error. */
#include "config.h"
#include <string.h>
#include "discovery/mdns-txt.h"

#define IQN "iqn.2024-01.com.example:disk1"

/* Strings in wire form, built here byte by byte (not with the packer under
 * test), so each test states exactly what arrives from the network. */
static GBytes *wire(const char *first, ...)
{
	GByteArray *b = g_byte_array_new();
	va_list ap;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		guint8 n = (guint8) strlen(s);
		g_byte_array_append(b, &n, 1);
		g_byte_array_append(b, (const guint8 *) s, n);
	}
	va_end(ap);
	return g_byte_array_free_to_bytes(b);
}

static gboolean decode(IDiscMdnsKind kind, GBytes *rec, IDiscMdnsTxt *t, GError **error)
{
	gsize n;
	const guint8 *d = g_bytes_get_data(rec, &n);
	gboolean ok = idisc_mdns_txt_decode(kind, d, n, t, error);
	g_bytes_unref(rec);
	return ok;
}

static void test_encode_target(void)
{
	IDiscMdnsTxt t = { (char *) "IQN.2024-01.com.Example:Disk1", 5, IDISC_MDNS_AUTH_CHAP };
	g_auto(GStrv) s = idisc_mdns_txt_encode(IDISC_MDNS_ISCSI, &t, NULL);
	g_assert_nonnull(s);
	/* txtvers first (sec. 6.5); the name normalized (RFC 3722). */
	g_assert_cmpuint(g_strv_length(s), ==, 4);
	g_assert_cmpstr(s[0], ==, "txtvers=1");
	g_assert_cmpstr(s[1], ==, "iqn=" IQN);
	g_assert_cmpstr(s[2], ==, "tpgt=5");
	g_assert_cmpstr(s[3], ==, "auth=chap");
}

static void test_encode_isns(void)
{
	IDiscMdnsTxt t = { NULL, -1, IDISC_MDNS_AUTH_NONE };
	g_auto(GStrv) s = idisc_mdns_txt_encode(IDISC_MDNS_ISNS, &t, NULL);
	g_assert_cmpuint(g_strv_length(s), ==, 1);
	g_assert_cmpstr(s[0], ==, "txtvers=1");
}

static void test_encode_refuses(void)
{
	GError *e = NULL;
	IDiscMdnsTxt bad_name = { (char *) "garbage", 1, IDISC_MDNS_AUTH_NONE };
	g_assert_null(idisc_mdns_txt_encode(IDISC_MDNS_ISCSI, &bad_name, &e));
	g_assert_error(e, IDISC_ERROR, IDISC_ERROR_INVALID);
	g_assert_nonnull(strstr(e->message, "iqn"));
	g_clear_error(&e);
	IDiscMdnsTxt bad_tag = { (char *) IQN, 65536, IDISC_MDNS_AUTH_NONE };
	g_assert_null(idisc_mdns_txt_encode(IDISC_MDNS_ISCSI, &bad_tag, &e));
	g_assert_error(e, IDISC_ERROR, IDISC_ERROR_INVALID);
	g_assert_nonnull(strstr(e->message, "tpgt"));
	g_clear_error(&e);
	IDiscMdnsTxt no_name = { NULL, 1, IDISC_MDNS_AUTH_NONE };
	g_assert_null(idisc_mdns_txt_encode(IDISC_MDNS_ISCSI, &no_name, &e));
	g_clear_error(&e);
}

static void test_pack(void)
{
	const char *strs[] = { "txtvers=1", "a=b", NULL };
	g_autoptr(GBytes) b = idisc_mdns_txt_pack(strs, NULL);
	gsize n;
	const guint8 *d = g_bytes_get_data(b, &n);
	g_assert_cmpmem(d, n, "\x09txtvers=1\x03" "a=b", 14);
	/* sec. 6.1: an empty record is one empty string. */
	const char *none[] = { NULL };
	g_autoptr(GBytes) e = idisc_mdns_txt_pack(none, NULL);
	d = g_bytes_get_data(e, &n);
	g_assert_cmpmem(d, n, "\0", 1);
	/* a string the length byte cannot hold */
	g_autofree char *big = g_strnfill(256, 'x');
	const char *too[] = { big, NULL };
	GError *err = NULL;
	g_assert_null(idisc_mdns_txt_pack(too, &err));
	g_assert_error(err, IDISC_ERROR, IDISC_ERROR_TOO_LARGE);
	g_clear_error(&err);
}

static void test_round_trip(void)
{
	IDiscMdnsTxt t = { (char *) IQN, 65535, IDISC_MDNS_AUTH_NONE };
	g_auto(GStrv) s = idisc_mdns_txt_encode(IDISC_MDNS_ISCSI, &t, NULL);
	IDiscMdnsTxt back;
	g_assert_true(decode(IDISC_MDNS_ISCSI, idisc_mdns_txt_pack((const char *const *) s, NULL), &back, NULL));
	g_assert_cmpstr(back.iqn, ==, IQN);
	g_assert_cmpint(back.tpgt, ==, 65535);
	g_assert_cmpint(back.auth, ==, IDISC_MDNS_AUTH_NONE);
	idisc_mdns_txt_clear(&back);
}

static void test_decode_rules(void)
{
	IDiscMdnsTxt t;
	/* Keys are case-insensitive, unknown keys and boolean attributes are
	 * ignored, the first of a repeated key counts, a string without a key
	 * is ignored (sec. 6.4). */
	g_assert_true(decode(IDISC_MDNS_ISCSI,
			     wire("TxtVers=1", "color=blue", "flag", "=x", "IQN=" IQN, "iqn=garbage", "tpgt=0",
				  "tpgt=99999", "auth=chap", NULL),
			     &t, NULL));
	g_assert_cmpstr(t.iqn, ==, IQN);
	g_assert_cmpint(t.tpgt, ==, 0);
	g_assert_cmpint(t.auth, ==, IDISC_MDNS_AUTH_CHAP);
	idisc_mdns_txt_clear(&t);
	/* A peer's name is read leniently (an underscore is tolerated). */
	g_assert_true(decode(IDISC_MDNS_ISCSI,
			     wire("txtvers=1", "iqn=iqn.2024-01.com.example:my_disk", "tpgt=1", "auth=none", NULL),
			     &t, NULL));
	g_assert_cmpstr(t.iqn, ==, "iqn.2024-01.com.example:my_disk");
	idisc_mdns_txt_clear(&t);
	/* An iSNS server: txtvers only, and even no TXT at all is usable. */
	g_assert_true(decode(IDISC_MDNS_ISNS, wire("txtvers=1", "iqn=garbage", NULL), &t, NULL));
	g_assert_null(t.iqn);
	g_assert_true(decode(IDISC_MDNS_ISNS, g_bytes_new("\0", 1), &t, NULL));
}

typedef struct {
	const char *what;
	const char *s[6];
	const char *key; /* named in the message */
} BadCase;

static const BadCase bad_cases[] = {
	{ "name that is not an iSCSI name", { "txtvers=1", "iqn=garbage", "tpgt=1", "auth=none" }, "iqn" },
	{ "tpgt above 16 bits", { "txtvers=1", "iqn=" IQN, "tpgt=99999", "auth=none" }, "tpgt" },
	{ "tpgt with a sign", { "txtvers=1", "iqn=" IQN, "tpgt=-1", "auth=none" }, "tpgt" },
	{ "tpgt empty", { "txtvers=1", "iqn=" IQN, "tpgt=", "auth=none" }, "tpgt" },
	{ "tpgt too many digits", { "txtvers=1", "iqn=" IQN, "tpgt=000001", "auth=none" }, "tpgt" },
	{ "auth unknown", { "txtvers=1", "iqn=" IQN, "tpgt=1", "auth=krb5" }, "auth" },
	{ "auth upper case", { "txtvers=1", "iqn=" IQN, "tpgt=1", "auth=CHAP" }, "auth" },
	{ "auth without value", { "txtvers=1", "iqn=" IQN, "tpgt=1", "auth" }, "auth" },
	{ "txtvers 2", { "txtvers=2", "iqn=" IQN, "tpgt=1", "auth=none" }, "txtvers" },
	{ "txtvers missing", { "iqn=" IQN, "tpgt=1", "auth=none" }, "txtvers" },
	{ "iqn missing", { "txtvers=1", "tpgt=1", "auth=none" }, "iqn" },
	{ "tpgt missing", { "txtvers=1", "iqn=" IQN, "auth=none" }, "tpgt" },
	{ "auth missing", { "txtvers=1", "iqn=" IQN, "tpgt=1" }, "auth" },
};

static void test_decode_refuses(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
		const BadCase *c = &bad_cases[i];
		IDiscMdnsTxt t;
		GError *e = NULL;
		gboolean ok = decode(IDISC_MDNS_ISCSI, wire(c->s[0], c->s[1], c->s[2], c->s[3], c->s[4], NULL), &t, &e);
		g_test_message("%s: %s", c->what, e ? e->message : "accepted");
		g_assert_false(ok);
		g_assert_error(e, IDISC_ERROR, IDISC_ERROR_MALFORMED);
		g_assert_nonnull(strstr(e->message, c->key));
		g_assert_null(t.iqn);
		g_error_free(e);
	}
}

static void test_decode_framing(void)
{
	IDiscMdnsTxt t;
	GError *e = NULL;
	/* A length byte that runs past the record. */
	g_assert_false(decode(IDISC_MDNS_ISCSI, g_bytes_new("\x09txtvers=1\x30iqn=", 15), &t, &e));
	g_assert_error(e, IDISC_ERROR, IDISC_ERROR_MALFORMED);
	g_clear_error(&e);
	/* A NUL inside the name. */
	g_assert_false(decode(IDISC_MDNS_ISCSI,
			      g_bytes_new("\x09txtvers=1\x1f" "iqn=iqn.2024-01.com.example:a\0b\x06tpgt=1\x09" "auth=none",
					  59),
			      &t, &e));
	g_assert_error(e, IDISC_ERROR, IDISC_ERROR_MALFORMED);
	g_assert_nonnull(strstr(e->message, "iqn"));
	g_clear_error(&e);
	/* More than sec. 6.2 allows is refused unread. */
	g_autofree guint8 *big = g_malloc0(IDISC_MDNS_TXT_MAX + 1);
	g_assert_false(idisc_mdns_txt_decode(IDISC_MDNS_ISCSI, big, IDISC_MDNS_TXT_MAX + 1, &t, &e));
	g_assert_error(e, IDISC_ERROR, IDISC_ERROR_TOO_LARGE);
	g_clear_error(&e);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mdns-txt/encode-target", test_encode_target);
	g_test_add_func("/mdns-txt/encode-isns", test_encode_isns);
	g_test_add_func("/mdns-txt/encode-refuses", test_encode_refuses);
	g_test_add_func("/mdns-txt/pack", test_pack);
	g_test_add_func("/mdns-txt/round-trip", test_round_trip);
	g_test_add_func("/mdns-txt/decode-rules", test_decode_rules);
	g_test_add_func("/mdns-txt/decode-refuses", test_decode_refuses);
	g_test_add_func("/mdns-txt/decode-framing", test_decode_framing);
	return g_test_run();
}
