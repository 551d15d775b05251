#!/bin/sh
# itn-targetd answers the iSNS server's ESI; killed with SIGKILL (no chance
# to deregister), it misses the polls, itn-isnsd drops its entity after the
# configured number of misses, and an initiator registered for SCN hears
# "object removed" (RFC 4171 sec. 6.3.4, 6.4.4).
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/target-lib.sh"
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
ITNCTL=$top_builddir/cli/itnctl
DEMO=$top_builddir/tests/isns-client-demo
[ -x "$ISNSD_BIN" ] && [ -x "$ITNCTL" ] && [ -x "$DEMO" ] || bail "itn-isnsd, itnctl or isns-client-demo not built"

plan 7
P=$(free_port)
CTL=iqn.2026-01.org.itnexus.test:isns-admin
INI=iqn.2026-01.org.itnexus.test:scn-listener
spawn srv "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$ITN_TMP/db" --control-node $CTL \
	--esi-misses 2 --default-dd
wait_port "$P" 10 || bail "itn-isnsd did not start"

listed() { "$ITNCTL" isns --server 127.0.0.1:$P --source $CTL list nodes 2>&1 | grep -q "$TGT_IQN"; }

# SCN bits: object added 8 + object removed 16.
spawn ini "$DEMO" --server 127.0.0.1:$P --name $INI --type initiator --portal 127.0.0.1:1 --scn 24 --esi-interval 1
check "the SCN listener registers" wait_log ini '^registered' 10

targetd_start tgt --target "$TGT_IQN" --lun mem:8M --isns 127.0.0.1:$P --isns-esi-interval 1
found=1
for _ in $(seq 1 100); do listed && { found=0; break; }; sleep 0.2; done
check "itn-targetd registers its target" [ $found -eq 0 ]
check "the listener hears it added" wait_log ini "^scn 8 $TGT_IQN" 10
sleep 3
check "still registered after several ESI rounds (it answers them)" listed

kill -KILL "$tgt_pid"
t0=$(date +%s)
gone=1
for _ in $(seq 1 150); do listed || { gone=0; break; }; sleep 0.1; done
diag "target dropped $(( $(date +%s) - t0 )) s after SIGKILL (ESI every 1 s, 2 misses)"
check "dropped after missed ESIs" [ $gone -eq 0 ]
check "the listener hears it removed" wait_log ini "^scn 16 $TGT_IQN" 10
check "itn-isnsd still running" kill -0 "$srv_pid"
done_testing
