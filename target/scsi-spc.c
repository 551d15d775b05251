/* SPC-4 commands of every device type: TEST UNIT READY, REQUEST SENSE,
 * REPORT LUNS, START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, RESERVE and
 * RELEASE (6/10), REPORT SUPPORTED OPERATION CODES / TASK MANAGEMENT
 * FUNCTIONS. */
#include "config.h"
#include "target/scsi-internal.h"

void tgt_scsi_exec_test_unit_ready(TgtScsiCmd *cmd)
{
	/* readiness was checked by prepare (TGT_OP_NEED_READY) */
}

void tgt_scsi_exec_request_sense(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gboolean desc = cmd->cdb[1] & 1;
	IProtoSense s;
	guint16 asc = 0;

	/* SPC-4 6.29: report (and clear) a pending unit attention, or what
	 * the state of the logical unit is; status is GOOD either way. */
	if (!lun)
		iproto_sense_set(&s, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LU_NOT_SUPPORTED);
	else if ((asc = tgt_scsi_ua_pop(lun, cmd->nexus->key)) != 0)
		iproto_sense_set(&s, IPROTO_SENSE_UNIT_ATTENTION, asc);
	else if (g_atomic_int_get(&lun->stopped))
		iproto_sense_set(&s, IPROTO_SENSE_NOT_READY, IPROTO_ASC(0x04, 0x02));
	else
		iproto_sense_set(&s, IPROTO_SENSE_NO_SENSE, IPROTO_ASC_NO_ADDITIONAL_SENSE);
	guint8 *d = tgt_scsi_cmd_data_in(cmd, IPROTO_SENSE_BUILD_MAX);
	gsize n = iproto_sense_build(d, &s, desc);

	tgt_scsi_cmd_data_in_len(cmd, n, cmd->cdb[4]);
}

void tgt_scsi_exec_report_luns(TgtScsiCmd *cmd)
{
	guint8 select = cmd->cdb[2];
	guint32 alloc = iproto_get_be32(cmd->cdb + 6);
	TgtScsiTarget *t = cmd->nexus->target;
	guint n = 0;
	guint *luns;

	/* SPC-4 6.33 table 180: 00h all LUs, 01h well known (we have none),
	 * 02h all; the rest reserved */
	if (select > 2) {
		tgt_scsi_cmd_bad_cdb(cmd, 2, -1);
		return;
	}
	luns = select == 1 ? g_new0(guint, 1) : tgt_scsi_target_list_luns(t, &n);
	gsize len = 8 + 8 * (gsize) n;
	guint8 *d = tgt_scsi_cmd_data_in(cmd, MIN(len, (gsize) MAX(alloc, 8u)));

	iproto_put_be32(d, 8 * n);
	for (guint i = 0; i < n && 8 + 8 * (gsize) i + 8 <= MAX(alloc, 8u); i++)
		iproto_put_be64(d + 8 + 8 * i, tgt_scsi_lun_encode(luns[i]));
	g_free(luns);
	tgt_scsi_cmd_data_in_len(cmd, len, alloc);
	/* SPC-4 6.33: REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED */
	if (cmd->priv.lun)
		tgt_scsi_ua_clear(cmd->priv.lun, cmd->nexus->key, IPROTO_ASC_REPORTED_LUNS_DATA_CHANGED);
}

void tgt_scsi_exec_start_stop(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint8 power_condition = cmd->cdb[4] >> 4;
	gboolean start = cmd->cdb[4] & 1;

	/* SBC-3 5.25: with a POWER CONDITION other than 0 the START and LOEJ
	 * bits are ignored; LOEJ on a non-removable medium does nothing. */
	if (power_condition != 0)
		return;
	g_atomic_int_set(&lun->stopped, !start);
}

void tgt_scsi_exec_prevent_allow(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint8 prevent = cmd->cdb[4] & 3;

	if (prevent > 1) {
		/* SBC-3 5.10 table 76: 10b and 11b are obsolete */
		tgt_scsi_cmd_bad_cdb(cmd, 4, 1);
		return;
	}
	g_mutex_lock(&lun->lock);
	tgt_scsi_lun_nexus_state(lun, cmd->nexus->key, TRUE)->prevent = prevent;
	g_mutex_unlock(&lun->lock);
}

/* SPC-2 7.21 / 7.13: RESERVE and RELEASE of the whole logical unit. */
void tgt_scsi_exec_reserve(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;

	/* RESERVE(6) extent bit, RESERVE(10) 3RDPTY and LONGID: not supported */
	if ((cmd->cdb[0] == IPROTO_OP_RESERVE6 && (cmd->cdb[1] & 0x01)) ||
	    (cmd->cdb[0] == IPROTO_OP_RESERVE10 && (cmd->cdb[1] & 0x13))) {
		tgt_scsi_cmd_bad_cdb(cmd, 1, cmd->cdb[0] == IPROTO_OP_RESERVE6 ? 0 : 4);
		return;
	}
	g_mutex_lock(&lun->lock);
	/* SPC-4 5.12.3: with persistent reservations or registrations in
	 * place, RESERVE is a conflict */
	if (lun->pr_type || lun->pr_regs->len ||
	    (lun->spc2_holder && strcmp(lun->spc2_holder, cmd->nexus->key) != 0)) {
		tgt_scsi_cmd_conflict(cmd);
	} else if (!lun->spc2_holder) {
		lun->spc2_holder = g_strdup(cmd->nexus->key);
		g_atomic_int_set(&lun->reserved, 1);
	}
	g_mutex_unlock(&lun->lock);
}

