/* iSCSI PDU layout and codec (RFC 7143 sec. 11).
 *
 * A PDU on the wire is: Basic Header Segment (48 bytes), optional Additional
 * Header Segments (TotalAHSLength 4-byte words), optional header digest,
 * optional data segment padded to 4 bytes, optional data digest (sec. 11.1).
 *
 * IProtoPdu is the decoded header: the opcode plus one member of a union per
 * PDU type, with the RFC's field names.  iproto_pdu_decode() and
 * iproto_pdu_encode() move between it and bytes with explicit byte functions.
 * Reserved fields are written as zero and ignored on receipt (sec. 11).
 *
 * For sending, see iproto-iov.h (iovec assembly, one sendmsg per PDU train);
 * for receiving, see iproto-recv.h (incremental parser with zero-copy data). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define IPROTO_BHS_LEN 48u
/* TotalAHSLength is one byte counting 4-byte words (sec. 11.2.1.2). */
#define IPROTO_AHS_MAX_LEN (255u * 4u)
/* DataSegmentLength is 24 bits (sec. 11.2.1.3); MaxRecvDataSegmentLength
 * ranges 512..2^24-1 (sec. 13.12). */
#define IPROTO_DATA_MAX_LEN 0xffffffu
#define IPROTO_DIGEST_LEN 4u
/* SCSI allows CDBs up to 260 bytes; 16 live in the BHS, the rest in an
 * Extended CDB AHS (sec. 11.3.5, 11.2.2.3). */
#define IPROTO_CDB_BHS_LEN 16u
#define IPROTO_CDB_MAX_LEN 260u
/* Tags with this value are reserved (sec. 11.2.1.8 and per-PDU text). */
#define IPROTO_RESERVED_TAG 0xffffffffu

/* Opcodes (sec. 11.2.1.2).  Initiator opcodes 0x00-0x1f, target 0x20-0x3f. */
typedef enum {
	IPROTO_OP_NOP_OUT = 0x00,
	IPROTO_OP_SCSI_CMD = 0x01,
	IPROTO_OP_TMF_REQ = 0x02,
	IPROTO_OP_LOGIN_REQ = 0x03,
	IPROTO_OP_TEXT_REQ = 0x04,
	IPROTO_OP_DATA_OUT = 0x05,
	IPROTO_OP_LOGOUT_REQ = 0x06,
	IPROTO_OP_SNACK_REQ = 0x10,
	IPROTO_OP_NOP_IN = 0x20,
	IPROTO_OP_SCSI_RSP = 0x21,
	IPROTO_OP_TMF_RSP = 0x22,
	IPROTO_OP_LOGIN_RSP = 0x23,
	IPROTO_OP_TEXT_RSP = 0x24,
	IPROTO_OP_DATA_IN = 0x25,
	IPROTO_OP_LOGOUT_RSP = 0x26,
	IPROTO_OP_R2T = 0x31,
	IPROTO_OP_ASYNC_MSG = 0x32,
	IPROTO_OP_REJECT = 0x3f,
} IProtoOpcode;

/* AHS types (sec. 11.2.2.2). */
enum {
	IPROTO_AHS_EXTENDED_CDB = 1,
	IPROTO_AHS_BIDI_READ_LEN = 2,
};

/* SCSI task attributes (sec. 11.3.1). */
enum {
	IPROTO_ATTR_UNTAGGED = 0,
	IPROTO_ATTR_SIMPLE = 1,
	IPROTO_ATTR_ORDERED = 2,
	IPROTO_ATTR_HEAD_OF_QUEUE = 3,
	IPROTO_ATTR_ACA = 4,
};

/* SCSI Response "Response" field (sec. 11.4.3). */
enum {
	IPROTO_RSP_COMPLETED = 0x00,
	IPROTO_RSP_TARGET_FAILURE = 0x01,
};

