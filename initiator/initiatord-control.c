/* The control API of itn-initiatord: D-Bus interface org.itnexus.Initiator1
 * served peer-to-peer on a Unix socket (--control PATH, mode 0660), so no
 * bus daemon is needed.  Methods: Discover, Login, Logout, ListSessions,
 * ListConnections, ListLuns.  Secrets never travel back out. */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "initiatord.h"
#include "itni-private.h"
#include "libiscsi-name/iname.h"

#define OBJECT_PATH "/org/itnexus/Initiator1"
#define INTERFACE "org.itnexus.Initiator1"

static const char introspection[] =
	"<node>"
	" <interface name='org.itnexus.Initiator1'>"
	"  <method name='Discover'><arg name='url' type='s'/>"
	"   <arg name='targets' type='a(sas)' direction='out'/></method>"
	"  <method name='Login'><arg name='url' type='s'/><arg name='connections' type='u'/>"
	"   <arg name='session' type='s' direction='out'/></method>"
	"  <method name='Logout'><arg name='session' type='s'/></method>"
	"  <method name='ListSessions'>"
	"   <arg name='sessions' type='a(sssqsuus)' direction='out'/></method>"
	"  <method name='ListConnections'><arg name='session' type='s'/>"
	"   <arg name='connections' type='a(qbsstt)' direction='out'/></method>"
	"  <method name='ListLuns'><arg name='luns' type='a(stts)' direction='out'/></method>"
	"  <method name='ListNodes'><arg name='nodes' type='a(ssbuubb)' direction='out'/></method>"
	"  <method name='SetNode'><arg name='target' type='s'/><arg name='key' type='s'/>"
	"   <arg name='value' type='s'/></method>"
	" </interface>"
	"</node>";

struct ItndControl {
	ItndDaemon *d;
	GDBusServer *server;
	GDBusNodeInfo *info;
	char *path;
};

/* Session id: "<target>,<isid>" (the I_T nexus, RFC 7143 sec. 4.4). */
static char *session_id(ItniSession *s)
{
	return g_strdup_printf("%s,%s", itni_config_get_target(itni_session_get_config(s)), itni_session_get_isid(s));
}

/* Find a live session by id; returns the node and index (d->lock held). */
static ItndNode *find_session(ItndDaemon *d, const char *id, guint *index)
{
	for (guint i = 0; i < d->nodes->len; i++) {
		ItndNode *n = d->nodes->pdata[i];
		for (guint k = 0; k < n->live->len; k++) {
			g_autofree char *sid = session_id(n->live->pdata[k]);
			if (strcmp(sid, id) == 0) {
				*index = k;
				return n;
			}
		}
	}
	return NULL;
}

static GVariant *list_sessions(ItndDaemon *d)
{
	GVariantBuilder b;
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(sssqsuus)"));
	g_mutex_lock(&d->lock);
	for (guint i = 0; i < d->nodes->len; i++) {
		ItndNode *n = d->nodes->pdata[i];
		for (guint k = 0; k < n->live->len; k++) {
			ItniSession *s = n->live->pdata[k];
			const ItniConfig *c = itni_session_get_config(s);
			g_autofree char *id = session_id(s);
			g_autofree char *portal = g_strdup_printf(strchr(itni_config_get_host(c), ':') ? "[%s]:%u" : "%s:%u",
								  itni_config_get_host(c), itni_config_get_port(c));
			g_variant_builder_add(&b, "(sssqsuus)", id, itni_config_get_target(c), portal,
					      itni_session_get_tsih(s), itni_session_state_name(itni_session_get_state(s)),
					      itni_session_get_n_connections(s), itni_session_get_recoveries(s), n->origin);
		}
	}
	g_mutex_unlock(&d->lock);
	return g_variant_new("(a(sssqsuus))", &b);
}

static GVariant *list_connections(ItndDaemon *d, const char *id, GError **error)
{
	g_mutex_lock(&d->lock);
	guint k;
	ItndNode *n = find_session(d, id, &k);
	if (!n) {
		g_mutex_unlock(&d->lock);
		g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "no session %s", id);
		return NULL;
	}
	ItniConnectionInfo ci[ITNI_MAX_CONNECTIONS];
	guint nc = MIN(itni_session_get_connections(n->live->pdata[k], ci, G_N_ELEMENTS(ci)), G_N_ELEMENTS(ci));
	g_mutex_unlock(&d->lock);
	GVariantBuilder b;
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(qbsstt)"));
	for (guint i = 0; i < nc; i++)
		g_variant_builder_add(&b, "(qbsstt)", ci[i].cid, ci[i].logged_in, ci[i].local, ci[i].remote,
				      ci[i].commands, ci[i].bytes_in + ci[i].bytes_out);
	return g_variant_new("(a(qbsstt))", &b);
}

/* New targets from a discovery become records (auto-connect off); records
 * that exist are left exactly as they are. */
