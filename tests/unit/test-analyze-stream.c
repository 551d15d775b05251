/* PDU framing of the analyzer (analyzer/ana-stream.c): PDUs split at any
 * byte, digests, a gap inside a data segment (framing kept), a gap across
 * headers and garbage (resynchronisation on the next plausible BHS). */
#include "config.h"
#include <glib.h>
#include <string.h>
#include "analyzer/ana-reasm.h"
#include "analyzer/ana-stream.h"
#include "libiscsi-proto/iproto-digest.h"

typedef struct {
	GString *trace;       /* "op/len[/dd-ok|/dd-bad|/lost] " and "E<event> " */
} Sink;

static void on_pdu(const AnaPduView *v, gpointer user_data)
{
	Sink *s = user_data;

	g_string_append_printf(s->trace, "%02x/%u", v->pdu->opcode, v->pdu->data_len);
	if (v->data_lost)
		g_string_append(s->trace, "/lost");
	else if (v->ddigest)
		g_string_append(s->trace, v->ddigest_ok ? "/dd-ok" : "/dd-bad");
	g_string_append_c(s->trace, ' ');
}

static void on_event(AnaStreamEvent ev, const char *message, gpointer user_data)
{
	Sink *s = user_data;

	g_test_message("event %d: %s", ev, message);
	g_string_append_printf(s->trace, "E%d ", ev);
}

static const AnaStreamFuncs funcs = { on_pdu, on_event };

/* Appends a target PDU: a Data-In with len data bytes (or a NOP-In when
 * len is 0), with digests as asked. */
static void add_pdu(GByteArray *out, uint32_t len, uint32_t itt, bool hd, bool dd)
{
	IProtoPdu p;
	uint8_t hdr[IPROTO_BHS_LEN + 4], d[4], pad[3] = { 0 };
	g_autofree uint8_t *data = g_malloc(len ? len : 1);
	size_t n;

	iproto_pdu_init(&p, len ? IPROTO_OP_DATA_IN : IPROTO_OP_NOP_IN);
	p.itt = itt;
	p.data_len = len;
	if (len) {
		p.u.data_in.ttt = IPROTO_RESERVED_TAG;
	} else {
		p.itt = IPROTO_RESERVED_TAG;
		p.u.nop_in.ttt = 5;
	}
	n = iproto_pdu_encode(&p, hdr, sizeof hdr, NULL);
	g_assert_cmpuint(n, ==, IPROTO_BHS_LEN);
	g_byte_array_append(out, hdr, (guint) n);
	if (hd) {
		iproto_digest_put(d, iproto_crc32c(hdr, n));
		g_byte_array_append(out, d, 4);
	}
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t) (i * 7 + itt);
	g_byte_array_append(out, data, len);
	g_byte_array_append(out, pad, iproto_pad_len(len));
	if (dd && len) {
		uint32_t st = iproto_crc32c_update(IPROTO_CRC32C_INIT, data, len);
		st = iproto_crc32c_update(st, pad, iproto_pad_len(len));
		iproto_digest_put(d, iproto_crc32c_finish(st));
		g_byte_array_append(out, d, 4);
	}
}

static char *run(const GByteArray *bytes, size_t chunk, bool hd, bool dd)
{
	Sink s = { g_string_new(NULL) };
	AnaStream *st = ana_stream_new(IPROTO_SENDER_TARGET, &funcs, &s);

	ana_stream_set_digests(st, hd, dd);
	for (size_t off = 0; off < bytes->len; off += chunk)
		ana_stream_feed(st, bytes->data + off, MIN(chunk, bytes->len - off));
	ana_stream_end(st);
	ana_stream_free(st);
	return g_string_free(s.trace, FALSE);
}

static void test_chunks(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	static const size_t chunks[] = { 1, 3, 47, 48, 49, 1000, 100000 };

	add_pdu(b, 0, 0, false, false);
	add_pdu(b, 5, 1, false, false);
	add_pdu(b, 70000, 2, false, false);  /* more than ANA_STREAM_KEEP_DATA */
	add_pdu(b, 8, 3, false, false);
	for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
		g_autofree char *t = run(b, chunks[i], false, false);
		g_assert_cmpstr(t, ==, "20/0 25/5 25/70000 25/8 ");
	}
}

