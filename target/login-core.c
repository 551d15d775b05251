/* login-core.c: the login phase (login-core.h).
 *
 * The code follows the stages of RFC 7143 sec. 6.3: each Login Request is
 * checked (version, stage fields, ISID/TSIH/CID consistency), its text is
 * joined across C=1 PDUs, the first request picks the session type, the
 * target and the session (new, reinstated or joined), the security stage
 * runs CHAP when the policy asks for it, the operational stage negotiates
 * with libiscsi-proto's engine, and the final response moves the
 * connection into full feature phase (login-finish.c). */
#include "config.h"

#include "target/login-core.h"
#include "target/login-private.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "target/tgt-config.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-login.h"

#include <string.h>

/* Text we accept in one login sequence: endless continuation is cut
 * (sec. 6.1 asks for at least 8192 bytes, 64 KiB with long auth items). */
#define LOGIN_TEXT_LIMIT (64 * 1024)

void
login_free (TgtLogin *l)
{
  if (l == NULL)
    return;
  if (l->accum != NULL)
    iproto_text_accum_free (l->accum);
  if (l->neg != NULL)
    iproto_neg_free (l->neg);
  if (l->chap != NULL)
    iproto_chap_target_free (l->chap);
  if (l->target != NULL)
    engine_target_unref (l->target);
  if (l->join != NULL)
    session_unref (l->join);
  tgt_config_free (l->cfg);
  g_free (l->initiator_name);
  g_free (l->target_name);
  g_free (l->target_alias);
  if (l->out != NULL)
    g_byte_array_unref (l->out);
  g_free (l);
}

void
login_fill_response (TgtConn *c, IProtoPdu *r, const IProtoPdu *req)
{
  TgtLogin *l = c->login;
  iproto_pdu_init (r, IPROTO_OP_LOGIN_RSP);
  r->itt = req->itt;
  r->u.login_rsp.version_max = IPROTO_VERSION;
  r->u.login_rsp.version_active = IPROTO_VERSION;
  memcpy (r->u.login_rsp.isid, req->u.login_req.isid, 6);
  r->u.login_rsp.tsih = req->u.login_req.tsih;
  r->u.login_rsp.csg = req->u.login_req.csg;
  r->u.login_rsp.nsg = req->u.login_req.csg;
  r->u.login_rsp.statsn = c->stat_sn++;
  if (l != NULL && l->join != NULL)
    session_window (l->join, &r->u.login_rsp.expcmdsn, &r->u.login_rsp.maxcmdsn);
  else
    {
      /* Login Requests are immediate: ExpCmdSN stays at their CmdSN
       * (sec. 11.12.8); the window opens with the session. */
      r->u.login_rsp.expcmdsn = req->u.login_req.cmdsn;
      r->u.login_rsp.maxcmdsn = req->u.login_req.cmdsn;
    }
}

void
login_fail (TgtConn *c, guint16 status, const IProtoPdu *req)
{
  TgtLogin *l = c->login;
  IProtoPdu r;
  login_fill_response (c, &r, req);
  r.u.login_rsp.status_class = iproto_login_status_class (status);
  r.u.login_rsp.status_detail = iproto_login_status_detail (status);
  r.u.login_rsp.transit = FALSE;
  g_info ("login from %s (%s) failed: %s (0x%04x)", c->peer,
          l != NULL && l->initiator_name != NULL ? l->initiator_name : "?",
          iproto_login_status_string (r.u.login_rsp.status_class, r.u.login_rsp.status_detail), status);
  /* Failures that guess at names or secrets are slowed down, and all of
   * them say only the status class: nothing about which part was wrong. */
  gint64 delay = 0;
  if (status == IPROTO_LOGIN_AUTH_FAILURE || status == IPROTO_LOGIN_AUTHORIZATION_FAILURE
      || status == IPROTO_LOGIN_NOT_FOUND)
    {
      delay = login_throttle_delay (c->engine, c->peer);
      login_throttle_fail (c->engine, c->peer);
    }
  if (delay > 0 && l != NULL)
    {
      l->fail_pdu = r;
      l->fail_at = g_get_monotonic_time () + delay;
      return;
    }
  conn_send (c, &r, NULL, 0);
  /* sec. 6.3: after a failure status the target closes the connection;
   * LOGOUT state closes it once the answer is flushed. */
  c->state = TGT_CONN_LOGOUT;
}

void
login_tick (TgtConn *c, gint64 now)
{
  TgtLogin *l = c->login;
  if (l == NULL || l->fail_at == 0 || now < l->fail_at)
    return;
  l->fail_at = 0;
  conn_send (c, &l->fail_pdu, NULL, 0);
  c->state = TGT_CONN_LOGOUT;
  conn_flush (c);
}

gboolean
login_delayed (const TgtConn *c)
{
  return c->login != NULL && c->login->fail_at != 0;
}

/* Send `text` as the data of Login Responses, splitting it with the C bit
 * when it exceeds what the initiator accepts (sec. 6.1, 11.13.3). */
