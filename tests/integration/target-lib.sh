# Shared by the target-*.sh tests: start itn-targetd from flags on a free
# loopback port.  Source after tests/lib/common.sh.
TARGETD=$top_builddir/target/itn-targetd
[ -x "$TARGETD" ] || bail "itn-targetd not built ($TARGETD)"
TGT_IQN=iqn.2026-01.org.itnexus.test:disk

# targetd_start NAME [FLAGS...]: itn-targetd -f on 127.0.0.1:<free port>
# with a private control socket; sets NAME_port and NAME_pid.  Other tests
# on the machine may take the port between free_port and the bind: the
# daemon's own "ready" line (not just a listener on the port) is awaited,
# and a lost race is retried on another port.
targetd_start() {
	_n=$1; shift
	_try=0
	while [ $_try -lt 5 ]; do
		_try=$((_try + 1))
		_p=$(( $(free_port) + _try * 17 ))
		spawn "$_n" "$TARGETD" -f -v --listen "127.0.0.1:$_p" --control "$ITN_TMP/$_n.sock" "$@"
		eval "${_n}_port=$_p"
		eval "_pid=\$${_n}_pid"
		_i=0
		while [ $_i -lt 100 ]; do
			grep -q "ready on port $_p" "$ITN_TMP/$_n.log" 2> /dev/null && return 0
			kill -0 "$_pid" 2> /dev/null || break
			sleep 0.1; _i=$((_i + 1))
		done
		grep -q "Address already in use" "$ITN_TMP/$_n.log" 2> /dev/null || break
	done
	sed 's/^/# /' "$ITN_TMP/$_n.log"
	bail "itn-targetd ($_n) did not start"
}

# targetd_alive NAME: the daemon is still running.
targetd_alive() { eval "kill -0 \$${1}_pid" 2> /dev/null; }
