/* itn-analyze: the iSCSI/iSNS protocol analyzer.
 *
 *   itn-analyze -r FILE [options] [FILTER]
 *   itn-analyze -i IFACE [-c COUNT] [--duration S] [options] [FILTER]
 *
 * Exit status: 0 when the capture was read to its end (protocol problems
 * are reported in the output, not in the status), 1 on a usage error or a
 * capture that cannot be opened, 2 when the capture file is damaged (what
 * came before the damage is still analysed and reported). */
#include "config.h"
#include "analyzer/ana-capture.h"
#include "analyzer/ana-context.h"
#include "analyzer/ana-flow.h"
#include "discovery/isns-proto.h"
#include <stdlib.h>
#include <string.h>

#define ISCSI_PORT 3260          /* RFC 7143 sec. 13.8 (IANA) */
#define MAX_PORTS 32

static GArray *ports;

static gboolean add_port(const char *name, const char *value, gpointer data, GError **error)
{
	guint64 v;

	(void) data;
	if (!g_ascii_string_to_unsigned(value, 10, 1, 65535, &v, NULL)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: \"%s\" is not a TCP port", name, value);
		return FALSE;
	}
	if (ports->len >= MAX_PORTS) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: at most %d ports", name, MAX_PORTS);
		return FALSE;
	}
	uint16_t p = (uint16_t) v;
	g_array_append_val(ports, p);
	return TRUE;
}

int main(int argc, char **argv)
{
	g_autofree char *file = NULL, *iface = NULL;
	gint64 count = 0;
	double duration = 0;
	gboolean json = FALSE, stats = FALSE, quiet = FALSE;
	gint isns_port = IDISC_ISNS_DEFAULT_PORT;
	g_auto(GStrv) rest = NULL;
	const GOptionEntry entries[] = {
		{ "read", 'r', 0, G_OPTION_ARG_FILENAME, &file, "Read packets from FILE (pcap or pcapng)", "FILE" },
		{ "interface", 'i', 0, G_OPTION_ARG_STRING, &iface, "Capture live on IFACE", "IFACE" },
		{ "count", 'c', 0, G_OPTION_ARG_INT64, &count, "Stop after COUNT packets", "COUNT" },
		{ "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration, "Live capture: stop after S seconds", "S" },
		{ "port", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) add_port,
		  "Also decode TCP port N as iSCSI (3260 always is); repeatable", "N" },
		{ "isns-port", 0, 0, G_OPTION_ARG_INT, &isns_port, "Decode TCP port N as iSNS (default 3205, 0: none)", "N" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
		{ "stats", 0, 0, G_OPTION_ARG_NONE, &stats, "Print a summary at the end", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No per-PDU lines (with --stats: only the summary)", NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, "[FILTER]" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) oc = g_option_context_new("- show the iSCSI and iSNS traffic of a capture");
	g_autoptr(GError) error = NULL;
	g_autofree char *filter = NULL;
	AnaContext ctx = { 0 };
	AnaCaptureOptions co = { 0 };
	AnaCaptureResult res;
	AnaFlows *flows;
	double last = 0;
	uint16_t p3260 = ISCSI_PORT;

	ports = g_array_new(FALSE, FALSE, sizeof(uint16_t));
	g_array_append_val(ports, p3260);
	g_option_context_set_summary(oc,
		"Decodes every iSCSI PDU (TCP port 3260 and --port) and iSNS message (3205)\n"
		"of a capture file or a live interface, one line each, and checks sequence\n"
		"numbers, task tags, Data-In order and digests.  FILTER is a pcap filter\n"
		"expression (see pcap-filter(7)).  CHAP and other secrets are never printed.");
	g_option_context_add_main_entries(oc, entries, NULL);
	if (!g_option_context_parse(oc, &argc, &argv, &error)) {
		g_printerr("itn-analyze: %s\n", error->message);
		return 1;
	}
	if ((file == NULL) == (iface == NULL)) {
		g_printerr("itn-analyze: give exactly one of -r FILE and -i IFACE\n");
		return 1;
	}
	if (count < 0 || duration < 0 || isns_port < 0 || isns_port > 65535) {
		g_printerr("itn-analyze: --count, --duration and --isns-port take non-negative values\n");
		return 1;
	}
	if (rest && rest[0])
		filter = g_strjoinv(" ", rest);

	/* Live: every line as soon as its PDU is complete. */
	if (iface)
		setvbuf(stdout, NULL, _IOLBF, 0);
	ctx.out = stdout;
	ctx.json = json;
	ctx.quiet = quiet;
	ana_stats_init(&ctx.stats);
	flows = ana_flows_new(&ctx, (const uint16_t *) ports->data, ports->len,
			      isns_port ? (uint16_t) isns_port : 0);
	co.file = file;
	co.iface = iface;
	co.filter = filter;
	co.count = (long) count;
	co.duration = duration;
	res = ana_capture_run(&co, flows, &last, &error);
	if (res != ANA_CAPTURE_FAILED)
		ana_flows_finish(flows, last);
	ana_flows_free(flows);
	if (res != ANA_CAPTURE_FAILED && stats)
		ana_stats_print(&ctx.stats, stdout, json);
	fflush(stdout);
	ana_stats_clear(&ctx.stats);
	g_array_unref(ports);
	if (res != ANA_CAPTURE_OK) {
		g_printerr("itn-analyze: %s\n", error->message);
		return res == ANA_CAPTURE_FAILED ? 1 : 2;
	}
	return 0;
}
