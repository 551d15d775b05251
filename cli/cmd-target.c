/* itnctl target: the command-line client of itn-targetd's control API
 * (org.itnexus.Target1, data/org.itnexus.Target1.xml), spoken peer-to-peer
 * on the daemon's Unix socket.  Every change is applied live by the daemon
 * and written back to its configuration file.
 *
 * CHAP secrets never come from the command line (other users can read it
 * in /proc): from a file only its owner can read (--secret-file) or from
 * the environment (--secret-env NAME, default ITN_CHAP_SECRET). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "libiscsi-name/iname-secrets-file.h"

#define DEFAULT_SOCKET "/run/itnexus/targetd.sock"
#define OBJECT_PATH "/org/itnexus/Target1"
#define INTERFACE "org.itnexus.Target1"
#define SECRET_ENV "ITN_CHAP_SECRET"
#define CALL_TIMEOUT_MS 30000

#define TARGET_USAGE \
	"itnctl [--json] target [--control PATH] COMMAND ...\n" \
	"  list | add IQN [--alias TEXT] [--portal-group TAG]... | remove IQN\n" \
	"  lun list IQN | lun add IQN file:PATH|mem:SIZE [--lun N] [--read-only] [--block-size N]\n" \
	"  lun remove IQN N\n" \
	"  acl list IQN | acl add IQN INITIATOR | acl remove IQN INITIATOR\n" \
	"  account list IQN|--discovery\n" \
	"  account add IQN|--discovery USER [--mutual] [--secret-file FILE | --secret-env NAME]\n" \
	"  account remove IQN|--discovery USER [--mutual]\n" \
	"  sessions | connections | limits [KEY=VALUE...] | reload"

enum {
	OPT_ALIAS = 1 << 0,
	OPT_GROUP = 1 << 1,
	OPT_LUN = 1 << 2,
	OPT_RO = 1 << 3,
	OPT_BLOCK = 1 << 4,
	OPT_SECRET = 1 << 5,
	OPT_MUTUAL = 1 << 6,
	OPT_DISCOVERY = 1 << 7,
};

typedef struct {
	const char *control;
	const char *args[8];
	int nargs;
	const char *alias, *secret_file, *secret_env;
	GArray *groups; /* guint16 */
	gint64 lun;
	guint32 block_size;
	gboolean read_only, mutual, discovery;
	GDBusConnection *conn;
} TargetCtx;

/* ---- talking to the daemon -------------------------------------------- */

static gboolean connect_daemon(TargetCtx *c, GError **error)
{
	const char *path = c->control ? c->control : DEFAULT_SOCKET;
	g_autofree char *escaped = g_dbus_address_escape_value(path);
	g_autofree char *address = g_strdup_printf("unix:path=%s", escaped);
	g_autoptr(GError) e = NULL;
	c->conn = g_dbus_connection_new_for_address_sync(address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &e);
	if (!c->conn) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "cannot reach itn-targetd at %s: %s", path, e->message);
		return FALSE;
	}
	return TRUE;
}

/* One method call; the reply or NULL with the daemon's message. */
static GVariant *call(TargetCtx *c, const char *method, GVariant *params, const char *reply_type,
		      GError **error)
{
	GVariant *r = g_dbus_connection_call_sync(c->conn, NULL, OBJECT_PATH, INTERFACE, method,
		params, reply_type ? G_VARIANT_TYPE(reply_type) : NULL, G_DBUS_CALL_FLAGS_NONE,
		CALL_TIMEOUT_MS, NULL, error);
	if (!r && error && *error)
		g_dbus_error_strip_remote_error(*error);
	return r;
}

/* ---- secrets ----------------------------------------------------------- */

/* The first line of a file only its owner may read (the rule the daemon
 * applies to its own secrets files). */
