/* task-core.h: SCSI command tasks and the data path (RFC 7143 sec. 11.3-11.8).
 *
 * A TgtTask carries one SCSI command from its SCSI Command PDU to the last
 * byte of its response: immediate and unsolicited data (InitialR2T,
 * FirstBurstLength), R2Ts (MaxOutstandingR2T, MaxBurstLength), Data-In with
 * the status collapsed into the last PDU, residuals.  Tasks come from a
 * per-connection free list; the embedded TgtScsiCmd needs no allocation. */
#pragma once
#include <glib.h>
#include "target/iscsi-core.h"
#include "target/scsi.h"
#include "libiscsi-proto/iproto-pdu.h"

G_BEGIN_DECLS

/* R2Ts in flight per command (MaxOutstandingR2T is clamped to this). */
#define TGT_TASK_MAX_R2T 16

typedef enum {
  TGT_TASK_FREE,
  TGT_TASK_DATA_OUT,         /* waiting for Data-Out */
  TGT_TASK_RESPONDING,       /* response queued, buffers in flight */
} TgtTaskState;

struct TgtTask {
  GList link;                /* conn->tasks or conn->free_tasks */
  TgtConn *conn;
  TgtTaskState state;
  TgtScsiCmd cmd;
  gboolean prepared;         /* cmd needs tgt_scsi_cmd_done() */
  gboolean aborted;          /* TMF: drop the response */
  gboolean exec_ready;       /* prepare said EXECUTE */
  gboolean digest_error;     /* a Data-Out of it failed its data digest */
  guint32 itt;
  guint32 cmdsn;
  guint32 edtl;
  /* Data-Out accounting (write commands). */
  guint32 want;              /* bytes we keep: cmd.out_len */
  guint32 kept;              /* bytes of [0, want) received */
  gboolean unsol_open;       /* unsolicited Data-Out sequence not yet ended (F) */
  guint32 r2t_next_offset;   /* next offset to solicit */
  guint32 r2t_sn;            /* next R2TSN */
  guint32 r2t_max;           /* MaxOutstandingR2T of the session */
  guint n_r2t;               /* outstanding R2Ts in r2t[] */
  struct {
    guint32 ttt;
    guint32 offset;
    guint32 len;
    guint32 got;
    guint32 datasn;          /* next DataSN in this sequence */
  } r2t[TGT_TASK_MAX_R2T];
  guint32 unsol_datasn;      /* next DataSN of the unsolicited sequence */
  guint32 data_in_sn;        /* Data-In DataSN (sec. 11.7.4) */
  guint8 rsp_data[2 + TGT_SCSI_SENSE_MAX]; /* SenseLength + sense (sec. 11.4.7) */
};

/* SCSI Command PDU whose CmdSN turn came (task-scsi.c). */
void task_scsi_command (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len,
                        const guint8 *data, gsize data_len);
/* Data-Out header received: where its data goes.  Returns FALSE (and has
 * answered or closed) when the PDU is bad; dest and len NULL and 0 to discard. */
gboolean task_data_out_header (TgtConn *c, const IProtoPdu *pdu, guint8 **dest, gsize *len);
/* Data-Out complete.  data: the data segment when it went to the parser's
 * buffer (not straight into the command), else NULL. */
void task_data_out_done (TgtConn *c, const IProtoPdu *pdu, const guint8 *data);
/* A Data-Out whose data digest failed (its header was good, the Reject is
 * already queued): counted as received, and the command ends with CHECK
 * CONDITION once all its data arrived (RFC 7143 sec. 7.8). */
void task_data_out_digest_error (TgtConn *c, const IProtoPdu *pdu);
/* Task Management Function Request (task-tmf.c). */
void task_tmf (TgtConn *c, const IProtoPdu *pdu);

TgtTask *task_find (TgtConn *c, guint32 itt);
/* Aborts t (TMF): no response will be sent for it (sec. 4.2.3); released
 * now, or when a Data-Out being received into its buffer ends.  In the
 * worker of t->conn. */
void task_abort (TgtTask *t);
/* Drops every task of c (connection closing). */
void task_drop_all (TgtConn *c);
void task_release (TgtTask *t);

G_END_DECLS
