/* task-scsi.c: SCSI commands from their Command PDU to their response
 * (RFC 7143 sec. 11.3-11.8, 4.2.2.1, 13.10-13.14, 13.17). */
#include "config.h"

#include "target/task-core.h"
#include "target/conn-core.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "libiscsi-proto/iproto-sense.h"

#include <string.h>

static TgtTask *
task_get (TgtConn *c)
{
  GList *l = g_queue_pop_head_link (&c->free_tasks);
  TgtTask *t;
  if (l != NULL)
    t = l->data;
  else
    {
      t = g_new0 (TgtTask, 1);
      t->link.data = t;
    }
  t->conn = c;
  t->prepared = FALSE;
  t->aborted = FALSE;
  t->exec_ready = FALSE;
  t->digest_error = FALSE;
  t->kept = 0;
  t->want = 0;
  t->unsol_open = FALSE;
  t->r2t_next_offset = 0;
  t->r2t_sn = 0;
  t->n_r2t = 0;
  t->unsol_datasn = 0;
  t->data_in_sn = 0;
  g_queue_push_tail_link (&c->tasks, &t->link);
  session_task_begin (c->sess);
  return t;
}

void
task_release (TgtTask *t)
{
  TgtConn *c = t->conn;
  if (t->prepared)
    tgt_scsi_cmd_done (&t->cmd);
  t->prepared = FALSE;
  t->state = TGT_TASK_FREE;
  g_queue_unlink (&c->tasks, &t->link);
  g_queue_push_head_link (&c->free_tasks, &t->link);
  if (c->rx_task == t)
    c->rx_task = NULL;
  if (c->sess != NULL)
    session_task_end (c->sess);
}

TgtTask *
task_find (TgtConn *c, guint32 itt)
{
  for (GList *l = c->tasks.head; l != NULL; l = l->next)
    {
      TgtTask *t = l->data;
      if (t->itt == itt && t->state != TGT_TASK_FREE)
        return t;
    }
  return NULL;
}

void
task_abort (TgtTask *t)
{
  t->aborted = TRUE;
  /* A Data-Out may be landing in this task's buffer right now (zero copy:
   * the parser holds a pointer into it until the PDU ends), when the abort
   * came from another connection between two reads.  The buffer must live
   * until then: task_data_out_done() releases the task. */
  if (t->conn->rx_task == t)
    return;
  task_release (t);
}

void
task_drop_all (TgtConn *c)
{
  while (c->tasks.head != NULL)
    task_release (c->tasks.head->data);
}

static void
on_sent (gpointer data, gboolean sent)
{
  task_release (data);
}

/* Residual of sec. 11.4.5: what the command wanted to move (SPDTL) against
 * what the initiator expected (EDTL). */
static void
residual (const TgtTask *t, gboolean *over, gboolean *under, guint32 *count)
{
  const TgtScsiCmd *cmd = &t->cmd;
  guint32 spdtl = (cmd->flags & TGT_CMD_F_READ) ? cmd->in_len : (cmd->flags & TGT_CMD_F_WRITE) ? cmd->out_len : 0;
  if (!(cmd->flags & (TGT_CMD_F_READ | TGT_CMD_F_WRITE)))
    spdtl = MAX (cmd->in_len, cmd->out_len);
  *over = spdtl > t->edtl;
  *under = spdtl < t->edtl;
  *count = *over ? spdtl - t->edtl : *under ? t->edtl - spdtl : 0;
}

