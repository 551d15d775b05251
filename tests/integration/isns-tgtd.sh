#!/bin/sh
# tgtd's own iSNS client registers its targets in itn-isnsd, and
# `itnctl isns` shows them (target, portal, portal group).
. "$top_srcdir/tests/lib/common.sh"
need_root
need_cmd tgtd tgtadm
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
ITNCTL=$top_builddir/cli/itnctl
[ -x "$ISNSD_BIN" ] && [ -x "$ITNCTL" ] || bail "itn-isnsd or itnctl not built"

P=$(free_port)
IP=$(free_port)
CP=$(( 1000 + $$ % 20000 ))
TGT1=iqn.2024-01.test.lab:tgtd-disk1
TGT2=iqn.2024-01.test.lab:tgtd-disk2
CTL=iqn.2024-01.test.lab:admin

plan 7
spawn srv "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$ITN_TMP/db" --control-node $CTL
wait_port "$P" 10 || bail "itn-isnsd did not start"
spawn tgtd tgtd -f -C $CP --iscsi portal=127.0.0.1:$IP
wait_port "$IP" 10 || bail "tgtd did not start"
tgtd_ready $CP 10 || bail "tgtd does not answer tgtadm -C $CP"
# tgtd keeps running while it has targets: delete them, then SIGKILL by PID.
at_exit "tgtadm -C $CP --lld iscsi --op delete --mode target --tid 1 --force; tgtadm -C $CP --lld iscsi --op delete --mode target --tid 2 --force; kill -KILL $tgtd_pid"

tgtadm -C $CP --lld iscsi --op new --mode target --tid 1 -T $TGT1 || bail "tgtadm: new target"
tgtadm -C $CP --lld iscsi --op new --mode target --tid 2 -T $TGT2 || bail "tgtadm: new target"
tgtadm -C $CP --lld iscsi --op bind --mode target --tid 1 -I ALL
tgtadm -C $CP --lld iscsi --op bind --mode target --tid 2 -I ALL
tgtadm -C $CP --op update --mode sys --name iSNSServerIP --value 127.0.0.1 || bail "tgtadm: iSNSServerIP"
tgtadm -C $CP --op update --mode sys --name iSNSServerPort --value $P || bail "tgtadm: iSNSServerPort"
tgtadm -C $CP --op update --mode sys --name iSNSAccessControl --value Off
tgtadm -C $CP --op update --mode sys --name iSNS --value On || bail "tgtadm: iSNS On"

found=1
for _ in $(seq 1 100); do
	"$ITNCTL" isns --server 127.0.0.1:$P --source $CTL list nodes > "$ITN_TMP/nodes" 2>&1
	grep -q "$TGT1" "$ITN_TMP/nodes" && grep -q "$TGT2" "$ITN_TMP/nodes" && { found=0; break; }
	sleep 0.2
done
sed 's/^/# /' "$ITN_TMP/nodes"
check "itnctl isns lists tgtd's first target" grep -q "$TGT1" "$ITN_TMP/nodes"
check "... and its second target" grep -q "$TGT2" "$ITN_TMP/nodes"
check "both within 20 s" [ $found -eq 0 ]
"$ITNCTL" --json isns --server 127.0.0.1:$P --source $CTL query iscsi-name=$TGT1 > "$ITN_TMP/q.json" 2>&1
# tgt registers its portal address with the default iSCSI port (3260), not
# the port it listens on: check the address.
check "the query shows the target's portal" grep -q '"portal-ip","value":"127.0.0.1"' "$ITN_TMP/q.json"
check "... and a portal group for it" grep -q '"type":"portal-group"' "$ITN_TMP/q.json"
"$ITNCTL" isns --server 127.0.0.1:$P --source $CTL list entities > "$ITN_TMP/ents" 2>&1
check "tgtd's entity is registered" grep -q entity "$ITN_TMP/ents"
check "itn-isnsd still running" kill -0 "$srv_pid"
done_testing
