#!/bin/sh
# libiscsi's conformance suite against itn-targetd started from flags:
# iscsi-test-cu --dataloss --test=ALL with two paths (both of its
# initiator names on the ACL).  Each failing test is listed.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/target-lib.sh"
need_cmd iscsi-test-cu

plan 3
I1=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test
I2=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test-2
# A sparse file: the thin provisioning tests (UNMAP, WRITE SAME with UNMAP,
# GET LBA STATUS) need a backstore that can punch and report holes.
truncate -s 128M "$ITN_TMP/disk.img"
targetd_start cu --target "$TGT_IQN" --lun "file:$ITN_TMP/disk.img" --allow "$I1" --allow "$I2"
URL=iscsi://127.0.0.1:$cu_port/$TGT_IQN/0

cd "$ITN_TMP" || bail "no scratch directory"
timeout 600 iscsi-test-cu --dataloss -n --test=ALL "$URL" "$URL" > "$ITN_TMP/cu.log" 2>&1
summary=$(grep -E '^ +tests ' "$ITN_TMP/cu.log")
[ -n "$summary" ] || { tail -n 30 "$ITN_TMP/cu.log"; bail "iscsi-test-cu printed no summary"; }
# "tests TOTAL RAN PASSED FAILED INACTIVE"
set -- $summary
diag "iscsi-test-cu: $2 tests, $3 ran, $4 passed, $5 failed"
grep -E '^Suite .* had failures' "$ITN_TMP/cu.log" | sed 's/^/# /'
check "every test ran" [ "$2" -gt 200 ] && [ "$2" = "$3" ]
check "no test failed" [ "$5" -eq 0 ]
check "itn-targetd survived the suite" targetd_alive cu
done_testing