static void
send_response (TgtTask *t)
{
  TgtConn *c = t->conn;
  TgtScsiCmd *cmd = &t->cmd;
  if (t->aborted || c->state != TGT_CONN_FULL)
    {
      task_release (t);
      return;
    }
  t->state = TGT_TASK_RESPONDING;
  gboolean over, under;
  guint32 res;
  residual (t, &over, &under, &res);
  guint32 exp, max;
  guint32 in_len = (cmd->flags & TGT_CMD_F_READ) ? MIN (cmd->in_len, t->edtl) : 0;
  /* Status goes into the last Data-In when there is no sense data
   * (sec. 11.7.3: S=1 only with a status that carries no sense). */
  gboolean collapse = in_len > 0 && cmd->sense_len == 0;
  guint32 burst = c->sess->params.max_burst_length;
  guint32 off = 0;
  int vi = 0;
  gsize voff = 0;
  while (off < in_len)
    {
      guint32 n = MIN (in_len - off, c->max_send_dsl);
      /* sec. 13.13: a Data-In sequence carries at most MaxBurstLength. */
      guint32 seq_left = burst - (off % burst);
      n = MIN (n, seq_left);
      struct iovec v[TGT_SCSI_IN_IOV_MAX];
      unsigned nv = 0;
      guint32 need = n;
      while (need > 0 && vi < cmd->in_iovcnt)
        {
          gsize avail = cmd->in_iov[vi].iov_len - voff;
          gsize take = MIN (avail, need);
          v[nv].iov_base = (guint8 *) cmd->in_iov[vi].iov_base + voff;
          v[nv].iov_len = take;
          nv++;
          need -= take;
          voff += take;
          if (voff == cmd->in_iov[vi].iov_len)
            {
              vi++;
              voff = 0;
            }
        }
      gboolean last = off + n >= in_len;
      IProtoPdu p;
      iproto_pdu_init (&p, IPROTO_OP_DATA_IN);
      p.itt = t->itt;
      IProtoDataIn *d = &p.u.data_in;
      d->final = last || n == seq_left;
      d->ttt = IPROTO_RESERVED_TAG;
      d->datasn = t->data_in_sn++;
      d->buffer_offset = off;
      session_window (c->sess, &exp, &max);
      d->expcmdsn = exp;
      d->maxcmdsn = max;
      if (last && collapse)
        {
          d->has_status = TRUE;
          d->final = TRUE;
          d->status = cmd->status;
          d->statsn = c->stat_sn++;
          d->overflow = over;
          d->underflow = under;
          d->residual = res;
        }
      tgt_tx_add (&c->tx, &p, v, nv, last && collapse ? on_sent : NULL, t);
      off += n;
    }
  if (collapse)
    return;
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_SCSI_RSP);
  p.itt = t->itt;
  IProtoScsiRsp *r = &p.u.scsi_rsp;
  r->response = IPROTO_RSP_COMPLETED;
  r->status = cmd->status;
  r->overflow = over;
  r->underflow = under;
  r->residual = res;
  r->statsn = c->stat_sn++;
  session_window (c->sess, &exp, &max);
  r->expcmdsn = exp;
  r->maxcmdsn = max;
  /* sec. 11.4.8: the number of R2T and Data-In PDUs sent for the task. */
  r->expdatasn = (cmd->flags & TGT_CMD_F_READ) ? t->data_in_sn : t->r2t_sn;
  struct iovec v = { t->rsp_data, 0 };
  if (cmd->sense_len > 0)
    {
      /* sec. 11.4.7.2: SenseLength, then the sense data. */
      t->rsp_data[0] = 0;
      t->rsp_data[1] = cmd->sense_len;
      memcpy (t->rsp_data + 2, cmd->sense, cmd->sense_len);
      v.iov_len = 2 + cmd->sense_len;
    }
  tgt_tx_add (&c->tx, &p, &v, v.iov_len > 0 ? 1 : 0, on_sent, t);
}

/* Ends the command with CHECK CONDITION, ABORTED COMMAND and asc/ascq,
 * without executing it. */
static void
fail_aborted_command (TgtTask *t, guint16 asc)
{
  IProtoSense sense;
  iproto_sense_set (&sense, IPROTO_SENSE_ABORTED_COMMAND, asc);
  t->cmd.status = TGT_SCSI_CHECK_CONDITION;
  t->cmd.sense_len = (guint8) iproto_sense_build (t->cmd.sense, &sense, FALSE);
  t->cmd.in_len = 0;
  t->exec_ready = FALSE;
  t->unsol_open = FALSE;
  t->n_r2t = 0;
  send_response (t);
}

static void
execute (TgtTask *t)
{
  if (t->digest_error)
    {
      /* sec. 7.8 option b (recovery R2Ts need ErrorRecoveryLevel 1):
       * terminate the task with CHECK CONDITION and the iSCSI condition
       * "protocol service CRC error" (sec. 11.4.7.2: ABORTED COMMAND,
       * 47h/05h), after all of its data arrived; it is not executed. */
      fail_aborted_command (t, IPROTO_ASC (0x47, 0x05));
      return;
    }
  if (t->exec_ready && !t->aborted)
    tgt_scsi_cmd_execute (&t->cmd);
  send_response (t);
}

