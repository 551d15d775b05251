/* TCP reassembly of the analyzer (analyzer/ana-reasm.c): in-order,
 * out-of-order, retransmitted, overlapping, lost and snapshot-cut segments,
 * holes revealed by ACKs, and the memory bounds. */
#include "config.h"
#include <glib.h>
#include <string.h>
#include "analyzer/ana-reasm.h"

typedef struct {
	GString *bytes;       /* what was delivered */
	GArray *gaps;         /* uint64_t per reported hole */
	GString *trace;       /* "D<n> G<n>" events in order */
} Sink;

static void deliver(const uint8_t *data, size_t len, uint64_t gap, gpointer user_data)
{
	Sink *s = user_data;

	if (gap) {
		g_array_append_val(s->gaps, gap);
		if (gap == ANA_GAP_UNKNOWN)
			g_string_append(s->trace, "G? ");
		else
			g_string_append_printf(s->trace, "G%" G_GUINT64_FORMAT " ", gap);
	}
	if (len) {
		g_string_append_len(s->bytes, (const char *) data, (gssize) len);
		g_string_append_printf(s->trace, "D%zu ", len);
	}
}

typedef struct {
	Sink sink;
	size_t total;
	AnaReasm *r;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
	AnaReasmLimits lim = { .max_pending = GPOINTER_TO_SIZE(data) ? GPOINTER_TO_SIZE(data) : 1 << 20,
			       .total_pending = &f->total, .max_total = 1 << 20 };

	f->sink.bytes = g_string_new(NULL);
	f->sink.gaps = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	f->sink.trace = g_string_new(NULL);
	f->total = 0;
	f->r = ana_reasm_new(&lim, deliver, &f->sink);
}

static void teardown(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_free(f->r);
	g_assert_cmpuint(f->total, ==, 0);  /* freeing returns the shared budget */
	g_string_free(f->sink.bytes, TRUE);
	g_array_unref(f->sink.gaps);
	g_string_free(f->sink.trace, TRUE);
}

#define SEG(f, seq, str) ana_reasm_segment((f)->r, (seq), false, (const uint8_t *) (str), strlen(str), 0)

static void test_in_order(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 999, true, NULL, 0, 0);  /* SYN: ISN 999, data from 1000 */
	SEG(f, 1000, "abc");
	SEG(f, 1003, "def");
	g_assert_cmpstr(f->sink.bytes->str, ==, "abcdef");
	g_assert_cmpuint(f->sink.gaps->len, ==, 0);
	g_assert_cmpuint(ana_reasm_stats(f->r)->bytes, ==, 6);
}

static void test_out_of_order(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	SEG(f, 7, "ghi");
	SEG(f, 4, "def");
	g_assert_cmpstr(f->sink.bytes->str, ==, "");
	g_assert_cmpuint(ana_reasm_pending(f->r), ==, 6);
	g_assert_cmpuint(f->total, ==, 6);
	SEG(f, 1, "abc");
	g_assert_cmpstr(f->sink.bytes->str, ==, "abcdefghi");
	g_assert_cmpuint(ana_reasm_pending(f->r), ==, 0);
	g_assert_cmpuint(f->total, ==, 0);
	g_assert_cmpuint(ana_reasm_stats(f->r)->out_of_order, ==, 2);
	g_assert_cmpuint(f->sink.gaps->len, ==, 0);
}

static void test_retransmit_overlap(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	SEG(f, 1, "abcd");
	SEG(f, 1, "abcd");      /* whole retransmission */
	SEG(f, 3, "cdEF");      /* overlaps two delivered bytes */
	SEG(f, 9, "ij");        /* waits */
	SEG(f, 9, "ij");        /* same waiting segment again */
	SEG(f, 7, "ghIJ");      /* fills the hole and overlaps the waiting one */
	g_assert_cmpstr(f->sink.bytes->str, ==, "abcdEFghIJ");
	g_assert_cmpuint(ana_reasm_stats(f->r)->retransmitted, ==, 3);
	g_assert_cmpuint(ana_reasm_stats(f->r)->overlaps, ==, 1);
	g_assert_cmpuint(f->sink.gaps->len, ==, 0);
}

