/* The TCP side of itn-isnsd (RFC 4171 sec. 5: iSNSP over TCP).
 *
 * Durability with speed: every message read in one go from a connection
 * is handled inside one SQLite transaction (each message in its own
 * savepoint), then the transaction is committed - one fsync - and only then
 * are the answers sent.  A client that pipelines many registrations gets
 * them made durable together; no answer ever describes state that a crash
 * could lose. */
#include "config.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include "isnsd/isrv-server.h"
#include "discovery/isns-proto.h"

#define READ_CHUNK 65536
/* Stop reading from a client whose answers pile up unread. */
#define MAX_OUT_BACKLOG (8u << 20)
/* A message may be up to 4 MiB (a DD with tens of thousands of members);
 * with at most MAX_CONNS clients that bounds what hostile peers can make
 * the server buffer. */
#define MAX_MESSAGE (4u << 20)
#define MAX_CONNS 1024

typedef struct Conn Conn;

struct IsrvServer {
	IsrvCore *core;
	GSocket *listener;
	GSource *accept_src;
	GList *conns;
	GPtrArray *pending;      /* Answer*: wait for the commit */
	IsrvEsi *esi;
	guint expire_timer;
	guint commit_timer;
	GSocket *udp;            /* sec. 5.1: iSNSP over UDP, one PDU per datagram */
	GSource *udp_src;
};

struct Conn {
	IsrvServer *srv;
	GSocket *sock;
	GSource *in_src, *out_src;
	IDiscReassembler *r;
	GByteArray *out;
	gboolean closing;        /* close once OUT is flushed */
	int refs;
	char *peer;
};

typedef struct {
	Conn *conn;              /* TCP, or NULL for UDP: */
	GSocketAddress *to;      /* the sender of the datagram */
	guint16 function, xid;
	GBytes *bytes;
} Answer;

static void conn_unref(Conn *c)
{
	if (--c->refs > 0)
		return;
	g_free(c->peer);
	g_byte_array_unref(c->out);
	idisc_reassembler_free(c->r);
	g_object_unref(c->sock);
	g_free(c);
}

static void conn_close(Conn *c)
{
	if (!c->sock || g_socket_is_closed(c->sock))
		return;
	if (c->in_src) {
		g_source_destroy(c->in_src);
		g_source_unref(c->in_src);
		c->in_src = NULL;
	}
	if (c->out_src) {
		g_source_destroy(c->out_src);
		g_source_unref(c->out_src);
		c->out_src = NULL;
	}
	g_socket_close(c->sock, NULL);
	c->srv->conns = g_list_remove(c->srv->conns, c);
	g_debug("connection from %s closed", c->peer);
	conn_unref(c);
}

static gboolean on_readable(GSocket *sock, GIOCondition cond, gpointer p);
static gboolean on_writable(GSocket *sock, GIOCondition cond, gpointer p);

