/* A small daemon built on discovery/isns-client.h, for integration tests:
 * it registers one node (and a portal), answers ESI, prints what happens
 * on stdout, one line per event, and deregisters on SIGTERM.
 *   isns-client-demo --server ADDR:PORT --name IQN --type target|initiator
 *       [--portal IP:PORT] [--tpgt N] [--esi-interval S] [--scn BITMAP] [--period S] */
#include "config.h"
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discovery/isns-client.h"

static char *server, *name, *type = (char *) "target", *portal;
static int tpgt = 1, esi_interval = 1, scn, period;

static const GOptionEntry options[] = {
	{ "server", 0, 0, G_OPTION_ARG_STRING, &server, "iSNS server", "ADDR:PORT" },
	{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "node name", "IQN" },
	{ "type", 0, 0, G_OPTION_ARG_STRING, &type, "target or initiator", "TYPE" },
	{ "portal", 0, 0, G_OPTION_ARG_STRING, &portal, "portal", "IP:PORT" },
	{ "tpgt", 0, 0, G_OPTION_ARG_INT, &tpgt, "portal group tag", "N" },
	{ "esi-interval", 0, 0, G_OPTION_ARG_INT, &esi_interval, "ESI interval", "S" },
	{ "scn", 0, 0, G_OPTION_ARG_INT, &scn, "SCN bitmap", "BITMAP" },
	{ "period", 0, 0, G_OPTION_ARG_INT, &period, "registration period", "S" },
	{ NULL }
};

static void on_registered(IDiscIsnsClient *c, gpointer p)
{
	printf("registered %s esi-port %u\n", idisc_isns_client_get_entity_id(c),
	       idisc_isns_client_get_esi_port(c));
	fflush(stdout);
}

static void on_failed(IDiscIsnsClient *c, const char *why, gpointer p)
{
	printf("failed %s\n", why);
	fflush(stdout);
}

static void on_scn(IDiscIsnsClient *c, guint bitmap, const char *node, guint dd, gpointer p)
{
	printf("scn %u %s %u\n", bitmap, node, dd);
	fflush(stdout);
}

static void on_esi(IDiscIsnsClient *c, gpointer p)
{
	printf("esi\n");
	fflush(stdout);
}

static gboolean on_term(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new("- iSNS client test daemon");
	g_option_context_add_main_entries(ctx, options, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || !server || !name) {
		fprintf(stderr, "isns-client-demo: %s\n", error ? error->message : "--server and --name needed");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	IDiscIsnsClient *c = idisc_isns_client_new(server, NULL, (guint) period);
	IDiscIsnsNode node = { name, NULL, g_str_equal(type, "initiator") ? IDISC_NODE_INITIATOR : IDISC_NODE_TARGET };
	idisc_isns_client_set_nodes(c, &node, 1);
	g_autofree char *addr = NULL;
	if (portal) {
		char *colon = strrchr(portal, ':');
		if (!colon)
			return 2;
		addr = g_strndup(portal, (gsize) (colon - portal));
		IDiscIsnsPortal p = { addr, (guint16) atoi(colon + 1) };
		idisc_isns_client_set_portals(c, &p, 1);
		if (node.type == IDISC_NODE_TARGET) {
			IDiscIsnsPortalGroup g = { name, addr, p.port, (guint32) tpgt };
			idisc_isns_client_set_portal_groups(c, &g, 1);
		}
	}
	idisc_isns_client_set_esi(c, NULL, 0, (guint) esi_interval);
	idisc_isns_client_set_scn(c, (guint32) scn);
	g_signal_connect(c, "registered", G_CALLBACK(on_registered), NULL);
	g_signal_connect(c, "failed", G_CALLBACK(on_failed), NULL);
	g_signal_connect(c, "scn", G_CALLBACK(on_scn), NULL);
	g_signal_connect(c, "esi", G_CALLBACK(on_esi), NULL);
	if (!idisc_isns_client_start(c, &error)) {
		fprintf(stderr, "isns-client-demo: %s\n", error->message);
		return 1;
	}
	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_term, loop);
	g_main_loop_run(loop);
	idisc_isns_client_stop(c, TRUE);
	printf("stopped\n");
	g_object_unref(c);
	g_main_loop_unref(loop);
	return 0;
}
