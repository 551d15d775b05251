#!/bin/sh
# ESI and SCN end to end: an initiator (registered for SCN) and a target,
# both daemons on discovery/isns-client (tests/isns-client-demo).  The
# target answers ESI; killed with SIGKILL, its portal misses the configured
# number of ESIs, the server drops it and its entity, and the initiator
# gets the "object removed" notification.  Then the server itself is killed
# and restarted on an empty database: the initiator registers again.
. "$top_srcdir/tests/lib/common.sh"
need_cmd isnsadm
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
DEMO=$top_builddir/tests/isns-client-demo
[ -x "$ISNSD_BIN" ] && [ -x "$DEMO" ] || bail "itn-isnsd or isns-client-demo not built"

TGT=iqn.2024-01.test.lab:esi-target
INI=iqn.2024-01.test.lab:scn-initiator
CTL=iqn.2024-01.test.lab:admin
P=$(free_port)
TP=$(free_port)
printf 'SourceName = %s\nServerAddress = 127.0.0.1:%s\nSecurity = 0\n' $CTL $P > "$ITN_TMP/ctl.conf"

nodes() { isnsadm -c "$ITN_TMP/ctl.conf" --list nodes 2>&1; }

plan 9
spawn srv "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$ITN_TMP/db" --control-node $CTL \
	--esi-misses 2 --default-dd
wait_port "$P" 10 || bail "itn-isnsd did not start"

# SCN bits: object added 8 + object removed 16.
spawn ini "$DEMO" --server 127.0.0.1:$P --name $INI --type initiator --portal 127.0.0.1:1 --scn 24 --esi-interval 1
check "initiator registers" wait_log ini '^registered' 10
spawn tgt "$DEMO" --server 127.0.0.1:$P --name $TGT --type target --portal 127.0.0.1:$TP --esi-interval 1
check "target registers" wait_log tgt '^registered' 10
check "target answers ESI" wait_log tgt '^esi' 10
check "initiator notified: target added" wait_log ini "^scn 8 $TGT" 10
check "server lists the target" sh -c "isnsadm -c '$ITN_TMP/ctl.conf' --list nodes | grep -q '$TGT'"

kill -KILL "$tgt_pid"
t0=$(date +%s)
gone=1
for _ in $(seq 1 100); do
	nodes | grep -q "$TGT" || { gone=0; break; }
	sleep 0.1
done
diag "target dropped $(( $(date +%s) - t0 )) s after SIGKILL (ESI interval 1 s, 2 misses)"
check "target dropped after missed ESIs" [ $gone -eq 0 ]
check "initiator notified: target removed" wait_log ini "^scn 16 $TGT" 10

# The server loses everything (killed, new empty database, same port):
# the initiator notices and registers again.
kill -KILL "$srv_pid"
spawn srv2 "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$ITN_TMP/db2" --control-node $CTL --default-dd
wait_port "$P" 10 || bail "itn-isnsd did not restart"
back=1
for _ in $(seq 1 150); do
	nodes | grep -q "$INI" && { back=0; break; }
	sleep 0.2
done
check "initiator registered again after the server restarted empty" [ $back -eq 0 ]
check "server still answering" sh -c "isnsadm -c '$ITN_TMP/ctl.conf' --list entities > /dev/null"
done_testing
