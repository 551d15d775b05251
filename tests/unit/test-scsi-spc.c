/* SPC-4 commands: INQUIRY and VPD pages, REPORT LUNS, absent LUNs, unit
 * attentions, REQUEST SENSE, MODE SENSE/SELECT, RESERVE/RELEASE(6),
 * REPORT SUPPORTED OPERATION CODES / TMFs, START STOP UNIT. */
#include "config.h"
#include "test-scsi-harness.h"

#define TNAME "iqn.2026-11.test.itnexus:spc"

typedef struct {
	TgtScsiTarget *t;
	TgtNexus *a, *b;
} Fx;

static void fx_setup(Fx *f, gconstpointer data)
{
	TgtLunSpec spec = { .backstore = "mem:4M" };

	f->t = tgt_scsi_target_new(TNAME);
	g_assert_true(tgt_scsi_target_add_lun(f->t, 0, &spec, NULL));
	spec.block_size = 4096;
	spec.serial = "SER4K";
	g_assert_true(tgt_scsi_target_add_lun(f->t, 3, &spec, NULL));
	f->a = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:a", 1);
	f->b = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:b", 2);
	scsi_clear_ua(f->t, f->a, 0);
	scsi_clear_ua(f->t, f->b, 0);
	scsi_clear_ua(f->t, f->a, 3);
	scsi_clear_ua(f->t, f->b, 3);
}

static void fx_teardown(Fx *f, gconstpointer data)
{
	tgt_scsi_nexus_free(f->a);
	tgt_scsi_nexus_free(f->b);
	tgt_scsi_target_unref(f->t);
}

static void inquiry(Fx *f, guint lun, gboolean evpd, guint8 page, guint16 alloc, ScsiResult *r)
{
	guint8 c[16];

	iproto_cdb_build_inquiry(c, evpd, page, alloc);
	scsi_in(f->t, f->a, lun, c, 6, alloc, r);
}