/* Task management functions (sec. 11.5.1) and responses (sec. 11.6.1). */
enum {
	IPROTO_TMF_ABORT_TASK = 1,
	IPROTO_TMF_ABORT_TASK_SET = 2,
	IPROTO_TMF_CLEAR_ACA = 3,
	IPROTO_TMF_CLEAR_TASK_SET = 4,
	IPROTO_TMF_LOGICAL_UNIT_RESET = 5,
	IPROTO_TMF_TARGET_WARM_RESET = 6,
	IPROTO_TMF_TARGET_COLD_RESET = 7,
	IPROTO_TMF_TASK_REASSIGN = 8,
};
enum {
	IPROTO_TMF_RSP_COMPLETE = 0,
	IPROTO_TMF_RSP_NO_TASK = 1,
	IPROTO_TMF_RSP_NO_LUN = 2,
	IPROTO_TMF_RSP_TASK_ALLEGIANT = 3,
	IPROTO_TMF_RSP_NO_REASSIGN = 4,
	IPROTO_TMF_RSP_NOT_SUPPORTED = 5,
	IPROTO_TMF_RSP_AUTH_FAILED = 6,
	IPROTO_TMF_RSP_REJECTED = 255,
};

/* Logout reasons (sec. 11.14.1) and responses (sec. 11.15.1). */
enum {
	IPROTO_LOGOUT_CLOSE_SESSION = 0,
	IPROTO_LOGOUT_CLOSE_CONNECTION = 1,
	IPROTO_LOGOUT_REMOVE_FOR_RECOVERY = 2,
};
enum {
	IPROTO_LOGOUT_RSP_OK = 0,
	IPROTO_LOGOUT_RSP_CID_NOT_FOUND = 1,
	IPROTO_LOGOUT_RSP_RECOVERY_UNSUPPORTED = 2,
	IPROTO_LOGOUT_RSP_CLEANUP_FAILED = 3,
};

/* SNACK types (sec. 11.16.1). */
enum {
	IPROTO_SNACK_DATA_R2T = 0,
	IPROTO_SNACK_STATUS = 1,
	IPROTO_SNACK_DATA_ACK = 2,
	IPROTO_SNACK_RDATA = 3,
};

/* Async events (sec. 11.9.1). */
enum {
	IPROTO_ASYNC_SCSI_EVENT = 0,
	IPROTO_ASYNC_LOGOUT_REQUEST = 1,
	IPROTO_ASYNC_DROP_CONNECTION = 2,
	IPROTO_ASYNC_DROP_ALL_CONNECTIONS = 3,
	IPROTO_ASYNC_NEGOTIATION_REQUEST = 4,
	IPROTO_ASYNC_TASK_TERMINATION = 5,
	IPROTO_ASYNC_VENDOR = 255,
};

/* Reject reasons (sec. 11.17.1). */
enum {
	IPROTO_REJECT_DATA_DIGEST = 0x02,
	IPROTO_REJECT_SNACK = 0x03,
	IPROTO_REJECT_PROTOCOL_ERROR = 0x04,
	IPROTO_REJECT_COMMAND_NOT_SUPPORTED = 0x05,
	IPROTO_REJECT_IMMEDIATE_REJECTED = 0x06,
	IPROTO_REJECT_TASK_IN_PROGRESS = 0x07,
	IPROTO_REJECT_INVALID_DATA_ACK = 0x08,
	IPROTO_REJECT_INVALID_PDU_FIELD = 0x09,
	IPROTO_REJECT_OUT_OF_RESOURCES = 0x0a,
	IPROTO_REJECT_NEGOTIATION_RESET = 0x0b,
	IPROTO_REJECT_WAITING_FOR_LOGOUT = 0x0c,
};

/* Per-opcode fields.  Sequence numbers keep the RFC names. */

typedef struct { /* sec. 11.18 */
	uint64_t lun;
	uint32_t ttt, cmdsn, expstatsn;
} IProtoNopOut;

typedef struct { /* sec. 11.19 */
	uint64_t lun;
	uint32_t ttt, statsn, expcmdsn, maxcmdsn;
} IProtoNopIn;

