/* SCSI CDB fields (SPC-4 sec. 4.2) for the target, and CDB builders for the
 * initiator.  Everything works on plain byte arrays. */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <stddef.h>

G_BEGIN_DECLS

/* Operation codes (SPC-4 annex D.3.1, SBC-3 table 16). */
enum {
	IPROTO_OP_TEST_UNIT_READY = 0x00,
	IPROTO_OP_REQUEST_SENSE = 0x03,
	IPROTO_OP_READ6 = 0x08,
	IPROTO_OP_WRITE6 = 0x0a,
	IPROTO_OP_INQUIRY = 0x12,
	IPROTO_OP_MODE_SELECT6 = 0x15,
	IPROTO_OP_RESERVE6 = 0x16,
	IPROTO_OP_RELEASE6 = 0x17,
	IPROTO_OP_MODE_SENSE6 = 0x1a,
	IPROTO_OP_START_STOP_UNIT = 0x1b,
	IPROTO_OP_PREVENT_ALLOW = 0x1e,
	IPROTO_OP_READ_CAPACITY10 = 0x25,
	IPROTO_OP_READ10 = 0x28,
	IPROTO_OP_WRITE10 = 0x2a,
	IPROTO_OP_WRITE_VERIFY10 = 0x2e,
	IPROTO_OP_VERIFY10 = 0x2f,
	IPROTO_OP_PREFETCH10 = 0x34,
	IPROTO_OP_SYNCHRONIZE_CACHE10 = 0x35,
	IPROTO_OP_WRITE_SAME10 = 0x41,
	IPROTO_OP_UNMAP = 0x42,
	IPROTO_OP_MODE_SELECT10 = 0x55,
	IPROTO_OP_RESERVE10 = 0x56,
	IPROTO_OP_RELEASE10 = 0x57,
	IPROTO_OP_MODE_SENSE10 = 0x5a,
	IPROTO_OP_PERSISTENT_RESERVE_IN = 0x5e,
	IPROTO_OP_PERSISTENT_RESERVE_OUT = 0x5f,
	IPROTO_OP_EXTENDED_COPY = 0x83,
	IPROTO_OP_RECEIVE_COPY_RESULTS = 0x84,
	IPROTO_OP_READ16 = 0x88,
	IPROTO_OP_COMPARE_AND_WRITE = 0x89,
	IPROTO_OP_WRITE16 = 0x8a,
	IPROTO_OP_ORWRITE16 = 0x8b,
	IPROTO_OP_WRITE_VERIFY16 = 0x8e,
	IPROTO_OP_VERIFY16 = 0x8f,
	IPROTO_OP_PREFETCH16 = 0x90,
	IPROTO_OP_SYNCHRONIZE_CACHE16 = 0x91,
	IPROTO_OP_WRITE_SAME16 = 0x93,
	IPROTO_OP_SERVICE_ACTION_IN16 = 0x9e, /* READ CAPACITY 16, GET LBA STATUS */
	IPROTO_OP_REPORT_LUNS = 0xa0,
	IPROTO_OP_MAINTENANCE_IN = 0xa3,      /* REPORT SUPPORTED OPCODES / TMFs */
	IPROTO_OP_READ12 = 0xa8,
	IPROTO_OP_WRITE12 = 0xaa,
	IPROTO_OP_WRITE_VERIFY12 = 0xae,
	IPROTO_OP_VERIFY12 = 0xaf,
};

/* Service actions of 9Eh (SBC-3 table 16) and A3h (SPC-4 table D.9). */
enum {
	IPROTO_SA_READ_CAPACITY16 = 0x10,
	IPROTO_SA_GET_LBA_STATUS = 0x12,
	IPROTO_SA_REPORT_SUPPORTED_OPCODES = 0x0c,
	IPROTO_SA_REPORT_SUPPORTED_TMFS = 0x0d,
};

/* CDB length implied by the group code of an opcode (SPC-4 4.2.5.1):
 * 6, 10, 12 or 16; 0 for group 3 (variable/reserved) and vendor groups. */
size_t iproto_cdb_length(uint8_t opcode);

/* The fields of a READ/WRITE/VERIFY/... CDB in its 6, 10, 12 or 16 byte form. */
typedef struct {
	uint64_t lba;
	uint32_t blocks;       /* TRANSFER LENGTH (READ/WRITE 6: 0 means 256) */
	uint8_t flags;         /* byte 1 as is: xxPROTECT, DPO, FUA, ... */
	uint8_t group;         /* GROUP NUMBER */
	gboolean dpo;
	gboolean fua;
} IProtoCdbRw;

/* Reads the LBA and transfer length of a block command by the length of
 * its form (from the opcode's group code).  The caller has checked the
 * opcode is one of the block commands; `len` bytes are available. */
gboolean iproto_cdb_parse_rw(const uint8_t *cdb, size_t len, IProtoCdbRw *out, GError **error);

/* SERVICE ACTION field (byte 1, bits 4..0) of service-action CDBs. */
static inline uint8_t iproto_cdb_service_action(const uint8_t *cdb)
{
	return cdb[1] & 0x1f;
}

/* Builders for the initiator.  Each writes into cdb (at least 16 bytes,
 * zeroed by the builder) and returns the CDB length. */
size_t iproto_cdb_build_test_unit_ready(uint8_t *cdb);
size_t iproto_cdb_build_inquiry(uint8_t *cdb, gboolean evpd, uint8_t page, uint16_t alloc_len);
size_t iproto_cdb_build_read_capacity16(uint8_t *cdb, uint32_t alloc_len);
size_t iproto_cdb_build_report_luns(uint8_t *cdb, uint8_t select_report, uint32_t alloc_len);
/* size: 10 or 16 (10 is used anyway when lba and blocks fit). */
size_t iproto_cdb_build_read(uint8_t *cdb, int size, uint64_t lba, uint32_t blocks, gboolean fua);
size_t iproto_cdb_build_write(uint8_t *cdb, int size, uint64_t lba, uint32_t blocks, gboolean fua);
size_t iproto_cdb_build_synchronize_cache(uint8_t *cdb, int size, uint64_t lba, uint32_t blocks);
size_t iproto_cdb_build_unmap(uint8_t *cdb, uint16_t param_len);
/* UNMAP parameter list (SBC-3 5.28.2) for n ranges; buf holds 8 + 16 * n
 * bytes.  Returns the parameter list length. */
size_t iproto_cdb_build_unmap_params(uint8_t *buf, const uint64_t *lba, const uint32_t *blocks, size_t n);

G_END_DECLS
