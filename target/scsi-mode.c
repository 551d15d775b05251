/* MODE SENSE and MODE SELECT (6/10), SPC-4 6.11-6.14, with the pages of
 * SPC-4 7.5 and SBC-3 6.4: read-write error recovery (01h),
 * disconnect-reconnect (02h), caching (08h), control (0Ah) and
 * informational exceptions control (1Ch).  Each page is encoded from a
 * TgtModeState; the "changeable" view is the same encoder fed a state whose
 * changeable fields are all ones and whose constants are suppressed. */
#include "config.h"
#include "target/scsi-internal.h"

enum { PC_CURRENT, PC_CHANGEABLE, PC_DEFAULT, PC_SAVED };

static const TgtModeState mode_defaults = { .wce = TRUE, .mrie = 0, .dexcpt = TRUE };
static const TgtModeState mode_changeable = { .wce = TRUE, .d_sense = TRUE, .swp = TRUE, .mrie = 0x0f, .dexcpt = TRUE };

void tgt_scsi_mode_init(TgtLun *lun)
{
	lun->mode = mode_defaults;
	lun->mode_saved = mode_defaults;
}

/* Each encoder writes the page (header included) and returns its length;
 * `mask` is TRUE for the changeable view (constant fields stay zero). */
static gsize page_rw_recovery(const TgtModeState *m, gboolean mask, guint8 *p)
{
	p[1] = 0x0a;
	return 12;
}

static gsize page_disconnect(const TgtModeState *m, gboolean mask, guint8 *p)
{
	p[1] = 0x0e;
	return 16;
}

static gsize page_caching(const TgtModeState *m, gboolean mask, guint8 *p)
{
	p[1] = 0x12;
	p[2] = (m->wce ? 0x04 : 0) | (m->rcd ? 0x01 : 0);
	return 20;
}

static gsize page_control(const TgtModeState *m, gboolean mask, guint8 *p)
{
	p[1] = 0x0a;
	p[2] = m->d_sense ? 0x04 : 0;
	if (!mask) {
		p[3] = 0x10; /* QUEUE ALGORITHM MODIFIER 1: unrestricted reordering */
		iproto_put_be16(p + 8, 0xffff); /* BUSY TIMEOUT PERIOD: unlimited */
	}
	p[4] = m->swp ? 0x08 : 0;
	return 12;
}

static gsize page_info_exceptions(const TgtModeState *m, gboolean mask, guint8 *p)
{
	p[1] = 0x0a;
	p[2] = m->dexcpt ? 0x08 : 0;
	p[3] = m->mrie & 0x0f;
	return 12;
}

static const struct {
	guint8 code;
	gsize (*encode)(const TgtModeState *m, gboolean mask, guint8 *p);
} pages[] = {
	{ 0x01, page_rw_recovery },
	{ 0x02, page_disconnect },
	{ 0x08, page_caching },
	{ 0x0a, page_control },
	{ 0x1c, page_info_exceptions },
};

#define MODE_BUF 256

static gsize encode_page(guint i, const TgtModeState *m, gboolean mask, guint8 *p)
{
	gsize n = pages[i].encode(m, mask, p);

	p[0] = pages[i].code | (mask ? 0 : 0x80); /* PS: savable */
	if (mask)
		p[0] = pages[i].code;
	return n;
}

void tgt_scsi_exec_mode_sense(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gboolean ten = cmd->cdb[0] == IPROTO_OP_MODE_SENSE10;
	gboolean dbd = cmd->cdb[1] & 0x08, llbaa = ten && (cmd->cdb[1] & 0x10);
	guint8 pc = cmd->cdb[2] >> 6, page = cmd->cdb[2] & 0x3f, subpage = cmd->cdb[3];
	guint32 alloc = ten ? iproto_get_be16(cmd->cdb + 7) : cmd->cdb[4];
	gsize hdr = ten ? 8 : 4, off;
	const TgtModeState *m;
	guint8 *d;
	gboolean found = FALSE;

	if (subpage != 0 && !(page == 0x3f && subpage == 0xff)) {
		tgt_scsi_cmd_bad_cdb(cmd, 3, -1);
		return;
	}
	g_mutex_lock(&lun->lock);
	TgtModeState snap = pc == PC_CURRENT ? lun->mode : pc == PC_SAVED ? lun->mode_saved :
			    pc == PC_DEFAULT ? mode_defaults : mode_changeable;
	g_mutex_unlock(&lun->lock);
	m = &snap;

	d = tgt_scsi_cmd_data_in(cmd, MODE_BUF);
	off = hdr;
	/* device-specific parameter (SBC-3 6.4.1): WP, DPOFUA */
	d[ten ? 3 : 2] = (lun->read_only || lun->mode.swp ? 0x80 : 0) | 0x10;
	if (!dbd) {
		/* block descriptor, SBC-3 6.4.2: short, or long with LLBAA */
		if (llbaa) {
			d[4] = 0x01; /* LONGLBA */
			iproto_put_be64(d + off, lun->nblocks);
			iproto_put_be32(d + off + 12, lun->block_size);
			off += 16;
		} else {
			iproto_put_be32(d + off, lun->nblocks > G_MAXUINT32 ? G_MAXUINT32 : (guint32) lun->nblocks);
			iproto_put_be24(d + off + 5, lun->block_size);
			off += 8;
		}
		if (ten)
			iproto_put_be16(d + 6, (guint16) (off - hdr));
		else
			d[3] = (guint8) (off - hdr);
	}
	for (guint i = 0; i < G_N_ELEMENTS(pages); i++) {
		if (page != 0x3f && page != pages[i].code)
			continue;
		off += encode_page(i, m, pc == PC_CHANGEABLE, d + off);
		found = TRUE;
	}
	if (!found) {
		tgt_scsi_cmd_bad_cdb(cmd, 2, 5);
		return;
	}
	if (ten)
		iproto_put_be16(d, (guint16) (off - 2));
	else
		d[0] = (guint8) (off - 1);
	tgt_scsi_cmd_data_in_len(cmd, off, alloc);
}

