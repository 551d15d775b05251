#!/bin/sh
# Malformed and unauthorized input against itn-isnsd: every request gets
# its RFC 4171 status or a clean close, and a concurrent client keeps being
# served (tests/isns-probe does the talking).
. "$top_srcdir/tests/lib/common.sh"
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
PROBE=$top_builddir/tests/isns-probe
[ -x "$ISNSD_BIN" ] && [ -x "$PROBE" ] || bail "itn-isnsd or isns-probe not built"
P=$(free_port)
spawn srv "$ISNSD_BIN" -f --listen 127.0.0.1:$P --db "$ITN_TMP/db"
wait_port "$P" 10 || bail "itn-isnsd did not start"
# The probe prints its own TAP plan and results.
"$PROBE" 127.0.0.1:$P
rc=$?
kill -0 "$srv_pid" || { echo "Bail out! itn-isnsd died"; exit 1; }
exit $rc
