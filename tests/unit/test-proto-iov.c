/* iovec PDU assembly: layout, padding, digests, zero copy, capacity, and
 * partial writes (advance by N, and real sendmsg over a small socket). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include "libiscsi-proto/iproto-iov.h"
#include "libiscsi-proto/iproto-digest.h"
#include "libiscsi-proto/iproto-error.h"
#include "proto-stream.h"

static void nop(IProtoPdu *p, uint32_t itt)
{
	iproto_pdu_init(p, IPROTO_OP_NOP_OUT);
	p->itt = itt;
	p->u.nop_out.ttt = 0xffffffffu;
}

static void test_layout_plain(void)
{
	IProtoIov *v = g_new(IProtoIov, 1);
	IProtoPdu p;
	uint8_t data[5] = { 1, 2, 3, 4, 5 };
	nop(&p, 9);
	p.data_len = 12345; /* ignored: the iovecs decide */
	iproto_iov_init(v, false, false);
	g_assert_true(iproto_iov_add_buf(v, &p, data, sizeof data, NULL));

	unsigned n;
	const struct iovec *iov = iproto_iov_pending(v, &n);
	g_assert_cmpuint(n, ==, 3);                      /* header, data, padding */
	g_assert_cmpuint(iov[0].iov_len, ==, 48);
	g_assert_true(iov[1].iov_base == data);           /* referenced, not copied */
	g_assert_cmpuint(iov[1].iov_len, ==, 5);
	g_assert_cmpuint(iov[2].iov_len, ==, 3);
	g_assert_cmpuint(iproto_iov_pending_bytes(v), ==, 56);

	g_autoptr(GByteArray) s = stream_flatten(v);
	g_assert_cmpuint(s->len, ==, 56);
	g_assert_cmphex(s->data[0], ==, 0x00);
	g_assert_cmpuint(iproto_bhs_data_len(s->data), ==, 5);
	g_assert_cmpmem(s->data + 48, 5, data, 5);
	static const uint8_t zeros[3];
	g_assert_cmpmem(s->data + 53, 3, zeros, 3);

	/* no data: header only, even with a data digest */
	iproto_iov_init(v, false, true);
	g_assert_true(iproto_iov_add_buf(v, &p, NULL, 0, NULL));
	iov = iproto_iov_pending(v, &n);
	g_assert_cmpuint(n, ==, 1);
	g_assert_cmpuint(iproto_iov_pending_bytes(v), ==, 48);

	/* a multiple of 4: no padding entry */
	iproto_iov_init(v, false, false);
	g_assert_true(iproto_iov_add_buf(v, &p, data, 4, NULL));
	iproto_iov_pending(v, &n);
	g_assert_cmpuint(n, ==, 2);
	g_free(v);
}

static void test_layout_digests(void)
{
	IProtoIov *v = g_new(IProtoIov, 1);
	IProtoPdu p;
	uint8_t a[3] = { 'a', 'b', 'c' }, b[4] = { 'd', 'e', 'f', 'g' };
	struct iovec data[3] = { { a, 3 }, { NULL, 0 }, { b, 4 } };
	nop(&p, 1);
	iproto_iov_init(v, true, true);
	g_assert_true(iproto_iov_add(v, &p, data, 3, NULL));

	unsigned n;
	const struct iovec *iov = iproto_iov_pending(v, &n);
	/* header+digest, a, b (empty entry skipped), pad+digest */
	g_assert_cmpuint(n, ==, 4);
	g_assert_cmpuint(iov[0].iov_len, ==, 52);
	g_assert_true(iov[1].iov_base == a && iov[2].iov_base == b);
	g_assert_cmpuint(iov[3].iov_len, ==, 1 + 4);

	g_autoptr(GByteArray) s = stream_flatten(v);
	g_assert_cmpuint(s->len, ==, 52 + 7 + 1 + 4);
	g_assert_cmpuint(iproto_bhs_data_len(s->data), ==, 7);
	/* header digest over the 48 BHS bytes, least significant byte first */
	g_assert_cmphex(iproto_digest_get(s->data + 48), ==, iproto_crc32c(s->data, 48));
	/* data digest over data + padding */
	g_assert_cmphex(iproto_digest_get(s->data + 60), ==, iproto_crc32c(s->data + 52, 8));
	g_free(v);
}

static void test_ahs_header_digest(void)
{
	IProtoIov *v = g_new(IProtoIov, 1);
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	iproto_iov_init(v, true, false);
	/* sample 5: a 32-byte CDB, so 20 bytes of AHS */
	g_assert_true(iproto_iov_add_buf(v, &s[5].pdu, NULL, 0, NULL));
	g_autoptr(GByteArray) b = stream_flatten(v);
	g_assert_cmpuint(b->len, ==, 48 + 20 + 4);
	g_assert_cmpuint(b->data[4], ==, 5);
	g_assert_cmphex(iproto_digest_get(b->data + 68), ==, iproto_crc32c(b->data, 68));
	sample_free(s);
	g_free(v);
}