static char *read_secret_file(const char *path, GError **error)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int errsv = errno;
		if (fd >= 0)
			close(fd);
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv), "%s: %s", path,
			    g_strerror(errsv));
		return NULL;
	}
	if (!iname_secrets_file_check(path, &st, error)) {
		close(fd);
		return NULL;
	}
	if (st.st_size > 4096) {
		close(fd);
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: too large for a secret file (4096 bytes at most)",
			    path);
		return NULL;
	}
	char buf[4097];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, g_strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	char *s = g_strdup(buf);
	memset(buf, 0, sizeof buf);
	return s;
}

static char *get_secret(const TargetCtx *c, GError **error)
{
	if (c->secret_file)
		return read_secret_file(c->secret_file, error);
	const char *name = c->secret_env ? c->secret_env : SECRET_ENV;
	const char *v = g_getenv(name);
	if (!v || !*v) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
			    "no secret: set %s or use --secret-file FILE (secrets are not taken from the command line)",
			    name);
		return NULL;
	}
	return g_strdup(v);
}

static void secret_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		g_free(s);
	}
}

/* ---- output ----------------------------------------------------------- */

/* A column of a list: the dictionary key and its table header. */
typedef struct {
	const char *key, *header;
} Column;

static char *value_text(GVariant *v)
{
	if (!v)
		return NULL;
	if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
		return g_variant_dup_string(v, NULL);
	if (g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN))
		return g_strdup(g_variant_get_boolean(v) ? "yes" : "no");
	if (g_variant_is_of_type(v, G_VARIANT_TYPE("aq"))) {
		gsize n;
		const guint16 *a = g_variant_get_fixed_array(v, &n, sizeof(guint16));
		GString *s = g_string_new(NULL);
		for (gsize i = 0; i < n; i++)
			g_string_append_printf(s, "%s%u", i ? "," : "", a[i]);
		return g_string_free(s, FALSE);
	}
	return g_variant_print(v, FALSE);
}

static void json_value(CliJson *j, const char *key, GVariant *v)
{
	if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
		cli_json_string(j, key, g_variant_get_string(v, NULL));
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN))
		cli_json_bool(j, key, g_variant_get_boolean(v));
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT32))
		cli_json_int(j, key, g_variant_get_uint32(v));
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT16))
		cli_json_int(j, key, g_variant_get_uint16(v));
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE("aq"))) {
		gsize n;
		const guint16 *a = g_variant_get_fixed_array(v, &n, sizeof(guint16));
		cli_json_begin_array(j, key);
		for (gsize i = 0; i < n; i++)
			cli_json_int(j, NULL, a[i]);
		cli_json_end_array(j);
	} else {
		g_autofree char *s = g_variant_print(v, FALSE);
		cli_json_string(j, key, s);
	}
}

static void json_dict(CliJson *j, const char *key, GVariant *dict)
{
	GVariantIter it;
	const char *k;
	GVariant *v;
	cli_json_begin_object(j, key);
	g_variant_iter_init(&it, dict);
	while (g_variant_iter_loop(&it, "{&sv}", &k, &v))
		json_value(j, k, v);
	cli_json_end_object(j);
}

/* aa{sv} as a table of the given columns, or as {"NAME": [ {...}, ... ]}. */
static void print_list(GVariant *list, const char *name, const Column *cols, guint ncols)
{
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_begin_array(&j, name);
		for (gsize i = 0; i < g_variant_n_children(list); i++) {
			g_autoptr(GVariant) d = g_variant_get_child_value(list, i);
			json_dict(&j, NULL, d);
		}
		cli_json_end_array(&j);
		cli_json_end_object(&j);
		cli_json_print(&j);
		return;
	}
	if (g_variant_n_children(list) == 0) {
		printf("no %s\n", name);
		return;
	}
	/* cli_table takes its cells as varargs: build rows of up to 8. */
	g_assert(ncols <= 8);
	char *h[8] = { 0 };
	for (guint c = 0; c < ncols; c++)
		h[c] = (char *) cols[c].header;
	CliTable *t = cli_table_new(ncols, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
	for (gsize i = 0; i < g_variant_n_children(list); i++) {
		g_autoptr(GVariant) d = g_variant_get_child_value(list, i);
		char *cell[8] = { 0 };
		for (guint c = 0; c < ncols; c++) {
			g_autoptr(GVariant) v = g_variant_lookup_value(d, cols[c].key, NULL);
			cell[c] = value_text(v);
		}
		cli_table_add(t, cell[0], cell[1], cell[2], cell[3], cell[4], cell[5], cell[6], cell[7]);
		for (guint c = 0; c < ncols; c++)
			g_free(cell[c]);
	}
	cli_table_print(t);
}

