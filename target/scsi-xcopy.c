/* EXTENDED COPY (LID1) and RECEIVE COPY RESULTS, SPC-4 6.4 / 6.18: block to
 * block copies (segment descriptor 02h) between LUNs of this target, named by
 * identification CSCD descriptors (E4h) holding their NAA designator.  The
 * copy runs inside the command, so a held result is always "completed";
 * results are kept per I_T nexus (the list identifier's scope, SPC-4 6.4.2). */
#include "config.h"
#include "target/scsi-internal.h"

#define XCOPY_MAX_CSCD 2
#define XCOPY_MAX_SEGMENTS 8
#define XCOPY_MAX_DESC_LIST 1024
#define XCOPY_MAX_SEGMENT_BLOCKS 65535   /* NUMBER OF BLOCKS is 16 bits */
#define XCOPY_CHUNK (1024 * 1024)
#define CSCD_LEN 32
#define SEG_B2B_LEN 28

enum { DESC_B2B = 0x02, DESC_IDENT = 0xe4 };

/* SPC-4 table 144: COPY MANAGER STATUS */
enum { COPY_DONE_GOOD = 0x01, COPY_DONE_ERROR = 0x02 };

static void copy_aborted(TgtScsiCmd *cmd, guint16 asc)
{
	tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_COPY_ABORTED, asc);
}

static void hold_result(TgtScsiCmd *cmd, guint8 list_id, guint8 usage, guint8 status, guint16 segs, guint64 bytes)
{
	/* LIST ID USAGE 00b/01b: hold; 10b/11b: do not (SPC-4 table 121) */
	if (usage >= 2)
		return;
	TgtNexus *n = cmd->nexus;
	TgtCopyResult *r = &n->copy_results[list_id];

	g_mutex_lock(&n->lock);
	r->held = TRUE;
	r->status = status;
	r->segments = segs;
	r->bytes = bytes;
	g_mutex_unlock(&n->lock);
}

gboolean tgt_scsi_prep_xcopy(TgtScsiCmd *cmd)
{
	return tgt_scsi_prep_param_list(cmd, 10, 4, 16 + XCOPY_MAX_DESC_LIST + 64);
}

/* Finds the LUN of this target whose NAA designator the CSCD names. */
static TgtLun *resolve_cscd(TgtScsiCmd *cmd, const guint8 *d)
{
	TgtScsiTarget *t = cmd->nexus->target;
	guint n;
	guint *luns;
	TgtLun *found = NULL;

	/* designator: code set binary, type 3 (NAA), 16 bytes */
	if ((d[5] & 0x0f) != 3 || d[7] != 16)
		return NULL;
	luns = tgt_scsi_target_list_luns(t, &n);
	for (guint i = 0; i < n && !found; i++) {
		TgtLun *lun = tgt_scsi_target_get_lun(t, luns[i]);

		if (lun && memcmp(lun->naa, d + 8, 16) == 0)
			found = lun;
		else if (lun)
			tgt_scsi_lun_unref(lun);
	}
	g_free(luns);
	return found;
}

static int copy_blocks(TgtScsiCmd *cmd, TgtLun *src, guint64 slba, TgtLun *dst, guint64 dlba, guint64 bytes)
{
	gsize real;
	guint8 *buf = tgt_scsi_buf_get(MIN(bytes, (guint64) XCOPY_CHUNK), &real);
	int rc = 0;

	for (guint64 done = 0; done < bytes && rc == 0;) {
		gsize k = (gsize) MIN(bytes - done, (guint64) XCOPY_CHUNK);

		rc = src->bs->ops->read(src->bs, buf, k, (slba << src->block_shift) + done);
		if (rc == 0) {
			g_rw_lock_reader_lock(&dst->io_lock);
			rc = dst->bs->ops->write(dst->bs, buf, k, (dlba << dst->block_shift) + done, !dst->mode.wce);
			g_rw_lock_reader_unlock(&dst->io_lock);
		}
		done += k;
	}
	tgt_scsi_buf_put(buf, real);
	return rc;
}

