/* SCSI sense data, SPC-4 sec. 4.5. */
#include "config.h"
#include "libiscsi-proto/iproto-sense.h"
#include "libiscsi-proto/iproto-bytes.h"
#include "libiscsi-proto/iproto-error.h"
#include <string.h>

/* Response codes, SPC-4 table 42. */
enum {
	RC_FIXED_CURRENT = 0x70,
	RC_FIXED_DEFERRED = 0x71,
	RC_DESC_CURRENT = 0x72,
	RC_DESC_DEFERRED = 0x73,
};

/* Descriptor types, SPC-4 table 30. */
enum {
	DESC_INFORMATION = 0x00,
	DESC_SENSE_KEY_SPECIFIC = 0x02,
};

void iproto_sense_set(IProtoSense *s, uint8_t key, uint16_t asc)
{
	memset(s, 0, sizeof *s);
	s->key = key;
	s->asc = asc;
}

void iproto_sense_set_field_pointer(IProtoSense *s, gboolean in_cdb, uint16_t byte, int bit)
{
	/* SPC-4 table 48: SKSV | C/D | reserved | BPV | BIT POINTER, then FIELD POINTER */
	s->sks_valid = TRUE;
	s->sks[0] = 0x80 | (in_cdb ? 0x40 : 0) | (bit >= 0 ? 0x08 | (bit & 7) : 0);
	iproto_put_be16(s->sks + 1, byte);
}

void iproto_sense_set_progress(IProtoSense *s, uint16_t progress)
{
	s->sks_valid = TRUE;
	s->sks[0] = 0x80;
	iproto_put_be16(s->sks + 1, progress);
}

void iproto_sense_set_info(IProtoSense *s, uint64_t info)
{
	s->info_valid = TRUE;
	s->info = info;
}

static size_t build_fixed(uint8_t *b, const IProtoSense *s)
{
	/* SPC-4 4.5.3, table 50: 18 bytes. */
	memset(b, 0, 18);
	b[0] = s->deferred ? RC_FIXED_DEFERRED : RC_FIXED_CURRENT;
	if (s->info_valid && s->info <= G_MAXUINT32) {
		b[0] |= 0x80; /* VALID */
		iproto_put_be32(b + 3, (uint32_t) s->info);
	}
	b[2] = s->key & 0x0f;
	b[7] = 10; /* additional sense length */
	b[12] = (uint8_t) (s->asc >> 8);
	b[13] = (uint8_t) s->asc;
	if (s->sks_valid)
		memcpy(b + 15, s->sks, 3);
	return 18;
}

static size_t build_descriptor(uint8_t *b, const IProtoSense *s)
{
	/* SPC-4 4.5.2, table 28: 8-byte header, then descriptors. */
	size_t n = 8;

	memset(b, 0, IPROTO_SENSE_BUILD_MAX);
	b[0] = s->deferred ? RC_DESC_DEFERRED : RC_DESC_CURRENT;
	b[1] = s->key & 0x0f;
	b[2] = (uint8_t) (s->asc >> 8);
	b[3] = (uint8_t) s->asc;
	if (s->info_valid) {
		/* 4.5.2.2, table 31 */
		b[n] = DESC_INFORMATION;
		b[n + 1] = 0x0a;
		b[n + 2] = 0x80; /* VALID */
		iproto_put_be64(b + n + 4, s->info);
		n += 12;
	}
	if (s->sks_valid) {
		/* 4.5.2.3, table 32 */
		b[n] = DESC_SENSE_KEY_SPECIFIC;
		b[n + 1] = 0x06;
		memcpy(b + n + 4, s->sks, 3);
		n += 8;
	}
	b[7] = (uint8_t) (n - 8);
	return n;
}

size_t iproto_sense_build(uint8_t *buf, const IProtoSense *s, gboolean descriptor)
{
	return descriptor ? build_descriptor(buf, s) : build_fixed(buf, s);
}

