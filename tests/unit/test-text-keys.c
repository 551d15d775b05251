/* Text key lists, the C-bit accumulator, value forms and the key table
 * (RFC 7143 sec. 6.1, 12, 13). */
#include "config.h"
#include <string.h>
#include "libiscsi-proto/iproto.h"

#define BYTES(s) ((const uint8_t *) (s)), (sizeof(s) - 1)

static void test_parse_basic(void)
{
	g_autoptr(IProtoTextList) l = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_true(iproto_text_list_parse(l, BYTES("HeaderDigest=None\0MaxBurstLength=8192\0X-com.example.k=\0"), &err));
	g_assert_no_error(err);
	g_assert_cmpuint(iproto_text_list_length(l), ==, 3);
	g_assert_cmpstr(iproto_text_list_get(l, "MaxBurstLength"), ==, "8192");
	g_assert_cmpstr(iproto_text_list_get(l, "X-com.example.k"), ==, "");
	g_assert_cmpstr(iproto_text_list_nth(l, 0)->key, ==, "HeaderDigest");
	/* key names are case-sensitive (sec. 6.1) */
	g_assert_null(iproto_text_list_get(l, "headerdigest"));
}

static void expect_parse_error(const uint8_t *data, gsize len, int code)
{
	g_autoptr(IProtoTextList) l = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_false(iproto_text_list_parse(l, data, len, &err));
	g_assert_error(err, IPROTO_ERROR, code);
}

static void test_parse_errors(void)
{
	/* last pair without its NUL */
	expect_parse_error(BYTES("A=1\0B=2"), IPROTO_ERROR_TEXT_FORMAT);
	/* no '=' */
	expect_parse_error(BYTES("NoEquals\0"), IPROTO_ERROR_TEXT_FORMAT);
	/* empty key, bad characters */
	expect_parse_error(BYTES("=x\0"), IPROTO_ERROR_TEXT_FORMAT);
	expect_parse_error(BYTES("Bad Key=x\0"), IPROTO_ERROR_TEXT_FORMAT);
	expect_parse_error(BYTES("A#B=x\0"), IPROTO_ERROR_TEXT_FORMAT);
}

static void test_key_length_limit(void)
{
	char buf[200];
	/* 63 bytes is the maximum (sec. 6.1) */
	memset(buf, 'K', 63);
	memcpy(buf + 63, "=v", 3);
	g_autoptr(IProtoTextList) l = iproto_text_list_new();
	g_assert_true(iproto_text_list_parse(l, (uint8_t *) buf, 66, NULL));
	memset(buf, 'K', 64);
	memcpy(buf + 64, "=v", 3);
	expect_parse_error((uint8_t *) buf, 67, IPROTO_ERROR_TEXT_TOO_LONG);
}

static void test_value_length_limit(void)
{
	gsize n = IPROTO_TEXT_LARGE_VALUE_MAX + 1;
	g_autofree char *buf = g_malloc(n + 4);
	memcpy(buf, "A=", 2);
	memset(buf + 2, 'v', n);
	buf[2 + n] = 0;
	expect_parse_error((uint8_t *) buf, n + 3, IPROTO_ERROR_TEXT_TOO_LONG);
	/* exactly at the cap parses */
	buf[2 + n - 1] = 0;
	g_autoptr(IProtoTextList) l = iproto_text_list_new();
	g_assert_true(iproto_text_list_parse(l, (uint8_t *) buf, n + 2, NULL));
	g_assert_cmpuint(strlen(iproto_text_list_get(l, "A")), ==, IPROTO_TEXT_LARGE_VALUE_MAX);
}

static void test_encode_roundtrip(void)
{
	g_autoptr(IProtoTextList) l = iproto_text_list_new();
	iproto_text_list_add(l, "InitiatorName", "iqn.2026-01.test:x");
	iproto_text_list_add_uint(l, "MaxRecvDataSegmentLength", 65536);
	iproto_text_list_set(l, "InitiatorName", "iqn.2026-01.test:y");
	GByteArray *b = iproto_text_list_encode(l);
	static const char want[] = "InitiatorName=iqn.2026-01.test:y\0MaxRecvDataSegmentLength=65536";
	g_assert_cmpmem(b->data, b->len, want, sizeof want);
	g_autoptr(IProtoTextList) back = iproto_text_list_new();
	g_assert_true(iproto_text_list_parse(back, b->data, b->len, NULL));
	g_assert_cmpstr(iproto_text_list_get(back, "MaxRecvDataSegmentLength"), ==, "65536");
	g_byte_array_unref(b);
}

