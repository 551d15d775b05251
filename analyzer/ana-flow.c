/* The flow table, see ana-flow.h. */
#include "config.h"
#include "analyzer/ana-flow.h"
#include "analyzer/ana-iscsi-conn.h"
#include "analyzer/ana-isns-conn.h"
#include "analyzer/ana-reasm.h"
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

typedef struct Flow Flow;

typedef struct {
	Flow *flow;
	int dir;               /* 0 client -> server, 1 back */
} Side;

struct Flow {
	AnaFlows *owner;
	char *key;
	bool isns;
	AnaIscsiConn *iscsi;
	AnaIsnsConn *isns_conn;
	AnaReasm *reasm[2];
	Side side[2];
	bool syn[2], fin[2];
	double now;
};

struct AnaFlows {
	AnaContext *ctx;
	uint16_t *ports;
	size_t n_ports;
	uint16_t isns_port;
	GHashTable *flows;     /* key -> Flow */
	size_t pending;        /* out-of-order bytes over all flows */
	bool full_said;
};

char *ana_endpoint_string(const AnaEndpoint *e)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(e->family, e->addr, buf, sizeof buf);
	return e->family == AF_INET6 ? g_strdup_printf("[%s]:%u", buf, e->port)
				     : g_strdup_printf("%s:%u", buf, e->port);
}

static void deliver(const uint8_t *data, size_t len, uint64_t gap, gpointer user_data)
{
	Side *s = user_data;
	Flow *f = s->flow;

	if (f->isns)
		ana_isns_conn_bytes(f->isns_conn, s->dir == 0, f->now, data, len, gap);
	else
		ana_iscsi_conn_bytes(f->iscsi, s->dir == 0, f->now, data, len, gap);
}

static void flow_end(Flow *f, double t)
{
	f->now = t;
	for (int d = 0; d < 2; d++) {
		const AnaReasmStats *st;

		ana_reasm_flush(f->reasm[d]);
		st = ana_reasm_stats(f->reasm[d]);
		f->owner->ctx->stats.retransmissions += st->retransmitted + st->overlaps;
		f->owner->ctx->stats.out_of_order += st->out_of_order;
		f->owner->ctx->stats.gaps += st->gaps;
		f->owner->ctx->stats.gap_bytes += st->gap_bytes;
	}
	if (f->isns)
		ana_isns_conn_end(f->isns_conn, t);
	else
		ana_iscsi_conn_end(f->iscsi, t);
}

static void flow_free(gpointer p)
{
	Flow *f = p;

	for (int d = 0; d < 2; d++)
		ana_reasm_free(f->reasm[d]);
	ana_iscsi_conn_free(f->iscsi);
	ana_isns_conn_free(f->isns_conn);
	g_free(f->key);
	g_free(f);
}

AnaFlows *ana_flows_new(AnaContext *ctx, const uint16_t *iscsi_ports, size_t n_ports, uint16_t isns_port)
{
	AnaFlows *f = g_new0(AnaFlows, 1);

	f->ctx = ctx;
	f->ports = g_memdup2(iscsi_ports, n_ports * sizeof *iscsi_ports);
	f->n_ports = n_ports;
	f->isns_port = isns_port;
	f->flows = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, flow_free);
	return f;
}

void ana_flows_finish(AnaFlows *f, double t)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, f->flows);
	while (g_hash_table_iter_next(&it, NULL, &v))
		flow_end(v, t);
	g_hash_table_remove_all(f->flows);
}

void ana_flows_free(AnaFlows *f)
{
	if (!f)
		return;
	g_hash_table_unref(f->flows);
	g_free(f->ports);
	g_free(f);
}

static bool is_iscsi_port(const AnaFlows *f, uint16_t port)
{
	for (size_t i = 0; i < f->n_ports; i++)
		if (f->ports[i] == port)
			return true;
	return false;
}

