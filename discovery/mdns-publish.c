/* DNS-SD publishing through avahi-client on a GLib main context
 * (mdns-publish.h). */
#include "config.h"

#include <string.h>

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-glib/glib-watch.h>

#include "discovery/mdns-publish.h"

/* RFC 6763 sec. 4.1.1: an instance name is at most 63 bytes of UTF-8. */
#define INSTANCE_MAX 63
/* Seconds between attempts to reach a system bus that is not there (with
 * the bus up, avahi-client itself waits for the daemon to appear). */
#define RECONNECT_SECONDS 5
/* Renames tried at once for a name another service on this host holds. */
#define LOCAL_RENAMES 16

typedef struct {
	IDiscMdnsPublisher *owner;
	IDiscMdnsKind kind;
	char *wanted;     /* the name asked for */
	char *name;       /* the name in use (after collisions) */
	guint16 port;
	int ifindex;      /* AVAHI_IF_UNSPEC or one interface */
	char **txt;       /* key=value strings */
	AvahiEntryGroup *group;
} Service;

struct IDiscMdnsPublisher {
	GMainContext *context;
	AvahiGLibPoll *poll;
	AvahiClient *client;
	GPtrArray *services; /* of Service* */
	GSource *reconnect;
	gboolean waiting_reported;
	IDiscMdnsPublishFunc func;
	gpointer data;
};

static void client_cb(AvahiClient *c, AvahiClientState state, void *userdata);

static void report(IDiscMdnsPublisher *p, IDiscMdnsPublishEvent ev, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void report(IDiscMdnsPublisher *p, IDiscMdnsPublishEvent ev, const char *fmt, ...)
{
	if (!p->func)
		return;
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	p->func(ev, msg, p->data);
}

static void service_withdraw(Service *s)
{
	/* Freeing an entry group withdraws its records (goodbye packets,
	 * RFC 6762 sec. 10.1). */
	g_clear_pointer(&s->group, avahi_entry_group_free);
	g_free(s->name);
	s->name = g_strdup(s->wanted);
}

static void service_free(Service *s)
{
	service_withdraw(s);
	g_free(s->wanted);
	g_free(s->name);
	g_strfreev(s->txt);
	g_free(s);
}

static void service_publish(Service *s);

static void rename_service(Service *s)
{
	char *alt = avahi_alternative_service_name(s->name);
	report(s->owner, IDISC_MDNS_PUBLISH_RENAMED, "'%s' is taken, now '%s'", s->name, alt);
	g_free(s->name);
	s->name = g_strdup(alt);
	avahi_free(alt);
}

static void group_cb(AvahiEntryGroup *g, AvahiEntryGroupState state, void *userdata)
{
	Service *s = userdata;
	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		report(s->owner, IDISC_MDNS_PUBLISH_ESTABLISHED, "%s.%s port %u", s->name,
		       idisc_mdns_kind_type(s->kind), s->port);
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		/* Another host announced our name while we probed (RFC 6762
		 * sec. 8.1): take the next alternative and announce again. */
		rename_service(s);
		avahi_entry_group_reset(g);
		service_publish(s);
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		report(s->owner, IDISC_MDNS_PUBLISH_FAILED, "%s: %s", s->name,
		       avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(g))));
		break;
	default:
		break;
	}
}

static void service_publish(Service *s)
{
	AvahiClient *c = s->owner->client;
	if (!c || avahi_client_get_state(c) != AVAHI_CLIENT_S_RUNNING)
		return;
	if (!s->group && !(s->group = avahi_entry_group_new(c, group_cb, s))) {
		report(s->owner, IDISC_MDNS_PUBLISH_FAILED, "%s: %s", s->name,
		       avahi_strerror(avahi_client_errno(c)));
		return;
	}
	if (!avahi_entry_group_is_empty(s->group))
		return;
	AvahiStringList *txt = avahi_string_list_new_from_array((const char **) s->txt, -1);
	int r = AVAHI_ERR_COLLISION;
	for (int i = 0; i < LOCAL_RENAMES && r == AVAHI_ERR_COLLISION; i++) {
		r = avahi_entry_group_add_service_strlst(s->group, s->ifindex, AVAHI_PROTO_UNSPEC, 0, s->name,
							 idisc_mdns_kind_type(s->kind), NULL, NULL, s->port, txt);
		/* A service of this host already holds the name. */
		if (r == AVAHI_ERR_COLLISION)
			rename_service(s);
	}
	avahi_string_list_free(txt);
	if (r >= 0)
		r = avahi_entry_group_commit(s->group);
	if (r < 0)
		report(s->owner, IDISC_MDNS_PUBLISH_FAILED, "%s: %s", s->name, avahi_strerror(r));
}

static void publish_all(IDiscMdnsPublisher *p)
{
	for (guint i = 0; i < p->services->len; i++)
		service_publish(p->services->pdata[i]);
}

static void withdraw_all(IDiscMdnsPublisher *p)
{
	for (guint i = 0; i < p->services->len; i++)
		service_withdraw(p->services->pdata[i]);
}

static void drop_client(IDiscMdnsPublisher *p)
{
	withdraw_all(p);
	g_clear_pointer(&p->client, avahi_client_free);
}

static gboolean reconnect_cb(gpointer data);

static void schedule_reconnect(IDiscMdnsPublisher *p, guint seconds)
{
	if (p->reconnect)
		return;
	p->reconnect = seconds ? g_timeout_source_new_seconds(seconds) : g_idle_source_new();
	g_source_set_callback(p->reconnect, reconnect_cb, p, NULL);
	g_source_attach(p->reconnect, p->context);
}

