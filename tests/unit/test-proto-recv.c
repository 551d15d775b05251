/* Receive parser: every chunk size, pull API with zero-copy destinations,
 * limits enforced on the BHS alone, malformed AHS, digest errors, role
 * checks, buffer reuse, digests switched between PDUs.
 *
 * With ITN_WRITE_CORPUS=DIR it also writes the seed corpus of fuzz-pdu
 * (valid streams in the fuzz target's input format) into DIR. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "libiscsi-proto/iproto-recv.h"
#include "libiscsi-proto/iproto-digest.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-bytes.h"
#include "proto-stream.h"

typedef struct {
	IProtoPdu pdu[16];
	GByteArray *data[16];
	unsigned n;
	IProtoRecv *r;          /* to switch digests from the callback */
	unsigned switch_after;  /* 0: never */
} Collected;

static gboolean collect(const IProtoPdu *pdu, const uint8_t *hdr, size_t hdr_len,
			const uint8_t *data, size_t data_len, gpointer user_data)
{
	Collected *c = user_data;
	g_assert_cmpuint(c->n, <, G_N_ELEMENTS(c->pdu));
	g_assert_cmpuint(hdr_len, ==, 48 + pdu->total_ahs_len);
	g_assert_cmpuint(iproto_bhs_data_len(hdr), ==, pdu->data_len);
	c->pdu[c->n] = *pdu;
	c->data[c->n] = g_byte_array_new();
	if (data_len)
		g_byte_array_append(c->data[c->n], data, (guint) data_len);
	c->n++;
	if (c->switch_after && c->n == c->switch_after)
		iproto_recv_set_digests(c->r, true, true);
	return TRUE;
}

static void collected_clear(Collected *c)
{
	for (unsigned i = 0; i < c->n; i++)
		g_byte_array_unref(c->data[i]);
	memset(c, 0, sizeof *c);
}

static void check_samples(const Collected *c, const SamplePdu *s, unsigned n)
{
	g_assert_cmpuint(c->n, ==, n);
	for (unsigned i = 0; i < n; i++) {
		const IProtoPdu *got = &c->pdu[i], *want = &s[i].pdu;
		g_assert_cmpuint(got->opcode, ==, want->opcode);
		g_assert_cmphex(got->itt, ==, want->itt);
		g_assert_cmpuint(got->data_len, ==, s[i].len);
		g_assert_cmpmem(c->data[i]->data, c->data[i]->len, s[i].data, s[i].len);
		IProtoPdu a = *got, b = *want;
		if (want->opcode == IPROTO_OP_SCSI_CMD) {
			/* ext_cdb points into the parser's header copy, valid in
			 * the callback only: compare lengths, bytes were checked
			 * by the pdu tests */
			g_assert_cmpuint(a.u.scsi_cmd.cdb_len, ==, b.u.scsi_cmd.cdb_len);
			a.u.scsi_cmd.ext_cdb = b.u.scsi_cmd.ext_cdb = NULL;
		}
		g_assert_cmpmem(&a.u, sizeof a.u, &b.u, sizeof b.u);
	}
}

static IProtoRecv *new_recv(IProtoRole role, uint32_t max_data, bool hd, bool dd, uint32_t readahead)
{
	IProtoRecvConfig cfg = { .role = role, .max_data_len = max_data, .header_digest = hd,
				 .data_digest = dd, .readahead = readahead };
	return iproto_recv_new(&cfg);
}

/* Feed the sample stream in chunks of 1..300 bytes and some larger sizes,
 * with and without digests. */
