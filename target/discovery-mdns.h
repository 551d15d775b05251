/* discovery-mdns.h: itn-targetd announces its targets on the LAN through
 * mDNS/DNS-SD (RFC 6762/6763, design.md "Discovery"): one _iscsi._tcp
 * service per target, portal group and port (on the interface of a portal
 * bound to one address; none for loopback portals), with the TXT keys txtvers,
 * iqn, tpgt and auth (discovery/mdns-txt.h).  A missing avahi-daemon is
 * logged, never fatal: the services appear when it starts.  Main thread
 * only. */
#pragma once
#include <glib.h>
#include "target/tgt-config.h"

G_BEGIN_DECLS

typedef struct TgtMdns TgtMdns;

/* Announces what cfg describes; a portal asking for port 0 is announced
 * with bound_port (the port the engine got). */
TgtMdns *tgt_mdns_new (const TgtConfig *cfg, guint16 bound_port);
/* Announces the new state (after a reload or a live change); services
 * that did not change stay as they are. */
void tgt_mdns_update (TgtMdns *mdns, const TgtConfig *cfg);
/* Withdraws every service (goodbye packets) and frees; accepts NULL. */
void tgt_mdns_free (TgtMdns *mdns);

G_END_DECLS
