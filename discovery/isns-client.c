/* The iSNS client (see isns-client.h).  One TCP connection to the server,
 * one request at a time (registration, keep-alive query, SCNReg), answers
 * matched by transaction ID; a listening port for the server's ESI and SCN
 * messages (RFC 4171 sec. 5.6.5.8, 5.6.5.13). */
#include "config.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include "discovery/isns-client.h"
#include "discovery/isns-addr.h"
#include "discovery/isns-error.h"
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"

#define RETRY_MIN_S 1
#define RETRY_MAX_S 30
#define ANSWER_TIMEOUT_S 10

typedef struct {
	char *address;
	guint16 port;
} Portal;

typedef struct {
	char *name, *alias;
	guint32 type;
} Node;

typedef struct {
	char *node, *address;
	guint16 port;
	guint32 tag;
} Group;

typedef enum { REQ_REGISTER, REQ_SCN, REQ_REFRESH } ReqKind;

struct _IDiscIsnsClient {
	GObject parent;
	char *server;
	char *entity_id;
	guint period;
	GArray *portals, *nodes, *groups;
	char *esi_address;
	guint16 esi_port_wanted;
	guint esi_interval;
	guint32 scn_bitmap;

	gboolean running, registered;
	GSocketService *listener;
	guint16 esi_port;
	GSocketConnection *conn;
	GCancellable *cancel;
	IDiscReassembler *r;
	guint8 buf[16384];
	guint16 xid;
	guint16 pending_xid;       /* 0 = nothing outstanding */
	ReqKind pending_kind;
	guint scn_left;            /* SCNReg still to send (one per node) */
	guint retry_timer, refresh_timer, answer_timer;
	guint retry_s;
	guint16 seen_xids[32];     /* SCN duplicates */
	guint seen_pos;
};

G_DEFINE_TYPE(IDiscIsnsClient, idisc_isns_client, G_TYPE_OBJECT)

enum { SIG_REGISTERED, SIG_FAILED, SIG_SCN, SIG_ESI, N_SIGNALS };
static guint signals[N_SIGNALS];

static void portal_clear(gpointer p) { g_free(((Portal *) p)->address); }
static void node_clear(gpointer p) { g_free(((Node *) p)->name); g_free(((Node *) p)->alias); }
static void group_clear(gpointer p) { g_free(((Group *) p)->node); g_free(((Group *) p)->address); }

static void disconnect(IDiscIsnsClient *c);
static void connect_now(IDiscIsnsClient *c);
static void send_next(IDiscIsnsClient *c);

static void idisc_isns_client_init(IDiscIsnsClient *c)
{
	c->portals = g_array_new(FALSE, TRUE, sizeof(Portal));
	g_array_set_clear_func(c->portals, portal_clear);
	c->nodes = g_array_new(FALSE, TRUE, sizeof(Node));
	g_array_set_clear_func(c->nodes, node_clear);
	c->groups = g_array_new(FALSE, TRUE, sizeof(Group));
	g_array_set_clear_func(c->groups, group_clear);
	c->esi_interval = 20;
	c->retry_s = RETRY_MIN_S;
}

static void idisc_isns_client_finalize(GObject *o)
{
	IDiscIsnsClient *c = IDISC_ISNS_CLIENT(o);
	idisc_isns_client_stop(c, FALSE);
	g_free(c->server);
	g_free(c->entity_id);
	g_free(c->esi_address);
	g_array_unref(c->portals);
	g_array_unref(c->nodes);
	g_array_unref(c->groups);
	G_OBJECT_CLASS(idisc_isns_client_parent_class)->finalize(o);
}