static void test_digests(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	g_autofree char *good = NULL, *bad_data = NULL, *bad_header = NULL;

	add_pdu(b, 13, 1, true, true);
	add_pdu(b, 0, 0, true, true);       /* no data: no data digest */
	add_pdu(b, 4, 2, true, true);
	good = run(b, 7, true, true);
	g_assert_cmpstr(good, ==, "25/13/dd-ok 20/0 25/4/dd-ok ");
	/* A flipped data byte: the PDU still counts, its digest does not match. */
	b->data[IPROTO_BHS_LEN + 4 + 2] ^= 1;
	bad_data = run(b, 7, true, true);
	g_assert_cmpstr(bad_data, ==, "25/13/dd-bad 20/0 25/4/dd-ok ");
	b->data[IPROTO_BHS_LEN + 4 + 2] ^= 1;
	/* A flipped header byte: the framing is not trusted, the next PDU
	 * with a good header digest is found again. */
	b->data[20] ^= 0x10;
	bad_header = run(b, 7, true, true);
	g_assert_cmpstr(bad_header, ==, "E3 E1 20/0 25/4/dd-ok ");
}

static void test_gap_in_data(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	Sink s = { g_string_new(NULL) };
	AnaStream *st = ana_stream_new(IPROTO_SENDER_TARGET, &funcs, &s);

	add_pdu(b, 1000, 1, false, false);
	add_pdu(b, 8, 2, false, false);
	ana_stream_feed(st, b->data, 100);
	ana_stream_gap(st, 500);          /* inside the first data segment */
	ana_stream_feed(st, b->data + 600, b->len - 600);
	ana_stream_free(st);
	g_assert_cmpstr(s.trace->str, ==, "E0 25/1000/lost 25/8 ");
	g_string_free(s.trace, TRUE);
}

static void test_gap_resync(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	Sink s = { g_string_new(NULL) };
	AnaStream *st = ana_stream_new(IPROTO_SENDER_TARGET, &funcs, &s);
	size_t second;

	add_pdu(b, 100, 1, false, false);
	second = b->len;
	add_pdu(b, 100, 2, false, false);
	add_pdu(b, 0, 0, false, false);
	ana_stream_feed(st, b->data, 20);
	ana_stream_gap(st, 200);          /* the rest of the first PDU and 52 bytes of the second */
	ana_stream_feed(st, b->data + 220, b->len - 220);
	ana_stream_end(st);
	ana_stream_free(st);
	/* gap, the first PDU cut, a resync on the NOP-In after skipping the
	 * tail of the second PDU */
	g_assert_cmpuint(second, <, 220);
	g_assert_cmpstr(s.trace->str, ==, "E0 E4 E1 20/0 ");
	g_string_free(s.trace, TRUE);
}

static void test_garbage(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	g_autofree char *t = NULL;
	uint8_t junk[300];

	/* 0xff is never a defined opcode byte (bit 7 is reserved). */
	memset(junk, 0xff, sizeof junk);
	g_byte_array_append(b, junk, sizeof junk);
	add_pdu(b, 16, 1, false, false);
	t = run(b, 64, false, false);
	g_assert_cmpstr(t, ==, "E2 E1 25/16 ");
}

static void test_plausible(void)
{
	g_autoptr(GByteArray) b = g_byte_array_new();

	size_t one;

	add_pdu(b, 4, 1, false, false);
	one = b->len;
	add_pdu(b, 0, 0, false, false);
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_TARGET, false, false, b->data, 10, false), ==,
			ANA_BHS_NEED_MORE);
	/* One whole PDU: a successor is needed, unless the stream ended. */
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_TARGET, false, false, b->data, one, false), ==,
			ANA_BHS_NEED_MORE);
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_TARGET, false, false, b->data, one, true), ==,
			ANA_BHS_YES);
	/* At the end of the stream, a header whose PDU would run past the
	 * end cannot be checked by a successor: not taken. */
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_TARGET, false, false, b->data, one - 1, true), ==,
			ANA_BHS_NO);
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_TARGET, false, false, b->data, b->len, false), ==,
			ANA_BHS_YES);
	/* a successor that is no PDU */
	b->data[one] = 0xff;
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_TARGET, false, false, b->data, b->len, false), ==,
			ANA_BHS_NO);
	b->data[one] = IPROTO_OP_NOP_IN;
	/* a Data-In is not something an initiator sends */
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_INITIATOR, false, false, b->data, b->len, false), ==,
			ANA_BHS_NO);
	/* a header digest that does not match */
	g_assert_cmpint(ana_stream_plausible(IPROTO_SENDER_TARGET, true, false, b->data, b->len, false), ==,
			ANA_BHS_NO);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/analyze/stream/chunks", test_chunks);
	g_test_add_func("/analyze/stream/digests", test_digests);
	g_test_add_func("/analyze/stream/gap-in-data", test_gap_in_data);
	g_test_add_func("/analyze/stream/gap-resync", test_gap_resync);
	g_test_add_func("/analyze/stream/garbage", test_garbage);
	g_test_add_func("/analyze/stream/plausible", test_plausible);
	return g_test_run();
}