/* isns_port 0: iSNS decoding is off. */
static bool is_isns_port(const AnaFlows *f, uint16_t port)
{
	return f->isns_port != 0 && port == f->isns_port;
}

static Flow *flow_new(AnaFlows *fl, char *key, bool isns, const AnaEndpoint *cli, const AnaEndpoint *srv)
{
	Flow *f = g_new0(Flow, 1);
	g_autofree char *c = ana_endpoint_string(cli);
	g_autofree char *s = ana_endpoint_string(srv);
	g_autofree char *c2s = g_strdup_printf("%s > %s", c, s);
	g_autofree char *s2c = g_strdup_printf("%s > %s", s, c);
	AnaReasmLimits lim = {
		.max_pending = ANA_FLOW_MAX_PENDING,
		.total_pending = &fl->pending,
		.max_total = ANA_FLOWS_MAX_PENDING,
	};

	f->owner = fl;
	f->key = key;
	f->isns = isns;
	if (isns)
		f->isns_conn = ana_isns_conn_new(fl->ctx, c2s, s2c);
	else
		f->iscsi = ana_iscsi_conn_new(fl->ctx, c2s, s2c);
	for (int d = 0; d < 2; d++) {
		f->side[d].flow = f;
		f->side[d].dir = d;
		f->reasm[d] = ana_reasm_new(&lim, deliver, &f->side[d]);
	}
	fl->ctx->stats.flows++;
	return f;
}

void ana_flows_segment(AnaFlows *fl, const AnaSegment *s)
{
	const AnaEndpoint *cli, *srv;
	bool isns, from_client;
	Flow *f;
	char *key;

	if (is_iscsi_port(fl, s->dst.port) || is_isns_port(fl, s->dst.port)) {
		cli = &s->src;
		srv = &s->dst;
	} else if (is_iscsi_port(fl, s->src.port) || is_isns_port(fl, s->src.port)) {
		cli = &s->dst;
		srv = &s->src;
	} else {
		return;
	}
	fl->ctx->stats.packets++;
	from_client = cli == &s->src;
	isns = is_isns_port(fl, srv->port) && !is_iscsi_port(fl, srv->port);
	{
		g_autofree char *c = ana_endpoint_string(cli);
		g_autofree char *v = ana_endpoint_string(srv);
		key = g_strdup_printf("%s %s", c, v);
	}
	f = g_hash_table_lookup(fl->flows, key);
	/* A SYN on a connection we already followed from its SYN: the
	 * ports were reused for a new connection. */
	if (f && s->syn && f->syn[from_client ? 0 : 1]) {
		flow_end(f, s->t);
		g_hash_table_remove(fl->flows, key);
		f = NULL;
	}
	if (!f) {
		if (s->len == 0 && s->lost == 0 && !s->syn) {
			g_free(key);
			return;
		}
		if (g_hash_table_size(fl->flows) >= ANA_FLOWS_MAX) {
			fl->ctx->stats.flows_refused++;
			g_free(key);
			return;
		}
		f = flow_new(fl, key, isns, cli, srv);
		g_hash_table_insert(fl->flows, f->key, f);
	} else {
		g_free(key);
	}
	int d = from_client ? 0 : 1;
	f->now = s->t;
	if (s->syn)
		f->syn[d] = true;
	/* What the sender had received before it sent this segment comes
	 * first: a hole it reveals must be known before this data is read. */
	if (s->has_ack)
		ana_reasm_acked(f->reasm[1 - d], s->ack);
	ana_reasm_segment(f->reasm[d], s->seq, s->syn, s->payload, s->len, s->lost);
	if (s->fin) {
		f->fin[d] = true;
		ana_reasm_fin(f->reasm[d], s->seq + (s->syn ? 1u : 0u) + (uint32_t) (s->len + s->lost));
	}

	if (s->rst || (f->fin[0] && f->fin[1])) {
		flow_end(f, s->t);
		g_hash_table_remove(fl->flows, f->key);
	}
}
