/* Fuzz target for the PDU receive parser and codec.
 *
 * Input: byte 0 = flags (bit 0 header digest, bit 1 data digest, bits 2-3
 * role: 0 any, 1 initiator, 2 target; bit 4 read data segments into caller
 * iovecs; bit 5 readahead 48; bit 6 read again before polling after a
 * header), byte 1 = seed of the chunk sizes, then the byte stream.
 *
 * The stream is parsed twice: pulled through want()/commit() in
 * pseudo-random chunk sizes, and pushed in one piece.  Both must report the
 * same PDUs (opcode, ITT, data CRC) and the same error.  Every decoded
 * header is re-encoded and decoded again: decode(encode(x)) == x. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "libiscsi-proto/iproto-recv.h"
#include "libiscsi-proto/iproto-digest.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-opcode.h"

#define MAX_EVENTS 512

typedef struct {
	uint8_t opcode;
	uint32_t itt, data_len, crc;
	int error; /* -1: none */
} Event;

typedef struct {
	Event ev[MAX_EVENTS];
	unsigned n;
} Trace;

static void record(Trace *t, uint8_t opcode, uint32_t itt, uint32_t len, uint32_t crc, int error)
{
	if (t->n < MAX_EVENTS)
		t->ev[t->n++] = (Event) { opcode, itt, len, crc, error };
}

static void check_reencode(const IProtoPdu *pdu)
{
	uint8_t buf[IPROTO_BHS_LEN + IPROTO_AHS_MAX_LEN];
	IProtoPdu back;
	GError *err = NULL;
	size_t n = iproto_pdu_encode(pdu, buf, sizeof buf, &err);
	if (n == 0 || !iproto_pdu_decode(&back, buf, n, &err)) {
		fprintf(stderr, "re-encode failed: %s\n", err ? err->message : "?");
		abort();
	}
	/* AHS sizes may differ (vendor AHS is dropped), and the extended CDB
	 * lives in a different buffer: compare those by value */
	IProtoPdu a = *pdu;
	if (a.opcode == IPROTO_OP_SCSI_CMD) {
		if (a.u.scsi_cmd.cdb_len != back.u.scsi_cmd.cdb_len ||
		    (a.u.scsi_cmd.ext_cdb &&
		     memcmp(a.u.scsi_cmd.ext_cdb, back.u.scsi_cmd.ext_cdb, a.u.scsi_cmd.cdb_len - 16) != 0))
			abort();
		a.u.scsi_cmd.ext_cdb = back.u.scsi_cmd.ext_cdb;
	}
	a.total_ahs_len = back.total_ahs_len;
	if (memcmp(&a, &back, sizeof a) != 0) {
		fprintf(stderr, "decode(encode(x)) != x for %s\n", iproto_opcode_name(pdu->opcode));
		abort();
	}
}

static uint32_t next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

static IProtoRecv *make(uint8_t flags)
{
	static const IProtoRole roles[4] = { IPROTO_ROLE_ANY, IPROTO_ROLE_INITIATOR, IPROTO_ROLE_TARGET,
					     IPROTO_ROLE_ANY };
	IProtoRecvConfig cfg = {
		.role = roles[(flags >> 2) & 3],
		.max_data_len = 16384,
		.header_digest = flags & 1,
		.data_digest = flags & 2,
		.readahead = (flags & 0x20) ? 48 : 0,
	};
	return iproto_recv_new(&cfg);
}

