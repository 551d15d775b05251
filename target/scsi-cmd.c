/* Command life: prepare (decode, LUN, unit attention, reservation, CDB
 * checks, data-out buffer), execute (the handler from the opcode table),
 * done (buffers back to the pool).  Sense format follows the D_SENSE bit of
 * the LUN's control mode page (SPC-4 7.5.8). */
#include "config.h"
#include "target/scsi-internal.h"

void tgt_scsi_cmd_init(TgtScsiCmd *cmd)
{
	memset(cmd, 0, sizeof *cmd);
}

gsize tgt_scsi_lun_build_sense(TgtLun *lun, guint8 *buf, const IProtoSense *s)
{
	gboolean desc = lun && lun->mode.d_sense;

	return iproto_sense_build(buf, s, desc);
}

static void set_sense(TgtScsiCmd *cmd, const IProtoSense *s)
{
	cmd->status = TGT_SCSI_CHECK_CONDITION;
	cmd->sense_len = (guint8) tgt_scsi_lun_build_sense(cmd->priv.lun, cmd->sense, s);
	/* A failed command transfers no data (the iSCSI layer reports the
	 * residual from in_len = 0). */
	cmd->in_len = 0;
	cmd->in_iovcnt = 0;
}

void tgt_scsi_cmd_sense(TgtScsiCmd *cmd, guint8 key, guint16 asc)
{
	IProtoSense s;

	iproto_sense_set(&s, key, asc);
	set_sense(cmd, &s);
}

void tgt_scsi_cmd_sense_info(TgtScsiCmd *cmd, guint8 key, guint16 asc, guint64 info)
{
	IProtoSense s;

	iproto_sense_set(&s, key, asc);
	iproto_sense_set_info(&s, info);
	set_sense(cmd, &s);
}

void tgt_scsi_cmd_bad_cdb(TgtScsiCmd *cmd, guint16 byte, int bit)
{
	IProtoSense s;

	iproto_sense_set(&s, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	iproto_sense_set_field_pointer(&s, TRUE, byte, bit);
	set_sense(cmd, &s);
}

void tgt_scsi_cmd_bad_param(TgtScsiCmd *cmd, guint16 byte, int bit)
{
	IProtoSense s;

	iproto_sense_set(&s, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_PARAMETER_LIST);
	iproto_sense_set_field_pointer(&s, FALSE, byte, bit);
	set_sense(cmd, &s);
}

void tgt_scsi_cmd_conflict(TgtScsiCmd *cmd)
{
	cmd->status = TGT_SCSI_RESERVATION_CONFLICT;
	cmd->sense_len = 0;
	cmd->in_len = 0;
	cmd->in_iovcnt = 0;
}

void tgt_scsi_cmd_io_error(TgtScsiCmd *cmd, int err, gboolean write)
{
	if (err == -ENOSPC || err == -EDQUOT)
		/* SBC-3 4.7.3.6: out of backing space while writing */
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_DATA_PROTECT, IPROTO_ASC(0x27, 0x07));
	else if (err == -EROFS || err == -EPERM || err == -EACCES)
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_DATA_PROTECT, IPROTO_ASC_WRITE_PROTECTED);
	else
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_MEDIUM_ERROR,
				   write ? IPROTO_ASC_WRITE_ERROR : IPROTO_ASC_UNRECOVERED_READ_ERROR);
}

gpointer tgt_scsi_cmd_buf(TgtScsiCmd *cmd, gsize len)
{
	for (guint i = 0; i < G_N_ELEMENTS(cmd->priv.bufs); i++) {
		if (!cmd->priv.bufs[i]) {
			cmd->priv.bufs[i] = tgt_scsi_buf_get(len, &cmd->priv.buf_sizes[i]);
			return cmd->priv.bufs[i];
		}
	}
	g_assert_not_reached();
}

guint8 *tgt_scsi_cmd_data_in(TgtScsiCmd *cmd, gsize len)
{
	guint8 *p = len <= sizeof cmd->priv.small ? cmd->priv.small : tgt_scsi_cmd_buf(cmd, len);

	memset(p, 0, len);
	cmd->in_iov[0].iov_base = p;
	cmd->in_iov[0].iov_len = 0;
	cmd->in_iovcnt = 1;
	return p;
}

void tgt_scsi_cmd_data_in_len(TgtScsiCmd *cmd, gsize len, gsize alloc_len)
{
	/* SPC-4 4.2.5.6: transfer the lesser of what exists and ALLOCATION LENGTH */
	cmd->in_len = (guint32) MIN(len, alloc_len);
	cmd->in_iov[0].iov_len = cmd->in_len;
	cmd->in_iovcnt = cmd->in_len ? 1 : 0;
}

gboolean tgt_scsi_prep_param_list(TgtScsiCmd *cmd, guint off, guint width, guint32 max)
{
	guint32 len = width == 2 ? iproto_get_be16(cmd->cdb + off) :
		      width == 4 ? iproto_get_be32(cmd->cdb + off) : cmd->cdb[off];

	if (len > max) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
		return FALSE;
	}
	cmd->out_len = len;
	return TRUE;
}

/* SAM-5 5.14: a pending unit attention ends any command but INQUIRY, REPORT
 * LUNS and REQUEST SENSE with CHECK CONDITION, and is then cleared. */