static void idisc_isns_client_class_init(IDiscIsnsClientClass *k)
{
	G_OBJECT_CLASS(k)->finalize = idisc_isns_client_finalize;
	signals[SIG_REGISTERED] = g_signal_new("registered", G_TYPE_FROM_CLASS(k), G_SIGNAL_RUN_LAST, 0,
					       NULL, NULL, NULL, G_TYPE_NONE, 0);
	signals[SIG_FAILED] = g_signal_new("failed", G_TYPE_FROM_CLASS(k), G_SIGNAL_RUN_LAST, 0, NULL,
					   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	signals[SIG_SCN] = g_signal_new("scn", G_TYPE_FROM_CLASS(k), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
					NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_UINT);
	signals[SIG_ESI] = g_signal_new("esi", G_TYPE_FROM_CLASS(k), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
					NULL, G_TYPE_NONE, 0);
}

IDiscIsnsClient *idisc_isns_client_new(const char *server, const char *entity_id,
				       guint registration_period)
{
	IDiscIsnsClient *c = g_object_new(IDISC_TYPE_ISNS_CLIENT, NULL);
	c->server = g_strdup(server);
	c->entity_id = g_strdup(entity_id);
	c->period = registration_period;
	return c;
}

static void reregister_soon(IDiscIsnsClient *c)
{
	c->registered = FALSE;
	if (c->running && c->conn && !c->pending_xid) {
		c->pending_kind = REQ_REGISTER;
		send_next(c);
	}
}

void idisc_isns_client_set_portals(IDiscIsnsClient *c, const IDiscIsnsPortal *p, guint n)
{
	g_array_set_size(c->portals, 0);
	for (guint i = 0; i < n; i++) {
		Portal v = { g_strdup(p[i].address), p[i].port };
		g_array_append_val(c->portals, v);
	}
	reregister_soon(c);
}

void idisc_isns_client_set_nodes(IDiscIsnsClient *c, const IDiscIsnsNode *p, guint n)
{
	g_array_set_size(c->nodes, 0);
	for (guint i = 0; i < n; i++) {
		Node v = { g_strdup(p[i].name), g_strdup(p[i].alias), p[i].type };
		g_array_append_val(c->nodes, v);
	}
	reregister_soon(c);
}

void idisc_isns_client_set_portal_groups(IDiscIsnsClient *c, const IDiscIsnsPortalGroup *p, guint n)
{
	g_array_set_size(c->groups, 0);
	for (guint i = 0; i < n; i++) {
		Group v = { g_strdup(p[i].node), g_strdup(p[i].address), p[i].port, p[i].tag };
		g_array_append_val(c->groups, v);
	}
	reregister_soon(c);
}

void idisc_isns_client_set_esi(IDiscIsnsClient *c, const char *address, guint16 port, guint interval)
{
	g_free(c->esi_address);
	c->esi_address = g_strdup(address);
	c->esi_port_wanted = port;
	if (interval)
		c->esi_interval = interval;
}

void idisc_isns_client_set_scn(IDiscIsnsClient *c, guint32 bitmap)
{
	c->scn_bitmap = bitmap;
}

guint16 idisc_isns_client_get_esi_port(IDiscIsnsClient *c) { return c->esi_port; }
const char *idisc_isns_client_get_entity_id(IDiscIsnsClient *c) { return c->entity_id; }
gboolean idisc_isns_client_is_registered(IDiscIsnsClient *c) { return c->registered; }

static const char *source_name(IDiscIsnsClient *c)
{
	return c->nodes->len ? g_array_index(c->nodes, Node, 0).name : "";
}

static void put_addr(GByteArray *b, guint32 tag, const char *text)
{
	guint8 a[IDISC_ADDR_LEN];
	if (!idisc_addr_parse(text, a))
		memset(a, 0, sizeof a);
	idisc_put_tlv(b, tag, a, sizeof a);
}

/* Sec. 5.6.5.1: DevAttrReg with REPLACE, so the server holds exactly our
 * current state: entity, portals (with ESI and SCN ports), nodes, PGs. */
static GByteArray *build_registration(IDiscIsnsClient *c, guint16 *flags)
{
	GByteArray *b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, source_name(c));
	if (c->entity_id)
		idisc_put_string(b, IDISC_TAG_ENTITY_ID, c->entity_id);
	idisc_put_delimiter(b);
	if (c->entity_id)
		idisc_put_string(b, IDISC_TAG_ENTITY_ID, c->entity_id);
	else
		idisc_put_nil(b, IDISC_TAG_ENTITY_ID);
	idisc_put_u32(b, IDISC_TAG_ENTITY_PROTOCOL, 2);
	idisc_put_u32(b, IDISC_TAG_REG_PERIOD, c->period);
	for (guint i = 0; i < c->portals->len; i++) {
		Portal *p = &g_array_index(c->portals, Portal, i);
		put_addr(b, IDISC_TAG_PORTAL_IP, p->address);
		idisc_put_u32(b, IDISC_TAG_PORTAL_PORT, p->port);
		if (c->esi_port) {
			idisc_put_u32(b, IDISC_TAG_ESI_INTERVAL, c->esi_interval);
			idisc_put_u32(b, IDISC_TAG_ESI_PORT, c->esi_port);
			idisc_put_u32(b, IDISC_TAG_SCN_PORT, c->esi_port);
		}
	}
	for (guint i = 0; i < c->nodes->len; i++) {
		Node *n = &g_array_index(c->nodes, Node, i);
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, n->name);
		idisc_put_u32(b, IDISC_TAG_NODE_TYPE, n->type);
		if (n->alias && *n->alias)
			idisc_put_string(b, IDISC_TAG_ALIAS, n->alias);
	}
	for (guint i = 0; i < c->groups->len; i++) {
		Group *g = &g_array_index(c->groups, Group, i);
		idisc_put_string(b, IDISC_TAG_PG_ISCSI_NAME, g->node);
		put_addr(b, IDISC_TAG_PG_PORTAL_IP, g->address);
		idisc_put_u32(b, IDISC_TAG_PG_PORTAL_PORT, g->port);
		idisc_put_u32(b, IDISC_TAG_PG_TAG, g->tag);
	}
	*flags = c->entity_id ? IDISC_ISNS_FLAG_REPLACE : 0;
	return b;
}

