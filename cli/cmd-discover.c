/* itnctl discover URL: SendTargets discovery (RFC 7143 sec. 13.3) on a
 * portal, --isns ADDR: the targets an iSNS server lets us see (RFC 4171),
 * or --mdns: what DNS-SD finds on the LAN (RFC 6763); the answer as a table
 * or JSON. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "cmd-discover.h"
#include "cmd-io.h"
#include "libiscsi-name/iname.h"

#define DISCOVER_USAGE "itnctl [--json] discover iscsi://[user[%secret]@]host[:port] [--secrets FILE] [--initiator-name IQN]\n" \
	"       itnctl [--json] discover --isns ADDR[:PORT] [--source IQN]\n" \
	"       itnctl [--json] discover --mdns [--timeout MS] [--query-isns [--source IQN]]"

static void print_targets(GPtrArray *targets);

int cli_cmd_discover(int argc, char **argv)
{
	CliTargetOpts o = { 0 };
	const char *isns = NULL, *source = NULL;
	gboolean mdns = FALSE, query_isns = FALSE;
	guint64 timeout_ms = 3000;
	for (int i = 1; i < argc; i++) {
		int rc = CLI_EXIT_OK;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s\n\nAsk a portal which targets it serves (SendTargets=All), an\n"
			       "iSNS server which targets we may see (--isns), or the LAN (--mdns).\n\n"
			       "  --isns ADDR[:PORT]     ask the iSNS server at ADDR (port 3205 by default)\n"
			       "  --source IQN           the iSNS source name (default: this machine's\n"
			       "                         control node name)\n"
			       "  --mdns                 list _iscsi._tcp targets and _isns._tcp servers\n"
			       "                         that avahi-daemon finds (DNS-SD)\n"
			       "  --timeout MS           browse for at most MS ms (default 3000)\n"
			       "  --query-isns           with --mdns: also ask each iSNS server found\n"
			       CLI_IO_COMMON_HELP, DISCOVER_USAGE);
			return CLI_EXIT_OK;
		}
		if (cli_io_common_option(argc, argv, &i, &o, DISCOVER_USAGE, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		if ((strcmp(argv[i], "--isns") == 0 || strcmp(argv[i], "--source") == 0)) {
			if (i + 1 >= argc)
				return cli_usage(DISCOVER_USAGE, "%s needs a value", argv[i]);
			*(argv[i][2] == 'i' ? &isns : &source) = argv[i + 1];
			i++;
			continue;
		}
		if (strcmp(argv[i], "--mdns") == 0 || strcmp(argv[i], "--query-isns") == 0) {
			*(argv[i][2] == 'm' ? &mdns : &query_isns) = TRUE;
			continue;
		}
		if (strcmp(argv[i], "--timeout") == 0) {
			if (i + 1 >= argc || !g_ascii_string_to_unsigned(argv[i + 1], 10, 1, 600000, &timeout_ms, NULL))
				return cli_usage(DISCOVER_USAGE, "--timeout needs a number of ms in 1..600000");
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			return cli_usage(DISCOVER_USAGE, "unknown option '%s'", argv[i]);
		if (o.url)
			return cli_usage(DISCOVER_USAGE, "unexpected argument '%s'", argv[i]);
		o.url = argv[i];
	}
	GError *error = NULL;
	if ((query_isns || timeout_ms != 3000) && !mdns)
		return cli_usage(DISCOVER_USAGE, "--timeout and --query-isns go with --mdns");
	if (mdns) {
		if (o.url || isns)
			return cli_usage(DISCOVER_USAGE, "give one of a portal URL, --isns or --mdns");
		if (source && !query_isns)
			return cli_usage(DISCOVER_USAGE, "--source goes with --isns or --query-isns");
		return cli_discover_mdns((guint) timeout_ms, query_isns, source);
	}
	if (isns) {
		if (o.url)
			return cli_usage(DISCOVER_USAGE, "give either a portal URL or --isns, not both");
		g_autoptr(GPtrArray) found = cli_discover_isns(isns, source, &error);
		if (!found) {
			int rc = cli_fail_error(error);
			g_error_free(error);
			return rc;
		}
		print_targets(found);
		return CLI_EXIT_OK;
	}
	if (source)
		return cli_usage(DISCOVER_USAGE, "--source goes with --isns");
	if (!o.url)
		return cli_usage(DISCOVER_USAGE, "discover needs a portal URL (or --isns ADDR)");
	g_autoptr(ItniConfig) cfg = cli_io_config(&o, FALSE, &error);
	if (!cfg) {
		int rc = cli_fail_error(error);
		g_error_free(error);
		return rc;
	}
	ItniContext *ctx = itni_context_new(0);
	g_autoptr(GPtrArray) targets = itni_discover_sync(ctx, cfg, &error);
	itni_context_free(ctx);
	if (!targets) {
		int rc = cli_fail_error(error);
		g_error_free(error);
		return rc;
	}
	print_targets(targets);
	return CLI_EXIT_OK;
}

/* The targets and their portals: a table for people, JSON for scripts. */
static void print_targets(GPtrArray *targets)
{
	CliJson j;
	CliTable *t = NULL;
	if (cli_json) {
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_begin_array(&j, "targets");
	} else {
		t = cli_table_new(3, "TARGET", "PORTAL", "TPGT");
	}
	for (guint i = 0; i < targets->len; i++) {
		ItniDiscoveredTarget *dt = targets->pdata[i];
		if (cli_json) {
			cli_json_begin_object(&j, NULL);
			cli_json_string(&j, "name", dt->name);
			cli_json_begin_array(&j, "portals");
		}
		for (guint k = 0; k < dt->addresses->len || (k == 0 && !cli_json); k++) {
			INameTargetAddress addr = { 0 };
			const char *raw = k < dt->addresses->len ? dt->addresses->pdata[k] : NULL;
			gboolean parsed = raw && iname_target_address_parse(raw, 3260, &addr, NULL);
			g_autofree char *portal = parsed ? g_strdup_printf(addr.host && strchr(addr.host, ':') ?
									   "[%s]:%u" : "%s:%u", addr.host, addr.port)
							: g_strdup(raw ? raw : "-");
			g_autofree char *tpgt = parsed && addr.tpgt >= 0 ? g_strdup_printf("%d", addr.tpgt)
								       : g_strdup("-");
			if (cli_json) {
				cli_json_begin_object(&j, NULL);
				cli_json_string(&j, "address", portal);
				if (parsed && addr.tpgt >= 0)
					cli_json_int(&j, "tpgt", addr.tpgt);
				cli_json_end_object(&j);
			} else {
				cli_table_add(t, dt->name, portal, tpgt);
			}
			if (parsed)
				iname_target_address_clear(&addr);
		}
		if (cli_json) {
			cli_json_end_array(&j);
			cli_json_end_object(&j);
		}
	}
	if (cli_json) {
		cli_json_end_array(&j);
		cli_json_end_object(&j);
		cli_json_print(&j);
	} else {
		cli_table_print(t);
	}
}
