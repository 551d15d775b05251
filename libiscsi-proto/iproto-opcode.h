/* The opcode table of RFC 7143 sec. 11.2.1.2: name, who sends it, and what
 * its data segment may hold.  Decoding, the receive parser and the analyzer
 * all consult this one table. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	IPROTO_SENDER_INITIATOR = 1,
	IPROTO_SENDER_TARGET = 2,
} IProtoSender;

typedef enum {
	IPROTO_DATA_NONE,    /* DataSegmentLength must be 0 */
	IPROTO_DATA_ANY,     /* payload up to MaxRecvDataSegmentLength */
	IPROTO_DATA_SENSE,   /* SCSI Response: SenseLength + sense + response data (sec. 11.4.7) */
	IPROTO_DATA_HEADER,  /* Reject: the rejected PDU's header, at least 48 bytes (sec. 11.17) */
} IProtoDataRule;

typedef struct {
	uint8_t opcode;
	const char *name;     /* RFC name, e.g. "SCSI Command" */
	IProtoSender sender;
	IProtoDataRule data;
	bool may_be_immediate; /* the I bit is meaningful (initiator opcodes, sec. 11.2.1.1) */
	bool allows_ahs;      /* only SCSI Command carries defined AHS types */
} IProtoOpcodeInfo;

/* NULL for an opcode the RFC does not define (including vendor-specific
 * 0x1c-0x1e and 0x3c-0x3e, which we do not implement). */
const IProtoOpcodeInfo *iproto_opcode_info(uint8_t opcode);
/* The RFC name, or "Unknown" for undefined opcodes; never NULL. */
const char *iproto_opcode_name(uint8_t opcode);

G_END_DECLS
