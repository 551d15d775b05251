#!/bin/sh
# itn-targetd's configuration and control: start the daemon from a target.xml
# with a control socket, change it with `itnctl target` (applied live, and the
# file rewritten atomically), list with --json, edit the file and send SIGHUP
# while libiscsi's iscsi-perf keeps a session open on a target the edit does
# not concern, and check that session survives.  Secrets never reach the
# daemon's log or --json output.
. "$top_srcdir/tests/lib/common.sh"

need_cmd iscsi-inq iscsi-ls iscsi-perf xmllint ss
TARGETD=$top_builddir/target/itn-targetd
ITNCTL=$top_builddir/cli/itnctl
[ -x "$TARGETD" ] || bail "itn-targetd is not built ($TARGETD)"
[ -x "$ITNCTL" ] || bail "itnctl is not built ($ITNCTL)"

T1=iqn.2026-01.org.example:control-one
T2=iqn.2026-01.org.example:control-two
SECRET=control-test-secret-9876
port=$(free_port)
cfg=$ITN_TMP/target.xml
sock=$ITN_TMP/control.sock
cat > "$cfg" <<EOF
<?xml version="1.0"?>
<!-- written by target-control.sh -->
<targetd version="1">
  <portal-group tag="1"><portal address="127.0.0.1:$port"/></portal-group>
  <target name="$T1"><lun number="0" backstore="mem:16M"/></target>
</targetd>
EOF
chmod 644 "$cfg"

ctl() { "$ITNCTL" target --control "$sock" "$@"; }
# q CMD...: run CMD with its output in the test's log, not in the TAP stream.
q() { "$@" >> "$ITN_TMP/commands.log" 2>&1; }
json_has() { printf '%s' "$1" | grep -q -- "$2"; }

spawn targetd "$TARGETD" -f -c "$cfg" --control "$sock"
wait_port "$port" 10 || { cat "$ITN_TMP/targetd.log"; bail "itn-targetd did not listen on $port"; }
i=0; while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || bail "no control socket at $sock"

# 1-2: the socket is private to its owner and group.
check "control socket has mode 0660" test "$(stat -c %a "$sock")" = 660
out=$(ctl --json list)
check "list --json shows the configured target" json_has "$out" "\"name\":\"$T1\""

# 3-6: add a target and a LUN: live, and written back to the file.
check "target add" q ctl add "$T2" --alias "second one"
out=$(ctl --json lun add "$T2" mem:32M)
check "lun add picks LUN 0 and says so in JSON" json_has "$out" '"lun":0'
check "the file names the new target and LUN" \
	sh -c "grep -q 'name=\"$T2\"' '$cfg' && grep -q 'backstore=\"mem:32M\"' '$cfg'"
check "the rewritten file matches the schema" \
	q xmllint --noout --relaxng "$top_srcdir/data/target.rng" "$cfg"
check "the new LUN serves at once (iscsi-inq)" \
	q iscsi-inq "iscsi://127.0.0.1:$port/$T2/0"
check "SendTargets lists the new target (iscsi-ls)" \
	sh -c "iscsi-ls 'iscsi://127.0.0.1:$port' | grep -q '$T2'"
out=$(ctl --json list)
check "list --json counts the new LUN" json_has "$out" "\"name\":\"$T2\",\"alias\":\"second one\",\"luns\":1"

# 9-12: a CHAP account: the secret from the environment, never echoed.
out=$(ITN_CHAP_SECRET=$SECRET ctl --json account add "$T2" alice)
check "account add with the secret from the environment" json_has "$out" '"ok":true'
check "a file holding a secret inline becomes mode 0600" test "$(stat -c %a "$cfg")" = 600
out=$(ctl --json account list "$T2")
check "account list shows the user, not the secret" \
	sh -c "printf '%s' '$out' | grep -q alice && ! printf '%s' '$out' | grep -q '$SECRET'"
check "a short secret is refused with a reason" \
	sh -c "! ITN_CHAP_SECRET=short '$ITNCTL' target --control '$sock' account add '$T2' bob 2> '$ITN_TMP/err' &&
	       grep -q 'must be 12 to 255' '$ITN_TMP/err' && ! grep -q short: '$ITN_TMP/err'"
q ctl account remove "$T2" alice
printf '%s\n' "$SECRET-file" > "$ITN_TMP/secret"
chmod 644 "$ITN_TMP/secret"
check "a secret file readable by others is refused" \
	sh -c "! '$ITNCTL' target --control '$sock' account add '$T2' carol --secret-file '$ITN_TMP/secret' 2> '$ITN_TMP/err' &&
	       grep -q 'chmod 600' '$ITN_TMP/err'"
