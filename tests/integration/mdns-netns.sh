#!/bin/sh
# mDNS/DNS-SD across two hosts: network namespaces A (192.0.2.1) and B
# (192.0.2.2) joined by a veth pair, each with a private /run, its own
# dbus-daemon (system bus config) and its own avahi-daemon.  In A run
# itn-targetd --mdns (RAM LUN behind CHAP; started before avahi-daemon, so
# it must wait for it), itn-isnsd --mdns, and hostile _iscsi._tcp records
# from avahi-publish.  From B, `itnctl discover --mdns` must find the
# target's name, address, port, tpgt and auth=chap and the iSNS server,
# report the hostile records as skipped with a reason, and the answer must
# be usable: itnctl inquiry logs in to the portal built from it.  Then
# avahi-daemon in A restarts and the iSNS server is announced again, and
# after SIGTERM the target's service is gone.  Without avahi-daemon,
# discover fails with one line.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/mdns-netns.sh"
need_cmd avahi-publish
TARGETD=$top_builddir/target/itn-targetd
ISNSD=$top_builddir/isnsd/itn-isnsd
ITNCTL=$top_builddir/cli/itnctl
for b in "$TARGETD" "$ISNSD" "$ITNCTL"; do [ -x "$b" ] || bail "$b not built"; done

plan 20
IQN=iqn.2026-11.org.itnexus.test:mdns-disk
CTL=iqn.2026-11.org.itnexus.test:mdns-admin
CHAP_USER=mdnsuser
CHAP_SECRET=mdns-secret-0123
mdns_netns_create
start_bus a "$nsa_pid"
start_bus b "$nsb_pid"

# The target first: avahi-daemon is not there yet, which must not stop it.
spawn tgt env ITN_CHAP="$CHAP_USER:$CHAP_SECRET" DBUS_SYSTEM_BUS_ADDRESS=$BUS \
	nsenter -t "$nsa_pid" -n -m "$TARGETD" -f --listen 192.0.2.1:3260 --target "$IQN" \
	--lun mem:16M --mdns --isns 192.0.2.1:3205 --control "$ITN_TMP/tgt.sock"
wait_log tgt "ready on port 3260" 10 || bail "itn-targetd did not start"
spawn isnsd env DBUS_SYSTEM_BUS_ADDRESS=$BUS nsenter -t "$nsa_pid" -n -m \
	"$ISNSD" -f --listen 192.0.2.1:3205 --db "$ITN_TMP/isnsdb" --control-node "$CTL" --mdns
wait_log isnsd "listening on" 10 || bail "itn-isnsd did not start"
start_avahi avahia "$nsa_pid" avahi-a
start_avahi avahib "$nsb_pid" avahi-b
# Hostile records another host might announce.
spawn bad1 env DBUS_SYSTEM_BUS_ADDRESS=$BUS nsenter -t "$nsa_pid" -n -m \
	avahi-publish -s hostile-name _iscsi._tcp 3260 txtvers=1 iqn=garbage tpgt=1 auth=none
spawn bad2 env DBUS_SYSTEM_BUS_ADDRESS=$BUS nsenter -t "$nsa_pid" -n -m \
	avahi-publish -s hostile-tpgt _iscsi._tcp 3260 txtvers=1 iqn=$IQN tpgt=99999 auth=chap

# discover OUT [ARGS...]: itnctl --json discover --mdns from host B.
discover() {
	_o=$1; shift
	in_b env DBUS_SYSTEM_BUS_ADDRESS=$BUS "$ITNCTL" --json discover --mdns --timeout 4000 "$@" \
		> "$ITN_TMP/$_o" 2> "$ITN_TMP/$_o.err"
}
# until_found OUT PATTERN [ARGS...]: browse until PATTERN is in the answer
# (announcements take a probe and a few announcements, RFC 6762 sec. 8).
until_found() {
	_o=$1; _p=$2; shift 2
	for _ in $(seq 1 15); do
		discover "$_o" "$@" && grep -q -- "$_p" "$ITN_TMP/$_o" && return 0
		sleep 0.5
	done
	sed 's/^/# /' "$ITN_TMP/$_o" "$ITN_TMP/$_o.err"
	return 1
}
until_gone() {
	_o=$1; _p=$2
	for _ in $(seq 1 15); do
		discover "$_o" && ! grep -q -- "$_p" "$ITN_TMP/$_o" && return 0
		sleep 0.5
	done
	sed 's/^/# /' "$ITN_TMP/$_o" "$ITN_TMP/$_o.err"
	return 1
}

