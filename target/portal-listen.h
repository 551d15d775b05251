/* portal-listen.h: listening sockets of the portal groups.
 *
 * A TgtPortalSet owns one listening socket per configured portal (IPv4 or
 * IPv6, numeric or resolved host) and accepts in the GLib main loop of the
 * main thread; each accepted socket, made non-blocking, goes to the accept
 * callback with the TPGT of its portal group. */
#pragma once
#include <glib.h>
#include "target/tgt-config.h"

G_BEGIN_DECLS

typedef struct TgtPortalSet TgtPortalSet;
typedef void (*TgtPortalAcceptFunc) (int fd, guint16 tpgt, gpointer user_data);

TgtPortalSet *tgt_portal_set_new (TgtPortalAcceptFunc func, gpointer user_data);
/* Opens listeners for every portal of every group in cfg that is not yet
 * open, and closes listeners no longer in cfg. */
gboolean tgt_portal_set_apply (TgtPortalSet *set, const TgtConfig *cfg, GError **error);
/* The port actually bound (useful with port 0 in tests), or 0. */
guint16 tgt_portal_set_first_port (const TgtPortalSet *set);
void tgt_portal_set_free (TgtPortalSet *set);

G_END_DECLS