void tgt_scsi_exec_xcopy(TgtScsiCmd *cmd)
{
	const guint8 *p = cmd->out_buf;
	gsize len = cmd->out_len;
	TgtLun *cscd[XCOPY_MAX_CSCD] = { NULL };
	guint ncscd, nseg = 0;
	guint64 copied = 0;

	if (len == 0)
		return; /* SPC-4 6.4.1: an empty list is not an error */
	if (len < 16) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	guint8 list_id = p[0], usage = (p[1] >> 3) & 3;
	gsize tdl = iproto_get_be16(p + 2), sdl = iproto_get_be32(p + 8), idl = iproto_get_be32(p + 12);

	/* SPC-4 6.4.3.1: the lists must fit the parameter list and our limits */
	if (tdl + sdl > XCOPY_MAX_DESC_LIST || 16 + tdl + sdl + idl > len) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	if (idl) { /* MAXIMUM INLINE DATA LENGTH is 0 */
		tgt_scsi_cmd_bad_param(cmd, 12, -1);
		return;
	}
	if (tdl % CSCD_LEN) {
		tgt_scsi_cmd_bad_param(cmd, 2, -1);
		return;
	}
	ncscd = (guint) (tdl / CSCD_LEN);
	if (ncscd > XCOPY_MAX_CSCD) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_TOO_MANY_TARGET_DESCRIPTORS);
		return;
	}
	/* count and type-check segment descriptors before doing anything */
	const guint8 *seg0 = p + 16 + tdl;

	for (gsize off = 0; off < sdl; nseg++) {
		if (off + 4 > sdl || off + 4 + iproto_get_be16(seg0 + off + 2) > sdl) {
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
			return;
		}
		if (seg0[off] != DESC_B2B) {
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE);
			return;
		}
		if (iproto_get_be16(seg0 + off + 2) != SEG_B2B_LEN - 4) {
			tgt_scsi_cmd_bad_param(cmd, (guint16) (16 + tdl + off + 2), -1);
			return;
		}
		off += SEG_B2B_LEN;
	}
	if (nseg > XCOPY_MAX_SEGMENTS) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_TOO_MANY_SEGMENT_DESCRIPTORS);
		return;
	}
	for (guint i = 0; i < ncscd; i++) {
		const guint8 *d = p + 16 + i * CSCD_LEN;

		/* identification descriptor of a block device (SPC-4 6.4.5.2);
		 * LU ID TYPE is ignored, NUL is obsolete */
		if (d[0] != DESC_IDENT || (d[1] & 0x1f) != 0) {
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_UNSUPPORTED_TARGET_DESCRIPTOR_TYPE);
			goto out;
		}
		cscd[i] = resolve_cscd(cmd, d);
	}
	for (guint s = 0; s < nseg; s++) {
		const guint8 *d = seg0 + s * SEG_B2B_LEN;
		guint16 si = iproto_get_be16(d + 4), di = iproto_get_be16(d + 6);
		guint32 blocks = iproto_get_be16(d + 10);
		guint64 slba = iproto_get_be64(d + 12), dlba = iproto_get_be64(d + 20);

		if (si >= ncscd || di >= ncscd || !cscd[si] || !cscd[di]) {
			copy_aborted(cmd, IPROTO_ASC(0x08, 0x04)); /* UNREACHABLE COPY TARGET */
			goto failed;
		}
		TgtLun *src = cscd[si], *dst = cscd[di];
		/* DC=1: NUMBER OF BLOCKS counts destination blocks */
		guint64 bytes = (guint64) blocks << ((d[1] & 0x02) ? dst->block_shift : src->block_shift);

		if (bytes % src->block_size || bytes % dst->block_size ||
		    slba > src->nblocks || bytes / src->block_size > src->nblocks - slba ||
		    dlba > dst->nblocks || bytes / dst->block_size > dst->nblocks - dlba) {
			copy_aborted(cmd, IPROTO_ASC(0x0d, 0x02)); /* COPY TARGET DEVICE DATA UNDERRUN */
			goto failed;
		}
		if (dst->read_only || dst->mode.swp) {
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_DATA_PROTECT, IPROTO_ASC_WRITE_PROTECTED);
			goto failed;
		}
		int rc = copy_blocks(cmd, src, slba, dst, dlba, bytes);

		if (rc) {
			tgt_scsi_cmd_io_error(cmd, rc, TRUE);
			goto failed;
		}
		copied += bytes;
	}
	hold_result(cmd, list_id, usage, COPY_DONE_GOOD, (guint16) nseg, copied);
	goto out;
failed:
	hold_result(cmd, list_id, usage, COPY_DONE_ERROR, 0, copied);
out:
	for (guint i = 0; i < G_N_ELEMENTS(cscd); i++)
		if (cscd[i])
			tgt_scsi_lun_unref(cscd[i]);
}

void tgt_scsi_exec_receive_copy_results(TgtScsiCmd *cmd)
{
	guint8 sa = cmd->cdb[1] & 0x1f, list_id = cmd->cdb[2];
	guint32 alloc = iproto_get_be32(cmd->cdb + 10);
	guint8 *d;

	if (sa == 0x03) {
		/* OPERATING PARAMETERS, SPC-4 6.18.4 table 147 */
		static const guint8 codes[] = { DESC_B2B, DESC_IDENT };
		gsize len = 44 + sizeof codes;

		d = tgt_scsi_cmd_data_in(cmd, len);
		iproto_put_be32(d, (guint32) (len - 4));
		d[4] = 0x01; /* SNLID */
		iproto_put_be16(d + 8, XCOPY_MAX_CSCD);
		iproto_put_be16(d + 10, XCOPY_MAX_SEGMENTS);
		iproto_put_be32(d + 12, XCOPY_MAX_DESC_LIST);
		iproto_put_be32(d + 16, XCOPY_MAX_SEGMENT_BLOCKS * 512u);
		iproto_put_be16(d + 34, 1);
		d[36] = 1;
		d[37] = 9;
		d[43] = sizeof codes;
		memcpy(d + 44, codes, sizeof codes);
		tgt_scsi_cmd_data_in_len(cmd, len, alloc);
		return;
	}
	/* COPY STATUS, SPC-4 6.18.3: only for a list we hold */
	TgtNexus *n = cmd->nexus;
	TgtCopyResult r;

	g_mutex_lock(&n->lock);
	r = n->copy_results[list_id];
	n->copy_results[list_id].held = FALSE; /* reported once, then discarded */
	g_mutex_unlock(&n->lock);
	if (!r.held) {
		tgt_scsi_cmd_bad_cdb(cmd, 2, -1);
		return;
	}
	d = tgt_scsi_cmd_data_in(cmd, 12);
	iproto_put_be32(d, 8);
	d[4] = r.status;
	iproto_put_be16(d + 5, r.segments);
	d[7] = 0x00; /* TRANSFER COUNT UNITS: bytes */
	iproto_put_be32(d + 8, (guint32) MIN(r.bytes, (guint64) G_MAXUINT32));
	tgt_scsi_cmd_data_in_len(cmd, 12, alloc);
}
