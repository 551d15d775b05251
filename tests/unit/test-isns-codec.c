/* iSNS codec: TLV decode/encode and PDU segmentation/reassembly
 * (RFC 4171 sec. 5.1-5.3). */
#include "config.h"
#include <string.h>
#include "discovery/isns-attrs.h"
#include "discovery/isns-addr.h"
#include "discovery/isns-error.h"
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"
#include "libiscsi-proto/iproto-bytes.h"

static GBytes *bytes_of(GByteArray *b)
{
	return g_bytes_new(b->data, b->len);
}

static void test_string_padding(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, "abc");     /* 3+1 = 4 */
	idisc_put_string(b, IDISC_TAG_ALIAS, "abcd");         /* 4+1 -> 8 */
	g_assert_cmpuint(b->len, ==, 8 + 4 + 8 + 8);
	g_assert_cmpuint(iproto_get_be32(b->data + 4), ==, 4);
	g_assert_cmpuint(iproto_get_be32(b->data + 16), ==, 8);
	g_autoptr(GBytes) p = bytes_of(b);
	g_autoptr(GError) error = NULL;
	g_autoptr(IDiscTlvList) l = idisc_tlv_list_decode(p, FALSE, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(idisc_tlv_list_count(l), ==, 2);
	g_assert_cmpstr(idisc_tlv_string(idisc_tlv_list_get(l, 0)), ==, "abc");
	g_assert_cmpstr(idisc_tlv_string(idisc_tlv_list_get(l, 1)), ==, "abcd");
	g_assert_false(idisc_tlv_list_has_delimiter(l));
}

static void test_delimiter_and_status(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_status(b, 9);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, "iqn.2024-01.test:a");
	idisc_put_delimiter(b);
	idisc_put_nil(b, IDISC_TAG_ENTITY_ID);
	idisc_put_u32(b, IDISC_TAG_PORTAL_PORT, 3260);
	g_autoptr(GBytes) p = bytes_of(b);
	g_autoptr(GError) error = NULL;
	g_autoptr(IDiscTlvList) l = idisc_tlv_list_decode(p, TRUE, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(l->status, ==, 9);
	g_assert_cmpuint(l->delim, ==, 1);
	g_assert_cmpuint(idisc_tlv_list_count(l), ==, 4);
	g_assert_cmpuint(idisc_tlv_list_get(l, 2)->len, ==, 0);
	g_assert_cmpuint(idisc_tlv_u32(idisc_tlv_list_get(l, 3)), ==, 3260);
}

/* Each malformed body must fail with IDISC_ERROR_MALFORMED, never crash. */
static void expect_malformed(const guint8 *data, gsize len, gboolean response)
{
	g_autoptr(GBytes) p = g_bytes_new(data, len);
	g_autoptr(GError) error = NULL;
	IDiscTlvList *l = idisc_tlv_list_decode(p, response, &error);
	g_assert_null(l);
	g_assert_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED);
}

static void test_malformed_tlvs(void)
{
	/* truncated TLV header */
	static const guint8 t1[] = { 0, 0, 0, 32, 0, 0 };
	expect_malformed(t1, sizeof t1, FALSE);
	/* length past the end */
	static const guint8 t2[] = { 0, 0, 0, 32, 0, 0, 0, 8, 'a', 'b', 'c', 0 };
	expect_malformed(t2, sizeof t2, FALSE);
	/* unpadded length */
	static const guint8 t3[] = { 0, 0, 0, 32, 0, 0, 0, 3, 'a', 'b', 0, 0 };
	expect_malformed(t3, sizeof t3, FALSE);
	/* string without NUL */
	static const guint8 t4[] = { 0, 0, 0, 32, 0, 0, 0, 4, 'a', 'b', 'c', 'd' };
	expect_malformed(t4, sizeof t4, FALSE);
	/* u32 attribute of 8 bytes */
	static const guint8 t5[] = { 0, 0, 0, 33, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 1 };
	expect_malformed(t5, sizeof t5, FALSE);
	/* delimiter with a value */
	static const guint8 t6[] = { 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0 };
	expect_malformed(t6, sizeof t6, FALSE);
	/* response without status word */
	static const guint8 t7[] = { 0, 0 };
	expect_malformed(t7, sizeof t7, TRUE);
	/* address of 4 bytes */
	static const guint8 t8[] = { 0, 0, 0, 16, 0, 0, 0, 4, 127, 0, 0, 1 };
	expect_malformed(t8, sizeof t8, FALSE);
}

