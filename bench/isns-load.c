/* iSNS load generator: N registrations (one entity with a portal and a
 * target node each) over one TCP connection, up to W requests in flight,
 * then optionally one DevAttrQry for every target node.  Prints
 *   registrations N seconds S per-second R
 *   query nodes N seconds S status X
 * --ack-log records every registration the server acknowledged (status 0)
 * the moment the answer arrives: the durability test kills the server and
 * checks that all of them survived. 
 * Works against any RFC 4171 server (itn-isnsd, open-isns's isnsd). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "discovery/isns-addr.h"
#include "discovery/isns-call.h"
#include "discovery/isns-tlv.h"

static char *server, *prefix = (char *) "iqn.2024-01.bench.lab:target", *query_source, *ack_log;
static gboolean print_names;
static int count = 1000, window = 32, start_at;

static const GOptionEntry options[] = {
	{ "server", 0, 0, G_OPTION_ARG_STRING, &server, "server", "ADDR:PORT" },
	{ "count", 0, 0, G_OPTION_ARG_INT, &count, "registrations (default 1000)", "N" },
	{ "window", 0, 0, G_OPTION_ARG_INT, &window, "requests in flight (default 32)", "W" },
	{ "first", 0, 0, G_OPTION_ARG_INT, &start_at, "number of the first target", "N" },
	{ "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix, "node name prefix", "IQN" },
	{ "query-as", 0, 0, G_OPTION_ARG_STRING, &query_source, "then query all targets with this source", "IQN" },
	{ "print-names", 0, 0, G_OPTION_ARG_NONE, &print_names, "print every node name the query returns", NULL },
	{ "ack-log", 0, 0, G_OPTION_ARG_FILENAME, &ack_log, "append each acknowledged node name here, as it is acknowledged", "FILE" },
	{ NULL }
};

static GByteArray *registration(int i)
{
	g_autofree char *name = g_strdup_printf("%s-%06d", prefix, i);
	g_autofree char *eid = g_strdup_printf("bench-entity-%06d", i);
	GByteArray *b = g_byte_array_new();
	guint8 a[16];
	g_autofree char *ip = g_strdup_printf("10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	idisc_addr_parse(ip, a);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_string(b, IDISC_TAG_ENTITY_ID, eid);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_ENTITY_ID, eid);
	idisc_put_tlv(b, IDISC_TAG_PORTAL_IP, a, 16);
	idisc_put_u32(b, IDISC_TAG_PORTAL_PORT, 3260);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, IDISC_NODE_TARGET);
	return b;
}

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("- iSNS registration load");
	g_option_context_add_main_entries(ctx, options, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || !server || count < 0 || window < 1) {
		fprintf(stderr, "isns-load: %s\n", error ? error->message : "--server needed");
		return 2;
	}
	g_autoptr(IDiscIsnsConn) c = idisc_isns_conn_open(server, 60, &error);
	if (!c) {
		fprintf(stderr, "isns-load: %s\n", error->message);
		return 1;
	}
	FILE *acks = ack_log ? fopen(ack_log, "a") : NULL;
	if (ack_log && !acks) {
		fprintf(stderr, "isns-load: cannot open %s\n", ack_log);
		return 1;
	}
	gint64 t0 = g_get_monotonic_time();
	int sent = 0, done = 0, failed = 0;
	while (done < count) {
		while (sent < count && sent - done < window) {
			g_autoptr(GByteArray) b = registration(start_at + sent);
			if (!idisc_isns_conn_send(c, IDISC_ISNS_DEV_ATTR_REG, 0, (guint16) (sent + 1), b->data,
						  b->len, &error)) {
				fprintf(stderr, "isns-load: send: %s\n", error->message);
				return 1;
			}
			sent++;
		}
		g_autoptr(IDiscTlvList) l = idisc_isns_conn_recv(c, NULL, &error);
		if (!l) {
			fprintf(stderr, "isns-load: after %d answers: %s\n", done, error->message);
			return 1;
		}
		failed += l->status != 0;
		if (acks && l->status == 0) {
			/* The server answers in order on one connection. */
			fprintf(acks, "%s-%06d\n", prefix, start_at + done);
			fflush(acks);
		}
		done++;
	}
	double s = (double) (g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	printf("registrations %d seconds %.3f per-second %.0f failed %d\n", count, s, count / s, failed);
	if (query_source) {
		g_autoptr(GByteArray) q = g_byte_array_new();
		idisc_put_string(q, IDISC_TAG_ISCSI_NAME, query_source);
		idisc_put_u32(q, IDISC_TAG_NODE_TYPE, IDISC_NODE_TARGET);
		idisc_put_delimiter(q);
		idisc_put_nil(q, IDISC_TAG_ISCSI_NAME);
		idisc_put_nil(q, IDISC_TAG_NODE_TYPE);
		t0 = g_get_monotonic_time();
		g_autoptr(IDiscTlvList) l = idisc_isns_conn_call(c, IDISC_ISNS_DEV_ATTR_QRY, 0, q, &error);
		if (!l) {
			fprintf(stderr, "isns-load: query: %s\n", error->message);
			return 1;
		}
		int nodes = 0;
		for (guint i = l->delim; i < idisc_tlv_list_count(l); i++) {
			const IDiscTlv *t = idisc_tlv_list_get(l, i);
			if (t->tag != IDISC_TAG_ISCSI_NAME)
				continue;
			nodes++;
			if (print_names)
				printf("name %s\n", idisc_tlv_string(t));
		}
		s = (double) (g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
		printf("query nodes %d seconds %.3f status %u bytes %zu\n", nodes, s, l->status,
		       g_bytes_get_size(l->payload));
	}
	if (acks)
		fclose(acks);
	return failed ? 1 : 0;
}
