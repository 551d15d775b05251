/* SBC-3 block commands against mem: and file: (sparse temp file) LUNs. */
#include "config.h"
#include "test-scsi-harness.h"

typedef struct {
	TgtScsiTarget *t;
	TgtNexus *n;
	char *path;
} Fx;

#define NBLK 2048 /* 1 MiB of 512-byte blocks */

static void fx_setup(Fx *f, gconstpointer kind)
{
	TgtLunSpec spec = { 0 };
	char *bs = NULL;
	GError *err = NULL;

	f->t = tgt_scsi_target_new("iqn.2026-11.test.itnexus:sbc");
	if (g_strcmp0(kind, "file") == 0) {
		f->path = scsi_sparse_file(NBLK * 512);
		bs = g_strdup_printf("file:%s", f->path);
	} else {
		bs = g_strdup("mem:1M");
	}
	spec.backstore = bs;
	g_assert_true(tgt_scsi_target_add_lun(f->t, 0, &spec, &err));
	g_assert_no_error(err);
	spec.read_only = TRUE;
	g_assert_true(tgt_scsi_target_add_lun(f->t, 1, &spec, &err));
	g_free(bs);
	f->n = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:init", 1);
	scsi_clear_ua(f->t, f->n, 0);
	scsi_clear_ua(f->t, f->n, 1);
}

static void fx_teardown(Fx *f, gconstpointer kind)
{
	tgt_scsi_nexus_free(f->n);
	tgt_scsi_target_unref(f->t);
	if (f->path) {
		g_unlink(f->path);
		g_free(f->path);
	}
}

static void cdb10(guint8 *c, guint8 op, guint32 lba, guint16 n)
{
	memset(c, 0, 16);
	c[0] = op;
	iproto_put_be32(c + 2, lba);
	iproto_put_be16(c + 7, n);
}

static void cdb16(guint8 *c, guint8 op, guint64 lba, guint32 n)
{
	memset(c, 0, 16);
	c[0] = op;
	iproto_put_be64(c + 2, lba);
	iproto_put_be32(c + 10, n);
}

static void write_blocks(Fx *f, guint64 lba, guint32 n, const guint8 *data)
{
	guint8 c[16];
	ScsiResult r = { 0 };

	cdb16(c, 0x8a, lba, n);
	scsi_run(f->t, f->n, 0, c, 16, n * 512, data, n * 512, &r);
	assert_good(&r);
	scsi_result_clear(&r);
}

static GByteArray *read_blocks(Fx *f, guint64 lba, guint32 n)
{
	guint8 c[16];
	ScsiResult r = { 0 };

	cdb16(c, 0x88, lba, n);
	scsi_in(f->t, f->n, 0, c, 16, n * 512, &r);
	assert_good(&r);
	GByteArray *a = g_byte_array_ref(r.in);

	scsi_result_clear(&r);
	return a;
}

static void test_read_write(Fx *f, gconstpointer kind)
{
	guint8 c[16], data[8 * 512];
	ScsiResult r = { 0 };

	for (gsize i = 0; i < sizeof data; i++)
		data[i] = (guint8) (i * 7 + 3);
	/* WRITE(10) with FUA, READ(12), READ(6), READ(16) */
	cdb10(c, 0x2a, 10, 8);
	c[1] = 0x08;
	scsi_run(f->t, f->n, 0, c, 10, sizeof data, data, sizeof data, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, sizeof data);
	memset(c, 0, 16);
	c[0] = 0xa8;
	iproto_put_be32(c + 2, 10);
	iproto_put_be32(c + 6, 8);
	scsi_in(f->t, f->n, 0, c, 12, sizeof data, &r);
	assert_good(&r);
	g_assert_cmpmem(r.in->data, r.in->len, data, sizeof data);
	guint8 r6[6] = { 0x08, 0, 0, 11, 1, 0 };
	scsi_in(f->t, f->n, 0, r6, 6, 512, &r);
	assert_good(&r);
	g_assert_cmpmem(r.in->data, r.in->len, data + 512, 512);
	GByteArray *a = read_blocks(f, 10, 8);
	g_assert_cmpmem(a->data, a->len, data, sizeof data);
	g_byte_array_unref(a);
	/* untouched blocks of a new LUN read as zeros */
	a = read_blocks(f, 100, 1);
	for (guint i = 0; i < 512; i++)
		g_assert_cmpuint(a->data[i], ==, 0);
	g_byte_array_unref(a);
	scsi_result_clear(&r);
}

