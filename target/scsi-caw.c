/* COMPARE AND WRITE (SBC-3 5.2): compare n blocks with the first half of
 * the data-out buffer and, if equal, write the second half - atomically with
 * respect to every other write of the LUN (they hold io_lock shared, this
 * holds it exclusive). */
#include "config.h"
#include "target/scsi-internal.h"

gboolean tgt_scsi_prep_caw(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint64 lba = iproto_get_be64(cmd->cdb + 2);
	guint32 n = cmd->cdb[13];

	if (cmd->cdb[1] & 0xe0) { /* WRPROTECT without protection information */
		tgt_scsi_cmd_bad_cdb(cmd, 1, 7);
		return FALSE;
	}
	if (n > TGT_MAX_CAW_BLOCKS) {
		tgt_scsi_cmd_bad_cdb(cmd, 13, -1);
		return FALSE;
	}
	if (!tgt_scsi_check_range(cmd, lba, n))
		return FALSE;
	cmd->priv.lba = lba;
	cmd->priv.nblocks = n;
	cmd->out_len = 2 * (n << lun->block_shift);
	return TRUE;
}

void tgt_scsi_exec_caw(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gsize len = (gsize) cmd->priv.nblocks << lun->block_shift;
	guint64 off = cmd->priv.lba << lun->block_shift;
	const guint8 *verify, *data;
	guint8 *have;
	int rc;

	if (len == 0)
		return;
	verify = cmd->out_buf;
	data = cmd->out_buf + len;
	have = lun->bs->ops->direct ? NULL : tgt_scsi_cmd_buf(cmd, len);
	g_rw_lock_writer_lock(&lun->io_lock);
	if (have)
		rc = lun->bs->ops->read(lun->bs, have, len, off);
	else
		rc = (have = lun->bs->ops->direct(lun->bs, off, len)) ? 0 : -EIO;
	if (rc == 0 && memcmp(have, verify, len) != 0) {
		gsize i = 0;

		while (have[i] == verify[i])
			i++;
		g_rw_lock_writer_unlock(&lun->io_lock);
		/* SBC-3 5.2: INFORMATION is the offset of the first differing byte */
		tgt_scsi_cmd_sense_info(cmd, IPROTO_SENSE_MISCOMPARE, IPROTO_ASC_MISCOMPARE_DURING_VERIFY, i);
		return;
	}
	if (rc == 0)
		rc = lun->bs->ops->write(lun->bs, data, len, off, (cmd->cdb[1] & 0x08) || !lun->mode.wce);
	g_rw_lock_writer_unlock(&lun->io_lock);
	if (rc)
		tgt_scsi_cmd_io_error(cmd, rc, TRUE);
}
