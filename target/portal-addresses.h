/* portal-addresses.h: the concrete addresses behind a portal that listens
 * on a wildcard address (0.0.0.0 or ::), for registration in iSNS: a
 * Portal IP Address (RFC 4171 sec. 6.5.1) must be one an initiator can
 * reach, which neither the wildcard nor loopback is for other hosts. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* TRUE for "0.0.0.0", "::" and "" (no host given). */
gboolean tgt_portal_is_wildcard (const char *host);

/* The host's addresses of the wildcard's family (IPv4 for 0.0.0.0, IPv6
 * for ::, which portal-listen.c binds IPV6_V6ONLY), as strings: up, not
 * loopback, not IPv6 link-local (they need a scope an iSNS address cannot
 * carry).  The address the host uses toward server ("host[:port]", may
 * be NULL) comes first: it is the one the iSNS server itself sees us by,
 * so the most likely to be reachable for its clients.  Loopback only when
 * there is nothing else.  Never empty. */
GPtrArray *tgt_portal_addresses (const char *wildcard, const char *server);

G_END_DECLS
