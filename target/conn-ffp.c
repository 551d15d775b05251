/* conn-ffp.c: NOP-Out, Text (SendTargets) and Logout in full feature
 * phase, and the Async logout request of a clean shutdown (conn-ffp.h). */
#include "config.h"

#include "target/conn-ffp.h"
#include "target/discovery-sendtargets.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "libiscsi-proto/iproto-text.h"

#include <string.h>

void
ffp_nop_out (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
             gsize data_len)
{
  const IProtoNopOut *n = &pdu->u.nop_out;
  if (pdu->itt == IPROTO_RESERVED_TAG)
    {
      /* The answer to our NOP-In (sec. 11.18.2): no response. */
      if (n->ttt == c->nop_ttt)
        c->nop_deadline = 0;
      return;
    }
  /* A ping: echo its data in a NOP-In with TTT 0xffffffff (sec. 11.19). */
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_NOP_IN);
  p.itt = pdu->itt;
  p.u.nop_in.ttt = IPROTO_RESERVED_TAG;
  p.u.nop_in.lun = n->lun;
  p.u.nop_in.statsn = c->stat_sn++;
  session_window (c->sess, &p.u.nop_in.expcmdsn, &p.u.nop_in.maxcmdsn);
  conn_send (c, &p, data, data != NULL ? MIN (data_len, c->max_send_dsl) : 0);
}

static void
text_reply (TgtConn *c, guint32 itt, const guint64 lun)
{
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_TEXT_RSP);
  p.itt = itt;
  p.u.text_rsp.lun = lun;
  gsize off = c->text_out_off;
  gboolean more = FALSE;
  gsize n = c->text_out != NULL ? iproto_text_next_chunk (c->text_out->len, &off, c->max_send_dsl, &more) : 0;
  /* An empty GByteArray has no data pointer: no arithmetic on it. */
  const guint8 *chunk = n > 0 ? c->text_out->data + c->text_out_off : NULL;
  p.u.text_rsp.final = !more;
  p.u.text_rsp.cont = more;
  /* sec. 11.11.4: a continued response carries a TTT the initiator
   * returns to ask for the rest; the last one carries 0xffffffff. */
  if (more)
    {
      c->text_ttt = (c->next_ttt++ & 0x3fffffffu) | 0x80000000u;
      p.u.text_rsp.ttt = c->text_ttt;
    }
  else
    p.u.text_rsp.ttt = IPROTO_RESERVED_TAG;
  p.u.text_rsp.statsn = c->stat_sn++;
  session_window (c->sess, &p.u.text_rsp.expcmdsn, &p.u.text_rsp.maxcmdsn);
  conn_send (c, &p, chunk, n);
  c->text_out_off = off;
  if (!more && c->text_out != NULL)
    {
      g_byte_array_unref (c->text_out);
      c->text_out = NULL;
      c->text_ttt = 0;
    }
}

void
ffp_text (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data, gsize data_len)
{
  const IProtoTextReq *r = &pdu->u.text_req;
  if (r->ttt != IPROTO_RESERVED_TAG)
    {
      /* Continuation of our response (sec. 11.10.4). */
      if (c->text_out != NULL && r->ttt == c->text_ttt)
        text_reply (c, pdu->itt, r->lun);
      else
        conn_send_reject (c, IPROTO_REJECT_INVALID_PDU_FIELD, hdr);
      return;
    }
  if (c->text_out != NULL)
    {
      /* A new request resets a pending continued response (sec. 11.10.4). */
      g_byte_array_unref (c->text_out);
      c->text_out = NULL;
    }
  if (c->text_accum == NULL)
    c->text_accum = iproto_text_accum_new (0);
  g_autoptr (GError) error = NULL;
  IProtoTextList *keys = NULL;
  IProtoTextAccumStatus st = iproto_text_accum_feed (c->text_accum, data, data != NULL ? data_len : 0, r->cont,
                                                     &keys, &error);
  if (st == IPROTO_TEXT_ACCUM_ERROR)
    {
      conn_send_reject (c, IPROTO_REJECT_PROTOCOL_ERROR, hdr);
      return;
    }
  if (st == IPROTO_TEXT_ACCUM_MORE)
    {
      c->text_out = g_byte_array_new ();
      c->text_out_off = 0;
      text_reply (c, pdu->itt, r->lun);
      return;
    }
  g_autoptr (IProtoTextList) in = keys;
  g_autoptr (IProtoTextList) out = iproto_text_list_new ();
  TgtSession *s = c->sess;
  for (guint i = 0; i < iproto_text_list_length (in); i++)
    {
      const IProtoTextPair *kv = iproto_text_list_nth (in, i);
      if (strcmp (kv->key, "SendTargets") == 0)
        {
          TgtConfig *cfg = engine_config_snapshot (c->engine);
          g_autofree char *local = g_strdup (c->local);
          char *colon = strrchr (local, ':');
          guint64 lport = 0;
          if (colon != NULL)
            {
              g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &lport, NULL);
              *colon = '\0';
            }
          if (local[0] == '[')
            {
              memmove (local, local + 1, strlen (local));
              char *b = strchr (local, ']');
              if (b != NULL)
                *b = '\0';
            }
          discovery_send_targets (cfg, s->initiator_name, kv->value,
                                  s->target != NULL ? s->target->iqn : NULL, local, (guint16) lport, out);
          tgt_config_free (cfg);
        }
      else
        /* We renegotiate nothing in full feature phase (sec. 6.2). */
        iproto_text_list_add (out, kv->key, "NotUnderstood");
    }
  c->text_out = iproto_text_list_encode (out);
  c->text_out_off = 0;
  text_reply (c, pdu->itt, r->lun);
}

