/* SBC-3 block commands: READ CAPACITY, READ, WRITE, VERIFY, WRITE AND
 * VERIFY, ORWRITE, PRE-FETCH, SYNCHRONIZE CACHE. */
#include "config.h"
#include "target/scsi-internal.h"

gboolean tgt_scsi_check_range(TgtScsiCmd *cmd, guint64 lba, guint64 blocks)
{
	guint64 n = cmd->priv.lun->nblocks;

	/* SBC-3 4.5: LBA + length beyond capacity, even with length 0 */
	if (lba > n || blocks > n - lba) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
		return FALSE;
	}
	return TRUE;
}

gboolean tgt_scsi_check_writable(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;

	if (lun->read_only || lun->mode.swp) {
		/* SBC-3 4.12 */
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_DATA_PROTECT, IPROTO_ASC_WRITE_PROTECTED);
		return FALSE;
	}
	return TRUE;
}

void tgt_scsi_exec_read_capacity10(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint8 *d;

	/* SBC-3 5.15: PMI and LOGICAL BLOCK ADDRESS are obsolete in SBC-3,
	 * but an LBA without PMI is still an error */
	if (!(cmd->cdb[8] & 1) && iproto_get_be32(cmd->cdb + 2)) {
		tgt_scsi_cmd_bad_cdb(cmd, 2, -1);
		return;
	}
	d = tgt_scsi_cmd_data_in(cmd, 8);
	iproto_put_be32(d, lun->nblocks - 1 > G_MAXUINT32 ? G_MAXUINT32 : (guint32) (lun->nblocks - 1));
	iproto_put_be32(d + 4, lun->block_size);
	tgt_scsi_cmd_data_in_len(cmd, 8, 8);
}

void tgt_scsi_exec_read_capacity16(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint8 *d = tgt_scsi_cmd_data_in(cmd, 32);

	/* SBC-3 5.16, table 65 */
	iproto_put_be64(d, lun->nblocks - 1);
	iproto_put_be32(d + 8, lun->block_size);
	/* LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT stays 0: the unmap
	 * granule is reported in the Block Limits page instead, and libiscsi
	 * 1.19's GetLBAStatus.UnmapSingle only holds for one block per
	 * physical block. */
	if (lun->bs->can_unmap)
		d[14] = 0x80 | 0x40; /* LBPME, LBPRZ: deallocated blocks read as zeros */
	tgt_scsi_cmd_data_in_len(cmd, 32, iproto_get_be32(cmd->cdb + 10));
}

/* Reads the LBA and length of the block command in cmd and checks them;
 * protect_mask: the byte-1 bits that must be zero (no protection info). */
static gboolean prep_lba(TgtScsiCmd *cmd, guint8 protect_mask, guint32 block_factor)
{
	IProtoCdbRw rw;
	TgtLun *lun = cmd->priv.lun;

	iproto_cdb_parse_rw(cmd->cdb, sizeof cmd->cdb, &rw, NULL);
	if (iproto_cdb_length(cmd->cdb[0]) != 6 && (rw.flags & protect_mask)) {
		/* SBC-3 4.22.1: PROTECT fields with no protection information */
		tgt_scsi_cmd_bad_cdb(cmd, 1, 7);
		return FALSE;
	}
	if (!tgt_scsi_check_range(cmd, rw.lba, rw.blocks))
		return FALSE;
	if ((guint64) rw.blocks * block_factor > TGT_SCSI_MAX_XFER >> lun->block_shift) {
		/* SBC-3 6.6.?: above MAXIMUM TRANSFER LENGTH of the Block Limits page */
		tgt_scsi_cmd_bad_cdb(cmd, iproto_cdb_length(cmd->cdb[0]) == 10 ? 7 :
				     iproto_cdb_length(cmd->cdb[0]) == 12 ? 6 : 10, -1);
		return FALSE;
	}
	cmd->priv.lba = rw.lba;
	cmd->priv.nblocks = rw.blocks;
	return TRUE;
}

gboolean tgt_scsi_prep_read(TgtScsiCmd *cmd)
{
	return prep_lba(cmd, 0xe0, 1);
}

