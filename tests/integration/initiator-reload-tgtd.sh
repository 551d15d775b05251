#!/bin/sh
# SIGHUP reloads itn-initiatord's initiator.xml and applies the difference
# (design brief).  tgtd serves four targets: "keep" (untouched by the
# edit), "gone" (its record is removed), "new" (its record is added) and
# "change" (its record goes from one session to two).  A dd reads through
# keep's FUSE file across the reload and keeps going, and keep's session
# keeps its TSIH, its TCP connection and has no recovery; gone's file
# disappears; new's appears; change is logged in again with two sessions.
# A broken file on a later reload is refused with file:line in the log and
# the sessions stay as they are.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

need_initiatord
plan 16
tgtd_start
# target TID NAME FILE|null: one more target of this tgtd with LUN 1.
target() {
	if [ "$1" != 1 ]; then
		tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode target --tid "$1" -T "$TGT_IQN-$2" &&
		tgtadm -C "$TGT_CTL" --lld iscsi --op bind --mode target --tid "$1" -I ALL ||
			bail "tgtadm cannot create target $2"
	fi
	if [ "$3" = null ]; then
		tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode logicalunit --tid "$1" --lun 1 \
			-E null -b /dev/null/x --device-type disk
	else
		truncate -s 16M "$3" &&
		tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode logicalunit --tid "$1" --lun 1 -b "$3"
	fi || bail "tgtadm cannot add a LUN to target $2"
}
# The first target already exists under TGT_IQN; the others get suffixes.
KEEP=$TGT_IQN GONE=$TGT_IQN-gone NEW=$TGT_IQN-new CHANGE=$TGT_IQN-change
target 1 keep null
target 2 gone "$ITN_TMP/gone.img"
target 3 new "$ITN_TMP/new.img"
target 4 change "$ITN_TMP/change.img"

CONF=$ITN_TMP/initiator.xml
P=127.0.0.1:$TGT_PORT
node() { printf '  <node target="%s" portal="%s" auto-connect="yes" sessions="%s"/>\n' "$1" "$P" "${2:-1}"; }
{ echo '<initiator>'; node "$KEEP"; node "$GONE"; node "$CHANGE"; echo '</initiator>'; } > "$CONF"

MNT=$ITN_TMP/mnt
CTL=$ITN_TMP/ctl.sock
LOG=$ITN_TMP/initiatord.log
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f -c "$CONF" --mount "$MNT" --control "$CTL"
for t in "$KEEP" "$GONE" "$CHANGE"; do
	wait_file "$MNT/$t/lun1" 15 || bail "$t/lun1 did not appear (see $LOG)"
done

# session FIELD TARGET: FIELD (tsih, session, recoveries) of the sessions
# to TARGET, one a line.
session() {
	timeout 10 "$ITNCTL" --json session list --control "$CTL" | tr '{' '\n' |
		grep "\"target\":\"$2\"" |
		sed -n -e "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p;t" -e "s/.*\"$1\":\([^,}]*\).*/\1/p"
}
# local_addr ID: the local address of the session's first connection.
local_addr() {
	timeout 10 "$ITNCTL" --json session connections "$1" --control "$CTL" |
		sed -n 's/.*"local":"\([^"]*\)".*/\1/p' | head -n 1
}
KEEP_TSIH=$(session tsih "$KEEP")
KEEP_ID=$(session session "$KEEP")
KEEP_LOCAL=$(local_addr "$KEEP_ID")
CHANGE_TSIH=$(session tsih "$CHANGE")
[ -n "$KEEP_TSIH" ] && [ -n "$KEEP_LOCAL" ] && [ -n "$CHANGE_TSIH" ] || bail "no session list from the daemon"

# A reader on keep's file that outlives the reload (1 TiB null LUN).
( exec dd if="$MNT/$KEEP/lun1" of=/dev/null bs=1M count=1000000 2> "$ITN_TMP/dd.log" ) &
DD=$!
at_exit "kill $DD"
sleep 1
rchar() { sed -n 's/^rchar: //p' "/proc/$DD/io" 2> /dev/null; }
before=$(rchar)

# The edit: gone removed, new added, change from one session to two.
{ echo '<initiator>'; node "$KEEP"; node "$NEW"; node "$CHANGE" 2; echo '</initiator>'; } > "$CONF.tmp"
mv "$CONF.tmp" "$CONF"
kill -HUP "$initiatord_pid"
i=0
while ! grep -q "reload: done" "$LOG" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "the reload finishes" grep -q "reload: done: 1 logged out, 1 changed, 1 new, 1 untouched" "$LOG"
wait_file "$MNT/$NEW/lun1" 15
check "the added record is logged in and its LUN file appears" [ -e "$MNT/$NEW/lun1" ]
i=0
while [ -e "$MNT/$GONE/lun1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "the removed record's LUN file disappears" [ ! -e "$MNT/$GONE/lun1" ]
check "and its session is gone" [ -z "$(session tsih "$GONE")" ]
i=0
while [ "$(session tsih "$CHANGE" | wc -l)" -lt 2 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
check "the changed record has two sessions now" [ "$(session tsih "$CHANGE" | wc -l)" -eq 2 ]
session tsih "$CHANGE" | grep -qx "$CHANGE_TSIH"
check "both new (TSIH $CHANGE_TSIH is gone)" [ $? -ne 0 ]
check "tgtd sees no session to the removed target" \
	[ "$(tgtadm -C "$TGT_CTL" --lld iscsi --op show --mode conn --tid 2 | grep -c 'Connection:')" -eq 0 ]

# The untouched session: same TSIH, same TCP connection, no recovery, and
# the dd through its file still reads.
sleep 1
after=$(rchar)
check "dd through the untouched LUN is still running" kill -0 "$DD"
check "and still reading ($before -> $after bytes)" [ "${after:-0}" -gt "${before:-0}" ]
check "the untouched session keeps its TSIH ($KEEP_TSIH)" [ "$(session tsih "$KEEP")" = "$KEEP_TSIH" ]
check "and its TCP connection ($KEEP_LOCAL)" [ "$(local_addr "$KEEP_ID")" = "$KEEP_LOCAL" ]
check "and was never recovered" [ "$(session recoveries "$KEEP")" = 0 ]

# A broken file: refused with file:line, nothing changes.
{ echo '<initiator>'; node "$KEEP"; echo '  <node target="x" portal="h" connections="99"/>'; echo '</initiator>'; } > "$CONF"
kill -HUP "$initiatord_pid"
i=0
while ! grep -q "reload refused" "$LOG" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "a broken file is refused with file:line" grep -q "reload refused.*initiator.xml:3:" "$LOG"
sleep 1
check "and the sessions stay (new is still there)" [ -e "$MNT/$NEW/lun1" ]
check "the dd is still reading, nothing in its log" sh -c "kill -0 $DD && ! grep -qi error '$ITN_TMP/dd.log'"
kill "$DD"
check "the untouched session still has TSIH $KEEP_TSIH" [ "$(session tsih "$KEEP")" = "$KEEP_TSIH" ]
done_testing