gboolean tgt_scsi_prep_mode_select(TgtScsiCmd *cmd)
{
	gboolean ten = cmd->cdb[0] == IPROTO_OP_MODE_SELECT10;

	return ten ? tgt_scsi_prep_param_list(cmd, 7, 2, MODE_BUF) : tgt_scsi_prep_param_list(cmd, 4, 1, MODE_BUF);
}

/* Applies one page of a MODE SELECT parameter list: every bit outside the
 * changeable mask must equal the current value (SPC-4 6.11). */
static gboolean select_page(TgtScsiCmd *cmd, TgtModeState *m, const guint8 *p, gsize avail, gsize at, gsize *used)
{
	guint8 code = p[0] & 0x3f;

	if (p[0] & 0x40 || avail < 2) { /* SPF: no subpages here */
		tgt_scsi_cmd_bad_param(cmd, (guint16) at, 6);
		return FALSE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(pages); i++) {
		if (pages[i].code != code)
			continue;
		guint8 cur[64] = { 0 }, mask[64] = { 0 };
		gsize n = encode_page(i, m, FALSE, cur);

		encode_page(i, &mode_changeable, TRUE, mask);
		if (p[1] != n - 2 || avail < n) {
			tgt_scsi_cmd_bad_param(cmd, (guint16) (at + 1), -1);
			return FALSE;
		}
		for (gsize b = 2; b < n; b++) {
			if ((p[b] ^ cur[b]) & ~mask[b]) {
				tgt_scsi_cmd_bad_param(cmd, (guint16) (at + b), -1);
				return FALSE;
			}
		}
		switch (code) {
		case 0x08:
			m->wce = (p[2] & 0x04) != 0;
			break;
		case 0x0a:
			m->d_sense = (p[2] & 0x04) != 0;
			m->swp = (p[4] & 0x08) != 0;
			break;
		case 0x1c:
			m->dexcpt = (p[2] & 0x08) != 0;
			m->mrie = p[3] & 0x0f;
			break;
		default:
			break;
		}
		*used = n;
		return TRUE;
	}
	tgt_scsi_cmd_bad_param(cmd, (guint16) at, 5);
	return FALSE;
}

void tgt_scsi_exec_mode_select(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	gboolean ten = cmd->cdb[0] == IPROTO_OP_MODE_SELECT10;
	gboolean sp = cmd->cdb[1] & 0x01;
	gsize hdr = ten ? 8 : 4, len = cmd->out_len, off;
	const guint8 *p = cmd->out_buf;

	if (len == 0)
		return; /* SPC-4 6.11: an empty list is not an error */
	if (len < hdr) {
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
		return;
	}
	gsize bdl = ten ? iproto_get_be16(p + 6) : p[3];

	if (hdr + bdl > len || (bdl != 0 && bdl != 8 && bdl != 16)) {
		tgt_scsi_cmd_bad_param(cmd, ten ? 6 : 3, -1);
		return;
	}
	if (bdl) {
		/* the block descriptor may only restate our block length */
		guint32 blen = bdl == 16 ? iproto_get_be32(p + hdr + 12) : iproto_get_be24(p + hdr + 5);

		if (blen != lun->block_size) {
			tgt_scsi_cmd_bad_param(cmd, (guint16) (hdr + (bdl == 16 ? 12 : 5)), -1);
			return;
		}
	}
	g_mutex_lock(&lun->lock);
	TgtModeState m = lun->mode;

	g_mutex_unlock(&lun->lock);
	for (off = hdr + bdl; off < len;) {
		gsize used;

		if (!select_page(cmd, &m, p + off, len - off, off, &used))
			return;
		off += used;
	}
	g_mutex_lock(&lun->lock);
	gboolean changed = memcmp(&m, &lun->mode, sizeof m) != 0;

	lun->mode = m;
	if (sp)
		lun->mode_saved = m;
	g_mutex_unlock(&lun->lock);
	/* SPC-4 7.5.?: other nexuses learn MODE PARAMETERS CHANGED */
	if (changed)
		tgt_scsi_ua_queue_all(lun, cmd->nexus->key, IPROTO_ASC_MODE_PARAMETERS_CHANGED);
}
