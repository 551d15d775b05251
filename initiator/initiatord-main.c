/* itn-initiatord: keeps iSCSI sessions and exposes every LUN as a file.
 *
 *   itn-initiatord -f --mount DIR --connect URL [--connect URL ...] [--connections N]
 *                  [--discover mdns [--discover-match GLOB ...]] [--control PATH]
 *
 * -f stays in the foreground and logs to stderr; SIGTERM or SIGINT log out
 * every session and unmount cleanly; SIGHUP reloads -c FILE. */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initiatord.h"

/* design brief: SIGHUP reloads the config file. */
static gboolean on_hup(gpointer data)
{
	ItndDaemon *d = data;
	GError *e = NULL;
	if (!itnd_reload(d, &e)) {
		g_warning("reload refused, the old configuration stays in force: %s", e->message);
		g_error_free(e);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_signal(gpointer data)
{
	g_message("shutting down");
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	gboolean foreground = FALSE, direct_io = FALSE;
	char *mount = NULL, *secrets = NULL, *initiator = NULL, *control = NULL, *config = NULL;
	char **connect = NULL, **match = NULL, *discover = NULL;
	int connections = 1, sessions = 1, threads = 2;
	GOptionEntry entries[] = {
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground, "stay in the foreground, log to stderr", NULL },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "node records and auto-connect rules (initiator.xml; SIGHUP reloads it)", "FILE" },
		{ "mount", 'm', 0, G_OPTION_ARG_FILENAME, &mount, "expose LUNs under DIR/<target-iqn>/lun<N>", "DIR" },
		{ "connect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &connect, "log in to the target of URL (repeatable)", "URL" },
		{ "discover", 0, 0, G_OPTION_ARG_STRING, &discover,
		  "find targets by themselves and log in to each (only \"mdns\": DNS-SD _iscsi._tcp)", "mdns" },
		{ "discover-match", 0, 0, G_OPTION_ARG_STRING_ARRAY, &match,
		  "with --discover, only targets whose IQN matches GLOB (repeatable)", "GLOB" },
		{ "connections", 'n', 0, G_OPTION_ARG_INT, &connections, "TCP connections per session (MC/S)", "N" },
		{ "sessions", 0, 0, G_OPTION_ARG_INT, &sessions, "sessions per target", "N" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &threads, "I/O threads (default 2)", "N" },
		{ "secrets", 0, 0, G_OPTION_ARG_FILENAME, &secrets, "CHAP secrets file (mode 0600)", "FILE" },
		{ "initiator-name", 0, 0, G_OPTION_ARG_STRING, &initiator, "our iSCSI name", "IQN" },
		{ "direct-io", 0, 0, G_OPTION_ARG_NONE, &direct_io, "bypass the page cache for LUN files", NULL },
		{ "control", 0, 0, G_OPTION_ARG_FILENAME, &control,
		  "serve the control API on this Unix socket (default " ITND_DEFAULT_CONTROL ")", "PATH" },
		{ NULL },
	};
	g_autoptr(GOptionContext) oc = g_option_context_new("- keep iSCSI sessions and expose LUNs as files");
	g_option_context_add_main_entries(oc, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(oc, &argc, &argv, &error)) {
		fprintf(stderr, "itn-initiatord: %s\n", error->message);
		return 2;
	}
	if (connections < 1 || connections > 16 || sessions < 1 || sessions > 16 || threads < 1 || threads > 64) {
		fprintf(stderr, "itn-initiatord: --connections and --sessions take 1..16, --threads 1..64\n");
		return 2;
	}
	if (discover && strcmp(discover, "mdns") != 0) {
		fprintf(stderr, "itn-initiatord: --discover takes only \"mdns\"\n");
		return 2;
	}
	if (!foreground)
		g_log_set_writer_func(g_log_writer_journald, NULL, NULL);
	signal(SIGPIPE, SIG_IGN);

	ItndDaemon d = { 0 };
	g_mutex_init(&d.lock);
	d.nodes = g_ptr_array_new();
	d.ctx = itni_context_new((guint) threads);
	d.records = itnd_records_load(config, &error);
	if (!d.records) {
		fprintf(stderr, "itn-initiatord: %s\n", error->message);
		return 2;
	}
	if (match && !discover && !d.records->discover_mdns) {
		fprintf(stderr, "itn-initiatord: --discover-match needs --discover mdns (or <discover> in -c FILE)\n");
		return 2;
	}
	d.initiator_flag = initiator;
	if (!initiator && d.records->initiator_name)
		initiator = g_strdup(d.records->initiator_name);
	if (mount) {
		d.fuse = itnd_fuse_new(mount, direct_io, &error);
		if (!d.fuse) {
			fprintf(stderr, "itn-initiatord: %s\n", error->message);
			return 1;
		}
		itnd_fuse_start(d.fuse);
	}
	for (char **u = connect; u && *u; u++) {
		g_autoptr(ItniConfig) cfg = itnd_node_config_new(*u, secrets, initiator, (guint) connections, &error);
		if (!cfg) {
			fprintf(stderr, "itn-initiatord: %s\n", error->message);
			return 2;
		}
		if (!itni_config_get_target(cfg)) {
			fprintf(stderr, "itn-initiatord: --connect needs a target in the URL\n");
			return 2;
		}
		itnd_node_add(&d, itnd_node_new(&d, g_steal_pointer(&cfg), (guint) sessions, TRUE));
	}
	/* design.md "Discovery": targets announced on the LAN are found and
	 * logged in to without configuration. */
	ItndMdns *mdns = NULL;
	/* The flags win over <discover> of initiator.xml (read at start). */
	if (!discover && d.records->discover_mdns) {
		discover = g_strdup("mdns");
		if (!match)
			match = g_strdupv(d.records->discover_match);
	}
	if (discover)
		mdns = itnd_mdns_new(&d, (const char *const *) match, secrets, initiator, (guint) connections,
				     (guint) sessions);

	/* Auto-connect records of initiator.xml. */
	itnd_nodes_start_records(&d);
	/* Sessions are also logged in and out through the control API
	 * (itnctl login / logout / session list). */
	ItndControl *ctl = itnd_control_new(&d, control ? control : ITND_DEFAULT_CONTROL, &error);
	if (!ctl) {
		fprintf(stderr, "itn-initiatord: control API: %s\n", error->message);
		return 1;
	}
	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	g_unix_signal_add(SIGINT, on_signal, loop);
	g_unix_signal_add(SIGHUP, on_hup, &d);
	g_main_loop_run(loop);
	g_main_loop_unref(loop);

	itnd_control_free(ctl);
	g_atomic_int_set(&d.stopping, TRUE);
	/* Its nodes stay in d.nodes and go with the others below. */
	itnd_mdns_free(mdns);
	/* Unmount first so no request is in flight while sessions go. */
	if (d.fuse)
		itnd_fuse_stop(d.fuse);
	for (guint i = 0; i < d.nodes->len; i++)
		itnd_node_free(d.nodes->pdata[i]);
	g_ptr_array_free(d.nodes, TRUE);
	itnd_fuse_free(d.fuse);
	itni_context_free(d.ctx);
	itnd_records_free(d.records);
	g_mutex_clear(&d.lock);
	g_strfreev(connect);
	g_strfreev(match);
	g_free(discover);
	g_free(mount);
	g_free(secrets);
	g_free(initiator);
	g_free(control);
	g_free(config);
	return 0;
}
