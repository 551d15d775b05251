/* conn-dispatch.c: what to do with each received PDU, by opcode and
 * connection phase (RFC 7143 sec. 11.2.1.2 opcode table). */
#include "config.h"

#include "target/conn-core.h"
#include "target/conn-ffp.h"
#include "target/login-core.h"
#include "target/session-core.h"
#include "target/task-core.h"

typedef void (*PduHandler) (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len,
                            const guint8 *data, gsize data_len);

static void
on_scsi_cmd (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data, gsize len)
{
  task_scsi_command (c, pdu, hdr, hdr_len, data, len);
}

static void
on_tmf (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data, gsize len)
{
  task_tmf (c, pdu);
}

static void
on_data_out (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data, gsize len)
{
  task_data_out_done (c, pdu, data);
}

static void
on_snack (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data, gsize len)
{
  /* sec. 11.16: SNACK is for ErrorRecoveryLevel > 0; at level 0 it is a
   * protocol error answered by Reject (sec. 11.17.1, reason 0x04). */
  conn_send_reject (c, IPROTO_REJECT_PROTOCOL_ERROR, hdr);
}

static guint32 cmdsn_nop (const IProtoPdu *p) { return p->u.nop_out.cmdsn; }
static guint32 cmdsn_scsi (const IProtoPdu *p) { return p->u.scsi_cmd.cmdsn; }
static guint32 cmdsn_tmf (const IProtoPdu *p) { return p->u.tmf_req.cmdsn; }
static guint32 cmdsn_text (const IProtoPdu *p) { return p->u.text_req.cmdsn; }
static guint32 cmdsn_logout (const IProtoPdu *p) { return p->u.logout_req.cmdsn; }

/* Full feature phase: which initiator opcodes we serve, and how to find
 * their CmdSN (NULL: not subject to command ordering, sec. 4.2.2.1). */
static const struct {
  guint8 opcode;
  guint32 (*cmdsn) (const IProtoPdu *pdu);
  PduHandler handler;
  gboolean discovery_ok;       /* allowed in a discovery session (sec. 4.3) */
} ffp_table[] = {
  { IPROTO_OP_NOP_OUT, cmdsn_nop, ffp_nop_out, TRUE },
  { IPROTO_OP_SCSI_CMD, cmdsn_scsi, on_scsi_cmd, FALSE },
  { IPROTO_OP_TMF_REQ, cmdsn_tmf, on_tmf, FALSE },
  { IPROTO_OP_TEXT_REQ, cmdsn_text, ffp_text, TRUE },
  { IPROTO_OP_DATA_OUT, NULL, on_data_out, FALSE },
  { IPROTO_OP_LOGOUT_REQ, cmdsn_logout, ffp_logout, TRUE },
  { IPROTO_OP_SNACK_REQ, NULL, on_snack, FALSE },
};

/* Runs an ordered PDU whose CmdSN turn has come (also called for
 * deferred PDUs, from session-cmdsn.c). */
void
conn_dispatch_ordered (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
                       gsize data_len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (ffp_table); i++)
    if (ffp_table[i].opcode == pdu->opcode)
      {
        ffp_table[i].handler (c, pdu, hdr, hdr_len, data, data_len);
        return;
      }
}

void
conn_dispatch (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
               gsize data_len)
{
  if (c->state == TGT_CONN_LOGIN)
    {
      login_receive (c, pdu, hdr, hdr_len, data, data_len);
      return;
    }
  if (c->state != TGT_CONN_FULL)
    return; /* logging out: ignore the rest */
  for (gsize i = 0; i < G_N_ELEMENTS (ffp_table); i++)
    {
      if (ffp_table[i].opcode != pdu->opcode)
        continue;
      if (c->sess->params.discovery && !ffp_table[i].discovery_ok)
        {
          /* sec. 4.3: a discovery session carries only Text, NOP and
           * Logout; anything else is a protocol error. */
          conn_send_reject (c, IPROTO_REJECT_PROTOCOL_ERROR, hdr);
          return;
        }
      if (ffp_table[i].cmdsn != NULL)
        {
          /* A NOP-Out answering our NOP-In carries ITT 0xffffffff and the
           * I bit: it takes no CmdSN (sec. 11.18). */
          SessionCmdVerdict v = session_cmdsn_check (c->sess, c, ffp_table[i].cmdsn (pdu), pdu->immediate,
                                                     hdr, hdr_len, data, data_len);
          if (v != SESSION_CMD_NOW)
            return;
          ffp_table[i].handler (c, pdu, hdr, hdr_len, data, data_len);
          if (!pdu->immediate && c->state != TGT_CONN_CLOSED && c->sess != NULL)
            session_run_ready (c->sess, c);
          return;
        }
      ffp_table[i].handler (c, pdu, hdr, hdr_len, data, data_len);
      return;
    }
  /* Login in full feature phase, or a target opcode sent to us
   * (sec. 11.12: Login only before full feature phase). */
  conn_send_reject (c, IPROTO_REJECT_PROTOCOL_ERROR, hdr);
}