static void merge_discovered(ItndDaemon *d, GPtrArray *targets)
{
	gboolean changed = FALSE;
	g_mutex_lock(&d->lock);
	for (guint i = 0; i < targets->len; i++) {
		ItniDiscoveredTarget *t = targets->pdata[i];
		INameTargetAddress a;
		if (!t->addresses->len || !iname_target_address_parse(t->addresses->pdata[0], 3260, &a, NULL))
			continue;
		g_autofree char *portal = g_strdup_printf(strchr(a.host, ':') ? "[%s]:%u" : "%s:%u", a.host, a.port);
		iname_target_address_clear(&a);
		changed |= itnd_records_add_discovered(d->records, t->name, portal);
	}
	GError *e = NULL;
	if (changed && !itnd_records_save(d->records, &e)) {
		g_warning("cannot save the node records: %s", e->message);
		g_error_free(e);
	}
	g_mutex_unlock(&d->lock);
}

static GVariant *list_nodes(ItndDaemon *d)
{
	GVariantBuilder b;
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssbuubb)"));
	g_mutex_lock(&d->lock);
	for (guint i = 0; i < d->records->records->len; i++) {
		ItndRecord *r = d->records->records->pdata[i];
		g_variant_builder_add(&b, "(ssbuubb)", r->target, r->portal, r->secrets != NULL, r->connections,
				      r->sessions, r->auto_connect, r->discovered);
	}
	g_mutex_unlock(&d->lock);
	return g_variant_new("(a(ssbuubb))", &b);
}

static void set_node(ItndDaemon *d, GDBusMethodInvocation *inv, GVariant *params)
{
	const char *target, *key, *value;
	g_variant_get(params, "(&s&s&s)", &target, &key, &value);
	GError *e = NULL;
	g_mutex_lock(&d->lock);
	ItndRecord *r = itnd_records_find(d->records, target);
	gboolean ok = r != NULL;
	if (!r)
		g_set_error(&e, ITNI_ERROR, ITNI_ERROR_NOT_FOUND, "no node record for %s", target);
	/* A user's edit makes the record the user's. */
	if (ok && (ok = itnd_record_set(r, key, value, &e)))
		r->discovered = FALSE;
	if (ok)
		ok = itnd_records_save(d->records, &e);
	g_mutex_unlock(&d->lock);
	if (ok)
		g_dbus_method_invocation_return_value(inv, NULL);
	else
		g_dbus_method_invocation_return_error_literal(inv, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, e->message);
	g_clear_error(&e);
}

typedef struct {
	ItndDaemon *d;
	GDBusMethodInvocation *inv;
	char *url;
	guint connections;
	gboolean discover;
} Work;

/* Login and Discover block on the network: run them on a thread and
 * answer from there (a method invocation may be returned from any thread). */
static gpointer work_thread(gpointer data)
{
	Work *w = data;
	GError *e = NULL;
	ItniConfig *cfg = itni_config_new();
	if (!itni_config_set_url(cfg, w->url, &e))
		goto fail;
	itni_config_apply_environment(cfg);
	if (w->discover) {
		g_autoptr(GPtrArray) ts = itni_discover_sync(w->d->ctx, cfg, &e);
		if (!ts)
			goto fail;
		GVariantBuilder b;
		g_variant_builder_init(&b, G_VARIANT_TYPE("a(sas)"));
		for (guint i = 0; i < ts->len; i++) {
			ItniDiscoveredTarget *t = ts->pdata[i];
			g_ptr_array_add(t->addresses, NULL);
			g_variant_builder_add(&b, "(s^as)", t->name, (char **) t->addresses->pdata);
			g_ptr_array_remove_index(t->addresses, t->addresses->len - 1);
		}
		/* Records first, so a caller sees them once it has the answer. */
		merge_discovered(w->d, ts);
		g_dbus_method_invocation_return_value(w->inv, g_variant_new("(a(sas))", &b));
		itni_config_free(cfg);
	} else {
		if (!itni_config_get_target(cfg)) {
			g_set_error(&e, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "the URL names no target");
			goto fail;
		}
		if (w->connections)
			itni_config_set_connections(cfg, w->connections);
		ItndNode *n = itnd_node_new(w->d, cfg, 1, TRUE);
		n->origin = "control";
		cfg = NULL;
		ItniSession *s = itnd_node_login_once(n, &e);
		if (!s) {
			itnd_node_free(n);
			goto fail;
		}
		g_mutex_lock(&w->d->lock);
		g_ptr_array_add(w->d->nodes, n);
		g_mutex_unlock(&w->d->lock);
		g_autofree char *id = session_id(s);
		g_dbus_method_invocation_return_value(w->inv, g_variant_new("(s)", id));
	}
	goto out;
fail:
	itni_config_free(cfg);
	/* Our messages carry no secrets (itni errors never quote them). */
	g_dbus_method_invocation_return_error_literal(w->inv, G_DBUS_ERROR, G_DBUS_ERROR_FAILED, e->message);
	g_error_free(e);
out:
	g_free(w->url);
	g_free(w);
	return NULL;
}

