/* INQUIRY: standard data (SPC-4 6.6.2) and the vital product data pages
 * (SPC-4 7.8, SBC-3 6.6), one builder per page in a table. */
#include "config.h"
#include "target/scsi-internal.h"

#define VPD_MAX 512

static void pad_copy(guint8 *dst, const char *src, gsize n)
{
	gsize l = MIN(strlen(src), n);

	memset(dst, ' ', n);
	memcpy(dst, src, l);
}

static guint8 peripheral(TgtLun *lun)
{
	/* qualifier 011b + type 1Fh: no logical unit here (SPC-4 6.6.2) */
	return lun ? 0x00 : 0x7f;
}

static gsize inquiry_standard(TgtScsiCmd *cmd, guint8 *d)
{
	TgtLun *lun = cmd->priv.lun;
	/* SAM-5, iSCSI (RFC 7143), SPC-4, SBC-3: version descriptors, SPC-4 table 148 */
	static const guint16 versions[] = { 0x00a0, 0x0960, 0x0460, 0x04c0 };

	d[0] = peripheral(lun);
	d[2] = 0x06;          /* VERSION: SPC-4 */
	d[3] = 0x10 | 0x02;   /* HISUP, RESPONSE DATA FORMAT 2 */
	d[5] = 0x08;          /* 3PC: EXTENDED COPY (scsi-xcopy.c) */
	d[7] = 0x02;          /* CMDQUE */
	pad_copy(d + 8, TGT_VENDOR, 8);
	pad_copy(d + 16, lun ? lun->product : TGT_PRODUCT, 16);
	pad_copy(d + 32, TGT_REVISION, 4);
	for (guint i = 0; i < G_N_ELEMENTS(versions); i++)
		iproto_put_be16(d + 58 + 2 * i, versions[i]);
	d[4] = 74 - 5;
	return 74;
}

/* The page codes, in ascending order (SPC-4 7.8.16 wants them sorted). */
static gsize vpd_supported(TgtScsiCmd *cmd, guint8 *d);
static gsize vpd_serial(TgtScsiCmd *cmd, guint8 *d);
static gsize vpd_device_id(TgtScsiCmd *cmd, guint8 *d);
static gsize vpd_third_party_copy(TgtScsiCmd *cmd, guint8 *d);
static gsize vpd_block_limits(TgtScsiCmd *cmd, guint8 *d);
static gsize vpd_block_characteristics(TgtScsiCmd *cmd, guint8 *d);
static gsize vpd_lbp(TgtScsiCmd *cmd, guint8 *d);

static const struct {
	guint8 page;
	gsize (*build)(TgtScsiCmd *cmd, guint8 *d); /* returns the page length */
} vpd_pages[] = {
	{ 0x00, vpd_supported },
	{ 0x80, vpd_serial },
	{ 0x83, vpd_device_id },
	{ 0x8f, vpd_third_party_copy },
	{ 0xb0, vpd_block_limits },
	{ 0xb1, vpd_block_characteristics },
	{ 0xb2, vpd_lbp },
};

static gsize vpd_supported(TgtScsiCmd *cmd, guint8 *d)
{
	for (guint i = 0; i < G_N_ELEMENTS(vpd_pages); i++)
		d[4 + i] = vpd_pages[i].page;
	return 4 + G_N_ELEMENTS(vpd_pages);
}

static gsize vpd_serial(TgtScsiCmd *cmd, guint8 *d)
{
	gsize n = strlen(cmd->priv.lun->serial);

	memcpy(d + 4, cmd->priv.lun->serial, n);
	return 4 + n;
}

/* One designation descriptor (SPC-4 7.8.6.1 table 459). */
static gsize put_designator(guint8 *d, guint8 proto_codeset, guint8 piv_assoc_type, const void *id, gsize len)
{
	d[0] = proto_codeset;
	d[1] = piv_assoc_type;
	d[3] = (guint8) len;
	memcpy(d + 4, id, len);
	return 4 + len;
}

/* SCSI name string designators are NUL terminated and padded to a
 * multiple of 4 (SPC-4 7.8.6.11). */
static gsize put_name(guint8 *d, guint8 assoc, const char *name)
{
	gsize n = MIN(strlen(name) + 1, (gsize) 252);
	gsize padded = (n + 3) & ~(gsize) 3;
	guint8 buf[256] = { 0 };

	memcpy(buf, name, n - 1);
	/* protocol 5 (iSCSI), code set 3 (UTF-8), PIV, association, type 8 */
	return put_designator(d, 0x53, 0x80 | assoc << 4 | 0x08, buf, padded);
}

static gsize vpd_device_id(TgtScsiCmd *cmd, guint8 *d)
{
	TgtLun *lun = cmd->priv.lun;
	TgtNexus *n = cmd->nexus;
	gsize off = 4;
	guint8 t10[8 + 64];
	guint8 rtpi[4] = { 0, 0, (guint8) (n->rtpi >> 8), (guint8) n->rtpi };
	char *port = g_strdup_printf("%s,t,0x%04x", n->target->name, n->tpgt);

	/* logical unit: NAA (binary, type 3) and T10 vendor id (ASCII, type 1) */
	off += put_designator(d + off, 0x01, 0x03, lun->naa, 16);
	memcpy(t10, TGT_VENDOR, 8);
	gsize sl = MIN(strlen(lun->serial), (gsize) 64);

	memcpy(t10 + 8, lun->serial, sl);
	off += put_designator(d + off, 0x02, 0x01, t10, 8 + sl);
	/* target port: relative port (type 4) and its iSCSI name (type 8) */
	off += put_designator(d + off, 0x51, 0x80 | 0x10 | 0x04, rtpi, 4);
	off += put_name(d + off, 1, port);
	/* target device: the iSCSI target name */
	off += put_name(d + off, 2, n->target->name);
	g_free(port);
	return off;
}

