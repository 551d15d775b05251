/* Login (RFC 7143 sec. 6.3, 11.12, 11.13) as straight-line code on a
 * blocking socket: security stage (AuthMethod, CHAP), operational stage,
 * then full feature phase.  Also the Logout exchange (sec. 11.14). */
#include "config.h"

#include "itni-login.h"
#include "libiscsi-proto/iproto-chap.h"
#include "libiscsi-proto/iproto-login.h"
#include "libiscsi-proto/iproto-negotiate.h"
#include "libiscsi-proto/iproto-text-values.h"

#include <string.h>

/* What we propose for a normal session (sec. 13): immediate and
 * unsolicited data so that writes up to FirstBurstLength need no R2T
 * round trip, bursts large enough for 1 MiB commands, ERL 0. */
#define OFFER_MAX_BURST (16u * 1024u * 1024u - 1024u)
#define OFFER_FIRST_BURST (256u * 1024u)

/* Login status -> our error code (table of sec. 11.13.5 classes that a
 * caller handles differently). */
static const struct {
	guint16 status;
	ItniError code;
} status_errors[] = {
	{ IPROTO_LOGIN_AUTH_FAILURE, ITNI_ERROR_AUTH },
	{ IPROTO_LOGIN_AUTHORIZATION_FAILURE, ITNI_ERROR_AUTHORIZATION },
	{ IPROTO_LOGIN_NOT_FOUND, ITNI_ERROR_NOT_FOUND },
	{ IPROTO_LOGIN_TARGET_REMOVED, ITNI_ERROR_NOT_FOUND },
};

static void set_status_error(GError **error, guint8 cls, guint8 detail)
{
	guint16 st = (guint16) (cls << 8 | detail);
	ItniError code = ITNI_ERROR_LOGIN;
	for (guint i = 0; i < G_N_ELEMENTS(status_errors); i++)
		if (status_errors[i].status == st)
			code = status_errors[i].code;
	const char *what = code == ITNI_ERROR_AUTH ? "authentication failed: " : "";
	g_set_error(error, ITNI_ERROR, code, "login refused: %s%s (status 0x%04x)", what,
		    iproto_login_status_string(cls, detail), st);
}

static gboolean auth_error(GError **error, GError *e)
{
	g_set_error(error, ITNI_ERROR, ITNI_ERROR_AUTH, "authentication failed: %s", e->message);
	g_error_free(e);
	return FALSE;
}

/* Send one Login Request with keys and wait for the response, following
 * C=1 continuations (sec. 6.1) until a complete key list is in *in. */
/* Debug log of a key list: names and values, except the CHAP values
 * (not secrets, but nothing a log needs). */
static void debug_keys(const char *what, const IProtoTextList *list)
{
	if (!g_log_writer_default_would_drop(G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN) && list) {
		g_autoptr(GString) s = g_string_new(NULL);
		for (guint i = 0; i < iproto_text_list_length(list); i++) {
			const IProtoTextPair *p = iproto_text_list_nth(list, i);
			gboolean hide = g_str_has_prefix(p->key, "CHAP_") && strcmp(p->key, "CHAP_A") != 0;
			g_string_append_printf(s, " %s=%s", p->key, hide ? "..." : p->value);
		}
		g_debug("%s:%s", what, s->str);
	}
}

