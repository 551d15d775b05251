/* Sends malformed and unauthorized requests to an iSNS server, one
 * connection each, and checks every one gets the RFC 4171 status (or a
 * clean close when no answer can be framed), while a second client on its
 * own connection keeps getting answers.  Prints TAP.
 *   isns-probe ADDR:PORT */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "discovery/isns-call.h"
#include "discovery/isns-error.h"
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"

#define GOOD "iqn.2024-01.test.lab:probe-good"
#define OTHER "iqn.2024-01.test.lab:probe-other"

static const char *server;
static int n_test, n_fail;
static IDiscIsnsConn *good;

static void result(gboolean ok, const char *what)
{
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++n_test, what);
	n_fail += !ok;
	fflush(stdout);
}

static GByteArray *pdu(guint16 version, guint16 function, guint16 flags, const GByteArray *payload)
{
	GByteArray *w = g_byte_array_new();
	IDiscPduHeader h = { version, function, (guint16) payload->len, flags, 42, 0 };
	guint8 hdr[12];
	idisc_pdu_header_encode(&h, hdr);
	g_byte_array_append(w, hdr, 12);
	g_byte_array_append(w, payload->data, payload->len);
	return w;
}

/* EXPECT: a status, -1 for "the server closes the connection", -2 for
 * either status 10 or a close (garbage whose length field points past what
 * was sent cannot be answered before the peer stops). */
static void probe(const char *what, const GByteArray *wire, gboolean half_close, int expect)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IDiscIsnsConn) c = idisc_isns_conn_open(server, 5, &error);
	if (!c) {
		result(FALSE, what);
		return;
	}
	idisc_isns_conn_send_raw(c, wire->data, wire->len, NULL);
	if (half_close)
		idisc_isns_conn_shutdown_write(c);
	g_autoptr(IDiscTlvList) l = idisc_isns_conn_recv(c, NULL, &error);
	gboolean ok;
	gboolean closed = !l && g_error_matches(error, IDISC_ERROR, IDISC_ERROR_CLOSED);
	if (expect == -2)
		ok = closed || (l && l->status == IDISC_ISNS_VERSION_NOT_SUPPORTED);
	else if (expect < 0)
		ok = closed;
	else
		ok = l && l->status == (guint32) expect;
	g_autofree char *desc = g_strdup_printf("%s: %s (got %s %u)", what,
						 expect == -2 ? "status 10 or clean close" :
						 expect < 0 ? "clean close" : "status",
						 l ? "status" : (error ? error->message : "?"), l ? l->status : 0);
	result(ok, desc);

	/* The other client is still served. */
	g_autoptr(GByteArray) q = g_byte_array_new();
	idisc_put_string(q, IDISC_TAG_ISCSI_NAME, GOOD);
	idisc_put_string(q, IDISC_TAG_ISCSI_NAME, GOOD);
	idisc_put_delimiter(q);
	idisc_put_nil(q, IDISC_TAG_NODE_TYPE);
	g_autoptr(GError) e2 = NULL;
	g_autoptr(IDiscTlvList) a = idisc_isns_conn_call(good, IDISC_ISNS_DEV_ATTR_QRY, 0, q, &e2);
	g_autofree char *d2 = g_strdup_printf("... and a concurrent client still gets answers (%s)",
					      a ? "ok" : e2->message);
	result(a && a->status == 0, d2);
}

static guint32 register_node(IDiscIsnsConn *c, const char *name, const char *eid)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_ENTITY_ID, eid);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, IDISC_NODE_INITIATOR);
	g_autoptr(IDiscTlvList) l = idisc_isns_conn_call(c, IDISC_ISNS_DEV_ATTR_REG, 0, b, NULL);
	return l ? l->status : 1000;
}

