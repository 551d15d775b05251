/* DNS-SD browsing and resolving through avahi-client (mdns-browse.h). */
#include "config.h"

#include <string.h>

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <avahi-glib/glib-watch.h>

#include "discovery/mdns-browse.h"

static const IDiscMdnsKind kinds[] = { IDISC_MDNS_ISCSI, IDISC_MDNS_ISNS };
#define NKINDS G_N_ELEMENTS(kinds)

/* One announced service instance: pending while its resolver runs. */
typedef struct {
	IDiscMdnsBrowser *owner;
	AvahiServiceResolver *resolver; /* NULL once resolved */
	IDiscMdnsEntry entry;
} Item;

struct IDiscMdnsBrowser {
	AvahiGLibPoll *poll;
	AvahiClient *client;
	AvahiServiceBrowser *browsers[NKINDS];
	gboolean all_for_now[NKINDS];
	gboolean all_for_now_sent;
	GHashTable *items; /* key string -> Item* */
	guint pending;     /* resolvers running */
	const IDiscMdnsBrowseFuncs *funcs;
	gpointer data;
};

static void entry_clear(IDiscMdnsEntry *e)
{
	g_free(e->instance);
	g_free(e->domain);
	g_free(e->host);
	g_free(e->address);
	idisc_mdns_txt_clear(&e->txt);
	g_free(e->skipped);
}

void idisc_mdns_entry_free(IDiscMdnsEntry *e)
{
	if (!e)
		return;
	entry_clear(e);
	g_free(e);
}

IDiscMdnsEntry *idisc_mdns_entry_copy(const IDiscMdnsEntry *e)
{
	IDiscMdnsEntry *c = g_new0(IDiscMdnsEntry, 1);
	*c = *e;
	c->instance = g_strdup(e->instance);
	c->domain = g_strdup(e->domain);
	c->host = g_strdup(e->host);
	c->address = g_strdup(e->address);
	c->txt.iqn = g_strdup(e->txt.iqn);
	c->skipped = g_strdup(e->skipped);
	return c;
}

static void item_free(Item *it)
{
	if (it->resolver) {
		avahi_service_resolver_free(it->resolver);
		it->owner->pending--;
	}
	entry_clear(&it->entry);
	g_free(it);
}

/* Browse events name a service by interface, protocol, name, type and
 * domain (RFC 6763 sec. 4.1 plus where it was seen). */
static char *item_key(AvahiIfIndex iface, AvahiProtocol proto, const char *name, const char *type,
		      const char *domain)
{
	return g_strdup_printf("%d/%d/%s/%s/%s", iface, proto, name, type, domain);
}

static void check_all_for_now(IDiscMdnsBrowser *b)
{
	for (gsize i = 0; i < NKINDS; i++)
		if (!b->all_for_now[i])
			return;
	if (b->pending || b->all_for_now_sent)
		return;
	b->all_for_now_sent = TRUE;
	if (b->funcs->all_for_now)
		b->funcs->all_for_now(b->data);
}

static void fail(IDiscMdnsBrowser *b, int err)
{
	if (!b->funcs->failed)
		return;
	GError *e = g_error_new(IDISC_ERROR, IDISC_ERROR_UNAVAILABLE, "cannot reach avahi-daemon: %s",
				avahi_strerror(err));
	b->funcs->failed(e, b->data);
	g_error_free(e);
}

/* The resolved TXT record in its wire form, for the bounded decoder. */
static void read_txt(IDiscMdnsEntry *e, AvahiStringList *txt)
{
	gsize total = 0;
	for (AvahiStringList *l = txt; l; l = avahi_string_list_get_next(l))
		total += 1 + avahi_string_list_get_size(l);
	GError *error = NULL;
	if (total > IDISC_MDNS_TXT_MAX) {
		e->skipped = g_strdup_printf("mDNS TXT record of %zu bytes (at most %d)", total, IDISC_MDNS_TXT_MAX);
		return;
	}
	guint8 *buf = g_malloc(total + 1);
	gsize n = txt ? avahi_string_list_serialize(txt, buf, total + 1) : 0;
	if (!idisc_mdns_txt_decode(e->kind, buf, n, &e->txt, &error)) {
		e->skipped = g_strdup(error->message);
		g_error_free(error);
	}
	g_free(buf);
}

