/* Blocking PDU exchange on a socket during login, discovery and logout,
 * where the straight-line code mirrors the RFC's stages (internal). */
#pragma once
#include <glib.h>

#include "libiscsi-proto/iproto-pdu.h"
/* Not iproto-recv.h: its IProtoRole clashes with iproto-negotiate.h. */
typedef struct IProtoRecv IProtoRecv;

typedef struct {
	int fd;
	IProtoRecv *recv;
	gboolean hdigest, ddigest;
	guint32 max_send;     /* the peer's MaxRecvDataSegmentLength */
	GByteArray *data;     /* the last received data segment */
} ItniWire;

/* Sockets: TCP connect with a timeout, Nagle off, I/O timeouts set. */
int itni_tcp_connect(const char *host, guint16 port, guint timeout_ms, GError **error);
void itni_wire_init(ItniWire *w, int fd);
void itni_wire_clear(ItniWire *w);
/* Digests start with the PDU after the final login response (sec. 13.1). */
void itni_wire_set_digests(ItniWire *w, gboolean hdigest, gboolean ddigest);
gboolean itni_wire_send(ItniWire *w, const IProtoPdu *pdu, const void *data, gsize len, GError **error);
/* Receives one PDU; its data segment is left in w->data. */
gboolean itni_wire_recv(ItniWire *w, IProtoPdu *pdu, GError **error);