static void connect_client(IDiscMdnsPublisher *p)
{
	int err = 0;
	/* NO_FAIL: without the daemon the client waits in CONNECTING and
	 * continues when avahi-daemon claims its bus name. */
	AvahiClient *c = avahi_client_new(avahi_glib_poll_get(p->poll), AVAHI_CLIENT_NO_FAIL, client_cb, p, &err);
	if (!c) {
		/* Said once, not at every retry. */
		if (!p->waiting_reported)
			report(p, IDISC_MDNS_PUBLISH_WAITING, "cannot reach avahi-daemon: %s (retrying every %d s)",
			       avahi_strerror(err), RECONNECT_SECONDS);
		p->waiting_reported = TRUE;
		schedule_reconnect(p, RECONNECT_SECONDS);
		return;
	}
	p->client = c;
	if (avahi_client_get_state(c) == AVAHI_CLIENT_S_RUNNING)
		publish_all(p);
}

static gboolean reconnect_cb(gpointer data)
{
	IDiscMdnsPublisher *p = data;
	g_source_unref(p->reconnect);
	p->reconnect = NULL;
	drop_client(p);
	connect_client(p);
	return G_SOURCE_REMOVE;
}

static void client_cb(AvahiClient *c, AvahiClientState state, void *userdata)
{
	IDiscMdnsPublisher *p = userdata;
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		p->waiting_reported = FALSE;
		/* Called from inside avahi_client_new() before p->client is set;
		 * connect_client() publishes then. */
		if (p->client)
			publish_all(p);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		/* The host name changes: our records name it, so withdraw and
		 * announce again once the server runs. */
		if (p->client)
			withdraw_all(p);
		break;
	case AVAHI_CLIENT_CONNECTING:
		if (!p->waiting_reported)
			report(p, IDISC_MDNS_PUBLISH_WAITING,
			       "avahi-daemon is not running; publishing when it starts");
		p->waiting_reported = TRUE;
		break;
	case AVAHI_CLIENT_FAILURE:
		/* The daemon went away (or restarted): this client is dead; a new
		 * one waits for the daemon.  Not freed inside its own callback. */
		report(p, IDISC_MDNS_PUBLISH_WAITING, "lost avahi-daemon: %s; publishing when it is back",
		       avahi_strerror(avahi_client_errno(c)));
		p->waiting_reported = TRUE;
		schedule_reconnect(p, avahi_client_errno(c) == AVAHI_ERR_DISCONNECTED ? 0 : RECONNECT_SECONDS);
		break;
	}
}

IDiscMdnsPublisher *idisc_mdns_publisher_new(GMainContext *context, IDiscMdnsPublishFunc func, gpointer data)
{
	IDiscMdnsPublisher *p = g_new0(IDiscMdnsPublisher, 1);
	p->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
	p->poll = avahi_glib_poll_new(p->context, G_PRIORITY_DEFAULT);
	p->services = g_ptr_array_new_with_free_func((GDestroyNotify) service_free);
	p->func = func;
	p->data = data;
	connect_client(p);
	return p;
}

/* The first 63 bytes of name, cut at a character boundary. */
static char *instance_name(const char *name, GError **error)
{
	if (!name || !*name || !g_utf8_validate(name, -1, NULL)) {
		g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID, "mDNS: a service needs a UTF-8 instance name");
		return NULL;
	}
	const char *end = name;
	while (*end) {
		const char *next = g_utf8_next_char(end);
		if (next - name > INSTANCE_MAX)
			break;
		end = next;
	}
	return g_strndup(name, (gsize) (end - name));
}

static gboolean same_service(const Service *a, const Service *b)
{
	return a->kind == b->kind && a->port == b->port && a->ifindex == b->ifindex &&
	       strcmp(a->wanted, b->wanted) == 0 &&
	       g_strv_equal((const char *const *) a->txt, (const char *const *) b->txt);
}

gboolean idisc_mdns_publisher_set(IDiscMdnsPublisher *p, const IDiscMdnsService *services, guint n,
				  GError **error)
{
	g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func((GDestroyNotify) service_free);
	for (guint i = 0; i < n; i++) {
		char *name = instance_name(services[i].name, error);
		char **txt = name ? idisc_mdns_txt_encode(services[i].kind, &services[i].txt, error) : NULL;
		if (!txt) {
			g_free(name);
			return FALSE;
		}
		Service *s = g_new0(Service, 1);
		*s = (Service) { p, services[i].kind, name, g_strdup(name), services[i].port,
				 services[i].ifindex > 0 ? services[i].ifindex : AVAHI_IF_UNSPEC, txt, NULL };
		g_ptr_array_add(fresh, s);
	}
	/* Keep what did not change, with its group and current name. */
	for (guint i = 0; i < fresh->len; i++) {
		Service *s = fresh->pdata[i];
		for (guint k = 0; k < p->services->len; k++) {
			Service *old = p->services->pdata[k];
			if (!same_service(s, old))
				continue;
			fresh->pdata[i] = g_ptr_array_steal_index(p->services, k);
			service_free(s);
			break;
		}
	}
	GPtrArray *gone = p->services;
	p->services = g_steal_pointer(&fresh);
	g_ptr_array_unref(gone);
	publish_all(p);
	return TRUE;
}

void idisc_mdns_publisher_free(IDiscMdnsPublisher *p)
{
	if (!p)
		return;
	if (p->reconnect) {
		g_source_destroy(p->reconnect);
		g_source_unref(p->reconnect);
	}
	g_ptr_array_unref(p->services);
	g_clear_pointer(&p->client, avahi_client_free);
	avahi_glib_poll_free(p->poll);
	g_main_context_unref(p->context);
	g_free(p);
}
