/* login-negotiate.c: the stages of a login (RFC 7143 sec. 6.3) after the
 * first request: security negotiation with CHAP (sec. 12.1.3), operational
 * negotiation (sec. 13), and the final response that opens full feature
 * phase for a new, reinstated or joined session (sec. 6.3.5, 6.3.1). */
#include "config.h"

#include "target/login-core.h"
#include "target/login-private.h"
#include "target/conn-ffp.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-login.h"

#include <string.h>

static void
free_proto_params (gpointer p)
{
  iproto_session_params_clear (p);
  g_free (p);
}

static void
copy_params (TgtSessionParams *dst, const IProtoSessionParams *p)
{
  dst->discovery = p->session_type == IPROTO_SESSION_DISCOVERY;
  dst->max_connections = p->max_connections;
  dst->initial_r2t = p->initial_r2t;
  dst->immediate_data = p->immediate_data;
  dst->max_burst_length = p->max_burst_length;
  dst->first_burst_length = p->first_burst_length;
  dst->max_outstanding_r2t = p->max_outstanding_r2t;
  dst->default_time2wait = p->default_time2wait;
  dst->default_time2retain = p->default_time2retain;
  dst->error_recovery_level = p->error_recovery_level;
}

/* The old session with the same I_T nexus identity ends when a new one
 * logs in with TSIH 0 (session reinstatement, sec. 6.3.5). */
static void
reinstate (TgtEngine *e, TgtSession *old)
{
  g_info ("session reinstatement: closing session 0x%04x of %s", old->tsih, old->initiator_name);
  g_mutex_lock (&old->lock);
  GPtrArray *conns = g_ptr_array_new ();
  for (GList *l = old->conns.head; l != NULL; l = l->next)
    g_ptr_array_add (conns, conn_ref (l->data));
  g_mutex_unlock (&old->lock);
  engine_session_unregister (e, old);
  for (guint i = 0; i < conns->len; i++)
    {
      conn_close_async (conns->pdata[i], "session reinstated");
      conn_unref (conns->pdata[i]);
    }
  g_ptr_array_unref (conns);
}

/* A connection with the same CID replaces the old one (connection
 * reinstatement, sec. 6.3.4 / 7.1.4: at ERL 0 its tasks just end). */
static void
reinstate_conn (TgtSession *s, guint16 cid, TgtConn *self)
{
  TgtConn *old = NULL;
  g_mutex_lock (&s->lock);
  for (GList *l = s->conns.head; l != NULL; l = l->next)
    {
      TgtConn *o = l->data;
      if (o != self && o->cid == cid)
        old = conn_ref (o);
    }
  g_mutex_unlock (&s->lock);
  if (old != NULL)
    {
      conn_close_async (old, "connection reinstated");
      conn_unref (old);
    }
}

static void
login_complete (TgtConn *c, const IProtoPdu *pdu, IProtoPdu *r, GByteArray *text)
{
  TgtLogin *l = c->login;
  TgtEngine *e = c->engine;
  const IProtoSessionParams *sp = iproto_neg_session (l->neg);
  const IProtoConnParams *cp = iproto_neg_conn (l->neg);
  TgtSession *s;
  if (l->join != NULL)
    {
      s = session_ref (l->join);
      /* sec. 13.2: MaxConnections bounds the connections of a session; a
       * connection that replaces one with its CID does not add one. */
      if (session_conn_count_except (s, l->cid) >= s->params.max_connections)
        {
          session_unref (s);
          login_fail (c, IPROTO_LOGIN_TOO_MANY_CONNECTIONS, pdu);
          return;
        }
      reinstate_conn (s, l->cid, c);
    }
  else
    {
      TgtSession *old = l->discovery ? NULL
                                     : engine_session_by_identity (e, l->initiator_name, l->isid, l->target,
                                                                   c->tpgt);
      if (old != NULL)
        {
          reinstate (e, old);
          session_unref (old);
        }
      s = session_new (e, l->target, l->initiator_name, l->isid, c->tpgt, l->cmdsn);
      copy_params (&s->params, sp);
      s->queue_depth = l->cfg->limits.queue_depth;
      g_mutex_lock (&s->lock);
      s->max_cmdsn = s->exp_cmdsn + s->queue_depth - 1;
      g_mutex_unlock (&s->lock);
      IProtoSessionParams *copy = g_new0 (IProtoSessionParams, 1);
      iproto_session_params_copy (copy, sp);
      s->proto_params = copy;
      s->proto_params_free = free_proto_params;
      if (sp->initiator_alias != NULL)
        s->initiator_alias = g_strdup (sp->initiator_alias);
      if (!l->discovery)
        s->nexus = tgt_scsi_nexus_new (l->target->scsi, l->initiator_name, l->isid, c->tpgt);
      engine_session_register (e, s);
    }
  c->cid = l->cid;
  c->sess = s;
  session_add_conn (s, c);

  r->u.login_rsp.tsih = s->tsih;
  session_window (s, &r->u.login_rsp.expcmdsn, &r->u.login_rsp.maxcmdsn);
  login_send_text (c, r, text);
  if (c->login->out != NULL)
    {
      /* The final response needs continuation: rare (long keys); the
       * session stays in login until the initiator fetched it. */
      return;
    }
  c->state = TGT_CONN_FULL;
  conn_set_ffp_params (c, cp->header_digest == IPROTO_DIGEST_CRC32C, cp->data_digest == IPROTO_DIGEST_CRC32C,
                       cp->max_recv_dsl, cp->max_send_dsl);
  login_throttle_ok (e, c->peer);
  g_info ("%s login: %s -> %s (TSIH 0x%04x, CID %u, %s)%s%s", l->discovery ? "discovery" : "normal",
          l->initiator_name, l->target_name != NULL ? l->target_name : "-", s->tsih, c->cid, c->peer,
          cp->header_digest == IPROTO_DIGEST_CRC32C ? " hdigest" : "",
          cp->data_digest == IPROTO_DIGEST_CRC32C ? " ddigest" : "");
  login_free (c->login);
  c->login = NULL;
}