static gboolean parse_descriptors(const uint8_t *p, size_t len, IProtoSense *out, GError **error)
{
	size_t off = 0;

	while (off + 2 <= len) {
		uint8_t type = p[off];
		size_t dlen = (size_t) p[off + 1] + 2;

		if (off + dlen > len) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_SENSE_FORMAT,
				    "sense descriptor type 0x%02x at offset %zu runs past the end (%zu > %zu)",
				    type, off + 8, off + dlen, len);
			return FALSE;
		}
		if (type == DESC_INFORMATION && dlen >= 12) {
			out->info_valid = (p[off + 2] & 0x80) != 0;
			out->info = iproto_get_be64(p + off + 4);
		} else if (type == DESC_SENSE_KEY_SPECIFIC && dlen >= 7 && (p[off + 4] & 0x80)) {
			out->sks_valid = TRUE;
			memcpy(out->sks, p + off + 4, 3);
		}
		off += dlen;
	}
	return TRUE;
}

gboolean iproto_sense_parse(const uint8_t *buf, size_t len, IProtoSense *out, GError **error)
{
	memset(out, 0, sizeof *out);
	if (len < 2) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_SENSE_FORMAT,
			    "sense data of %zu bytes is too short", len);
		return FALSE;
	}
	uint8_t rc = buf[0] & 0x7f;

	switch (rc) {
	case RC_FIXED_CURRENT:
	case RC_FIXED_DEFERRED: {
		/* Fields past the additional sense length are absent (zero). */
		uint8_t b[18] = { 0 };
		size_t have = len < 8 ? len : MIN(len, (size_t) 8 + buf[7]);

		memcpy(b, buf, MIN(have, sizeof b));
		out->deferred = rc == RC_FIXED_DEFERRED;
		out->key = b[2] & 0x0f;
		out->info_valid = (b[0] & 0x80) != 0;
		out->info = iproto_get_be32(b + 3);
		out->asc = IPROTO_ASC(b[12], b[13]);
		if (b[15] & 0x80) {
			out->sks_valid = TRUE;
			memcpy(out->sks, b + 15, 3);
		}
		return TRUE;
	}
	case RC_DESC_CURRENT:
	case RC_DESC_DEFERRED:
		if (len < 8) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_SENSE_FORMAT,
				    "descriptor sense data of %zu bytes is shorter than its 8-byte header", len);
			return FALSE;
		}
		out->deferred = rc == RC_DESC_DEFERRED;
		out->key = buf[1] & 0x0f;
		out->asc = IPROTO_ASC(buf[2], buf[3]);
		return parse_descriptors(buf + 8, MIN(len - 8, (size_t) buf[7]), out, error);
	default:
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_SENSE_FORMAT,
			    "unknown sense response code 0x%02x", rc);
		return FALSE;
	}
}

/* SPC-4 table 45 */
static const char *const sense_key_names[16] = {
	"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
	"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT",
	"BLANK CHECK", "VENDOR SPECIFIC", "COPY ABORTED", "ABORTED COMMAND",
	"RESERVED (0Ch)", "VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED",
};

const char *iproto_sense_key_name(uint8_t key)
{
	return sense_key_names[key & 0x0f];
}