static void resolve_cb(AvahiServiceResolver *r, AvahiIfIndex iface, AvahiProtocol proto, AvahiResolverEvent event,
		       const char *name, const char *type, const char *domain, const char *host,
		       const AvahiAddress *a, uint16_t port, AvahiStringList *txt, AvahiLookupResultFlags flags,
		       void *userdata)
{
	Item *it = userdata;
	IDiscMdnsBrowser *b = it->owner;
	IDiscMdnsEntry *e = &it->entry;
	if (event == AVAHI_RESOLVER_FOUND) {
		char addr[AVAHI_ADDRESS_STR_MAX];
		avahi_address_snprint(addr, sizeof addr, a);
		e->host = g_strdup(host);
		e->address = g_strdup(addr);
		e->port = port;
		read_txt(e, txt);
	} else {
		e->skipped = g_strdup_printf("cannot resolve: %s",
					     avahi_strerror(avahi_client_errno(avahi_service_resolver_get_client(r))));
	}
	/* One answer is enough: a change is announced as remove + new. */
	avahi_service_resolver_free(it->resolver);
	it->resolver = NULL;
	b->pending--;
	if (b->funcs->added)
		b->funcs->added(e, b->data);
	check_all_for_now(b);
}

static IDiscMdnsKind kind_of(const char *type)
{
	return strcmp(type, IDISC_MDNS_TYPE_ISNS) == 0 ? IDISC_MDNS_ISNS : IDISC_MDNS_ISCSI;
}

static void browse_cb(AvahiServiceBrowser *sb, AvahiIfIndex iface, AvahiProtocol proto, AvahiBrowserEvent event,
		      const char *name, const char *type, const char *domain, AvahiLookupResultFlags flags,
		      void *userdata)
{
	IDiscMdnsBrowser *b = userdata;
	switch (event) {
	case AVAHI_BROWSER_NEW: {
		char *key = item_key(iface, proto, name, type, domain);
		if (g_hash_table_contains(b->items, key)) {
			g_free(key);
			break;
		}
		Item *it = g_new0(Item, 1);
		it->owner = b;
		it->entry = (IDiscMdnsEntry) { .kind = kind_of(type), .instance = g_strdup(name),
					       .domain = g_strdup(domain), .ifindex = iface, .txt.tpgt = -1 };
		g_hash_table_insert(b->items, key, it);
		/* The address in the protocol the service was seen with. */
		it->resolver = avahi_service_resolver_new(avahi_service_browser_get_client(sb), iface, proto, name, type,
							  domain, proto, 0, resolve_cb, it);
		if (it->resolver) {
			b->pending++;
		} else {
			it->entry.skipped = g_strdup_printf("cannot resolve: %s",
							    avahi_strerror(avahi_client_errno(b->client)));
			if (b->funcs->added)
				b->funcs->added(&it->entry, b->data);
		}
		break;
	}
	case AVAHI_BROWSER_REMOVE: {
		g_autofree char *key = item_key(iface, proto, name, type, domain);
		Item *it = g_hash_table_lookup(b->items, key);
		if (!it)
			break;
		if (!it->resolver && b->funcs->removed)
			b->funcs->removed(&it->entry, b->data);
		g_hash_table_remove(b->items, key);
		check_all_for_now(b);
		break;
	}
	case AVAHI_BROWSER_ALL_FOR_NOW:
		for (gsize i = 0; i < NKINDS; i++)
			if (b->browsers[i] == sb)
				b->all_for_now[i] = TRUE;
		check_all_for_now(b);
		break;
	case AVAHI_BROWSER_FAILURE:
		fail(b, avahi_client_errno(b->client));
		break;
	case AVAHI_BROWSER_CACHE_EXHAUSTED:
		break;
	}
}

static void client_cb(AvahiClient *c, AvahiClientState state, void *userdata)
{
	IDiscMdnsBrowser *b = userdata;
	if (state == AVAHI_CLIENT_FAILURE && b->client)
		fail(b, avahi_client_errno(c));
}

