/* Names of SCSI operation codes (SPC-4 annex D.3.1, SBC-3 table 16) for
 * logs and the protocol analyzer, and which of them are block transfers
 * whose CDB carries an LBA and a TRANSFER LENGTH (iproto_cdb_parse_rw). */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <stddef.h>

G_BEGIN_DECLS

/* The command's name, e.g. "READ(10)", "READ CAPACITY(16)"; service action
 * opcodes (9Eh, A3h) are named by their service action when len >= 2.
 * NULL for an opcode outside the table. */
const char *iproto_cdb_name(const uint8_t *cdb, size_t len);

/* TRUE for READ/WRITE/VERIFY/WRITE AND VERIFY/COMPARE AND WRITE/... in the
 * 6, 10, 12 and 16 byte forms: the commands whose LBA and transfer length
 * iproto_cdb_parse_rw() reads. */
gboolean iproto_cdb_is_block_transfer(uint8_t opcode);

G_END_DECLS