static gboolean exchange(ItniLogin *l, ItniWire *w, guint8 csg, guint8 nsg, gboolean transit,
			 IProtoTextList *out, IProtoLoginRsp *rsp, IProtoTextList **in, GError **error)
{
	debug_keys("login request", out);
	g_autoptr(GByteArray) text = iproto_text_list_encode(out);
	gsize off = 0;
	gboolean more;
	do {
		gsize chunk = iproto_text_next_chunk(text->len, &off, w->max_send, &more);
		IProtoPdu req;
		iproto_pdu_init(&req, IPROTO_OP_LOGIN_REQ);
		req.itt = l->itt;
		IProtoLoginReq *r = &req.u.login_req;
		r->transit = transit && !more;
		r->cont = more;
		r->csg = csg;
		r->nsg = r->transit ? nsg : 0;
		memcpy(r->isid, l->isid, 6);
		r->tsih = l->tsih;
		r->cid = l->cid;
		r->cmdsn = l->cmdsn;
		r->expstatsn = l->exp_statsn;
		req.data_len = (guint32) chunk;
		if (!itni_wire_send(w, &req, text->data + off - chunk, chunk, error))
			return FALSE;
		IProtoPdu pdu;
		/* A C=1 request is answered by an empty response (sec. 6.1). */
		if (!itni_wire_recv(w, &pdu, error))
			return FALSE;
		if (pdu.opcode != IPROTO_OP_LOGIN_RSP) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL,
				    "expected a Login Response, got opcode 0x%02x", pdu.opcode);
			return FALSE;
		}
		*rsp = pdu.u.login_rsp;
		l->exp_statsn = rsp->statsn + 1;
		l->exp_cmdsn = rsp->expcmdsn;
		l->max_cmdsn = rsp->maxcmdsn;
	} while (more);

	g_autoptr(IProtoTextAccum) acc = iproto_text_accum_new(0);
	for (;;) {
		if (rsp->status_class != 0) {
			if (rsp->status_class == IPROTO_LOGIN_CLASS_REDIRECT) {
				g_autoptr(IProtoTextList) keys = iproto_text_list_new();
				iproto_text_list_parse(keys, w->data->data, w->data->len, NULL);
				const char *addr = iproto_text_list_get(keys, "TargetAddress");
				if (addr) {
					l->redirect = g_strdup(addr);
					l->redirect_permanent = (guint16) (rsp->status_class << 8 | rsp->status_detail) ==
							       IPROTO_LOGIN_TARGET_MOVED_PERMANENTLY;
					g_set_error(error, ITNI_ERROR, ITNI_ERROR_LOGIN, "redirected to %s", addr);
					return FALSE;
				}
			}
			set_status_error(error, rsp->status_class, rsp->status_detail);
			return FALSE;
		}
		IProtoTextList *list = NULL;
		GError *e = NULL;
		IProtoTextAccumStatus st = iproto_text_accum_feed(acc, w->data->data, w->data->len,
								  rsp->cont, &list, &e);
		if (st == IPROTO_TEXT_ACCUM_ERROR) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "bad login text: %s", e->message);
			g_error_free(e);
			return FALSE;
		}
		if (st == IPROTO_TEXT_ACCUM_DONE) {
			debug_keys("login response", list);
			*in = list;
			return TRUE;
		}
		/* More text follows: an empty request with C=0 asks for it. */
		IProtoPdu req;
		iproto_pdu_init(&req, IPROTO_OP_LOGIN_REQ);
		req.itt = l->itt;
		req.u.login_req.csg = csg;
		memcpy(req.u.login_req.isid, l->isid, 6);
		req.u.login_req.tsih = l->tsih;
		req.u.login_req.cid = l->cid;
		req.u.login_req.cmdsn = l->cmdsn;
		req.u.login_req.expstatsn = l->exp_statsn;
		IProtoPdu pdu;
		if (!itni_wire_send(w, &req, NULL, 0, error) || !itni_wire_recv(w, &pdu, error))
			return FALSE;
		if (pdu.opcode != IPROTO_OP_LOGIN_RSP) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "expected a Login Response");
			return FALSE;
		}
		*rsp = pdu.u.login_rsp;
		l->exp_statsn = rsp->statsn + 1;
	}
}

static IProtoChapInitiator *chap_new(const ItniConfig *cfg, GError **error)
{
	IProtoChapAlg algs[8];
	for (guint i = 0; i < cfg->n_algs; i++)
		algs[i] = (IProtoChapAlg) cfg->algs[i];
	GError *e = NULL;
	IProtoChapInitiator *c = iproto_chap_initiator_new(algs, cfg->n_algs, cfg->user, cfg->secret,
							   strlen(cfg->secret), &e);
	if (c && cfg->target_secret &&
	    !iproto_chap_initiator_set_mutual(c, cfg->target_user, cfg->target_secret,
					      strlen(cfg->target_secret), &e)) {
		iproto_chap_initiator_free(c);
		c = NULL;
	}
	if (!c)
		auth_error(error, e);
	return c;
}

/* The target answered CHAP_A=7 but its mutual response has the length of a
 * SHA-1 digest: tgt numbers SHA-1 as 7 (IANA: 7 is SHA-256).  Say so. */
