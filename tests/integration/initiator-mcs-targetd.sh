#!/bin/sh
# Against itn-targetd with mutual CHAP and SHA-256: inquiry/readcap, a
# 16 MiB round trip, and with --connections 4 one session (one TSIH)
# carrying four TCP connections that all carry SCSI commands, with the
# data intact, through itnctl and through itn-initiatord's FUSE file.
. "$top_srcdir/tests/lib/common.sh"

ITNCTL=$top_builddir/cli/itnctl
TARGETD=$top_builddir/target/itn-targetd
DAEMON=$top_builddir/initiator/itn-initiatord
for p in "$ITNCTL" "$TARGETD" "$DAEMON"; do [ -x "$p" ] || bail "$p not built"; done
need_cmd python3

plan 12
PORT=$(free_port)
IQN=iqn.2024-01.org.itnexus.test:mcs
truncate -s 128M "$ITN_TMP/disk.img"
spawn targetd "$TARGETD" -f --control "$ITN_TMP/targetd.sock" --listen "127.0.0.1:$PORT" --target "$IQN" \
	--lun "file:$ITN_TMP/disk.img" --chap alice:secretsecret12 --mutual-chap tgtuser:targetsecret12 \
	--max-connections 4
wait_port "$PORT" 10 || bail "itn-targetd did not start (see $ITN_TMP/targetd.log)"
URL="iscsi://alice%secretsecret12@127.0.0.1:$PORT/$IQN/0?target_user=tgtuser&target_password=targetsecret12&auth=sha-256"

out=$(timeout 30 "$ITNCTL" --json inquiry "$URL" 2>&1)
case $out in *'"vendor":"ITNEXUS"'*) ok "inquiry with mutual CHAP (SHA-256)" ;; *) diag "$out"; not_ok "inquiry with mutual CHAP (SHA-256)" ;; esac
out=$(timeout 30 "$ITNCTL" --json readcap "$URL" 2>&1)
case $out in *'"bytes":134217728'*) ok "readcap reports 128 MiB" ;; *) diag "$out"; not_ok "readcap reports 128 MiB" ;; esac
BAD="iscsi://alice%secretsecret12@127.0.0.1:$PORT/$IQN/0?target_user=tgtuser&target_password=wrongsecret99&auth=sha-256"
out=$(timeout 30 "$ITNCTL" inquiry "$BAD" 2>&1)
case $out in *authentication*) ok "a wrong mutual secret fails authentication" ;; *) diag "$out"; not_ok "a wrong mutual secret fails authentication" ;; esac

json=$(timeout 60 "$ITNCTL" --json perf "$URL" --connections 4 --random --qd 32 --seconds 2 2>&1)
diag "$json"
echo "$json" | python3 -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(0 if j["connections"] == 4 and len(j["per_connection"]) == 4 else 1)'
check "perf --connections 4: one session with four connections" [ $? -eq 0 ]
echo "$json" | python3 -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(0 if j["tsih"] != 0 and all(c["commands"] > 0 for c in j["per_connection"]) else 1)'
check "every connection carried SCSI commands (one TSIH)" [ $? -eq 0 ]

head -c 16M /dev/urandom > "$ITN_TMP/data"
timeout 60 "$ITNCTL" write "$URL" --connections 4 --offset 5M < "$ITN_TMP/data"
check "write of 16 MiB over 4 connections" [ $? -eq 0 ]
timeout 60 "$ITNCTL" read "$URL" --connections 4 --offset 5M --length 16M > "$ITN_TMP/back"
check "read back over 4 connections is identical" cmp -s "$ITN_TMP/data" "$ITN_TMP/back"
dd if="$ITN_TMP/disk.img" of="$ITN_TMP/part" bs=1M skip=5 count=16 2> /dev/null
check "the target's backing file holds the data" cmp -s "$ITN_TMP/data" "$ITN_TMP/part"

# The daemon with four connections per session.
MNT=$ITN_TMP/mnt
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f --control "$ITN_TMP/ctl.sock" --mount "$MNT" --connections 4 --connect "$URL"
F=$MNT/$IQN/lun0
wait_file "$F" 10 || :
check "the LUN file appears" [ -f "$F" ]
grep -q "4 connection(s)" "$ITN_TMP/initiatord.log"
check "the daemon's session has 4 connections" [ $? -eq 0 ]
head -c 32M /dev/urandom > "$ITN_TMP/data2"
timeout 120 dd if="$ITN_TMP/data2" of="$F" bs=1M conv=fsync,notrunc 2> /dev/null
check "dd of 32 MiB through FUSE" [ $? -eq 0 ]
check "reads back identically and is in the backing file" \
	sh -c "cmp -s -n 33554432 '$ITN_TMP/data2' '$F' && cmp -s -n 33554432 '$ITN_TMP/data2' '$ITN_TMP/disk.img'"
done_testing
