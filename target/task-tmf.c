/* task-tmf.c: Task Management Function Requests (RFC 7143 sec. 11.5, 11.6,
 * 4.2.3; SAM-5 sec. 7).  Commands execute synchronously in the worker, so
 * the only tasks a TMF can still stop are those waiting for Data-Out; a
 * task whose response is already queued completes first, which keeps the
 * rule that no response of an aborted task follows the TMF response. */
#include "config.h"

#include "target/task-core.h"
#include "target/conn-core.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "libiscsi-proto/iproto-sna.h"

/* Aborts this connection's tasks for lun (all LUNs when all is TRUE). */
static guint
abort_tasks (TgtConn *c, guint64 lun, gboolean all)
{
  guint n = 0;
  for (GList *l = c->tasks.head; l != NULL;)
    {
      GList *next = l->next;
      TgtTask *t = l->data;
      if ((all || t->cmd.lun == lun) && t->state == TGT_TASK_DATA_OUT)
        {
          t->aborted = TRUE;
          task_release (t);
          n++;
        }
      l = next;
    }
  return n;
}

static guint8
abort_task (TgtConn *c, const IProtoTmfReq *r)
{
  TgtTask *t = task_find (c, r->rtt);
  if (t != NULL && t->state == TGT_TASK_DATA_OUT)
    {
      t->aborted = TRUE;
      task_release (t);
      return IPROTO_TMF_RSP_COMPLETE;
    }
  /* A task whose response is already queued has completed: the initiator
   * gets that response, so the abort found nothing to do. */
  if (t != NULL)
    return IPROTO_TMF_RSP_NO_TASK;
  /* sec. 11.5.1: a task never received (its RefCmdSN not yet reached,
   * i.e. at or beyond ExpCmdSN) but older than the TMF counts as received
   * and aborted: Function complete.  One received and finished (RefCmdSN
   * below ExpCmdSN) does not exist any more. */
  guint32 exp, max;
  session_window (c->sess, &exp, &max);
  if (iproto_sna_lt (r->refcmdsn, r->cmdsn) && iproto_sna_in_window (r->refcmdsn, exp, max))
    return IPROTO_TMF_RSP_COMPLETE;
  return IPROTO_TMF_RSP_NO_TASK;
}

static gboolean
lun_exists (TgtConn *c, guint64 lun)
{
  int n = iproto_lun_decode (lun);
  return n >= 0 && tgt_scsi_target_lun_info (c->sess->target->scsi, (guint) n, NULL, NULL);
}

void
task_tmf (TgtConn *c, const IProtoPdu *pdu)
{
  const IProtoTmfReq *r = &pdu->u.tmf_req;
  TgtSession *s = c->sess;
  TgtScsiTarget *scsi = s->target->scsi;
  guint8 rsp = IPROTO_TMF_RSP_COMPLETE;
  gboolean close_after = FALSE;
  switch (r->function)
    {
    case IPROTO_TMF_ABORT_TASK:
      rsp = abort_task (c, r);
      break;
    case IPROTO_TMF_ABORT_TASK_SET:
    case IPROTO_TMF_CLEAR_TASK_SET:
      if (!lun_exists (c, r->lun))
        {
          rsp = IPROTO_TMF_RSP_NO_LUN;
          break;
        }
      abort_tasks (c, r->lun, FALSE);
      if (r->function == IPROTO_TMF_CLEAR_TASK_SET)
        tgt_scsi_task_set_cleared (scsi, r->lun, s->nexus, NULL, 0);
      break;
    case IPROTO_TMF_LOGICAL_UNIT_RESET:
      if (!lun_exists (c, r->lun))
        {
          rsp = IPROTO_TMF_RSP_NO_LUN;
          break;
        }
      abort_tasks (c, r->lun, FALSE);
      /* Every I_T nexus, the resetting one included, sees BUS DEVICE
       * RESET FUNCTION OCCURRED next (what initiators check after a
       * reset on one path of several). */
      tgt_scsi_lun_reset (scsi, r->lun, NULL);
      break;
    case IPROTO_TMF_TARGET_WARM_RESET:
    case IPROTO_TMF_TARGET_COLD_RESET:
      abort_tasks (c, 0, TRUE);
      tgt_scsi_target_reset (scsi, r->function == IPROTO_TMF_TARGET_COLD_RESET, s->nexus);
      /* sec. 11.5.1: after a cold reset the target drops the connections
       * once the response is sent. */
      close_after = r->function == IPROTO_TMF_TARGET_COLD_RESET;
      break;
    case IPROTO_TMF_TASK_REASSIGN:
      /* Needs ErrorRecoveryLevel 2 (sec. 6.2.2). */
      rsp = IPROTO_TMF_RSP_NO_REASSIGN;
      break;
    case IPROTO_TMF_CLEAR_ACA:
      rsp = IPROTO_TMF_RSP_NOT_SUPPORTED;
      break;
    default:
      rsp = IPROTO_TMF_RSP_REJECTED;
      break;
    }
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_TMF_RSP);
  p.itt = pdu->itt;
  p.u.tmf_rsp.response = rsp;
  p.u.tmf_rsp.statsn = c->stat_sn++;
  session_window (s, &p.u.tmf_rsp.expcmdsn, &p.u.tmf_rsp.maxcmdsn);
  conn_send (c, &p, NULL, 0);
  if (close_after)
    c->state = TGT_CONN_LOGOUT;
}
