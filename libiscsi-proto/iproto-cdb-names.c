/* SCSI operation code names: one row per opcode of iproto-cdb.h
 * (SPC-4 annex D.3.1, SBC-3 table 16). */
#include "config.h"
#include "libiscsi-proto/iproto-cdb-names.h"
#include "libiscsi-proto/iproto-cdb.h"

typedef struct {
	uint8_t opcode;
	const char *name;
	gboolean block;   /* LBA + TRANSFER LENGTH in the SBC-3 layout */
} CdbName;

static const CdbName names[] = {
	{ IPROTO_OP_TEST_UNIT_READY, "TEST UNIT READY", FALSE },
	{ IPROTO_OP_REQUEST_SENSE, "REQUEST SENSE", FALSE },
	{ IPROTO_OP_READ6, "READ(6)", TRUE },
	{ IPROTO_OP_WRITE6, "WRITE(6)", TRUE },
	{ IPROTO_OP_INQUIRY, "INQUIRY", FALSE },
	{ IPROTO_OP_MODE_SELECT6, "MODE SELECT(6)", FALSE },
	{ IPROTO_OP_RESERVE6, "RESERVE(6)", FALSE },
	{ IPROTO_OP_RELEASE6, "RELEASE(6)", FALSE },
	{ IPROTO_OP_MODE_SENSE6, "MODE SENSE(6)", FALSE },
	{ IPROTO_OP_START_STOP_UNIT, "START STOP UNIT", FALSE },
	{ IPROTO_OP_PREVENT_ALLOW, "PREVENT ALLOW MEDIUM REMOVAL", FALSE },
	{ IPROTO_OP_READ_CAPACITY10, "READ CAPACITY(10)", FALSE },
	{ IPROTO_OP_READ10, "READ(10)", TRUE },
	{ IPROTO_OP_WRITE10, "WRITE(10)", TRUE },
	{ IPROTO_OP_WRITE_VERIFY10, "WRITE AND VERIFY(10)", TRUE },
	{ IPROTO_OP_VERIFY10, "VERIFY(10)", TRUE },
	{ IPROTO_OP_PREFETCH10, "PRE-FETCH(10)", TRUE },
	{ IPROTO_OP_SYNCHRONIZE_CACHE10, "SYNCHRONIZE CACHE(10)", TRUE },
	{ IPROTO_OP_WRITE_SAME10, "WRITE SAME(10)", TRUE },
	{ IPROTO_OP_UNMAP, "UNMAP", FALSE },
	{ IPROTO_OP_MODE_SELECT10, "MODE SELECT(10)", FALSE },
	{ IPROTO_OP_RESERVE10, "RESERVE(10)", FALSE },
	{ IPROTO_OP_RELEASE10, "RELEASE(10)", FALSE },
	{ IPROTO_OP_MODE_SENSE10, "MODE SENSE(10)", FALSE },
	{ IPROTO_OP_PERSISTENT_RESERVE_IN, "PERSISTENT RESERVE IN", FALSE },
	{ IPROTO_OP_PERSISTENT_RESERVE_OUT, "PERSISTENT RESERVE OUT", FALSE },
	{ IPROTO_OP_EXTENDED_COPY, "EXTENDED COPY", FALSE },
	{ IPROTO_OP_RECEIVE_COPY_RESULTS, "RECEIVE COPY RESULTS", FALSE },
	{ IPROTO_OP_READ16, "READ(16)", TRUE },
	{ IPROTO_OP_COMPARE_AND_WRITE, "COMPARE AND WRITE", TRUE },
	{ IPROTO_OP_WRITE16, "WRITE(16)", TRUE },
	{ IPROTO_OP_ORWRITE16, "ORWRITE(16)", TRUE },
	{ IPROTO_OP_WRITE_VERIFY16, "WRITE AND VERIFY(16)", TRUE },
	{ IPROTO_OP_VERIFY16, "VERIFY(16)", TRUE },
	{ IPROTO_OP_PREFETCH16, "PRE-FETCH(16)", TRUE },
	{ IPROTO_OP_SYNCHRONIZE_CACHE16, "SYNCHRONIZE CACHE(16)", TRUE },
	{ IPROTO_OP_WRITE_SAME16, "WRITE SAME(16)", TRUE },
	{ IPROTO_OP_SERVICE_ACTION_IN16, "SERVICE ACTION IN(16)", FALSE },
	{ IPROTO_OP_REPORT_LUNS, "REPORT LUNS", FALSE },
	{ IPROTO_OP_MAINTENANCE_IN, "MAINTENANCE IN", FALSE },
	{ IPROTO_OP_READ12, "READ(12)", TRUE },
	{ IPROTO_OP_WRITE12, "WRITE(12)", TRUE },
	{ IPROTO_OP_WRITE_VERIFY12, "WRITE AND VERIFY(12)", TRUE },
	{ IPROTO_OP_VERIFY12, "VERIFY(12)", TRUE },
};

static const CdbName *lookup(uint8_t opcode)
{
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (names[i].opcode == opcode)
			return &names[i];
	return NULL;
}

const char *iproto_cdb_name(const uint8_t *cdb, size_t len)
{
	const CdbName *n;

	if (len < 1)
		return NULL;
	/* 9Eh and A3h are families told apart by SERVICE ACTION (SBC-3
	 * 5.16, SPC-4 6.35/6.36). */
	if (len >= 2 && cdb[0] == IPROTO_OP_SERVICE_ACTION_IN16) {
		switch (iproto_cdb_service_action(cdb)) {
		case IPROTO_SA_READ_CAPACITY16: return "READ CAPACITY(16)";
		case IPROTO_SA_GET_LBA_STATUS: return "GET LBA STATUS";
		}
	}
	if (len >= 2 && cdb[0] == IPROTO_OP_MAINTENANCE_IN) {
		switch (iproto_cdb_service_action(cdb)) {
		case IPROTO_SA_REPORT_SUPPORTED_OPCODES: return "REPORT SUPPORTED OPERATION CODES";
		case IPROTO_SA_REPORT_SUPPORTED_TMFS: return "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS";
		}
	}
	n = lookup(cdb[0]);
	return n ? n->name : NULL;
}

gboolean iproto_cdb_is_block_transfer(uint8_t opcode)
{
	const CdbName *n = lookup(opcode);

	return n && n->block;
}