static void test_chunk_sizes(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	for (int dig = 0; dig < 4; dig++) {
		bool hd = dig & 1, dd = dig & 2;
		g_autoptr(GByteArray) stream = sample_stream(s, N_SAMPLES, hd, dd);
		for (size_t chunk = 1; chunk <= stream->len; chunk = chunk < 300 ? chunk + 1 : chunk * 3) {
			g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_ANY, 8192, hd, dd, 0);
			Collected c = { 0 };
			for (size_t off = 0; off < stream->len; off += chunk) {
				size_t consumed = 0;
				GError *err = NULL;
				size_t len = MIN(chunk, stream->len - off);
				g_assert_true(iproto_recv_push(r, stream->data + off, len, collect, &c, &consumed, &err));
				g_assert_no_error(err);
				g_assert_cmpuint(consumed, ==, len);
			}
			check_samples(&c, s, N_SAMPLES);
			collected_clear(&c);
		}
	}
	sample_free(s);
}

/* What one readv() of at most max bytes from a socket holding stream[off..]
 * does: fill the iovecs want() offers, then commit.  *first (may be NULL)
 * gets the address the first byte went to. */
static size_t fake_readv(IProtoRecv *r, const GByteArray *stream, size_t off, size_t max, void **first)
{
	struct iovec iov[IPROTO_RECV_MAX_WANT];
	unsigned n = iproto_recv_want(r, iov, IPROTO_RECV_MAX_WANT);
	g_assert_cmpuint(n, >, 0);
	if (first)
		*first = iov[0].iov_base;
	size_t left = MIN(max, stream->len - off), got = 0;
	for (unsigned i = 0; i < n && left; i++) {
		size_t k = MIN(left, iov[i].iov_len);
		memcpy(iov[i].iov_base, stream->data + off + got, k);
		got += k;
		left -= k;
	}
	iproto_recv_commit(r, got);
	return got;
}

/* Read the stream through want()/commit() as a socket would deliver it in
 * `chunk`-byte reads; the Data-Out goes straight to a caller buffer split
 * into three iovecs. */
static void pull_stream(const GByteArray *stream, size_t chunk, uint32_t readahead, bool hd, bool dd,
			const SamplePdu *s)
{
	g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_ANY, 8192, hd, dd, readahead);
	uint8_t *dest = g_malloc0(8192 + 64);
	size_t off = 0;
	unsigned pdus = 0, zero_copy_reads = 0;
	bool data_out_dest = false;

	for (;;) {
		GError *err = NULL;
		IProtoRecvStatus st = iproto_recv_poll(r, &err);
		g_assert_no_error(err);
		if (st == IPROTO_RECV_HEADER) {
			const IProtoPdu *p = iproto_recv_pdu(r);
			g_assert_cmpuint(p->opcode, ==, s[pdus].pdu.opcode);
			if (p->opcode == IPROTO_OP_DATA_OUT) {
				/* e.g. the SCSI write buffer at BufferOffset */
				struct iovec iov[3] = { { dest + 32, 1000 }, { dest + 1032, 3000 }, { dest + 4032, 4200 } };
				g_assert_false(iproto_recv_set_data_iov(r, iov, 2)); /* too short */
				g_assert_true(iproto_recv_set_data_iov(r, iov, 3));
				data_out_dest = true;
			}
			continue;
		}
		if (st == IPROTO_RECV_PDU) {
			const IProtoPdu *p = iproto_recv_pdu(r);
			g_assert_cmpuint(p->opcode, ==, s[pdus].pdu.opcode);
			g_assert_cmpuint(p->data_len, ==, s[pdus].len);
			if (p->opcode == IPROTO_OP_DATA_OUT) {
				g_assert_null(iproto_recv_data(r));
				g_assert_cmpmem(dest + 32, 8192, s[pdus].data, 8192);
			} else if (p->data_len) {
				g_assert_cmpmem(iproto_recv_data(r), p->data_len, s[pdus].data, s[pdus].len);
			} else {
				g_assert_null(iproto_recv_data(r));
			}
			pdus++;
			continue;
		}
		g_assert_cmpint(st, ==, IPROTO_RECV_AGAIN);
		if (off == stream->len)
			break;
		void *first;
		off += fake_readv(r, stream, off, chunk, &first);
		if (data_out_dest && first >= (void *) dest && first < (void *) (dest + 8256))
			zero_copy_reads++;
	}
	g_assert_cmpuint(pdus, ==, N_SAMPLES);
	if (readahead == 48)
		g_assert_cmpuint(zero_copy_reads, >, 0);
	g_free(dest);
}

