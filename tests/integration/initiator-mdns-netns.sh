#!/bin/sh
# itn-initiatord --discover mdns across two hosts (tests/lib/mdns-netns.sh):
# in A, itn-targetd --mdns with a RAM LUN behind CHAP; in B, itn-initiatord
# --mount DIR --connections 2 --discover mdns --discover-match GLOB with
# CHAP from the environment.  The announced target's LUN appears as
# DIR/<iqn>/lun0 with its size and carries data both ways, in one session
# of 2 connections shown with origin mdns; a target started later appears
# too; one whose name does not match the glob is not connected; a target
# that restarts at once keeps its files; one stopped for good keeps them
# through the grace period (5 s), then loses them while the daemon keeps
# serving the other; a session the user logged out stays out, and the
# withdrawal of its target later leaves the daemon running.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/mdns-netns.sh"
TARGETD=$top_builddir/target/itn-targetd
DAEMON=$top_builddir/initiator/itn-initiatord
ITNCTL=$top_builddir/cli/itnctl
for b in "$TARGETD" "$DAEMON" "$ITNCTL"; do [ -x "$b" ] || bail "$b not built"; done
[ -c /dev/fuse ] || bail "no /dev/fuse"

plan 20
T1=iqn.2026-11.org.itnexus.test:auto-one
T2=iqn.2026-11.org.itnexus.test:auto-two
T3=iqn.2026-11.org.itnexus.test:other-three
CHAP_USER=autouser
CHAP_SECRET=auto-secret-0123
MNT=$ITN_TMP/mnt
CTL=$ITN_TMP/ctl.sock
mdns_netns_create
start_bus a "$nsa_pid"
start_bus b "$nsb_pid"
start_avahi avahia "$nsa_pid" avahi-a
start_avahi avahib "$nsb_pid" avahi-b

# target NAME IQN PORT: an announced target in A (RAM LUN, CHAP).
target() {
	spawn "$1" env ITN_CHAP="$CHAP_USER:$CHAP_SECRET" DBUS_SYSTEM_BUS_ADDRESS=$BUS \
		nsenter -t "$nsa_pid" -n -m "$TARGETD" -f --listen "192.0.2.1:$3" --target "$2" \
		--lun mem:16M --mdns --control "$ITN_TMP/$1.sock"
	wait_log "$1" "ready on port $3" 10 || bail "itn-targetd $2 did not start"
}
# in_b_until SECONDS CMD...: until CMD succeeds in host B.
in_b_until() {
	_s=$1; shift; _i=0
	while [ $_i -lt $((_s * 10)) ]; do
		in_b "$@" 2> /dev/null && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
sessions() { timeout 10 "$ITNCTL" --json session list --control "$CTL" | tr '{' '\n'; }

target tgt1 "$T1" 3260
mkdir -p "$MNT"
spawn ini env ITN_CHAP_USERNAME=$CHAP_USER ITN_CHAP_PASSWORD=$CHAP_SECRET DBUS_SYSTEM_BUS_ADDRESS=$BUS \
	nsenter -t "$nsb_pid" -n -m "$DAEMON" -f --mount "$MNT" --control "$CTL" \
	--connections 2 --discover mdns --discover-match 'iqn.2026-11.org.itnexus.test:auto-*'
F1=$MNT/$T1/lun0
F2=$MNT/$T2/lun0
check "the daemon browses _iscsi._tcp" wait_log ini "mDNS: browsing _iscsi._tcp" 10
check "the announced target's LUN appears as $T1/lun0" in_b_until 30 test -f "$F1"
check "with the LUN's size (16 MiB)" [ "$(in_b stat -c %s "$F1")" = 16777216 ]
head -c 1048576 /dev/urandom > "$ITN_TMP/data"
in_b dd if="$ITN_TMP/data" of="$F1" bs=64k seek=3 conv=fsync,notrunc 2> "$ITN_TMP/dd.log"
check "a write through the file succeeds" [ $? -eq 0 ]
check "and reads back identically" in_b cmp -s -n 1048576 -i 0:196608 "$ITN_TMP/data" "$F1"
check "the daemon logged in with CHAP from the announcement (auth chap)" \
	grep -q "mDNS: found $T1 at 192.0.2.1:3260 (tpgt 1, auth chap)" "$ITN_TMP/ini.log"
sessions > "$ITN_TMP/s1.txt"
sed 's/^/# /' "$ITN_TMP/s1.txt"
check "one session to it, with --connections 2 and origin mdns" \
	[ "$(grep -c "\"target\":\"$T1\".*\"connections\":2,.*\"origin\":\"mdns\"" "$ITN_TMP/s1.txt")" = 1 ]

target tgt2 "$T2" 3261
target tgt3 "$T3" 3262
check "a target started later appears as $T2/lun0" in_b_until 30 test -f "$F2"
check "one not matching --discover-match is left alone (logged)" \
	wait_log ini "mDNS: $T3 matches no --discover-match" 20
check "and has no files" in_b test ! -e "$MNT/$T3"
sessions > "$ITN_TMP/s2.txt"
check "still one session per target (two in all)" [ "$(grep -c '"origin":"mdns"' "$ITN_TMP/s2.txt")" = 2 ]

# A quick restart of T2: withdrawn, back within the grace period.
kill -TERM "$tgt2_pid"
wait_log ini "mDNS: $T2 withdrawn, logging out in" 10 || :
i=0; while kill -0 "$tgt2_pid" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
target tgt2b "$T2" 3261
check "a target back within the grace period keeps its session" \
	wait_log ini "mDNS: $T2 is back within the grace period" 10
sleep 6
check "and its files" in_b test -f "$F2"

# T1 goes for good.
kill -TERM "$tgt1_pid"
check "a stopped target is seen withdrawn" wait_log ini "mDNS: $T1 withdrawn, logging out in" 10
check "its file stays during the grace period" in_b test -f "$F1"
in_b_until 30 test ! -e "$F1"
check "after the grace period its LUN file and directory are gone" in_b test ! -e "$MNT/$T1"
check "the daemon still serves the other target" \
	in_b dd if="$F2" of=/dev/null bs=64k count=4 iflag=direct status=none

# The user logs the other out (control API); its withdrawal later must
# leave the daemon alone.
sid=$(sessions | sed -n "s/^\"session\":\"\($T2,[0-9a-f]*\)\".*/\1/p" | head -n 1)
timeout 10 "$ITNCTL" logout "$sid" --control "$CTL" > "$ITN_TMP/logout.log" 2>&1
check "itnctl logout of the mDNS session $sid works" [ $? -eq 0 ]
check "its files go with it" in_b_until 10 test ! -e "$MNT/$T2"
kill -TERM "$tgt2b_pid"
wait_log ini "mDNS: $T2 was logged out already" 20 || :
check "its withdrawal after the grace period leaves the daemon running" \
	sh -c "grep -q 'mDNS: $T2 was logged out already' '$ITN_TMP/ini.log' && kill -0 $ini_pid"
done_testing
