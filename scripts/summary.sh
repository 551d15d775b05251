#!/bin/sh
# summary.sh STEPS-FILE [TEST-SUITE-LOG...]: add up automake's test-suite
# logs (every TAP test point counts) and the stage results in STEPS-FILE
# ("name ok|fail" lines, where only failures count), print
# "N passed, N failed[, N skipped]" and exit 1 if anything failed.
steps=$1; shift
pass=0; fail=0; skip=0
for log in "$@"; do
	[ -f "$log" ] || { echo "summary: missing $log"; fail=$((fail + 1)); continue; }
	eval "$(awk '
		/^# PASS:/  { p += $3 } /^# XFAIL:/ { p += $3 }
		/^# FAIL:/  { f += $3 } /^# ERROR:/ { f += $3 } /^# XPASS:/ { f += $3 }
		/^# SKIP:/  { s += $3 }
		END { printf "p=%d f=%d s=%d\n", p, f, s }' "$log")"
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done
if [ -f "$steps" ]; then
	while read -r name status; do
		case $status in
		ok) pass=$((pass + 1)) ;;
		*) echo "failed stage: $name"; fail=$((fail + 1)) ;;
		esac
	done < "$steps"
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