static void retry_later(IDiscIsnsClient *c, const char *why);

static gboolean on_answer_timeout(gpointer p)
{
	IDiscIsnsClient *c = p;
	c->answer_timer = 0;
	retry_later(c, "the iSNS server did not answer");
	return G_SOURCE_REMOVE;
}

static void send_request(IDiscIsnsClient *c, guint16 function, guint16 flags, GByteArray *payload)
{
	if (++c->xid == 0)
		c->xid = 1;
	c->pending_xid = c->xid;
	g_autoptr(GByteArray) wire = g_byte_array_new();
	idisc_message_encode(wire, function, flags | IDISC_ISNS_FLAG_CLIENT, c->xid, payload->data,
			     payload->len, 65532);
	g_autoptr(GError) error = NULL;
	/* Requests are small; a blocking write on a healthy connection. */
	if (!g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(c->conn)), wire->data,
				       wire->len, NULL, NULL, &error)) {
		retry_later(c, error->message);
		return;
	}
	if (c->answer_timer)
		g_source_remove(c->answer_timer);
	c->answer_timer = g_timeout_add_seconds(ANSWER_TIMEOUT_S, on_answer_timeout, c);
}

static void send_next(IDiscIsnsClient *c)
{
	if (!c->conn || c->pending_xid)
		return;
	g_autoptr(GByteArray) b = NULL;
	guint16 flags = 0;
	switch (c->pending_kind) {
	case REQ_REGISTER:
		b = build_registration(c, &flags);
		send_request(c, IDISC_ISNS_DEV_ATTR_REG, flags, b);
		break;
	case REQ_SCN: {
		/* Sec. 5.6.5.5: one SCNReg per node, keyed by the node. */
		Node *n = &g_array_index(c->nodes, Node, c->nodes->len - c->scn_left);
		b = g_byte_array_new();
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, n->name);
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, n->name);
		idisc_put_delimiter(b);
		idisc_put_u32(b, IDISC_TAG_SCN_BITMAP, c->scn_bitmap);
		send_request(c, IDISC_ISNS_SCN_REG, 0, b);
		break;
	}
	case REQ_REFRESH:
		/* Sec. 6.2.6: any message refreshes the registration; a query of
		 * our own entity also tells whether the server still has it. */
		b = g_byte_array_new();
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, source_name(c));
		idisc_put_string(b, IDISC_TAG_ENTITY_ID, c->entity_id ? c->entity_id : "");
		idisc_put_delimiter(b);
		idisc_put_nil(b, IDISC_TAG_ENTITY_ID);
		send_request(c, IDISC_ISNS_DEV_ATTR_QRY, 0, b);
		break;
	}
}