static void test_gap_at_flush(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	SEG(f, 1, "ab");
	SEG(f, 10, "xyz");      /* bytes 3..9 never come */
	g_assert_cmpstr(f->sink.bytes->str, ==, "ab");
	ana_reasm_flush(f->r);
	g_assert_cmpstr(f->sink.bytes->str, ==, "abxyz");
	g_assert_cmpstr(f->sink.trace->str, ==, "D2 G7 D3 ");
	g_assert_cmpuint(ana_reasm_stats(f->r)->gaps, ==, 1);
	g_assert_cmpuint(ana_reasm_stats(f->r)->gap_bytes, ==, 7);
}

/* With a 4-byte budget the third waiting byte forces the skip. */
static void test_gap_by_limit(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	SEG(f, 1, "a");
	SEG(f, 5, "ef");
	SEG(f, 7, "gh");
	g_assert_cmpstr(f->sink.bytes->str, ==, "a");
	SEG(f, 9, "i");
	g_assert_cmpstr(f->sink.trace->str, ==, "D1 G3 D2 D2 D1 ");
	g_assert_cmpuint(ana_reasm_pending(f->r), ==, 0);
	SEG(f, 2, "bcd");       /* too late: counted as a retransmission */
	g_assert_cmpstr(f->sink.bytes->str, ==, "aefghi");
}

static void test_ack_reveals_loss(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	SEG(f, 1, "abc");
	ana_reasm_acked(f->r, 4);         /* nothing missing */
	g_assert_cmpuint(f->sink.gaps->len, ==, 0);
	ana_reasm_acked(f->r, 10);        /* the peer got 6 bytes we never saw */
	g_assert_cmpstr(f->sink.trace->str, ==, "D3 G6 ");
	SEG(f, 10, "jk");
	g_assert_cmpstr(f->sink.bytes->str, ==, "abcjk");
	/* A FIN's sequence number is acknowledged but is no lost byte. */
	ana_reasm_fin(f->r, 12);
	ana_reasm_acked(f->r, 13);
	g_assert_cmpuint(f->sink.gaps->len, ==, 1);
}

static void test_ack_with_waiting(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	SEG(f, 5, "ef");
	ana_reasm_acked(f->r, 9);         /* 1..4 lost, 5..6 waiting, 7..8 lost */
	g_assert_cmpstr(f->sink.trace->str, ==, "G4 D2 G2 ");
}

static void test_snaplen_cut(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	ana_reasm_segment(f->r, 1, false, (const uint8_t *) "abcd", 4, 96);  /* 100 on the wire */
	SEG(f, 101, "z");
	g_assert_cmpstr(f->sink.trace->str, ==, "D4 G96 D1 ");
}

static void test_mid_stream(Fixture *f, gconstpointer data)
{
	(void) data;
	SEG(f, 5000, "xy");               /* no SYN captured */
	SEG(f, 5002, "z");
	g_assert_cmpstr(f->sink.trace->str, ==, "G? D2 D1 ");
}

static void test_out_of_window(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0, true, NULL, 0, 0);
	SEG(f, 1u << 31, "far");
	g_assert_cmpuint(ana_reasm_stats(f->r)->out_of_window, ==, 1);
	g_assert_cmpuint(ana_reasm_pending(f->r), ==, 0);
}

static void test_wrap(Fixture *f, gconstpointer data)
{
	(void) data;
	ana_reasm_segment(f->r, 0xfffffffd, true, NULL, 0, 0);
	SEG(f, 0x00000001, "de");         /* after the wrap, waits */
	SEG(f, 0xfffffffe, "abc");        /* fills up to 0 */
	g_assert_cmpstr(f->sink.bytes->str, ==, "abcde");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, limit) \
	g_test_add("/analyze/reasm/" path, Fixture, GSIZE_TO_POINTER(limit), setup, fn, teardown)
	ADD("in-order", test_in_order, 0);
	ADD("out-of-order", test_out_of_order, 0);
	ADD("retransmit-overlap", test_retransmit_overlap, 0);
	ADD("gap-at-flush", test_gap_at_flush, 0);
	ADD("gap-by-limit", test_gap_by_limit, 4);
	ADD("ack-reveals-loss", test_ack_reveals_loss, 0);
	ADD("ack-with-waiting", test_ack_with_waiting, 0);
	ADD("snaplen-cut", test_snaplen_cut, 0);
	ADD("mid-stream", test_mid_stream, 0);
	ADD("out-of-window", test_out_of_window, 0);
	ADD("sequence-wrap", test_wrap, 0);
	return g_test_run();
}
