/* Random CDBs and data-out through tgt_scsi_cmd_prepare/execute on a small
 * mem: LUN with two I_T nexuses.  Input: byte 0 = nexus (bit 0), LUN 0/1
 * (bit 1), W bit (bit 2); bytes 1..2 = EDTL / 16; bytes 3..18 = CDB; the
 * rest = data-out (the iSCSI layer receives MIN(out_len, EDTL) bytes). */
#include "config.h"
#include "target/scsi.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static TgtScsiTarget *target;
static TgtNexus *nexus[2];

static void setup(void)
{
	TgtLunSpec spec = { .backstore = "mem:256K" };
	static const guint8 isid_a[6] = { 0x80, 0, 0, 0, 0, 1 }, isid_b[6] = { 0x80, 0, 0, 0, 0, 2 };

	target = tgt_scsi_target_new("iqn.2026-11.test.itnexus:fuzz");
	if (!tgt_scsi_target_add_lun(target, 0, &spec, NULL))
		abort();
	nexus[0] = tgt_scsi_nexus_new(target, "iqn.2026-11.test.itnexus:a", isid_a, 1);
	nexus[1] = tgt_scsi_nexus_new(target, "iqn.2026-11.test.itnexus:b", isid_b, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static TgtScsiCmd cmd;

	if (!target)
		setup();
	if (size < 19)
		return 0;
	tgt_scsi_cmd_init(&cmd);
	cmd.nexus = nexus[data[0] & 1];
	cmd.lun = (data[0] & 2) ? (guint64) 1 << 48 : 0;
	cmd.flags = (data[0] & 4) ? 2 : 1;
	cmd.edtl = (guint32) (data[1] << 8 | data[2]) * 16;
	memcpy(cmd.cdb, data + 3, 16);
	cmd.cdb_len = 16;
	cmd.task_attr = 1;
	const uint8_t *out = data + 19;
	size_t out_size = size - 19;

	if (tgt_scsi_cmd_prepare(target, &cmd) == TGT_SCSI_PREP_EXECUTE) {
		/* the initiator may send less than asked: the rest stays zero */
		size_t want = MIN(cmd.out_len, cmd.edtl);

		if (want) {
			memset(cmd.out_buf, 0, want);
			memcpy(cmd.out_buf, out, MIN(out_size, want));
		}
		tgt_scsi_cmd_execute(&cmd);
	}
	size_t total = 0;

	for (int i = 0; i < cmd.in_iovcnt; i++) {
		/* touch every byte handed to the iSCSI layer */
		const volatile uint8_t *p = cmd.in_iov[i].iov_base;

		for (size_t j = 0; j < cmd.in_iov[i].iov_len; j += 64)
			(void) p[j];
		total += cmd.in_iov[i].iov_len;
	}
	if (total != cmd.in_len || cmd.sense_len > TGT_SCSI_SENSE_MAX)
		abort();
	tgt_scsi_cmd_done(&cmd);
	return 0;
}