/* Debug trace of login keys; CHAP values are never shown. */
static void
log_keys (const TgtConn *c, const char *dir, const IProtoTextList *keys)
{
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    for (guint i = 0; i < iproto_text_list_length (keys); i++)
      {
        const IProtoTextPair *kv = iproto_text_list_nth (keys, i);
        g_debug ("connection %u %s %s=%s", c->id, dir, kv->key,
                 g_str_has_prefix (kv->key, "CHAP_") ? "(hidden)" : kv->value);
      }
}

static gboolean
has_chap_keys (const IProtoTextList *in)
{
  for (guint i = 0; i < iproto_text_list_length (in); i++)
    if (g_str_has_prefix (iproto_text_list_nth (in, i)->key, "CHAP_"))
      return TRUE;
  return FALSE;
}

void
login_negotiate (TgtConn *c, const IProtoPdu *pdu, const IProtoTextList *in)
{
  TgtLogin *l = c->login;
  const IProtoLoginReq *req = &pdu->u.login_req;
  g_autoptr (GError) error = NULL;
  g_autoptr (IProtoTextList) out = iproto_text_list_new ();
  IProtoPhase phase = req->csg == IPROTO_STAGE_SECURITY ? IPROTO_PHASE_SECURITY : IPROTO_PHASE_OPERATIONAL;

  /* sec. 6.3 / 12: with an authentication policy the security stage is
   * mandatory; skipping it (CSG=1 first) fails with 0x0201. */
  if (phase == IPROTO_PHASE_OPERATIONAL && l->auth_required && !l->authenticated)
    {
      login_fail (c, IPROTO_LOGIN_AUTH_FAILURE, pdu);
      return;
    }
  log_keys (c, "<-", in);
  if (!iproto_neg_receive (l->neg, phase, in, out, &error))
    {
      login_fail (c, iproto_neg_login_status (error), pdu);
      return;
    }
  if (phase == IPROTO_PHASE_SECURITY)
    {
      IProtoAuthMethod m = iproto_neg_auth_method (l->neg);
      if (m == IPROTO_AUTH_REJECT)
        {
          login_fail (c, IPROTO_LOGIN_AUTH_FAILURE, pdu);
          return;
        }
      if (m == IPROTO_AUTH_CHAP && l->chap != NULL && has_chap_keys (in))
        {
          if (!iproto_chap_target_step (l->chap, in, out, &error))
            {
              login_fail (c, IPROTO_LOGIN_AUTH_FAILURE, pdu);
              return;
            }
          if (iproto_chap_target_done (l->chap))
            l->authenticated = TRUE;
        }
      else if (m == IPROTO_AUTH_NONE && !l->auth_required)
        l->authenticated = TRUE;
    }
  iproto_neg_offer (l->neg, phase, out);
  /* sec. 13.12: MaxRecvDataSegmentLength is declared by each side for its
   * own direction; the engine skips our declaration once the initiator
   * declared its value, so make sure ours goes out once. */
  if (phase == IPROTO_PHASE_OPERATIONAL && !l->mrdsl_declared)
    {
      if (iproto_text_list_get (out, "MaxRecvDataSegmentLength") == NULL)
        iproto_text_list_add_uint (out, "MaxRecvDataSegmentLength", l->cfg->limits.max_recv_data_segment_length);
      l->mrdsl_declared = TRUE;
    }

  IProtoPdu r;
  login_fill_response (c, &r, pdu);
  gboolean may_leave = !iproto_neg_waiting (l->neg)
                       && (phase != IPROTO_PHASE_SECURITY || l->authenticated);
  if (req->transit && !may_leave && phase == IPROTO_PHASE_SECURITY && l->auth_required
      && iproto_neg_auth_method (l->neg) == IPROTO_AUTH_CHAP && iproto_text_list_get (in, "CHAP_R") != NULL)
    {
      /* The initiator sent its response and wants to move on, but CHAP
       * did not finish: that is an authentication failure. */
      login_fail (c, IPROTO_LOGIN_AUTH_FAILURE, pdu);
      return;
    }
  log_keys (c, "->", out);
  GByteArray *text = iproto_text_list_encode (out);
  if (req->transit && may_leave)
    {
      r.u.login_rsp.transit = TRUE;
      r.u.login_rsp.nsg = req->nsg;
      if (req->nsg == IPROTO_STAGE_FULL_FEATURE)
        {
          if (!iproto_neg_finish (l->neg, &error))
            {
              g_byte_array_unref (text);
              login_fail (c, iproto_neg_login_status (error), pdu);
              return;
            }
          login_complete (c, pdu, &r, text);
          g_byte_array_unref (text);
          return;
        }
      l->stage = req->nsg;
    }
  login_send_text (c, &r, text);
  g_byte_array_unref (text);
}
