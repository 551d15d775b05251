/* iproto_cdb_name() and iproto_cdb_is_block_transfer(): the names the
 * analyzer prints, service actions, and unknown opcodes. */
#include "config.h"
#include <glib.h>
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-cdb-names.h"

static void test_plain(void)
{
	uint8_t cdb[16] = { 0 };

	cdb[0] = IPROTO_OP_READ10;
	g_assert_cmpstr(iproto_cdb_name(cdb, 16), ==, "READ(10)");
	cdb[0] = IPROTO_OP_WRITE16;
	g_assert_cmpstr(iproto_cdb_name(cdb, 16), ==, "WRITE(16)");
	cdb[0] = IPROTO_OP_INQUIRY;
	g_assert_cmpstr(iproto_cdb_name(cdb, 6), ==, "INQUIRY");
	cdb[0] = IPROTO_OP_TEST_UNIT_READY;
	g_assert_cmpstr(iproto_cdb_name(cdb, 1), ==, "TEST UNIT READY");
}

static void test_service_action(void)
{
	uint8_t cdb[16];

	iproto_cdb_build_read_capacity16(cdb, 32);
	g_assert_cmpstr(iproto_cdb_name(cdb, 16), ==, "READ CAPACITY(16)");
	/* An unknown service action falls back to the family's name; with one
	 * byte only the family is known. */
	cdb[1] = 0x1f;
	g_assert_cmpstr(iproto_cdb_name(cdb, 16), ==, "SERVICE ACTION IN(16)");
	cdb[1] = IPROTO_SA_READ_CAPACITY16;
	g_assert_cmpstr(iproto_cdb_name(cdb, 1), ==, "SERVICE ACTION IN(16)");
	cdb[0] = IPROTO_OP_MAINTENANCE_IN;
	cdb[1] = IPROTO_SA_REPORT_SUPPORTED_OPCODES;
	g_assert_cmpstr(iproto_cdb_name(cdb, 12), ==, "REPORT SUPPORTED OPERATION CODES");
}

static void test_unknown(void)
{
	uint8_t cdb[16] = { 0xc0 };

	g_assert_null(iproto_cdb_name(cdb, 16));
	g_assert_null(iproto_cdb_name(cdb, 0));
	g_assert_false(iproto_cdb_is_block_transfer(0xc0));
}

static void test_block(void)
{
	g_assert_true(iproto_cdb_is_block_transfer(IPROTO_OP_READ6));
	g_assert_true(iproto_cdb_is_block_transfer(IPROTO_OP_WRITE10));
	g_assert_true(iproto_cdb_is_block_transfer(IPROTO_OP_READ16));
	g_assert_true(iproto_cdb_is_block_transfer(IPROTO_OP_WRITE12));
	g_assert_false(iproto_cdb_is_block_transfer(IPROTO_OP_INQUIRY));
	g_assert_false(iproto_cdb_is_block_transfer(IPROTO_OP_SERVICE_ACTION_IN16));
	g_assert_false(iproto_cdb_is_block_transfer(IPROTO_OP_UNMAP));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/scsi/cdb-names/plain", test_plain);
	g_test_add_func("/scsi/cdb-names/service-action", test_service_action);
	g_test_add_func("/scsi/cdb-names/unknown", test_unknown);
	g_test_add_func("/scsi/cdb-names/block", test_block);
	return g_test_run();
}
