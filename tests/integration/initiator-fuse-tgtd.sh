#!/bin/sh
# itn-initiatord --connect against tgtd: the LUN appears as a file of the
# right size under MOUNT/<target-iqn>/lun<N>; 64 MiB written with dd
# (conv=fsync) read back identically and are in tgtd's backing file;
# mkfs.ext4 on the file then e2fsck -fn is clean; SIGTERM unmounts.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

DAEMON=$top_builddir/initiator/itn-initiatord
[ -x "$DAEMON" ] || bail "itn-initiatord not built"
need_cmd mkfs.ext4 e2fsck
[ -c /dev/fuse ] || bail "no /dev/fuse"

plan 9
tgtd_start
truncate -s 128M "$ITN_TMP/disk.img"
tgtd_add_lun 1 "$ITN_TMP/disk.img"
tgtd_chap alice secretsecret12
MNT=$ITN_TMP/mnt
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f --control "$ITN_TMP/ctl.sock" --mount "$MNT" \
	--connect "iscsi://alice%secretsecret12@127.0.0.1:$TGT_PORT/$TGT_IQN/1"
F=$MNT/$TGT_IQN/lun1
wait_file "$F" 10 || :
check "the LUN appears as $TGT_IQN/lun1" [ -f "$F" ]
size=$(stat -c %s "$F" 2> /dev/null)
check "the file has the LUN's size (128 MiB)" [ "$size" = 134217728 ]

head -c 64M /dev/urandom > "$ITN_TMP/data"
timeout 120 dd if="$ITN_TMP/data" of="$F" bs=1M conv=fsync 2> "$ITN_TMP/dd.log"
check "dd of 64 MiB with conv=fsync succeeds" [ $? -eq 0 ]
check "the file reads back identically" cmp -s -n 67108864 "$ITN_TMP/data" "$F"
check "tgtd's backing file holds the data" cmp -s -n 67108864 "$ITN_TMP/data" "$ITN_TMP/disk.img"

timeout 120 mkfs.ext4 -q -F "$F" > "$ITN_TMP/mkfs.log" 2>&1
check "mkfs.ext4 on the LUN file succeeds" [ $? -eq 0 ]
timeout 120 e2fsck -fn "$F" > "$ITN_TMP/fsck.log" 2>&1
rc=$?
[ $rc -eq 0 ] || diag "$(cat "$ITN_TMP/fsck.log")"
check "e2fsck -fn finds it clean" [ $rc -eq 0 ]

kill -TERM "$initiatord_pid"
i=0
while kill -0 "$initiatord_pid" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$initiatord_pid" 2> /dev/null; then not_ok "SIGTERM ends the daemon"; else ok "SIGTERM ends the daemon"; fi
if grep -q " $MNT " /proc/mounts; then not_ok "and unmounts"; else ok "and unmounts"; fi
done_testing
