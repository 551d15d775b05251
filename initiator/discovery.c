/* SendTargets discovery (RFC 7143 sec. 4.3, 6.1, 13.3): a Discovery
 * session, one Text Request "SendTargets=All", the answer read in order:
 * each TargetName starts a target, the TargetAddress values after it are
 * its portals. */
#include "config.h"

#include "itni-login.h"
#include "libiscsi-proto/iproto-text.h"
#include "libiscsi-proto/iproto-opcode.h"

#include <string.h>
#include <unistd.h>

void itni_discovered_target_free(ItniDiscoveredTarget *t)
{
	if (!t)
		return;
	g_free(t->name);
	g_ptr_array_unref(t->addresses);
	g_free(t);
}

/* The Text Request/Response exchange, following C=1 continuations with
 * the Target Transfer Tag (sec. 11.10.4, 11.11.4). */
static IProtoTextList *send_targets(ItniWire *w, ItniLogin *l, GError **error)
{
	static const char query[] = "SendTargets=All";
	g_autoptr(IProtoTextAccum) acc = iproto_text_accum_new(0);
	guint32 ttt = IPROTO_RESERVED_TAG;
	const void *data = query;
	gsize len = sizeof query;
	for (int round = 0; round < 1024; round++) {
		IProtoPdu req;
		iproto_pdu_init(&req, IPROTO_OP_TEXT_REQ);
		req.immediate = TRUE;
		req.itt = 0x7ffd0000u + (guint32) round;
		req.u.text_req.final = TRUE;
		req.u.text_req.ttt = ttt;
		req.u.text_req.cmdsn = l->cmdsn;
		req.u.text_req.expstatsn = l->exp_statsn;
		req.data_len = (guint32) len;
		if (!itni_wire_send(w, &req, data, len, error))
			return NULL;
		IProtoPdu rsp;
		if (!itni_wire_recv(w, &rsp, error))
			return NULL;
		if (rsp.opcode != IPROTO_OP_TEXT_RSP || rsp.itt != req.itt) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL,
				    "expected a Text Response, got %s", iproto_opcode_name(rsp.opcode));
			return NULL;
		}
		l->exp_statsn = rsp.u.text_rsp.statsn + 1;
		IProtoTextList *list = NULL;
		GError *e = NULL;
		switch (iproto_text_accum_feed(acc, w->data->data, w->data->len, rsp.u.text_rsp.cont, &list, &e)) {
		case IPROTO_TEXT_ACCUM_ERROR:
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "bad SendTargets answer: %s", e->message);
			g_error_free(e);
			return NULL;
		case IPROTO_TEXT_ACCUM_DONE:
			return list;
		case IPROTO_TEXT_ACCUM_MORE:
			ttt = rsp.u.text_rsp.ttt;
			data = NULL;
			len = 0;
			break;
		}
	}
	g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "SendTargets answer never ends");
	return NULL;
}

GPtrArray *itni_discover_sync(ItniContext *ctx, const ItniConfig *config, GError **error)
{
	if (!config->host) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "no portal to discover");
		return NULL;
	}
	int fd = itni_tcp_connect(config->host, config->port, 10000, error);
	if (fd < 0)
		return NULL;
	ItniWire w;
	itni_wire_init(&w, fd);
	ItniLogin l = { .cfg = config, .discovery = TRUE, .leading = TRUE, .itt = 0x7fff0000u };
	l.isid[0] = 0x80;
	guint32 r = g_random_int();
	memcpy(l.isid + 1, &r, 4);
	GPtrArray *out = NULL;
	if (itni_login(&w, &l, error)) {
		g_autoptr(IProtoTextList) list = send_targets(&w, &l, error);
		if (list) {
			out = g_ptr_array_new_with_free_func((GDestroyNotify) itni_discovered_target_free);
			ItniDiscoveredTarget *cur = NULL;
			for (guint i = 0; i < iproto_text_list_length(list); i++) {
				const IProtoTextPair *p = iproto_text_list_nth(list, i);
				if (strcmp(p->key, "TargetName") == 0) {
					cur = g_new0(ItniDiscoveredTarget, 1);
					cur->name = g_strdup(p->value);
					cur->addresses = g_ptr_array_new_with_free_func(g_free);
					g_ptr_array_add(out, cur);
				} else if (strcmp(p->key, "TargetAddress") == 0 && cur) {
					g_ptr_array_add(cur->addresses, g_strdup(p->value));
				}
			}
			GError *e = NULL;
			if (!itni_logout(&w, 0, 0, l.cmdsn, l.exp_statsn, &e)) {
				g_debug("discovery logout: %s", e->message);
				g_error_free(e);
			}
		}
		iproto_session_params_clear(&l.session_out);
	}
	itni_wire_clear(&w);
	close(fd);
	return out;
}
