/* SCSI sense data (SPC-4 sec. 4.5): building fixed (response codes 70h/71h)
 * and descriptor (72h/73h) format sense for the target, parsing either for
 * the initiator, and the names of sense keys and additional sense codes. */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <stddef.h>

G_BEGIN_DECLS

/* SPC-4 table 45: sense keys. */
enum {
	IPROTO_SENSE_NO_SENSE = 0x0,
	IPROTO_SENSE_RECOVERED_ERROR = 0x1,
	IPROTO_SENSE_NOT_READY = 0x2,
	IPROTO_SENSE_MEDIUM_ERROR = 0x3,
	IPROTO_SENSE_HARDWARE_ERROR = 0x4,
	IPROTO_SENSE_ILLEGAL_REQUEST = 0x5,
	IPROTO_SENSE_UNIT_ATTENTION = 0x6,
	IPROTO_SENSE_DATA_PROTECT = 0x7,
	IPROTO_SENSE_BLANK_CHECK = 0x8,
	IPROTO_SENSE_VENDOR_SPECIFIC = 0x9,
	IPROTO_SENSE_COPY_ABORTED = 0xa,
	IPROTO_SENSE_ABORTED_COMMAND = 0xb,
	IPROTO_SENSE_VOLUME_OVERFLOW = 0xd,
	IPROTO_SENSE_MISCOMPARE = 0xe,
	IPROTO_SENSE_COMPLETED = 0xf,
};

/* Additional sense code and qualifier as one 16-bit value, ASC << 8 | ASCQ
 * (SPC-4 table 47).  Only the ones itnexus produces or commonly meets. */
#define IPROTO_ASC(asc, ascq) ((uint16_t) ((asc) << 8 | (ascq)))
enum {
	IPROTO_ASC_NO_ADDITIONAL_SENSE = IPROTO_ASC(0x00, 0x00),
	IPROTO_ASC_LU_NOT_READY_CAUSE_NOT_REPORTABLE = IPROTO_ASC(0x04, 0x00),
	IPROTO_ASC_LU_NOT_READY_MANUAL_INTERVENTION = IPROTO_ASC(0x04, 0x03),
	IPROTO_ASC_WRITE_ERROR = IPROTO_ASC(0x0c, 0x00),
	IPROTO_ASC_INVALID_FIELD_IN_IU = IPROTO_ASC(0x0e, 0x03),
	IPROTO_ASC_UNRECOVERED_READ_ERROR = IPROTO_ASC(0x11, 0x00),
	IPROTO_ASC_MISCOMPARE_DURING_VERIFY = IPROTO_ASC(0x1d, 0x00),
	IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR = IPROTO_ASC(0x1a, 0x00),
	IPROTO_ASC_INVALID_OPCODE = IPROTO_ASC(0x20, 0x00),
	IPROTO_ASC_LBA_OUT_OF_RANGE = IPROTO_ASC(0x21, 0x00),
	IPROTO_ASC_INVALID_FIELD_IN_CDB = IPROTO_ASC(0x24, 0x00),
	IPROTO_ASC_LU_NOT_SUPPORTED = IPROTO_ASC(0x25, 0x00),
	IPROTO_ASC_INVALID_FIELD_IN_PARAMETER_LIST = IPROTO_ASC(0x26, 0x00),
	IPROTO_ASC_TOO_MANY_TARGET_DESCRIPTORS = IPROTO_ASC(0x26, 0x06),
	IPROTO_ASC_UNSUPPORTED_TARGET_DESCRIPTOR_TYPE = IPROTO_ASC(0x26, 0x07),
	IPROTO_ASC_TOO_MANY_SEGMENT_DESCRIPTORS = IPROTO_ASC(0x26, 0x08),
	IPROTO_ASC_UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE = IPROTO_ASC(0x26, 0x09),
	IPROTO_ASC_WRITE_PROTECTED = IPROTO_ASC(0x27, 0x00),
	IPROTO_ASC_POWER_ON_RESET = IPROTO_ASC(0x29, 0x00),
	IPROTO_ASC_POWER_ON_OCCURRED = IPROTO_ASC(0x29, 0x01),
	IPROTO_ASC_BUS_RESET = IPROTO_ASC(0x29, 0x02),
	IPROTO_ASC_BUS_DEVICE_RESET = IPROTO_ASC(0x29, 0x03),
	IPROTO_ASC_I_T_NEXUS_LOSS = IPROTO_ASC(0x29, 0x07),
	IPROTO_ASC_PARAMETERS_CHANGED = IPROTO_ASC(0x2a, 0x00),
	IPROTO_ASC_MODE_PARAMETERS_CHANGED = IPROTO_ASC(0x2a, 0x01),
	IPROTO_ASC_RESERVATIONS_PREEMPTED = IPROTO_ASC(0x2a, 0x03),
	IPROTO_ASC_RESERVATIONS_RELEASED = IPROTO_ASC(0x2a, 0x04),
	IPROTO_ASC_REGISTRATIONS_PREEMPTED = IPROTO_ASC(0x2a, 0x05),
	IPROTO_ASC_CAPACITY_DATA_CHANGED = IPROTO_ASC(0x2a, 0x09),
	IPROTO_ASC_COMMANDS_CLEARED_BY_ANOTHER_INITIATOR = IPROTO_ASC(0x2f, 0x00),
	IPROTO_ASC_SAVING_PARAMETERS_NOT_SUPPORTED = IPROTO_ASC(0x39, 0x00),
	IPROTO_ASC_MEDIUM_NOT_PRESENT = IPROTO_ASC(0x3a, 0x00),
	IPROTO_ASC_REPORTED_LUNS_DATA_CHANGED = IPROTO_ASC(0x3f, 0x0e),
	IPROTO_ASC_INTERNAL_TARGET_FAILURE = IPROTO_ASC(0x44, 0x00),
	IPROTO_ASC_INVALID_MESSAGE_ERROR = IPROTO_ASC(0x49, 0x00),
	IPROTO_ASC_MEDIUM_REMOVAL_PREVENTED = IPROTO_ASC(0x53, 0x02),
	IPROTO_ASC_INSUFFICIENT_REGISTRATION_RESOURCES = IPROTO_ASC(0x55, 0x04),
};