static void pull(uint8_t flags, uint32_t seed, const uint8_t *in, size_t len, Trace *t)
{
	IProtoRecv *r = make(flags);
	uint8_t *scratch = malloc(16384 + 16);
	size_t off = 0;
	bool skip_poll = false;

	for (;;) {
		GError *err = NULL;
		/* bit 6: after a header, read again before polling */
		IProtoRecvStatus st = skip_poll ? IPROTO_RECV_AGAIN : iproto_recv_poll(r, &err);
		skip_poll = false;
		if (st == IPROTO_RECV_HEADER) {
			skip_poll = (flags & 0x40) && off < len;
			const IProtoPdu *p = iproto_recv_pdu(r);
			if (flags & 0x10) {
				/* split the destination in three uneven parts */
				uint32_t a = p->data_len / 3, b = p->data_len / 2;
				struct iovec iov[3] = { { scratch, a }, { scratch + a + 5, b - a },
							{ scratch + b + 11, p->data_len - b } };
				if (!iproto_recv_set_data_iov(r, iov, 3))
					abort();
			}
			continue;
		}
		if (st == IPROTO_RECV_PDU) {
			const IProtoPdu *p = iproto_recv_pdu(r);
			check_reencode(p);
			uint32_t crc = 0;
			if (p->data_len) {
				const uint8_t *d = iproto_recv_data(r);
				if (flags & 0x10) {
					uint32_t a = p->data_len / 3, b = p->data_len / 2;
					struct iovec iov[3] = { { scratch, a }, { scratch + a + 5, b - a },
								{ scratch + b + 11, p->data_len - b } };
					if (d)
						abort(); /* data must be in our iovecs */
					crc = iproto_crc32c_iov(iov, 3, 0);
				} else {
					crc = iproto_crc32c(d, p->data_len);
				}
			}
			record(t, p->opcode, p->itt, p->data_len, crc, -1);
			continue;
		}
		if (st == IPROTO_RECV_ERROR) {
			record(t, 0, 0, 0, 0, err->code);
			g_error_free(err);
			if (iproto_recv_can_continue(r))
				continue;
			break;
		}
		if (off == len)
			break;
		struct iovec iov[IPROTO_RECV_MAX_WANT];
		unsigned n = iproto_recv_want(r, iov, 1 + next_rand(&seed) % IPROTO_RECV_MAX_WANT);
		if (n == 0)
			abort();
		size_t chunk = 1 + next_rand(&seed) % 700, got = 0;
		chunk = MIN(chunk, len - off);
		for (unsigned i = 0; i < n && got < chunk; i++) {
			size_t k = MIN(chunk - got, iov[i].iov_len);
			memcpy(iov[i].iov_base, in + off + got, k);
			got += k;
		}
		iproto_recv_commit(r, got);
		off += got;
	}
	free(scratch);
	iproto_recv_free(r);
}

static gboolean on_pdu(const IProtoPdu *pdu, const uint8_t *hdr, size_t hdr_len,
		       const uint8_t *data, size_t data_len, gpointer user_data)
{
	Trace *t = user_data;
	check_reencode(pdu);
	if (hdr_len != IPROTO_BHS_LEN + pdu->total_ahs_len || data_len != pdu->data_len)
		abort();
	record(t, pdu->opcode, pdu->itt, pdu->data_len, data_len ? iproto_crc32c(data, data_len) : 0, -1);
	return TRUE;
}

static void push(uint8_t flags, const uint8_t *in, size_t len, Trace *t)
{
	IProtoRecv *r = make(flags);
	size_t off = 0;
	for (;;) {
		size_t consumed = 0;
		GError *err = NULL;
		if (iproto_recv_push(r, in + off, len - off, on_pdu, t, &consumed, &err))
			break;
		off += consumed;
		record(t, 0, 0, 0, 0, err->code);
		g_error_free(err);
		if (!iproto_recv_can_continue(r))
			break;
	}
	iproto_recv_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t flags = data[0];
	static Trace a, b;
	a.n = b.n = 0;
	pull(flags, data[1], data + 2, size - 2, &a);
	/* the push API always uses the internal buffer */
	push(flags & (uint8_t) ~0x50, data + 2, size - 2, &b);
	if (a.n != b.n || memcmp(a.ev, b.ev, a.n * sizeof a.ev[0]) != 0) {
		fprintf(stderr, "pull and push disagree (%u vs %u events)\n", a.n, b.n);
		abort();
	}
	return 0;
}