static void test_pull_zero_copy(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	for (int dig = 0; dig < 4; dig++) {
		bool hd = dig & 1, dd = dig & 2;
		g_autoptr(GByteArray) stream = sample_stream(s, N_SAMPLES, hd, dd);
		static const size_t chunks[] = { 1, 7, 48, 52, 100, 1000, 4096, 100000 };
		for (size_t i = 0; i < G_N_ELEMENTS(chunks); i++) {
			pull_stream(stream, chunks[i], 48, hd, dd, s);
			pull_stream(stream, chunks[i], 0, hd, dd, s);
		}
	}
	sample_free(s);
}

/* With readahead 48 and no bytes staged, the first iovec offered after the
 * header of a Data-Out is the caller's buffer itself. */
static void test_want_points_at_destination(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	g_autoptr(GByteArray) stream = sample_stream(&s[2], 1, false, false);
	g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_TARGET, 8192, false, false, 48);
	struct iovec iov[IPROTO_RECV_MAX_WANT];
	unsigned n = iproto_recv_want(r, iov, IPROTO_RECV_MAX_WANT);
	g_assert_cmpuint(n, ==, 1);
	g_assert_cmpuint(iov[0].iov_len, ==, 48); /* exactly one BHS */
	memcpy(iov[0].iov_base, stream->data, 48);
	iproto_recv_commit(r, 48);
	g_assert_cmpint(iproto_recv_poll(r, NULL), ==, IPROTO_RECV_HEADER);
	uint8_t *buf = g_malloc(8192);
	struct iovec dest = { buf, 8192 };
	g_assert_true(iproto_recv_set_data_iov(r, &dest, 1));
	g_assert_cmpint(iproto_recv_poll(r, NULL), ==, IPROTO_RECV_AGAIN);
	n = iproto_recv_want(r, iov, IPROTO_RECV_MAX_WANT);
	g_assert_true(iov[0].iov_base == buf);
	g_assert_cmpuint(iov[0].iov_len, ==, 8192);
	memcpy(buf, stream->data + 48, 8192);
	iproto_recv_commit(r, 8192);
	g_assert_cmpint(iproto_recv_poll(r, NULL), ==, IPROTO_RECV_PDU);
	g_assert_cmpmem(buf, 8192, s[2].data, 8192);
	g_free(buf);
	sample_free(s);
}

static IProtoRecvStatus feed_all(IProtoRecv *r, const uint8_t *b, size_t len, GError **error)
{
	Collected c = { 0 };
	gboolean ok = iproto_recv_push(r, b, len, collect, &c, NULL, error);
	collected_clear(&c);
	return ok ? IPROTO_RECV_AGAIN : IPROTO_RECV_ERROR;
}

/* readahead 48: reads stop at the end of each PDU, even when the socket
 * holds more (an initiator hands the socket over after login). */
static void test_exact_reads(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	for (int dig = 0; dig < 4; dig++) {
		bool hd = dig & 1, dd = dig & 2;
		g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_ANY, 8192, hd, dd, 48);
		g_autoptr(GByteArray) stream = sample_stream(s, N_SAMPLES, hd, dd);
		size_t off = 0, boundary = 0;
		unsigned pdus = 0;
		while (pdus < N_SAMPLES) {
			IProtoRecvStatus st = iproto_recv_poll(r, NULL);
			if (st == IPROTO_RECV_HEADER)
				continue;
			if (st == IPROTO_RECV_PDU) {
				g_autoptr(GByteArray) one = sample_stream(&s[pdus], 1, hd, dd);
				boundary += one->len;
				g_assert_cmpuint(off, ==, boundary);
				g_assert_true(iproto_recv_idle(r));
				pdus++;
				continue;
			}
			g_assert_cmpint(st, ==, IPROTO_RECV_AGAIN);
			/* a socket with everything available fills every iovec */
			off += fake_readv(r, stream, off, SIZE_MAX, NULL);
			g_assert_false(iproto_recv_idle(r));
		}
	}
	sample_free(s);
}