/* One sense report, independent of its wire format. */
typedef struct {
	uint8_t key;                /* IPROTO_SENSE_* */
	uint16_t asc;               /* IPROTO_ASC(asc, ascq) */
	gboolean deferred;          /* response code 71h/73h */
	gboolean info_valid;        /* INFORMATION field present */
	uint64_t info;              /* e.g. LBA in error, miscompare offset */
	gboolean sks_valid;         /* sense-key specific field present (SKSV) */
	uint8_t sks[3];             /* its three bytes, SKSV bit included */
} IProtoSense;

/* Longest sense this module builds. */
#define IPROTO_SENSE_BUILD_MAX 32

/* Fills `s` with key/asc and no other field. */
void iproto_sense_set(IProtoSense *s, uint8_t key, uint16_t asc);
/* Sense-key specific field pointer (SPC-4 4.5.2.4.2) for ILLEGAL REQUEST:
 * in_cdb TRUE for a CDB field (C/D=1), FALSE for the parameter list; bit is
 * 0..7, or -1 when no bit pointer (BPV=0). */
void iproto_sense_set_field_pointer(IProtoSense *s, gboolean in_cdb, uint16_t byte, int bit);
/* Progress indication (SPC-4 4.5.2.4.4), 0..65535 of 65536. */
void iproto_sense_set_progress(IProtoSense *s, uint16_t progress);
void iproto_sense_set_info(IProtoSense *s, uint64_t info);

/* Writes the sense data into buf (at least IPROTO_SENSE_BUILD_MAX bytes) in
 * descriptor format (SPC-4 4.5.2) if `descriptor`, else fixed format
 * (4.5.3).  Fixed format holds only 32 bits of INFORMATION: a larger value
 * clears VALID, as 4.5.3 requires.  Returns the length. */
size_t iproto_sense_build(uint8_t *buf, const IProtoSense *s, gboolean descriptor);

/* Parses fixed or descriptor sense data of `len` bytes (hostile input). */
gboolean iproto_sense_parse(const uint8_t *buf, size_t len, IProtoSense *out, GError **error);

const char *iproto_sense_key_name(uint8_t key);
/* NULL when the code is not in the table. */
const char *iproto_sense_asc_name(uint16_t asc);

G_END_DECLS