/* What a change did, for people and for scripts. */
static int done(const char *what, const char *target, gint64 lun)
{
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_bool(&j, "ok", TRUE);
		cli_json_string(&j, "action", what);
		if (target)
			cli_json_string(&j, "target", target);
		if (lun >= 0)
			cli_json_int(&j, "lun", lun);
		cli_json_end_object(&j);
		cli_json_print(&j);
	} else if (lun >= 0) {
		printf("%s: LUN %" G_GINT64_FORMAT " of %s\n", what, lun, target);
	} else {
		printf("%s%s%s\n", what, target ? ": " : "", target ? target : "");
	}
	return CLI_EXIT_OK;
}

/* ---- commands --------------------------------------------------------- */

static int run_call(TargetCtx *c, const char *method, GVariant *params, const char *what,
		    const char *target)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = call(c, method, params, NULL, &error);
	if (!r)
		return cli_fail_error(error);
	return done(what, target, -1);
}

static int list_call(TargetCtx *c, const char *method, GVariant *params, const char *name,
		     const Column *cols, guint ncols)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = call(c, method, params, "(aa{sv})", &error);
	if (!r)
		return cli_fail_error(error);
	g_autoptr(GVariant) list = g_variant_get_child_value(r, 0);
	print_list(list, name, cols, ncols);
	return CLI_EXIT_OK;
}

static int cmd_list(TargetCtx *c)
{
	static const Column cols[] = {
		{ "name", "TARGET" }, { "alias", "ALIAS" }, { "luns", "LUNS" }, { "acls", "ACLS" },
		{ "accounts", "CHAP" }, { "mutual-chap", "MUTUAL" }, { "portal-groups", "TPGT" },
		{ "sessions", "SESSIONS" },
	};
	return list_call(c, "ListTargets", NULL, "targets", cols, G_N_ELEMENTS(cols));
}

static int cmd_add(TargetCtx *c)
{
	GVariantBuilder o;
	g_variant_builder_init(&o, G_VARIANT_TYPE("a{sv}"));
	if (c->alias)
		g_variant_builder_add(&o, "{sv}", "alias", g_variant_new_string(c->alias));
	if (c->groups->len)
		g_variant_builder_add(&o, "{sv}", "portal-groups",
			g_variant_new_fixed_array(G_VARIANT_TYPE_UINT16, c->groups->data,
						  c->groups->len, sizeof(guint16)));
	return run_call(c, "AddTarget", g_variant_new("(sa{sv})", c->args[0], &o), "added target",
			c->args[0]);
}

static int cmd_remove(TargetCtx *c)
{
	return run_call(c, "RemoveTarget", g_variant_new("(s)", c->args[0]), "removed target",
			c->args[0]);
}

static int cmd_lun_list(TargetCtx *c)
{
	static const Column cols[] = {
		{ "lun", "LUN" }, { "backstore", "BACKSTORE" }, { "read-only", "READ-ONLY" },
		{ "block-size", "BLOCK" },
	};
	return list_call(c, "ListLuns", g_variant_new("(s)", c->args[0]), "luns", cols,
			 G_N_ELEMENTS(cols));
}

static int cmd_lun_add(TargetCtx *c)
{
	GVariantBuilder o;
	g_variant_builder_init(&o, G_VARIANT_TYPE("a{sv}"));
	if (c->read_only)
		g_variant_builder_add(&o, "{sv}", "read-only", g_variant_new_boolean(TRUE));
	if (c->block_size)
		g_variant_builder_add(&o, "{sv}", "block-size", g_variant_new_uint32(c->block_size));
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = call(c, "AddLun", g_variant_new("(ssia{sv})", c->args[0], c->args[1],
		(gint32) c->lun, &o), "(u)", &error);
	if (!r)
		return cli_fail_error(error);
	guint32 lun;
	g_variant_get(r, "(u)", &lun);
	return done("added", c->args[0], lun);
}

