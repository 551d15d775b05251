/* EXTENDED COPY (LID1) and RECEIVE COPY RESULTS between two LUNs. */
#include "config.h"
#include "test-scsi-harness.h"

typedef struct {
	TgtScsiTarget *t;
	TgtNexus *n;
	guint8 naa[2][16];
} Fx;

static void fx_setup(Fx *f, gconstpointer data)
{
	TgtLunSpec spec = { .backstore = "mem:1M" };
	ScsiResult r = { 0 };
	guint8 c[16];

	f->t = tgt_scsi_target_new("iqn.2026-11.test.itnexus:xcopy");
	g_assert_true(tgt_scsi_target_add_lun(f->t, 0, &spec, NULL));
	g_assert_true(tgt_scsi_target_add_lun(f->t, 1, &spec, NULL));
	f->n = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:a", 1);
	for (guint l = 0; l < 2; l++) {
		scsi_clear_ua(f->t, f->n, l);
		iproto_cdb_build_inquiry(c, TRUE, 0x83, 512);
		scsi_in(f->t, f->n, l, c, 6, 512, &r);
		assert_good(&r);
		/* the first designator is the NAA one */
		g_assert_cmphex(r.in->data[5] & 0x0f, ==, 3);
		memcpy(f->naa[l], r.in->data + 8, 16);
	}
	scsi_result_clear(&r);
}

static void fx_teardown(Fx *f, gconstpointer data)
{
	tgt_scsi_nexus_free(f->n);
	tgt_scsi_target_unref(f->t);
}

/* Parameter list: header, ncscd identification descriptors, nseg block to
 * block segments copying `blocks` from (src_idx, slba) to (dst_idx, dlba). */
static gsize build(Fx *f, guint8 *p, guint8 list_id, guint8 usage, guint ncscd, guint nseg,
		   guint16 src_idx, guint16 dst_idx, guint16 blocks, guint64 slba, guint64 dlba)
{
	gsize off = 16;

	memset(p, 0, 4096);
	p[0] = list_id;
	p[1] = (guint8) (usage << 3);
	for (guint i = 0; i < ncscd; i++, off += 32) {
		p[off] = 0xe4;
		p[off + 4] = 0x01;
		p[off + 5] = 0x03;
		p[off + 7] = 16;
		memcpy(p + off + 8, f->naa[i % 2], 16);
		iproto_put_be24(p + off + 29, 512);
	}
	iproto_put_be16(p + 2, (guint16) (off - 16));
	gsize seg = off;

	for (guint i = 0; i < nseg; i++, off += 28) {
		p[off] = 0x02;
		iproto_put_be16(p + off + 2, 0x18);
		iproto_put_be16(p + off + 4, src_idx);
		iproto_put_be16(p + off + 6, dst_idx);
		iproto_put_be16(p + off + 10, blocks);
		iproto_put_be64(p + off + 12, slba);
		iproto_put_be64(p + off + 20, dlba);
	}
	iproto_put_be32(p + 8, (guint32) (off - seg));
	return off;
}

static void xcopy(Fx *f, const guint8 *p, gsize len, ScsiResult *r)
{
	guint8 c[16] = { 0x83 };

	iproto_put_be32(c + 10, (guint32) len);
	scsi_run(f->t, f->n, 0, c, 16, (guint32) len, p, len, r);
}

