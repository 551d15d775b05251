/* TCP reassembly of one direction of one connection (RFC 9293 sec. 3.4,
 * 3.10.7.4): segments in, an ordered byte stream out.
 *
 * Captures are hostile input: segments arrive out of order, twice, overlap,
 * or never.  Out-of-order segments wait in a list bounded per direction and
 * in total (shared by all flows); when a bound is hit, or at the end of the
 * capture, the stream skips to the first waiting segment and tells the
 * consumer how many bytes it lost, so that the consumer can resynchronise. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/* gap argument of the delivery function when the bytes before the first
 * delivered byte are unknown (the capture began after the SYN). */
#define ANA_GAP_UNKNOWN UINT64_MAX

/* Delivers len in-order bytes (gap 0), or reports a hole in the capture
 * (data NULL, len 0, gap the number of bytes lost) as soon as it is known. */
typedef void (*AnaReasmDeliver)(const uint8_t *data, size_t len, uint64_t gap, gpointer user_data);

typedef struct {
	size_t max_pending;     /* out-of-order bytes held for this direction */
	size_t *total_pending;  /* shared counter over all directions, or NULL */
	size_t max_total;       /* bound on *total_pending */
} AnaReasmLimits;

typedef struct {
	uint64_t segments;      /* segments with payload */
	uint64_t bytes;         /* payload bytes delivered */
	uint64_t retransmitted; /* segments wholly before the delivered point */
	uint64_t overlaps;      /* segments partly before it (trimmed) */
	uint64_t out_of_order;  /* segments that had to wait */
	uint64_t out_of_window; /* segments too far ahead to be believed: dropped */
	uint64_t gaps;          /* times bytes were skipped */
	uint64_t gap_bytes;     /* bytes skipped */
} AnaReasmStats;

typedef struct AnaReasm AnaReasm;

AnaReasm *ana_reasm_new(const AnaReasmLimits *limits, AnaReasmDeliver deliver, gpointer user_data);
void ana_reasm_free(AnaReasm *r);
/* One captured segment: its sequence number, SYN flag and payload; lost
 * is how many payload bytes followed data on the wire but were cut by the
 * capture's snapshot length. */
void ana_reasm_segment(AnaReasm *r, uint32_t seq, bool syn, const uint8_t *data, size_t len,
		       size_t lost);
/* The peer acknowledged everything before ack (RFC 9293 sec. 3.4): bytes
 * before it that the capture has not shown were lost by the capture (seen
 * from the capturing host, the data is captured before its ACK). */
void ana_reasm_acked(AnaReasm *r, uint32_t ack);
/* A FIN was seen; it takes sequence number fin_seq (the first after the
 * data of its segment). */
void ana_reasm_fin(AnaReasm *r, uint32_t fin_seq);
/* End of the stream or capture: deliver whatever waits, across gaps. */
void ana_reasm_flush(AnaReasm *r);
size_t ana_reasm_pending(const AnaReasm *r);
const AnaReasmStats *ana_reasm_stats(const AnaReasm *r);

G_END_DECLS
