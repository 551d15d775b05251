#!/bin/sh
# Durability: registrations stream in (pipelined, one connection) while
# itn-isnsd is killed with SIGKILL, three times.  After each restart every
# registration the server had acknowledged must be there.
. "$top_srcdir/tests/lib/common.sh"
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
LOAD=$top_builddir/bench/isns-load
[ -x "$ISNSD_BIN" ] && [ -x "$LOAD" ] || bail "itn-isnsd or bench/isns-load not built"
CTL=iqn.2024-01.test.lab:admin
P=$(free_port)
DB=$ITN_TMP/db
ROUNDS=3

plan $((ROUNDS * 3 + 1))
total=0
for r in $(seq 1 $ROUNDS); do
	spawn "srv$r" "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$DB" --control-node $CTL
	wait_port "$P" 10 || bail "itn-isnsd did not start (round $r)"
	eval "srv=\$srv${r}_pid"
	"$LOAD" --server 127.0.0.1:$P --count 1000000 --window 64 --first $((r * 1000000)) \
		--ack-log "$ITN_TMP/acks" > "$ITN_TMP/load$r.log" 2>&1 &
	load=$!
	sleep 1.5
	kill -KILL "$srv"
	wait "$load" 2> /dev/null || true
	n=$(wc -l < "$ITN_TMP/acks")
	diag "round $r: $((n - total)) registrations acknowledged before SIGKILL"
	check "round $r: the server acknowledged registrations before it was killed" [ "$n" -gt "$total" ]
	total=$n
	spawn "chk$r" "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$DB" --control-node $CTL
	wait_port "$P" 10 || bail "itn-isnsd did not restart (round $r)"
	eval "chk=\$chk${r}_pid"
	"$LOAD" --server 127.0.0.1:$P --count 0 --query-as $CTL --print-names > "$ITN_TMP/present$r" 2>&1
	check "round $r: the restarted server answers the query" grep -q '^query nodes' "$ITN_TMP/present$r"
	sed -n 's/^name //p' "$ITN_TMP/present$r" | sort > "$ITN_TMP/present$r.sorted"
	sort "$ITN_TMP/acks" > "$ITN_TMP/acks.sorted"
	missing=$(comm -23 "$ITN_TMP/acks.sorted" "$ITN_TMP/present$r.sorted" | wc -l)
	[ "$missing" -eq 0 ] || comm -23 "$ITN_TMP/acks.sorted" "$ITN_TMP/present$r.sorted" | head -5 | sed 's/^/# missing: /'
	check "round $r: all $total acknowledged registrations survived SIGKILL" [ "$missing" -eq 0 ]
	kill -TERM "$chk"
	i=0; while kill -0 "$chk" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
done
check "registrations were acknowledged at all" [ "$total" -gt 0 ]
done_testing