typedef struct { /* sec. 11.3 */
	bool final, read, write;
	uint8_t attr;            /* IPROTO_ATTR_* */
	uint64_t lun;
	uint32_t edtl;           /* Expected Data Transfer Length */
	uint32_t cmdsn, expstatsn;
	uint8_t cdb[IPROTO_CDB_BHS_LEN];
	/* AHS (sec. 11.2.2): CDB bytes 16.. of a long CDB.  Decoding points
	 * into the header bytes given to iproto_pdu_decode(); encoding reads
	 * them from the caller.  cdb_len is the whole CDB length: 16 when
	 * there is no Extended CDB AHS. */
	uint16_t cdb_len;
	const uint8_t *ext_cdb;  /* cdb_len - 16 bytes, or NULL */
	bool has_bidi_read_len;
	uint32_t bidi_read_len;  /* Bidirectional Read EDTL (AHS type 2) */
} IProtoScsiCmd;

typedef struct { /* sec. 11.4 */
	bool bidi_overflow, bidi_underflow;  /* o, u */
	bool overflow, underflow;            /* O, U */
	uint8_t response;        /* IPROTO_RSP_* */
	uint8_t status;          /* SCSI status byte */
	uint32_t snack_tag, statsn, expcmdsn, maxcmdsn, expdatasn;
	uint32_t bidi_residual, residual;
} IProtoScsiRsp;

typedef struct { /* sec. 11.5 */
	uint8_t function;        /* IPROTO_TMF_* */
	uint64_t lun;
	uint32_t rtt, cmdsn, expstatsn, refcmdsn, expdatasn;
} IProtoTmfReq;

typedef struct { /* sec. 11.6 */
	uint8_t response;        /* IPROTO_TMF_RSP_* */
	uint32_t statsn, expcmdsn, maxcmdsn;
} IProtoTmfRsp;

typedef struct { /* sec. 11.7 */
	bool final;
	uint64_t lun;
	uint32_t ttt, expstatsn, datasn, buffer_offset;
} IProtoDataOut;

typedef struct { /* sec. 11.7 */
	bool final, ack, overflow, underflow, has_status; /* F, A, O, U, S */
	uint8_t status;          /* valid when has_status */
	uint64_t lun;
	uint32_t ttt, statsn, expcmdsn, maxcmdsn, datasn, buffer_offset, residual;
} IProtoDataIn;

typedef struct { /* sec. 11.8 */
	uint64_t lun;
	uint32_t ttt, statsn, expcmdsn, maxcmdsn, r2tsn, buffer_offset, desired_len;
} IProtoR2T;

typedef struct { /* sec. 11.9 */
	uint64_t lun;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint8_t event, vcode;    /* IPROTO_ASYNC_* */
	uint16_t param1, param2, param3;
} IProtoAsyncMsg;

typedef struct { /* sec. 11.10 */
	bool final, cont;        /* F, C */
	uint64_t lun;
	uint32_t ttt, cmdsn, expstatsn;
} IProtoTextReq;

typedef struct { /* sec. 11.11 */
	bool final, cont;
	uint64_t lun;
	uint32_t ttt, statsn, expcmdsn, maxcmdsn;
} IProtoTextRsp;

typedef struct { /* sec. 11.12 */
	bool transit, cont;      /* T, C */
	uint8_t csg, nsg;        /* IProtoLoginStage, see iproto-login.h */
	uint8_t version_max, version_min;
	uint8_t isid[6];
	uint16_t tsih, cid;
	uint32_t cmdsn, expstatsn;
} IProtoLoginReq;

typedef struct { /* sec. 11.13 */
	bool transit, cont;
	uint8_t csg, nsg;
	uint8_t version_max, version_active;
	uint8_t isid[6];
	uint16_t tsih;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint8_t status_class, status_detail;
} IProtoLoginRsp;

typedef struct { /* sec. 11.14 */
	uint8_t reason;          /* IPROTO_LOGOUT_* */
	uint16_t cid;
	uint32_t cmdsn, expstatsn;
} IProtoLogoutReq;

typedef struct { /* sec. 11.15 */
	uint8_t response;        /* IPROTO_LOGOUT_RSP_* */
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint16_t time2wait, time2retain;
} IProtoLogoutRsp;

typedef struct { /* sec. 11.16 */
	uint8_t type;            /* IPROTO_SNACK_* */
	uint64_t lun;
	uint32_t ttt, expstatsn, begrun, runlength;
} IProtoSnackReq;

