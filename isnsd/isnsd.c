/* itn-isnsd: the iSNS server (RFC 4171).
 *   itn-isnsd -f --listen ADDR:PORT --db DIR [--control-node IQN ...] [--mdns] */
#include "config.h"
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "isnsd/isrv-server.h"
#include "discovery/isns-control.h"
#include "discovery/mdns-publish.h"
#include "libiscsi-name/iname.h"

static gboolean foreground, show_version, no_default_dd, default_dd, mdns;
static char *listen_spec, *db_dir;
static char **control_nodes;
static int esi_misses = 3, registration_period = 900, esi_min_interval = 1;

static const GOptionEntry options[] = {
	{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground, "stay in the foreground, log to stderr", NULL },
	{ "listen", 0, 0, G_OPTION_ARG_STRING, &listen_spec, "address and port (default 0.0.0.0:3205)", "ADDR:PORT" },
	{ "db", 0, 0, G_OPTION_ARG_FILENAME, &db_dir, "database directory (default /var/lib/itnexus/isns)", "DIR" },
	{ "control-node", 0, 0, G_OPTION_ARG_STRING_ARRAY, &control_nodes,
	  "iSCSI name of a control node (repeatable; default: this machine's generated control name)", "IQN" },
	{ "esi-misses", 0, 0, G_OPTION_ARG_INT, &esi_misses, "unanswered ESIs before a portal is dropped (default 3)", "N" },
	{ "esi-min-interval", 0, 0, G_OPTION_ARG_INT, &esi_min_interval, "smallest ESI interval honoured (default 1)", "S" },
	{ "registration-period", 0, 0, G_OPTION_ARG_INT, &registration_period,
	  "registration period given to entities that ask for none, 0 = never expire (default 900)", "S" },
	{ "default-dd", 0, 0, G_OPTION_ARG_NONE, &default_dd, "nodes in no discovery domain see each other (default)", NULL },
	{ "no-default-dd", 0, 0, G_OPTION_ARG_NONE, &no_default_dd, "nodes in no discovery domain see nobody", NULL },
	{ "mdns", 0, 0, G_OPTION_ARG_NONE, &mdns, "announce the server on the LAN (DNS-SD _isns._tcp through avahi-daemon)", NULL },
	{ "version", 0, 0, G_OPTION_ARG_NONE, &show_version, "print the version", NULL },
	{ NULL }
};

/* -f: stderr, with GLib's usual filter (debug messages only when
 * G_MESSAGES_DEBUG names our domain). */
static GLogWriterOutput write_stderr(GLogLevelFlags level, const GLogField *fields, gsize n,
				     gpointer user)
{
	const char *domain = NULL;
	for (gsize i = 0; i < n; i++)
		if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
	if (g_log_writer_default_would_drop(level, domain))
		return G_LOG_WRITER_HANDLED;
	return g_log_writer_standard_streams(level, fields, n, user);
}

static void on_mdns(IDiscMdnsPublishEvent event, const char *message, gpointer data)
{
	if (event == IDISC_MDNS_PUBLISH_ESTABLISHED)
		g_message("mDNS: announced %s", message);
	else
		g_warning("mDNS: %s", message);
}

/* --mdns: one _isns._tcp service (RFC 6763) with the port we listen on, so
 * that initiators and targets on the LAN find us without configuration. */
static IDiscMdnsPublisher *announce(guint16 port)
{
	IDiscMdnsPublisher *p = idisc_mdns_publisher_new(NULL, on_mdns, NULL);
	g_autofree char *name = g_strdup_printf("iSNS on %s", g_get_host_name());
	IDiscMdnsService s = { IDISC_MDNS_ISNS, name, port, { NULL, -1, IDISC_MDNS_AUTH_NONE } };
	g_autoptr(GError) error = NULL;
	if (!idisc_mdns_publisher_set(p, &s, 1, &error))
		g_warning("mDNS: not announced: %s", error->message);
	return p;
}

static gboolean on_quit(gpointer loop)
{
	g_message("shutting down");
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("- iSNS server (RFC 4171)");
	g_option_context_add_main_entries(ctx, options, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "itn-isnsd: %s\n", error->message);
		return 2;
	}
	if (show_version) {
		printf("itn-isnsd (itnexus) %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc > 1 || esi_misses < 1 || registration_period < 0 || esi_min_interval < 1 ||
	    (default_dd && no_default_dd)) {
		fprintf(stderr, "itn-isnsd: bad arguments (see --help)\n");
		return 2;
	}
	if (foreground)
		g_log_set_writer_func(write_stderr, NULL, NULL);
	else
		g_log_set_writer_func(g_log_writer_journald, NULL, NULL);
	signal(SIGPIPE, SIG_IGN);

	IsrvConfig cfg;
	isrv_config_init(&cfg);
	cfg.esi_misses = (guint) esi_misses;
	cfg.esi_min_interval = (guint) esi_min_interval;
	cfg.registration_period = (guint) registration_period;
	cfg.default_dd = !no_default_dd;
	g_autoptr(GPtrArray) ctl = g_ptr_array_new_with_free_func(g_free);
	for (char **c = control_nodes; c && *c; c++) {
		char *n = iname_normalize(*c, INAME_STRICT, NULL, NULL, &error);
		if (!n) {
			fprintf(stderr, "itn-isnsd: --control-node %s: %s\n", *c, error->message);
			return 2;
		}
		g_ptr_array_add(ctl, n);
	}
	if (ctl->len == 0) {
		char *n = idisc_isns_default_control_name(&error);
		if (!n) {
			fprintf(stderr, "itn-isnsd: no control node: %s\n", error->message);
			return 1;
		}
		g_ptr_array_add(ctl, n);
	}
	g_ptr_array_add(ctl, NULL);
	cfg.control_nodes = (char **) ctl->pdata;

	IsrvDb *db = isrv_db_open(db_dir ? db_dir : "/var/lib/itnexus/isns", &error);
	if (!db) {
		fprintf(stderr, "itn-isnsd: %s\n", error->message);
		return 1;
	}
	IsrvCore *core = isrv_core_new(&cfg, db);
	IsrvServer *srv = isrv_server_new(core);
	if (!isrv_server_listen(srv, listen_spec ? listen_spec : "0.0.0.0:3205", &error)) {
		fprintf(stderr, "itn-isnsd: --listen %s: %s\n", listen_spec ? listen_spec : "0.0.0.0:3205",
			error->message);
		isrv_server_free(srv);
		isrv_core_free(core);
		isrv_db_close(db);
		return 1;
	}
	for (guint i = 0; cfg.control_nodes[i]; i++)
		g_message("control node: %s", cfg.control_nodes[i]);
	g_message("listening on %s", listen_spec ? listen_spec : "0.0.0.0:3205");
	IDiscMdnsPublisher *pub = mdns ? announce(isrv_server_port(srv)) : NULL;
	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_quit, loop);
	g_unix_signal_add(SIGINT, on_quit, loop);
	g_main_loop_run(loop);
	idisc_mdns_publisher_free(pub);
	/* Everything acknowledged is already committed; close cleanly so the
	 * WAL is checkpointed. */
	isrv_server_free(srv);
	isrv_core_free(core);
	isrv_db_close(db);
	g_main_loop_unref(loop);
	return 0;
}