static void test_copy(Fx *f, gconstpointer data)
{
	guint8 p[4096], blk[16 * 512], w[16] = { 0x8a };
	ScsiResult r = { 0 };

	memset(blk, 'A', sizeof blk);
	iproto_put_be64(w + 2, 100);
	iproto_put_be32(w + 10, 16);
	scsi_run(f->t, f->n, 0, w, 16, sizeof blk, blk, sizeof blk, &r);
	assert_good(&r);
	/* LUN 0 LBA 100 -> LUN 1 LBA 7, 16 blocks; hold the result (usage 0) */
	gsize len = build(f, p, 5, 0, 2, 1, 0, 1, 16, 100, 7);
	xcopy(f, p, len, &r);
	assert_good(&r);
	guint8 rd[16] = { 0x88 };
	iproto_put_be64(rd + 2, 7);
	iproto_put_be32(rd + 10, 16);
	scsi_in(f->t, f->n, 1, rd, 16, sizeof blk, &r);
	assert_good(&r);
	g_assert_cmpmem(r.in->data, r.in->len, blk, sizeof blk);
	/* RECEIVE COPY RESULTS, COPY STATUS: once, then gone */
	guint8 rcr[16] = { 0x84, 0x00, 5 };
	iproto_put_be32(rcr + 10, 64);
	scsi_in(f->t, f->n, 0, rcr, 16, 64, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[4], ==, 0x01);
	g_assert_cmpuint(iproto_get_be16(r.in->data + 5), ==, 1);
	g_assert_cmpuint(iproto_get_be32(r.in->data + 8), ==, sizeof blk);
	scsi_in(f->t, f->n, 0, rcr, 16, 64, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	/* usage 10b: not held */
	len = build(f, p, 6, 2, 1, 1, 0, 0, 1, 0, 1);
	xcopy(f, p, len, &r);
	assert_good(&r);
	rcr[2] = 6;
	scsi_in(f->t, f->n, 0, rcr, 16, 64, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	/* an empty parameter list is fine */
	xcopy(f, p, 0, &r);
	assert_good(&r);
	scsi_result_clear(&r);
}

static void test_errors(Fx *f, gconstpointer data)
{
	guint8 p[4096];
	ScsiResult r = { 0 };
	gsize len;

	/* truncated lists */
	len = build(f, p, 1, 0, 1, 1, 0, 0, 8, 0, 100);
	xcopy(f, p, 16 + 32 - 1, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
	xcopy(f, p, len - 1, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
	/* too many descriptors */
	len = build(f, p, 1, 0, 3, 1, 0, 0, 8, 0, 100);
	xcopy(f, p, len, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_TOO_MANY_TARGET_DESCRIPTORS);
	len = build(f, p, 1, 0, 1, 9, 0, 0, 8, 0, 100);
	xcopy(f, p, len, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_TOO_MANY_SEGMENT_DESCRIPTORS);
	/* unsupported descriptor types */
	len = build(f, p, 1, 0, 1, 1, 0, 0, 8, 0, 100);
	p[16] = 0xe0;
	xcopy(f, p, len, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_UNSUPPORTED_TARGET_DESCRIPTOR_TYPE);
	p[16] = 0xe4;
	p[48] = 0x03;
	xcopy(f, p, len, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE);
	/* bad index, beyond the end, unknown NAA: COPY ABORTED */
	len = build(f, p, 1, 0, 1, 1, 0, 1, 8, 0, 100);
	xcopy(f, p, len, &r);
	g_assert_cmpuint(r.status, ==, TGT_SCSI_CHECK_CONDITION);
	g_assert_cmphex(r.sense.key, ==, IPROTO_SENSE_COPY_ABORTED);
	len = build(f, p, 1, 0, 1, 1, 0, 0, 8, 0, 2047);
	xcopy(f, p, len, &r);
	g_assert_cmphex(r.sense.key, ==, IPROTO_SENSE_COPY_ABORTED);
	len = build(f, p, 1, 0, 1, 1, 0, 0, 8, 0, 100);
	p[16 + 8 + 5] ^= 0xff;
	xcopy(f, p, len, &r);
	g_assert_cmphex(r.sense.key, ==, IPROTO_SENSE_COPY_ABORTED);
	/* the failed copy with usage 0 is held as "completed with error" */
	guint8 rcr[16] = { 0x84, 0x00, 1 };
	iproto_put_be32(rcr + 10, 64);
	scsi_in(f->t, f->n, 0, rcr, 16, 64, &r);
	assert_good(&r);
	g_assert_cmphex(r.in->data[4], ==, 0x02);
	scsi_result_clear(&r);
}

static void test_operating_parameters(Fx *f, gconstpointer data)
{
	guint8 c[16] = { 0x84, 0x03 };
	ScsiResult r = { 0 };

	iproto_put_be32(c + 10, 1024);
	scsi_in(f->t, f->n, 0, c, 16, 1024, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->len, ==, 46);
	g_assert_cmpuint(iproto_get_be16(r.in->data + 8), ==, 2);
	g_assert_cmpuint(iproto_get_be16(r.in->data + 10), ==, 8);
	g_assert_cmpuint(r.in->data[43], ==, 2);
	g_assert_cmphex(r.in->data[44], ==, 0x02);
	g_assert_cmphex(r.in->data[45], ==, 0xe4);
	/* the Third-party Copy VPD page lists both commands */
	guint8 inq[16];
	iproto_cdb_build_inquiry(inq, TRUE, 0x8f, 255);
	scsi_in(f->t, f->n, 0, inq, 6, 255, &r);
	assert_good(&r);
	g_assert_cmpuint(iproto_get_be16(r.in->data + 4), ==, 1);
	g_assert_cmpuint(r.in->data[8], ==, 7);
	g_assert_cmphex(r.in->data[9], ==, 0x83);
	g_assert_cmphex(r.in->data[12], ==, 0x84);
	scsi_result_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/scsi/xcopy/copy", Fx, NULL, fx_setup, test_copy, fx_teardown);
	g_test_add("/scsi/xcopy/errors", Fx, NULL, fx_setup, test_errors, fx_teardown);
	g_test_add("/scsi/xcopy/operating-parameters", Fx, NULL, fx_setup, test_operating_parameters, fx_teardown);
	return g_test_run();
}