chmod 600 "$ITN_TMP/secret"
check "a 0600 secret file is accepted" q ctl account add "$T2" carol --secret-file "$ITN_TMP/secret"
check "a secret on the command line is refused, not echoed" \
	sh -c "! '$ITNCTL' target --control '$sock' account add '$T2' dave '$SECRET-argv' 2> '$ITN_TMP/err' &&
	       grep -q 'never taken from the command line' '$ITN_TMP/err' && ! grep -q -- '-argv' '$ITN_TMP/err'"
q ctl account remove "$T2" carol
"$ITNCTL" target --control "$sock" lun add "$T2" "file:$ITN_TMP/missing/disk.img" > /dev/null 2> "$ITN_TMP/err"
check "a LUN whose file cannot be opened is refused (exit 1)" test $? = 1
check "... the file is not changed by a refused change" sh -c "! grep -q missing/disk.img '$cfg'"

# 13-14: failures: one line, non-zero exit.
"$ITNCTL" target --control "$sock" remove iqn.2026-01.org.example:nothing > /dev/null 2> "$ITN_TMP/err"
rc=$?
check "removing an unknown target fails with exit 1" test "$rc" = 1
check "... and a one-line reason" test "$(wc -l < "$ITN_TMP/err")" = 1

# 15-: a session on T1 stays up while the file changes T2 and SIGHUP applies it.
spawn perf iscsi-perf -m 4 "iscsi://127.0.0.1:$port/$T1/0"
tsih=""
i=0
while [ $i -lt 50 ]; do
	out=$(ctl --json sessions)
	tsih=$(printf '%s' "$out" | sed -n "s/.*\"target\":\"$T1\"[^}]*\"tsih\":\([0-9]*\).*/\1/p")
	[ -n "$tsih" ] && break
	sleep 0.2; i=$((i + 1))
done
check "iscsi-perf holds a session on $T1 (TSIH ${tsih:-none})" test -n "$tsih"
# Edit by hand: a second LUN for T2 and an ACL entry for T2.
sed -i "s|<lun number=\"0\" backstore=\"mem:32M\"/>|<lun number=\"0\" backstore=\"mem:32M\"/><lun number=\"5\" backstore=\"mem:8M\" read-only=\"true\"/>|" "$cfg"
check "the hand edit is in the file" grep -q 'number="5"' "$cfg"
kill -HUP "$targetd_pid"
i=0
while [ $i -lt 50 ]; do
	ctl --json lun list "$T2" | grep -q '"lun":5' && break
	sleep 0.1; i=$((i + 1))
done
out=$(ctl --json lun list "$T2")
check "SIGHUP applied the new LUN" json_has "$out" '"lun":5,"backstore":"mem:8M","read-only":true'

check "the reload is logged with what changed" grep -q "reload: LUN 5 of $T2 added" "$ITN_TMP/targetd.log"
check "the new LUN answers (iscsi-inq)" q iscsi-inq "iscsi://127.0.0.1:$port/$T2/5"
sleep 1
check "iscsi-perf is still running" kill -0 "$perf_pid"
out=$(ctl --json sessions)
check "the session on $T1 kept its TSIH $tsih" json_has "$out" "\"target\":\"$T1\"[^}]*\"tsih\":$tsih,"

# A broken file: SIGHUP changes nothing and the reason names file:line.
cp "$cfg" "$ITN_TMP/good.xml"
sed -i 's|<lun number="5" backstore="mem:8M" read-only="true"/>|<lun number="6"/>|' "$cfg"
kill -HUP "$targetd_pid"
i=0
while ! grep -q "reload refused" "$ITN_TMP/targetd.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "a broken file is refused with file:line and what was expected" \
	grep -q "reload refused: $cfg:[0-9]*: element lun: expected attribute 'backstore'" "$ITN_TMP/targetd.log"
out=$(ctl --json lun list "$T2")
check "LUN 5 is still configured after the refused reload" json_has "$out" '"lun":5,'

check "the daemon still answers SendTargets" sh -c "iscsi-ls 'iscsi://127.0.0.1:$port' | grep -q '$T1'"

check "no secret in the daemon's log" sh -c "! grep -q '$SECRET' '$ITN_TMP/targetd.log'"
kill -TERM "$perf_pid" 2> /dev/null
kill -TERM "$targetd_pid"
i=0; while kill -0 "$targetd_pid" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGTERM stops the daemon and removes the control socket" test ! -e "$sock"
done_testing