static gsize vpd_third_party_copy(TgtScsiCmd *cmd, guint8 *d)
{
	/* SPC-4 7.8.17: one Supported Commands descriptor (0001h) listing
	 * EXTENDED COPY(LID1) and RECEIVE COPY RESULTS with their actions */
	static const guint8 cmds[] = { 0x83, 1, 0x00, 0x84, 2, 0x00, 0x03 };

	iproto_put_be16(d + 4, 0x0001);
	iproto_put_be16(d + 6, 8);
	d[8] = sizeof cmds;
	memcpy(d + 9, cmds, sizeof cmds);
	return 4 + 4 + 8;
}

static gsize vpd_block_limits(TgtScsiCmd *cmd, guint8 *d)
{
	TgtLun *lun = cmd->priv.lun;
	guint32 granule = MAX(lun->bs->unmap_granularity >> lun->block_shift, 1u);

	/* SBC-3 6.6.3, table 174 */
	d[5] = TGT_MAX_CAW_BLOCKS;                        /* MAXIMUM COMPARE AND WRITE LENGTH */
	iproto_put_be16(d + 6, (guint16) granule);        /* OPTIMAL TRANSFER LENGTH GRANULARITY */
	iproto_put_be32(d + 8, TGT_SCSI_MAX_XFER >> lun->block_shift); /* MAXIMUM TRANSFER LENGTH */
	iproto_put_be32(d + 12, (1024 * 1024) >> lun->block_shift);    /* OPTIMAL TRANSFER LENGTH */
	iproto_put_be32(d + 16, TGT_SCSI_MAX_XFER >> lun->block_shift); /* MAXIMUM PREFETCH LENGTH */
	if (lun->bs->can_unmap) {
		iproto_put_be32(d + 20, TGT_MAX_WS_BLOCKS);       /* MAXIMUM UNMAP LBA COUNT */
		iproto_put_be32(d + 24, TGT_MAX_UNMAP_DESCRIPTORS);
		iproto_put_be32(d + 28, granule);                 /* OPTIMAL UNMAP GRANULARITY */
		iproto_put_be32(d + 32, 0x80000000);              /* UGAVALID, alignment 0 */
	}
	iproto_put_be64(d + 36, TGT_MAX_WS_BLOCKS);              /* MAXIMUM WRITE SAME LENGTH */
	return 64;
}

static gsize vpd_block_characteristics(TgtScsiCmd *cmd, guint8 *d)
{
	/* SBC-3 6.6.2: MEDIUM ROTATION RATE 1 = non-rotating medium */
	iproto_put_be16(d + 4, 1);
	return 64;
}

static gsize vpd_lbp(TgtScsiCmd *cmd, guint8 *d)
{
	TgtLun *lun = cmd->priv.lun;

	/* SBC-3 6.6.4, table 177: UNMAP and WRITE SAME(10/16) with UNMAP
	 * deallocate; deallocated blocks read as zeros (LBPRZ); thin (010b) */
	if (lun->bs->can_unmap) {
		d[5] = 0x80 | 0x40 | 0x20 | 0x04;
		d[6] = 0x02;
	}
	return 8;
}

void tgt_scsi_exec_inquiry(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gboolean evpd = cmd->cdb[1] & 1;
	guint8 page = cmd->cdb[2];
	guint16 alloc = iproto_get_be16(cmd->cdb + 3);
	guint8 *d;
	gsize len;

	/* SPC-4 6.6.1: CMDDT is obsolete (bit 1), page code without EVPD */
	if (cmd->cdb[1] & 0x02) {
		tgt_scsi_cmd_bad_cdb(cmd, 1, 1);
		return;
	}
	if (!evpd) {
		if (page) {
			tgt_scsi_cmd_bad_cdb(cmd, 2, -1);
			return;
		}
		d = tgt_scsi_cmd_data_in(cmd, 96);
		tgt_scsi_cmd_data_in_len(cmd, inquiry_standard(cmd, d), alloc);
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(vpd_pages); i++) {
		if (vpd_pages[i].page != page)
			continue;
		if (!lun) {
			/* no logical unit: only the peripheral byte would be valid */
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LU_NOT_SUPPORTED);
			return;
		}
		d = tgt_scsi_cmd_data_in(cmd, VPD_MAX);
		len = vpd_pages[i].build(cmd, d);
		d[0] = peripheral(lun);
		d[1] = page;
		iproto_put_be16(d + 2, (guint16) (len - 4));
		tgt_scsi_cmd_data_in_len(cmd, len, alloc);
		return;
	}
	tgt_scsi_cmd_bad_cdb(cmd, 2, -1);
}
