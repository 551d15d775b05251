/* iSNS PDU header, segmentation and reassembly (RFC 4171 sec. 5.1-5.2). */
#include "config.h"
#include <string.h>
#include "discovery/isns-pdu.h"
#include "discovery/isns-error.h"
#include "libiscsi-proto/iproto-bytes.h"

void idisc_pdu_header_encode(const IDiscPduHeader *h, guint8 out[IDISC_ISNS_HDR_LEN])
{
	iproto_put_be16(out + 0, h->version);
	iproto_put_be16(out + 2, h->function);
	iproto_put_be16(out + 4, h->length);
	iproto_put_be16(out + 6, h->flags);
	iproto_put_be16(out + 8, h->xid);
	iproto_put_be16(out + 10, h->seq);
}

void idisc_pdu_header_decode(const guint8 in[IDISC_ISNS_HDR_LEN], IDiscPduHeader *h)
{
	h->version = iproto_get_be16(in + 0);
	h->function = iproto_get_be16(in + 2);
	h->length = iproto_get_be16(in + 4);
	h->flags = iproto_get_be16(in + 6);
	h->xid = iproto_get_be16(in + 8);
	h->seq = iproto_get_be16(in + 10);
}

void idisc_message_clear(IDiscMessage *m)
{
	g_clear_pointer(&m->payload, g_bytes_unref);
}

void idisc_message_encode(GByteArray *out, guint16 function, guint16 flags, guint16 xid,
			  const guint8 *payload, gsize len, gsize max_payload)
{
	gsize chunk = MIN(max_payload, (gsize) 65532) & ~(gsize) 3;
	if (chunk == 0)
		chunk = 4;
	gsize off = 0;
	guint16 seq = 0;
	flags &= (guint16) ~(IDISC_ISNS_FLAG_FIRST | IDISC_ISNS_FLAG_LAST);
	do {
		gsize n = MIN(chunk, len - off);
		IDiscPduHeader h = {
			.version = IDISC_ISNS_VERSION, .function = function, .length = (guint16) n,
			.flags = flags, .xid = xid, .seq = seq++,
		};
		if (off == 0)
			h.flags |= IDISC_ISNS_FLAG_FIRST;
		if (off + n == len)
			h.flags |= IDISC_ISNS_FLAG_LAST;
		guint8 hdr[IDISC_ISNS_HDR_LEN];
		idisc_pdu_header_encode(&h, hdr);
		g_byte_array_append(out, hdr, sizeof hdr);
		if (n)
			g_byte_array_append(out, payload + off, (guint) n);
		off += n;
	} while (off < len);
}

struct IDiscReassembler {
	GByteArray *in;       /* received, not yet consumed */
	gsize consumed;       /* bytes of IN already used */
	gsize max_message;
	/* the message in progress */
	gboolean active;
	gboolean discarding;  /* the message went bad: skip its remaining PDUs */
	guint16 function, flags, xid, next_seq;
	GByteArray *body;
};

IDiscReassembler *idisc_reassembler_new(gsize max_message)
{
	IDiscReassembler *r = g_new0(IDiscReassembler, 1);
	r->in = g_byte_array_new();
	r->body = g_byte_array_new();
	r->max_message = max_message;
	return r;
}

void idisc_reassembler_free(IDiscReassembler *r)
{
	if (!r)
		return;
	g_byte_array_unref(r->in);
	g_byte_array_unref(r->body);
	g_free(r);
}

void idisc_reassembler_feed(IDiscReassembler *r, const guint8 *data, gsize len)
{
	/* Drop consumed bytes before growing, so the buffer stays bounded by
	 * one PDU plus what the peer sent ahead. */
	if (r->consumed > 0 && (r->consumed == r->in->len || r->consumed > 65536)) {
		g_byte_array_remove_range(r->in, 0, (guint) r->consumed);
		r->consumed = 0;
	}
	g_byte_array_append(r->in, data, (guint) len);
}

gsize idisc_reassembler_pending(const IDiscReassembler *r)
{
	return r->in->len - r->consumed;
}

static IDiscReasmResult reject(IDiscMessage *msg, guint16 function, guint16 xid, guint32 *status,
			       guint32 code, GError **error, const char *why)
{
	msg->function = function;
	msg->xid = xid;
	msg->flags = 0;
	msg->payload = NULL;
	*status = code;
	g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED, "%s", why);
	return IDISC_REASM_REJECT;
}