static void logout(ItndDaemon *d, GDBusMethodInvocation *inv, const char *id)
{
	g_mutex_lock(&d->lock);
	guint k;
	ItndNode *n = find_session(d, id, &k);
	ItniSession *s = n ? g_ptr_array_steal_index(n->live, k) : NULL;
	gboolean empty = n && n->live->len == 0;
	if (empty)
		g_ptr_array_remove(d->nodes, n);
	g_mutex_unlock(&d->lock);
	if (!s) {
		g_dbus_method_invocation_return_error(inv, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "no session %s", id);
		return;
	}
	if (d->fuse)
		itnd_fuse_remove_session(d->fuse, s);
	itni_session_free(s);
	if (empty)
		itnd_node_free(n);
	g_dbus_method_invocation_return_value(inv, NULL);
}

static void method_call(GDBusConnection *conn, const char *sender, const char *path, const char *iface,
			const char *method, GVariant *params, GDBusMethodInvocation *inv, gpointer data)
{
	ItndDaemon *d = data;
	GError *e = NULL;
	if (strcmp(method, "ListSessions") == 0) {
		g_dbus_method_invocation_return_value(inv, list_sessions(d));
	} else if (strcmp(method, "ListConnections") == 0) {
		const char *id;
		g_variant_get(params, "(&s)", &id);
		GVariant *v = list_connections(d, id, &e);
		if (v)
			g_dbus_method_invocation_return_value(inv, v);
		else
			g_dbus_method_invocation_take_error(inv, e);
	} else if (strcmp(method, "ListLuns") == 0) {
		g_dbus_method_invocation_return_value(inv, d->fuse ? itnd_fuse_list(d->fuse)
								   : g_variant_new("(a(stts))", NULL));
	} else if (strcmp(method, "ListNodes") == 0) {
		g_dbus_method_invocation_return_value(inv, list_nodes(d));
	} else if (strcmp(method, "SetNode") == 0) {
		set_node(d, inv, params);
	} else if (strcmp(method, "Logout") == 0) {
		const char *id;
		g_variant_get(params, "(&s)", &id);
		logout(d, inv, id);
	} else {
		Work *w = g_new0(Work, 1);
		w->d = d;
		w->inv = inv;
		w->discover = strcmp(method, "Discover") == 0;
		if (w->discover)
			g_variant_get(params, "(s)", &w->url);
		else
			g_variant_get(params, "(su)", &w->url, &w->connections);
		g_thread_unref(g_thread_new("itnd-control", work_thread, w));
	}
}

static const GDBusInterfaceVTable vtable = { .method_call = method_call };

static gboolean new_connection(GDBusServer *server, GDBusConnection *conn, gpointer data)
{
	ItndControl *c = data;
	GError *e = NULL;
	if (!g_dbus_connection_register_object(conn, OBJECT_PATH, c->info->interfaces[0], &vtable, c->d, NULL, &e)) {
		g_warning("control: %s", e->message);
		g_error_free(e);
		return FALSE;
	}
	g_object_ref(conn);
	g_signal_connect(conn, "closed", G_CALLBACK(g_object_unref), NULL);
	return TRUE;
}

/* Only the socket's owner and group may connect (file mode 0660);
 * credentials are checked by the kernel on connect(). */
static gboolean allow_peer(GDBusAuthObserver *obs, GIOStream *stream, GCredentials *cred, gpointer data)
{
	return TRUE;
}

ItndControl *itnd_control_new(ItndDaemon *d, const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot create %s: %s", dir, g_strerror(errno));
		return NULL;
	}
	g_unlink(path);
	ItndControl *c = g_new0(ItndControl, 1);
	c->d = d;
	c->path = g_strdup(path);
	c->info = g_dbus_node_info_new_for_xml(introspection, error);
	g_autofree char *guid = g_dbus_generate_guid();
	g_autofree char *address = g_strdup_printf("unix:path=%s", path);
	GDBusAuthObserver *obs = g_dbus_auth_observer_new();
	g_signal_connect(obs, "authorize-authenticated-peer", G_CALLBACK(allow_peer), NULL);
	c->server = c->info ? g_dbus_server_new_sync(address, G_DBUS_SERVER_FLAGS_NONE, guid, obs, NULL, error) : NULL;
	g_object_unref(obs);
	if (!c->server) {
		itnd_control_free(c);
		return NULL;
	}
	g_signal_connect(c->server, "new-connection", G_CALLBACK(new_connection), c);
	g_dbus_server_start(c->server);
	chmod(path, 0660);
	return c;
}

void itnd_control_free(ItndControl *c)
{
	if (!c)
		return;
	if (c->server) {
		g_dbus_server_stop(c->server);
		g_object_unref(c->server);
		g_unlink(c->path);
	}
	if (c->info)
		g_dbus_node_info_unref(c->info);
	g_free(c->path);
	g_free(c);
}
