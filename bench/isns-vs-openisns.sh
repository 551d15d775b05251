#!/bin/sh
# iSNS registrations per second over one connection: itn-isnsd (durable:
# each answer only after its SQLite commit with synchronous=FULL) against
# open-isns's isnsd (file database, no fsync), same load generator, same
# run; then one query over 10,000 registered targets on itn-isnsd.
#   bench/isns-vs-openisns.sh [BUILDDIR]   (COUNT=2000 WINDOW=32 BIG=10000)
set -e
B=${1:-$(pwd)}
LOAD=$B/bench/isns-load
ISNSD=$B/isnsd/itn-isnsd
COUNT=${COUNT:-2000}
WINDOW=${WINDOW:-128}
BIG=${BIG:-10000}
[ -x "$LOAD" ] && [ -x "$ISNSD" ] || { echo "build first (make -C bench isns-load, make -C isnsd)" >&2; exit 1; }
command -v isnsd > /dev/null || PATH=$PATH:/usr/sbin
# On disk, not tmpfs, so that fsync costs what it costs.
DIR=$(mktemp -d /var/tmp/isns-bench.XXXXXX)
PIDS=""
cleanup() { for p in $PIDS; do kill -TERM "$p" 2> /dev/null || true; done; sleep 0.5; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
port() { p=$((30000 + $$ % 5000 + $1)); while ss -Hltn "sport = :$p" | grep -q .; do p=$((p + 1)); done; echo $p; }
waitp() { i=0; while ! ss -Hltn "sport = :$1" | grep -q . && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
rate() { sed -n 's/.*per-second \([0-9]*\).*/\1/p'; }

CTL=iqn.2024-01.bench.lab:admin
P1=$(port 1)
"$ISNSD" -f --listen 127.0.0.1:$P1 --db "$DIR/ours" --control-node $CTL > "$DIR/ours.log" 2>&1 &
PIDS="$PIDS $!"
waitp $P1

P2=$(port 7)
cat > "$DIR/isnsd.conf" <<CONF
SourceName = iqn.2024-01.bench.lab:isnsd
Database = $DIR/theirs
BindAddress = 127.0.0.1:$P2
PIDFile = $DIR/isnsd.pid
ControlSocket = $DIR/isnsctl
RegistrationPeriod = 2h
DefaultDiscoveryDomain = 1
SLPRegister = 0
Security = 0
CONF
isnsd -4 -c "$DIR/isnsd.conf" -f > "$DIR/theirs.log" 2>&1 &
PIDS="$PIDS $!"
waitp $P2

echo "== $COUNT registrations (entity + portal + target node each), one connection each"
# open-isns slows down as its database grows: its first 400 registrations
# (on an empty database) are its best case; report both ratios.
# open-isns resets a connection that carries more than one request at a
# time (it reads past its 8 KiB message buffer), so it gets window 1.
THEIRS400=$("$LOAD" --server 127.0.0.1:$P2 --count 400 --window 1 --first 900000 --prefix iqn.2024-01.bench.lab:first)
echo "open-isns, first 400:        $THEIRS400"
THEIRS=$("$LOAD" --server 127.0.0.1:$P2 --count $COUNT --window 1)
echo "open-isns, next $COUNT:       $THEIRS"
OURS=$("$LOAD" --server 127.0.0.1:$P1 --count $COUNT --window $WINDOW)
echo "itn-isnsd, $COUNT (fsync'd, $WINDOW in flight):  $OURS"
a=$(echo "$OURS" | rate); b=$(echo "$THEIRS" | rate); b0=$(echo "$THEIRS400" | rate)
echo "ratio itn-isnsd / open-isns, same $COUNT registrations: $(awk "BEGIN { printf \"%.1f\", $a / $b }")"
echo "ratio itn-isnsd / open-isns at its best (first 400):   $(awk "BEGIN { printf \"%.1f\", $a / $b0 }")"

echo "== one query over $BIG registered targets (itn-isnsd; open-isns fails past ~180 nodes)"
"$LOAD" --server 127.0.0.1:$P1 --count $((BIG - COUNT)) --window $WINDOW --first $COUNT --query-as $CTL | sed 's/^/itn-isnsd: /'
"$LOAD" --server 127.0.0.1:$P2 --count 0 --query-as iqn.2024-01.bench.lab:target-000001 | sed 's/^/open-isns: /' || true