/* A pair split in the middle of its key and another in its value, across
 * three PDUs with C=1, C=1, C=0 (sec. 6.1). */
static void test_accum_continuation(void)
{
	g_autoptr(IProtoTextAccum) acc = iproto_text_accum_new(0);
	IProtoTextList *out = NULL;
	g_autoptr(GError) err = NULL;

	g_assert_cmpint(iproto_text_accum_feed(acc, BYTES("TargetAlias=disk\0Max"), TRUE, &out, &err), ==,
			IPROTO_TEXT_ACCUM_MORE);
	g_assert_null(out);
	g_assert_cmpuint(iproto_text_accum_pending(acc), ==, 20);
	g_assert_cmpint(iproto_text_accum_feed(acc, BYTES("BurstLength=26"), TRUE, &out, &err), ==,
			IPROTO_TEXT_ACCUM_MORE);
	g_assert_cmpint(iproto_text_accum_feed(acc, BYTES("2144\0"), FALSE, &out, &err), ==, IPROTO_TEXT_ACCUM_DONE);
	g_assert_no_error(err);
	g_assert_nonnull(out);
	g_assert_cmpstr(iproto_text_list_get(out, "TargetAlias"), ==, "disk");
	g_assert_cmpstr(iproto_text_list_get(out, "MaxBurstLength"), ==, "262144");
	iproto_text_list_free(out);
	g_assert_cmpuint(iproto_text_accum_pending(acc), ==, 0);
	/* the final PDU cut inside a pair is malformed */
	g_assert_cmpint(iproto_text_accum_feed(acc, BYTES("A=1\0B"), FALSE, &out, &err), ==, IPROTO_TEXT_ACCUM_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_TEXT_FORMAT);
}

/* Endless continuation stops at the configured limit, before it grows. */
static void test_accum_limit(void)
{
	g_autoptr(IProtoTextAccum) acc = iproto_text_accum_new(1024);
	IProtoTextList *out = NULL;
	g_autoptr(GError) err = NULL;
	uint8_t chunk[256];
	memset(chunk, 'x', sizeof chunk);
	for (int i = 0; i < 4; i++)
		g_assert_cmpint(iproto_text_accum_feed(acc, chunk, sizeof chunk, TRUE, &out, &err), ==,
				IPROTO_TEXT_ACCUM_MORE);
	g_assert_cmpint(iproto_text_accum_feed(acc, chunk, 1, TRUE, &out, &err), ==, IPROTO_TEXT_ACCUM_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_TEXT_TOO_LONG);
	g_assert_cmpuint(iproto_text_accum_pending(acc), ==, 0);
}

static void test_next_chunk(void)
{
	gsize off = 0;
	gboolean more;
	g_assert_cmpuint(iproto_text_next_chunk(10000, &off, 4096, &more), ==, 4096);
	g_assert_true(more);
	g_assert_cmpuint(iproto_text_next_chunk(10000, &off, 4096, &more), ==, 4096);
	g_assert_true(more);
	g_assert_cmpuint(iproto_text_next_chunk(10000, &off, 4096, &more), ==, 1808);
	g_assert_false(more);
	off = 0;
	g_assert_cmpuint(iproto_text_next_chunk(0, &off, 4096, &more), ==, 0);
	g_assert_false(more);
}

