/* TCP reassembly of one direction, see ana-reasm.h. */
#include "config.h"
#include "analyzer/ana-reasm.h"
#include <string.h>

/* A segment further ahead than this is not believed: a real sender cannot
 * have that much in flight (the window is at most 2^30, RFC 7323 sec. 2.3). */
#define ANA_REASM_WINDOW (1u << 30)
/* Waiting segments per direction: keeps the sorted insert cheap when a
 * capture holds many tiny out-of-order segments. */
#define ANA_REASM_MAX_SEGMENTS 1024u

typedef struct {
	uint32_t seq;
	size_t len;
	size_t lost;            /* payload bytes past the snapshot length */
	uint8_t data[];
} Segment;

struct AnaReasm {
	AnaReasmLimits limits;
	AnaReasmDeliver deliver;
	gpointer user_data;
	bool started;
	uint32_t next;          /* next sequence number to deliver */
	bool fin;
	uint32_t fin_seq;       /* sequence number the FIN takes */
	GList *pending;         /* Segment *, sorted by distance from next */
	size_t pending_bytes;
	unsigned n_pending;
	AnaReasmStats stats;
};

AnaReasm *ana_reasm_new(const AnaReasmLimits *limits, AnaReasmDeliver deliver, gpointer user_data)
{
	AnaReasm *r = g_new0(AnaReasm, 1);

	r->limits = *limits;
	r->deliver = deliver;
	r->user_data = user_data;
	return r;
}

static void drop_pending(AnaReasm *r, Segment *s)
{
	r->pending_bytes -= s->len;
	r->n_pending--;
	if (r->limits.total_pending)
		*r->limits.total_pending -= s->len;
	g_free(s);
}

void ana_reasm_free(AnaReasm *r)
{
	if (!r)
		return;
	for (GList *l = r->pending; l; l = l->next)
		drop_pending(r, l->data);
	g_list_free(r->pending);
	g_free(r);
}

/* Signed distance of seq from the delivery point (serial arithmetic,
 * RFC 1982). */
static int64_t distance(const AnaReasm *r, uint32_t seq)
{
	return (int32_t) (seq - r->next);
}

static void emit(AnaReasm *r, const uint8_t *data, size_t len)
{
	r->next += (uint32_t) len;
	r->stats.bytes += len;
	r->deliver(data, len, 0, r->user_data);
}

/* Tell the consumer at once: the other direction's analysis must know
 * before this direction delivers anything again. */
static void lose(AnaReasm *r, uint32_t lost)
{
	r->stats.gaps++;
	r->stats.gap_bytes += lost;
	r->next += lost;
	r->deliver(NULL, 0, lost, r->user_data);
}

/* The capture kept only the start of a segment: the rest is a known hole. */
static void skip_lost(AnaReasm *r, uint32_t end_seq, size_t lost)
{
	int64_t d = distance(r, end_seq);

	if (lost == 0 || d + (int64_t) lost <= 0)
		return;
	if (d < 0)
		lost -= (size_t) -d;
	lose(r, (uint32_t) lost);
}

/* Deliver the part of (seq, data, len) at or after the delivery point. */
static void deliver_from(AnaReasm *r, uint32_t seq, const uint8_t *data, size_t len, size_t lost)
{
	int64_t d = distance(r, seq);

	if (d + (int64_t) len <= 0) {
		if (len > 0 || lost == 0)
			r->stats.retransmitted++;
		skip_lost(r, seq + (uint32_t) len, lost);
		return;
	}
	if (d < 0) {
		r->stats.overlaps++;
		data += -d;
		len -= (size_t) -d;
	}
	emit(r, data, len);
	skip_lost(r, r->next, lost);
}

/* Deliver waiting segments that now touch the delivery point. */
static void drain(AnaReasm *r)
{
	while (r->pending) {
		Segment *s = r->pending->data;

		if (distance(r, s->seq) > 0)
			break;
		r->pending = g_list_delete_link(r->pending, r->pending);
		deliver_from(r, s->seq, s->data, s->len, s->lost);
		drop_pending(r, s);
	}
}

/* Give up waiting for the bytes before the first waiting segment. */
static void skip_to_first(AnaReasm *r)
{
	Segment *s = r->pending->data;

	lose(r, s->seq - r->next);
	drain(r);
}

static gint by_distance(gconstpointer a, gconstpointer b, gpointer user_data)
{
	const AnaReasm *r = user_data;
	int64_t da = distance(r, ((const Segment *) a)->seq);
	int64_t db = distance(r, ((const Segment *) b)->seq);

	return da < db ? -1 : da > db;
}

static bool over_limit(const AnaReasm *r)
{
	if (r->pending_bytes > r->limits.max_pending || r->n_pending > ANA_REASM_MAX_SEGMENTS)
		return true;
	return r->limits.total_pending && *r->limits.total_pending > r->limits.max_total;
}

void ana_reasm_segment(AnaReasm *r, uint32_t seq, bool syn, const uint8_t *data, size_t len,
		       size_t lost)
{
	int64_t d;

	if (syn) {
		/* The SYN takes one sequence number (RFC 9293 sec. 3.4). */
		if (!r->started) {
			r->started = true;
			r->next = seq + 1;
		}
		seq++;
	}
	if (len == 0 && lost == 0)
		return;
	r->stats.segments++;
	if (!r->started) {
		/* The capture began mid-connection: what came before is unknown. */
		r->started = true;
		r->next = seq;
		r->deliver(NULL, 0, ANA_GAP_UNKNOWN, r->user_data);
	}
	d = distance(r, seq);
	if (d <= 0) {
		deliver_from(r, seq, data, len, lost);
		drain(r);
		return;
	}
	if (d > ANA_REASM_WINDOW) {
		r->stats.out_of_window++;
		return;
	}
	for (GList *l = r->pending; l; l = l->next) {
		Segment *o = l->data;
		if (o->seq == seq && o->len >= len && o->lost >= lost) {
			r->stats.retransmitted++;
			return;
		}
	}
	r->stats.out_of_order++;
	Segment *s = g_malloc(sizeof *s + len);
	s->seq = seq;
	s->len = len;
	s->lost = lost;
	memcpy(s->data, data, len);
	r->pending = g_list_insert_sorted_with_data(r->pending, s, by_distance, r);
	r->pending_bytes += len;
	r->n_pending++;
	if (r->limits.total_pending)
		*r->limits.total_pending += len;
	while (r->pending && over_limit(r))
		skip_to_first(r);
}

void ana_reasm_fin(AnaReasm *r, uint32_t fin_seq)
{
	r->fin = true;
	r->fin_seq = fin_seq;
}

void ana_reasm_acked(AnaReasm *r, uint32_t ack)
{
	if (!r->started)
		return;
	/* The FIN takes a sequence number but carries no byte. */
	if (r->fin && (int32_t) (ack - r->fin_seq) > 0)
		ack = r->fin_seq;
	while (distance(r, ack) > 0) {
		if (r->pending && distance(r, ((Segment *) r->pending->data)->seq) < distance(r, ack))
			skip_to_first(r);
		else
			lose(r, ack - r->next);
	}
}

void ana_reasm_flush(AnaReasm *r)
{
	while (r->pending)
		skip_to_first(r);
}

size_t ana_reasm_pending(const AnaReasm *r)
{
	return r->pending_bytes;
}

const AnaReasmStats *ana_reasm_stats(const AnaReasm *r)
{
	return &r->stats;
}
