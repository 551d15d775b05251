/* The opcode table: one row per operation code and service action, used
 * for dispatch and for REPORT SUPPORTED OPERATION CODES (SPC-4 6.35).  The
 * PR column follows SPC-4 table 67 / SBC-3 table 13 (which commands a
 * persistent reservation of another I_T nexus lets through). */
#include "config.h"
#include "target/scsi-internal.h"

#define NL TGT_OP_NO_LUN
#define UX TGT_OP_UA_EXEMPT
#define MW TGT_OP_MEDIUM_WRITE
#define RD TGT_OP_NEED_READY
#define S2 TGT_OP_SPC2_ALLOWED
#define TR TGT_OP_TRUNCATE
#define EX TGT_OP_EXACT_OUT
#define PA TGT_PR_ALLOWED
#define PR TGT_PR_READ
#define PW TGT_PR_WRITE
#define PO TGT_PR_OWN

/* Sorted by opcode, then service action. */
static const TgtScsiOp ops[] = {
	{ 0x00, -1, 6, RD, PA, "TEST UNIT READY", NULL, tgt_scsi_exec_test_unit_ready },
	{ 0x03, -1, 6, NL | UX | S2, PA, "REQUEST SENSE", NULL, tgt_scsi_exec_request_sense },
	{ 0x08, -1, 6, RD, PR, "READ(6)", tgt_scsi_prep_read, tgt_scsi_exec_read },
	{ 0x0a, -1, 6, RD | MW | TR, PW, "WRITE(6)", tgt_scsi_prep_write, tgt_scsi_exec_write },
	{ 0x12, -1, 6, NL | UX | S2, PA, "INQUIRY", NULL, tgt_scsi_exec_inquiry },
	{ 0x15, -1, 6, 0, PW, "MODE SELECT(6)", tgt_scsi_prep_mode_select, tgt_scsi_exec_mode_select },
	{ 0x16, -1, 6, 0, PO, "RESERVE(6)", NULL, tgt_scsi_exec_reserve },
	{ 0x17, -1, 6, S2, PO, "RELEASE(6)", NULL, tgt_scsi_exec_release },
	{ 0x1a, -1, 6, 0, PR, "MODE SENSE(6)", NULL, tgt_scsi_exec_mode_sense },
	{ 0x1b, -1, 6, 0, PW, "START STOP UNIT", NULL, tgt_scsi_exec_start_stop },
	{ 0x1e, -1, 6, 0, PW, "PREVENT ALLOW MEDIUM REMOVAL", NULL, tgt_scsi_exec_prevent_allow },
	{ 0x25, -1, 10, RD, PA, "READ CAPACITY(10)", NULL, tgt_scsi_exec_read_capacity10 },
	{ 0x28, -1, 10, RD, PR, "READ(10)", tgt_scsi_prep_read, tgt_scsi_exec_read },
	{ 0x2a, -1, 10, RD | MW | TR, PW, "WRITE(10)", tgt_scsi_prep_write, tgt_scsi_exec_write },
	{ 0x2e, -1, 10, RD | MW | TR, PW, "WRITE AND VERIFY(10)", tgt_scsi_prep_write, tgt_scsi_exec_write_verify },
	{ 0x2f, -1, 10, RD, PR, "VERIFY(10)", tgt_scsi_prep_verify, tgt_scsi_exec_verify },
	{ 0x34, -1, 10, RD, PR, "PRE-FETCH(10)", tgt_scsi_prep_sync, tgt_scsi_exec_prefetch },
	{ 0x35, -1, 10, RD, PW, "SYNCHRONIZE CACHE(10)", tgt_scsi_prep_sync, tgt_scsi_exec_sync },
	{ 0x41, -1, 10, RD | MW | EX, PW, "WRITE SAME(10)", tgt_scsi_prep_write_same, tgt_scsi_exec_write_same },
	{ 0x42, -1, 10, RD | MW, PW, "UNMAP", tgt_scsi_prep_unmap, tgt_scsi_exec_unmap },
	{ 0x55, -1, 10, 0, PW, "MODE SELECT(10)", tgt_scsi_prep_mode_select, tgt_scsi_exec_mode_select },
	{ 0x56, -1, 10, 0, PO, "RESERVE(10)", NULL, tgt_scsi_exec_reserve },
	{ 0x57, -1, 10, S2, PO, "RELEASE(10)", NULL, tgt_scsi_exec_release },
	{ 0x5a, -1, 10, 0, PR, "MODE SENSE(10)", NULL, tgt_scsi_exec_mode_sense },
	{ 0x5e, 0x00, 10, 0, PA, "PERSISTENT RESERVE IN / READ KEYS", NULL, tgt_scsi_exec_pr_in },
	{ 0x5e, 0x01, 10, 0, PA, "PERSISTENT RESERVE IN / READ RESERVATION", NULL, tgt_scsi_exec_pr_in },
	{ 0x5e, 0x02, 10, 0, PA, "PERSISTENT RESERVE IN / REPORT CAPABILITIES", NULL, tgt_scsi_exec_pr_in },
	{ 0x5e, 0x03, 10, 0, PA, "PERSISTENT RESERVE IN / READ FULL STATUS", NULL, tgt_scsi_exec_pr_in },
	{ 0x5f, 0x00, 10, 0, PO, "PERSISTENT RESERVE OUT / REGISTER", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x5f, 0x01, 10, 0, PO, "PERSISTENT RESERVE OUT / RESERVE", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x5f, 0x02, 10, 0, PO, "PERSISTENT RESERVE OUT / RELEASE", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x5f, 0x03, 10, 0, PO, "PERSISTENT RESERVE OUT / CLEAR", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x5f, 0x04, 10, 0, PO, "PERSISTENT RESERVE OUT / PREEMPT", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x5f, 0x05, 10, 0, PO, "PERSISTENT RESERVE OUT / PREEMPT AND ABORT", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x5f, 0x06, 10, 0, PO, "PERSISTENT RESERVE OUT / REGISTER AND IGNORE EXISTING KEY", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x5f, 0x07, 10, 0, PO, "PERSISTENT RESERVE OUT / REGISTER AND MOVE", tgt_scsi_prep_pr_out, tgt_scsi_exec_pr_out },
	{ 0x83, 0x00, 16, RD, PW, "EXTENDED COPY(LID1)", tgt_scsi_prep_xcopy, tgt_scsi_exec_xcopy },
	{ 0x84, 0x00, 16, 0, PR, "RECEIVE COPY RESULTS / COPY STATUS", NULL, tgt_scsi_exec_receive_copy_results },
	{ 0x84, 0x03, 16, 0, PR, "RECEIVE COPY RESULTS / OPERATING PARAMETERS", NULL, tgt_scsi_exec_receive_copy_results },
	{ 0x88, -1, 16, RD, PR, "READ(16)", tgt_scsi_prep_read, tgt_scsi_exec_read },
	{ 0x89, -1, 16, RD | MW | EX, PW, "COMPARE AND WRITE", tgt_scsi_prep_caw, tgt_scsi_exec_caw },
	{ 0x8a, -1, 16, RD | MW | TR, PW, "WRITE(16)", tgt_scsi_prep_write, tgt_scsi_exec_write },
	{ 0x8b, -1, 16, RD | MW, PW, "ORWRITE(16)", tgt_scsi_prep_write, tgt_scsi_exec_orwrite },
	{ 0x8e, -1, 16, RD | MW | TR, PW, "WRITE AND VERIFY(16)", tgt_scsi_prep_write, tgt_scsi_exec_write_verify },
	{ 0x8f, -1, 16, RD, PR, "VERIFY(16)", tgt_scsi_prep_verify, tgt_scsi_exec_verify },
	{ 0x90, -1, 16, RD, PR, "PRE-FETCH(16)", tgt_scsi_prep_sync, tgt_scsi_exec_prefetch },
	{ 0x91, -1, 16, RD, PW, "SYNCHRONIZE CACHE(16)", tgt_scsi_prep_sync, tgt_scsi_exec_sync },
	{ 0x93, -1, 16, RD | MW | EX, PW, "WRITE SAME(16)", tgt_scsi_prep_write_same, tgt_scsi_exec_write_same },
	{ 0x9e, 0x10, 16, RD, PA, "READ CAPACITY(16)", NULL, tgt_scsi_exec_read_capacity16 },
	{ 0x9e, 0x12, 16, RD, PR, "GET LBA STATUS", NULL, tgt_scsi_exec_get_lba_status },
	{ 0xa0, -1, 12, NL | UX | S2, PA, "REPORT LUNS", NULL, tgt_scsi_exec_report_luns },
	{ 0xa3, 0x0c, 12, S2, PA, "REPORT SUPPORTED OPERATION CODES", NULL, tgt_scsi_exec_report_opcodes },
	{ 0xa3, 0x0d, 12, S2, PA, "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS", NULL, tgt_scsi_exec_report_tmfs },
	{ 0xa8, -1, 12, RD, PR, "READ(12)", tgt_scsi_prep_read, tgt_scsi_exec_read },
	{ 0xaa, -1, 12, RD | MW | TR, PW, "WRITE(12)", tgt_scsi_prep_write, tgt_scsi_exec_write },
	{ 0xae, -1, 12, RD | MW | TR, PW, "WRITE AND VERIFY(12)", tgt_scsi_prep_write, tgt_scsi_exec_write_verify },
	{ 0xaf, -1, 12, RD, PR, "VERIFY(12)", tgt_scsi_prep_verify, tgt_scsi_exec_verify },
};