static void test_numbers(void)
{
	guint64 v;
	g_autoptr(GError) err = NULL;
	g_assert_true(iproto_text_parse_number("262144", G_MAXUINT64, &v, NULL));
	g_assert_cmpuint(v, ==, 262144);
	g_assert_true(iproto_text_parse_number("0x40000", G_MAXUINT64, &v, NULL));
	g_assert_cmpuint(v, ==, 262144);
	g_assert_true(iproto_text_parse_number("0XfF", 255, &v, NULL));
	g_assert_cmpuint(v, ==, 255);
	g_assert_true(iproto_text_parse_number("0bAAQAAA==", G_MAXUINT64, &v, NULL)); /* 00 04 00 00 */
	g_assert_cmpuint(v, ==, 262144);
	g_assert_true(iproto_text_parse_number("18446744073709551615", G_MAXUINT64, &v, NULL));
	g_assert_false(iproto_text_parse_number("18446744073709551616", G_MAXUINT64, &v, NULL));
	g_assert_false(iproto_text_parse_number("", 10, &v, NULL));
	g_assert_false(iproto_text_parse_number("-1", 10, &v, NULL));
	g_assert_false(iproto_text_parse_number("12a", 100, &v, NULL));
	g_assert_false(iproto_text_parse_number("256", 255, &v, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_KEY_VALUE);
}

static void test_binary(void)
{
	gsize n;
	g_autofree guint8 *a = iproto_text_decode_binary("0x000102", 16, &n, NULL);
	g_assert_cmpmem(a, n, "\0\1\2", 3);
	g_autofree guint8 *b = iproto_text_decode_binary("0X102", 16, &n, NULL); /* odd: leading 0 implied */
	g_assert_cmpmem(b, n, "\1\2", 2);
	g_autofree guint8 *c = iproto_text_decode_binary("0bAAECAwQFBgcICQoLDA0ODw==", 16, &n, NULL);
	g_assert_cmpuint(n, ==, 16);
	g_assert_cmpuint(c[15], ==, 15);
	g_autofree guint8 *d = iproto_text_decode_binary("0BAAEC", 16, &n, NULL);
	g_assert_cmpmem(d, n, "\0\1\2", 3);
	g_assert_null(iproto_text_decode_binary("0x", 16, &n, NULL));
	g_assert_null(iproto_text_decode_binary("0xzz", 16, &n, NULL));
	g_assert_null(iproto_text_decode_binary("0bAAE", 16, &n, NULL));   /* not a multiple of 4 */
	g_assert_null(iproto_text_decode_binary("0bA=AA", 16, &n, NULL));  /* '=' inside */
	g_assert_null(iproto_text_decode_binary("0bAAF=", 16, &n, NULL));  /* non-canonical padding bits */
	g_assert_null(iproto_text_decode_binary("1234", 16, &n, NULL));
	/* oversize refused, hex and base64 */
	g_assert_null(iproto_text_decode_binary("0x000102030405060708", 8, &n, NULL));
	g_assert_null(iproto_text_decode_binary("0bAAECAwQFBgcICQoLDA0ODw==", 15, &n, NULL));
	g_autofree char *hex = iproto_text_encode_binary((const guint8 *) "\x01\xab", 2, IPROTO_BINARY_HEX);
	g_assert_cmpstr(hex, ==, "0x01ab");
	g_autofree char *b64 = iproto_text_encode_binary((const guint8 *) "\0\1\2", 3, IPROTO_BINARY_BASE64);
	g_assert_cmpstr(b64, ==, "0bAAEC");
}

static void test_bool_and_list(void)
{
	gboolean b;
	g_assert_true(iproto_text_parse_bool("Yes", &b) && b);
	g_assert_true(iproto_text_parse_bool("No", &b) && !b);
	g_assert_false(iproto_text_parse_bool("yes", &b));
	g_assert_true(iproto_text_list_has_item("CRC32C,None", "None"));
	g_assert_false(iproto_text_list_has_item("CRC32C,None", "CRC32"));
	g_assert_false(iproto_text_list_has_item("CRC32C,None", "None,"));
}

static void test_key_table(void)
{
	/* every row is reachable by name and by id, and numeric defaults are in range */
	for (guint id = 0; id < IPROTO_KEY_COUNT; id++) {
		const IProtoKeyDef *d = iproto_key_get((IProtoKeyId) id);
		g_assert_cmpuint(d->id, ==, id);
		g_assert_true(iproto_key_lookup(d->name) == d);
		g_assert_true(iproto_key_name_valid(d->name, strlen(d->name)));
		g_assert_nonnull(d->rfc);
		g_assert_true(d->phases != 0);
		if (d->type == IPROTO_KEY_TYPE_NUMERIC && d->def) {
			guint64 v;
			g_assert_true(iproto_text_parse_number(d->def, d->max, &v, NULL));
			g_assert_cmpuint(v, >=, d->min);
		}
		if (d->type == IPROTO_KEY_TYPE_LIST)
			g_assert_true(iproto_text_list_has_item(d->values, d->def));
	}
	const IProtoKeyDef *fbl = iproto_key_lookup("FirstBurstLength");
	g_assert_cmpint(fbl->result, ==, IPROTO_KEY_RESULT_MIN);
	g_assert_cmpuint(fbl->min, ==, 512);
	g_assert_cmpuint(fbl->max, ==, 16777215);
	g_assert_cmpstr(fbl->def, ==, "65536");
	g_assert_true(fbl->flags & IPROTO_KEYF_LO);
	g_assert_true(fbl->flags & IPROTO_KEYF_IRR_BURST);
	g_assert_cmpint(iproto_key_lookup("DefaultTime2Wait")->result, ==, IPROTO_KEY_RESULT_MAX);
	g_assert_cmpint(iproto_key_lookup("InitialR2T")->result, ==, IPROTO_KEY_RESULT_OR);
	g_assert_cmpint(iproto_key_lookup("ImmediateData")->result, ==, IPROTO_KEY_RESULT_AND);
	g_assert_cmpint(iproto_key_lookup("MaxRecvDataSegmentLength")->result, ==, IPROTO_KEY_RESULT_NONE);
	g_assert_false(iproto_key_lookup("MaxRecvDataSegmentLength")->flags & IPROTO_KEYF_SESSION);
	g_assert_cmpint(iproto_key_lookup("OFMarkInt")->result, ==, IPROTO_KEY_RESULT_REJECT);
	g_assert_true(iproto_key_initial_only(iproto_key_lookup("HeaderDigest")));
	g_assert_true(iproto_key_initial_only(iproto_key_lookup("AuthMethod")));
	g_assert_false(iproto_key_initial_only(iproto_key_lookup("MaxRecvDataSegmentLength")));
	g_assert_false(iproto_key_initial_only(iproto_key_lookup("TargetAlias")));
	g_assert_true(iproto_key_lookup("SendTargets")->phases == IPROTO_PHASE_FFP);
	g_assert_true(iproto_key_lookup("TargetAddress")->flags & IPROTO_KEYF_REPEATABLE);
	g_assert_true(iproto_key_lookup("TargetPortalGroupTag")->flags & IPROTO_KEYF_FROM_TARGET);
	g_assert_false(iproto_key_lookup("TargetPortalGroupTag")->flags & IPROTO_KEYF_FROM_INITIATOR);
	g_assert_null(iproto_key_lookup("maxburstlength"));
	g_assert_null(iproto_key_lookup("X-com.example.Foo"));
	g_assert_true(iproto_key_is_extension("X-com.example.Foo"));
	g_assert_true(iproto_key_is_extension("X#Foo"));
	g_assert_false(iproto_key_is_extension("MaxBurstLength"));
	g_assert_cmpuint(iproto_key_value_max(iproto_key_lookup("CHAP_C")), ==, IPROTO_TEXT_LARGE_VALUE_MAX);
	g_assert_cmpuint(iproto_key_value_max(iproto_key_lookup("TargetAlias")), ==, IPROTO_TEXT_VALUE_MAX);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/text/parse/basic", test_parse_basic);
	g_test_add_func("/text/parse/errors", test_parse_errors);
	g_test_add_func("/text/parse/key-length", test_key_length_limit);
	g_test_add_func("/text/parse/value-length", test_value_length_limit);
	g_test_add_func("/text/encode/roundtrip", test_encode_roundtrip);
	g_test_add_func("/text/accum/continuation", test_accum_continuation);
	g_test_add_func("/text/accum/limit", test_accum_limit);
	g_test_add_func("/text/next-chunk", test_next_chunk);
	g_test_add_func("/text/values/numbers", test_numbers);
	g_test_add_func("/text/values/binary", test_binary);
	g_test_add_func("/text/values/bool-list", test_bool_and_list);
	g_test_add_func("/text/keys/table", test_key_table);
	return g_test_run();
}