static gboolean on_refresh(gpointer p)
{
	IDiscIsnsClient *c = p;
	if (c->conn && !c->pending_xid) {
		c->pending_kind = c->registered ? REQ_REFRESH : REQ_REGISTER;
		send_next(c);
	} else if (!c->conn && !c->retry_timer) {
		connect_now(c);
	}
	return G_SOURCE_CONTINUE;
}

static void handle_answer(IDiscIsnsClient *c, IDiscTlvList *l)
{
	c->pending_xid = 0;
	if (c->answer_timer)
		g_source_remove(c->answer_timer);
	c->answer_timer = 0;
	switch (c->pending_kind) {
	case REQ_REGISTER:
		if (l->status != IDISC_ISNS_OK) {
			g_autofree char *why = g_strdup_printf("registration refused: %s (%u)",
							       idisc_isns_status_name(l->status), l->status);
			retry_later(c, why);
			return;
		}
		/* The server may have named our entity (sec. 5.6.5.1). */
		if (!c->entity_id && l->delim > 0) {
			const IDiscTlv *t = idisc_tlv_list_get(l, 0);
			if (t->tag == IDISC_TAG_ENTITY_ID && t->len)
				c->entity_id = g_strdup(idisc_tlv_string(t));
		}
		c->registered = TRUE;
		c->retry_s = RETRY_MIN_S;
		g_signal_emit(c, signals[SIG_REGISTERED], 0);
		if (c->scn_bitmap && c->nodes->len) {
			c->scn_left = c->nodes->len;
			c->pending_kind = REQ_SCN;
			send_next(c);
		}
		break;
	case REQ_SCN:
		if (l->status != IDISC_ISNS_OK)
			g_signal_emit(c, signals[SIG_FAILED], 0, "SCN registration refused");
		if (--c->scn_left > 0)
			send_next(c);
		break;
	case REQ_REFRESH: {
		/* Lost by the server (restart on an empty database, expiry):
		 * register again. */
		gboolean found = FALSE;
		for (guint i = l->delim; i < idisc_tlv_list_count(l); i++)
			found |= idisc_tlv_list_get(l, i)->tag == IDISC_TAG_ENTITY_ID;
		if (l->status != IDISC_ISNS_OK || !found) {
			c->registered = FALSE;
			c->pending_kind = REQ_REGISTER;
			send_next(c);
		}
		break;
	}
	}
}

