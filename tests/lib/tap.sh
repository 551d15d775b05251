# TAP helpers for integration tests written in sh.  Source it, call plan N
# (or plan_dynamic), then ok/not_ok/check, and finish with done_testing.
_tap_n=0
_tap_failed=0
_tap_planned=""

plan() { _tap_planned=$1; echo "1..$1"; }
diag() { printf '# %s\n' "$*"; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }
# check "description" command...: ok when the command exits 0.
check() {
	_d=$1; shift
	if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}
# bail "reason": a missing peer or broken setup; fails loudly, never skips.
bail() { echo "Bail out! $*"; exit 1; }
done_testing() {
	[ -n "$_tap_planned" ] || echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