static void watch_in(Conn *c, gboolean on)
{
	if (on && !c->in_src && !g_socket_is_closed(c->sock)) {
		c->in_src = g_socket_create_source(c->sock, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
		g_source_set_callback(c->in_src, (GSourceFunc) (void (*)(void)) on_readable, c, NULL);
		g_source_attach(c->in_src, NULL);
	} else if (!on && c->in_src) {
		g_source_destroy(c->in_src);
		g_source_unref(c->in_src);
		c->in_src = NULL;
	}
}

/* Write what we can; arm the OUT watch for the rest. */
static void conn_flush(Conn *c)
{
	while (c->out->len > 0 && !g_socket_is_closed(c->sock)) {
		g_autoptr(GError) error = NULL;
		gssize n = g_socket_send(c->sock, (const gchar *) c->out->data, c->out->len, NULL, &error);
		if (n < 0) {
			if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
				break;
			conn_close(c);
			return;
		}
		g_byte_array_remove_range(c->out, 0, (guint) n);
	}
	if (g_socket_is_closed(c->sock))
		return;
	if (c->out->len > 0 && !c->out_src) {
		c->out_src = g_socket_create_source(c->sock, G_IO_OUT | G_IO_ERR | G_IO_HUP, NULL);
		g_source_set_callback(c->out_src, (GSourceFunc) (void (*)(void)) on_writable, c, NULL);
		g_source_attach(c->out_src, NULL);
	}
	if (c->out->len == 0 && c->closing) {
		conn_close(c);
		return;
	}
	watch_in(c, c->out->len < MAX_OUT_BACKLOG && !c->closing);
}

static gboolean on_writable(GSocket *sock, GIOCondition cond, gpointer p)
{
	Conn *c = p;
	g_source_unref(c->out_src);
	c->out_src = NULL;
	conn_flush(c);
	return G_SOURCE_REMOVE;
}

static void queue_answer(IsrvServer *srv, Conn *c, guint16 function, guint16 xid, GBytes *bytes)
{
	Answer *a = g_new0(Answer, 1);
	a->conn = c;
	c->refs++;
	a->function = function;
	a->xid = xid;
	a->bytes = bytes;
	g_ptr_array_add(srv->pending, a);
}

static void queue_udp_answer(IsrvServer *srv, GSocketAddress *to, guint16 function, guint16 xid,
			     GBytes *bytes)
{
	Answer *a = g_new0(Answer, 1);
	a->to = g_object_ref(to);
	a->function = function;
	a->xid = xid;
	a->bytes = bytes;
	g_ptr_array_add(srv->pending, a);
}

static void answer_free(Answer *a)
{
	if (a->conn)
		conn_unref(a->conn);
	g_clear_object(&a->to);
	if (a->bytes)
		g_bytes_unref(a->bytes);
	g_free(a);
}

/* Sec. 5.1: over UDP every PDU of an answer is its own datagram. */
static void send_datagrams(IsrvServer *srv, Answer *a, gboolean committed)
{
	g_autoptr(GBytes) failed = NULL;
	GBytes *b = a->bytes;
	if (!committed && b)
		b = failed = isrv_core_reject(srv->core, a->function, a->xid, IDISC_ISNS_INTERNAL_ERROR);
	if (!b || !srv->udp)
		return;
	gsize n, off = 0;
	const guint8 *d = g_bytes_get_data(b, &n);
	while (n - off >= IDISC_ISNS_HDR_LEN) {
		IDiscPduHeader h;
		idisc_pdu_header_decode(d + off, &h);
		gsize len = IDISC_ISNS_HDR_LEN + h.length;
		if (len > n - off)
			break;
		g_socket_send_to(srv->udp, a->to, (const gchar *) d + off, len, NULL, NULL);
		off += len;
	}
}

void isrv_server_commit(IsrvServer *srv)
{
	IsrvCore *core = srv->core;
	if (srv->commit_timer) {
		g_source_remove(srv->commit_timer);
		srv->commit_timer = 0;
	}
	gboolean ok = TRUE;
	if (isrv_db_in_batch(core->db)) {
		g_autoptr(GError) error = NULL;
		ok = isrv_db_commit(core->db, &error);
		if (!ok) {
			/* Nothing of the batch is kept: every answer becomes status 11
			 * and no notification leaves. */
			g_warning("commit failed, batch rolled back: %s", error->message);
			g_ptr_array_set_size(core->events, 0);
		}
	}
	GPtrArray *pending = srv->pending;
	srv->pending = g_ptr_array_new_with_free_func((GDestroyNotify) answer_free);
	for (guint i = 0; i < pending->len; i++) {
		Answer *a = pending->pdata[i];
		if (!a->conn) {
			send_datagrams(srv, a, ok);
			continue;
		}
		if (g_socket_is_closed(a->conn->sock))
			continue;
		GBytes *b = a->bytes;
		g_autoptr(GBytes) failed = NULL;
		if (!ok && b)
			b = failed = isrv_core_reject(core, a->function, a->xid, IDISC_ISNS_INTERNAL_ERROR);
		if (b) {
			gsize n;
			const guint8 *d = g_bytes_get_data(b, &n);
			g_byte_array_append(a->conn->out, d, (guint) n);
		}
	}
	for (guint i = 0; i < pending->len; i++) {
		Answer *a = pending->pdata[i];
		if (a->conn && !g_socket_is_closed(a->conn->sock))
			conn_flush(a->conn);
	}
	g_ptr_array_unref(pending);
	isrv_notify_flush(core);
}

static void begin_batch(IsrvServer *srv)
{
	if (isrv_db_in_batch(srv->core->db))
		return;
	g_autoptr(GError) error = NULL;
	if (!isrv_db_begin(srv->core->db, &error))
		g_warning("cannot begin a transaction: %s", error->message);
}

static gboolean on_commit_timer(gpointer p)
{
	IsrvServer *srv = p;
	srv->commit_timer = 0;
	isrv_server_commit(srv);
	return G_SOURCE_REMOVE;
}

static gboolean on_readable(GSocket *sock, GIOCondition cond, gpointer p)
{
	Conn *c = p;
	IsrvServer *srv = c->srv;
	guint8 buf[READ_CHUNK];
	gboolean eof = FALSE;
	c->refs++;
	/* Take what is there (bounded), then handle every complete message. */
	for (int rounds = 0; rounds < 4; rounds++) {
		g_autoptr(GError) error = NULL;
		gssize n = g_socket_receive(sock, (gchar *) buf, sizeof buf, NULL, &error);
		if (n < 0) {
			if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
				eof = TRUE;
			break;
		}
		if (n == 0) {
			eof = TRUE;
			break;
		}
		idisc_reassembler_feed(c->r, buf, (gsize) n);
		if ((gsize) n < sizeof buf)
			break;
	}
	IDiscMessage m = { 0 };
	guint32 status;
	for (;;) {
		g_autoptr(GError) error = NULL;
		IDiscReasmResult rr = idisc_reassembler_next(c->r, &m, &status, &error);
		if (rr == IDISC_REASM_NEED_MORE)
			break;
		if (rr == IDISC_REASM_FATAL) {
			g_message("closing connection from %s: %s", c->peer, error->message);
			c->closing = TRUE;
			break;
		}
		begin_batch(srv);
		if (rr == IDISC_REASM_REJECT) {
			g_debug("from %s: %s (status %u)", c->peer, error->message, status);
			queue_answer(srv, c, m.function, m.xid, isrv_core_reject(srv->core, m.function, m.xid, status));
			continue;
		}
		GBytes *answer = isrv_core_handle(srv->core, &m);
		queue_answer(srv, c, m.function, m.xid, answer);
		idisc_message_clear(&m);
	}
	/* Group commit: wait a millisecond for the requests that pipelining
	 * clients send as soon as they read their previous answers; a commit
	 * (one fsync, typically several ms) then covers them all. */
	if (!srv->commit_timer && srv->pending->len)
		srv->commit_timer = g_timeout_add(1, on_commit_timer, srv);
	gboolean alive = !g_socket_is_closed(c->sock);
	if (alive && (eof || c->closing)) {
		/* The peer is done (or framing is lost): answer what it sent,
		 * then close. */
		c->closing = TRUE;
		isrv_server_commit(srv);
		conn_flush(c);
	}
	/* The source stays attached unless the connection went away or
	 * back-pressure removed it (watch_in handles both). */
	gboolean keep = !g_socket_is_closed(c->sock) && c->in_src == g_main_current_source();
	conn_unref(c);
	return keep ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* One datagram: one or more complete PDUs (sec. 5.1). */
static gboolean on_udp(GSocket *sock, GIOCondition cond, gpointer p)
{
	IsrvServer *srv = p;
	guint8 buf[IDISC_ISNS_HDR_LEN + 65535];
	GSocketAddress *from = NULL;
	gssize n = g_socket_receive_from(sock, &from, (gchar *) buf, sizeof buf, NULL, NULL);
	if (n <= 0 || !from) {
		g_clear_object(&from);
		return G_SOURCE_CONTINUE;
	}
	g_autoptr(IDiscReassembler) r = idisc_reassembler_new(sizeof buf);
	idisc_reassembler_feed(r, buf, (gsize) n);
	IDiscMessage m = { 0 };
	guint32 status;
	IDiscReasmResult rr;
	while ((rr = idisc_reassembler_next(r, &m, &status, NULL)) == IDISC_REASM_MESSAGE ||
	       rr == IDISC_REASM_REJECT) {
		begin_batch(srv);
		GBytes *answer = rr == IDISC_REASM_MESSAGE ? isrv_core_handle(srv->core, &m)
							   : isrv_core_reject(srv->core, m.function, m.xid, status);
		queue_udp_answer(srv, from, m.function, m.xid, answer);
		idisc_message_clear(&m);
	}
	g_object_unref(from);
	if (!srv->commit_timer && srv->pending->len)
		srv->commit_timer = g_timeout_add(1, on_commit_timer, srv);
	return G_SOURCE_CONTINUE;
}

static gboolean on_accept(GSocket *listener, GIOCondition cond, gpointer p)
{
	IsrvServer *srv = p;
	g_autoptr(GError) error = NULL;
	GSocket *s = g_socket_accept(listener, NULL, &error);
	if (!s)
		return G_SOURCE_CONTINUE;
	if (g_list_length(srv->conns) >= MAX_CONNS) {
		g_message("refusing a connection: %u clients connected already", MAX_CONNS);
		g_socket_close(s, NULL);
		g_object_unref(s);
		return G_SOURCE_CONTINUE;
	}
	g_socket_set_blocking(s, FALSE);
	g_socket_set_option(s, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
	Conn *c = g_new0(Conn, 1);
	c->srv = srv;
	c->sock = s;
	c->refs = 1;
	c->r = idisc_reassembler_new(MAX_MESSAGE);
	c->out = g_byte_array_new();
	g_autoptr(GSocketAddress) ra = g_socket_get_remote_address(s, NULL);
	if (ra && G_IS_INET_SOCKET_ADDRESS(ra)) {
		g_autofree char *ip = g_inet_address_to_string(
			g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(ra)));
		c->peer = g_strdup_printf("%s:%u", ip, g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(ra)));
	} else {
		c->peer = g_strdup("?");
	}
	srv->conns = g_list_prepend(srv->conns, c);
	watch_in(c, TRUE);
	return G_SOURCE_CONTINUE;
}

static gboolean on_expire(gpointer p)
{
	IsrvServer *srv = p;
	begin_batch(srv);
	guint n = isrv_core_expire(srv->core, g_get_monotonic_time());
	if (n)
		g_message("%u entities expired (registration period over)", n);
	isrv_server_commit(srv);
	return G_SOURCE_CONTINUE;
}

static void hook_portal(gpointer user, gint64 id, gboolean present)
{
	IsrvServer *srv = user;
	if (srv->esi)
		isrv_esi_update(srv->esi, id, present);
}

static void hook_entity(gpointer user, gint64 id)
{
	IsrvServer *srv = user;
	if (srv->esi)
		isrv_esi_forget_entity(srv->esi, id);
}

IsrvServer *isrv_server_new(IsrvCore *core)
{
	IsrvServer *srv = g_new0(IsrvServer, 1);
	srv->core = core;
	srv->pending = g_ptr_array_new_with_free_func((GDestroyNotify) answer_free);
	core->hooks.portal_esi = hook_portal;
	core->hooks.entity_gone = hook_entity;
	core->hooks.user = srv;
	srv->esi = isrv_esi_new(srv, core);
	srv->expire_timer = g_timeout_add_seconds(1, on_expire, srv);
	return srv;
}

void isrv_server_free(IsrvServer *srv)
{
	if (!srv)
		return;
	isrv_server_commit(srv);
	while (srv->conns)
		conn_close(srv->conns->data);
	if (srv->accept_src) {
		g_source_destroy(srv->accept_src);
		g_source_unref(srv->accept_src);
	}
	if (srv->listener)
		g_object_unref(srv->listener);
	if (srv->udp_src) {
		g_source_destroy(srv->udp_src);
		g_source_unref(srv->udp_src);
	}
	if (srv->udp)
		g_object_unref(srv->udp);
	g_source_remove(srv->expire_timer);
	isrv_esi_free(srv->esi);
	srv->core->hooks = (IsrvCoreHooks) { 0 };
	g_ptr_array_unref(srv->pending);
	g_free(srv);
}

gboolean isrv_server_listen(IsrvServer *srv, const char *spec, GError **error)
{
	g_autoptr(GSocketConnectable) conn = g_network_address_parse(spec, 3205, error);
	if (!conn)
		return FALSE;
	const char *host = g_network_address_get_hostname(G_NETWORK_ADDRESS(conn));
	guint16 port = g_network_address_get_port(G_NETWORK_ADDRESS(conn));
	g_autoptr(GInetAddress) ia = g_inet_address_new_from_string(host);
	if (!ia) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "--listen needs a numeric address, not '%s'", host);
		return FALSE;
	}
	g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(ia, port);
	srv->listener = g_socket_new(g_inet_address_get_family(ia), G_SOCKET_TYPE_STREAM,
				     G_SOCKET_PROTOCOL_TCP, error);
	if (!srv->listener)
		return FALSE;
	g_socket_set_blocking(srv->listener, FALSE);
	if (!g_socket_bind(srv->listener, sa, TRUE, error) || !g_socket_listen(srv->listener, error))
		return FALSE;
	srv->accept_src = g_socket_create_source(srv->listener, G_IO_IN, NULL);
	g_source_set_callback(srv->accept_src, (GSourceFunc) (void (*)(void)) on_accept, srv, NULL);
	g_source_attach(srv->accept_src, NULL);
	/* The same port over UDP (sec. 5.1, 8). */
	srv->udp = g_socket_new(g_inet_address_get_family(ia), G_SOCKET_TYPE_DATAGRAM,
				G_SOCKET_PROTOCOL_UDP, error);
	if (!srv->udp)
		return FALSE;
	g_socket_set_blocking(srv->udp, FALSE);
	if (!g_socket_bind(srv->udp, sa, TRUE, error))
		return FALSE;
	srv->udp_src = g_socket_create_source(srv->udp, G_IO_IN, NULL);
	g_source_set_callback(srv->udp_src, (GSourceFunc) (void (*)(void)) on_udp, srv, NULL);
	g_source_attach(srv->udp_src, NULL);
	return TRUE;
}

guint16 isrv_server_port(IsrvServer *srv)
{
	if (!srv->listener)
		return 0;
	g_autoptr(GSocketAddress) a = g_socket_get_local_address(srv->listener, NULL);
	return a ? g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(a)) : 0;
}
