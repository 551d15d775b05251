#!/bin/sh
# Login redirection (RFC 7143 sec. 11.13.5, status class 1): tgtd A on
# 127.0.0.1 redirects its target to tgtd B on 127.0.0.2, which serves the
# same IQN from another file.  itnctl inquiry, write and read and
# itn-initiatord --connect through A all land on B (B's file holds the
# data, A's does not; B lists the connection, A none).  After a connection
# drop a temporarily redirected session logs in at A again first (A
# redirects once more); a permanently redirected one goes straight to B.
# A portal that redirects to itself ends with "too many login
# redirections", quickly.
#
# tgtd redirects only initiators whose address differs from the
# redirection's (it compares with the peer address), hence B on 127.0.0.2
# while we connect from 127.0.0.1.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

need_initiatord

plan 19
truncate -s 32M "$ITN_TMP/a.img" "$ITN_TMP/b.img"

TGT_ADDR=127.0.0.2 tgtd_start tgtd_b
B_PORT=$TGT_PORT B_CTL=$TGT_CTL
tgtd_add_lun 1 "$ITN_TMP/b.img"
TGT_ADDR=127.0.0.1 tgtd_start tgtd_a
A_PORT=$TGT_PORT A_CTL=$TGT_CTL
tgtd_add_lun 1 "$ITN_TMP/a.img"
URL=iscsi://127.0.0.1:$A_PORT/$TGT_IQN/1

# redirect REASON ADDR PORT: make A redirect its target.
redirect() {
	tgtadm -C "$A_CTL" --lld iscsi --op update --mode target --tid 1 -n RedirectAddress -v "$2" &&
	tgtadm -C "$A_CTL" --lld iscsi --op update --mode target --tid 1 -n RedirectPort -v "$3" &&
	tgtadm -C "$A_CTL" --lld iscsi --op update --mode target --tid 1 -n RedirectReason -v "$1" ||
		bail "tgtadm cannot set up the redirection"
}
# conns CTL: how many connections tgtd has on its target.
conns() { tgtadm -C "$1" --lld iscsi --op show --mode conn --tid 1 | grep -c 'Connection:'; }
# drop_conn CTL: tgtd closes the (one) connection of its target.
drop_conn() {
	_out=$(tgtadm -C "$1" --lld iscsi --op show --mode conn --tid 1)
	_sid=$(echo "$_out" | sed -n 's/^ *Session: *//p' | head -n 1)
	_cid=$(echo "$_out" | sed -n 's/^ *Connection: *//p' | head -n 1)
	tgtadm -C "$1" --lld iscsi --op delete --mode conn --tid 1 --sid "$_sid" --cid "$_cid" ||
		bail "tgtadm cannot drop the connection: $_out"
}
# count WORD FILE: lines of FILE holding WORD.
count() { grep -c "$1" "$2" || :; }

redirect Temporary 127.0.0.2 "$B_PORT"
out=$(tgtadm -C "$A_CTL" --lld iscsi --op show --mode target --tid 1)
case $out in *"RedirectAddress=127.0.0.2"*"RedirectPort=$B_PORT"*"RedirectReason=Temporary"*)
	ok "tgtd A reports the temporary redirection" ;;
	*) diag "$out"; not_ok "tgtd A reports the temporary redirection" ;; esac

# ---- itnctl through the redirecting portal ----
out=$(timeout 30 "$ITNCTL" --json inquiry "$URL" 2> "$ITN_TMP/inq.err")
case $out in *'"type":"disk"'*) ok "itnctl inquiry through A answers" ;;
	*) diag "$out $(cat "$ITN_TMP/inq.err")"; not_ok "itnctl inquiry through A answers" ;; esac
check "and says it was redirected to B" grep -q "redirected temporarily to 127.0.0.2:$B_PORT" "$ITN_TMP/inq.err"

head -c 3145728 /dev/urandom > "$ITN_TMP/data"
timeout 60 "$ITNCTL" write "$URL" --offset 1M < "$ITN_TMP/data" 2> /dev/null
check "itnctl write through A exits 0" [ $? -eq 0 ]
timeout 60 "$ITNCTL" read "$URL" --offset 1M --length 3M > "$ITN_TMP/back" 2> /dev/null
check "itnctl read through A gives the data back" cmp -s "$ITN_TMP/data" "$ITN_TMP/back"
check "the data is in B's file" cmp -s -i 1048576:0 -n 3145728 "$ITN_TMP/b.img" "$ITN_TMP/data"
check "and not in A's" [ "$(head -c 4194304 "$ITN_TMP/a.img" | tr -d '\0' | wc -c)" -eq 0 ]