void tgt_scsi_exec_release(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;

	g_mutex_lock(&lun->lock);
	if (lun->pr_type || lun->pr_regs->len) {
		tgt_scsi_cmd_conflict(cmd);
	} else if (lun->spc2_holder && strcmp(lun->spc2_holder, cmd->nexus->key) == 0) {
		/* a RELEASE from another nexus is GOOD and does nothing (SPC-2 7.13) */
		g_clear_pointer(&lun->spc2_holder, g_free);
		g_atomic_int_set(&lun->reserved, 0);
	}
	g_mutex_unlock(&lun->lock);
}

/* ---- REPORT SUPPORTED OPERATION CODES, SPC-4 6.35 ---- */

#define TIMEOUTS_LEN 12

static void put_timeouts(guint8 *d)
{
	/* SPC-4 table 199: nominal and recommended timeouts, in seconds */
	iproto_put_be16(d, 0x0a);
	iproto_put_be32(d + 4, 1);
	iproto_put_be32(d + 8, 30);
}

static void put_usage(guint8 *d, const TgtScsiOp *op)
{
	/* CDB USAGE DATA: a bit set where the device server looks */
	d[0] = op->opcode;
	for (guint i = 1; i + 1 < op->cdb_len; i++)
		d[i] = 0xff;
	if (op->sa >= 0)
		d[1] = (guint8) op->sa;
	d[op->cdb_len - 1] = 0x00; /* CONTROL: no NACA, no vendor bits */
}

void tgt_scsi_exec_report_opcodes(TgtScsiCmd *cmd)
{
	guint8 options = cmd->cdb[2] & 0x07;
	gboolean rctd = cmd->cdb[2] & 0x80;
	guint8 req_op = cmd->cdb[3];
	guint16 req_sa = iproto_get_be16(cmd->cdb + 4);
	guint32 alloc = iproto_get_be32(cmd->cdb + 6);
	const TgtScsiOp *op;
	guint8 *d;
	gsize len;

	if (options == 0) {
		gsize n = 0, dlen = 8 + (rctd ? TIMEOUTS_LEN : 0);

		while (tgt_scsi_op_at(n))
			n++;
		len = 4 + n * dlen;
		d = tgt_scsi_cmd_data_in(cmd, len);
		iproto_put_be32(d, (guint32) (len - 4));
		for (gsize i = 0; i < n; i++) {
			guint8 *e = d + 4 + i * dlen;

			op = tgt_scsi_op_at(i);
			e[0] = op->opcode;
			iproto_put_be16(e + 2, op->sa >= 0 ? (guint16) op->sa : 0);
			e[5] = (op->sa >= 0 ? 0x01 : 0) | (rctd ? 0x02 : 0); /* SERVACTV, CTDP */
			iproto_put_be16(e + 6, op->cdb_len);
			if (rctd)
				put_timeouts(e + 8);
		}
		tgt_scsi_cmd_data_in_len(cmd, len, alloc);
		return;
	}
	if (options > 3) {
		tgt_scsi_cmd_bad_cdb(cmd, 2, 2);
		return;
	}
	gboolean has_sa = tgt_scsi_op_has_sa(req_op), sa_invalid;

	/* option 1: an opcode without service actions; 2: one with */
	if ((options == 1 && has_sa) || (options == 2 && !has_sa && tgt_scsi_op_find(req_op, 0, &sa_invalid))) {
		tgt_scsi_cmd_bad_cdb(cmd, 2, 2);
		return;
	}
	op = has_sa && options != 1 ? (req_sa > 0x1f ? NULL : tgt_scsi_op_find(req_op, (guint8) req_sa, &sa_invalid))
				    : tgt_scsi_op_find(req_op, 0, &sa_invalid);
	len = 4 + (op ? op->cdb_len : 0) + (rctd ? TIMEOUTS_LEN : 0);
	d = tgt_scsi_cmd_data_in(cmd, len);
	/* SPC-4 table 197: SUPPORT 011b supported, 001b not supported */
	d[1] = (rctd ? 0x80 : 0) | (op ? 0x03 : 0x01);
	if (op) {
		iproto_put_be16(d + 2, op->cdb_len);
		put_usage(d + 4, op);
		if (rctd)
			put_timeouts(d + 4 + op->cdb_len);
	} else if (rctd) {
		put_timeouts(d + 4);
	}
	tgt_scsi_cmd_data_in_len(cmd, len, alloc);
}

void tgt_scsi_exec_report_tmfs(TgtScsiCmd *cmd)
{
	gboolean repd = cmd->cdb[2] & 0x80;
	gsize len = repd ? 16 : 4;
	guint8 *d = tgt_scsi_cmd_data_in(cmd, len);

	/* SPC-4 6.37 table 213: ATS, ATSS, CTSS, LURS, TRS (what RFC 7143
	 * sec. 11.5.1 functions 1, 2, 4, 5, 6 map to) */
	d[0] = 0x80 | 0x40 | 0x10 | 0x08 | 0x02;
	if (repd)
		d[3] = 0x0c;
	tgt_scsi_cmd_data_in_len(cmd, len, iproto_get_be32(cmd->cdb + 6));
}
