#!/bin/sh
# Recovery: tgtd is killed with SIGKILL and restarted while dd writes
# through itn-initiatord's FUSE file.  The session is reinstated, the
# outstanding commands are issued again, dd completes and the data
# verifies (through the file and in the backing file).
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

DAEMON=$top_builddir/initiator/itn-initiatord
[ -x "$DAEMON" ] || bail "itn-initiatord not built"
[ -c /dev/fuse ] || bail "no /dev/fuse"

plan 5
truncate -s 128M "$ITN_TMP/disk.img"
tgtd_start
tgtd_add_lun 1 "$ITN_TMP/disk.img"
MNT=$ITN_TMP/mnt
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f --control "$ITN_TMP/ctl.sock" --mount "$MNT" --connect "iscsi://127.0.0.1:$TGT_PORT/$TGT_IQN/1"
F=$MNT/$TGT_IQN/lun1
wait_file "$F" 10 || :
[ -e "$F" ] || bail "the LUN file did not appear"

head -c 96M /dev/urandom > "$ITN_TMP/data"
( timeout 180 dd if="$ITN_TMP/data" of="$F" bs=1M conv=fsync,notrunc > "$ITN_TMP/dd.log" 2>&1
  echo $? > "$ITN_TMP/dd.rc" ) &
DD=$!
sleep 0.3
# The target dies in the middle of the writes...
kill -KILL "$tgtd_pid"
sleep 2
# ... and comes back on the same port with the same LUN.
tgtd_start_again() {
	spawn tgtd2 env MALLOC_MMAP_THRESHOLD_=33554432 tgtd -f -C "$TGT_CTL" --iscsi "portal=127.0.0.1:$TGT_PORT"
	wait_port "$TGT_PORT" 10 || bail "tgtd did not restart"
	at_exit "tgtadm -C $TGT_CTL --lld iscsi --op delete --mode target --tid 1 --force; kill -KILL $tgtd2_pid"
	tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode target --tid 1 -T "$TGT_IQN" &&
	tgtadm -C "$TGT_CTL" --lld iscsi --op bind --mode target --tid 1 -I ALL
	tgtd_add_lun 1 "$ITN_TMP/disk.img"
}
tgtd_start_again
wait $DD
check "dd completes despite the target restart" [ "$(cat "$ITN_TMP/dd.rc")" = 0 ]
check "the file reads back identically" cmp -s -n 100663296 "$ITN_TMP/data" "$F"
check "the backing file holds the data" cmp -s -n 100663296 "$ITN_TMP/data" "$ITN_TMP/disk.img"
check "the daemon saw the connection go" grep -q "connection 0 lost" "$ITN_TMP/initiatord.log"
check "and reinstated the session" grep -q "session reinstated" "$ITN_TMP/initiatord.log"
done_testing
