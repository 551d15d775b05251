/* itnctl session list | login | logout: clients of itn-initiatord's control
 * API (D-Bus org.itnexus.Initiator1, peer to peer on its Unix socket). */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "cmd-io.h"

#define DEFAULT_CONTROL "/run/itnexus/initiatord.sock"
#define SESSION_USAGE \
	"itnctl [--json] session list|connections SESSION|luns|nodes|discover URL|set-node TARGET KEY VALUE\n" \
	"       [--control PATH]"
#define LOGIN_USAGE "itnctl [--json] login URL [--connections N] [--control PATH]"
#define LOGOUT_USAGE "itnctl logout SESSION [--control PATH]"

/* The words after the command: positional arguments and the options. */
typedef struct {
	const char *control;
	const char *pos[4];
	int n_pos;
	guint connections;
} SessArgs;

static int parse(int argc, char **argv, int first, const char *usage, SessArgs *a)
{
	a->control = DEFAULT_CONTROL;
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s\n\nTalks to itn-initiatord on its control socket (default %s).\n", usage,
			       DEFAULT_CONTROL);
			return -1;
		}
		if (strcmp(argv[i], "--control") == 0 || strcmp(argv[i], "--connections") == 0) {
			if (i + 1 >= argc)
				return cli_usage(usage, "%s needs a value", argv[i]);
			if (strcmp(argv[i], "--control") == 0) {
				a->control = argv[++i];
			} else {
				char *end;
				unsigned long n = strtoul(argv[++i], &end, 10);
				if (*end || n < 1 || n > 16)
					return cli_usage(usage, "--connections takes 1..16");
				a->connections = (guint) n;
			}
			continue;
		}
		if (argv[i][0] == '-')
			return cli_usage(usage, "unknown option '%s'", argv[i]);
		if (a->n_pos == 4)
			return cli_usage(usage, "unexpected argument '%s'", argv[i]);
		a->pos[a->n_pos++] = argv[i];
	}
	return CLI_EXIT_OK;
}

/* Call one method; NULL with the reason printed on failure. */
static GVariant *call(const char *control, const char *method, GVariant *params, const char *reply, int *rc)
{
	g_autoptr(GError) e = NULL;
	g_autofree char *address = g_strdup_printf("unix:path=%s", control);
	g_autoptr(GDBusConnection) conn = g_dbus_connection_new_for_address_sync(
		address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &e);
	if (!conn) {
		*rc = cli_fail("cannot reach itn-initiatord at %s: %s", control, e->message);
		return NULL;
	}
	GVariant *v = g_dbus_connection_call_sync(conn, NULL, "/org/itnexus/Initiator1", "org.itnexus.Initiator1",
						  method, params, G_VARIANT_TYPE(reply), G_DBUS_CALL_FLAGS_NONE,
						  120000, NULL, &e);
	if (!v) {
		g_dbus_error_strip_remote_error(e);
		*rc = cli_fail("%s", e->message);
	}
	return v;
}

static int session_list(const SessArgs *a)
{
	int rc = CLI_EXIT_OK;
	g_autoptr(GVariant) v = call(a->control, "ListSessions", NULL, "(a(sssqsuus))", &rc);
	if (!v)
		return rc;
	g_autoptr(GVariantIter) it = NULL;
	g_variant_get(v, "(a(sssqsuus))", &it);
	const char *id, *target, *portal, *state, *origin;
	guint16 tsih;
	guint32 nconn, recoveries;
	static const char *const head[] = { "SESSION", "PORTAL", "TSIH", "STATE", "CONNECTIONS", "RECOVERIES", "ORIGIN", NULL };
	CliRows *r = cli_rows_new("sessions", head);
	while (g_variant_iter_next(it, "(&s&s&sq&suu&s)", &id, &target, &portal, &tsih, &state, &nconn,
				   &recoveries, &origin)) {
		cli_rows_begin(r);
		cli_rows_str(r, "session", id);
		if (cli_json)
			cli_rows_str(r, "target", target);
		cli_rows_str(r, "portal", portal);
		cli_rows_int(r, "tsih", tsih);
		cli_rows_str(r, "state", state);
		cli_rows_int(r, "connections", nconn);
		cli_rows_int(r, "recoveries", recoveries);
		/* connect, config, control or mdns: how the daemon came to it. */
		cli_rows_str(r, "origin", origin);
		cli_rows_end(r);
	}
	cli_rows_print(r);
	return CLI_EXIT_OK;
}

static int session_connections(const SessArgs *a)
{
	int rc = CLI_EXIT_OK;
	g_autoptr(GVariant) v = call(a->control, "ListConnections", g_variant_new("(s)", a->pos[1]), "(a(qbsstt))", &rc);
	if (!v)
		return rc;
	g_autoptr(GVariantIter) it = NULL;
	g_variant_get(v, "(a(qbsstt))", &it);
	guint16 cid;
	gboolean up;
	const char *local, *remote;
	guint64 commands, bytes;
	static const char *const head[] = { "CID", "UP", "LOCAL", "REMOTE", "COMMANDS", "BYTES", NULL };
	CliRows *r = cli_rows_new("connections", head);
	while (g_variant_iter_next(it, "(qb&s&stt)", &cid, &up, &local, &remote, &commands, &bytes)) {
		cli_rows_begin(r);
		cli_rows_int(r, "cid", cid);
		cli_rows_bool(r, "up", up);
		cli_rows_str(r, "local", local);
		cli_rows_str(r, "remote", remote);
		cli_rows_int(r, "commands", (gint64) commands);
		cli_rows_int(r, "bytes", (gint64) bytes);
		cli_rows_end(r);
	}
	cli_rows_print(r);
	return CLI_EXIT_OK;
}