IDiscReasmResult idisc_reassembler_next(IDiscReassembler *r, IDiscMessage *msg, guint32 *status,
					GError **error)
{
	for (;;) {
		gsize avail = r->in->len - r->consumed;
		const guint8 *p = r->in->data + r->consumed;
		if (avail < IDISC_ISNS_HDR_LEN)
			return IDISC_REASM_NEED_MORE;
		IDiscPduHeader h;
		idisc_pdu_header_decode(p, &h);
		gsize total = IDISC_ISNS_HDR_LEN + (gsize) h.length;
		/* Sec. 5.5: the authentication block follows the payload and is not
		 * counted in PDU Length; its own length is its second word. */
		gsize auth_len = 0;
		if (h.flags & IDISC_ISNS_FLAG_AUTH) {
			if (avail < total + 8)
				return IDISC_REASM_NEED_MORE;
			guint32 al = iproto_get_be32(p + total + 4);
			if (al < 20 || al > 65536 || al % 4 != 0) {
				g_set_error(error, IDISC_ERROR, IDISC_ERROR_MALFORMED,
					    "authentication block length %u is impossible", al);
				return IDISC_REASM_FATAL;
			}
			auth_len = al;
		}
		if (avail < total + auth_len)
			return IDISC_REASM_NEED_MORE;
		r->consumed += total + auth_len;
		const guint8 *payload = p + IDISC_ISNS_HDR_LEN;

		/* Sec. 5.1.1: only version 1 exists; answer status 10. */
		if (h.version != IDISC_ISNS_VERSION) {
			char why[64];
			g_snprintf(why, sizeof why, "iSNSP version %u not supported", h.version);
			return reject(msg, h.function, h.xid, status, IDISC_ISNS_VERSION_NOT_SUPPORTED,
				      error, why);
		}
		gboolean first = (h.flags & IDISC_ISNS_FLAG_FIRST) != 0;
		gboolean last = (h.flags & IDISC_ISNS_FLAG_LAST) != 0;

		if (first) {
			if (r->active && !r->discarding) {
				/* A new message while one is unfinished: the old one is lost;
				 * tell its sender, then take the new PDU next time round. */
				r->consumed -= total + auth_len;
				r->active = FALSE;
				g_byte_array_set_size(r->body, 0);
				return reject(msg, r->function, r->xid, status, IDISC_ISNS_MSG_FORMAT_ERROR,
					      error, "message interrupted by a new one before its LAST PDU");
			}
			r->active = TRUE;
			r->discarding = FALSE;
			r->function = h.function;
			r->flags = h.flags;
			r->xid = h.xid;
			r->next_seq = 0;
			g_byte_array_set_size(r->body, 0);
		} else if (!r->active) {
			/* Sec. 5.1.4: a single-PDU message carries both FIRST and LAST;
			 * a continuation without a start is answered, not ignored. */
			return reject(msg, h.function, h.xid, status, IDISC_ISNS_MSG_FORMAT_ERROR, error,
				      "PDU without FIRST flag and no message in progress");
		} else if (h.xid != r->xid || h.function != r->function) {
			r->consumed -= total + auth_len;
			r->active = FALSE;
			g_byte_array_set_size(r->body, 0);
			return reject(msg, r->function, r->xid, status, IDISC_ISNS_MSG_FORMAT_ERROR, error,
				      "PDU of another transaction inside a multi-PDU message");
		}
		if (r->discarding) {
			if (last)
				r->active = r->discarding = FALSE;
			continue;
		}
		/* Sec. 5.2: sequence IDs start at 0 and increase by one. */
		if (h.seq != r->next_seq) {
			r->discarding = !last;
			r->active = !last;
			g_byte_array_set_size(r->body, 0);
			return reject(msg, r->function, r->xid, status, IDISC_ISNS_MSG_FORMAT_ERROR, error,
				      "PDU sequence ID out of order");
		}
		r->next_seq++;
		if (r->body->len + (gsize) h.length > r->max_message) {
			r->discarding = !last;
			r->active = !last;
			g_byte_array_set_size(r->body, 0);
			return reject(msg, r->function, r->xid, status, IDISC_ISNS_MSG_FORMAT_ERROR, error,
				      "message larger than this server accepts");
		}
		g_byte_array_append(r->body, payload, h.length);
		if (!last)
			continue;
		r->active = FALSE;
		msg->function = r->function;
		msg->flags = r->flags & (guint16) ~(IDISC_ISNS_FLAG_FIRST | IDISC_ISNS_FLAG_LAST);
		msg->xid = r->xid;
		msg->payload = g_bytes_new(r->body->data, r->body->len);
		g_byte_array_set_size(r->body, 0);
		return IDISC_REASM_MESSAGE;
	}
}
