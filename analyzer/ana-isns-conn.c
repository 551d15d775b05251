/* iSNS message decoding for the analyzer, see ana-isns-conn.h. */
#include "config.h"
#include "analyzer/ana-isns-conn.h"
#include "discovery/isns-attrs.h"
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"

/* RFC 4171 sec. 5.1.3 bounds a PDU at 64 KiB; messages may span PDUs. */
#define MAX_MESSAGE (1024u * 1024u)
/* Attributes shown per message; the rest are counted. */
#define MAX_SHOWN 16u

struct AnaIsnsConn {
	AnaContext *ctx;
	char *flow[2];
	IDiscReassembler *reasm[2];
	bool broken[2];         /* framing lost after a gap: ignore the rest */
};

AnaIsnsConn *ana_isns_conn_new(AnaContext *ctx, const char *flow_c2s, const char *flow_s2c)
{
	AnaIsnsConn *c = g_new0(AnaIsnsConn, 1);

	c->ctx = ctx;
	c->flow[0] = g_strdup(flow_c2s);
	c->flow[1] = g_strdup(flow_s2c);
	c->reasm[0] = idisc_reassembler_new(MAX_MESSAGE);
	c->reasm[1] = idisc_reassembler_new(MAX_MESSAGE);
	return c;
}

void ana_isns_conn_free(AnaIsnsConn *c)
{
	if (!c)
		return;
	for (int d = 0; d < 2; d++) {
		g_free(c->flow[d]);
		idisc_reassembler_free(c->reasm[d]);
	}
	g_free(c);
}

static void event(AnaIsnsConn *c, int d, double t, const char *type, const char *msg, bool error)
{
	g_autoptr(AnaRecord) r = ana_record_new("event", t, c->flow[d]);

	ana_record_str(r, "event", msg);
	ana_record_str(r, "type", type);
	if (error)
		ana_record_error(r, "iSNS framing error");
	ana_context_emit(c->ctx, r);
}

static void attrs(AnaRecord *r, const IDiscTlvList *l)
{
	g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func(g_free);
	guint n = idisc_tlv_list_count(l);

	for (guint i = 0; i < n && i < MAX_SHOWN; i++) {
		const IDiscTlv *t = idisc_tlv_list_get(l, i);
		const IDiscAttrInfo *info = idisc_attr_lookup(t->tag);
		g_autofree char *v = NULL;

		if (t->tag == IDISC_TAG_DELIMITER) {
			g_ptr_array_add(shown, g_strdup("--"));
			continue;
		}
		v = t->len ? idisc_attr_format(t->tag, t->value, t->len) : g_strdup("");
		if (info)
			g_ptr_array_add(shown, g_strdup_printf("%s=%s", info->name, v));
		else
			g_ptr_array_add(shown, g_strdup_printf("tag%u=%s", t->tag, v));
	}
	if (n > MAX_SHOWN)
		g_ptr_array_add(shown, g_strdup_printf("(%u more)", n - MAX_SHOWN));
	if (shown->len)
		ana_record_list(r, "attrs", shown);
}

static void message(AnaIsnsConn *c, int d, double t, const IDiscMessage *m)
{
	g_autoptr(AnaRecord) r = ana_record_new("isns", t, c->flow[d]);
	gboolean response = (m->function & IDISC_ISNS_RESPONSE) != 0;
	g_autoptr(GError) err = NULL;
	g_autoptr(IDiscTlvList) l = NULL;
	g_autofree char *fname = g_strdup_printf("iSNS %s%s", idisc_isns_function_name(m->function & 0x7fff),
						 response ? " Response" : "");

	c->ctx->stats.isns_messages++;
	ana_record_str(r, "function", fname);
	ana_record_hex(r, "xid", m->xid);
	l = idisc_tlv_list_decode(m->payload, response, &err);
	if (!l) {
		ana_record_error(r, "%s", err->message);
	} else {
		if (response)
			ana_record_str(r, "status", idisc_isns_status_name(l->status));
		attrs(r, l);
	}
	ana_context_emit(c->ctx, r);
}

void ana_isns_conn_bytes(AnaIsnsConn *c, bool from_client, double t, const uint8_t *data, size_t len,
			 uint64_t gap)
{
	int d = from_client ? 0 : 1;

	if (gap && !c->broken[d]) {
		/* iSNS PDUs have no marker to search for (sec. 5.1): after a
		 * hole the rest of this direction cannot be framed. */
		c->broken[d] = true;
		event(c, d, t, "gap", "bytes missing from the capture; rest of this iSNS stream not decoded", false);
	}
	if (c->broken[d])
		return;
	idisc_reassembler_feed(c->reasm[d], data, len);
	for (;;) {
		IDiscMessage m = { 0 };
		guint32 status = 0;
		g_autoptr(GError) err = NULL;
		IDiscReasmResult res = idisc_reassembler_next(c->reasm[d], &m, &status, &err);

		if (res == IDISC_REASM_NEED_MORE)
			break;
		if (res == IDISC_REASM_MESSAGE) {
			message(c, d, t, &m);
			idisc_message_clear(&m);
			continue;
		}
		g_autofree char *msg = g_strdup_printf("bad iSNS message (function 0x%04x, xid 0x%x): %s",
						       m.function, m.xid, err ? err->message : "malformed");
		event(c, d, t, "bad-message", msg, true);
		if (res == IDISC_REASM_FATAL) {
			c->broken[d] = true;
			break;
		}
	}
}

void ana_isns_conn_end(AnaIsnsConn *c, double t)
{
	for (int d = 0; d < 2; d++)
		if (!c->broken[d] && idisc_reassembler_pending(c->reasm[d]) > 0)
			event(c, d, t, "truncated", "stream ended inside an iSNS PDU", false);
}
