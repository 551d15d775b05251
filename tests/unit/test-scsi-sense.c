/* Sense data (SPC-4 4.5) and CDB helpers of libiscsi-proto. */
#include "config.h"
#include "libiscsi-proto/iproto-sense.h"
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-bytes.h"
#include <string.h>

static void test_fixed_build(void)
{
	IProtoSense s;
	guint8 b[IPROTO_SENSE_BUILD_MAX];

	iproto_sense_set(&s, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_CDB);
	iproto_sense_set_field_pointer(&s, TRUE, 2, 5);
	g_assert_cmpuint(iproto_sense_build(b, &s, FALSE), ==, 18);
	/* SPC-4 table 50 and 48, by hand */
	static const guint8 want[18] = { 0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0x00, 0, 0xcd, 0x00, 0x02 };
	g_assert_cmpmem(b, 18, want, 18);
}

static void test_fixed_info(void)
{
	IProtoSense s, p;
	guint8 b[IPROTO_SENSE_BUILD_MAX];

	iproto_sense_set(&s, IPROTO_SENSE_MISCOMPARE, IPROTO_ASC_MISCOMPARE_DURING_VERIFY);
	iproto_sense_set_info(&s, 0x1234);
	gsize n = iproto_sense_build(b, &s, FALSE);

	g_assert_cmphex(b[0], ==, 0xf0); /* VALID */
	g_assert_cmphex(iproto_get_be32(b + 3), ==, 0x1234);
	g_assert_true(iproto_sense_parse(b, n, &p, NULL));
	g_assert_true(p.info_valid);
	g_assert_cmphex(p.info, ==, 0x1234);
	g_assert_cmphex(p.key, ==, IPROTO_SENSE_MISCOMPARE);
	/* 64-bit information does not fit fixed format: VALID stays 0 */
	iproto_sense_set_info(&s, G_GUINT64_CONSTANT(0x100000000));
	iproto_sense_build(b, &s, FALSE);
	g_assert_cmphex(b[0], ==, 0x70);
}

static void test_descriptor_roundtrip(void)
{
	IProtoSense s, p;
	guint8 b[IPROTO_SENSE_BUILD_MAX];

	iproto_sense_set(&s, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_INVALID_FIELD_IN_PARAMETER_LIST);
	iproto_sense_set_info(&s, G_GUINT64_CONSTANT(0x123456789a));
	iproto_sense_set_field_pointer(&s, FALSE, 20, -1);
	gsize n = iproto_sense_build(b, &s, TRUE);

	g_assert_cmpuint(n, ==, 8 + 12 + 8);
	g_assert_cmphex(b[0], ==, 0x72);
	g_assert_cmphex(b[1], ==, 0x05);
	g_assert_cmphex(b[2], ==, 0x26);
	g_assert_cmpuint(b[7], ==, 20);
	g_assert_true(iproto_sense_parse(b, n, &p, NULL));
	g_assert_cmphex(p.asc, ==, IPROTO_ASC_INVALID_FIELD_IN_PARAMETER_LIST);
	g_assert_true(p.info_valid);
	g_assert_cmphex(p.info, ==, G_GUINT64_CONSTANT(0x123456789a));
	g_assert_true(p.sks_valid);
	g_assert_cmphex(p.sks[0], ==, 0x80); /* SKSV, C/D=0, BPV=0 */
	g_assert_cmpuint(iproto_get_be16(p.sks + 1), ==, 20);
}