static gboolean report_ua(TgtScsiCmd *cmd, TgtLun *lun)
{
	if (!g_atomic_int_get(&lun->ua_pending))
		return FALSE;
	guint16 asc = tgt_scsi_ua_pop(lun, cmd->nexus->key);

	if (!asc)
		return FALSE;
	tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_UNIT_ATTENTION, asc);
	return TRUE;
}

TgtScsiPrep tgt_scsi_cmd_prepare(TgtScsiTarget *t, TgtScsiCmd *cmd)
{
	guint lun_no;
	gboolean sa_invalid;
	TgtLun *lun = NULL;

	cmd->status = TGT_SCSI_GOOD;
	cmd->out_len = 0;
	if (tgt_scsi_lun_decode(cmd->lun, &lun_no))
		lun = tgt_scsi_target_get_lun(t, lun_no);
	cmd->priv.lun = lun;

	const TgtScsiOp *op = tgt_scsi_op_find(cmd->cdb[0], iproto_cdb_service_action(cmd->cdb), &sa_invalid);

	cmd->priv.op = op;
	if (!lun && !(op && (op->flags & TGT_OP_NO_LUN))) {
		/* SPC-4 4.6.? / SAM-5 5.9.4: no such logical unit */
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LU_NOT_SUPPORTED);
		return TGT_SCSI_PREP_DONE;
	}
	if (lun && !(op && (op->flags & TGT_OP_UA_EXEMPT)) && report_ua(cmd, lun))
		return TGT_SCSI_PREP_DONE;
	if (!op) {
		if (sa_invalid)
			tgt_scsi_cmd_bad_cdb(cmd, 1, 4);
		else
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_OPCODE);
		return TGT_SCSI_PREP_DONE;
	}
	if (lun) {
		if (g_atomic_int_get(&lun->reserved) && !tgt_scsi_pr_check(cmd, op)) {
			tgt_scsi_cmd_conflict(cmd);
			return TGT_SCSI_PREP_DONE;
		}
		if ((op->flags & TGT_OP_NEED_READY) && g_atomic_int_get(&lun->stopped)) {
			/* SBC-3 4.19: stopped by START STOP UNIT: initializing command required */
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_NOT_READY, IPROTO_ASC(0x04, 0x02));
			return TGT_SCSI_PREP_DONE;
		}
	}
	if (op->prepare && !op->prepare(cmd))
		return TGT_SCSI_PREP_DONE;
	if ((op->flags & TGT_OP_MEDIUM_WRITE) && !tgt_scsi_check_writable(cmd))
		return TGT_SCSI_PREP_DONE;
	if ((op->flags & TGT_OP_EXACT_OUT) && cmd->edtl > cmd->out_len && (cmd->flags & TGT_CMD_F_WRITE)) {
		/* COMPARE AND WRITE / WRITE SAME: more data than the CDB implies
		 * (SBC-3 5.2, 5.42) is an invalid NUMBER OF LOGICAL BLOCKS */
		tgt_scsi_cmd_bad_cdb(cmd, cmd->cdb[0] == IPROTO_OP_WRITE_SAME10 ? 7 :
				     cmd->cdb[0] == IPROTO_OP_COMPARE_AND_WRITE ? 13 : 10, -1);
		return TGT_SCSI_PREP_DONE;
	}
	if (cmd->out_len > cmd->edtl) {
		TgtLun *l = cmd->priv.lun;

		if ((op->flags & TGT_OP_TRUNCATE) && (cmd->edtl & (l->block_size - 1)) == 0) {
			/* FCP-4 9.4.2 a), which libiscsi's residual tests expect: write
			 * only the EDTL bytes; out_len stays the SCSI transfer length so
			 * the iSCSI layer reports the overflow residual. */
			cmd->priv.nblocks = cmd->edtl >> l->block_shift;
		} else {
			/* FCP-4 9.4.2 b): no data is transferred or written */
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_IU);
			return TGT_SCSI_PREP_DONE;
		}
	} else if (cmd->out_len > 0 && !(cmd->flags & TGT_CMD_F_WRITE)) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_IU);
		return TGT_SCSI_PREP_DONE;
	}
	if (cmd->out_len > 0)
		cmd->out_buf = tgt_scsi_cmd_buf(cmd, cmd->out_len);
	return TGT_SCSI_PREP_EXECUTE;
}

void tgt_scsi_cmd_execute(TgtScsiCmd *cmd)
{
	const TgtScsiOp *op = cmd->priv.op;

	cmd->status = TGT_SCSI_GOOD;
	op->execute(cmd);
}

void tgt_scsi_cmd_done(TgtScsiCmd *cmd)
{
	for (guint i = 0; i < G_N_ELEMENTS(cmd->priv.bufs); i++) {
		tgt_scsi_buf_put(cmd->priv.bufs[i], cmd->priv.buf_sizes[i]);
		cmd->priv.bufs[i] = NULL;
	}
	if (cmd->priv.lun)
		tgt_scsi_lun_unref(cmd->priv.lun);
	cmd->priv.lun = NULL;
	cmd->out_buf = NULL;
	cmd->in_iovcnt = 0;
}
