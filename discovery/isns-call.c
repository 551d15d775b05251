/* Blocking iSNS request/answer over TCP (see isns-call.h). */
#include "config.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "discovery/isns-call.h"
#include "discovery/isns-error.h"
#include "discovery/isns-pdu.h"

struct IDiscIsnsConn {
	GSocketConnection *conn;
	IDiscReassembler *r;
	guint16 xid;
};

IDiscIsnsConn *idisc_isns_conn_open(const char *server, guint timeout_s, GError **error)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_socket_client_set_timeout(client, timeout_s);
	GSocketConnection *conn = g_socket_client_connect_to_host(client, server, IDISC_ISNS_DEFAULT_PORT,
								  NULL, error);
	if (!conn)
		return NULL;
	g_socket_set_timeout(g_socket_connection_get_socket(conn), timeout_s);
	/* Requests are small and pipelined: no Nagle delay. */
	g_socket_set_option(g_socket_connection_get_socket(conn), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
	IDiscIsnsConn *c = g_new0(IDiscIsnsConn, 1);
	c->conn = conn;
	/* Answers may be large (a query over every registered node). */
	c->r = idisc_reassembler_new(256u << 20);
	return c;
}

void idisc_isns_conn_free(IDiscIsnsConn *c)
{
	if (!c)
		return;
	g_object_unref(c->conn);
	idisc_reassembler_free(c->r);
	g_free(c);
}

void idisc_isns_conn_shutdown_write(IDiscIsnsConn *c)
{
	g_socket_shutdown(g_socket_connection_get_socket(c->conn), FALSE, TRUE, NULL);
}

gboolean idisc_isns_conn_send_raw(IDiscIsnsConn *c, const guint8 *data, gsize len, GError **error)
{
	GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(c->conn));
	return g_output_stream_write_all(out, data, len, NULL, NULL, error);
}

gboolean idisc_isns_conn_send(IDiscIsnsConn *c, guint16 function, guint16 flags, guint16 xid,
			      const guint8 *payload, gsize len, GError **error)
{
	g_autoptr(GByteArray) wire = g_byte_array_sized_new((guint) len + 64);
	idisc_message_encode(wire, function, flags | IDISC_ISNS_FLAG_CLIENT, xid, payload, len, 65532);
	return idisc_isns_conn_send_raw(c, wire->data, wire->len, error);
}

IDiscTlvList *idisc_isns_conn_recv(IDiscIsnsConn *c, guint16 *xid, GError **error)
{
	GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(c->conn));
	guint8 buf[65536];
	for (;;) {
		IDiscMessage m = { 0 };
		guint32 st;
		g_autoptr(GError) local = NULL;
		IDiscReasmResult rr = idisc_reassembler_next(c->r, &m, &st, &local);
		if (rr == IDISC_REASM_MESSAGE) {
			if (xid)
				*xid = m.xid;
			IDiscTlvList *l = idisc_tlv_list_decode(m.payload, TRUE, error);
			idisc_message_clear(&m);
			return l;
		}
		if (rr != IDISC_REASM_NEED_MORE) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED, "bad answer from the server: %s",
				    local ? local->message : "framing lost");
			return NULL;
		}
		/* Acknowledge at once: servers that write an answer in pieces
		 * without TCP_NODELAY (open-isns) would otherwise wait for our
		 * delayed ACK, 40 ms per answer. */
		g_socket_set_option(g_socket_connection_get_socket(c->conn), IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
		gssize n = g_input_stream_read(in, buf, sizeof buf, NULL, error);
		if (n < 0)
			return NULL;
		if (n == 0) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_CLOSED, "the server closed the connection");
			return NULL;
		}
		idisc_reassembler_feed(c->r, buf, (gsize) n);
	}
}

IDiscTlvList *idisc_isns_conn_call(IDiscIsnsConn *c, guint16 function, guint16 flags,
				   const GByteArray *payload, GError **error)
{
	guint16 xid = ++c->xid;
	if (!idisc_isns_conn_send(c, function, flags, xid, payload->data, payload->len, error))
		return NULL;
	for (;;) {
		guint16 got;
		IDiscTlvList *l = idisc_isns_conn_recv(c, &got, error);
		if (!l || got == xid)
			return l;
		idisc_tlv_list_free(l); /* a late answer to something else */
	}
}