static void
close_session_conns (TgtSession *s, TgtConn *except)
{
  GPtrArray *conns = g_ptr_array_new ();
  g_mutex_lock (&s->lock);
  for (GList *l = s->conns.head; l != NULL; l = l->next)
    if (l->data != except)
      g_ptr_array_add (conns, conn_ref (l->data));
  g_mutex_unlock (&s->lock);
  for (guint i = 0; i < conns->len; i++)
    {
      conn_close_async (conns->pdata[i], "session logged out");
      conn_unref (conns->pdata[i]);
    }
  g_ptr_array_unref (conns);
}

void
ffp_logout (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
            gsize data_len)
{
  const IProtoLogoutReq *r = &pdu->u.logout_req;
  TgtSession *s = c->sess;
  guint8 rsp = IPROTO_LOGOUT_RSP_OK;
  gboolean close_self = FALSE;
  switch (r->reason)
    {
    case IPROTO_LOGOUT_CLOSE_SESSION:
      close_session_conns (s, c);
      close_self = TRUE;
      break;
    case IPROTO_LOGOUT_CLOSE_CONNECTION:
      if (r->cid == c->cid)
        close_self = TRUE;
      else
        {
          TgtConn *other = NULL;
          g_mutex_lock (&s->lock);
          for (GList *l = s->conns.head; l != NULL; l = l->next)
            if (((TgtConn *) l->data)->cid == r->cid)
              other = conn_ref (l->data);
          g_mutex_unlock (&s->lock);
          if (other != NULL)
            {
              conn_close_async (other, "logged out by another connection");
              conn_unref (other);
            }
          else
            rsp = IPROTO_LOGOUT_RSP_CID_NOT_FOUND;
        }
      break;
    default:
      /* Removing a connection for recovery needs ErrorRecoveryLevel 2
       * (sec. 11.14.1). */
      rsp = IPROTO_LOGOUT_RSP_RECOVERY_UNSUPPORTED;
      break;
    }
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_LOGOUT_RSP);
  p.itt = pdu->itt;
  p.u.logout_rsp.response = rsp;
  p.u.logout_rsp.statsn = c->stat_sn++;
  session_window (s, &p.u.logout_rsp.expcmdsn, &p.u.logout_rsp.maxcmdsn);
  p.u.logout_rsp.time2wait = s->params.default_time2wait;
  p.u.logout_rsp.time2retain = 0; /* ERL 0: nothing is kept (sec. 11.15.5) */
  conn_send (c, &p, NULL, 0);
  if (close_self)
    c->state = TGT_CONN_LOGOUT;
}

void
ffp_request_logout (TgtConn *c, guint seconds)
{
  if (c->state != TGT_CONN_FULL || c->sess == NULL)
    return;
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_ASYNC_MSG);
  IProtoAsyncMsg *a = &p.u.async;
  /* sec. 11.9.1 AsyncEvent 1: the target requests a logout; Parameter3
   * is the time to wait for it. */
  a->event = IPROTO_ASYNC_LOGOUT_REQUEST;
  a->param3 = seconds;
  a->statsn = c->stat_sn++;
  session_window (c->sess, &a->expcmdsn, &a->maxcmdsn);
  conn_send (c, &p, NULL, 0);
  conn_flush (c);
}