static void test_attr_format_parse(void)
{
	static const struct { guint32 tag; const char *text; } cases[] = {
		{ IDISC_TAG_ISCSI_NAME, "iqn.2024-01.test.lab:tgt1" },
		{ IDISC_TAG_PORTAL_IP, "127.0.0.1" },
		{ IDISC_TAG_PORTAL_IP, "::1" },
		{ IDISC_TAG_PORTAL_PORT, "3260/tcp" },
		{ IDISC_TAG_SCN_PORT, "3205/udp" },
		{ IDISC_TAG_NODE_TYPE, "2" },
		{ IDISC_TAG_TIMESTAMP, "1700000000" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) v = idisc_attr_parse(cases[i].tag, cases[i].text, &error);
		g_assert_no_error(error);
		gsize n;
		const guint8 *d = g_bytes_get_data(v, &n);
		g_autofree char *back = idisc_attr_format(cases[i].tag, d, (guint32) n);
		g_assert_cmpstr(back, ==, cases[i].text);
	}
	guint8 a[16];
	g_assert_true(idisc_addr_parse("192.0.2.7", a));
	g_assert_cmpuint(a[10], ==, 0xff);
	g_assert_cmpuint(a[11], ==, 0xff);
	g_assert_cmpuint(a[15], ==, 7);
	g_autoptr(GError) error = NULL;
	g_assert_null(idisc_attr_parse(IDISC_TAG_PORTAL_PORT, "70000", &error));
	g_assert_error(error, IDISC_ERROR, IDISC_ERROR_INVALID);
}

static void test_attr_table_sorted(void)
{
	gsize n;
	const IDiscAttrInfo *t = idisc_attr_table(&n);
	for (gsize i = 1; i < n; i++)
		g_assert_cmpuint(t[i - 1].tag, <, t[i].tag);
	for (gsize i = 0; i < n; i++) {
		g_assert_true(idisc_attr_lookup(t[i].tag) == &t[i]);
		g_assert_true(idisc_attr_lookup_name(t[i].name) == &t[i]);
	}
	g_assert_null(idisc_attr_lookup(9999));
}

static GByteArray *make_payload(gsize n)
{
	GByteArray *b = g_byte_array_new();
	for (gsize i = 0; i < n; i++) {
		guint8 c = (guint8) (i * 7);
		g_byte_array_append(b, &c, 1);
	}
	return b;
}

static void test_segment_and_join(void)
{
	/* 200 KB: four PDUs at 65532 and a short tail. */
	g_autoptr(GByteArray) body = make_payload(200000);
	g_autoptr(GByteArray) wire = g_byte_array_new();
	idisc_message_encode(wire, IDISC_ISNS_DEV_ATTR_QRY | IDISC_ISNS_RESPONSE, IDISC_ISNS_FLAG_SERVER,
			     77, body->data, body->len, 65535);
	g_assert_cmpuint(wire->len, ==, 200000 + 4 * 12);
	IDiscPduHeader h;
	idisc_pdu_header_decode(wire->data, &h);
	g_assert_cmpuint(h.flags, ==, IDISC_ISNS_FLAG_SERVER | IDISC_ISNS_FLAG_FIRST);
	g_assert_cmpuint(h.length, ==, 65532);

	/* Feed byte slices of odd sizes: the message comes out once, intact. */
	g_autoptr(IDiscReassembler) r = idisc_reassembler_new(1 << 20);
	IDiscMessage m = { 0 };
	guint32 status = 0;
	int messages = 0;
	for (gsize off = 0; off < wire->len; off += 997) {
		idisc_reassembler_feed(r, wire->data + off, MIN(997, wire->len - off));
		IDiscReasmResult res;
		while ((res = idisc_reassembler_next(r, &m, &status, NULL)) == IDISC_REASM_MESSAGE) {
			messages++;
			g_assert_cmpuint(m.xid, ==, 77);
			g_assert_cmpuint(m.function, ==, IDISC_ISNS_DEV_ATTR_QRY | IDISC_ISNS_RESPONSE);
			g_assert_cmpuint(m.flags, ==, IDISC_ISNS_FLAG_SERVER);
			gsize n;
			const guint8 *d = g_bytes_get_data(m.payload, &n);
			g_assert_cmpmem(d, n, body->data, body->len);
			idisc_message_clear(&m);
		}
		g_assert_cmpint(res, ==, IDISC_REASM_NEED_MORE);
	}
	g_assert_cmpint(messages, ==, 1);
	g_assert_cmpuint(idisc_reassembler_pending(r), ==, 0);
}

static void feed_pdu(IDiscReassembler *r, guint16 version, guint16 function, guint16 flags,
		     guint16 xid, guint16 seq, const guint8 *payload, guint16 len)
{
	IDiscPduHeader h = { version, function, len, flags, xid, seq };
	guint8 hdr[12];
	idisc_pdu_header_encode(&h, hdr);
	idisc_reassembler_feed(r, hdr, 12);
	idisc_reassembler_feed(r, payload, len);
}

