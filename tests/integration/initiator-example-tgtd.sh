#!/bin/sh
# The asynchronous scatter-gather example (examples/itni-async-io) against
# tgtd: 8 writes of 64 KiB from 3-piece iovecs in flight at once, read back
# into 2-piece iovecs, compared; the backing file must hold the bytes.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

EXAMPLE=$top_builddir/examples/itni-async-io
[ -x "$EXAMPLE" ] || bail "examples/itni-async-io not built (make check builds it)"

plan 3
tgtd_start
truncate -s 16M "$ITN_TMP/disk.img"
tgtd_add_lun 1 "$ITN_TMP/disk.img"
out=$(timeout 60 "$EXAMPLE" "iscsi://127.0.0.1:$TGT_PORT/$TGT_IQN/1" 2>&1)
rc=$?
diag "$out"
check "the example exits 0" [ $rc -eq 0 ]
case $out in *identical*) ok "it reports the data identical" ;; *) not_ok "it reports the data identical" ;; esac
# The same pattern the example writes, from the backing file.
python3 -c '
import sys
d = open(sys.argv[1], "rb").read(8 * 65536)
sys.exit(0 if all(d[i] == (i * 131 + i // 4096) & 255 for i in range(len(d))) else 1)
' "$ITN_TMP/disk.img"
check "tgtd's backing file holds the example's pattern" [ $? -eq 0 ]
done_testing