static void on_read(GObject *src, GAsyncResult *res, gpointer p)
{
	IDiscIsnsClient *c = p;
	g_autoptr(GError) error = NULL;
	gssize n = g_input_stream_read_finish(G_INPUT_STREAM(src), res, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (n <= 0) {
		retry_later(c, n == 0 ? "the iSNS server closed the connection" : error->message);
		return;
	}
	idisc_reassembler_feed(c->r, c->buf, (gsize) n);
	IDiscMessage m = { 0 };
	guint32 st;
	IDiscReasmResult rr;
	while ((rr = idisc_reassembler_next(c->r, &m, &st, NULL)) == IDISC_REASM_MESSAGE ||
	       rr == IDISC_REASM_REJECT) {
		if (rr == IDISC_REASM_MESSAGE && (m.function & IDISC_ISNS_RESPONSE) && m.xid == c->pending_xid) {
			g_autoptr(IDiscTlvList) l = idisc_tlv_list_decode(m.payload, TRUE, NULL);
			idisc_message_clear(&m);
			if (!l) {
				retry_later(c, "malformed answer from the iSNS server");
				return;
			}
			handle_answer(c, l);
			if (!c->conn)
				return;
		}
		idisc_message_clear(&m);
	}
	if (rr == IDISC_REASM_FATAL) {
		retry_later(c, "iSNS framing lost");
		return;
	}
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(c->conn)), c->buf,
				  sizeof c->buf, G_PRIORITY_DEFAULT, c->cancel, on_read, c);
}

static void on_connected(GObject *src, GAsyncResult *res, gpointer p)
{
	IDiscIsnsClient *c = p;
	g_autoptr(GError) error = NULL;
	GSocketConnection *conn = g_socket_client_connect_finish(G_SOCKET_CLIENT(src), res, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (!conn) {
		retry_later(c, error->message);
		return;
	}
	c->conn = conn;
	g_socket_set_option(g_socket_connection_get_socket(conn), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
	c->r = idisc_reassembler_new(16u << 20);
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(c->conn)), c->buf,
				  sizeof c->buf, G_PRIORITY_DEFAULT, c->cancel, on_read, c);
	/* A new connection may mean a new server: register again. */
	c->pending_kind = REQ_REGISTER;
	c->pending_xid = 0;
	send_next(c);
}

static void connect_now(IDiscIsnsClient *c)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_socket_client_set_timeout(client, ANSWER_TIMEOUT_S);
	g_socket_client_connect_to_host_async(client, c->server, IDISC_ISNS_DEFAULT_PORT, c->cancel,
					      on_connected, c);
}

static gboolean on_retry(gpointer p)
{
	IDiscIsnsClient *c = p;
	c->retry_timer = 0;
	connect_now(c);
	return G_SOURCE_REMOVE;
}

static void disconnect(IDiscIsnsClient *c)
{
	if (c->answer_timer)
		g_source_remove(c->answer_timer);
	c->answer_timer = 0;
	c->pending_xid = 0;
	if (c->conn) {
		g_cancellable_cancel(c->cancel);
		g_object_unref(c->cancel);
		c->cancel = g_cancellable_new();
		g_io_stream_close(G_IO_STREAM(c->conn), NULL, NULL);
		g_clear_object(&c->conn);
	}
	g_clear_pointer(&c->r, idisc_reassembler_free);
}

static void retry_later(IDiscIsnsClient *c, const char *why)
{
	disconnect(c);
	c->registered = FALSE;
	g_signal_emit(c, signals[SIG_FAILED], 0, why);
	if (!c->running || c->retry_timer)
		return;
	c->retry_timer = g_timeout_add_seconds(c->retry_s, on_retry, c);
	c->retry_s = MIN(c->retry_s * 2, RETRY_MAX_S);
}

/* --- the ESI / SCN port --- */

typedef struct {
	IDiscIsnsClient *c;
	GSocketConnection *conn;
	IDiscReassembler *r;
	guint8 buf[8192];
} Inbound;

static void inbound_free(Inbound *in)
{
	g_object_unref(in->conn);
	idisc_reassembler_free(in->r);
	g_object_unref(in->c);
	g_free(in);
}

static gboolean seen_xid(IDiscIsnsClient *c, guint16 xid)
{
	for (guint i = 0; i < G_N_ELEMENTS(c->seen_xids); i++)
		if (c->seen_xids[i] == xid)
			return TRUE;
	c->seen_xids[c->seen_pos++ % G_N_ELEMENTS(c->seen_xids)] = xid;
	return FALSE;
}

