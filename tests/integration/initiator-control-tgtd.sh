#!/bin/sh
# itn-initiatord's control API through itnctl: login, session list,
# session connections, session luns, logout; a wrong secret fails with a
# message that names authentication.  Against tgtd with CHAP.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

need_initiatord

plan 12
tgtd_start
truncate -s 32M "$ITN_TMP/disk.img"
tgtd_add_lun 1 "$ITN_TMP/disk.img"
tgtd_chap alice secretsecret12
MNT=$ITN_TMP/mnt
CTL=$ITN_TMP/ctl.sock
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f --mount "$MNT" --control "$CTL"
i=0
while [ ! -S "$CTL" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$CTL" ] || bail "no control socket"
check "the control socket is not open to others (0660)" [ "$(stat -c %a "$CTL")" = 660 ]

out=$(timeout 30 "$ITNCTL" --json session list --control "$CTL")
check "session list with no session" [ "$out" = '{"sessions":[]}' ]

URL="iscsi://alice%secretsecret12@127.0.0.1:$TGT_PORT/$TGT_IQN/1"
id=$(timeout 60 "$ITNCTL" login "$URL" --control "$CTL")
check "login prints the session" [ -n "$id" ]
check "the LUN file appears" [ -f "$MNT/$TGT_IQN/lun1" ]
out=$(timeout 30 "$ITNCTL" --json session list --control "$CTL")
diag "$out"
case $out in *'"target":"'"$TGT_IQN"'"'*'"state":"logged-in","connections":1'*) ok "session list shows it logged in" ;;
	*) not_ok "session list shows it logged in" ;; esac
case $out in *secretsecret12*) not_ok "no secret in the list" ;; *) ok "no secret in the list" ;; esac
out=$(timeout 30 "$ITNCTL" --json session connections "$id" --control "$CTL")
case $out in *'"cid":0,"up":true'*) ok "session connections lists the connection" ;; *) diag "$out"; not_ok "session connections lists the connection" ;; esac
out=$(timeout 30 "$ITNCTL" --json session luns --control "$CTL")
case $out in *'"lun":1,"bytes":33554432'*) ok "session luns lists the file" ;; *) diag "$out"; not_ok "session luns lists the file" ;; esac

timeout 60 "$ITNCTL" logout "$id" --control "$CTL" &&
	[ "$(timeout 30 "$ITNCTL" --json session list --control "$CTL")" = '{"sessions":[]}' ]
check "logout ends the session" [ $? -eq 0 ]

# Two sessions to one target: distinct ISIDs, both logged in (two I_T nexuses).
id1=$(timeout 60 "$ITNCTL" login "$URL" --control "$CTL")
id2=$(timeout 60 "$ITNCTL" login "$URL" --control "$CTL")
check "a second session to the same target gets its own ISID" [ -n "$id1" -a -n "$id2" -a "$id1" != "$id2" ]
n=$(timeout 30 "$ITNCTL" --json session list --control "$CTL" | grep -o '"state":"logged-in"' | wc -l)
check "both sessions are logged in" [ "$n" = 2 ]

out=$(timeout 60 "$ITNCTL" login "iscsi://alice%wrongsecret99@127.0.0.1:$TGT_PORT/$TGT_IQN/1" --control "$CTL" 2>&1)
case $out in *authentication*) ok "a wrong secret fails and says authentication" ;; *) diag "$out"; not_ok "a wrong secret fails and says authentication" ;; esac
done_testing
