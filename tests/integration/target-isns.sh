#!/bin/sh
# itn-targetd --isns registers its target, portal and portal group with an
# iSNS server (itn-isnsd), keeps answering ESI, and deregisters on SIGTERM.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/target-lib.sh"
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
ITNCTL=$top_builddir/cli/itnctl
[ -x "$ISNSD_BIN" ] && [ -x "$ITNCTL" ] || bail "itn-isnsd or itnctl not built"

plan 6
P=$(free_port)
CTL=iqn.2026-01.org.itnexus.test:isns-admin
spawn srv "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$ITN_TMP/db" --control-node $CTL
wait_port "$P" 10 || bail "itn-isnsd did not start"
targetd_start tgt --target "$TGT_IQN" --lun mem:8M --isns 127.0.0.1:$P

found=1
for _ in $(seq 1 100); do
	"$ITNCTL" isns --server 127.0.0.1:$P --source $CTL list nodes > "$ITN_TMP/nodes" 2>&1
	grep -q "$TGT_IQN" "$ITN_TMP/nodes" && { found=0; break; }
	sleep 0.2
done
sed 's/^/# /' "$ITN_TMP/nodes"
check "the target is registered within 20 s" [ $found -eq 0 ]
"$ITNCTL" --json isns --server 127.0.0.1:$P --source $CTL query iscsi-name=$TGT_IQN > "$ITN_TMP/q.json" 2>&1
check "with its portal address" grep -q '"portal-ip","value":"127.0.0.1"' "$ITN_TMP/q.json"
check "and its listening port" grep -q "\"portal-port\",\"value\":\"$tgt_port/tcp\"" "$ITN_TMP/q.json"
check "and a portal group" grep -q '"type":"portal-group"' "$ITN_TMP/q.json"
kill -TERM "$tgt_pid"
gone=1
for _ in $(seq 1 50); do
	"$ITNCTL" isns --server 127.0.0.1:$P --source $CTL list nodes > "$ITN_TMP/nodes2" 2>&1
	grep -q "$TGT_IQN" "$ITN_TMP/nodes2" || { gone=0; break; }
	sleep 0.2
done
check "SIGTERM deregisters the target" [ $gone -eq 0 ]
check "itn-isnsd still running" kill -0 "$srv_pid"
done_testing
