/* Logical block provisioning (SBC-3 4.7): WRITE SAME (10/16, with UNMAP
 * and NDOB), UNMAP and GET LBA STATUS.  Deallocation goes to the backstore
 * (hole punching or MADV_DONTNEED), which reads back zeros: LBPRZ=1. */
#include "config.h"
#include "target/scsi-internal.h"

#define WS_CHUNK (1024 * 1024)

gboolean tgt_scsi_prep_write_same(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gboolean is16 = cmd->cdb[0] == IPROTO_OP_WRITE_SAME16;
	guint64 lba = is16 ? iproto_get_be64(cmd->cdb + 2) : iproto_get_be32(cmd->cdb + 2);
	guint64 n = is16 ? iproto_get_be32(cmd->cdb + 10) : iproto_get_be16(cmd->cdb + 7);
	gboolean unmap = cmd->cdb[1] & 0x08, ndob = is16 && (cmd->cdb[1] & 0x01);

	if (cmd->cdb[1] & 0xe0) { /* WRPROTECT without protection information */
		tgt_scsi_cmd_bad_cdb(cmd, 1, 7);
		return FALSE;
	}
	if (cmd->cdb[1] & 0x10) { /* ANCHOR: ANC_SUP is 0 */
		tgt_scsi_cmd_bad_cdb(cmd, 1, 4);
		return FALSE;
	}
	if (unmap && !lun->bs->can_unmap) {
		tgt_scsi_cmd_bad_cdb(cmd, 1, 3);
		return FALSE;
	}
	if (lba > lun->nblocks) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
		return FALSE;
	}
	/* SBC-3 5.42: 0 blocks means to the last LBA (WSNZ=0) */
	if (n == 0)
		n = lun->nblocks - lba;
	if (n > TGT_MAX_WS_BLOCKS) {
		/* above MAXIMUM WRITE SAME LENGTH of the Block Limits page */
		tgt_scsi_cmd_bad_cdb(cmd, is16 ? 10 : 7, -1);
		return FALSE;
	}
	if (!tgt_scsi_check_range(cmd, lba, n))
		return FALSE;
	cmd->priv.lba = lba;
	cmd->priv.nblocks = (guint32) n;
	cmd->out_len = ndob ? 0 : lun->block_size;
	return TRUE;
}

static int unmap_range(TgtLun *lun, guint64 lba, guint64 n)
{
	if (n == 0)
		return 0;
	g_rw_lock_reader_lock(&lun->io_lock);
	int rc = lun->bs->ops->unmap(lun->bs, lba << lun->block_shift, n << lun->block_shift);

	g_rw_lock_reader_unlock(&lun->io_lock);
	return rc;
}

void tgt_scsi_exec_write_same(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gboolean unmap = cmd->cdb[1] & 0x08;
	gboolean ndob = cmd->cdb[0] == IPROTO_OP_WRITE_SAME16 && (cmd->cdb[1] & 0x01);
	gsize bs = lun->block_size;
	int rc;

	if (cmd->priv.nblocks == 0)
		return;
	/* NDOB: the block is zeros (SBC-3 5.42).  With UNMAP the blocks are
	 * deallocated whatever the data (SBC-3 4.7.3.4); with LBPRZ they then
	 * read as zeros, which libiscsi's WriteSame*Unmap tests check. */
	const guint8 *block = cmd->out_buf;

	if (ndob) {
		guint8 *z = tgt_scsi_cmd_buf(cmd, bs);

		memset(z, 0, bs);
		block = z;
	}
	if (unmap) {
		rc = unmap_range(lun, cmd->priv.lba, cmd->priv.nblocks);
		if (rc)
			tgt_scsi_cmd_io_error(cmd, rc, TRUE);
		return;
	}
	gsize chunk_blocks = MIN((gsize) cmd->priv.nblocks, (gsize) WS_CHUNK / bs);
	guint8 *buf = tgt_scsi_cmd_buf(cmd, chunk_blocks * bs);

	for (gsize i = 0; i < chunk_blocks; i++)
		memcpy(buf + i * bs, block, bs);
	g_rw_lock_reader_lock(&lun->io_lock);
	for (guint64 done = 0; done < cmd->priv.nblocks;) {
		gsize k = MIN(chunk_blocks, (gsize) (cmd->priv.nblocks - done));

		rc = lun->bs->ops->write(lun->bs, buf, k * bs, (cmd->priv.lba + done) << lun->block_shift,
					 !lun->mode.wce);
		if (rc) {
			tgt_scsi_cmd_io_error(cmd, rc, TRUE);
			break;
		}
		done += k;
	}
	g_rw_lock_reader_unlock(&lun->io_lock);
}

