/* task-tmf.c: Task Management Function Requests (RFC 7143 sec. 11.5, 11.6,
 * 4.2.3; SAM-5 sec. 7).  Commands execute synchronously in the worker, so
 * the only tasks a TMF can still stop are those waiting for Data-Out; a
 * task whose response is already queued completes first, which keeps the
 * rule that no response of an aborted task follows the TMF response.
 *
 * Which tasks a function concerns is decided here; finding them on the
 * session's other connections (MC/S), or on other sessions for the
 * resets, and answering once they are gone is task-tmf-spread.c's. */
#include "config.h"

#include "target/task-core.h"
#include "target/task-tmf-spread.h"
#include "target/conn-core.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "libiscsi-proto/iproto-sna.h"

/* What the answer needs once the aborts have run. */
typedef struct {
  guint32 itt;
  IProtoTmfReq req;
} Pending;

static gboolean
lun_exists (TgtConn *c, guint64 lun)
{
  int n = iproto_lun_decode (lun);
  return n >= 0 && tgt_scsi_target_lun_info (c->sess->target->scsi, (guint) n, NULL, NULL);
}

static void
respond (TgtConn *c, TgtSession *s, guint32 itt, guint8 rsp, gboolean close_after)
{
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_TMF_RSP);
  p.itt = itt;
  p.u.tmf_rsp.response = rsp;
  p.u.tmf_rsp.statsn = c->stat_sn++;
  session_window (s, &p.u.tmf_rsp.expcmdsn, &p.u.tmf_rsp.maxcmdsn);
  conn_send (c, &p, NULL, 0);
  if (close_after && c->state != TGT_CONN_CLOSED)
    c->state = TGT_CONN_LOGOUT;
}

/* ABORT TASK's answer (sec. 11.6.1). */
static guint8
abort_task_response (TgtSession *s, const IProtoTmfReq *r, const TaskTmfOutcome *out)
{
  if (out->aborted > 0)
    return IPROTO_TMF_RSP_COMPLETE;
  /* A task whose response is already queued has completed: the initiator
   * gets that response, so the abort found nothing to do. */
  if (out->finished > 0)
    return IPROTO_TMF_RSP_NO_TASK;
  /* sec. 11.5.1: a task never received (its RefCmdSN not yet reached,
   * i.e. at or beyond ExpCmdSN) but older than the TMF counts as received
   * and aborted: Function complete.  One received and finished (RefCmdSN
   * below ExpCmdSN) does not exist any more. */
  guint32 exp, max;
  session_window (s, &exp, &max);
  if (iproto_sna_lt (r->refcmdsn, r->cmdsn) && iproto_sna_in_window (r->refcmdsn, exp, max))
    return IPROTO_TMF_RSP_COMPLETE;
  return IPROTO_TMF_RSP_NO_TASK;
}

/* In the origin's worker once the concerned tasks are gone everywhere:
 * the SCSI side of the function, then the answer. */
static void
on_aborted (TgtConn *c, const TaskTmfOutcome *out, gpointer data)
{
  g_autofree Pending *pend = data;
  const IProtoTmfReq *r = &pend->req;
  TgtSession *s = c->sess;
  if (s == NULL || c->state == TGT_CONN_CLOSED)
    return; /* the connection ended meanwhile: nobody to answer */
  TgtScsiTarget *scsi = s->target->scsi;
  guint8 rsp = IPROTO_TMF_RSP_COMPLETE;
  switch (r->function)
    {
    case IPROTO_TMF_ABORT_TASK:
      rsp = abort_task_response (s, r, out);
      break;
    case IPROTO_TMF_CLEAR_TASK_SET:
      /* SAM-5 7.4 with TAS=0: the other nexuses whose tasks went learn it
       * by COMMANDS CLEARED BY ANOTHER INITIATOR. */
      tgt_scsi_task_set_cleared (scsi, r->lun, s->nexus, out->others, out->n_others);
      break;
    case IPROTO_TMF_LOGICAL_UNIT_RESET:
      /* Every I_T nexus, the resetting one included, sees BUS DEVICE
       * RESET FUNCTION OCCURRED next (what initiators check after a
       * reset on one path of several). */
      tgt_scsi_lun_reset (scsi, r->lun, NULL);
      break;
    case IPROTO_TMF_TARGET_WARM_RESET:
    case IPROTO_TMF_TARGET_COLD_RESET:
      tgt_scsi_target_reset (scsi, r->function == IPROTO_TMF_TARGET_COLD_RESET, s->nexus);
      break;
    default:
      break;
    }
  /* sec. 11.5.1: after a cold reset the target drops the connections
   * once the response is sent. */
  respond (c, s, pend->itt, rsp, r->function == IPROTO_TMF_TARGET_COLD_RESET);
  conn_flush (c);
}

void
task_tmf (TgtConn *c, const IProtoPdu *pdu)
{
  const IProtoTmfReq *r = &pdu->u.tmf_req;
  TaskTmfWhat what = { .lun = r->lun };
  TaskTmfScope scope = TASK_TMF_SESSION;
  guint8 rsp;
  switch (r->function)
    {
    case IPROTO_TMF_ABORT_TASK:
      /* sec. 4.2: a task has allegiance to the connection it came in on,
       * but the TMF may arrive on any connection of the session; the ITT
       * is unique across the session (sec. 11.2.1.8). */
      what.one_task = TRUE;
      what.rtt = r->rtt;
      break;
    case IPROTO_TMF_ABORT_TASK_SET:
      /* This I_T nexus's tasks only (SAM-5 7.3): the session's. */
      if (!lun_exists (c, r->lun))
        goto refuse_no_lun;
      break;
    case IPROTO_TMF_CLEAR_TASK_SET:
    case IPROTO_TMF_LOGICAL_UNIT_RESET:
      /* One task set per LU shared by all nexuses (control mode page
       * TST=000b): every session's tasks for the LU go (SAM-5 7.4, 7.7). */
      if (!lun_exists (c, r->lun))
        goto refuse_no_lun;
      scope = TASK_TMF_TARGET;
      break;
    case IPROTO_TMF_TARGET_WARM_RESET:
    case IPROTO_TMF_TARGET_COLD_RESET:
      scope = TASK_TMF_TARGET;
      what.all_luns = TRUE;
      what.close_others = r->function == IPROTO_TMF_TARGET_COLD_RESET;
      break;
    case IPROTO_TMF_TASK_REASSIGN:
      /* Needs ErrorRecoveryLevel 2 (sec. 6.2.2). */
      rsp = IPROTO_TMF_RSP_NO_REASSIGN;
      goto refuse;
    case IPROTO_TMF_CLEAR_ACA:
      rsp = IPROTO_TMF_RSP_NOT_SUPPORTED;
      goto refuse;
    default:
      rsp = IPROTO_TMF_RSP_REJECTED;
      goto refuse;
    }
  Pending *pend = g_new0 (Pending, 1);
  pend->itt = pdu->itt;
  pend->req = *r;
  task_tmf_spread (c, scope, &what, on_aborted, pend);
  return;
refuse_no_lun:
  rsp = IPROTO_TMF_RSP_NO_LUN;
refuse:
  respond (c, c->sess, pdu->itt, rsp, FALSE);
}
