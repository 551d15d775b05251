/* discovery-isns.h: itn-targetd registers itself with an iSNS server
 * (RFC 4171): one network entity with every portal, one storage node per
 * target, one portal group object per target and portal, and answers the
 * server's ESI through discovery/isns-client.h.  Main thread only. */
#pragma once
#include <glib.h>
#include "target/tgt-config.h"

G_BEGIN_DECLS

typedef struct TgtIsns TgtIsns;

/* server: "host[:port]".  Registers what cfg describes. */
TgtIsns *tgt_isns_new (const char *server, const TgtConfig *cfg, GError **error);
/* Registers the new state (after a reload or a live change). */
void tgt_isns_update (TgtIsns *isns, const TgtConfig *cfg);
/* Deregisters (bounded wait) and frees. */
void tgt_isns_free (TgtIsns *isns);

G_END_DECLS