static gboolean parse_number(const char *s, guint64 max, guint64 *out)
{
	char *end = NULL;
	if (!s || !g_ascii_isdigit(*s))
		return FALSE;
	errno = 0;
	guint64 v = g_ascii_strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return FALSE;
	*out = v;
	return TRUE;
}

static int cmd_lun_remove(TargetCtx *c)
{
	guint64 lun;
	if (!parse_number(c->args[1], G_MAXUINT32, &lun))
		return cli_usage(TARGET_USAGE, "'%s' is not a LUN number", c->args[1]);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = call(c, "RemoveLun", g_variant_new("(su)", c->args[0], (guint32) lun),
				     NULL, &error);
	if (!r)
		return cli_fail_error(error);
	return done("removed", c->args[0], (gint64) lun);
}

static int cmd_acl_list(TargetCtx *c)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = call(c, "ListAcls", g_variant_new("(s)", c->args[0]), "(as)", &error);
	if (!r)
		return cli_fail_error(error);
	g_autofree const char **names = NULL;
	g_variant_get(r, "(^a&s)", &names);
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_string(&j, "target", c->args[0]);
		cli_json_begin_array(&j, "initiators");
		for (guint i = 0; names[i]; i++)
			cli_json_string(&j, NULL, names[i]);
		cli_json_end_array(&j);
		cli_json_end_object(&j);
		cli_json_print(&j);
	} else if (!names[0]) {
		printf("no ACL: every initiator may log in to %s\n", c->args[0]);
	} else {
		for (guint i = 0; names[i]; i++)
			printf("%s\n", names[i]);
	}
	return CLI_EXIT_OK;
}

static int cmd_acl_add(TargetCtx *c)
{
	return run_call(c, "AddAcl", g_variant_new("(ss)", c->args[0], c->args[1]), "allowed",
			c->args[1]);
}

static int cmd_acl_remove(TargetCtx *c)
{
	return run_call(c, "RemoveAcl", g_variant_new("(ss)", c->args[0], c->args[1]), "disallowed",
			c->args[1]);
}

/* account commands: IQN USER, or --discovery USER. */
static int account_args(TargetCtx *c, int want, const char **target, const char **user)
{
	int need = c->discovery ? want - 1 : want;
	/* An extra word after USER is most likely a secret: say where secrets
	 * come from instead, without repeating it. */
	if (want == 2 && c->nargs > need)
		return cli_usage(TARGET_USAGE, "account: too many arguments; secrets are never taken from the "
				 "command line (use --secret-file FILE or %s)", SECRET_ENV);
	if (c->nargs != need)
		return cli_usage(TARGET_USAGE, "account: expected %s", want == 1 ? "IQN or --discovery"
				 : "IQN USER or --discovery USER");
	*target = c->discovery ? "" : c->args[0];
	*user = want == 2 ? c->args[need - 1] : NULL;
	return CLI_EXIT_OK;
}

static int cmd_account_list(TargetCtx *c)
{
	static const Column cols[] = { { "user", "USER" }, { "kind", "KIND" } };
	const char *target = NULL, *user = NULL;
	int rc = account_args(c, 1, &target, &user);
	if (rc != CLI_EXIT_OK)
		return rc;
	return list_call(c, "ListAccounts", g_variant_new("(s)", target), "accounts", cols,
			 G_N_ELEMENTS(cols));
}

static int cmd_account_add(TargetCtx *c)
{
	const char *target = NULL, *user = NULL;
	int rc = account_args(c, 2, &target, &user);
	if (rc != CLI_EXIT_OK)
		return rc;
	g_autoptr(GError) error = NULL;
	char *secret = get_secret(c, &error);
	if (!secret)
		return cli_fail_error(error);
	g_autoptr(GVariant) r = call(c, "AddAccount", g_variant_new("(ssss)", target,
		c->mutual ? "mutual-chap" : "chap", user, secret), NULL, &error);
	secret_free(secret);
	if (!r)
		return cli_fail_error(error);
	return done(c->mutual ? "added mutual-chap account" : "added chap account", user, -1);
}