static gboolean explain_alg_mismatch(IProtoChapInitiator *chap, const IProtoTextList *in, GError **error)
{
	const char *r = iproto_text_list_get(in, "CHAP_R");
	if (!chap || !r || iproto_chap_initiator_algorithm(chap) != IPROTO_CHAP_SHA256)
		return FALSE;
	gsize len = 0;
	g_autofree guint8 *bin = iproto_text_decode_binary(r, 1024, &len, NULL);
	if (!bin || len != 20)
		return FALSE;
	g_set_error(error, ITNI_ERROR, ITNI_ERROR_AUTH,
		    "authentication failed: the target chose CHAP_A=7 but answered with a SHA-1 digest "
		    "(it numbers SHA-1 as 7); use auth=md5 or sha1 with this target");
	return TRUE;
}

gboolean itni_login(ItniWire *w, ItniLogin *l, GError **error)
{
	const ItniConfig *cfg = l->cfg;
	gboolean chap_wanted = cfg->user && cfg->secret;
	IProtoNegConfig nc;
	iproto_neg_config_init(&nc);
	nc.session.initiator_name = (char *) itni_config_get_initiator_name(cfg);
	nc.session.target_name = l->discovery ? NULL : cfg->target;
	nc.session.session_type = l->discovery ? IPROTO_SESSION_DISCOVERY : IPROTO_SESSION_NORMAL;
	nc.auth_method = !chap_wanted ? "None" : cfg->target_secret ? "CHAP" : "CHAP,None";
	if (!l->discovery) {
		/* Room for connections added later (sec. 13.2: the result is
		 * the minimum, so the target's limit still applies). */
		nc.session.max_connections = ITNI_MAX_CONNECTIONS;
		nc.session.initial_r2t = FALSE;
		nc.session.immediate_data = TRUE;
		nc.session.max_burst_length = OFFER_MAX_BURST;
		nc.session.first_burst_length = OFFER_FIRST_BURST;
		nc.session.default_time2wait = 0;
		nc.session.default_time2retain = 0;
		nc.header_digest = cfg->header_digest ? "CRC32C" : "None";
		nc.data_digest = cfg->data_digest ? "CRC32C" : "None";
	}
	nc.max_recv_dsl = ITNI_MAX_RECV_DSL;
	g_autoptr(IProtoNeg) neg = iproto_neg_new(IPROTO_ROLE_INITIATOR, &nc, l->leading,
						  l->leading ? NULL : l->session);
	g_autoptr(IProtoChapInitiator) chap = NULL;
	if (chap_wanted && !(chap = chap_new(cfg, error)))
		return FALSE;

	/* Security stage (sec. 6.3.1): always entered, so targets that
	 * insist on it are satisfied; "None" authenticates nothing. */
	guint8 stage = IPROTO_STAGE_SECURITY;
	gboolean chap_started = FALSE, auth_none = FALSE;
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	iproto_neg_offer(neg, IPROTO_PHASE_SECURITY, out);
	for (int round = 0; round < 16; round++) {
		gboolean in_security = stage == IPROTO_STAGE_SECURITY;
		IProtoPhase phase = in_security ? IPROTO_PHASE_SECURITY : IPROTO_PHASE_OPERATIONAL;
		/* With CHAP the security stage takes three rounds (AuthMethod,
		 * CHAP_A, CHAP_N/R); we ask to leave it with our response. */
		gboolean transit = !in_security || !chap || auth_none ||
				   iproto_text_list_get(out, "CHAP_R") != NULL;
		guint8 nsg = in_security ? IPROTO_STAGE_OPERATIONAL : IPROTO_STAGE_FULL_FEATURE;
		IProtoLoginRsp rsp;
		g_autoptr(IProtoTextList) in = NULL;
		if (!exchange(l, w, stage, nsg, transit, out, &rsp, &in, error))
			return FALSE;
		iproto_text_list_clear(out);
		if (rsp.tsih)
			l->tsih_out = rsp.tsih;
		GError *e = NULL;
		if (!iproto_neg_receive(neg, phase, in, out, &e)) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "login negotiation failed: %s",
				    e->message);
			g_error_free(e);
			return FALSE;
		}
		if (in_security) {
			IProtoAuthMethod am = iproto_neg_auth_method(neg);
			if (am == IPROTO_AUTH_REJECT) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_AUTH,
					    "authentication failed: no authentication method in common with the target");
				return FALSE;
			}
			if (cfg->target_secret && am != IPROTO_AUTH_CHAP) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_AUTH,
					    "authentication failed: mutual CHAP asked for but the target does not use CHAP");
				return FALSE;
			}
			if (am == IPROTO_AUTH_NONE)
				auth_none = TRUE;
			if (am == IPROTO_AUTH_CHAP && chap) {
				if (!chap_started) {
					iproto_chap_initiator_start(chap, out);
					chap_started = TRUE;
				} else if (!iproto_chap_initiator_done(chap) &&
					   !iproto_chap_initiator_step(chap, in, out, &e)) {
					if (explain_alg_mismatch(chap, in, error)) {
						g_error_free(e);
						return FALSE;
					}
					return auth_error(error, e);
				}
			} else if (am == IPROTO_AUTH_CHAP) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_AUTH,
					    "authentication failed: the target requires CHAP and no CHAP user/secret is set");
				return FALSE;
			}
		}
		if (rsp.transit) {
			if (in_security && chap && chap_started && !iproto_chap_initiator_done(chap)) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_AUTH,
					    "authentication failed: the target ended the security stage before CHAP completed");
				return FALSE;
			}
			stage = rsp.nsg;
			if (stage == IPROTO_STAGE_FULL_FEATURE)
				break;
			iproto_neg_offer(neg, IPROTO_PHASE_OPERATIONAL, out);
		}
	}
	if (stage != IPROTO_STAGE_FULL_FEATURE) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "login did not reach full feature phase");
		return FALSE;
	}
	GError *e = NULL;
	if (!iproto_neg_finish(neg, &e)) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "login negotiation failed: %s", e->message);
		g_error_free(e);
		return FALSE;
	}
	const IProtoSessionParams *sp = iproto_neg_session(neg);
	const IProtoConnParams *cp = iproto_neg_conn(neg);
	if (l->leading)
		iproto_session_params_copy(&l->session_out, sp);
	ItniParams *p = &l->params;
	p->initial_r2t = sp->initial_r2t;
	p->immediate_data = sp->immediate_data;
	p->max_burst = sp->max_burst_length;
	p->first_burst = sp->first_burst_length;
	p->max_connections = sp->max_connections;
	p->erl = sp->error_recovery_level;
	p->time2wait = sp->default_time2wait;
	p->header_digest = cp->header_digest == IPROTO_DIGEST_CRC32C;
	p->data_digest = cp->data_digest == IPROTO_DIGEST_CRC32C;
	p->max_send_dsl = cp->max_send_dsl;
	w->max_send = cp->max_send_dsl;
	itni_wire_set_digests(w, p->header_digest, p->data_digest);
	return TRUE;
}

gboolean itni_logout(ItniWire *w, guint16 cid, guint8 reason, guint32 cmdsn, guint32 exp_statsn,
		     GError **error)
{
	IProtoPdu req;
	iproto_pdu_init(&req, IPROTO_OP_LOGOUT_REQ);
	req.immediate = TRUE;
	req.itt = 0x7fff0000u | cid;
	req.u.logout_req.reason = reason;
	req.u.logout_req.cid = cid;
	req.u.logout_req.cmdsn = cmdsn;
	req.u.logout_req.expstatsn = exp_statsn;
	if (!itni_wire_send(w, &req, NULL, 0, error))
		return FALSE;
	/* Skip whatever else is still on its way (NOP-In, late responses). */
	for (int i = 0; i < 64; i++) {
		IProtoPdu pdu;
		if (!itni_wire_recv(w, &pdu, error))
			return FALSE;
		if (pdu.opcode == IPROTO_OP_LOGOUT_RSP) {
			if (pdu.u.logout_rsp.response != IPROTO_LOGOUT_RSP_OK) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "logout refused (response %u)",
					    pdu.u.logout_rsp.response);
				return FALSE;
			}
			return TRUE;
		}
	}
	g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "no Logout Response");
	return FALSE;
}