static void test_capacity(void)
{
	IProtoIov *v = g_new(IProtoIov, 1);
	IProtoPdu p;
	uint8_t d[1] = { 0 };
	GError *err = NULL;
	iproto_iov_init(v, false, false);
	unsigned added = 0;
	while (iproto_iov_fits(v, 1)) {
		nop(&p, added);
		g_assert_true(iproto_iov_add_buf(v, &p, d, 1, &err));
		g_assert_no_error(err);
		added++;
	}
	g_assert_cmpuint(added, ==, IPROTO_IOV_MAX_PDUS);
	size_t before = iproto_iov_pending_bytes(v);
	g_assert_false(iproto_iov_add_buf(v, &p, d, 1, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_NO_SPACE);
	g_clear_error(&err);
	g_assert_cmpuint(iproto_iov_pending_bytes(v), ==, before);

	/* too many data iovecs for one train */
	iproto_iov_clear(v);
	g_assert_cmpuint(iproto_iov_pending_bytes(v), ==, 0);
	g_assert_false(iproto_iov_fits(v, IPROTO_IOV_MAX_ENTRIES));
	g_assert_true(iproto_iov_fits(v, IPROTO_IOV_MAX_ENTRIES - 2));
	g_free(v);
}

/* Send a train with writes of at most `step` bytes; the bytes that come out
 * are the flattened train, whatever the step. */
static void test_partial_advance(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	IProtoIov *v = g_new(IProtoIov, 1);
	iproto_iov_init(v, true, true);
	for (int i = 0; i < N_SAMPLES; i++)
		g_assert_true(iproto_iov_add_buf(v, &s[i].pdu, s[i].data, s[i].len, NULL));
	g_autoptr(GByteArray) want = stream_flatten(v);
	IProtoIov *w = g_new(IProtoIov, 1);

	static const size_t steps[] = { 1, 2, 3, 4, 5, 47, 48, 49, 52, 100, 1000, 4096, 65536 };
	for (size_t k = 0; k < G_N_ELEMENTS(steps); k++) {
		memcpy(w, v, sizeof *w);
		/* the copy's iovecs still point into v's slots; that is fine
		 * since v is unchanged and identical */
		g_autoptr(GByteArray) got = g_byte_array_new();
		while (iproto_iov_pending_bytes(w) > 0) {
			unsigned n;
			const struct iovec *iov = iproto_iov_pending(w, &n);
			g_assert_cmpuint(n, >, 0);
			size_t left = steps[k];
			size_t sent = 0;
			for (unsigned i = 0; i < n && left > 0; i++) {
				size_t t = MIN(left, iov[i].iov_len);
				g_byte_array_append(got, iov[i].iov_base, (guint) t);
				left -= t;
				sent += t;
			}
			bool done = iproto_iov_advance(w, sent);
			g_assert_cmpuint(done, ==, iproto_iov_pending_bytes(w) == 0);
		}
		g_assert_cmpmem(got->data, got->len, want->data, want->len);
		unsigned n;
		iproto_iov_pending(w, &n);
		g_assert_cmpuint(n, ==, 0);
	}
	g_free(w);
	g_free(v);
	sample_free(s);
}

/* One sendmsg per train on a real socket with a tiny send buffer, so that
 * partial writes really happen. */
static void test_sendmsg_socket(void)
{
	int sv[2];
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
	int small = 4096;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);

	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	IProtoIov *v = g_new(IProtoIov, 1);
	iproto_iov_init(v, false, true);
	for (int i = 0; i < N_SAMPLES; i++)
		g_assert_true(iproto_iov_add_buf(v, &s[i].pdu, s[i].data, s[i].len, NULL));
	g_autoptr(GByteArray) want = stream_flatten(v);
	g_autoptr(GByteArray) got = g_byte_array_new();

	unsigned sends = 0, partial = 0;
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (got->len < want->len) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		if (iproto_iov_pending_bytes(v) > 0) {
			size_t before = iproto_iov_pending_bytes(v);
			ssize_t r = iproto_iov_send(v, sv[0]);
			if (r >= 0) {
				sends++;
				partial += (size_t) r < before;
			} else {
				g_assert_cmpint(r, ==, -EAGAIN);
			}
		}
		uint8_t buf[1500];
		ssize_t n = read(sv[1], buf, sizeof buf);
		if (n > 0)
			g_byte_array_append(got, buf, (guint) n);
		else
			g_assert_true(n < 0 && errno == EAGAIN);
	}
	g_assert_cmpmem(got->data, got->len, want->data, want->len);
	g_assert_cmpuint(partial, >, 0);
	g_test_message("%u sendmsg calls, %u partial", sends, partial);
	close(sv[0]);
	close(sv[1]);
	g_free(v);
	sample_free(s);
}

/* A train may grow while its head is partly sent (a sender appends new
 * PDUs to the train it is still writing): the cursor is kept. */
static void test_append_after_partial(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	IProtoIov *v = g_new(IProtoIov, 1);
	iproto_iov_init(v, true, false);
	g_assert_true(iproto_iov_add_buf(v, &s[1].pdu, s[1].data, s[1].len, NULL));
	g_autoptr(GByteArray) first = stream_flatten(v);
	g_assert_false(iproto_iov_advance(v, 100)); /* inside the data */
	g_assert_true(iproto_iov_add_buf(v, &s[2].pdu, s[2].data, s[2].len, NULL));
	g_autoptr(GByteArray) rest = stream_flatten(v);
	g_autoptr(GByteArray) want = sample_stream(s + 1, 2, true, false);
	g_assert_cmpuint(rest->len, ==, want->len - 100);
	g_assert_cmpmem(rest->data, rest->len, want->data + 100, want->len - 100);
	g_assert_cmpmem(first->data, first->len, want->data, first->len);
	g_assert_true(iproto_iov_advance(v, rest->len));
	g_free(v);
	sample_free(s);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/proto/iov/layout", test_layout_plain);
	g_test_add_func("/proto/iov/digests", test_layout_digests);
	g_test_add_func("/proto/iov/ahs-header-digest", test_ahs_header_digest);
	g_test_add_func("/proto/iov/capacity", test_capacity);
	g_test_add_func("/proto/iov/partial-advance", test_partial_advance);
	g_test_add_func("/proto/iov/append-after-partial", test_append_after_partial);
	g_test_add_func("/proto/iov/sendmsg", test_sendmsg_socket);
	return g_test_run();
}