/* Answer an ESI (sec. 5.7.5.13: echo its attributes) or an SCN (sec.
 * 5.7.5.8: the destination attribute) and report it. */
static void handle_inbound(Inbound *in, IDiscMessage *m)
{
	IDiscIsnsClient *c = in->c;
	g_autoptr(IDiscTlvList) l = idisc_tlv_list_decode(m->payload, FALSE, NULL);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) body = g_byte_array_new();
	guint32 status = IDISC_ISNS_OK;
	if (!l) {
		status = IDISC_ISNS_MSG_FORMAT_ERROR;
	} else if (m->function == IDISC_ISNS_ESI) {
		gsize n;
		const guint8 *d = g_bytes_get_data(m->payload, &n);
		g_byte_array_append(body, d, (guint) n);
		g_signal_emit(c, signals[SIG_ESI], 0);
	} else if (m->function == IDISC_ISNS_SCN) {
		guint count = idisc_tlv_list_count(l);
		if (count < 1 || idisc_tlv_list_get(l, 0)->tag != IDISC_TAG_ISCSI_NAME) {
			status = IDISC_ISNS_SCN_EVENT_REJECTED;
		} else {
			const IDiscTlv *dest = idisc_tlv_list_get(l, 0);
			idisc_put_tlv(body, dest->tag, dest->value, dest->len);
			if (!seen_xid(c, m->xid)) {
				for (guint i = 1; i + 1 < count; i++) {
					const IDiscTlv *t = idisc_tlv_list_get(l, i);
					const IDiscTlv *u = idisc_tlv_list_get(l, i + 1);
					if (t->tag != IDISC_TAG_SCN_BITMAP || u->tag != IDISC_TAG_ISCSI_NAME)
						continue;
					guint32 dd = 0;
					if (i + 2 < count && idisc_tlv_list_get(l, i + 2)->tag == IDISC_TAG_DD_ID)
						dd = idisc_tlv_u32(idisc_tlv_list_get(l, i + 2));
					g_signal_emit(c, signals[SIG_SCN], 0, idisc_tlv_u32(t), idisc_tlv_string(u), dd);
				}
			}
		}
	} else {
		status = IDISC_ISNS_MSG_NOT_SUPPORTED;
	}
	g_autoptr(GByteArray) payload = g_byte_array_new();
	idisc_put_status(payload, status);
	g_byte_array_append(payload, body->data, body->len);
	idisc_message_encode(out, (guint16) (m->function | IDISC_ISNS_RESPONSE), IDISC_ISNS_FLAG_CLIENT,
			     m->xid, payload->data, payload->len, 65532);
	g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(in->conn)), out->data,
				  out->len, NULL, NULL, NULL);
}

static void on_inbound_read(GObject *src, GAsyncResult *res, gpointer p)
{
	Inbound *in = p;
	gssize n = g_input_stream_read_finish(G_INPUT_STREAM(src), res, NULL);
	if (n <= 0) {
		inbound_free(in);
		return;
	}
	idisc_reassembler_feed(in->r, in->buf, (gsize) n);
	IDiscMessage m = { 0 };
	guint32 st;
	IDiscReasmResult rr;
	while ((rr = idisc_reassembler_next(in->r, &m, &st, NULL)) == IDISC_REASM_MESSAGE ||
	       rr == IDISC_REASM_REJECT) {
		if (rr == IDISC_REASM_MESSAGE)
			handle_inbound(in, &m);
		idisc_message_clear(&m);
	}
	if (rr == IDISC_REASM_FATAL) {
		inbound_free(in);
		return;
	}
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(in->conn)), in->buf,
				  sizeof in->buf, G_PRIORITY_DEFAULT, NULL, on_inbound_read, in);
}