/* first row of each opcode, or 0xff when unsupported */
static guint8 first_row[256];

static void build_index(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		G_STATIC_ASSERT(G_N_ELEMENTS(ops) < 0xff);
		memset(first_row, 0xff, sizeof first_row);
		for (gsize i = G_N_ELEMENTS(ops); i-- > 0;)
			first_row[ops[i].opcode] = (guint8) i;
		g_once_init_leave(&done, 1);
	}
}

const TgtScsiOp *tgt_scsi_op_find(guint8 opcode, guint8 sa, gboolean *sa_invalid)
{
	build_index();
	*sa_invalid = FALSE;
	guint8 i = first_row[opcode];

	if (i == 0xff)
		return NULL;
	if (ops[i].sa < 0)
		return &ops[i];
	for (gsize j = i; j < G_N_ELEMENTS(ops) && ops[j].opcode == opcode; j++)
		if (ops[j].sa == sa)
			return &ops[j];
	*sa_invalid = TRUE;
	return NULL;
}

gboolean tgt_scsi_op_has_sa(guint8 opcode)
{
	build_index();
	return first_row[opcode] != 0xff && ops[first_row[opcode]].sa >= 0;
}

const TgtScsiOp *tgt_scsi_op_at(gsize i)
{
	return i < G_N_ELEMENTS(ops) ? &ops[i] : NULL;
}
