#!/bin/sh
# Receive coalescing never holds back an answer: a deep queue of reads, then
# reads that bring back far less than expected (the TAP comes from the
# helper program initiator-coalesce).
. "$top_srcdir/tests/lib/common.sh"

TARGETD=$top_builddir/target/itn-targetd
HELPER=$top_builddir/tests/integration/initiator-coalesce
for p in "$TARGETD" "$HELPER"; do [ -x "$p" ] || bail "$p not built"; done
PORT=$(free_port)
IQN=iqn.2024-01.org.itnexus.test:coalesce
spawn targetd "$TARGETD" -f --control "$ITN_TMP/targetd.sock" --listen "127.0.0.1:$PORT" --target "$IQN" \
	--lun mem:16M
wait_port "$PORT" 10 || bail "itn-targetd did not start"
timeout 120 "$HELPER" "iscsi://127.0.0.1:$PORT/$IQN/0"
