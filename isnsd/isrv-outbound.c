/* One request/answer exchange initiated by the server (RFC 4171 sec.
 * 5.6.5.8 SCN, 5.6.5.13 ESI), bounded in time. */
#include "config.h"
#include "isnsd/isrv-outbound.h"
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"

typedef struct {
	GSocketConnection *conn;
	GBytes *message;
	guint16 xid;
	IsrvOutboundDone done;
	gpointer user;
	GCancellable *cancel;
	guint timer;
	IDiscReassembler *r;
	guint8 buf[4096];
	gboolean finished;
} Exchange;

static void finish(Exchange *x, gboolean ok, guint32 status)
{
	if (x->finished)
		return;
	x->finished = TRUE;
	x->done(x->user, ok, status);
	if (x->timer)
		g_source_remove(x->timer);
	x->timer = 0;
	g_cancellable_cancel(x->cancel);
}

/* The last reference: after the pending operation returns. */
static void unref(Exchange *x)
{
	if (x->conn)
		g_io_stream_close(G_IO_STREAM(x->conn), NULL, NULL);
	g_clear_object(&x->conn);
	g_bytes_unref(x->message);
	g_object_unref(x->cancel);
	idisc_reassembler_free(x->r);
	g_free(x);
}

static gboolean on_timeout(gpointer p)
{
	Exchange *x = p;
	x->timer = 0;
	finish(x, FALSE, G_MAXUINT32);
	return G_SOURCE_REMOVE;
}

static void on_read(GObject *src, GAsyncResult *res, gpointer p)
{
	Exchange *x = p;
	gssize n = g_input_stream_read_finish(G_INPUT_STREAM(src), res, NULL);
	if (n <= 0 || x->finished) {
		finish(x, FALSE, G_MAXUINT32);
		unref(x);
		return;
	}
	idisc_reassembler_feed(x->r, x->buf, (gsize) n);
	IDiscMessage m = { 0 };
	guint32 st;
	IDiscReasmResult rr;
	while ((rr = idisc_reassembler_next(x->r, &m, &st, NULL)) != IDISC_REASM_NEED_MORE) {
		if (rr == IDISC_REASM_FATAL)
			break;
		if (rr == IDISC_REASM_MESSAGE && m.xid == x->xid && (m.function & 0x8000)) {
			g_autoptr(IDiscTlvList) l = idisc_tlv_list_decode(m.payload, TRUE, NULL);
			idisc_message_clear(&m);
			finish(x, l != NULL, l ? l->status : G_MAXUINT32);
			unref(x);
			return;
		}
		idisc_message_clear(&m);
	}
	if (rr == IDISC_REASM_FATAL) {
		finish(x, FALSE, G_MAXUINT32);
		unref(x);
		return;
	}
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(x->conn)), x->buf,
				  sizeof x->buf, G_PRIORITY_DEFAULT, x->cancel, on_read, x);
}

static void on_written(GObject *src, GAsyncResult *res, gpointer p)
{
	Exchange *x = p;
	if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(src), res, NULL, NULL) || x->finished) {
		finish(x, FALSE, G_MAXUINT32);
		unref(x);
		return;
	}
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(x->conn)), x->buf,
				  sizeof x->buf, G_PRIORITY_DEFAULT, x->cancel, on_read, x);
}

static void on_connected(GObject *src, GAsyncResult *res, gpointer p)
{
	Exchange *x = p;
	x->conn = g_socket_client_connect_finish(G_SOCKET_CLIENT(src), res, NULL);
	if (!x->conn || x->finished) {
		finish(x, FALSE, G_MAXUINT32);
		unref(x);
		return;
	}
	gsize n;
	const guint8 *d = g_bytes_get_data(x->message, &n);
	g_output_stream_write_all_async(g_io_stream_get_output_stream(G_IO_STREAM(x->conn)), d, n,
					G_PRIORITY_DEFAULT, x->cancel, on_written, x);
}

void isrv_outbound_send(GInetAddress *addr, guint16 port, GBytes *message, guint16 xid,
			guint timeout_ms, IsrvOutboundDone done, gpointer user)
{
	Exchange *x = g_new0(Exchange, 1);
	x->message = g_bytes_ref(message);
	x->xid = xid;
	x->done = done;
	x->user = user;
	x->cancel = g_cancellable_new();
	x->r = idisc_reassembler_new(1 << 20);
	x->timer = g_timeout_add(timeout_ms, on_timeout, x);
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(addr, port);
	g_socket_client_connect_async(client, G_SOCKET_CONNECTABLE(sa), x->cancel, on_connected, x);
}
