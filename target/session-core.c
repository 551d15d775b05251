/* session-core.c: session objects, their connections and the CmdSN
 * window (session-core.h). */
#include "config.h"

#include "target/session-core.h"
#include "target/conn-core.h"
#include "target/conn-ffp.h"
#include "target/iscsi-engine.h"
#include "libiscsi-proto/iproto-sna.h"

#include <string.h>

TgtSession *
session_new (TgtEngine *engine, TgtTarget *target, const char *initiator_name, const guint8 isid[6],
             guint16 tpgt, guint32 cmdsn)
{
  TgtSession *s = g_new0 (TgtSession, 1);
  s->refs = 1;
  g_mutex_init (&s->lock);
  s->engine = engine;
  s->target = target != NULL ? engine_target_ref (target) : NULL;
  s->initiator_name = g_strdup (initiator_name);
  memcpy (s->isid, isid, 6);
  s->tpgt = tpgt;
  s->exp_cmdsn = cmdsn;
  s->queue_depth = 128;
  s->max_cmdsn = cmdsn + s->queue_depth - 1;
  g_queue_init (&s->pending);
  g_queue_init (&s->conns);
  s->created = g_get_monotonic_time ();
  return s;
}

TgtSession *
session_ref (TgtSession *s)
{
  g_atomic_int_inc (&s->refs);
  return s;
}

static void
deferred_free (TgtDeferred *d)
{
  conn_unref (d->conn);
  g_free (d->hdr);
  g_free (d->data);
  g_free (d);
}

void
session_unref (TgtSession *s)
{
  if (s == NULL || !g_atomic_int_dec_and_test (&s->refs))
    return;
  GList *l;
  while ((l = g_queue_pop_head_link (&s->pending)) != NULL)
    deferred_free (l->data);
  if (s->nexus != NULL)
    tgt_scsi_nexus_free (s->nexus);
  if (s->proto_params != NULL)
    s->proto_params_free (s->proto_params);
  if (s->target != NULL)
    engine_target_unref (s->target);
  g_free (s->initiator_name);
  g_free (s->initiator_alias);
  g_mutex_clear (&s->lock);
  g_free (s);
}

void
session_add_conn (TgtSession *s, TgtConn *c)
{
  g_mutex_lock (&s->lock);
  g_queue_push_tail_link (&s->conns, &c->sess_link);
  g_mutex_unlock (&s->lock);
}

gboolean
session_remove_conn (TgtSession *s, TgtConn *c)
{
  g_mutex_lock (&s->lock);
  g_queue_unlink (&s->conns, &c->sess_link);
  gboolean last = s->conns.length == 0;
  /* Deferred PDUs of this connection will never run (ERL 0: its tasks
   * die with it, sec. 7.1.4). */
  for (GList *l = s->pending.head; l != NULL;)
    {
      GList *next = l->next;
      TgtDeferred *d = l->data;
      if (d->conn == c)
        {
          g_queue_unlink (&s->pending, l);
          deferred_free (d);
        }
      l = next;
    }
  g_mutex_unlock (&s->lock);
  if (last)
    engine_session_unregister (s->engine, s);
  return last;
}

guint
session_conn_count (TgtSession *s)
{
  g_mutex_lock (&s->lock);
  guint n = s->conns.length;
  g_mutex_unlock (&s->lock);
  return n;
}

guint
session_conn_count_except (TgtSession *s, guint16 cid)
{
  guint n = 0;
  g_mutex_lock (&s->lock);
  for (GList *l = s->conns.head; l != NULL; l = l->next)
    if (((TgtConn *) l->data)->cid != cid)
      n++;
  g_mutex_unlock (&s->lock);
  return n;
}

static void
window_update (TgtSession *s)
{
  /* sec. 4.2.2.1: MaxCmdSN - ExpCmdSN + 1 is the number of commands the
   * initiator may still send; shrink it by the commands in progress so a
   * burst cannot pile up without bound, but never move MaxCmdSN back. */
  guint free_slots = s->active < s->queue_depth ? s->queue_depth - s->active : 0;
  guint32 max = s->exp_cmdsn + free_slots - 1;
  if (iproto_sna_gt (max, s->max_cmdsn))
    s->max_cmdsn = max;
}