/* Sec. 5.1: the same over UDP, one PDU per datagram. */
static void probe_udp(const char *what, const GByteArray *wire, guint32 expect)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocketConnectable) addr = g_network_address_parse(server, 3205, &error);
	g_autoptr(GSocketAddressEnumerator) en = addr ? g_socket_connectable_enumerate(addr) : NULL;
	g_autoptr(GSocketAddress) sa = en ? g_socket_address_enumerator_next(en, NULL, &error) : NULL;
	g_autoptr(GSocket) s = sa ? g_socket_new(g_socket_address_get_family(sa), G_SOCKET_TYPE_DATAGRAM,
						   G_SOCKET_PROTOCOL_UDP, &error) : NULL;
	if (!s) {
		result(FALSE, what);
		return;
	}
	g_socket_set_timeout(s, 5);
	g_socket_send_to(s, sa, (const gchar *) wire->data, wire->len, NULL, NULL);
	guint8 buf[65536];
	gssize n = g_socket_receive(s, (gchar *) buf, sizeof buf, NULL, &error);
	gboolean ok = FALSE;
	guint32 status = 0;
	if (n >= 16) {
		IDiscPduHeader h;
		idisc_pdu_header_decode(buf, &h);
		status = (guint32) buf[12] << 24 | (guint32) buf[13] << 16 | (guint32) buf[14] << 8 | buf[15];
		ok = (h.function & IDISC_ISNS_RESPONSE) && h.xid == 42 && status == expect;
	}
	g_autofree char *desc = g_strdup_printf("%s: status %u over UDP (got %s %u)", what, expect,
						 n >= 16 ? "status" : "nothing", status);
	result(ok, desc);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: isns-probe ADDR:PORT\n");
		return 2;
	}
	server = argv[1];
	printf("1..29\n");
	g_autoptr(GError) error = NULL;
	good = idisc_isns_conn_open(server, 5, &error);
	if (!good) {
		printf("Bail out! %s\n", error->message);
		return 1;
	}
	result(register_node(good, GOOD, "probe-good-entity") == 0, "the good client registers");
	{
		g_autoptr(IDiscIsnsConn) o = idisc_isns_conn_open(server, 5, NULL);
		result(o && register_node(o, OTHER, "probe-other-entity") == 0, "another node registers");
	}
	const guint16 FL = IDISC_ISNS_FLAG_CLIENT | IDISC_ISNS_FLAG_FIRST | IDISC_ISNS_FLAG_LAST;
	g_autoptr(GByteArray) src = g_byte_array_new();
	idisc_put_string(src, IDISC_TAG_ISCSI_NAME, GOOD);
	idisc_put_delimiter(src);

	/* truncated header, then the client stops sending */
	g_autoptr(GByteArray) w1 = pdu(1, 2, FL, src);
	g_byte_array_set_size(w1, 5);
	probe("truncated header", w1, TRUE, -1);
	/* PDU length beyond the data sent */
	g_autoptr(GByteArray) w2 = pdu(1, 2, FL, src);
	w2->data[4] = 0x01; /* length 256+ */
	probe("length beyond data", w2, TRUE, -1);
	/* unpadded TLV */
	static const guint8 unpadded[] = { 0, 0, 0, 32, 0, 0, 0, 3, 'a', 'b', 0, 0 };
	g_autoptr(GByteArray) p3 = g_byte_array_new();
	g_byte_array_append(p3, unpadded, sizeof unpadded);
	g_autoptr(GByteArray) w3 = pdu(1, 2, FL, p3);
	probe("unpadded TLV", w3, FALSE, IDISC_ISNS_MSG_FORMAT_ERROR);
	/* TLV length past the end of the message */
	static const guint8 past[] = { 0, 0, 0, 32, 0, 0, 1, 0, 'a', 'b', 0, 0 };
	g_autoptr(GByteArray) p4 = g_byte_array_new();
	g_byte_array_append(p4, past, sizeof past);
	g_autoptr(GByteArray) w4 = pdu(1, 2, FL, p4);
	probe("TLV length past the end", w4, FALSE, IDISC_ISNS_MSG_FORMAT_ERROR);
	/* wrong version */
	g_autoptr(GByteArray) w5 = pdu(2, 2, FL, src);
	probe("version 2", w5, FALSE, IDISC_ISNS_VERSION_NOT_SUPPORTED);
	/* neither FIRST nor LAST */
	g_autoptr(GByteArray) w6 = pdu(1, 2, IDISC_ISNS_FLAG_CLIENT, src);
	probe("no FIRST/LAST flags", w6, FALSE, IDISC_ISNS_MSG_FORMAT_ERROR);
	/* unknown function */
	g_autoptr(GByteArray) w7 = pdu(1, 0x0077, FL, src);
	probe("unknown function", w7, FALSE, IDISC_ISNS_MSG_NOT_SUPPORTED);
	/* no source */
	g_autoptr(GByteArray) p8 = g_byte_array_new();
	idisc_put_delimiter(p8);
	g_autoptr(GByteArray) w8 = pdu(1, 2, FL, p8);
	probe("missing source", w8, FALSE, IDISC_ISNS_SOURCE_ABSENT);
	/* unknown source */
	g_autoptr(GByteArray) p9 = g_byte_array_new();
	idisc_put_string(p9, IDISC_TAG_ISCSI_NAME, "iqn.2024-01.test.lab:stranger");
	idisc_put_delimiter(p9);
	g_autoptr(GByteArray) w9 = pdu(1, 2, FL, p9);
	probe("unknown source", w9, FALSE, IDISC_ISNS_SOURCE_UNKNOWN);
	/* a node removing another node's entity */
	g_autoptr(GByteArray) p10 = g_byte_array_new();
	idisc_put_string(p10, IDISC_TAG_ISCSI_NAME, GOOD);
	idisc_put_delimiter(p10);
	idisc_put_string(p10, IDISC_TAG_ENTITY_ID, "probe-other-entity");
	g_autoptr(GByteArray) w10 = pdu(1, IDISC_ISNS_DEV_DEREG, FL, p10);
	probe("deregistering someone else's entity", w10, FALSE, IDISC_ISNS_SOURCE_UNAUTHORIZED);
	/* a registration keyed by nothing that exists */
	g_autoptr(GByteArray) p11 = g_byte_array_new();
	idisc_put_string(p11, IDISC_TAG_ISCSI_NAME, GOOD);
	idisc_put_string(p11, IDISC_TAG_ISCSI_NAME, "iqn.2024-01.test.lab:ghost");
	idisc_put_delimiter(p11);
	g_autoptr(GByteArray) w11 = pdu(1, IDISC_ISNS_DEV_ATTR_REG, FL, p11);
	probe("registration keyed by an unknown node", w11, FALSE, IDISC_ISNS_INVALID_REGISTRATION);
	/* garbage: answered as an unknown version, or the connection closes */
	g_autoptr(GByteArray) w12 = g_byte_array_new();
	for (int i = 0; i < 200; i++) {
		guint8 b = (guint8) (i * 131 + 7);
		g_byte_array_append(w12, &b, 1);
	}
	probe("garbage", w12, TRUE, -2);
	g_autoptr(GByteArray) p13 = g_byte_array_new();
	idisc_put_string(p13, IDISC_TAG_ISCSI_NAME, GOOD);
	idisc_put_string(p13, IDISC_TAG_ISCSI_NAME, GOOD);
	idisc_put_delimiter(p13);
	idisc_put_nil(p13, IDISC_TAG_NODE_TYPE);
	g_autoptr(GByteArray) w13 = pdu(1, IDISC_ISNS_DEV_ATTR_QRY, FL, p13);
	probe_udp("a query", w13, IDISC_ISNS_OK);
	g_autoptr(GByteArray) w14 = pdu(3, IDISC_ISNS_DEV_ATTR_QRY, FL, p13);
	probe_udp("version 3", w14, IDISC_ISNS_VERSION_NOT_SUPPORTED);
	result(register_node(good, GOOD, "probe-good-entity") == 0, "the good client can still register");
	return n_fail ? 1 : 0;
}
