#!/bin/sh
# itnctl isns export / import: 50 entities, a DD and a DD set exported from
# one itn-isnsd, imported into a fresh one, exported again: the same XML.
# A broken file is refused with its line number.
. "$top_srcdir/tests/lib/common.sh"
need_cmd xmllint
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
ITNCTL=$top_builddir/cli/itnctl
LOAD=$top_builddir/bench/isns-load
[ -x "$ISNSD_BIN" ] && [ -x "$ITNCTL" ] && [ -x "$LOAD" ] || bail "itn-isnsd, itnctl or isns-load not built"
CTL=iqn.2024-01.test.lab:admin
P1=$(free_port)
P2=$(free_port)
plan 7
spawn a "$ISNSD_BIN" -f --listen 127.0.0.1:$P1 --db "$ITN_TMP/a" --control-node $CTL
spawn b "$ISNSD_BIN" -f --listen 127.0.0.1:$P2 --db "$ITN_TMP/b" --control-node $CTL
wait_port "$P1" 10 && wait_port "$P2" 10 || bail "itn-isnsd did not start"
"$LOAD" --server 127.0.0.1:$P1 --count 50 > /dev/null || bail "registrations failed"
"$ITNCTL" dd --server 127.0.0.1:$P1 --source $CTL create lab \
	iqn.2024-01.bench.lab:target-000001 iqn.2024-01.bench.lab:target-000002 > /dev/null || bail "dd create"
"$ITNCTL" dd --server 127.0.0.1:$P1 --source $CTL set-create s1 1 > /dev/null || bail "dd set-create"

check "export" "$ITNCTL" isns --server 127.0.0.1:$P1 --source $CTL export "$ITN_TMP/one.xml"
check "the export matches data/isns-export.rng" xmllint --noout --relaxng "$top_srcdir/data/isns-export.rng" "$ITN_TMP/one.xml"
check "the export holds 50 entities" [ "$(grep -c '<entity>' "$ITN_TMP/one.xml")" -eq 50 ]
check "import into an empty server" "$ITNCTL" isns --server 127.0.0.1:$P2 --source $CTL import "$ITN_TMP/one.xml"
"$ITNCTL" isns --server 127.0.0.1:$P2 --source $CTL export "$ITN_TMP/two.xml"
grep -v timestamp "$ITN_TMP/one.xml" > "$ITN_TMP/one.cmp"
grep -v timestamp "$ITN_TMP/two.xml" > "$ITN_TMP/two.cmp"
check "exporting the imported server gives the same XML" cmp -s "$ITN_TMP/one.cmp" "$ITN_TMP/two.cmp"
printf '<isns-export version="1">\n <entity>\n  <attr name="portal-ip" value="nonsense"/>\n' > "$ITN_TMP/bad.xml"
"$ITNCTL" isns --server 127.0.0.1:$P2 --source $CTL import "$ITN_TMP/bad.xml" 2> "$ITN_TMP/bad.err"
rc=$?
diag "$(cat "$ITN_TMP/bad.err")"
check "a broken file is refused" [ $rc -ne 0 ]
check "... naming the file and line" grep -q "bad.xml:[0-9]" "$ITN_TMP/bad.err"
done_testing