typedef struct { /* sec. 11.17 */
	uint8_t reason;          /* IPROTO_REJECT_* */
	uint32_t statsn, expcmdsn, maxcmdsn, datasn_r2tsn;
} IProtoReject;

/* A decoded BHS (+ AHS).  data_len is DataSegmentLength without padding.
 * total_ahs_len is in bytes (a multiple of 4), computed by the encoder. */
typedef struct {
	uint8_t opcode;          /* IProtoOpcode */
	bool immediate;          /* I bit: initiator PDUs only (sec. 11.2.1.1) */
	uint16_t total_ahs_len;
	uint32_t data_len;
	uint32_t itt;            /* Initiator Task Tag; 0xffffffff where reserved */
	union {
		IProtoNopOut nop_out;
		IProtoNopIn nop_in;
		IProtoScsiCmd scsi_cmd;
		IProtoScsiRsp scsi_rsp;
		IProtoTmfReq tmf_req;
		IProtoTmfRsp tmf_rsp;
		IProtoDataOut data_out;
		IProtoDataIn data_in;
		IProtoR2T r2t;
		IProtoAsyncMsg async;
		IProtoTextReq text_req;
		IProtoTextRsp text_rsp;
		IProtoLoginReq login_req;
		IProtoLoginRsp login_rsp;
		IProtoLogoutReq logout_req;
		IProtoLogoutRsp logout_rsp;
		IProtoSnackReq snack;
		IProtoReject reject;
	} u;
} IProtoPdu;

/* Zero a PDU and set its opcode (and the fields the RFC fixes for it: ITT
 * 0xffffffff for Async/Reject, I=1 for Login, cdb_len 16 for SCSI). */
void iproto_pdu_init(IProtoPdu *pdu, IProtoOpcode opcode);

/* Bytes needed to encode pdu's BHS + AHS (no digest). */
size_t iproto_pdu_header_len(const IProtoPdu *pdu);

/* Encode BHS + AHS into buf (cap bytes) using pdu->data_len.  Returns the
 * number of bytes written (48 + AHS), or 0 with IPROTO_ERROR_INVALID_ARGUMENT
 * if the PDU cannot be encoded (unknown opcode, cdb_len out of range,
 * data_len over 24 bits, buffer too small). */
size_t iproto_pdu_encode(const IProtoPdu *pdu, uint8_t *buf, size_t cap, GError **error);

/* Length in bytes of the AHS announced by a BHS (TotalAHSLength * 4). */
size_t iproto_bhs_ahs_len(const uint8_t bhs[IPROTO_BHS_LEN]);
/* DataSegmentLength announced by a BHS (without padding). */
uint32_t iproto_bhs_data_len(const uint8_t bhs[IPROTO_BHS_LEN]);

/* Decode BHS + AHS (hdr_len must be 48 + TotalAHSLength*4).  Checks the
 * opcode (IPROTO_ERROR_PDU_OPCODE), the AHS structure, the flag
 * combinations the RFC forbids and the opcode's data segment rule
 * (IPROTO_ERROR_PDU_FORMAT).  pdu->u.scsi_cmd.ext_cdb points into hdr. */
gboolean iproto_pdu_decode(IProtoPdu *pdu, const uint8_t *hdr, size_t hdr_len, GError **error);

/* Copy the whole CDB (BHS part + Extended CDB AHS) of a SCSI Command into
 * out; returns its length (16..260). */
size_t iproto_scsi_cmd_cdb(const IProtoScsiCmd *cmd, uint8_t out[IPROTO_CDB_MAX_LEN]);

/* Padding after a data segment of len bytes (sec. 11.1). */
static inline uint32_t iproto_pad_len(uint32_t len)
{
	return (4u - (len & 3u)) & 3u;
}

/* LUN field encoding (SAM-5 single level, flat space addressing for LUNs
 * 256..16383, peripheral device addressing below 256; RFC 7143 sec. 11.2.1.4). */
uint64_t iproto_lun_encode(uint16_t lun);
/* Returns the LUN number of a single level peripheral/flat LUN field, or -1
 * for any other addressing method. */
int iproto_lun_decode(uint64_t field);

G_END_DECLS
