/* Server-originated messages (ESI, SCN): connect to a client's port, send
 * one message, wait for the matching answer, all on the main loop. */
#pragma once
#include <gio/gio.h>

/* Called once: OK is TRUE when an answer with the xid arrived; STATUS is
 * its status word (or G_MAXUINT32 when none came). */
typedef void (*IsrvOutboundDone)(gpointer user, gboolean ok, guint32 status);

void isrv_outbound_send(GInetAddress *addr, guint16 port, GBytes *message, guint16 xid,
			guint timeout_ms, IsrvOutboundDone done, gpointer user);