static int session_luns(const SessArgs *a)
{
	int rc = CLI_EXIT_OK;
	g_autoptr(GVariant) v = call(a->control, "ListLuns", NULL, "(a(stts))", &rc);
	if (!v)
		return rc;
	g_autoptr(GVariantIter) it = NULL;
	g_variant_get(v, "(a(stts))", &it);
	const char *target, *path;
	guint64 lun, bytes;
	static const char *const head[] = { "TARGET", "LUN", "BYTES", "FILE", NULL };
	CliRows *r = cli_rows_new("luns", head);
	while (g_variant_iter_next(it, "(&stt&s)", &target, &lun, &bytes, &path)) {
		cli_rows_begin(r);
		cli_rows_str(r, "target", target);
		cli_rows_int(r, "lun", (gint64) lun);
		cli_rows_int(r, "bytes", (gint64) bytes);
		cli_rows_str(r, "file", path);
		cli_rows_end(r);
	}
	cli_rows_print(r);
	return CLI_EXIT_OK;
}

static int session_nodes(const SessArgs *a)
{
	int rc = CLI_EXIT_OK;
	g_autoptr(GVariant) v = call(a->control, "ListNodes", NULL, "(a(ssbuubb))", &rc);
	if (!v)
		return rc;
	g_autoptr(GVariantIter) it = NULL;
	g_variant_get(v, "(a(ssbuubb))", &it);
	const char *target, *portal;
	gboolean secrets, autoc, discovered;
	guint32 conns, sessions;
	static const char *const head[] = { "TARGET", "PORTAL", "AUTO-CONNECT", "CONNECTIONS", "SESSIONS", "CHAP",
					    "ORIGIN", NULL };
	CliRows *r = cli_rows_new("nodes", head);
	while (g_variant_iter_next(it, "(&s&sbuubb)", &target, &portal, &secrets, &conns, &sessions, &autoc, &discovered)) {
		cli_rows_begin(r);
		cli_rows_str(r, "target", target);
		cli_rows_str(r, "portal", portal);
		cli_rows_bool(r, "auto_connect", autoc);
		cli_rows_int(r, "connections", conns);
		cli_rows_int(r, "sessions", sessions);
		cli_rows_bool(r, "chap", secrets);
		cli_rows_str(r, "origin", discovered ? "discovery" : "user");
		cli_rows_end(r);
	}
	cli_rows_print(r);
	return CLI_EXIT_OK;
}

static int session_discover(const SessArgs *a)
{
	int rc = CLI_EXIT_OK;
	g_autoptr(GVariant) v = call(a->control, "Discover", g_variant_new("(s)", a->pos[1]), "(a(sas))", &rc);
	if (!v)
		return rc;
	g_autoptr(GVariantIter) it = NULL;
	g_variant_get(v, "(a(sas))", &it);
	const char *name;
	GVariantIter *addrs;
	while (g_variant_iter_next(it, "(&sas)", &name, &addrs)) {
		printf("%s\n", name);
		g_variant_iter_free(addrs);
	}
	return CLI_EXIT_OK;
}

static int session_set_node(const SessArgs *a)
{
	int rc = CLI_EXIT_OK;
	g_autoptr(GVariant) v = call(a->control, "SetNode", g_variant_new("(sss)", a->pos[1], a->pos[2], a->pos[3]),
				     "()", &rc);
	return v ? CLI_EXIT_OK : rc;
}

int cli_cmd_session(int argc, char **argv)
{
	SessArgs a = { 0 };
	int rc = parse(argc, argv, 1, SESSION_USAGE, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	const char *sub = a.n_pos ? a.pos[0] : "list";
	if (strcmp(sub, "list") == 0 && a.n_pos <= 1)
		return session_list(&a);
	if (strcmp(sub, "luns") == 0 && a.n_pos == 1)
		return session_luns(&a);
	if (strcmp(sub, "connections") == 0 && a.n_pos == 2)
		return session_connections(&a);
	if (strcmp(sub, "nodes") == 0 && a.n_pos == 1)
		return session_nodes(&a);
	if (strcmp(sub, "discover") == 0 && a.n_pos == 2)
		return session_discover(&a);
	if (strcmp(sub, "set-node") == 0 && a.n_pos == 4)
		return session_set_node(&a);
	return cli_usage(SESSION_USAGE, "unknown session command");
}

int cli_cmd_login(int argc, char **argv)
{
	SessArgs a = { 0 };
	int rc = parse(argc, argv, 1, LOGIN_USAGE, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (a.n_pos != 1)
		return cli_usage(LOGIN_USAGE, "login needs one URL");
	g_autoptr(GVariant) v = call(a.control, "Login", g_variant_new("(su)", a.pos[0], a.connections), "(s)", &rc);
	if (!v)
		return rc;
	const char *id;
	g_variant_get(v, "(&s)", &id);
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_string(&j, "session", id);
		cli_json_end_object(&j);
		cli_json_print(&j);
	} else {
		printf("%s\n", id);
	}
	return CLI_EXIT_OK;
}

int cli_cmd_logout(int argc, char **argv)
{
	SessArgs a = { 0 };
	int rc = parse(argc, argv, 1, LOGOUT_USAGE, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (a.n_pos != 1)
		return cli_usage(LOGOUT_USAGE, "logout needs a session (see itnctl session list)");
	g_autoptr(GVariant) v = call(a.control, "Logout", g_variant_new("(s)", a.pos[0]), "()", &rc);
	return v ? CLI_EXIT_OK : rc;
}