TGT_ROW="\"source\":\"mdns\",\"name\":\"$IQN\",\"address\":\"192.0.2.1\",\"port\":3260,\"portal\":\"192.0.2.1:3260\",\"tpgt\":1,\"auth\":\"chap\""
ISNS_ROW='"source":"mdns","address":"192.0.2.1","port":3205,"portal":"192.0.2.1:3205"'
check "B finds the target A announced: iqn, 192.0.2.1, port 3260, tpgt 1, auth=chap" \
	until_found d1.json "$TGT_ROW"
check "B finds the iSNS server A announced (192.0.2.1:3205)" until_found d1.json "$ISNS_ROW"
check "the target announced itself after avahi-daemon came up" grep -q "mDNS: announced" "$ITN_TMP/tgt.log"
sed 's/^/# /' "$ITN_TMP/d1.json"
check "a record with iqn=garbage is skipped with a reason" \
	grep -q '"instance":"hostile-name","portal":"192.0.2.1:3260","reason":"mDNS TXT iqn: ' "$ITN_TMP/d1.json"
check "a record with tpgt=99999 is skipped with a reason" \
	grep -q '"instance":"hostile-tpgt","portal":"192.0.2.1:3260","reason":"mDNS TXT tpgt: ' "$ITN_TMP/d1.json"
check "no CHAP secret in the answer" sh -c "! grep -q '$CHAP_SECRET' '$ITN_TMP/d1.json'"

# The answer is usable: log in to the portal it names with CHAP from env.
portal=$(sed -n "s/.*\"name\":\"$IQN\",\"address\":\"[^\"]*\",\"port\":[0-9]*,\"portal\":\"\\([^\"]*\\)\",\"tpgt\":1,\"auth\":\"chap\".*/\\1/p" \
	"$ITN_TMP/d1.json")
diag "portal from mDNS: $portal"
in_b env ITN_CHAP_USERNAME=$CHAP_USER ITN_CHAP_PASSWORD=$CHAP_SECRET \
	"$ITNCTL" --json inquiry "iscsi://$portal/$IQN/0" > "$ITN_TMP/inq.json" 2>&1
sed 's/^/# /' "$ITN_TMP/inq.json"
check "itnctl inquiry from B logs in to iscsi://$portal/$IQN/0 with CHAP" grep -q '"vendor"' "$ITN_TMP/inq.json"
in_b env ITN_CHAP_USERNAME=$CHAP_USER ITN_CHAP_PASSWORD=wrong-secret-0123 \
	"$ITNCTL" inquiry "iscsi://$portal/$IQN/0" > "$ITN_TMP/inq-bad.txt" 2>&1
check "and is refused with a wrong secret" [ $? -ne 0 ]

# --query-isns: the iSNS server found by mDNS is asked too, and knows the
# target (itn-targetd --isns registered it there).
check "--query-isns merges what the iSNS server found by mDNS knows" \
	until_found d2.json "\"source\":\"isns\",\"name\":\"$IQN\",\"address\":\"192.0.2.1\",\"port\":3260" \
	--query-isns --source "$CTL"

in_b env DBUS_SYSTEM_BUS_ADDRESS=$BUS "$ITNCTL" discover --mdns --timeout 4000 > "$ITN_TMP/table.txt" 2>&1
sed 's/^/# /' "$ITN_TMP/table.txt"
check "the table lists the target with its portal, tpgt and auth" \
	grep -Eq "^iscsi +$IQN +192\.0\.2\.1:3260 +1 +chap +" "$ITN_TMP/table.txt"

