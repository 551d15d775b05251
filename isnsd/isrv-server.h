/* itn-isnsd's network side: the TCP listener, client connections, group
 * commit, and the timers for ESI, SCN delivery and registration expiry. */
#pragma once
#include <gio/gio.h>
#include "isnsd/isrv-core.h"
#include "isnsd/isrv-outbound.h"

typedef struct IsrvServer IsrvServer;

IsrvServer *isrv_server_new(IsrvCore *core);
void isrv_server_free(IsrvServer *srv);
/* Listen on "ADDR:PORT" ("[v6]:PORT" for IPv6). */
gboolean isrv_server_listen(IsrvServer *srv, const char *spec, GError **error);
/* The TCP port it listens on (the one the kernel chose for port 0). */
guint16 isrv_server_port(IsrvServer *srv);
/* Commit the open batch and send what waited for it (answers, SCNs). */
void isrv_server_commit(IsrvServer *srv);

/* --- isrv-esi.c --- */
typedef struct IsrvEsi IsrvEsi;
IsrvEsi *isrv_esi_new(IsrvServer *srv, IsrvCore *core);
void isrv_esi_free(IsrvEsi *esi);
/* Re-read one portal's ESI attributes (or forget it). */
void isrv_esi_update(IsrvEsi *esi, gint64 portal_id, gboolean present);
void isrv_esi_forget_entity(IsrvEsi *esi, gint64 entity_id);

/* --- isrv-notify.c --- */
/* Send the SCNs queued in core->events (after a commit). */
void isrv_notify_flush(IsrvCore *core);
/* A transaction ID for server-originated messages. */
guint16 isrv_next_xid(void);