static IDiscReasmResult next(IDiscReassembler *r, IDiscMessage *m, guint32 *status)
{
	g_autoptr(GError) error = NULL;
	IDiscReasmResult res = idisc_reassembler_next(r, m, status, &error);
	if (res == IDISC_REASM_REJECT)
		g_assert_nonnull(error);
	return res;
}

static void test_framing_errors(void)
{
	g_autoptr(IDiscReassembler) r = idisc_reassembler_new(4096);
	static const guint8 body[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const guint16 FL = IDISC_ISNS_FLAG_FIRST | IDISC_ISNS_FLAG_LAST | IDISC_ISNS_FLAG_CLIENT;
	IDiscMessage m = { 0 };
	guint32 st = 0;

	/* wrong version: status 10 with the request's xid */
	feed_pdu(r, 2, 1, FL, 5, 0, body, 8);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_REJECT);
	g_assert_cmpuint(st, ==, IDISC_ISNS_VERSION_NOT_SUPPORTED);
	g_assert_cmpuint(m.xid, ==, 5);

	/* neither FIRST nor LAST: status 2, not a silent wait */
	feed_pdu(r, 1, 2, IDISC_ISNS_FLAG_CLIENT, 6, 0, body, 8);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_REJECT);
	g_assert_cmpuint(st, ==, IDISC_ISNS_MSG_FORMAT_ERROR);
	g_assert_cmpuint(m.xid, ==, 6);

	/* two PDUs, second with a wrong sequence number */
	feed_pdu(r, 1, 2, IDISC_ISNS_FLAG_FIRST, 7, 0, body, 8);
	feed_pdu(r, 1, 2, IDISC_ISNS_FLAG_LAST, 7, 5, body, 8);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_REJECT);
	g_assert_cmpuint(m.xid, ==, 7);

	/* a proper 2-PDU message still goes through afterwards */
	feed_pdu(r, 1, 2, IDISC_ISNS_FLAG_FIRST, 8, 0, body, 8);
	feed_pdu(r, 1, 2, IDISC_ISNS_FLAG_LAST, 8, 1, body, 4);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_MESSAGE);
	g_assert_cmpuint(g_bytes_get_size(m.payload), ==, 12);
	idisc_message_clear(&m);

	/* FIRST of a new message interrupts an unfinished one: the old one is
	 * answered, the new one completes */
	feed_pdu(r, 1, 2, IDISC_ISNS_FLAG_FIRST, 9, 0, body, 8);
	feed_pdu(r, 1, 3, FL, 10, 0, body, 8);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_REJECT);
	g_assert_cmpuint(m.xid, ==, 9);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_MESSAGE);
	g_assert_cmpuint(m.xid, ==, 10);
	idisc_message_clear(&m);

	/* over the message bound: rejected, the rest skipped */
	g_autoptr(GByteArray) big = make_payload(3000);
	feed_pdu(r, 1, 1, IDISC_ISNS_FLAG_FIRST, 11, 0, big->data, 3000);
	feed_pdu(r, 1, 1, 0, 11, 1, big->data, 3000);
	feed_pdu(r, 1, 1, IDISC_ISNS_FLAG_LAST, 11, 2, big->data, 3000);
	feed_pdu(r, 1, 3, FL, 12, 0, body, 8);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_REJECT);
	g_assert_cmpuint(m.xid, ==, 11);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_MESSAGE);
	g_assert_cmpuint(m.xid, ==, 12);
	idisc_message_clear(&m);

	/* truncated header: just waits */
	idisc_reassembler_feed(r, body, 5);
	g_assert_cmpint(next(r, &m, &st), ==, IDISC_REASM_NEED_MORE);
}

static void test_names(void)
{
	g_assert_cmpstr(idisc_isns_function_name(0x8003), ==, "DevGetNext");
	g_assert_cmpstr(idisc_isns_function_name(0x00ff), ==, "unknown");
	g_assert_cmpstr(idisc_isns_status_name(10), ==, "Version Not Supported");
	g_assert_cmpstr(idisc_isns_status_name(1000), ==, "unknown status");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/isns/codec/string-padding", test_string_padding);
	g_test_add_func("/isns/codec/delimiter-status", test_delimiter_and_status);
	g_test_add_func("/isns/codec/malformed-tlvs", test_malformed_tlvs);
	g_test_add_func("/isns/codec/attr-format-parse", test_attr_format_parse);
	g_test_add_func("/isns/codec/attr-table", test_attr_table_sorted);
	g_test_add_func("/isns/codec/segment-join", test_segment_and_join);
	g_test_add_func("/isns/codec/framing-errors", test_framing_errors);
	g_test_add_func("/isns/codec/names", test_names);
	return g_test_run();
}