static void test_inquiry(Fx *f, gconstpointer data)
{
	ScsiResult r = { 0 };

	inquiry(f, 0, FALSE, 0, 255, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->len, ==, 74);
	g_assert_cmphex(r.in->data[0], ==, 0x00);
	g_assert_cmphex(r.in->data[5], ==, 0x08); /* 3PC */
	g_assert_cmphex(r.in->data[2], ==, 0x06);
	g_assert_cmphex(r.in->data[3] & 0x0f, ==, 2);
	g_assert_cmpuint(r.in->data[4], ==, 69);
	g_assert_cmpmem(r.in->data + 8, 8, "ITNEXUS ", 8);
	/* allocation length truncates */
	inquiry(f, 0, FALSE, 0, 36, &r);
	g_assert_cmpuint(r.in->len, ==, 36);
	/* page code without EVPD */
	guint8 pg[6] = { 0x12, 0, 0x80, 0, 255, 0 };
	scsi_in(f->t, f->a, 0, pg, 6, 255, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	/* absent LUN: qualifier 3, type 1Fh */
	inquiry(f, 7, FALSE, 0, 255, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[0], ==, 0x7f);
	/* supported VPD pages, sorted */
	inquiry(f, 0, TRUE, 0x00, 255, &r);
	assert_good(&r);
	static const guint8 want[] = { 0x00, 0x80, 0x83, 0x8f, 0xb0, 0xb1, 0xb2 };
	g_assert_cmpuint(iproto_get_be16(r.in->data + 2), ==, sizeof want);
	g_assert_cmpmem(r.in->data + 4, sizeof want, want, sizeof want);
	/* serial */
	inquiry(f, 3, TRUE, 0x80, 255, &r);
	assert_good(&r);
	g_assert_cmpmem(r.in->data + 4, 5, "SER4K", 5);
	/* unknown page */
	inquiry(f, 0, TRUE, 0x99, 255, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	scsi_result_clear(&r);
}

static void test_vpd_device_id(Fx *f, gconstpointer data)
{
	ScsiResult r = { 0 };
	guint8 naa0[16];
	gboolean seen_naa = FALSE, seen_rtpi = FALSE, seen_port = FALSE, seen_dev = FALSE, seen_t10 = FALSE;

	inquiry(f, 0, TRUE, 0x83, 1024, &r);
	assert_good(&r);
	gsize end = 4 + iproto_get_be16(r.in->data + 2);

	g_assert_cmpuint(end, ==, r.in->len);
	for (gsize off = 4; off < end;) {
		const guint8 *d = r.in->data + off;
		guint8 type = d[1] & 0x0f, assoc = (d[1] >> 4) & 3;

		if (type == 3) {
			seen_naa = TRUE;
			g_assert_cmphex(d[4] >> 4, ==, 6);
			memcpy(naa0, d + 4, 16);
		} else if (type == 1) {
			seen_t10 = TRUE;
			g_assert_cmpmem(d + 4, 8, "ITNEXUS ", 8);
		} else if (type == 4) {
			seen_rtpi = TRUE;
			g_assert_cmpuint(assoc, ==, 1);
			g_assert_cmpuint(iproto_get_be16(d + 6), ==, 1);
		} else if (type == 8 && assoc == 1) {
			seen_port = TRUE;
			g_assert_cmpstr((const char *) d + 4, ==, TNAME ",t,0x0001");
			g_assert_cmpuint(d[3] % 4, ==, 0);
		} else if (type == 8 && assoc == 2) {
			seen_dev = TRUE;
			g_assert_cmpstr((const char *) d + 4, ==, TNAME);
		}
		off += 4 + d[3];
	}
	g_assert_true(seen_naa && seen_t10 && seen_rtpi && seen_port && seen_dev);
	/* the NAA is stable (same target + LUN) and distinct per LUN */
	inquiry(f, 3, TRUE, 0x83, 1024, &r);
	g_assert_false(memcmp(r.in->data + 8, naa0, 16) == 0);
	scsi_result_clear(&r);
}

static void test_vpd_block(Fx *f, gconstpointer data)
{
	ScsiResult r = { 0 };

	inquiry(f, 0, TRUE, 0xb0, 255, &r);
	assert_good(&r);
	g_assert_cmpuint(iproto_get_be16(r.in->data + 2), ==, 0x3c);
	g_assert_cmpuint(r.in->data[5], ==, 255);                      /* CAW length */
	g_assert_cmpuint(iproto_get_be32(r.in->data + 8), ==, 16384);  /* 8 MiB / 512 */
	g_assert_cmpuint(iproto_get_be32(r.in->data + 28), ==, 8);     /* unmap granularity */
	g_assert_cmpuint(iproto_get_be64(r.in->data + 36), ==, 32768); /* WRITE SAME */
	inquiry(f, 0, TRUE, 0xb1, 255, &r);
	assert_good(&r);
	g_assert_cmpuint(iproto_get_be16(r.in->data + 4), ==, 1);
	inquiry(f, 0, TRUE, 0xb2, 255, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[5], ==, 0xe4); /* LBPU LBPWS LBPWS10 LBPRZ */
	scsi_result_clear(&r);
}

static void test_report_luns(Fx *f, gconstpointer data)
{
	guint8 c[16];
	ScsiResult r = { 0 };
	TgtLunSpec spec = { .backstore = "mem:1M" };

	iproto_cdb_build_report_luns(c, 0, 4096);
	scsi_in(f->t, f->a, 0, c, 12, 4096, &r);
	assert_good(&r);
	g_assert_cmpuint(iproto_get_be32(r.in->data), ==, 16);
	g_assert_cmpuint(r.in->len, ==, 24);
	g_assert_cmphex(iproto_get_be64(r.in->data + 8), ==, 0);
	g_assert_cmphex(iproto_get_be64(r.in->data + 16), ==, G_GUINT64_CONSTANT(0x0003000000000000));
	/* works addressed to an absent LUN too */
	scsi_in(f->t, f->a, 9, c, 12, 4096, &r);
	assert_good(&r);
	/* other commands to an absent LUN */
	guint8 tur[6] = { 0 };
	scsi_in(f->t, f->a, 9, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LU_NOT_SUPPORTED);
	/* a new LUN: REPORTED LUNS DATA HAS CHANGED on the others */
	g_assert_true(tgt_scsi_target_add_lun(f->t, 300, &spec, NULL));
	scsi_in(f->t, f->b, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_REPORTED_LUNS_DATA_CHANGED);
	scsi_in(f->t, f->b, 0, tur, 6, 0, &r);
	assert_good(&r);
	/* REPORT LUNS clears it for nexus a without a CHECK CONDITION */
	scsi_in(f->t, f->a, 0, c, 12, 4096, &r);
	assert_good(&r);
	g_assert_cmpuint(iproto_get_be32(r.in->data), ==, 24);
	g_assert_cmphex(iproto_get_be64(r.in->data + 24), ==, G_GUINT64_CONSTANT(0x412c000000000000)); /* flat 300 */
	scsi_in(f->t, f->a, 0, tur, 6, 0, &r);
	assert_good(&r);
	/* the new LUN, addressed flat, starts with a power-on UA */
	scsi_in(f->t, f->a, 300, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_POWER_ON_RESET);
	c[2] = 7;
	scsi_in(f->t, f->a, 0, c, 12, 4096, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	scsi_result_clear(&r);
}

static void test_unit_attention(Fx *f, gconstpointer data)
{
	guint8 tur[6] = { 0 }, rs[6] = { 0x03, 0, 0, 0, 252, 0 };
	ScsiResult r = { 0 };
	TgtNexus *c;

	/* a new nexus: power on UA, not reported by INQUIRY, cleared by TUR */
	c = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:c", 3);
	inquiry(f, 0, FALSE, 0, 96, &r);
	assert_good(&r);
	scsi_in(f->t, c, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_POWER_ON_RESET);
	scsi_in(f->t, c, 0, tur, 6, 0, &r);
	assert_good(&r);
	/* LU reset by a: b gets BUS DEVICE RESET FUNCTION OCCURRED via REQUEST SENSE */
	g_assert_true(tgt_scsi_lun_reset(f->t, 0, f->a));
	scsi_in(f->t, f->a, 0, tur, 6, 0, &r);
	assert_good(&r);
	scsi_in(f->t, f->b, 0, rs, 6, 252, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[0], ==, 0x70);
	g_assert_cmphex(r.in->data[2], ==, IPROTO_SENSE_UNIT_ATTENTION);
	g_assert_cmphex(r.in->data[12], ==, 0x29);
	g_assert_cmphex(r.in->data[13], ==, 0x03);
	scsi_in(f->t, f->b, 0, rs, 6, 252, &r);
	g_assert_cmphex(r.in->data[2], ==, 0);
	/* descriptor format on request */
	rs[1] = 1;
	scsi_in(f->t, f->b, 0, rs, 6, 252, &r);
	g_assert_cmphex(r.in->data[0], ==, 0x72);
	/* nexus loss: c comes back and learns of it */
	scsi_clear_ua(f->t, c, 0);
	tgt_scsi_nexus_free(c);
	c = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:c", 3);
	scsi_in(f->t, c, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_I_T_NEXUS_LOSS);
	/* CLEAR TASK SET by a that aborted b's tasks: b is told */
	TgtNexus *others[1] = { f->b };
	tgt_scsi_task_set_cleared(f->t, 0, f->a, others, 1);
	scsi_in(f->t, f->b, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_COMMANDS_CLEARED_BY_ANOTHER_INITIATOR);
	scsi_in(f->t, f->a, 0, tur, 6, 0, &r);
	assert_good(&r);
	/* cold reset: everyone, the caller included */
	tgt_scsi_target_reset(f->t, TRUE, f->a);
	scsi_in(f->t, f->a, 3, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_POWER_ON_OCCURRED);
	tgt_scsi_nexus_free(c);
	scsi_result_clear(&r);
}

static void mode_sense6(Fx *f, TgtNexus *n, guint8 pc_page, guint8 dbd, ScsiResult *r)
{
	guint8 c[6] = { 0x1a, dbd, pc_page, 0, 255, 0 };

	scsi_in(f->t, n, 0, c, 6, 255, r);
}

static const guint8 *find_page(ScsiResult *r, guint8 code)
{
	gsize off = 4 + r->in->data[3];

	while (off + 2 <= r->in->len) {
		if ((r->in->data[off] & 0x3f) == code)
			return r->in->data + off;
		off += 2 + r->in->data[off + 1];
	}
	return NULL;
}

static void test_mode(Fx *f, gconstpointer data)
{
	ScsiResult r = { 0 };
	guint8 tur[6] = { 0 };

	mode_sense6(f, f->a, 0x3f, 0, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->data[0] + 1, ==, r.in->len);
	g_assert_cmphex(r.in->data[2], ==, 0x10); /* DPOFUA, not WP */
	g_assert_cmpuint(r.in->data[3], ==, 8);
	g_assert_cmpuint(iproto_get_be24(r.in->data + 4 + 5), ==, 512);
	g_assert_nonnull(find_page(&r, 0x01));
	g_assert_nonnull(find_page(&r, 0x02));
	g_assert_nonnull(find_page(&r, 0x1c));
	const guint8 *cache = find_page(&r, 0x08);
	g_assert_nonnull(cache);
	g_assert_cmphex(cache[2] & 0x04, ==, 0x04); /* WCE */
	/* changeable values of the control page: D_SENSE and SWP */
	mode_sense6(f, f->a, 0x40 | 0x0a, 0x08, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->data[3], ==, 0);
	g_assert_cmphex(r.in->data[4 + 2], ==, 0x04);
	g_assert_cmphex(r.in->data[4 + 4], ==, 0x08);
	/* unknown page */
	mode_sense6(f, f->a, 0x33, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);

	/* MODE SELECT(6): set D_SENSE from the current control page */
	mode_sense6(f, f->a, 0x0a, 0x08, &r);
	guint8 param[4 + 12];
	memcpy(param, r.in->data, sizeof param);
	param[0] = 0;
	param[4] &= 0x3f;
	param[4 + 2] |= 0x04;
	guint8 sel[6] = { 0x15, 0x10, 0, 0, sizeof param, 0 };
	scsi_run(f->t, f->a, 0, sel, 6, sizeof param, param, sizeof param, &r);
	assert_good(&r);
	/* b is told, and its sense is now descriptor format */
	scsi_in(f->t, f->b, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_MODE_PARAMETERS_CHANGED);
	guint8 bad[10] = { 0x28, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0 };
	TgtScsiCmd *cmd = g_new(TgtScsiCmd, 1);
	tgt_scsi_cmd_init(cmd);
	cmd->nexus = f->b;
	memcpy(cmd->cdb, bad, 10);
	cmd->edtl = 512;
	cmd->flags = 1;
	g_assert_cmpint(tgt_scsi_cmd_prepare(f->t, cmd), ==, TGT_SCSI_PREP_DONE);
	g_assert_cmphex(cmd->sense[0], ==, 0x72);
	tgt_scsi_cmd_done(cmd);
	g_free(cmd);
	/* changing a field that is not changeable is refused */
	param[4 + 3] ^= 0x80;
	scsi_run(f->t, f->a, 0, sel, 6, sizeof param, param, sizeof param, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_PARAMETER_LIST);
	/* SWP makes the LUN write protected */
	param[4 + 3] ^= 0x80;
	param[4 + 4] |= 0x08;
	scsi_run(f->t, f->a, 0, sel, 6, sizeof param, param, sizeof param, &r);
	assert_good(&r);
	guint8 w[10] = { 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, blk[512] = { 0 };
	scsi_run(f->t, f->a, 0, w, 10, 512, blk, 512, &r);
	assert_sense(&r, IPROTO_SENSE_DATA_PROTECT, IPROTO_ASC_WRITE_PROTECTED);
	mode_sense6(f, f->a, 0x3f, 0, &r);
	g_assert_cmphex(r.in->data[2] & 0x80, ==, 0x80);
	/* a LU reset restores the saved values (SWP off again) */
	tgt_scsi_lun_reset(f->t, 0, f->a);
	scsi_run(f->t, f->a, 0, w, 10, 512, blk, 512, &r);
	assert_good(&r);
	scsi_result_clear(&r);
}

static void test_reserve6(Fx *f, gconstpointer data)
{
	guint8 res[6] = { 0x16 }, rel[6] = { 0x17 }, tur[6] = { 0 }, rd[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	ScsiResult r = { 0 };

	scsi_in(f->t, f->a, 0, res, 6, 0, &r);
	assert_good(&r);
	scsi_in(f->t, f->b, 0, res, 6, 0, &r);
	g_assert_cmpuint(r.status, ==, TGT_SCSI_RESERVATION_CONFLICT);
	scsi_in(f->t, f->b, 0, rd, 10, 512, &r);
	g_assert_cmpuint(r.status, ==, TGT_SCSI_RESERVATION_CONFLICT);
	scsi_in(f->t, f->b, 0, tur, 6, 0, &r);
	g_assert_cmpuint(r.status, ==, TGT_SCSI_RESERVATION_CONFLICT);
	inquiry(f, 0, FALSE, 0, 96, &r);
	assert_good(&r);
	/* RELEASE by b: GOOD, no effect */
	scsi_in(f->t, f->b, 0, rel, 6, 0, &r);
	assert_good(&r);
	scsi_in(f->t, f->b, 0, rd, 10, 512, &r);
	g_assert_cmpuint(r.status, ==, TGT_SCSI_RESERVATION_CONFLICT);
	scsi_in(f->t, f->a, 0, rd, 10, 512, &r);
	assert_good(&r);
	scsi_in(f->t, f->a, 0, rel, 6, 0, &r);
	assert_good(&r);
	scsi_in(f->t, f->b, 0, rd, 10, 512, &r);
	assert_good(&r);
	/* a LU reset releases it, and so does the loss of the nexus */
	scsi_in(f->t, f->b, 0, res, 6, 0, &r);
	tgt_scsi_lun_reset(f->t, 0, NULL);
	scsi_clear_ua(f->t, f->a, 0);
	scsi_in(f->t, f->a, 0, rd, 10, 512, &r);
	assert_good(&r);
	scsi_result_clear(&r);
}

static void test_opcodes(Fx *f, gconstpointer data)
{
	guint8 c[12] = { 0xa3, 0x0c };
	ScsiResult r = { 0 };

	iproto_put_be32(c + 6, 8192);
	scsi_in(f->t, f->a, 0, c, 12, 8192, &r);
	assert_good(&r);
	guint32 n = iproto_get_be32(r.in->data);
	g_assert_cmpuint(n % 8, ==, 0);
	g_assert_cmpuint(n, >=, 8 * 40);
	/* with timeouts descriptors */
	c[2] = 0x80;
	scsi_in(f->t, f->a, 0, c, 12, 8192, &r);
	g_assert_cmpuint(iproto_get_be32(r.in->data) % 20, ==, 0);
	g_assert_cmphex(r.in->data[4 + 5] & 0x02, ==, 0x02);
	/* one command: WRITE(10) with DPO/FUA usage */
	c[2] = 1;
	c[3] = 0x2a;
	scsi_in(f->t, f->a, 0, c, 12, 8192, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[1] & 7, ==, 3);
	g_assert_cmpuint(iproto_get_be16(r.in->data + 2), ==, 10);
	g_assert_cmphex(r.in->data[4], ==, 0x2a);
	g_assert_cmphex(r.in->data[5] & 0x18, ==, 0x18);
	/* option 1 for an opcode with service actions is an error */
	c[3] = 0x9e;
	scsi_in(f->t, f->a, 0, c, 12, 8192, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	c[2] = 2;
	c[5] = 0x10;
	scsi_in(f->t, f->a, 0, c, 12, 8192, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[1] & 7, ==, 3);
	/* not supported */
	c[2] = 1;
	c[3] = 0xd5;
	scsi_in(f->t, f->a, 0, c, 12, 8192, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[1] & 7, ==, 1);
	/* task management functions */
	guint8 t[12] = { 0xa3, 0x0d, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0 };
	scsi_in(f->t, f->a, 0, t, 12, 4, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[0], ==, 0xda);
	/* unknown opcode, bad service action */
	guint8 u[6] = { 0xd5 };
	scsi_in(f->t, f->a, 0, u, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_OPCODE);
	guint8 sa[16] = { 0x9e, 0x1f };
	scsi_in(f->t, f->a, 0, sa, 16, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	scsi_result_clear(&r);
}

static void test_start_stop(Fx *f, gconstpointer data)
{
	guint8 stop[6] = { 0x1b, 0, 0, 0, 0, 0 }, start[6] = { 0x1b, 0, 0, 0, 1, 0 }, tur[6] = { 0 };
	guint8 pa[6] = { 0x1e, 0, 0, 0, 1, 0 };
	ScsiResult r = { 0 };

	scsi_in(f->t, f->a, 0, stop, 6, 0, &r);
	assert_good(&r);
	scsi_in(f->t, f->a, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_NOT_READY, IPROTO_ASC(0x04, 0x02));
	scsi_in(f->t, f->a, 0, start, 6, 0, &r);
	assert_good(&r);
	scsi_in(f->t, f->a, 0, tur, 6, 0, &r);
	assert_good(&r);
	scsi_in(f->t, f->a, 0, pa, 6, 0, &r);
	assert_good(&r);
	pa[4] = 2;
	scsi_in(f->t, f->a, 0, pa, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	scsi_result_clear(&r);
}

/* A file grows: rescan raises CAPACITY DATA HAS CHANGED for every nexus. */
static void test_capacity_changed(Fx *f, gconstpointer data)
{
	char *path = scsi_sparse_file(1024 * 1024);
	char *bs = g_strdup_printf("file:%s", path);
	TgtLunSpec spec = { .backstore = bs };
	guint8 tur[6] = { 0 }, rc10[10] = { 0x25 };
	ScsiResult r = { 0 };

	g_assert_true(tgt_scsi_target_add_lun(f->t, 5, &spec, NULL));
	scsi_clear_ua(f->t, f->a, 5);
	scsi_clear_ua(f->t, f->b, 5);
	g_assert_cmpint(truncate(path, 2 * 1024 * 1024), ==, 0);
	g_assert_true(tgt_scsi_target_rescan_lun(f->t, 5, NULL));
	scsi_in(f->t, f->a, 5, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_CAPACITY_DATA_CHANGED);
	scsi_in(f->t, f->b, 5, rc10, 10, 8, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_CAPACITY_DATA_CHANGED);
	scsi_in(f->t, f->b, 5, rc10, 10, 8, &r);
	assert_good(&r);
	g_assert_cmpuint(iproto_get_be32(r.in->data), ==, 4095);
	/* a rescan without a change raises nothing */
	g_assert_true(tgt_scsi_target_rescan_lun(f->t, 5, NULL));
	scsi_in(f->t, f->a, 5, tur, 6, 0, &r);
	assert_good(&r);
	g_unlink(path);
	g_free(path);
	g_free(bs);
	scsi_result_clear(&r);
}

/* The 4096-byte LUN: capacity and I/O in 4 KiB blocks. */
static void test_4k_blocks(Fx *f, gconstpointer data)
{
	guint8 rc16[16] = { 0x9e, 0x10 }, w[10] = { 0x2a, 0, 0, 0, 0, 3, 0, 0, 1, 0 }, blk[4096];
	guint8 rd[10] = { 0x28, 0, 0, 0, 0, 3, 0, 0, 1, 0 };
	ScsiResult r = { 0 };

	rc16[13] = 32;
	scsi_in(f->t, f->a, 3, rc16, 16, 32, &r);
	assert_good(&r);
	g_assert_cmpuint(iproto_get_be64(r.in->data), ==, 1023);
	g_assert_cmpuint(iproto_get_be32(r.in->data + 8), ==, 4096);
	memset(blk, 0x4b, sizeof blk);
	scsi_run(f->t, f->a, 3, w, 10, 4096, blk, sizeof blk, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 4096);
	scsi_in(f->t, f->a, 3, rd, 10, 4096, &r);
	assert_good(&r);
	g_assert_cmpmem(r.in->data, r.in->len, blk, sizeof blk);
	scsi_result_clear(&r);
}

static void test_lun_admin(Fx *f, gconstpointer data)
{
	TgtLunSpec spec = { .backstore = "mem:1M" };
	GError *err = NULL;
	guint n;
	guint64 size;
	guint32 bs;

	g_assert_false(tgt_scsi_target_add_lun(f->t, 0, &spec, &err));
	g_assert_error(err, TGT_SCSI_ERROR, TGT_SCSI_ERROR_EXISTS);
	g_clear_error(&err);
	spec.backstore = "mem:12Q";
	g_assert_false(tgt_scsi_target_add_lun(f->t, 5, &spec, &err));
	g_assert_error(err, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID);
	g_clear_error(&err);
	spec.backstore = "disk:/x";
	g_assert_false(tgt_scsi_target_add_lun(f->t, 5, &spec, &err));
	g_clear_error(&err);
	spec.backstore = "file:/nonexistent/itnexus";
	g_assert_false(tgt_scsi_target_add_lun(f->t, 5, &spec, &err));
	g_assert_error(err, TGT_SCSI_ERROR, TGT_SCSI_ERROR_IO);
	g_clear_error(&err);
	guint *v = tgt_scsi_target_list_luns(f->t, &n);
	g_assert_cmpuint(n, ==, 2);
	g_assert_cmpuint(v[0], ==, 0);
	g_assert_cmpuint(v[1], ==, 3);
	g_free(v);
	g_assert_true(tgt_scsi_target_lun_info(f->t, 3, &size, &bs));
	g_assert_cmpuint(size, ==, 4 * 1024 * 1024);
	g_assert_cmpuint(bs, ==, 4096);
	g_assert_true(tgt_scsi_target_remove_lun(f->t, 3, NULL));
	g_assert_false(tgt_scsi_target_remove_lun(f->t, 3, &err));
	g_assert_error(err, TGT_SCSI_ERROR, TGT_SCSI_ERROR_NOT_FOUND);
	g_clear_error(&err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add("/scsi/spc/" name, Fx, NULL, fx_setup, fn, fx_teardown)
	ADD("inquiry", test_inquiry);
	ADD("vpd-device-id", test_vpd_device_id);
	ADD("vpd-block", test_vpd_block);
	ADD("report-luns", test_report_luns);
	ADD("unit-attention", test_unit_attention);
	ADD("mode-sense-select", test_mode);
	ADD("reserve6", test_reserve6);
	ADD("report-opcodes", test_opcodes);
	ADD("start-stop", test_start_stop);
	ADD("lun-admin", test_lun_admin);
	ADD("capacity-changed", test_capacity_changed);
	ADD("4k-blocks", test_4k_blocks);
	return g_test_run();
}
