/* Browsing for itnexus DNS-SD services (RFC 6763 sec. 4): _iscsi._tcp
 * targets and _isns._tcp servers, resolved to host, address, port and our
 * TXT keys (mdns-txt.h), through avahi-daemon on a GLib main context.
 *
 * An entry whose TXT record breaks our rules, or that cannot be resolved,
 * is still reported, with `skipped` saying why, so that a tool can show
 * what it ignored instead of dropping it silently. */
#pragma once
#include <glib.h>
#include "discovery/mdns-txt.h"

G_BEGIN_DECLS

typedef struct {
	IDiscMdnsKind kind;
	char *instance;     /* service instance name (UTF-8, as announced) */
	char *domain;       /* "local" */
	int ifindex;        /* interface it was seen on */
	char *host;         /* target host name ("a.local"); NULL if unresolved */
	char *address;      /* numeric address; NULL if unresolved */
	guint16 port;
	IDiscMdnsTxt txt;   /* valid when skipped is NULL */
	char *skipped;      /* NULL, or why the entry is not usable */
} IDiscMdnsEntry;

void idisc_mdns_entry_free(IDiscMdnsEntry *e);
IDiscMdnsEntry *idisc_mdns_entry_copy(const IDiscMdnsEntry *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IDiscMdnsEntry, idisc_mdns_entry_free)

typedef struct {
	/* A service appeared and was resolved (or skipped). */
	void (*added)(const IDiscMdnsEntry *e, gpointer data);
	/* A service reported by added() is gone (its goodbye or TTL). */
	void (*removed)(const IDiscMdnsEntry *e, gpointer data);
	/* Both types browsed through what the network answered for now and
	 * every resolve finished (called once). */
	void (*all_for_now)(gpointer data);
	/* avahi-daemon went away or refused to browse; the browser is dead,
	 * free it (and make a new one to try again). */
	void (*failed)(const GError *error, gpointer data);
} IDiscMdnsBrowseFuncs;

typedef struct IDiscMdnsBrowser IDiscMdnsBrowser;

/* context NULL: the thread-default main context.  FALSE-y (NULL) with
 * IDISC_ERROR_UNAVAILABLE when avahi-daemon cannot be reached. */
IDiscMdnsBrowser *idisc_mdns_browser_new(GMainContext *context, const IDiscMdnsBrowseFuncs *funcs,
					 gpointer data, GError **error);
void idisc_mdns_browser_free(IDiscMdnsBrowser *b);

/* Browses both types on a private main context until all_for_now or
 * timeout_ms, whichever comes first; returns what is known then (a
 * GPtrArray of IDiscMdnsEntry*, in the order found), or NULL with
 * IDISC_ERROR_UNAVAILABLE when avahi-daemon cannot be reached. */
GPtrArray *idisc_mdns_browse_sync(guint timeout_ms, GError **error);

G_END_DECLS