/* DataSegmentLength above the limit fails on the BHS alone: the parser has
 * neither waited for nor allocated the data segment. */
static void test_data_limit(void)
{
	uint8_t bhs[48] = { IPROTO_OP_SCSI_CMD, 0xa0 };
	iproto_put_be24(bhs + 5, 0xffffff);
	g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_TARGET, 8192, false, false, 48);
	GError *err = NULL;
	g_assert_cmpint(feed_all(r, bhs, 47, &err), ==, IPROTO_RECV_AGAIN);
	g_assert_no_error(err);
	g_assert_cmpint(feed_all(r, bhs + 47, 1, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_TOO_LONG);
	g_test_message("%s", err->message);
	g_clear_error(&err);
	g_assert_cmpmem(iproto_recv_bad_header(r), 48, bhs, 48);
	g_assert_false(iproto_recv_can_continue(r));
	/* fatal: the parser stays in error */
	g_assert_cmpint(iproto_recv_poll(r, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_TOO_LONG);
	g_clear_error(&err);
	struct iovec iov[4];
	g_assert_cmpuint(iproto_recv_want(r, iov, 4), ==, 0);

	/* exactly at the limit is fine; the limit can be changed (e.g. after
	 * login) */
	g_autoptr(IProtoRecv) r2 = new_recv(IPROTO_ROLE_TARGET, 8192, false, false, 0);
	iproto_put_be24(bhs + 5, 8192);
	g_assert_cmpint(feed_all(r2, bhs, 48, &err), ==, IPROTO_RECV_AGAIN);
	g_assert_no_error(err);
	g_autoptr(IProtoRecv) r3 = new_recv(IPROTO_ROLE_TARGET, 8192, false, false, 0);
	iproto_recv_set_max_data_len(r3, 4096);
	g_assert_cmpint(feed_all(r3, bhs, 48, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_TOO_LONG);
	g_clear_error(&err);
}

static void test_ahs_limits(void)
{
	uint8_t h[48 + 16] = { IPROTO_OP_SCSI_CMD, 0x80 };
	GError *err = NULL;

	/* TotalAHSLength over the configured maximum: refused on the BHS */
	h[4] = 255;
	IProtoRecvConfig cfg = { .role = IPROTO_ROLE_TARGET, .max_data_len = 8192, .max_ahs_len = 16 };
	g_autoptr(IProtoRecv) r = iproto_recv_new(&cfg);
	g_assert_cmpint(feed_all(r, h, 48, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_TOO_LONG);
	g_clear_error(&err);

	/* an AHS whose AHSLength runs past TotalAHSLength */
	h[4] = 2;
	h[48] = 0, h[49] = 40, h[50] = IPROTO_AHS_EXTENDED_CDB;
	g_autoptr(IProtoRecv) r2 = iproto_recv_new(&cfg);
	g_assert_cmpint(feed_all(r2, h, 56, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT);
	g_clear_error(&err);
	g_assert_cmpmem(iproto_recv_bad_header(r2), 48, h, 48);
}

static void test_header_digest_error(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	g_autoptr(GByteArray) stream = sample_stream(s, 3, true, true);
	stream->data[48] ^= 0x01; /* first PDU's header digest */
	g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_ANY, 8192, true, true, 0);
	GError *err = NULL;
	Collected c = { 0 };
	g_assert_false(iproto_recv_push(r, stream->data, stream->len, collect, &c, NULL, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_HEADER_DIGEST);
	g_clear_error(&err);
	g_assert_cmpuint(c.n, ==, 0);
	g_assert_false(iproto_recv_can_continue(r));
	g_assert_cmpmem(iproto_recv_bad_header(r), 48, stream->data, 48);
	collected_clear(&c);
	sample_free(s);
}

/* A data digest error consumes the PDU; the next PDUs parse normally. */
static void test_data_digest_error(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	g_autoptr(GByteArray) stream = sample_stream(s, N_SAMPLES, true, true);
	/* corrupt a data byte of the second PDU (SCSI Command, immediate data) */
	size_t first = 48 + 4 + s[0].len + iproto_pad_len((uint32_t) s[0].len) + 4;
	stream->data[first + 52 + 100] ^= 0x80;

	for (size_t chunk = 1; chunk <= stream->len; chunk = chunk * 2 + 1) {
		g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_ANY, 8192, true, true, 0);
		Collected c = { 0 };
		unsigned errors = 0;
		for (size_t off = 0; off < stream->len;) {
			size_t consumed = 0, len = MIN(chunk, stream->len - off);
			GError *err = NULL;
			if (!iproto_recv_push(r, stream->data + off, len, collect, &c, &consumed, &err)) {
				g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_DATA_DIGEST);
				g_clear_error(&err);
				g_assert_true(iproto_recv_can_continue(r));
				/* what the Reject (reason 0x02) carries */
				g_assert_cmpmem(iproto_recv_bad_header(r), 48, stream->data + first, 48);
				errors++;
			}
			off += consumed;
		}
		g_assert_cmpuint(errors, ==, 1);
		g_assert_cmpuint(c.n, ==, N_SAMPLES - 1);
		g_assert_cmpuint(c.pdu[0].opcode, ==, IPROTO_OP_LOGIN_REQ);
		g_assert_cmpuint(c.pdu[1].opcode, ==, IPROTO_OP_DATA_OUT);
		collected_clear(&c);
	}
	sample_free(s);
}

static void test_role(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	/* a target does not accept Data-In, an initiator not a Login Request */
	g_autoptr(GByteArray) in = sample_stream(&s[6], 1, false, false);
	g_autoptr(GByteArray) login = sample_stream(&s[0], 1, false, false);
	g_autoptr(IProtoRecv) t = new_recv(IPROTO_ROLE_TARGET, 8192, false, false, 0);
	g_autoptr(IProtoRecv) i = new_recv(IPROTO_ROLE_INITIATOR, 8192, false, false, 0);
	GError *err = NULL;
	g_assert_cmpint(feed_all(t, in->data, in->len, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_OPCODE);
	g_clear_error(&err);
	g_assert_cmpint(feed_all(i, login->data, login->len, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_OPCODE);
	g_clear_error(&err);
	/* unknown opcode */
	uint8_t bhs[48] = { 0x1d };
	g_autoptr(IProtoRecv) a = new_recv(IPROTO_ROLE_ANY, 8192, false, false, 0);
	g_assert_cmpint(feed_all(a, bhs, 48, &err), ==, IPROTO_RECV_ERROR);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_OPCODE);
	g_clear_error(&err);
	sample_free(s);
}

/* The internal data buffer is allocated once and reused. */
static void test_buffer_reuse(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	/* Data-Out (8192) then two SCSI Commands (1001) */
	SamplePdu seq[3] = { s[2], s[1], s[1] };
	g_autoptr(GByteArray) stream = sample_stream(seq, 3, false, false);
	g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_TARGET, 8192, false, false, 0);
	const uint8_t *ptrs[3];
	unsigned n = 0;
	size_t off = 0;
	while (n < 3) {
		IProtoRecvStatus st = iproto_recv_poll(r, NULL);
		if (st == IPROTO_RECV_PDU) {
			ptrs[n++] = iproto_recv_data(r);
			continue;
		}
		if (st == IPROTO_RECV_HEADER)
			continue;
		g_assert_cmpint(st, ==, IPROTO_RECV_AGAIN);
		off += fake_readv(r, stream, off, SIZE_MAX, NULL);
	}
	g_assert_nonnull(ptrs[0]);
	g_assert_true(ptrs[0] == ptrs[1] && ptrs[1] == ptrs[2]);
	sample_free(s);
}

/* Digests negotiated during login start with the next PDU (sec. 13.1): the
 * callback switches them after the first PDU. */
static void test_switch_digests(void)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	g_autoptr(GByteArray) a = sample_stream(s, 1, false, false);
	g_autoptr(GByteArray) b = sample_stream(s + 1, N_SAMPLES - 1, true, true);
	g_byte_array_append(a, b->data, b->len);
	for (size_t chunk = 1; chunk < a->len; chunk = chunk * 3 + 1) {
		g_autoptr(IProtoRecv) r = new_recv(IPROTO_ROLE_ANY, 8192, false, false, 0);
		Collected c = { .r = r, .switch_after = 1 };
		for (size_t off = 0; off < a->len; off += chunk) {
			GError *err = NULL;
			g_assert_true(iproto_recv_push(r, a->data + off, MIN(chunk, a->len - off), collect, &c, NULL, &err));
			g_assert_no_error(err);
		}
		check_samples(&c, s, N_SAMPLES);
		collected_clear(&c);
	}
	sample_free(s);
}

/* Seed corpus for fuzz-pdu: byte 0 = flags (bit 0 header digest, bit 1
 * data digest, bits 2-3 role, bit 4 zero-copy destinations, bit 5 readahead
 * 48, bit 6 read before polling), byte 1 = chunk size seed, then the
 * stream (see tests/fuzz/fuzz-pdu.c). */
static void write_corpus(const char *dir)
{
	SamplePdu s[N_SAMPLES];
	sample_pdus(s);
	static const struct {
		const char *name;
		unsigned first, n;
		uint8_t flags, seed;
	} seeds[] = {
		{ "login-request", 0, 1, 0x08, 3 },         /* role target (2 << 2) */
		{ "scsi-cmd-immediate-data", 1, 1, 0x18, 5 },
		{ "data-in", 6, 1, 0x04, 7 },               /* role initiator */
		{ "text-continue", 3, 1, 0x08, 11 },
		{ "session-digests", 0, 6, 0x1b, 13 },
		{ "all-kinds", 0, 7, 0x00, 17 },
		{ "read-before-poll", 0, 6, 0x58, 19 },    /* bits 6, 4, role target */
	};
	g_mkdir_with_parents(dir, 0755);
	for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++) {
		bool hd = seeds[i].flags & 1, dd = seeds[i].flags & 2;
		g_autoptr(GByteArray) st = sample_stream(s + seeds[i].first, seeds[i].n, hd, dd);
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_byte_array_append(out, &seeds[i].flags, 1);
		g_byte_array_append(out, &seeds[i].seed, 1);
		g_byte_array_append(out, st->data, st->len);
		g_autofree char *path = g_build_filename(dir, seeds[i].name, NULL);
		g_assert_true(g_file_set_contents(path, (const char *) out->data, out->len, NULL));
	}
	sample_free(s);
}

int main(int argc, char **argv)
{
	const char *corpus = g_getenv("ITN_WRITE_CORPUS");
	if (corpus) {
		write_corpus(corpus);
		return 0;
	}
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/proto/recv/chunk-sizes", test_chunk_sizes);
	g_test_add_func("/proto/recv/pull-zero-copy", test_pull_zero_copy);
	g_test_add_func("/proto/recv/want-destination", test_want_points_at_destination);
	g_test_add_func("/proto/recv/exact-reads", test_exact_reads);
	g_test_add_func("/proto/recv/data-limit", test_data_limit);
	g_test_add_func("/proto/recv/ahs-limits", test_ahs_limits);
	g_test_add_func("/proto/recv/header-digest-error", test_header_digest_error);
	g_test_add_func("/proto/recv/data-digest-error", test_data_digest_error);
	g_test_add_func("/proto/recv/role", test_role);
	g_test_add_func("/proto/recv/buffer-reuse", test_buffer_reuse);
	g_test_add_func("/proto/recv/switch-digests", test_switch_digests);
	return g_test_run();
}