static int cmd_account_remove(TargetCtx *c)
{
	const char *target = NULL, *user = NULL;
	int rc = account_args(c, 2, &target, &user);
	if (rc != CLI_EXIT_OK)
		return rc;
	return run_call(c, "RemoveAccount", g_variant_new("(sss)", target,
		c->mutual ? "mutual-chap" : "chap", user), "removed account", user);
}

static int cmd_sessions(TargetCtx *c)
{
	static const Column cols[] = {
		{ "target", "TARGET" }, { "initiator", "INITIATOR" }, { "isid", "ISID" },
		{ "tsih", "TSIH" }, { "tpgt", "TPGT" }, { "connections", "CONNS" },
	};
	return list_call(c, "ListSessions", NULL, "sessions", cols, G_N_ELEMENTS(cols));
}

static int cmd_connections(TargetCtx *c)
{
	static const Column cols[] = {
		{ "target", "TARGET" }, { "initiator", "INITIATOR" }, { "tsih", "TSIH" }, { "cid", "CID" },
		{ "peer", "PEER" }, { "local", "LOCAL" }, { "header-digest", "HDIGEST" },
		{ "data-digest", "DDIGEST" },
	};
	return list_call(c, "ListConnections", NULL, "connections", cols, G_N_ELEMENTS(cols));
}

/* limits: show all, or set KEY=VALUE (numbers, or true/false). */
static int cmd_limits(TargetCtx *c)
{
	g_autoptr(GError) error = NULL;
	if (c->nargs > 0) {
		GVariantBuilder b;
		g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
		for (int i = 0; i < c->nargs; i++) {
			const char *eq = strchr(c->args[i], '=');
			guint64 v;
			if (!eq || eq == c->args[i]) {
				g_variant_builder_clear(&b);
				return cli_usage(TARGET_USAGE, "limits: expected KEY=VALUE, got '%s'", c->args[i]);
			}
			g_autofree char *key = g_strndup(c->args[i], (gsize) (eq - c->args[i]));
			if (strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "false") == 0) {
				g_variant_builder_add(&b, "{sv}", key, g_variant_new_boolean(eq[1] == 't'));
			} else if (parse_number(eq + 1, G_MAXUINT32, &v)) {
				g_variant_builder_add(&b, "{sv}", key, g_variant_new_uint32((guint32) v));
			} else {
				g_variant_builder_clear(&b);
				return cli_usage(TARGET_USAGE, "limits: %s: expected a number, true or false", key);
			}
		}
		g_autoptr(GVariant) r = call(c, "SetLimits", g_variant_new("(a{sv})", &b), NULL, &error);
		if (!r)
			return cli_fail_error(error);
	}
	g_autoptr(GVariant) r = call(c, "GetLimits", NULL, "(a{sv})", &error);
	if (!r)
		return cli_fail_error(error);
	g_autoptr(GVariant) d = g_variant_get_child_value(r, 0);
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		json_dict(&j, NULL, d);
		cli_json_print(&j);
		return CLI_EXIT_OK;
	}
	CliTable *t = cli_table_new(2, "LIMIT", "VALUE");
	GVariantIter it;
	const char *k;
	GVariant *v;
	g_variant_iter_init(&it, d);
	while (g_variant_iter_loop(&it, "{&sv}", &k, &v)) {
		g_autofree char *s = value_text(v);
		cli_table_add(t, k, s);
	}
	cli_table_print(t);
	return CLI_EXIT_OK;
}

static int cmd_reload(TargetCtx *c)
{
	return run_call(c, "Reload", NULL, "reloaded", NULL);
}

/* ---- dispatch --------------------------------------------------------- */

typedef struct {
	const char *group, *verb; /* "lun", "add"; group NULL for top-level */
	int nargs;                /* positional arguments; -1: any number */
	guint opts;
	int (*run)(TargetCtx *c);
	const char *help;
} TargetSub;

