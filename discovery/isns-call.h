/* A blocking iSNS connection for tools (itnctl, benchmarks, tests): send
 * requests, receive answers, with a timeout.  Messages of any size, split
 * into and joined from PDUs (RFC 4171 sec. 5.2). */
#pragma once
#include <gio/gio.h>
#include "discovery/isns-tlv.h"

typedef struct IDiscIsnsConn IDiscIsnsConn;

/* SERVER: "host[:port]", port 3205 by default. */
IDiscIsnsConn *idisc_isns_conn_open(const char *server, guint timeout_s, GError **error);
void idisc_isns_conn_free(IDiscIsnsConn *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IDiscIsnsConn, idisc_isns_conn_free)

/* One request, its answer (status in ->status; non-zero is not an error
 * here: the caller decides). */
IDiscTlvList *idisc_isns_conn_call(IDiscIsnsConn *c, guint16 function, guint16 flags,
				   const GByteArray *payload, GError **error);
/* Pipelining: send without waiting, then collect answers in order. */
gboolean idisc_isns_conn_send(IDiscIsnsConn *c, guint16 function, guint16 flags, guint16 xid,
			      const guint8 *payload, gsize len, GError **error);
IDiscTlvList *idisc_isns_conn_recv(IDiscIsnsConn *c, guint16 *xid, GError **error);
/* No more requests from us (the server sees end of file). */
void idisc_isns_conn_shutdown_write(IDiscIsnsConn *c);
/* Write raw bytes (tests that send malformed PDUs). */
gboolean idisc_isns_conn_send_raw(IDiscIsnsConn *c, const guint8 *data, gsize len, GError **error);