/* SPC-4 table 47 (subset), sorted by code for bsearch. */
static const struct {
	uint16_t asc;
	const char *name;
} asc_names[] = {
	{ IPROTO_ASC_NO_ADDITIONAL_SENSE, "NO ADDITIONAL SENSE INFORMATION" },
	{ IPROTO_ASC_LU_NOT_READY_CAUSE_NOT_REPORTABLE, "LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE" },
	{ IPROTO_ASC(0x04, 0x02), "LOGICAL UNIT NOT READY, INITIALIZING COMMAND REQUIRED" },
	{ IPROTO_ASC_LU_NOT_READY_MANUAL_INTERVENTION, "LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED" },
	{ IPROTO_ASC_WRITE_ERROR, "WRITE ERROR" },
	{ IPROTO_ASC(0x0e, 0x01), "INFORMATION UNIT TOO SHORT" },
	{ IPROTO_ASC(0x0e, 0x02), "INFORMATION UNIT TOO LONG" },
	{ IPROTO_ASC_INVALID_FIELD_IN_IU, "INVALID FIELD IN COMMAND INFORMATION UNIT" },
	{ IPROTO_ASC_UNRECOVERED_READ_ERROR, "UNRECOVERED READ ERROR" },
	{ IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR, "PARAMETER LIST LENGTH ERROR" },
	{ IPROTO_ASC_MISCOMPARE_DURING_VERIFY, "MISCOMPARE DURING VERIFY OPERATION" },
	{ IPROTO_ASC_INVALID_OPCODE, "INVALID COMMAND OPERATION CODE" },
	{ IPROTO_ASC_LBA_OUT_OF_RANGE, "LOGICAL BLOCK ADDRESS OUT OF RANGE" },
	{ IPROTO_ASC_INVALID_FIELD_IN_CDB, "INVALID FIELD IN CDB" },
	{ IPROTO_ASC_LU_NOT_SUPPORTED, "LOGICAL UNIT NOT SUPPORTED" },
	{ IPROTO_ASC_INVALID_FIELD_IN_PARAMETER_LIST, "INVALID FIELD IN PARAMETER LIST" },
	{ IPROTO_ASC(0x26, 0x01), "PARAMETER NOT SUPPORTED" },
	{ IPROTO_ASC(0x26, 0x02), "PARAMETER VALUE INVALID" },
	{ IPROTO_ASC_TOO_MANY_TARGET_DESCRIPTORS, "TOO MANY TARGET DESCRIPTORS" },
	{ IPROTO_ASC_UNSUPPORTED_TARGET_DESCRIPTOR_TYPE, "UNSUPPORTED TARGET DESCRIPTOR TYPE CODE" },
	{ IPROTO_ASC_TOO_MANY_SEGMENT_DESCRIPTORS, "TOO MANY SEGMENT DESCRIPTORS" },
	{ IPROTO_ASC_UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE, "UNSUPPORTED SEGMENT DESCRIPTOR TYPE CODE" },
	{ IPROTO_ASC_WRITE_PROTECTED, "WRITE PROTECTED" },
	{ IPROTO_ASC_POWER_ON_RESET, "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED" },
	{ IPROTO_ASC_POWER_ON_OCCURRED, "POWER ON OCCURRED" },
	{ IPROTO_ASC_BUS_RESET, "SCSI BUS RESET OCCURRED" },
	{ IPROTO_ASC_BUS_DEVICE_RESET, "BUS DEVICE RESET FUNCTION OCCURRED" },
	{ IPROTO_ASC_I_T_NEXUS_LOSS, "I_T NEXUS LOSS OCCURRED" },
	{ IPROTO_ASC_PARAMETERS_CHANGED, "PARAMETERS CHANGED" },
	{ IPROTO_ASC_MODE_PARAMETERS_CHANGED, "MODE PARAMETERS CHANGED" },
	{ IPROTO_ASC_RESERVATIONS_PREEMPTED, "RESERVATIONS PREEMPTED" },
	{ IPROTO_ASC_RESERVATIONS_RELEASED, "RESERVATIONS RELEASED" },
	{ IPROTO_ASC_REGISTRATIONS_PREEMPTED, "REGISTRATIONS PREEMPTED" },
	{ IPROTO_ASC_CAPACITY_DATA_CHANGED, "CAPACITY DATA HAS CHANGED" },
	{ IPROTO_ASC_COMMANDS_CLEARED_BY_ANOTHER_INITIATOR, "COMMANDS CLEARED BY ANOTHER INITIATOR" },
	{ IPROTO_ASC_SAVING_PARAMETERS_NOT_SUPPORTED, "SAVING PARAMETERS NOT SUPPORTED" },
	{ IPROTO_ASC_MEDIUM_NOT_PRESENT, "MEDIUM NOT PRESENT" },
	{ IPROTO_ASC_REPORTED_LUNS_DATA_CHANGED, "REPORTED LUNS DATA HAS CHANGED" },
	{ IPROTO_ASC_INTERNAL_TARGET_FAILURE, "INTERNAL TARGET FAILURE" },
	{ IPROTO_ASC_INVALID_MESSAGE_ERROR, "INVALID MESSAGE ERROR" },
	{ IPROTO_ASC_MEDIUM_REMOVAL_PREVENTED, "MEDIUM REMOVAL PREVENTED" },
	{ IPROTO_ASC_INSUFFICIENT_REGISTRATION_RESOURCES, "INSUFFICIENT REGISTRATION RESOURCES" },
};

const char *iproto_sense_asc_name(uint16_t asc)
{
	size_t lo = 0, hi = G_N_ELEMENTS(asc_names);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (asc_names[mid].asc == asc)
			return asc_names[mid].name;
		if (asc_names[mid].asc < asc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