static const TargetSub subs[] = {
	{ NULL, "list", 0, 0, cmd_list, "targets, with LUN, ACL, CHAP and session counts" },
	{ NULL, "add", 1, OPT_ALIAS | OPT_GROUP, cmd_add, "add a target (IQN)" },
	{ NULL, "remove", 1, 0, cmd_remove, "remove a target; its sessions are closed" },
	{ "lun", "list", 1, 0, cmd_lun_list, "LUNs of a target" },
	{ "lun", "add", 2, OPT_LUN | OPT_RO | OPT_BLOCK, cmd_lun_add,
	  "add a LUN (lowest free number unless --lun N)" },
	{ "lun", "remove", 2, 0, cmd_lun_remove, "remove LUN N" },
	{ "acl", "list", 1, 0, cmd_acl_list, "initiators allowed (none listed: everyone)" },
	{ "acl", "add", 2, 0, cmd_acl_add, "allow an initiator" },
	{ "acl", "remove", 2, 0, cmd_acl_remove, "stop allowing an initiator" },
	{ "account", "list", -1, OPT_DISCOVERY, cmd_account_list, "CHAP accounts (never secrets)" },
	{ "account", "add", -1, OPT_DISCOVERY | OPT_MUTUAL | OPT_SECRET, cmd_account_add,
	  "add or replace a CHAP account" },
	{ "account", "remove", -1, OPT_DISCOVERY | OPT_MUTUAL, cmd_account_remove, "remove a CHAP account" },
	{ NULL, "sessions", 0, 0, cmd_sessions, "sessions on the target" },
	{ NULL, "connections", 0, 0, cmd_connections, "connections of every session" },
	{ NULL, "limits", -1, 0, cmd_limits, "show limits, or set KEY=VALUE..." },
	{ NULL, "reload", 0, 0, cmd_reload, "re-read the configuration file (like SIGHUP)" },
};

static void print_help(void)
{
	printf("usage: %s\n\nCommands:\n", TARGET_USAGE);
	for (guint i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autofree char *words = g_strdup_printf("%s%s%s", subs[i].group ? subs[i].group : "",
							 subs[i].group ? " " : "", subs[i].verb);
		printf("  %-16s %s\n", words, subs[i].help);
	}
	printf("\nOptions:\n"
	       "  --control PATH       the daemon's control socket (default %s)\n"
	       "  --secret-file FILE   read the CHAP secret from FILE (mode 0600)\n"
	       "  --secret-env NAME    read it from the environment variable NAME (default %s)\n"
	       "  --json               print JSON\n", DEFAULT_SOCKET, SECRET_ENV);
}

static const struct {
	const char *name;
	guint opt;
	gboolean has_value;
} options[] = {
	{ "--alias", OPT_ALIAS, TRUE },
	{ "--portal-group", OPT_GROUP, TRUE },
	{ "--lun", OPT_LUN, TRUE },
	{ "--read-only", OPT_RO, FALSE },
	{ "--block-size", OPT_BLOCK, TRUE },
	{ "--secret-file", OPT_SECRET, TRUE },
	{ "--secret-env", OPT_SECRET, TRUE },
	{ "--mutual", OPT_MUTUAL, FALSE },
	{ "--discovery", OPT_DISCOVERY, FALSE },
};

static int set_option(TargetCtx *c, const char *name, const char *value)
{
	guint64 v;
	if (strcmp(name, "--alias") == 0)
		c->alias = value;
	else if (strcmp(name, "--secret-file") == 0)
		c->secret_file = value;
	else if (strcmp(name, "--secret-env") == 0)
		c->secret_env = value;
	else if (strcmp(name, "--read-only") == 0)
		c->read_only = TRUE;
	else if (strcmp(name, "--mutual") == 0)
		c->mutual = TRUE;
	else if (strcmp(name, "--discovery") == 0)
		c->discovery = TRUE;
	else if (strcmp(name, "--portal-group") == 0) {
		if (!parse_number(value, 65535, &v))
			return cli_usage(TARGET_USAGE, "--portal-group: '%s' is not a tag 0..65535", value);
		guint16 tag = (guint16) v;
		g_array_append_val(c->groups, tag);
	} else if (strcmp(name, "--lun") == 0) {
		if (!parse_number(value, 16383, &v))
			return cli_usage(TARGET_USAGE, "--lun: '%s' is not a LUN 0..16383", value);
		c->lun = (gint64) v;
	} else if (strcmp(name, "--block-size") == 0) {
		if (!parse_number(value, 4096, &v))
			return cli_usage(TARGET_USAGE, "--block-size: '%s' is not 512, 1024, 2048 or 4096", value);
		c->block_size = (guint32) v;
	}
	return CLI_EXIT_OK;
}

