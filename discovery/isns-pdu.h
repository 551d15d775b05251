/* iSNS PDUs (RFC 4171 sec. 5.1, 5.2): the 12-byte header, splitting a
 * message into PDUs and joining PDUs back into messages. */
#pragma once
#include <glib.h>
#include "discovery/isns-proto.h"

typedef struct {
	guint16 version;
	guint16 function;
	guint16 length;   /* payload bytes of this PDU, no header, no auth block */
	guint16 flags;
	guint16 xid;
	guint16 seq;
} IDiscPduHeader;

void idisc_pdu_header_encode(const IDiscPduHeader *h, guint8 out[IDISC_ISNS_HDR_LEN]);
void idisc_pdu_header_decode(const guint8 in[IDISC_ISNS_HDR_LEN], IDiscPduHeader *h);

/* A whole message: function, flags of its first PDU (without FIRST/LAST),
 * transaction ID and the joined payload. */
typedef struct {
	guint16 function;
	guint16 flags;
	guint16 xid;
	GBytes *payload;
} IDiscMessage;

void idisc_message_clear(IDiscMessage *m);

/* Encode a message as PDUs of at most MAX_PAYLOAD payload bytes each (sec.
 * 5.2: same function and xid, sequence from 0, FIRST on the first, LAST on
 * the last), appended to OUT.  MAX_PAYLOAD is rounded down to a multiple of
 * 4 and capped at 65532. */
void idisc_message_encode(GByteArray *out, guint16 function, guint16 flags, guint16 xid,
			  const guint8 *payload, gsize len, gsize max_payload);

/* The reassembler: bytes in, messages out.  One message may be in progress
 * at a time on a byte stream (TCP delivers a message's PDUs in order). */
typedef struct IDiscReassembler IDiscReassembler;

typedef enum {
	IDISC_REASM_NEED_MORE,  /* nothing complete yet */
	IDISC_REASM_MESSAGE,    /* *msg filled */
	IDISC_REASM_REJECT,     /* a bad PDU or message: answer *msg's function and
	                           xid with *status; the stream stays usable */
	IDISC_REASM_FATAL,      /* framing lost: close the connection */
} IDiscReasmResult;

/* MAX_MESSAGE bounds the joined payload of one message. */
IDiscReassembler *idisc_reassembler_new(gsize max_message);
void idisc_reassembler_free(IDiscReassembler *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IDiscReassembler, idisc_reassembler_free)
void idisc_reassembler_feed(IDiscReassembler *r, const guint8 *data, gsize len);
/* Bytes buffered but not yet consumed. */
gsize idisc_reassembler_pending(const IDiscReassembler *r);
/* Take the next event.  On REJECT, msg->payload is NULL and *status holds
 * the iSNS status to answer with; ERROR (nullable) explains. */
IDiscReasmResult idisc_reassembler_next(IDiscReassembler *r, IDiscMessage *msg, guint32 *status,
					GError **error);
