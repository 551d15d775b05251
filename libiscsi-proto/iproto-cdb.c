/* SCSI CDB fields and builders, SPC-4 sec. 4.2, SBC-3 sec. 5. */
#include "config.h"
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-bytes.h"
#include "libiscsi-proto/iproto-error.h"
#include <string.h>

size_t iproto_cdb_length(uint8_t opcode)
{
	/* SPC-4 table 9: group code is the top three bits. */
	static const uint8_t by_group[8] = { 6, 10, 10, 0, 16, 12, 0, 0 };

	return by_group[opcode >> 5];
}

gboolean iproto_cdb_parse_rw(const uint8_t *cdb, size_t len, IProtoCdbRw *out, GError **error)
{
	size_t need = iproto_cdb_length(cdb[0]);

	memset(out, 0, sizeof *out);
	if (need == 0 || len < need) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_CDB_FORMAT,
			    "CDB of opcode 0x%02x needs %zu bytes, has %zu", cdb[0], need, len);
		return FALSE;
	}
	switch (need) {
	case 6:
		/* SBC-3 5.13: 21-bit LBA; transfer length 0 means 256 blocks */
		out->lba = iproto_get_be24(cdb + 1) & 0x1fffff;
		out->blocks = cdb[4] ? cdb[4] : 256;
		return TRUE;
	case 10:
		out->lba = iproto_get_be32(cdb + 2);
		out->blocks = iproto_get_be16(cdb + 7);
		out->group = cdb[6] & 0x1f;
		break;
	case 12:
		out->lba = iproto_get_be32(cdb + 2);
		out->blocks = iproto_get_be32(cdb + 6);
		out->group = cdb[10] & 0x1f;
		break;
	default:
		out->lba = iproto_get_be64(cdb + 2);
		out->blocks = iproto_get_be32(cdb + 10);
		out->group = cdb[14] & 0x1f;
		break;
	}
	out->flags = cdb[1];
	out->dpo = (cdb[1] & 0x10) != 0;
	out->fua = (cdb[1] & 0x08) != 0;
	return TRUE;
}

size_t iproto_cdb_build_test_unit_ready(uint8_t *cdb)
{
	memset(cdb, 0, 16);
	cdb[0] = IPROTO_OP_TEST_UNIT_READY;
	return 6;
}

size_t iproto_cdb_build_inquiry(uint8_t *cdb, gboolean evpd, uint8_t page, uint16_t alloc_len)
{
	memset(cdb, 0, 16);
	cdb[0] = IPROTO_OP_INQUIRY;
	cdb[1] = evpd ? 1 : 0;
	cdb[2] = evpd ? page : 0;
	iproto_put_be16(cdb + 3, alloc_len);
	return 6;
}

size_t iproto_cdb_build_read_capacity16(uint8_t *cdb, uint32_t alloc_len)
{
	memset(cdb, 0, 16);
	cdb[0] = IPROTO_OP_SERVICE_ACTION_IN16;
	cdb[1] = IPROTO_SA_READ_CAPACITY16;
	iproto_put_be32(cdb + 10, alloc_len);
	return 16;
}

size_t iproto_cdb_build_report_luns(uint8_t *cdb, uint8_t select_report, uint32_t alloc_len)
{
	memset(cdb, 0, 16);
	cdb[0] = IPROTO_OP_REPORT_LUNS;
	cdb[2] = select_report;
	iproto_put_be32(cdb + 6, alloc_len);
	return 12;
}

/* One builder for the 10 and 16 byte forms of LBA + length commands. */
static size_t build_lba_cmd(uint8_t *cdb, int size, uint8_t op10, uint8_t op16,
			    uint64_t lba, uint32_t blocks, uint8_t byte1)
{
	memset(cdb, 0, 16);
	if (size != 16 && lba <= G_MAXUINT32 && blocks <= G_MAXUINT16) {
		cdb[0] = op10;
		cdb[1] = byte1;
		iproto_put_be32(cdb + 2, (uint32_t) lba);
		iproto_put_be16(cdb + 7, (uint16_t) blocks);
		return 10;
	}
	cdb[0] = op16;
	cdb[1] = byte1;
	iproto_put_be64(cdb + 2, lba);
	iproto_put_be32(cdb + 10, blocks);
	return 16;
}

size_t iproto_cdb_build_read(uint8_t *cdb, int size, uint64_t lba, uint32_t blocks, gboolean fua)
{
	return build_lba_cmd(cdb, size, IPROTO_OP_READ10, IPROTO_OP_READ16, lba, blocks, fua ? 0x08 : 0);
}

size_t iproto_cdb_build_write(uint8_t *cdb, int size, uint64_t lba, uint32_t blocks, gboolean fua)
{
	return build_lba_cmd(cdb, size, IPROTO_OP_WRITE10, IPROTO_OP_WRITE16, lba, blocks, fua ? 0x08 : 0);
}

size_t iproto_cdb_build_synchronize_cache(uint8_t *cdb, int size, uint64_t lba, uint32_t blocks)
{
	return build_lba_cmd(cdb, size, IPROTO_OP_SYNCHRONIZE_CACHE10, IPROTO_OP_SYNCHRONIZE_CACHE16,
			     lba, blocks, 0);
}

size_t iproto_cdb_build_unmap(uint8_t *cdb, uint16_t param_len)
{
	memset(cdb, 0, 16);
	cdb[0] = IPROTO_OP_UNMAP;
	iproto_put_be16(cdb + 7, param_len);
	return 10;
}

size_t iproto_cdb_build_unmap_params(uint8_t *buf, const uint64_t *lba, const uint32_t *blocks, size_t n)
{
	/* SBC-3 table 99: 8-byte header, then 16-byte block descriptors */
	size_t len = 8 + 16 * n;

	memset(buf, 0, len);
	iproto_put_be16(buf, (uint16_t) (len - 2));
	iproto_put_be16(buf + 2, (uint16_t) (16 * n));
	for (size_t i = 0; i < n; i++) {
		iproto_put_be64(buf + 8 + 16 * i, lba[i]);
		iproto_put_be32(buf + 8 + 16 * i + 8, blocks[i]);
	}
	return len;
}