void
login_send_text (TgtConn *c, IProtoPdu *r, const GByteArray *text)
{
  TgtLogin *l = c->login;
  if (text->len <= c->max_send_dsl)
    {
      conn_send (c, r, text->data, text->len);
      return;
    }
  if (l->out != NULL)
    g_byte_array_unref (l->out);
  l->out = g_byte_array_ref ((GByteArray *) text);
  l->out_off = 0;
  l->out_transit = r->u.login_rsp.transit;
  l->out_nsg = r->u.login_rsp.nsg;
  login_send_more (c, r);
}

void
login_send_more (TgtConn *c, IProtoPdu *r)
{
  TgtLogin *l = c->login;
  gboolean more = FALSE;
  gsize off = l->out_off;
  gsize n = iproto_text_next_chunk (l->out->len, &off, c->max_send_dsl, &more);
  const guint8 *p = l->out->data + l->out_off;
  l->out_off = off;
  r->u.login_rsp.cont = more;
  /* sec. 11.13.2: T must be 0 while C is 1. */
  r->u.login_rsp.transit = more ? FALSE : l->out_transit;
  r->u.login_rsp.nsg = more ? r->u.login_rsp.csg : l->out_nsg;
  conn_send (c, r, p, n);
  if (!more)
    {
      g_byte_array_unref (l->out);
      l->out = NULL;
    }
}

/* The checks every Login Request gets before its text is looked at. */
static gboolean
check_request (TgtConn *c, const IProtoPdu *pdu)
{
  TgtLogin *l = c->login;
  const IProtoLoginReq *req = &pdu->u.login_req;
  if (req->version_min > IPROTO_VERSION || req->version_max < req->version_min)
    {
      /* sec. 11.12.4/11.13.4: we speak version 0 only. */
      login_fail (c, IPROTO_LOGIN_UNSUPPORTED_VERSION, pdu);
      return FALSE;
    }
  if (!iproto_login_check_stages (req->transit, req->cont, req->csg, req->nsg, NULL))
    {
      login_fail (c, IPROTO_LOGIN_INITIATOR_ERROR, pdu);
      return FALSE;
    }
  if (!l->started)
    {
      memcpy (l->isid, req->isid, 6);
      l->tsih = req->tsih;
      l->cid = req->cid;
      l->cmdsn = req->cmdsn;
      l->itt = pdu->itt;
      l->stage = req->csg;
      return TRUE;
    }
  /* sec. 6.3: ISID, TSIH, CID and ITT stay the same for the whole login,
   * and the CSG is the stage the target last agreed on. */
  if (memcmp (l->isid, req->isid, 6) != 0 || l->tsih != req->tsih || l->cid != req->cid || l->itt != pdu->itt
      || req->csg != l->stage)
    {
      login_fail (c, IPROTO_LOGIN_INITIATOR_ERROR, pdu);
      return FALSE;
    }
  return TRUE;
}

void
login_receive (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
               gsize data_len)
{
  if (c->login == NULL)
    {
      c->login = g_new0 (TgtLogin, 1);
      c->login->accum = iproto_text_accum_new (LOGIN_TEXT_LIMIT);
    }
  TgtLogin *l = c->login;
  if (l->fail_at != 0)
    return; /* a delayed failure is pending: ignore the rest */
  if (pdu->opcode != IPROTO_OP_LOGIN_REQ)
    {
      /* sec. 6.3: only Login Requests before full feature phase. */
      IProtoPdu fake;
      memset (&fake, 0, sizeof fake);
      fake.itt = pdu->itt;
      fake.u.login_req.csg = l->stage;
      memcpy (fake.u.login_req.isid, l->isid, 6);
      fake.u.login_req.tsih = l->tsih;
      fake.u.login_req.cmdsn = l->cmdsn;
      login_fail (c, IPROTO_LOGIN_INVALID_DURING_LOGIN, &fake);
      return;
    }
  if (!check_request (c, pdu))
    return;
  const IProtoLoginReq *req = &pdu->u.login_req;

  if (l->out != NULL)
    {
      /* The initiator asks for the rest of a continued response with an
       * empty request (sec. 6.1). */
      IProtoPdu r;
      login_fill_response (c, &r, pdu);
      login_send_more (c, &r);
      return;
    }

  g_autoptr (GError) error = NULL;
  IProtoTextList *keys = NULL;
  IProtoTextAccumStatus st = iproto_text_accum_feed (l->accum, data, data != NULL ? data_len : 0, req->cont,
                                                     &keys, &error);
  if (st == IPROTO_TEXT_ACCUM_ERROR)
    {
      login_fail (c, IPROTO_LOGIN_INITIATOR_ERROR, pdu);
      return;
    }
  if (st == IPROTO_TEXT_ACCUM_MORE)
    {
      /* sec. 11.12.2/6.1: acknowledge a C=1 PDU with an empty response. */
      IProtoPdu r;
      login_fill_response (c, &r, pdu);
      conn_send (c, &r, NULL, 0);
      return;
    }
  g_autoptr (IProtoTextList) in = keys;
  if (!l->started)
    {
      l->started = TRUE;
      if (!login_first_request (c, pdu, in))
        return;
    }
  login_negotiate (c, pdu, in);
}
