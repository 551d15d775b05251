/* itn-initiatord --discover mdns: targets announced on the LAN as DNS-SD
 * _iscsi._tcp services (RFC 6763; design.md "Discovery") become nodes of
 * the daemon, logged in and exposed exactly like --connect.
 *
 * A target may be announced several times (one service per portal group,
 * seen on several interfaces or over IPv4 and IPv6): the daemon keeps one
 * node per target name, made from the first usable announcement, and
 * counts the announcements it has seen.  When the last one is withdrawn
 * (goodbye, RFC 6762 sec. 10.1, or TTL expiry) the node stays for a grace
 * period, so a target that restarts keeps its files: the session's own
 * recovery reconnects it meanwhile. */
#include "config.h"

#include <string.h>

#include "discovery/isns-error.h"
#include "discovery/mdns-browse.h"
#include "initiatord.h"

/* How long a withdrawn target keeps its session and files. */
#define GRACE_S 5
/* How soon to browse again when avahi-daemon is not there or went away. */
#define REBROWSE_S 2

typedef struct {
	char *iqn;
	GHashTable *seen; /* announcement keys (see announcement_key) */
	guint node;       /* id of its node in d->nodes, or 0 */
	guint grace;      /* source id of the pending removal, or 0 */
} Target;

struct ItndMdns {
	ItndDaemon *d;
	char **match;
	char *secrets;
	char *initiator;
	guint connections, sessions;
	IDiscMdnsBrowser *browser;
	guint rebrowse;       /* source id, or 0 */
	GHashTable *targets;  /* iqn -> Target* */
	GHashTable *refused;  /* iqns already logged as not matching */
};

static void browse(ItndMdns *m);

static void target_free(gpointer p)
{
	Target *t = p;
	if (t->grace)
		g_source_remove(t->grace);
	g_hash_table_unref(t->seen);
	g_free(t->iqn);
	g_free(t);
}

/* One announcement: a service instance as seen on one interface at one
 * address (the browser reports a removal with the same fields). */
static char *announcement_key(const IDiscMdnsEntry *e)
{
	return g_strdup_printf("%d/%s/%s/%s", e->ifindex, e->instance, e->domain, e->address ? e->address : "");
}

static gboolean matches(ItndMdns *m, const char *iqn)
{
	if (!m->match)
		return TRUE;
	for (char **g = m->match; *g; g++)
		if (g_pattern_match_simple(*g, iqn))
			return TRUE;
	return FALSE;
}

/* The last announcement went and did not come back within GRACE_S. */
typedef struct {
	ItndMdns *m;
	char *iqn;
} Expiry;

static gboolean expire(gpointer data)
{
	Expiry *x = data;
	Target *t = g_hash_table_lookup(x->m->targets, x->iqn);
	if (t) {
		t->grace = 0;
		g_message("mDNS: %s withdrawn for %d s, logging out", t->iqn, GRACE_S);
		/* Unpublishes its LUNs, then logs out (bounded by the
		 * library's timeouts even if the target is gone).  A node
		 * the user logged out through the control API is gone
		 * already and is not touched. */
		if (!itnd_node_remove_id(x->m->d, t->node))
			g_message("mDNS: %s was logged out already", t->iqn);
		t->node = 0;
		g_hash_table_remove(x->m->targets, x->iqn);
	}
	return G_SOURCE_REMOVE;
}

static void expiry_free(gpointer data)
{
	Expiry *x = data;
	g_free(x->iqn);
	g_free(x);
}

static ItndNode *node_for(ItndMdns *m, const IDiscMdnsEntry *e, GError **error)
{
	/* RFC 3986 sec. 3.2.2: an IPv6 literal goes in brackets.  The URL
	 * wants a LUN; the node publishes every LUN REPORT LUNS lists. */
	g_autofree char *url = g_strdup_printf(strchr(e->address, ':') ? "iscsi://[%s]:%u/%s/0" : "iscsi://%s:%u/%s/0",
					       e->address, e->port, e->txt.iqn);
	ItniConfig *cfg = itnd_node_config_new(url, m->secrets, m->initiator, m->connections, error);
	if (!cfg)
		return NULL;
	ItndNode *n = itnd_node_new(m->d, cfg, m->sessions, TRUE);
	n->origin = "mdns";
	return n;
}