SessionCmdVerdict
session_cmdsn_check (TgtSession *s, TgtConn *c, guint32 cmdsn, gboolean immediate, const guint8 *hdr,
                     gsize hdr_len, const guint8 *data, gsize data_len)
{
  SessionCmdVerdict v;
  g_mutex_lock (&s->lock);
  if (immediate)
    {
      /* Immediate PDUs do not advance ExpCmdSN; their CmdSN must still
       * be ExpCmdSN (sec. 4.2.2.1), but initiators differ: accept. */
      v = SESSION_CMD_NOW;
    }
  else if (cmdsn == s->exp_cmdsn)
    {
      s->exp_cmdsn++;
      window_update (s);
      v = SESSION_CMD_NOW;
    }
  else if (iproto_sna_in_window (cmdsn, s->exp_cmdsn, s->max_cmdsn))
    {
      TgtDeferred *d = g_new0 (TgtDeferred, 1);
      d->link.data = d;
      d->conn = conn_ref (c);
      d->cmdsn = cmdsn;
      d->hdr = g_memdup2 (hdr, hdr_len);
      d->hdr_len = hdr_len;
      d->data = data_len > 0 && data != NULL ? g_memdup2 (data, data_len) : NULL;
      d->data_len = d->data != NULL ? data_len : 0;
      /* Keep the queue sorted by CmdSN. */
      GList *l = s->pending.head;
      while (l != NULL && iproto_sna_lt (((TgtDeferred *) l->data)->cmdsn, cmdsn))
        l = l->next;
      if (l != NULL && ((TgtDeferred *) l->data)->cmdsn == cmdsn)
        {
          deferred_free (d); /* duplicate CmdSN: keep the first */
          v = SESSION_CMD_DROP;
        }
      else
        {
          if (l != NULL)
            g_queue_insert_before_link (&s->pending, l, &d->link);
          else
            g_queue_push_tail_link (&s->pending, &d->link);
          v = SESSION_CMD_DEFERRED;
        }
    }
  else
    v = SESSION_CMD_DROP; /* sec. 4.2.2.1: outside the window, ignore */
  g_mutex_unlock (&s->lock);
  return v;
}

static void
run_deferred (TgtConn *c, TgtDeferred *d)
{
  IProtoPdu pdu;
  if (c->state == TGT_CONN_FULL && iproto_pdu_decode (&pdu, d->hdr, d->hdr_len, NULL))
    {
      conn_dispatch_ordered (c, &pdu, d->hdr, d->hdr_len, d->data, d->data_len);
      conn_flush (c);
    }
}

static void
run_deferred_post (gpointer data)
{
  TgtDeferred *d = data;
  run_deferred (d->conn, d);
  if (d->conn->sess != NULL)
    session_run_ready (d->conn->sess, d->conn);
  deferred_free (d);
}

void
session_run_ready (TgtSession *s, TgtConn *c)
{
  for (;;)
    {
      g_mutex_lock (&s->lock);
      TgtDeferred *d = s->pending.head != NULL ? s->pending.head->data : NULL;
      if (d == NULL || d->cmdsn != s->exp_cmdsn)
        {
          g_mutex_unlock (&s->lock);
          return;
        }
      g_queue_unlink (&s->pending, &d->link);
      s->exp_cmdsn++;
      window_update (s);
      g_mutex_unlock (&s->lock);
      if (d->conn == c)
        {
          run_deferred (c, d);
          deferred_free (d);
        }
      else
        {
          /* Connection allegiance: the command runs on the connection it
           * came in on (sec. 4.4.3), in that connection's worker. */
          tgt_worker_post (d->conn->worker, run_deferred_post, d);
          return;
        }
    }
}

void
session_task_begin (TgtSession *s)
{
  g_mutex_lock (&s->lock);
  s->active++;
  g_mutex_unlock (&s->lock);
}

void
session_task_end (TgtSession *s)
{
  g_mutex_lock (&s->lock);
  if (s->active > 0)
    s->active--;
  window_update (s);
  g_mutex_unlock (&s->lock);
}

void
session_window (TgtSession *s, guint32 *exp_cmdsn, guint32 *max_cmdsn)
{
  if (s == NULL)
    {
      *exp_cmdsn = 0;
      *max_cmdsn = 0;
      return;
    }
  g_mutex_lock (&s->lock);
  *exp_cmdsn = s->exp_cmdsn;
  *max_cmdsn = s->max_cmdsn;
  g_mutex_unlock (&s->lock);
}
