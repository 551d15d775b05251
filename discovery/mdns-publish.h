/* Publishing DNS-SD services (RFC 6763) through avahi-daemon, for daemons
 * on a GLib main context.
 *
 *   IDiscMdnsPublisher *p = idisc_mdns_publisher_new(NULL, on_event, NULL);
 *   IDiscMdnsService s = { IDISC_MDNS_ISCSI, "disk1", 3260,
 *                          { "iqn.2024-01.com.example:disk1", 1, IDISC_MDNS_AUTH_CHAP } };
 *   idisc_mdns_publisher_set(p, &s, 1, &error);    (again after a reload)
 *   ...
 *   idisc_mdns_publisher_free(p);                   (withdraws, e.g. on SIGTERM)
 *
 * The publisher never fails its owner because avahi-daemon (or the system
 * bus) is missing or restarts: it reports that through the event callback
 * and publishes the set as soon as the daemon runs again.  A name taken by
 * another host is replaced by "NAME #2", "NAME #3", ... (RFC 6762 sec. 9)
 * and reported.  Each service is its own entry group, so one collision
 * renames only that service. */
#pragma once
#include <glib.h>
#include "discovery/mdns-txt.h"

G_BEGIN_DECLS

typedef struct {
	IDiscMdnsKind kind;
	const char *name;   /* instance name wanted; cut to 63 bytes (RFC 6763 sec. 4.1.1) */
	guint16 port;
	IDiscMdnsTxt txt;   /* for IDISC_MDNS_ISCSI: iqn, tpgt, auth */
	int ifindex;        /* 0: every interface; else only this one (a service
	                     * bound to one address is reachable only there) */
} IDiscMdnsService;

typedef enum {
	IDISC_MDNS_PUBLISH_WAITING,     /* avahi-daemon not reachable; will publish when it is */
	IDISC_MDNS_PUBLISH_ESTABLISHED, /* a service is announced (message: its name) */
	IDISC_MDNS_PUBLISH_RENAMED,     /* a name collided; message: old and new name */
	IDISC_MDNS_PUBLISH_FAILED,      /* avahi refused something; retried later */
} IDiscMdnsPublishEvent;

typedef void (*IDiscMdnsPublishFunc)(IDiscMdnsPublishEvent event, const char *message, gpointer data);

typedef struct IDiscMdnsPublisher IDiscMdnsPublisher;

/* context NULL: the thread-default main context.  func may be NULL. */
IDiscMdnsPublisher *idisc_mdns_publisher_new(GMainContext *context, IDiscMdnsPublishFunc func, gpointer data);
/* Replaces the published set with services[0..n-1].  Services that did not
 * change stay announced as they are (no flapping on reload); the others
 * are withdrawn or added.  FALSE with IDISC_ERROR_INVALID (and nothing
 * changed) when a service's name or TXT keys are invalid. */
gboolean idisc_mdns_publisher_set(IDiscMdnsPublisher *p, const IDiscMdnsService *services, guint n,
				  GError **error);
/* Withdraws every service and frees; accepts NULL. */
void idisc_mdns_publisher_free(IDiscMdnsPublisher *p);

G_END_DECLS
