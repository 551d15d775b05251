#!/bin/sh
# CRC32C header and data digests end to end: itnctl (itnexus' initiator)
# writes and reads 8 MiB through itn-targetd with both digests, and the
# target logs that both were negotiated.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/target-lib.sh"
ITNCTL=$top_builddir/cli/itnctl
[ -x "$ITNCTL" ] || bail "itnctl not built"

plan 4
targetd_start dig --target "$TGT_IQN" --lun mem:64M
U="iscsi://127.0.0.1:$dig_port/$TGT_IQN/0?header_digest=crc32c&data_digest=crc32c"
head -c 8388608 /dev/urandom > "$ITN_TMP/data"
check "write of 8 MiB with both digests" timeout 60 "$ITNCTL" write "$U" --offset 1M < "$ITN_TMP/data"
timeout 60 "$ITNCTL" read "$U" --offset 1M --length 8M > "$ITN_TMP/back"
check "read back with both digests, identical" cmp -s "$ITN_TMP/data" "$ITN_TMP/back"
check "the target negotiated both digests" grep -q 'hdigest ddigest' "$ITN_TMP/dig.log"
check "itn-targetd still running" targetd_alive dig
done_testing