gboolean tgt_scsi_prep_unmap(TgtScsiCmd *cmd)
{
	if (cmd->cdb[1] & 0x01) { /* ANCHOR: ANC_SUP is 0 */
		tgt_scsi_cmd_bad_cdb(cmd, 1, 0);
		return FALSE;
	}
	if (!cmd->priv.lun->bs->can_unmap) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_OPCODE);
		return FALSE;
	}
	return tgt_scsi_prep_param_list(cmd, 7, 2, 8 + 16 * TGT_MAX_UNMAP_DESCRIPTORS);
}

void tgt_scsi_exec_unmap(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	const guint8 *p = cmd->out_buf;
	gsize len = cmd->out_len;

	/* SBC-3 5.28 */
	if (len == 0)
		return;
	if (len < 8) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	gsize dlen = iproto_get_be16(p + 2);

	if (dlen % 16 || 8 + dlen > len) {
		tgt_scsi_cmd_bad_param(cmd, 2, -1);
		return;
	}
	gsize n = dlen / 16;
	guint64 total = 0;

	/* check every descriptor before deallocating any */
	for (gsize i = 0; i < n; i++) {
		guint64 lba = iproto_get_be64(p + 8 + 16 * i);
		guint32 cnt = iproto_get_be32(p + 16 + 16 * i);

		if (!tgt_scsi_check_range(cmd, lba, cnt))
			return;
		total += cnt;
	}
	if (total > TGT_MAX_WS_BLOCKS) {
		/* above MAXIMUM UNMAP LBA COUNT */
		tgt_scsi_cmd_bad_param(cmd, 16, -1);
		return;
	}
	for (gsize i = 0; i < n; i++) {
		int rc = unmap_range(lun, iproto_get_be64(p + 8 + 16 * i), iproto_get_be32(p + 16 + 16 * i));

		if (rc) {
			tgt_scsi_cmd_io_error(cmd, rc, TRUE);
			return;
		}
	}
}

/* Provisioning of whole blocks from lba: a block with any data is mapped. */
static int block_status(TgtLun *lun, guint64 lba, gboolean *mapped, guint64 *nblk)
{
	guint64 off = lba << lun->block_shift;
	guint64 run;
	int rc = lun->bs->ops->status(lun->bs, off, mapped, &run);

	if (rc)
		return rc;
	guint64 end = off + run;

	if (*mapped) {
		*nblk = ((end + lun->block_size - 1) >> lun->block_shift) - lba;
	} else {
		*nblk = (end >> lun->block_shift) - lba;
		if (*nblk == 0) { /* a hole smaller than a block: the block has data */
			*mapped = TRUE;
			*nblk = 1;
		}
	}
	*nblk = MIN(*nblk, lun->nblocks - lba);
	return 0;
}

void tgt_scsi_exec_get_lba_status(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint64 lba = iproto_get_be64(cmd->cdb + 2);
	guint32 alloc = iproto_get_be32(cmd->cdb + 10);

	/* SBC-3 5.20 */
	if (lba >= lun->nblocks) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
		return;
	}
	gsize max_desc = alloc > 8 ? MIN((alloc - 8 + 15) / 16, (gsize) 64) : 1;
	guint8 *d = tgt_scsi_cmd_data_in(cmd, 8 + 16 * max_desc);
	gsize nd = 0;

	while (nd < max_desc && lba < lun->nblocks) {
		gboolean mapped, next_mapped;
		guint64 n, more;
		int rc = block_status(lun, lba, &mapped, &n);

		/* merge adjacent runs of the same kind (rounding may split them) */
		while (rc == 0 && lba + n < lun->nblocks && n < TGT_MAX_LBA_STATUS_RUN &&
		       (rc = block_status(lun, lba + n, &next_mapped, &more)) == 0 && next_mapped == mapped)
			n += more;
		if (rc) {
			tgt_scsi_cmd_io_error(cmd, rc, FALSE);
			return;
		}
		n = MIN(n, (guint64) TGT_MAX_LBA_STATUS_RUN);
		guint8 *e = d + 8 + 16 * nd++;

		iproto_put_be64(e, lba);
		iproto_put_be32(e + 8, (guint32) n);
		e[12] = mapped ? 0 : 1; /* PROVISIONING STATUS: mapped / deallocated */
		lba += n;
	}
	iproto_put_be32(d, (guint32) (4 + 16 * nd));
	tgt_scsi_cmd_data_in_len(cmd, 8 + 16 * nd, alloc);
}
