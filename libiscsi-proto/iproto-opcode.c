/* The opcode table (RFC 7143 sec. 11.2.1.2). */
#include "config.h"
#include "iproto-opcode.h"
#include "iproto-pdu.h"

#define I IPROTO_SENDER_INITIATOR
#define T IPROTO_SENDER_TARGET

/* Data segment rules come from each PDU's section: Task Management,
 * Logout, SNACK and R2T have none (sec. 11.5, 11.6, 11.14-11.16, 11.8);
 * a SCSI Response carries sense or response data (sec. 11.4.7); a Reject
 * carries the header of the rejected PDU (sec. 11.17.3); Async Message
 * carries sense data and iSCSI event data (sec. 11.9.4). */
static const IProtoOpcodeInfo opcode_table[] = {
	{ IPROTO_OP_NOP_OUT,    "NOP-Out",                  I, IPROTO_DATA_ANY,    true,  false },
	{ IPROTO_OP_SCSI_CMD,   "SCSI Command",             I, IPROTO_DATA_ANY,    true,  true },
	{ IPROTO_OP_TMF_REQ,    "Task Management Request",  I, IPROTO_DATA_NONE,   true,  false },
	{ IPROTO_OP_LOGIN_REQ,  "Login Request",            I, IPROTO_DATA_ANY,    true,  false },
	{ IPROTO_OP_TEXT_REQ,   "Text Request",             I, IPROTO_DATA_ANY,    true,  false },
	{ IPROTO_OP_DATA_OUT,   "SCSI Data-Out",            I, IPROTO_DATA_ANY,    false, false },
	{ IPROTO_OP_LOGOUT_REQ, "Logout Request",           I, IPROTO_DATA_NONE,   true,  false },
	{ IPROTO_OP_SNACK_REQ,  "SNACK Request",            I, IPROTO_DATA_NONE,   false, false },
	{ IPROTO_OP_NOP_IN,     "NOP-In",                   T, IPROTO_DATA_ANY,    false, false },
	{ IPROTO_OP_SCSI_RSP,   "SCSI Response",            T, IPROTO_DATA_SENSE,  false, false },
	{ IPROTO_OP_TMF_RSP,    "Task Management Response", T, IPROTO_DATA_NONE,   false, false },
	{ IPROTO_OP_LOGIN_RSP,  "Login Response",           T, IPROTO_DATA_ANY,    false, false },
	{ IPROTO_OP_TEXT_RSP,   "Text Response",            T, IPROTO_DATA_ANY,    false, false },
	{ IPROTO_OP_DATA_IN,    "SCSI Data-In",             T, IPROTO_DATA_ANY,    false, false },
	{ IPROTO_OP_LOGOUT_RSP, "Logout Response",          T, IPROTO_DATA_NONE,   false, false },
	{ IPROTO_OP_R2T,        "Ready To Transfer",        T, IPROTO_DATA_NONE,   false, false },
	{ IPROTO_OP_ASYNC_MSG,  "Asynchronous Message",     T, IPROTO_DATA_ANY,    false, false },
	{ IPROTO_OP_REJECT,     "Reject",                   T, IPROTO_DATA_HEADER, false, false },
};

/* Opcodes are 6 bits: a 64-entry index built once keeps lookup O(1). */
static const IProtoOpcodeInfo *opcode_index[64];

static void build_index(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(opcode_table); i++)
		opcode_index[opcode_table[i].opcode] = &opcode_table[i];
}

const IProtoOpcodeInfo *iproto_opcode_info(uint8_t opcode)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		build_index();
		g_once_init_leave(&once, 1);
	}
	return opcode < 64 ? opcode_index[opcode] : NULL;
}

const char *iproto_opcode_name(uint8_t opcode)
{
	const IProtoOpcodeInfo *info = iproto_opcode_info(opcode);
	return info ? info->name : "Unknown";
}