static void on_added(const IDiscMdnsEntry *e, gpointer data)
{
	ItndMdns *m = data;
	if (e->kind != IDISC_MDNS_ISCSI)
		return;
	if (e->skipped) {
		g_message("mDNS: '%s' skipped: %s", e->instance, e->skipped);
		return;
	}
	if (!e->address) {
		g_message("mDNS: '%s' skipped: no address", e->instance);
		return;
	}
	/* A link-local IPv6 address needs a zone we cannot put in a URL. */
	if (g_str_has_prefix(e->address, "fe80:")) {
		g_debug("mDNS: '%s' at link-local %s not used", e->instance, e->address);
		return;
	}
	const char *iqn = e->txt.iqn;
	if (!matches(m, iqn)) {
		if (g_hash_table_add(m->refused, g_strdup(iqn)))
			g_message("mDNS: %s matches no --discover-match, not connected", iqn);
		return;
	}
	Target *t = g_hash_table_lookup(m->targets, iqn);
	if (!t) {
		t = g_new0(Target, 1);
		t->iqn = g_strdup(iqn);
		t->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_hash_table_insert(m->targets, t->iqn, t);
	}
	g_hash_table_add(t->seen, announcement_key(e));
	if (t->grace) {
		g_message("mDNS: %s is back within the grace period, its session stays", iqn);
		g_source_remove(t->grace);
		t->grace = 0;
	}
	if (t->node)
		return;
	GError *err = NULL;
	ItndNode *node = node_for(m, e, &err);
	if (!node) {
		g_warning("mDNS: %s: %s", iqn, err->message);
		g_error_free(err);
		g_hash_table_remove(m->targets, iqn);
		return;
	}
	g_message("mDNS: found %s at %s:%u (tpgt %d, auth %s), logging in", iqn, e->address, e->port, e->txt.tpgt,
		  idisc_mdns_auth_name(e->txt.auth));
	t->node = node->id;
	itnd_node_add(m->d, node);
}

static void on_removed(const IDiscMdnsEntry *e, gpointer data)
{
	ItndMdns *m = data;
	if (e->kind != IDISC_MDNS_ISCSI || e->skipped || !e->txt.iqn)
		return;
	Target *t = g_hash_table_lookup(m->targets, e->txt.iqn);
	if (!t)
		return;
	g_autofree char *key = announcement_key(e);
	g_hash_table_remove(t->seen, key);
	if (g_hash_table_size(t->seen) || t->grace)
		return;
	g_message("mDNS: %s withdrawn, logging out in %d s unless it comes back", t->iqn, GRACE_S);
	Expiry *x = g_new0(Expiry, 1);
	x->m = m;
	x->iqn = g_strdup(t->iqn);
	t->grace = g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, GRACE_S, expire, x, expiry_free);
}

static gboolean rebrowse(gpointer data)
{
	ItndMdns *m = data;
	m->rebrowse = 0;
	browse(m);
	return G_SOURCE_REMOVE;
}

static void on_failed(const GError *error, gpointer data)
{
	ItndMdns *m = data;
	g_warning("mDNS: browsing stopped: %s (trying again in %d s)", error->message, REBROWSE_S);
	/* The browser is dead; free it from the main loop, not inside its own
	 * callback, and browse again later.  Known targets keep their nodes
	 * (their sessions recover by themselves). */
	if (!m->rebrowse)
		m->rebrowse = g_timeout_add_seconds(REBROWSE_S, rebrowse, m);
}

static void browse(ItndMdns *m)
{
	static const IDiscMdnsBrowseFuncs funcs = { on_added, on_removed, NULL, on_failed };
	g_clear_pointer(&m->browser, idisc_mdns_browser_free);
	GError *e = NULL;
	m->browser = idisc_mdns_browser_new(NULL, &funcs, m, &e);
	if (!m->browser) {
		g_warning("mDNS: cannot browse: %s (trying again in %d s)", e->message, REBROWSE_S);
		g_error_free(e);
		m->rebrowse = g_timeout_add_seconds(REBROWSE_S, rebrowse, m);
		return;
	}
	g_message("mDNS: browsing %s", IDISC_MDNS_TYPE_ISCSI);
}

ItndMdns *itnd_mdns_new(ItndDaemon *d, const char *const *match, const char *secrets, const char *initiator,
			guint connections, guint sessions)
{
	ItndMdns *m = g_new0(ItndMdns, 1);
	m->d = d;
	m->match = g_strdupv((char **) match);
	m->secrets = g_strdup(secrets);
	m->initiator = g_strdup(initiator);
	m->connections = connections;
	m->sessions = sessions;
	m->targets = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, target_free);
	m->refused = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	browse(m);
	return m;
}

void itnd_mdns_free(ItndMdns *m)
{
	if (!m)
		return;
	if (m->rebrowse)
		g_source_remove(m->rebrowse);
	g_clear_pointer(&m->browser, idisc_mdns_browser_free);
	/* The nodes stay in d->nodes; the daemon frees them. */
	g_hash_table_unref(m->targets);
	g_hash_table_unref(m->refused);
	g_strfreev(m->match);
	g_free(m->secrets);
	g_free(m->initiator);
	g_free(m);
}
