/* IPROTO_ERROR: the one GError domain of libiscsi-proto.
 *
 * Shared by the three owners of this library (PDU codec, text keys + CHAP,
 * SCSI helpers).  The enum is APPEND-ONLY: add new codes at the end of your
 * block or at the very end, never renumber, so codes stay stable for the
 * daemons that map them to login status or Reject reasons. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

#define IPROTO_ERROR (iproto_error_quark())
GQuark iproto_error_quark(void);

typedef enum {
	/* generic */
	IPROTO_ERROR_FAILED = 0,        /* anything without a better code */
	IPROTO_ERROR_INVALID_ARGUMENT,  /* caller passed a bad value */

	/* PDU codec and receive parser (RFC 7143 sec. 11) */
	IPROTO_ERROR_PDU_FORMAT,        /* malformed BHS/AHS: Reject reason 0x04 (protocol error) or 0x09 (invalid PDU field) */
	IPROTO_ERROR_PDU_OPCODE,        /* unknown/unsupported opcode: Reject 0x05 (command not supported) */
	IPROTO_ERROR_PDU_TOO_LONG,      /* DataSegmentLength above MaxRecvDataSegmentLength or AHS above limit */
	IPROTO_ERROR_HEADER_DIGEST,     /* header digest mismatch: the connection must be dropped (sec. 7.8) */
	IPROTO_ERROR_DATA_DIGEST,       /* data digest mismatch: Reject 0x02 and continue (sec. 7.8, 11.17) */
	IPROTO_ERROR_TRUNCATED,         /* input ended in the middle of a PDU */
	IPROTO_ERROR_NO_SPACE,          /* iovec array or buffer capacity exhausted while building */

	/* text keys and negotiation (RFC 7143 sec. 6, 12, 13) */
	IPROTO_ERROR_TEXT_FORMAT = 100,
	IPROTO_ERROR_TEXT_TOO_LONG,
	IPROTO_ERROR_KEY_DUPLICATE,
	IPROTO_ERROR_KEY_UNKNOWN,
	IPROTO_ERROR_KEY_VALUE,
	IPROTO_ERROR_NEGOTIATION,
	IPROTO_ERROR_KEY_MISSING,        /* a required key is absent: login status 0x0207 */

	/* CHAP (RFC 7143 sec. 12.1.3, RFC 1994) */
	IPROTO_ERROR_AUTH = 200,
	IPROTO_ERROR_AUTH_ALGORITHM,

	/* SCSI sense / CDB helpers */
	IPROTO_ERROR_SENSE_FORMAT = 300,
	IPROTO_ERROR_CDB_FORMAT,
} IProtoError;

G_END_DECLS