/* Solicit more data while R2T slots are free (sec. 13.17) and data is
 * missing, each R2T for at most MaxBurstLength (sec. 13.13). */
static void
send_r2ts (TgtTask *t)
{
  TgtConn *c = t->conn;
  guint32 burst = c->sess->params.max_burst_length;
  while (t->n_r2t < t->r2t_max && t->r2t_next_offset < t->want)
    {
      guint32 len = MIN (t->want - t->r2t_next_offset, burst);
      guint i = t->n_r2t++;
      t->r2t[i].ttt = c->next_ttt++ & 0x3fffffffu;
      t->r2t[i].offset = t->r2t_next_offset;
      t->r2t[i].len = len;
      t->r2t[i].got = 0;
      t->r2t[i].datasn = 0;
      IProtoPdu p;
      iproto_pdu_init (&p, IPROTO_OP_R2T);
      p.itt = t->itt;
      IProtoR2T *r = &p.u.r2t;
      r->lun = t->cmd.lun;
      r->ttt = t->r2t[i].ttt;
      /* sec. 11.8: R2T carries StatSN without advancing it. */
      r->statsn = c->stat_sn;
      session_window (c->sess, &r->expcmdsn, &r->maxcmdsn);
      r->r2tsn = t->r2t_sn++;
      r->buffer_offset = t->r2t_next_offset;
      r->desired_len = len;
      tgt_tx_add (&c->tx, &p, NULL, 0, NULL, NULL);
      t->r2t_next_offset += len;
    }
}

/* After data arrived: run the command once everything is in. */
static void
progress (TgtTask *t)
{
  if (t->unsol_open || t->n_r2t > 0 || t->r2t_next_offset < t->want)
    {
      if (!t->unsol_open)
        send_r2ts (t);
      return;
    }
  execute (t);
}

void
task_scsi_command (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
                   gsize data_len)
{
  const IProtoScsiCmd *sc = &pdu->u.scsi_cmd;
  TgtSession *s = c->sess;
  if (data_len > 0 && (!sc->write || !s->params.immediate_data || data_len > s->params.first_burst_length))
    {
      /* sec. 13.11/13.14: immediate data only when negotiated, only for
       * writes, and at most FirstBurstLength. */
      conn_send_reject (c, IPROTO_REJECT_PROTOCOL_ERROR, hdr);
      return;
    }
  TgtTask *t = task_get (c);
  t->itt = pdu->itt;
  t->cmdsn = sc->cmdsn;
  t->edtl = sc->edtl;
  TgtScsiCmd *cmd = &t->cmd;
  tgt_scsi_cmd_init (cmd);
  cmd->nexus = s->nexus;
  cmd->lun = sc->lun;
  cmd->cdb_len = (guint16) iproto_scsi_cmd_cdb (sc, cmd->cdb);
  cmd->task_attr = sc->attr;
  cmd->flags = (sc->read ? TGT_CMD_F_READ : 0) | (sc->write ? TGT_CMD_F_WRITE : 0);
  cmd->edtl = sc->edtl;
  TgtScsiPrep prep = tgt_scsi_cmd_prepare (s->target->scsi, cmd);
  t->prepared = TRUE;
  t->exec_ready = prep == TGT_SCSI_PREP_EXECUTE;
  t->want = t->exec_ready && sc->write ? MIN (cmd->out_len, sc->edtl) : 0;
  t->r2t_max = MIN (MAX (s->params.max_outstanding_r2t, 1), TGT_TASK_MAX_R2T);
  t->state = TGT_TASK_DATA_OUT;
  if (data_len > 0 && t->want > 0)
    {
      guint32 keep = MIN ((guint32) data_len, t->want);
      memcpy (cmd->out_buf, data, keep);
      t->kept = keep;
    }
  if (sc->write && !sc->final)
    {
      /* sec. 13.10: with InitialR2T=No the initiator follows with
       * unsolicited Data-Out up to FirstBurstLength, the last with F=1. */
      t->unsol_open = TRUE;
      t->r2t_next_offset = MIN (s->params.first_burst_length, sc->edtl);
    }
  else
    t->r2t_next_offset = (guint32) data_len;
  if (!t->exec_ready)
    t->r2t_next_offset = t->want; /* nothing to solicit */
  progress (t);
}

