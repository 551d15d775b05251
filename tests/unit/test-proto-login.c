/* Login stages (RFC 7143 sec. 6.3, 11.12) and the status table
 * (sec. 11.13.5). */
#include "config.h"
#include <glib.h>
#include "libiscsi-proto/iproto-login.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-sna.h"

static void test_stage_names(void)
{
	g_assert_cmpstr(iproto_login_stage_name(IPROTO_STAGE_SECURITY), ==, "SecurityNegotiation");
	g_assert_cmpstr(iproto_login_stage_name(IPROTO_STAGE_OPERATIONAL), ==, "LoginOperationalNegotiation");
	g_assert_cmpstr(iproto_login_stage_name(IPROTO_STAGE_FULL_FEATURE), ==, "FullFeaturePhase");
	g_assert_cmpstr(iproto_login_stage_name(2), ==, "Reserved");
	g_assert_cmpstr(iproto_login_stage_name(99), ==, "Reserved");
}

static void expect_stage_error(bool t, bool c, unsigned csg, unsigned nsg)
{
	GError *err = NULL;
	g_assert_false(iproto_login_check_stages(t, c, csg, nsg, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT);
	g_error_free(err);
}

static void test_stage_transitions(void)
{
	/* allowed */
	g_assert_true(iproto_login_check_stages(true, false, 0, 1, NULL));
	g_assert_true(iproto_login_check_stages(true, false, 0, 3, NULL));
	g_assert_true(iproto_login_check_stages(true, false, 1, 3, NULL));
	g_assert_true(iproto_login_check_stages(false, false, 0, 0, NULL));
	g_assert_true(iproto_login_check_stages(false, true, 1, 0, NULL));
	/* NSG is ignored without T */
	g_assert_true(iproto_login_check_stages(false, false, 1, 2, NULL));
	/* refused */
	expect_stage_error(true, true, 0, 1);  /* T and C */
	expect_stage_error(true, false, 1, 1); /* no forward move */
	expect_stage_error(true, false, 1, 0); /* backwards */
	expect_stage_error(true, false, 0, 2); /* reserved NSG */
	expect_stage_error(false, false, 2, 0); /* reserved CSG */
	expect_stage_error(false, false, 3, 0); /* CSG full feature in a login */
}

static void test_status_table(void)
{
	static const struct {
		uint8_t cls, detail;
		const char *name;
	} rows[] = {
		{ 0, 0x00, "Success" },
		{ 1, 0x01, "Target moved temporarily" },
		{ 1, 0x02, "Target moved permanently" },
		{ 2, 0x00, "Initiator error" },
		{ 2, 0x01, "Authentication failure" },
		{ 2, 0x02, "Authorization failure" },
		{ 2, 0x03, "Not found" },
		{ 2, 0x04, "Target removed" },
		{ 2, 0x05, "Unsupported version" },
		{ 2, 0x06, "Too many connections" },
		{ 2, 0x07, "Missing parameter" },
		{ 2, 0x08, "Can't include in session" },
		{ 2, 0x09, "Session type not supported" },
		{ 2, 0x0a, "Session does not exist" },
		{ 2, 0x0b, "Invalid request type during login" },
		{ 3, 0x00, "Target error" },
		{ 3, 0x01, "Service unavailable" },
		{ 3, 0x02, "Out of resources" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		const IProtoLoginStatusInfo *info = iproto_login_status_info(rows[i].cls, rows[i].detail);
		g_assert_nonnull(info);
		g_assert_cmpuint(info->status, ==, (unsigned) (rows[i].cls << 8 | rows[i].detail));
		g_assert_cmpstr(info->name, ==, rows[i].name);
		g_assert_true(info->description && *info->description);
		g_assert_cmpstr(iproto_login_status_string(rows[i].cls, rows[i].detail), ==, rows[i].name);
		g_assert_cmpuint(iproto_login_status_class(info->status), ==, rows[i].cls);
		g_assert_cmpuint(iproto_login_status_detail(info->status), ==, rows[i].detail);
	}
	g_assert_null(iproto_login_status_info(2, 0x0c));
	g_assert_null(iproto_login_status_info(1, 0x00));
	g_assert_null(iproto_login_status_info(4, 0x00));
	g_assert_cmpstr(iproto_login_status_string(3, 0x03), ==, "Unknown status");
}

/* RFC 1982 serial number arithmetic, sec. 3.2 examples and wrap. */
static void test_sna(void)
{
	g_assert_true(iproto_sna_lt(1, 2));
	g_assert_false(iproto_sna_lt(2, 1));
	g_assert_false(iproto_sna_lt(5, 5));
	g_assert_true(iproto_sna_le(5, 5));
	g_assert_true(iproto_sna_lt(0xffffffffu, 0));   /* wrap */
	g_assert_true(iproto_sna_gt(0, 0xffffffffu));
	g_assert_true(iproto_sna_lt(0xfffffff0u, 0x10));
	g_assert_true(iproto_sna_lt(0, 0x7fffffffu));
	/* exactly 2^31 apart: undefined, every predicate false */
	g_assert_false(iproto_sna_lt(0, 0x80000000u));
	g_assert_false(iproto_sna_gt(0, 0x80000000u));
	g_assert_false(iproto_sna_lt(0x80000000u, 0));
	g_assert_false(iproto_sna_gt(0x80000000u, 0));
	g_assert_true(iproto_sna_ge(7, 7));
	/* CmdSN window [ExpCmdSN, MaxCmdSN] (RFC 7143 sec. 4.2.2.1) */
	g_assert_true(iproto_sna_in_window(10, 10, 41));
	g_assert_true(iproto_sna_in_window(41, 10, 41));
	g_assert_false(iproto_sna_in_window(42, 10, 41));
	g_assert_false(iproto_sna_in_window(9, 10, 41));
	g_assert_true(iproto_sna_in_window(2, 0xfffffff0u, 5)); /* across the wrap */
	/* MaxCmdSN = ExpCmdSN - 1: empty window */
	g_assert_false(iproto_sna_in_window(10, 10, 9));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/proto/login/stage-names", test_stage_names);
	g_test_add_func("/proto/login/stage-transitions", test_stage_transitions);
	g_test_add_func("/proto/login/status-table", test_status_table);
	g_test_add_func("/proto/login/serial-numbers", test_sna);
	return g_test_run();
}