static void test_parse_bad(void)
{
	IProtoSense p;
	GError *err = NULL;
	guint8 junk[8] = { 0x55 };
	guint8 desc[12] = { 0x72, 0x06, 0x29, 0x00, 0, 0, 0, 4, 0x00, 0x0a, 0, 0 };

	g_assert_false(iproto_sense_parse(junk, 8, &p, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_SENSE_FORMAT);
	g_clear_error(&err);
	g_assert_false(iproto_sense_parse(junk, 1, &p, &err));
	g_clear_error(&err);
	/* a descriptor that claims 12 bytes in a 4-byte list */
	g_assert_false(iproto_sense_parse(desc, sizeof desc, &p, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_SENSE_FORMAT);
	g_clear_error(&err);
	/* short fixed sense: fields past the end read as zero */
	guint8 short_fixed[8] = { 0x70, 0, 0x06, 0, 0, 0, 0, 0 };
	g_assert_true(iproto_sense_parse(short_fixed, 8, &p, NULL));
	g_assert_cmphex(p.key, ==, 6);
	g_assert_cmphex(p.asc, ==, 0);
}

static void test_names(void)
{
	g_assert_cmpstr(iproto_sense_key_name(IPROTO_SENSE_UNIT_ATTENTION), ==, "UNIT ATTENTION");
	g_assert_cmpstr(iproto_sense_asc_name(IPROTO_ASC_LBA_OUT_OF_RANGE), ==, "LOGICAL BLOCK ADDRESS OUT OF RANGE");
	g_assert_cmpstr(iproto_sense_asc_name(IPROTO_ASC_REPORTED_LUNS_DATA_CHANGED), ==, "REPORTED LUNS DATA HAS CHANGED");
	g_assert_null(iproto_sense_asc_name(IPROTO_ASC(0x7f, 0x7f)));
}

static void test_cdb_rw(void)
{
	IProtoCdbRw rw;
	guint8 cdb[16];
	GError *err = NULL;

	g_assert_cmpuint(iproto_cdb_build_read(cdb, 10, 0x12345678, 0x100, TRUE), ==, 10);
	g_assert_true(iproto_cdb_parse_rw(cdb, 10, &rw, NULL));
	g_assert_cmphex(rw.lba, ==, 0x12345678);
	g_assert_cmpuint(rw.blocks, ==, 0x100);
	g_assert_true(rw.fua);
	g_assert_false(rw.dpo);
	/* too big for 10: the builder goes to 16 */
	g_assert_cmpuint(iproto_cdb_build_write(cdb, 10, G_GUINT64_CONSTANT(0x100000000), 8, FALSE), ==, 16);
	g_assert_cmphex(cdb[0], ==, IPROTO_OP_WRITE16);
	g_assert_true(iproto_cdb_parse_rw(cdb, 16, &rw, NULL));
	g_assert_cmphex(rw.lba, ==, G_GUINT64_CONSTANT(0x100000000));
	/* READ(6): 21-bit LBA, 0 blocks means 256 */
	guint8 r6[6] = { 0x08, 0xff, 0x12, 0x34, 0x00, 0x00 };
	g_assert_true(iproto_cdb_parse_rw(r6, 6, &rw, NULL));
	g_assert_cmphex(rw.lba, ==, 0x1f1234);
	g_assert_cmpuint(rw.blocks, ==, 256);
	/* READ(12) */
	guint8 r12[12] = { 0xa8, 0x10, 0, 0, 0, 9, 0, 0, 1, 0, 0x05, 0 };
	g_assert_true(iproto_cdb_parse_rw(r12, 12, &rw, NULL));
	g_assert_cmpuint(rw.lba, ==, 9);
	g_assert_cmpuint(rw.blocks, ==, 256);
	g_assert_cmpuint(rw.group, ==, 5);
	g_assert_true(rw.dpo);
	/* truncated */
	g_assert_false(iproto_cdb_parse_rw(cdb, 10, &rw, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_CDB_FORMAT);
	g_clear_error(&err);
	g_assert_cmpuint(iproto_cdb_length(0x7f), ==, 0);
	g_assert_cmpuint(iproto_cdb_length(0xa0), ==, 12);
}

static void test_cdb_builders(void)
{
	guint8 cdb[16], params[8 + 32];
	uint64_t lbas[2] = { 8, 100 };
	uint32_t counts[2] = { 8, 16 };

	g_assert_cmpuint(iproto_cdb_build_test_unit_ready(cdb), ==, 6);
	g_assert_cmpuint(iproto_cdb_build_inquiry(cdb, TRUE, 0x83, 255), ==, 6);
	g_assert_cmphex(cdb[1], ==, 1);
	g_assert_cmphex(cdb[2], ==, 0x83);
	g_assert_cmpuint(iproto_get_be16(cdb + 3), ==, 255);
	g_assert_cmpuint(iproto_cdb_build_read_capacity16(cdb, 32), ==, 16);
	g_assert_cmphex(cdb[0], ==, 0x9e);
	g_assert_cmphex(iproto_cdb_service_action(cdb), ==, IPROTO_SA_READ_CAPACITY16);
	g_assert_cmpuint(iproto_get_be32(cdb + 10), ==, 32);
	g_assert_cmpuint(iproto_cdb_build_report_luns(cdb, 0, 4096), ==, 12);
	g_assert_cmpuint(iproto_get_be32(cdb + 6), ==, 4096);
	g_assert_cmpuint(iproto_cdb_build_synchronize_cache(cdb, 16, 0, 0), ==, 16);
	g_assert_cmphex(cdb[0], ==, IPROTO_OP_SYNCHRONIZE_CACHE16);
	g_assert_cmpuint(iproto_cdb_build_unmap_params(params, lbas, counts, 2), ==, 40);
	g_assert_cmpuint(iproto_get_be16(params), ==, 38);
	g_assert_cmpuint(iproto_get_be16(params + 2), ==, 32);
	g_assert_cmpuint(iproto_get_be64(params + 24), ==, 100);
	g_assert_cmpuint(iproto_get_be32(params + 32), ==, 16);
	g_assert_cmpuint(iproto_cdb_build_unmap(cdb, 40), ==, 10);
	g_assert_cmpuint(iproto_get_be16(cdb + 7), ==, 40);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/scsi/sense/fixed-build", test_fixed_build);
	g_test_add_func("/scsi/sense/fixed-info", test_fixed_info);
	g_test_add_func("/scsi/sense/descriptor-roundtrip", test_descriptor_roundtrip);
	g_test_add_func("/scsi/sense/parse-bad", test_parse_bad);
	g_test_add_func("/scsi/sense/names", test_names);
	g_test_add_func("/scsi/cdb/rw-fields", test_cdb_rw);
	g_test_add_func("/scsi/cdb/builders", test_cdb_builders);
	return g_test_run();
}