IDiscMdnsBrowser *idisc_mdns_browser_new(GMainContext *context, const IDiscMdnsBrowseFuncs *funcs,
					 gpointer data, GError **error)
{
	IDiscMdnsBrowser *b = g_new0(IDiscMdnsBrowser, 1);
	b->funcs = funcs;
	b->data = data;
	b->items = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) item_free);
	b->poll = avahi_glib_poll_new(context, G_PRIORITY_DEFAULT);
	int err = 0;
	/* No NO_FAIL: a browser without a daemon is an error its caller
	 * reports ("cannot reach avahi-daemon"). */
	b->client = avahi_client_new(avahi_glib_poll_get(b->poll), 0, client_cb, b, &err);
	for (gsize i = 0; b->client && i < NKINDS; i++) {
		b->browsers[i] = avahi_service_browser_new(b->client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
							   idisc_mdns_kind_type(kinds[i]), NULL, 0, browse_cb, b);
		if (!b->browsers[i])
			err = avahi_client_errno(b->client);
	}
	if (!b->client || err) {
		g_set_error(error, IDISC_ERROR, IDISC_ERROR_UNAVAILABLE, "cannot reach avahi-daemon: %s",
			    avahi_strerror(err));
		idisc_mdns_browser_free(b);
		return NULL;
	}
	return b;
}

void idisc_mdns_browser_free(IDiscMdnsBrowser *b)
{
	if (!b)
		return;
	g_hash_table_destroy(b->items);
	for (gsize i = 0; i < NKINDS; i++)
		if (b->browsers[i])
			avahi_service_browser_free(b->browsers[i]);
	if (b->client)
		avahi_client_free(b->client);
	avahi_glib_poll_free(b->poll);
	g_free(b);
}

/* ---- the blocking helper ---- */

typedef struct {
	GPtrArray *found; /* of IDiscMdnsEntry* */
	gboolean done;
	GError *error;
} SyncState;

static gboolean same_entry(gconstpointer a, gconstpointer b)
{
	const IDiscMdnsEntry *x = a, *y = b;
	return x->kind == y->kind && x->ifindex == y->ifindex && g_strcmp0(x->instance, y->instance) == 0 &&
	       g_strcmp0(x->domain, y->domain) == 0 && g_strcmp0(x->address, y->address) == 0;
}

static void sync_added(const IDiscMdnsEntry *e, gpointer data)
{
	SyncState *s = data;
	g_ptr_array_add(s->found, idisc_mdns_entry_copy(e));
}

static void sync_removed(const IDiscMdnsEntry *e, gpointer data)
{
	SyncState *s = data;
	guint i;
	if (g_ptr_array_find_with_equal_func(s->found, e, same_entry, &i))
		g_ptr_array_remove_index(s->found, i);
}

static void sync_all_for_now(gpointer data)
{
	((SyncState *) data)->done = TRUE;
}

static void sync_failed(const GError *error, gpointer data)
{
	SyncState *s = data;
	if (!s->error)
		s->error = g_error_copy(error);
	s->done = TRUE;
}

static gboolean sync_timeout(gpointer data)
{
	((SyncState *) data)->done = TRUE;
	return G_SOURCE_REMOVE;
}

GPtrArray *idisc_mdns_browse_sync(guint timeout_ms, GError **error)
{
	static const IDiscMdnsBrowseFuncs funcs = { sync_added, sync_removed, sync_all_for_now, sync_failed };
	SyncState s = { g_ptr_array_new_with_free_func((GDestroyNotify) idisc_mdns_entry_free), FALSE, NULL };
	GMainContext *ctx = g_main_context_new();
	g_main_context_push_thread_default(ctx);
	IDiscMdnsBrowser *b = idisc_mdns_browser_new(ctx, &funcs, &s, error);
	if (b) {
		GSource *t = g_timeout_source_new(timeout_ms);
		g_source_set_callback(t, sync_timeout, &s, NULL);
		g_source_attach(t, ctx);
		while (!s.done)
			g_main_context_iteration(ctx, TRUE);
		g_source_destroy(t);
		g_source_unref(t);
		idisc_mdns_browser_free(b);
	}
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
	if (!b || s.error) {
		if (s.error)
			g_propagate_error(error, s.error);
		g_ptr_array_unref(s.found);
		return NULL;
	}
	return s.found;
}
