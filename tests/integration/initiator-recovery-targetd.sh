#!/bin/sh
# Recovery against itn-targetd: the target is killed with SIGKILL and
# restarted while dd writes through itn-initiatord's FUSE file (two
# connections per session); dd completes and the data verifies.
. "$top_srcdir/tests/lib/common.sh"

TARGETD=$top_builddir/target/itn-targetd
DAEMON=$top_builddir/initiator/itn-initiatord
for p in "$TARGETD" "$DAEMON"; do [ -x "$p" ] || bail "$p not built"; done
[ -c /dev/fuse ] || bail "no /dev/fuse"

plan 4
PORT=$(free_port)
IQN=iqn.2024-01.org.itnexus.test:recover
truncate -s 128M "$ITN_TMP/disk.img"
start_target() {
	spawn "$1" "$TARGETD" -f --control "$ITN_TMP/$1.sock" --listen "127.0.0.1:$PORT" --target "$IQN" \
		--lun "file:$ITN_TMP/disk.img" --chap alice:secretsecret12
	wait_port "$PORT" 10 || bail "itn-targetd did not start (see $ITN_TMP/$1.log)"
}
start_target targetd
MNT=$ITN_TMP/mnt
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f --control "$ITN_TMP/ctl.sock" --mount "$MNT" --connections 2 \
	--connect "iscsi://alice%secretsecret12@127.0.0.1:$PORT/$IQN/0"
F=$MNT/$IQN/lun0
wait_file "$F" 10 || :
[ -e "$F" ] || bail "the LUN file did not appear"

head -c 96M /dev/urandom > "$ITN_TMP/data"
( timeout 180 dd if="$ITN_TMP/data" of="$F" bs=1M conv=fsync,notrunc > "$ITN_TMP/dd.log" 2>&1
  echo $? > "$ITN_TMP/dd.rc" ) &
DD=$!
sleep 0.3
kill -KILL "$targetd_pid"
sleep 2
start_target targetd2
wait $DD
check "dd completes despite the target restart" [ "$(cat "$ITN_TMP/dd.rc")" = 0 ]
check "the file reads back identically" cmp -s -n 100663296 "$ITN_TMP/data" "$F"
check "the backing file holds the data" cmp -s -n 100663296 "$ITN_TMP/data" "$ITN_TMP/disk.img"
check "the session was reinstated" grep -q "session reinstated" "$ITN_TMP/initiatord.log"
done_testing
