/* Fuzz target for the analyzer's byte path: TCP reassembly, PDU framing
 * with resynchronisation, and the per-connection iSCSI analysis (login
 * text, digests, sequence and task checks), as itn-analyze runs them.
 *
 * Input: byte 0 = options (bit 0 JSON output, bit 1 start both directions
 * with a SYN), then records of 4 header bytes and a payload:
 *   flags  bit 0 direction (0 initiator -> target), bit 1 an ACK of the
 *          other direction follows the segment, bit 2 FIN
 *   delta  signed; the segment starts delta * 8 bytes from the highest
 *          sequence number seen so far in its direction (out of order,
 *          overlaps, holes)
 *   len    16 bits, big-endian (cut to what is left of the input)
 * and the payload bytes.  The output goes to /dev/null; the run must not
 * crash, leak or read out of bounds, whatever the bytes. */
#include "config.h"
#include <stdio.h>
#include <glib.h>
#include "analyzer/ana-context.h"
#include "analyzer/ana-iscsi-conn.h"
#include "analyzer/ana-reasm.h"

typedef struct {
	AnaIscsiConn *conn;
	bool from_initiator;
} Side;

static void deliver(const uint8_t *data, size_t len, uint64_t gap, gpointer user_data)
{
	Side *s = user_data;

	ana_iscsi_conn_bytes(s->conn, s->from_initiator, 0, data, len, gap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	AnaContext ctx = { 0 };
	size_t total = 0;
	AnaReasmLimits lim = { .max_pending = 64 * 1024, .total_pending = &total, .max_total = 96 * 1024 };
	Side side[2];
	AnaReasm *r[2];
	uint32_t top[2] = { 1000, 50000 };

	if (size < 1)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	ctx.out = devnull;
	ctx.json = data[0] & 1;
	ana_stats_init(&ctx.stats);
	AnaIscsiConn *conn = ana_iscsi_conn_new(&ctx, "192.0.2.1:40000 > 192.0.2.2:3260",
						"192.0.2.2:3260 > 192.0.2.1:40000");
	for (int d = 0; d < 2; d++) {
		side[d].conn = conn;
		side[d].from_initiator = d == 0;
		r[d] = ana_reasm_new(&lim, deliver, &side[d]);
		if (data[0] & 2)
			ana_reasm_segment(r[d], top[d] - 1, true, NULL, 0, 0);
	}
	size_t off = 1;
	while (off + 4 <= size) {
		int d = data[off] & 1;
		bool ack = (data[off] & 2) != 0, fin = (data[off] & 4) != 0;
		int delta = (int8_t) data[off + 1];
		size_t len = (size_t) data[off + 2] << 8 | data[off + 3];
		uint32_t seq = top[d] + (uint32_t) (delta * 8);

		off += 4;
		if (len > size - off)
			len = size - off;
		ana_reasm_segment(r[d], seq, false, data + off, len, 0);
		if ((int32_t) (seq + (uint32_t) len - top[d]) > 0)
			top[d] = seq + (uint32_t) len;
		if (fin)
			ana_reasm_fin(r[d], seq + (uint32_t) len);
		if (ack)
			ana_reasm_acked(r[1 - d], top[1 - d]);
		off += len;
	}
	for (int d = 0; d < 2; d++)
		ana_reasm_flush(r[d]);
	ana_iscsi_conn_end(conn, 0);
	for (int d = 0; d < 2; d++)
		ana_reasm_free(r[d]);
	ana_iscsi_conn_free(conn);
	g_assert_cmpuint(total, ==, 0);
	ana_stats_clear(&ctx.stats);
	return 0;
}
