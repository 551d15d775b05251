# Shared setup for integration tests: a scratch directory removed at exit,
# processes the test started (and only those) stopped by PID at exit, free
# loopback ports, waiting for a listener, and peers installed on demand.
. "$top_srcdir/tests/lib/tap.sh"

ITN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/itn-test.XXXXXX")
_itn_pids=""
_itn_cleanups=""

# spawn NAME CMD...: start CMD in the background, log to $ITN_TMP/NAME.log,
# remember its PID in the variable NAME_pid.
spawn() {
	_name=$1; shift
	"$@" > "$ITN_TMP/$_name.log" 2>&1 &
	eval "${_name}_pid=$!"
	_itn_pids="$_itn_pids $!"
}
# at_exit "CMD": run CMD (a string) when the test ends, before the kills.
at_exit() { _itn_cleanups="$_itn_cleanups
$1"; }
_itn_cleanup() {
	eval "$_itn_cleanups" > /dev/null 2>&1 || true
	for p in $_itn_pids; do kill -TERM "$p" 2> /dev/null || true; done
	for p in $_itn_pids; do
		i=0
		while kill -0 "$p" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$p" 2> /dev/null || true
	done
	[ -n "${ITN_KEEP_TMP:-}" ] || rm -rf "$ITN_TMP"
}
trap _itn_cleanup EXIT
trap 'exit 1' INT TERM

# free_port: a TCP port nobody listens on right now, from a range the
# kernel does not hand out as ephemeral ports.
free_port() {
	_p=$(( 20000 + ($$ * 7 + ${_itn_port_seq:-0} * 13) % 9000 ))
	_itn_port_seq=$(( ${_itn_port_seq:-0} + 1 ))
	while ss -Hltn "sport = :$_p" 2> /dev/null | grep -q .; do _p=$((_p + 1)); done
	echo "$_p"
}

# wait_port PORT [SECONDS]: wait until something listens on 127.0.0.1:PORT.
wait_port() {
	_i=0; _max=$(( ${2:-10} * 10 ))
	while [ $_i -lt $_max ]; do
		ss -Hltn "sport = :$1" 2> /dev/null | grep -q . && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# need_root: integration tests start daemons on privileged paths.
need_root() { [ "$(id -u)" = 0 ] || bail "this test needs root"; }

# need_cmd CMD...: make sure each command exists, installing the project's
# test dependencies if one is missing; bail out loudly if it still is not.
need_cmd() {
	for _c in "$@"; do
		command -v "$_c" > /dev/null 2>&1 && continue
		[ -x "/usr/sbin/$_c" ] && continue
		"$top_srcdir/scripts/install-deps.sh" > "$ITN_TMP/install-deps.log" 2>&1 || true
		command -v "$_c" > /dev/null 2>&1 || [ -x "/usr/sbin/$_c" ] ||
			bail "required peer '$_c' is missing and could not be installed (see scripts/install-deps.sh)"
	done
	PATH=$PATH:/usr/sbin:/sbin; export PATH
}

# tgtd_ready CTL [SECONDS]: wait until the tgtd started with -C CTL answers
# tgtadm; its iSCSI portal may listen before its management socket does.
tgtd_ready() {
	_i=0; _max=$(( ${2:-10} * 10 ))
	while [ $_i -lt $_max ]; do
		tgtadm -C "$1" --op show --mode sys > /dev/null 2>&1 && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# wait_file PATH [SECONDS]: wait until PATH exists (a FUSE-exported LUN, a
# log); returns non-zero if it did not appear in time.
# wait_log NAME TEXT [SECONDS]: until TEXT (a grep pattern) is in the log of
# the process spawned as NAME ($ITN_TMP/NAME.log); on timeout the log is shown
# as TAP comments.
wait_log() {
	_i=0; _max=$(( ${3:-10} * 10 ))
	while [ $_i -lt $_max ]; do
		grep -q "$2" "$ITN_TMP/$1.log" 2> /dev/null && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	sed 's/^/# /' "$ITN_TMP/$1.log" 2> /dev/null
	return 1
}

wait_file() {
	_i=0; _max=$(( ${2:-10} * 10 ))
	while [ ! -e "$1" ] && [ $_i -lt $_max ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -e "$1" ]
}