static int run(int argc, char **argv, TargetCtx *c)
{
	/* Command words first (after --control), then arguments and options
	 * in any order. */
	int i = 1;
	const char *words[2] = { NULL, NULL };
	int nwords = 0;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help();
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "--control") == 0) {
			if (i + 1 >= argc)
				return cli_usage(TARGET_USAGE, "--control needs a value");
			c->control = argv[++i];
			continue;
		}
		if (argv[i][0] == '-')
			break;
		words[nwords++] = argv[i];
		if (nwords == 2 || !(strcmp(words[0], "lun") == 0 || strcmp(words[0], "acl") == 0 ||
				     strcmp(words[0], "account") == 0)) {
			i++;
			break;
		}
	}
	if (nwords == 0)
		return cli_usage(TARGET_USAGE, "target: which command?");
	const TargetSub *sub = NULL;
	for (guint s = 0; s < G_N_ELEMENTS(subs); s++) {
		gboolean grouped = subs[s].group != NULL;
		if (grouped && nwords == 2 && strcmp(subs[s].group, words[0]) == 0 &&
		    strcmp(subs[s].verb, words[1]) == 0)
			sub = &subs[s];
		if (!grouped && nwords == 1 && strcmp(subs[s].verb, words[0]) == 0)
			sub = &subs[s];
	}
	if (!sub)
		return cli_usage(TARGET_USAGE, "unknown target command '%s%s%s'", words[0],
				 words[1] ? " " : "", words[1] ? words[1] : "");
	for (; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--json") == 0)
			continue;
		if (strcmp(s, "--control") == 0 && i + 1 < argc) {
			c->control = argv[++i];
			continue;
		}
		if (s[0] == '-' && s[1] == '-') {
			guint k = 0;
			while (k < G_N_ELEMENTS(options) && strcmp(options[k].name, s) != 0)
				k++;
			if (k == G_N_ELEMENTS(options) || !(sub->opts & options[k].opt))
				return cli_usage(TARGET_USAGE, "option '%s' does not apply here", s);
			if (options[k].has_value && i + 1 >= argc)
				return cli_usage(TARGET_USAGE, "%s needs a value", s);
			int rc = set_option(c, s, options[k].has_value ? argv[++i] : NULL);
			if (rc != CLI_EXIT_OK)
				return rc;
			continue;
		}
		if (c->nargs == (int) G_N_ELEMENTS(c->args))
			return cli_usage(TARGET_USAGE, "too many arguments");
		c->args[c->nargs++] = s;
	}
	if (sub->nargs >= 0 && c->nargs != sub->nargs)
		return cli_usage(TARGET_USAGE, "target %s%s%s: expected %d argument%s, got %d",
				 sub->group ? sub->group : "", sub->group ? " " : "", sub->verb,
				 sub->nargs, sub->nargs == 1 ? "" : "s", c->nargs);
	g_autoptr(GError) error = NULL;
	if (!connect_daemon(c, &error))
		return cli_fail_error(error);
	return sub->run(c);
}

int cli_cmd_target(int argc, char **argv)
{
	TargetCtx c = { .lun = -1, .groups = g_array_new(FALSE, FALSE, sizeof(guint16)) };
	int rc = run(argc, argv, &c);
	g_array_unref(c.groups);
	g_clear_object(&c.conn);
	return rc;
}