# ---- itn-initiatord --connect through A ----
MNT=$ITN_TMP/mnt
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f --control "$ITN_TMP/ctl.sock" --mount "$MNT" --connect "$URL"
F=$MNT/$TGT_IQN/lun1
wait_file "$F" 15 || bail "the LUN file did not appear (see $ITN_TMP/initiatord.log)"
check "the daemon's LUN reads the data written through itnctl" \
	cmp -s -i 1048576:0 -n 3145728 "$F" "$ITN_TMP/data"
SID=$(timeout 10 "$ITNCTL" --json session list --control "$ITN_TMP/ctl.sock" |
	sed -n 's/.*"session":"\([^"]*\)".*/\1/p')
out=$(timeout 10 "$ITNCTL" --json session connections "$SID" --control "$ITN_TMP/ctl.sock")
case $out in *'"remote":"127.0.0.2:'"$B_PORT"'"'*) ok "the daemon's connection goes to B ($SID)" ;;
	*) diag "$out"; not_ok "the daemon's connection goes to B" ;; esac
check "B has the connection, A none" [ "$(conns "$B_CTL")" -eq 1 ] && [ "$(conns "$A_CTL")" -eq 0 ]

# A dropped connection: a temporary redirection held for that login only,
# so the reinstatement starts at A again, which redirects once more.
drop_conn "$B_CTL"
i=0
while [ "$(count 'session reinstated' "$ITN_TMP/initiatord.log")" -lt 1 ] && [ $i -lt 150 ]; do
	sleep 0.1; i=$((i + 1)); done
check "after the drop the session is reinstated" grep -q "session reinstated" "$ITN_TMP/initiatord.log"
check "by asking A first (redirected a second time)" \
	[ "$(count "redirected temporarily to 127.0.0.2:$B_PORT" "$ITN_TMP/initiatord.log")" -eq 2 ]
check "and lands on B again, data intact" cmp -s -i 1048576:0 -n 3145728 "$F" "$ITN_TMP/data"
kill -TERM "$initiatord_pid"
i=0
while kill -0 "$initiatord_pid" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

# ---- a permanent redirection: remembered for the session's next logins ----
redirect Permanent 127.0.0.2 "$B_PORT"
spawn initiatord2 "$DAEMON" -f --control "$ITN_TMP/ctl2.sock" --mount "$MNT" --connect "$URL"
wait_file "$F" 15 || bail "the LUN file did not appear (see $ITN_TMP/initiatord2.log)"
check "a permanent redirection is followed" grep -q "redirected permanently to 127.0.0.2:$B_PORT" "$ITN_TMP/initiatord2.log"
drop_conn "$B_CTL"
i=0
while [ "$(count 'session reinstated' "$ITN_TMP/initiatord2.log")" -lt 1 ] && [ $i -lt 150 ]; do
	sleep 0.1; i=$((i + 1)); done
check "after a drop the session is reinstated" grep -q "session reinstated" "$ITN_TMP/initiatord2.log"
check "straight at B (no second redirection)" [ "$(count "redirected" "$ITN_TMP/initiatord2.log")" -eq 1 ]
check "B has the connection again" [ "$(conns "$B_CTL")" -eq 1 ]
kill -TERM "$initiatord2_pid"
i=0
while kill -0 "$initiatord2_pid" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

# ---- a redirection loop: A sends its target to A (its second portal) ----
tgtadm -C "$A_CTL" --lld iscsi --op new --mode portal --param "portal=127.0.0.2:$A_PORT" ||
	bail "tgtadm cannot add a portal to A"
redirect Temporary 127.0.0.2 "$A_PORT"
start=$(date +%s)
out=$(timeout 60 "$ITNCTL" inquiry "$URL" 2>&1)
rc=$?
took=$(( $(date +%s) - start ))
case $rc:$out in 1:*"too many login redirections"*) ok "a redirection loop fails with 'too many login redirections'" ;;
	*) diag "rc $rc: $out"; not_ok "a redirection loop fails with 'too many login redirections'" ;; esac
check "and ends quickly (${took}s)" [ "$took" -lt 10 ]
done_testing