gboolean
task_data_out_header (TgtConn *c, const IProtoPdu *pdu, guint8 **dest, gsize *len)
{
  const IProtoDataOut *d = &pdu->u.data_out;
  TgtTask *t = task_find (c, pdu->itt);
  *dest = NULL;
  *len = 0;
  if (t == NULL || t->state != TGT_TASK_DATA_OUT || t->aborted)
    return TRUE; /* an aborted task's data: discard quietly */
  guint64 end = (guint64) d->buffer_offset + pdu->data_len;
  if (end <= t->want && pdu->data_len > 0)
    {
      *dest = t->cmd.out_buf + d->buffer_offset;
      *len = pdu->data_len;
      c->rx_task = t;
    }
  return TRUE;
}

/* At ErrorRecoveryLevel 0 a Data-Out sequence error cannot be recovered
 * (sec. 7.1.4): the command ends with CHECK CONDITION, ABORTED COMMAND,
 * DATA PHASE ERROR (SPC-4 4Bh/00h) and is not executed; Data-Out still
 * in flight for it is dropped. */
static void
fail_data_phase (TgtTask *t)
{
  fail_aborted_command (t, IPROTO_ASC (0x4b, 0x00));
}

void
task_data_out_done (TgtConn *c, const IProtoPdu *pdu, const guint8 *data)
{
  const IProtoDataOut *d = &pdu->u.data_out;
  TgtTask *t = task_find (c, pdu->itt);
  c->rx_task = NULL; /* the PDU is complete: its buffer is no longer written */
  if (t != NULL && t->aborted)
    {
      task_release (t); /* aborted while this PDU arrived (task_abort) */
      return;
    }
  if (t == NULL || t->state != TGT_TASK_DATA_OUT)
    return;
  guint32 off = d->buffer_offset;
  guint32 n = pdu->data_len;
  if ((guint64) off + n > t->edtl)
    {
      /* sec. 11.7.6: data beyond EDTL is a protocol error. */
      t->aborted = TRUE;
      task_release (t);
      conn_close (c, "Data-Out beyond the expected data transfer length");
      return;
    }
  if (off < t->want)
    {
      guint32 keep = MIN (n, t->want - off);
      if (data != NULL)
        memcpy (t->cmd.out_buf + off, data, keep);
      t->kept += keep;
    }
  /* sec. 11.7.4: DataSN counts the Data-Out PDUs of each sequence from
   * 0.  At ErrorRecoveryLevel 0 a gap or repeat cannot be recovered: the
   * connection ends (sec. 7.1.4, 6.1.5). */
  guint32 *expected = NULL;
  guint slot = 0;
  if (d->ttt == IPROTO_RESERVED_TAG)
    expected = t->unsol_open ? &t->unsol_datasn : NULL;
  else
    for (slot = 0; slot < t->n_r2t; slot++)
      if (t->r2t[slot].ttt == d->ttt)
        {
          expected = &t->r2t[slot].datasn;
          break;
        }
  if (expected == NULL || d->datasn != *expected)
    {
      g_info ("connection %u: Data-Out with %s (DataSN %u): command ends with DATA PHASE ERROR", c->id,
              expected == NULL ? "an unknown transfer tag" : "a DataSN out of sequence", d->datasn);
      fail_data_phase (t);
      return;
    }
  (*expected)++;
  if (d->ttt == IPROTO_RESERVED_TAG)
    {
      if (d->final)
        t->unsol_open = FALSE;
    }
  else
    {
      t->r2t[slot].got += n;
      if (d->final || t->r2t[slot].got >= t->r2t[slot].len)
        t->r2t[slot] = t->r2t[--t->n_r2t];
    }
  progress (t);
}

void
task_data_out_digest_error (TgtConn *c, const IProtoPdu *pdu)
{
  TgtTask *t = task_find (c, pdu->itt);
  if (t == NULL || t->state != TGT_TASK_DATA_OUT || t->aborted)
    {
      task_data_out_done (c, pdu, NULL); /* ends the receive, releases an aborted task */
      return;
    }
  /* sec. 7.8: the PDU is discarded, but its header is sound (the header
   * digest passed), so its offset, length, DataSN and F bit still count:
   * that is how we know when "all the data" has arrived and the task may
   * be answered.  Whatever bytes landed in the buffer are never used. */
  t->digest_error = TRUE;
  task_data_out_done (c, pdu, NULL);
}
