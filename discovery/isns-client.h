/* The iSNS client (RFC 4171) for daemons on a GLib main loop.
 *
 * A client owns one network entity: its portals, its storage nodes and its
 * portal groups.  start() registers them (DevAttrReg with REPLACE), opens a
 * TCP port on which it answers the server's ESI and SCN messages, keeps the
 * registration alive, and registers again whenever the server has lost it
 * (the connection broke, or the server answers that the source or entity
 * is unknown - e.g. after a restart on an empty database).  stop() may
 * deregister.
 *
 *   IDiscIsnsClient *c = idisc_isns_client_new("192.0.2.1:3205", NULL, 0);
 *   IDiscIsnsPortal p = { "192.0.2.10", 3260 };
 *   idisc_isns_client_set_portals(c, &p, 1);
 *   IDiscIsnsNode n = { "iqn.2024-01.com.example:disk1", "disk1", IDISC_NODE_TARGET };
 *   idisc_isns_client_set_nodes(c, &n, 1);
 *   IDiscIsnsPortalGroup g = { "iqn.2024-01.com.example:disk1", "192.0.2.10", 3260, 1 };
 *   idisc_isns_client_set_portal_groups(c, &g, 1);
 *   g_signal_connect(c, "registered", G_CALLBACK(on_registered), NULL);
 *   idisc_isns_client_start(c, &error);
 *   ...
 *   idisc_isns_client_stop(c, TRUE);   (deregister, e.g. on SIGTERM)
 *   g_object_unref(c);
 *
 * Setters may be called again while running: the client re-registers.
 * Signals (emitted on the main context that called start()):
 *   "registered"  (void)                  the server accepted the registration
 *   "failed"      (const char *reason)    a registration attempt failed; it is retried
 *   "scn"         (guint bitmap, const char *node, guint dd_id)
 *                                         a state change notification (sec. 5.6.5.8),
 *                                         duplicates (same transaction ID) dropped
 *   "esi"         (void)                  the server asked whether we are alive
 */
#pragma once
#include <gio/gio.h>
#include "discovery/isns-proto.h"

G_BEGIN_DECLS

#define IDISC_TYPE_ISNS_CLIENT (idisc_isns_client_get_type())
G_DECLARE_FINAL_TYPE(IDiscIsnsClient, idisc_isns_client, IDISC, ISNS_CLIENT, GObject)

typedef struct {
	const char *address;    /* numeric IPv4 or IPv6 */
	guint16 port;           /* TCP */
} IDiscIsnsPortal;

typedef struct {
	const char *name;       /* iSCSI name */
	const char *alias;      /* nullable */
	guint32 type;           /* IDISC_NODE_TARGET / IDISC_NODE_INITIATOR */
} IDiscIsnsNode;

typedef struct {
	const char *node;       /* iSCSI name of the node */
	const char *address;    /* portal address and port */
	guint16 port;
	guint32 tag;            /* the portal group tag (TPGT) */
} IDiscIsnsPortalGroup;

/* SERVER: "host[:port]" (port 3205 by default).  ENTITY_ID: nullable, the
 * server then assigns one (kept for the client's lifetime).
 * REGISTRATION_PERIOD: seconds asked for; 0 = rely on ESI only. */
IDiscIsnsClient *idisc_isns_client_new(const char *server, const char *entity_id,
				       guint registration_period);

void idisc_isns_client_set_portals(IDiscIsnsClient *c, const IDiscIsnsPortal *portals, guint n);
void idisc_isns_client_set_nodes(IDiscIsnsClient *c, const IDiscIsnsNode *nodes, guint n);
void idisc_isns_client_set_portal_groups(IDiscIsnsClient *c, const IDiscIsnsPortalGroup *pgs,
					 guint n);
/* Where the ESI/SCN port listens (default: the first portal's address,
 * port 0 = any free port) and the ESI interval asked for (default 20 s). */
void idisc_isns_client_set_esi(IDiscIsnsClient *c, const char *address, guint16 port,
			       guint interval);
/* Register every node for these SCN kinds (IDISC_SCN_*); 0 = none. */
void idisc_isns_client_set_scn(IDiscIsnsClient *c, guint32 bitmap);

gboolean idisc_isns_client_start(IDiscIsnsClient *c, GError **error);
/* Stop; with DEREGISTER, remove the entity from the server first (waits at
 * most 2 s for the answer). */
void idisc_isns_client_stop(IDiscIsnsClient *c, gboolean deregister);

/* The ESI/SCN port actually listening (after start()), the entity ID in use
 * (server-assigned ones after the first registration, else NULL). */
guint16 idisc_isns_client_get_esi_port(IDiscIsnsClient *c);
const char *idisc_isns_client_get_entity_id(IDiscIsnsClient *c);
gboolean idisc_isns_client_is_registered(IDiscIsnsClient *c);

G_END_DECLS