# From a configuration file (<mdns enabled="true"/>), on a name another
# host already holds: the target takes "NAME #2" (RFC 6762 sec. 9); a
# SIGHUP reload that adds a target announces it too.
T2=iqn.2026-11.org.itnexus.test:mdns-file
T3=iqn.2026-11.org.itnexus.test:mdns-added
write_conf() {
	cat > "$ITN_TMP/target.xml" <<EOF
<targetd version="1">
  <mdns enabled="true"/>
  <portal-group tag="7"><portal address="192.0.2.1:3261"/></portal-group>
  <target name="$T2"><lun number="0" backstore="mem:8M"/></target>
  $1
</targetd>
EOF
}
spawn squat env DBUS_SYSTEM_BUS_ADDRESS=$BUS nsenter -t "$nsb_pid" -n -m \
	avahi-publish -s "$T2" _iscsi._tcp 3999 txtvers=1
wait_log squat "Established under name" 10 || bail "avahi-publish in B did not announce"
write_conf ""
spawn tgt2 env DBUS_SYSTEM_BUS_ADDRESS=$BUS nsenter -t "$nsa_pid" -n -m \
	"$TARGETD" -f -c "$ITN_TMP/target.xml" --control "$ITN_TMP/tgt2.sock"
wait_log tgt2 "ready on port 3261" 10 || bail "itn-targetd -c did not start"
check "a target from the file whose name B holds is announced as '$T2 #2'" \
	until_found d7.json "\"name\":\"$T2\",\"address\":\"192.0.2.1\",\"port\":3261,\"portal\":\"192.0.2.1:3261\",\"tpgt\":7,\"auth\":\"none\",\"instance\":\"$T2 #2\""
check "itn-targetd logged the rename" grep -q "is taken, now '$T2 #2'" "$ITN_TMP/tgt2.log"
write_conf "<target name=\"$T3\"><lun number=\"0\" backstore=\"mem:8M\"/></target>"
kill -HUP "$tgt2_pid"
check "SIGHUP: the target the reload added is announced" \
	until_found d8.json "\"name\":\"$T3\",\"address\":\"192.0.2.1\",\"port\":3261"
check "and the unchanged one keeps its name" grep -q "\"instance\":\"$T2 #2\"" "$ITN_TMP/d8.json"

# avahi-daemon in A restarts: the publishers reconnect and announce again.
kill -TERM "$avahia_pid"
check "B sees the iSNS server go with A's avahi-daemon" until_gone d3.json "$ISNS_ROW"
start_avahi avahia2 "$nsa_pid" avahi-a
check "itn-isnsd announces again after avahi-daemon restarts" until_found d4.json "$ISNS_ROW"
check "itn-targetd announces again after avahi-daemon restarts" until_found d4.json "$TGT_ROW"

# SIGTERM withdraws the target's service (goodbye, RFC 6762 sec. 10.1).
kill -TERM "$tgt_pid"
check "after SIGTERM B no longer finds the target" until_gone d5.json "\"name\":\"$IQN\",\"address\""
check "itn-isnsd is still announced" grep -q -- "$ISNS_ROW" "$ITN_TMP/d5.json"

# Without avahi-daemon, one line and a non-zero exit.
kill -TERM "$avahib_pid"
i=0; while kill -0 "$avahib_pid" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
discover d6.json
rc=$?
sed 's/^/# /' "$ITN_TMP/d6.json.err"
check "without avahi-daemon discover --mdns fails with one line" \
	sh -c "[ $rc -ne 0 ] && [ \$(wc -l < '$ITN_TMP/d6.json.err') -eq 1 ] && grep -q '^itnctl: mDNS: cannot reach avahi-daemon: ' '$ITN_TMP/d6.json.err'"
done_testing