void tgt_scsi_exec_read(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint64 off = cmd->priv.lba << lun->block_shift;
	gsize len = (gsize) cmd->priv.nblocks << lun->block_shift;
	guint8 *p;

	if (len == 0)
		return;
	if (lun->bs->ops->direct) {
		p = lun->bs->ops->direct(lun->bs, off, len);
	} else {
		p = tgt_scsi_cmd_buf(cmd, len);
		int rc = lun->bs->ops->read(lun->bs, p, len, off);

		if (rc) {
			tgt_scsi_cmd_io_error(cmd, rc, FALSE);
			return;
		}
	}
	cmd->in_iov[0].iov_base = p;
	cmd->in_iov[0].iov_len = len;
	cmd->in_iovcnt = 1;
	cmd->in_len = (guint32) len;
}

gboolean tgt_scsi_prep_write(TgtScsiCmd *cmd)
{
	if (!prep_lba(cmd, 0xe0, 1))
		return FALSE;
	cmd->out_len = cmd->priv.nblocks << cmd->priv.lun->block_shift;
	return TRUE;
}

/* Writes out_buf at the command's LBA.  FUA, or a disabled write cache,
 * means stable storage before status (SBC-3 5.40, SBC-3 7.4.5 WCE). */
static gboolean do_write(TgtScsiCmd *cmd, const guint8 *data)
{
	TgtLun *lun = cmd->priv.lun;
	gboolean fua = iproto_cdb_length(cmd->cdb[0]) != 6 && (cmd->cdb[1] & 0x08);
	int rc;

	if (cmd->priv.nblocks == 0)
		return TRUE;
	g_rw_lock_reader_lock(&lun->io_lock);
	rc = lun->bs->ops->write(lun->bs, data, (gsize) cmd->priv.nblocks << lun->block_shift,
				 cmd->priv.lba << lun->block_shift, fua || !lun->mode.wce);
	g_rw_lock_reader_unlock(&lun->io_lock);
	if (rc) {
		tgt_scsi_cmd_io_error(cmd, rc, TRUE);
		return FALSE;
	}
	return TRUE;
}

void tgt_scsi_exec_write(TgtScsiCmd *cmd)
{
	do_write(cmd, cmd->out_buf);
}

void tgt_scsi_exec_write_verify(TgtScsiCmd *cmd)
{
	/* The data was just written from the same buffer, and the store returns
	 * what it was given: verification is the write succeeding. */
	do_write(cmd, cmd->out_buf);
}

gboolean tgt_scsi_prep_verify(TgtScsiCmd *cmd)
{
	guint bytchk = (cmd->cdb[1] >> 1) & 3;

	if (bytchk == 2) {
		/* SBC-3 5.31 table 112: BYTCHK 10b is reserved */
		tgt_scsi_cmd_bad_cdb(cmd, 1, 2);
		return FALSE;
	}
	if (!prep_lba(cmd, 0xe0, bytchk == 3 ? 0 : 1))
		return FALSE;
	if (bytchk == 1)
		cmd->out_len = cmd->priv.nblocks << cmd->priv.lun->block_shift;
	else if (bytchk == 3 && cmd->priv.nblocks)
		cmd->out_len = cmd->priv.lun->block_size;
	return TRUE;
}

/* Compares [lba, lba+n) with data (one block repeated when same_block); on
 * a difference sets MISCOMPARE with the byte offset in INFORMATION (SBC-3
 * 5.31.2).  Returns TRUE when equal. */
