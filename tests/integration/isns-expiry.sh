#!/bin/sh
# Registration periods (RFC 4171 sec. 6.2.6): an entity that asked for no
# period gets the server's (2 s here) and is removed when it stays silent
# longer; one that keeps talking stays.
. "$top_srcdir/tests/lib/common.sh"
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
LOAD=$top_builddir/bench/isns-load
[ -x "$ISNSD_BIN" ] && [ -x "$LOAD" ] || bail "itn-isnsd or bench/isns-load not built"
CTL=iqn.2024-01.test.lab:admin
P=$(free_port)
plan 4
spawn srv "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$ITN_TMP/db" --control-node $CTL --registration-period 2
wait_port "$P" 10 || bail "itn-isnsd did not start"
names() { "$LOAD" --server 127.0.0.1:$P --count 0 --query-as $CTL --print-names 2>/dev/null | sed -n 's/^name //p'; }

"$LOAD" --server 127.0.0.1:$P --count 2 --prefix iqn.2024-01.test.lab:quiet > /dev/null || bail "registration failed"
check "both registrations are there" [ "$(names | grep -c quiet)" -eq 2 ]
# One of them keeps refreshing (any message refreshes, sec. 6.2.6: here a
# re-registration of the same entity every second).
for _ in 1 2 3 4 5; do
	"$LOAD" --server 127.0.0.1:$P --count 1 --first 1 --prefix iqn.2024-01.test.lab:quiet > /dev/null
	sleep 1
done
left=$(names | grep quiet)
diag "left after 5 s: $left"
check "the silent entity expired" sh -c "! echo '$left' | grep -q quiet-000000"
check "the talking one is still registered" sh -c "echo '$left' | grep -q quiet-000001"
check "itn-isnsd still running" kill -0 "$srv_pid"
done_testing