static gboolean on_incoming(GSocketService *svc, GSocketConnection *conn, GObject *src, gpointer p)
{
	Inbound *in = g_new0(Inbound, 1);
	in->c = g_object_ref(IDISC_ISNS_CLIENT(p));
	in->conn = g_object_ref(conn);
	in->r = idisc_reassembler_new(1u << 20);
	g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(conn)), in->buf,
				  sizeof in->buf, G_PRIORITY_DEFAULT, NULL, on_inbound_read, in);
	return TRUE;
}

gboolean idisc_isns_client_start(IDiscIsnsClient *c, GError **error)
{
	g_return_val_if_fail(!c->running, FALSE);
	if (c->nodes->len == 0) {
		g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID, "an iSNS client needs at least one node");
		return FALSE;
	}
	const char *addr = c->esi_address;
	if (!addr && c->portals->len)
		addr = g_array_index(c->portals, Portal, 0).address;
	if (addr) {
		g_autoptr(GInetAddress) ia = g_inet_address_new_from_string(addr);
		if (!ia) {
			g_set_error(error, IDISC_ERROR, IDISC_ERROR_INVALID, "bad ESI address '%s'", addr);
			return FALSE;
		}
		g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(ia, c->esi_port_wanted);
		g_autoptr(GSocketAddress) eff = NULL;
		c->listener = g_socket_service_new();
		if (!g_socket_listener_add_address(G_SOCKET_LISTENER(c->listener), sa, G_SOCKET_TYPE_STREAM,
						   G_SOCKET_PROTOCOL_TCP, NULL, &eff, error)) {
			g_clear_object(&c->listener);
			return FALSE;
		}
		c->esi_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(eff));
		g_signal_connect(c->listener, "incoming", G_CALLBACK(on_incoming), c);
		g_socket_service_start(c->listener);
	}
	c->running = TRUE;
	c->cancel = g_cancellable_new();
	/* Refresh at a third of the period (and at least every 60 s, which
	 * also notices a server that restarted on an empty database). */
	guint every = c->period ? MAX(c->period / 3, 1) : 60;
	c->refresh_timer = g_timeout_add_seconds(MIN(every, 60), on_refresh, c);
	connect_now(c);
	return TRUE;
}

void idisc_isns_client_stop(IDiscIsnsClient *c, gboolean deregister)
{
	if (!c->running)
		return;
	c->running = FALSE;
	if (deregister && c->conn && c->entity_id) {
		/* Sec. 5.6.5.4: remove our entity; wait briefly for the answer. */
		g_cancellable_cancel(c->cancel);
		g_autoptr(GByteArray) b = g_byte_array_new();
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, source_name(c));
		idisc_put_delimiter(b);
		idisc_put_string(b, IDISC_TAG_ENTITY_ID, c->entity_id);
		g_autoptr(GByteArray) wire = g_byte_array_new();
		idisc_message_encode(wire, IDISC_ISNS_DEV_DEREG, IDISC_ISNS_FLAG_CLIENT, ++c->xid, b->data,
				     b->len, 65532);
		GSocket *s = g_socket_connection_get_socket(c->conn);
		g_socket_set_timeout(s, 2);
		if (g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(c->conn)), wire->data,
					      wire->len, NULL, NULL, NULL)) {
			guint8 buf[512];
			g_socket_set_blocking(s, TRUE);
			g_socket_receive(s, (gchar *) buf, sizeof buf, NULL, NULL);
		}
	}
	disconnect(c);
	if (c->listener) {
		g_socket_service_stop(c->listener);
		g_socket_listener_close(G_SOCKET_LISTENER(c->listener));
		g_signal_handlers_disconnect_by_data(c->listener, c);
		g_clear_object(&c->listener);
	}
	if (c->retry_timer)
		g_source_remove(c->retry_timer);
	if (c->refresh_timer)
		g_source_remove(c->refresh_timer);
	c->retry_timer = c->refresh_timer = 0;
	if (c->cancel)
		g_cancellable_cancel(c->cancel);
	g_clear_object(&c->cancel);
	c->registered = FALSE;
}