static gboolean compare_blocks(TgtScsiCmd *cmd, guint64 lba, guint32 n, const guint8 *data, gboolean same_block)
{
	TgtLun *lun = cmd->priv.lun;
	gsize bs = lun->block_size, chunk_blocks = MAX((gsize) 1, (gsize) (256 * 1024) >> lun->block_shift);
	gsize real;
	guint8 *tmp = lun->bs->ops->direct ? NULL : tgt_scsi_buf_get(chunk_blocks * bs, &real);
	gboolean equal = TRUE;

	for (guint32 done = 0; done < n && equal;) {
		gsize k = MIN(chunk_blocks, (gsize) (n - done));
		guint64 off = (lba + done) << lun->block_shift;
		const guint8 *have;

		if (tmp) {
			int rc = lun->bs->ops->read(lun->bs, tmp, k * bs, off);

			if (rc) {
				tgt_scsi_cmd_io_error(cmd, rc, FALSE);
				equal = FALSE;
				break;
			}
			have = tmp;
		} else {
			have = lun->bs->ops->direct(lun->bs, off, k * bs);
		}
		for (gsize b = 0; b < k && equal; b++) {
			const guint8 *want = same_block ? data : data + (done + b) * bs;

			if (memcmp(have + b * bs, want, bs) != 0) {
				gsize i = 0;

				while (have[b * bs + i] == want[i])
					i++;
				tgt_scsi_cmd_sense_info(cmd, IPROTO_SENSE_MISCOMPARE, IPROTO_ASC_MISCOMPARE_DURING_VERIFY,
							(done + b) * bs + i);
				equal = FALSE;
			}
		}
		done += (guint32) k;
	}
	if (tmp)
		tgt_scsi_buf_put(tmp, real);
	return equal;
}

void tgt_scsi_exec_verify(TgtScsiCmd *cmd)
{
	guint bytchk = (cmd->cdb[1] >> 1) & 3;

	/* BYTCHK 0: a medium check, which a store that read fine passes */
	if (bytchk == 0 || cmd->priv.nblocks == 0)
		return;
	compare_blocks(cmd, cmd->priv.lba, cmd->priv.nblocks, cmd->out_buf, bytchk == 3);
}

void tgt_scsi_exec_orwrite(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gsize len = (gsize) cmd->priv.nblocks << lun->block_shift;
	guint64 off = cmd->priv.lba << lun->block_shift;
	gsize real;
	guint8 *old;
	int rc;

	if (len == 0)
		return;
	old = tgt_scsi_buf_get(len, &real);
	/* SBC-3 5.9: the read-OR-write is one atomic operation */
	g_rw_lock_writer_lock(&lun->io_lock);
	rc = lun->bs->ops->read(lun->bs, old, len, off);
	if (rc == 0) {
		for (gsize i = 0; i < len; i++)
			old[i] |= cmd->out_buf[i];
		rc = lun->bs->ops->write(lun->bs, old, len, off, (cmd->cdb[1] & 0x08) || !lun->mode.wce);
	}
	g_rw_lock_writer_unlock(&lun->io_lock);
	tgt_scsi_buf_put(old, real);
	if (rc)
		tgt_scsi_cmd_io_error(cmd, rc, TRUE);
}

gboolean tgt_scsi_prep_sync(TgtScsiCmd *cmd)
{
	/* SYNCHRONIZE CACHE and PRE-FETCH: LBA + NUMBER OF BLOCKS, 0 = to the end */
	gboolean is16 = cmd->cdb[0] == IPROTO_OP_SYNCHRONIZE_CACHE16 || cmd->cdb[0] == IPROTO_OP_PREFETCH16;
	guint64 lba = is16 ? iproto_get_be64(cmd->cdb + 2) : iproto_get_be32(cmd->cdb + 2);
	guint32 n = is16 ? iproto_get_be32(cmd->cdb + 10) : iproto_get_be16(cmd->cdb + 7);

	if (!tgt_scsi_check_range(cmd, lba, n))
		return FALSE;
	cmd->priv.lba = lba;
	cmd->priv.nblocks = n;
	return TRUE;
}

void tgt_scsi_exec_sync(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	int rc = lun->bs->ops->flush(lun->bs);

	if (rc)
		tgt_scsi_cmd_io_error(cmd, rc, TRUE);
}

void tgt_scsi_exec_prefetch(TgtScsiCmd *cmd)
{
	/* SBC-3 5.11: the blocks are in the page cache or RAM already, or will
	 * be on first read; GOOD (not CONDITION MET) says nothing is promised. */
}
