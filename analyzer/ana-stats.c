/* The --stats summary, see ana-stats.h. */
#include "config.h"
#include "analyzer/ana-stats.h"
#include "analyzer/ana-record.h"
#include "libiscsi-proto/iproto-opcode.h"
#include <string.h>

void ana_stats_init(AnaStats *st)
{
	memset(st, 0, sizeof *st);
	st->by_cdb = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void ana_stats_clear(AnaStats *st)
{
	g_clear_pointer(&st->by_cdb, g_hash_table_unref);
}

static void lat_add(AnaLatency *l, double s)
{
	if (l->count == 0 || s < l->min)
		l->min = s;
	if (l->count == 0 || s > l->max)
		l->max = s;
	l->sum += s;
	l->count++;
}

void ana_stats_latency(AnaStats *st, const char *cdb_name, double seconds)
{
	AnaLatency *l = g_hash_table_lookup(st->by_cdb, cdb_name);

	if (!l) {
		l = g_new0(AnaLatency, 1);
		g_hash_table_insert(st->by_cdb, g_strdup(cdb_name), l);
	}
	lat_add(l, seconds);
	lat_add(&st->latency, seconds);
}

static void lat_text(GString *s, const char *name, const AnaLatency *l)
{
	g_string_append_printf(s, "  %-28s %8" G_GUINT64_FORMAT "  min %.3f ms  avg %.3f ms  max %.3f ms\n",
			       name, l->count, l->min * 1e3, l->sum / (double) l->count * 1e3, l->max * 1e3);
}

static void lat_json(GString *s, const char *name, const AnaLatency *l)
{
	ana_json_string(s, name);
	g_string_append_printf(s, ":{\"count\":%" G_GUINT64_FORMAT ",\"min_ms\":%.3f,\"avg_ms\":%.3f,\"max_ms\":%.3f}",
			       l->count, l->min * 1e3, l->sum / (double) l->count * 1e3, l->max * 1e3);
}

static GList *sorted_cdbs(const AnaStats *st)
{
	return g_list_sort(g_hash_table_get_keys(st->by_cdb), (GCompareFunc) g_strcmp0);
}

static void print_text(const AnaStats *st, GString *s)
{
	g_string_append(s, "== iSCSI PDUs per opcode\n");
	for (unsigned op = 0; op < 64; op++)
		if (st->pdus[op])
			g_string_append_printf(s, "  0x%02x %-28s %8" G_GUINT64_FORMAT "\n", op,
					       iproto_opcode_name((uint8_t) op), st->pdus[op]);
	g_string_append_printf(s, "== iSNS messages %" G_GUINT64_FORMAT "\n", st->isns_messages);
	g_string_append_printf(s, "== SCSI commands %" G_GUINT64_FORMAT ", completed %" G_GUINT64_FORMAT "\n",
			       st->commands, st->completed);
	if (st->latency.count) {
		g_string_append(s, "== latency (command to status)\n");
		lat_text(s, "all", &st->latency);
		GList *keys = sorted_cdbs(st);
		for (GList *k = keys; k; k = k->next)
			lat_text(s, k->data, g_hash_table_lookup(st->by_cdb, k->data));
		g_list_free(keys);
	}
	g_string_append_printf(s, "== capture: %" G_GUINT64_FORMAT " TCP segments, %" G_GUINT64_FORMAT
			       " connections (%" G_GUINT64_FORMAT " not followed), %" G_GUINT64_FORMAT
			       " retransmissions, %" G_GUINT64_FORMAT " out of order, %" G_GUINT64_FORMAT
			       " gaps (%" G_GUINT64_FORMAT " bytes), %" G_GUINT64_FORMAT " resyncs\n",
			       st->packets, st->flows, st->flows_refused, st->retransmissions, st->out_of_order,
			       st->gaps, st->gap_bytes, st->resyncs);
	g_string_append_printf(s, "== protocol errors %" G_GUINT64_FORMAT " (digest errors %" G_GUINT64_FORMAT ")\n",
			       st->protocol_errors, st->digest_errors);
}

static void print_json(const AnaStats *st, GString *s)
{
	gboolean first = TRUE;

	g_string_append(s, "{\"kind\":\"stats\",\"pdus\":{");
	for (unsigned op = 0; op < 64; op++) {
		if (!st->pdus[op])
			continue;
		if (!first)
			g_string_append_c(s, ',');
		first = FALSE;
		ana_json_string(s, iproto_opcode_name((uint8_t) op));
		g_string_append_printf(s, ":%" G_GUINT64_FORMAT, st->pdus[op]);
	}
	g_string_append_printf(s, "},\"isns_messages\":%" G_GUINT64_FORMAT ",\"commands\":%" G_GUINT64_FORMAT
			       ",\"completed\":%" G_GUINT64_FORMAT ",\"latency\":{",
			       st->isns_messages, st->commands, st->completed);
	if (st->latency.count) {
		lat_json(s, "all", &st->latency);
		GList *keys = sorted_cdbs(st);
		for (GList *k = keys; k; k = k->next) {
			g_string_append_c(s, ',');
			lat_json(s, k->data, g_hash_table_lookup(st->by_cdb, k->data));
		}
		g_list_free(keys);
	}
	g_string_append_printf(s, "},\"segments\":%" G_GUINT64_FORMAT ",\"connections\":%" G_GUINT64_FORMAT
			       ",\"connections_not_followed\":%" G_GUINT64_FORMAT ",\"retransmissions\":%" G_GUINT64_FORMAT
			       ",\"out_of_order\":%" G_GUINT64_FORMAT ",\"gaps\":%" G_GUINT64_FORMAT
			       ",\"gap_bytes\":%" G_GUINT64_FORMAT ",\"resyncs\":%" G_GUINT64_FORMAT
			       ",\"protocol_errors\":%" G_GUINT64_FORMAT ",\"digest_errors\":%" G_GUINT64_FORMAT "}\n",
			       st->packets, st->flows, st->flows_refused, st->retransmissions, st->out_of_order,
			       st->gaps, st->gap_bytes, st->resyncs, st->protocol_errors, st->digest_errors);
}

void ana_stats_print(const AnaStats *st, FILE *out, gboolean json)
{
	g_autoptr(GString) s = g_string_new(NULL);

	if (json)
		print_json(st, s);
	else
		print_text(st, s);
	fwrite(s->str, 1, s->len, out);
}