static void test_ranges(Fx *f, gconstpointer kind)
{
	guint8 c[16];
	ScsiResult r = { 0 };

	/* SBC-3 4.5: 0 blocks at the capacity is fine, one past is not */
	cdb10(c, 0x28, NBLK, 0);
	scsi_in(f->t, f->n, 0, c, 10, 0, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->len, ==, 0);
	cdb10(c, 0x28, NBLK + 1, 0);
	scsi_in(f->t, f->n, 0, c, 10, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
	cdb16(c, 0x88, NBLK - 1, 2);
	scsi_in(f->t, f->n, 0, c, 16, 1024, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
	cdb16(c, 0x8a, G_MAXUINT64, 1);
	scsi_run(f->t, f->n, 0, c, 16, 512, c, 16, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
	g_assert_false(r.executed);
	/* RDPROTECT without protection information */
	cdb10(c, 0x28, 0, 1);
	c[1] = 0x20;
	scsi_in(f->t, f->n, 0, c, 10, 512, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	g_assert_true(r.sense.sks_valid);
	g_assert_cmphex(r.sense.sks[0], ==, 0xc8 | 7);
	g_assert_cmpuint(iproto_get_be16(r.sense.sks + 1), ==, 1);
	scsi_result_clear(&r);
}

static void test_write_residuals(Fx *f, gconstpointer kind)
{
	guint8 c[16], data[1024];
	ScsiResult r = { 0 };

	memset(data, 'b', sizeof data);
	/* EDTL 0 < 1 block: GOOD, nothing written; out_len keeps the SCSI
	 * transfer length so the iSCSI layer reports the overflow */
	cdb10(c, 0x2a, 0, 1);
	scsi_run(f->t, f->n, 0, c, 10, 0, data, 0, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 512);
	GByteArray *a = read_blocks(f, 0, 1);
	g_assert_cmpuint(a->data[0], ==, 0);
	g_byte_array_unref(a);
	/* EDTL 1 block < 2 blocks: only the first block is written */
	cdb10(c, 0x2a, 0, 2);
	scsi_run(f->t, f->n, 0, c, 10, 512, data, 512, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 1024);
	a = read_blocks(f, 0, 2);
	g_assert_cmpuint(a->data[0], ==, 'b');
	g_assert_cmpuint(a->data[511], ==, 'b');
	g_assert_cmpuint(a->data[512], ==, 0);
	g_byte_array_unref(a);
	/* EDTL not a whole block: INVALID FIELD IN COMMAND INFORMATION UNIT */
	cdb10(c, 0x2a, 8, 1);
	scsi_run(f->t, f->n, 0, c, 10, 200, data, 200, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_IU);
	g_assert_false(r.executed);
	cdb10(c, 0x2a, 0, 1);
	/* EDTL 2 blocks > 1 block: only one block is asked for */
	scsi_run(f->t, f->n, 0, c, 10, 1024, data, 1024, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 512);
	scsi_result_clear(&r);
}

static void test_read_only(Fx *f, gconstpointer kind)
{
	guint8 c[16], data[512] = { 1 };
	ScsiResult r = { 0 };

	cdb10(c, 0x2a, 0, 1);
	scsi_run(f->t, f->n, 1, c, 10, 512, data, 512, &r);
	assert_sense(&r, IPROTO_SENSE_DATA_PROTECT, IPROTO_ASC_WRITE_PROTECTED);
	cdb10(c, 0x41, 0, 1);
	scsi_run(f->t, f->n, 1, c, 10, 512, data, 512, &r);
	assert_sense(&r, IPROTO_SENSE_DATA_PROTECT, IPROTO_ASC_WRITE_PROTECTED);
	cdb10(c, 0x28, 0, 1);
	scsi_in(f->t, f->n, 1, c, 10, 512, &r);
	assert_good(&r);
	scsi_result_clear(&r);
}

static void test_read_capacity(Fx *f, gconstpointer kind)
{
	guint8 c[16] = { 0x25 };
	ScsiResult r = { 0 };

	scsi_in(f->t, f->n, 0, c, 10, 8, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->len, ==, 8);
	g_assert_cmpuint(iproto_get_be32(r.in->data), ==, NBLK - 1);
	g_assert_cmpuint(iproto_get_be32(r.in->data + 4), ==, 512);
	memset(c, 0, 16);
	c[0] = 0x9e;
	c[1] = 0x10;
	c[13] = 32;
	scsi_in(f->t, f->n, 0, c, 16, 32, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->len, ==, 32);
	g_assert_cmpuint(iproto_get_be64(r.in->data), ==, NBLK - 1);
	g_assert_cmpuint(r.in->data[13] & 0x0f, ==, 0);
	g_assert_cmphex(r.in->data[14] & 0xc0, ==, 0xc0); /* LBPME, LBPRZ */
	/* allocation length 12 truncates */
	c[13] = 12;
	scsi_in(f->t, f->n, 0, c, 16, 32, &r);
	g_assert_cmpuint(r.in->len, ==, 12);
	scsi_result_clear(&r);
}

static void test_verify(Fx *f, gconstpointer kind)
{
	guint8 c[16], data[4 * 512];
	ScsiResult r = { 0 };

	memset(data, 0x5a, sizeof data);
	write_blocks(f, 20, 4, data);
	cdb10(c, 0x2f, 20, 4);
	c[1] = 0x02; /* BYTCHK 1 */
	scsi_run(f->t, f->n, 0, c, 10, sizeof data, data, sizeof data, &r);
	assert_good(&r);
	data[3 * 512 + 17] ^= 1;
	scsi_run(f->t, f->n, 0, c, 10, sizeof data, data, sizeof data, &r);
	assert_sense(&r, IPROTO_SENSE_MISCOMPARE, IPROTO_ASC_MISCOMPARE_DURING_VERIFY);
	g_assert_true(r.sense.info_valid);
	g_assert_cmpuint(r.sense.info, ==, 3 * 512 + 17);
	/* BYTCHK 3: one block compared with each */
	c[1] = 0x06;
	scsi_run(f->t, f->n, 0, c, 10, 512, data, 512, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 512);
	/* BYTCHK 0: no data, GOOD; BYTCHK 2 reserved */
	c[1] = 0;
	scsi_in(f->t, f->n, 0, c, 10, 0, &r);
	assert_good(&r);
	c[1] = 0x04;
	scsi_in(f->t, f->n, 0, c, 10, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	/* WRITE AND VERIFY(16) */
	memset(data, 0x77, sizeof data);
	cdb16(c, 0x8e, 20, 4);
	c[1] = 0x02;
	scsi_run(f->t, f->n, 0, c, 16, sizeof data, data, sizeof data, &r);
	assert_good(&r);
	GByteArray *a = read_blocks(f, 20, 4);
	g_assert_cmpmem(a->data, a->len, data, sizeof data);
	g_byte_array_unref(a);
	scsi_result_clear(&r);
}

static void test_compare_and_write(Fx *f, gconstpointer kind)
{
	guint8 c[16], data[2 * 2 * 512], blk[2 * 512];
	ScsiResult r = { 0 };

	memset(blk, 'a', sizeof blk);
	write_blocks(f, 40, 2, blk);
	memset(data, 'a', 1024);
	memset(data + 1024, 'b', 1024);
	memset(c, 0, 16);
	c[0] = 0x89;
	iproto_put_be64(c + 2, 40);
	c[13] = 2;
	scsi_run(f->t, f->n, 0, c, 16, sizeof data, data, sizeof data, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 2048);
	GByteArray *a = read_blocks(f, 40, 2);
	g_assert_cmpuint(a->data[0], ==, 'b');
	g_assert_cmpuint(a->data[1023], ==, 'b');
	g_byte_array_unref(a);
	/* now the medium holds 'b': comparing with 'a' miscompares at byte 0 */
	scsi_run(f->t, f->n, 0, c, 16, sizeof data, data, sizeof data, &r);
	assert_sense(&r, IPROTO_SENSE_MISCOMPARE, IPROTO_ASC_MISCOMPARE_DURING_VERIFY);
	g_assert_cmpuint(r.sense.info, ==, 0);
	/* and the medium is unchanged */
	a = read_blocks(f, 40, 1);
	g_assert_cmpuint(a->data[0], ==, 'b');
	g_byte_array_unref(a);
	/* EDTL short of 2 x blocks: no data, 0E/03 */
	scsi_run(f->t, f->n, 0, c, 16, 1024, data, 1024, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_IU);
	/* more data than 2 x blocks, or blocks = 0 with data: INVALID FIELD IN CDB */
	c[13] = 1;
	scsi_run(f->t, f->n, 0, c, 16, sizeof data, data, sizeof data, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	c[13] = 0;
	scsi_run(f->t, f->n, 0, c, 16, sizeof data, data, sizeof data, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	scsi_result_clear(&r);
}

/* Two threads increment a counter in block 0 with COMPARE AND WRITE while
 * a third writes the neighbouring blocks: no increment may be lost. */
#define CAW_ROUNDS 300

typedef struct {
	Fx *f;
	guint retries;
} CawThread;

static gpointer caw_worker(gpointer p)
{
	CawThread *ct = p;
	Fx *f = ct->f;
	guint8 c[16] = { 0x89 };
	guint8 buf[1024];
	ScsiResult r = { 0 };
	guint done = 0;

	c[13] = 1;
	while (done < CAW_ROUNDS) {
		GByteArray *cur = read_blocks(f, 0, 1);
		guint32 v = iproto_get_be32(cur->data);

		memcpy(buf, cur->data, 512);
		memcpy(buf + 512, cur->data, 512);
		iproto_put_be32(buf + 512, v + 1);
		g_byte_array_unref(cur);
		scsi_run(f->t, f->n, 0, c, 16, 1024, buf, 1024, &r);
		if (r.status == TGT_SCSI_GOOD)
			done++;
		else
			ct->retries++;
	}
	scsi_result_clear(&r);
	return NULL;
}

static gpointer plain_writer(gpointer p)
{
	Fx *f = p;
	guint8 data[512];

	memset(data, 0xee, sizeof data);
	for (guint i = 0; i < 2 * CAW_ROUNDS; i++)
		write_blocks(f, 1 + i % 8, 1, data);
	return NULL;
}

static void test_caw_atomic(Fx *f, gconstpointer kind)
{
	CawThread a = { f, 0 }, b = { f, 0 };
	GThread *t1 = g_thread_new("caw1", caw_worker, &a);
	GThread *t2 = g_thread_new("caw2", caw_worker, &b);
	GThread *t3 = g_thread_new("writer", plain_writer, f);

	g_thread_join(t1);
	g_thread_join(t2);
	g_thread_join(t3);
	GByteArray *cur = read_blocks(f, 0, 1);

	g_assert_cmpuint(iproto_get_be32(cur->data), ==, 2 * CAW_ROUNDS);
	g_test_message("CAW retries after miscompare: %u + %u", a.retries, b.retries);
	g_byte_array_unref(cur);
}

static void get_lba_status(Fx *f, guint64 lba, guint64 *start, guint32 *n, guint8 *prov)
{
	guint8 c[16] = { 0x9e, 0x12 };
	ScsiResult r = { 0 };

	iproto_put_be64(c + 2, lba);
	iproto_put_be32(c + 10, 24);
	scsi_in(f->t, f->n, 0, c, 16, 24, &r);
	assert_good(&r);
	g_assert_cmpuint(r.in->len, ==, 24);
	*start = iproto_get_be64(r.in->data + 8);
	*n = iproto_get_be32(r.in->data + 16);
	*prov = r.in->data[20] & 0x0f;
	scsi_result_clear(&r);
}

static void test_unmap_lba_status(Fx *f, gconstpointer kind)
{
	guint8 data[64 * 512], c[16], params[8 + 16];
	ScsiResult r = { 0 };
	guint64 start;
	guint32 n;
	guint8 prov;
	uint64_t lba = 8;
	uint32_t cnt = 16;

	memset(data, 0x33, sizeof data);
	write_blocks(f, 0, 64, data);
	get_lba_status(f, 0, &start, &n, &prov);
	g_assert_cmpuint(start, ==, 0);
	g_assert_cmpuint(prov, ==, 0);
	g_assert_cmpuint(n, >=, 64);
	/* a fresh LUN's far end was never written: deallocated */
	get_lba_status(f, NBLK - 8, &start, &n, &prov);
	g_assert_cmpuint(prov, ==, 1);
	g_assert_cmpuint(n, ==, 8);

	/* UNMAP blocks 8..23 (4 KiB aligned): a hole, reading as zeros */
	iproto_cdb_build_unmap(c, (guint16) iproto_cdb_build_unmap_params(params, &lba, &cnt, 1));
	scsi_run(f->t, f->n, 0, c, 10, sizeof params, params, sizeof params, &r);
	assert_good(&r);
	get_lba_status(f, 0, &start, &n, &prov);
	g_assert_cmpuint(prov, ==, 0);
	g_assert_cmpuint(n, ==, 8);
	get_lba_status(f, 8, &start, &n, &prov);
	g_assert_cmpuint(start, ==, 8);
	g_assert_cmpuint(prov, ==, 1);
	g_assert_cmpuint(n, ==, 16);
	get_lba_status(f, 24, &start, &n, &prov);
	g_assert_cmpuint(prov, ==, 0);
	GByteArray *a = read_blocks(f, 8, 16);
	for (guint i = 0; i < a->len; i++)
		g_assert_cmpuint(a->data[i], ==, 0);
	g_byte_array_unref(a);
	a = read_blocks(f, 24, 1);
	g_assert_cmpuint(a->data[0], ==, 0x33);
	g_byte_array_unref(a);

	/* an unaligned unmap zeroes but keeps the partial granules mapped */
	lba = 30;
	cnt = 2;
	iproto_cdb_build_unmap_params(params, &lba, &cnt, 1);
	scsi_run(f->t, f->n, 0, c, 10, sizeof params, params, sizeof params, &r);
	assert_good(&r);
	a = read_blocks(f, 29, 4);
	g_assert_cmpuint(a->data[0], ==, 0x33);
	g_assert_cmpuint(a->data[512], ==, 0);
	g_assert_cmpuint(a->data[1535], ==, 0);
	g_assert_cmpuint(a->data[1536], ==, 0x33);
	g_byte_array_unref(a);

	/* out of range descriptor: nothing is unmapped */
	lba = NBLK - 1;
	cnt = 2;
	iproto_cdb_build_unmap_params(params, &lba, &cnt, 1);
	scsi_run(f->t, f->n, 0, c, 10, sizeof params, params, sizeof params, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
	/* GET LBA STATUS past the end */
	memset(c, 0, 16);
	c[0] = 0x9e;
	c[1] = 0x12;
	iproto_put_be64(c + 2, NBLK);
	c[13] = 24;
	scsi_in(f->t, f->n, 0, c, 16, 24, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
	scsi_result_clear(&r);
}

static void test_write_same(Fx *f, gconstpointer kind)
{
	guint8 c[16], blk[512], zero[1024] = { 0 };
	ScsiResult r = { 0 };
	guint64 start;
	guint32 n;
	guint8 prov;

	memset(blk, 0xab, sizeof blk);
	cdb10(c, 0x41, 64, 32);
	scsi_run(f->t, f->n, 0, c, 10, 512, blk, 512, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 512);
	GByteArray *a = read_blocks(f, 64, 32);
	for (guint i = 0; i < a->len; i++)
		g_assert_cmpuint(a->data[i], ==, 0xab);
	g_byte_array_unref(a);
	/* WRITE SAME(16) with UNMAP deallocates, whatever the block holds */
	cdb16(c, 0x93, 64, 32);
	c[1] = 0x08;
	scsi_run(f->t, f->n, 0, c, 16, 512, blk, 512, &r);
	assert_good(&r);
	get_lba_status(f, 64, &start, &n, &prov);
	g_assert_cmpuint(prov, ==, 1);
	g_assert_cmpuint(n, >=, 32);
	a = read_blocks(f, 64, 32);
	for (guint i = 0; i < a->len; i++)
		g_assert_cmpuint(a->data[i], ==, 0);
	g_byte_array_unref(a);
	/* a data-out longer than one block is refused */
	scsi_run(f->t, f->n, 0, c, 16, 1024, zero, 512, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	/* NDOB: no data-out, zeros */
	write_blocks(f, 64, 1, blk);
	cdb16(c, 0x93, 64, 1);
	c[1] = 0x01;
	scsi_in(f->t, f->n, 0, c, 16, 0, &r);
	assert_good(&r);
	g_assert_cmpuint(r.out_len, ==, 0);
	a = read_blocks(f, 64, 1);
	g_assert_cmpuint(a->data[7], ==, 0);
	g_byte_array_unref(a);
	/* ANCHOR is not supported; beyond the end */
	cdb10(c, 0x41, 0, 1);
	c[1] = 0x10;
	scsi_run(f->t, f->n, 0, c, 10, 512, blk, 512, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	cdb10(c, 0x41, NBLK + 1, 0);
	scsi_run(f->t, f->n, 0, c, 10, 512, blk, 512, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
	scsi_result_clear(&r);
}

static void test_sync_prefetch_orwrite(Fx *f, gconstpointer kind)
{
	guint8 c[16], a1[512], a2[512];
	ScsiResult r = { 0 };

	cdb10(c, 0x35, 0, 0);
	scsi_in(f->t, f->n, 0, c, 10, 0, &r);
	assert_good(&r);
	cdb16(c, 0x91, NBLK, 1);
	scsi_in(f->t, f->n, 0, c, 16, 0, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_LBA_OUT_OF_RANGE);
	cdb10(c, 0x34, 0, 16);
	scsi_in(f->t, f->n, 0, c, 10, 0, &r);
	assert_good(&r);
	memset(a1, 0x0f, 512);
	memset(a2, 0xf0, 512);
	write_blocks(f, 300, 1, a1);
	cdb16(c, 0x8b, 300, 1);
	scsi_run(f->t, f->n, 0, c, 16, 512, a2, 512, &r);
	assert_good(&r);
	GByteArray *a = read_blocks(f, 300, 1);
	g_assert_cmpuint(a->data[0], ==, 0xff);
	g_byte_array_unref(a);
	scsi_result_clear(&r);
}

int main(int argc, char **argv)
{
	static const char *kinds[] = { "mem", "file" };

	g_test_init(&argc, &argv, NULL);
	for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
		const struct {
			const char *name;
			void (*fn)(Fx *, gconstpointer);
		} tests[] = {
			{ "read-write", test_read_write },
			{ "ranges", test_ranges },
			{ "write-residuals", test_write_residuals },
			{ "read-only", test_read_only },
			{ "read-capacity", test_read_capacity },
			{ "verify", test_verify },
			{ "compare-and-write", test_compare_and_write },
			{ "caw-atomic-threads", test_caw_atomic },
			{ "unmap-get-lba-status", test_unmap_lba_status },
			{ "write-same", test_write_same },
			{ "sync-prefetch-orwrite", test_sync_prefetch_orwrite },
		};
		for (guint i = 0; i < G_N_ELEMENTS(tests); i++) {
			char *path = g_strdup_printf("/scsi/sbc/%s/%s", kinds[k], tests[i].name);

			g_test_add(path, Fx, kinds[k], fx_setup, tests[i].fn, fx_teardown);
			g_free(path);
		}
	}
	return g_test_run();
}
