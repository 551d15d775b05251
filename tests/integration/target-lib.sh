# Shared by the target-*.sh tests: start itn-targetd from flags on a free
# loopback port.  Source after tests/lib/common.sh.
TARGETD=$top_builddir/target/itn-targetd
[ -x "$TARGETD" ] || bail "itn-targetd not built ($TARGETD)"
TGT_IQN=iqn.2026-01.org.itnexus.test:disk

# targetd_start NAME [FLAGS...]: itn-targetd -f on 127.0.0.1:<free port>
# with a private control socket; sets NAME_port and NAME_pid.
targetd_start() {
	_n=$1; shift
	_p=$(free_port)
	spawn "$_n" "$TARGETD" -f -v --listen "127.0.0.1:$_p" --control "$ITN_TMP/$_n.sock" "$@"
	eval "${_n}_port=$_p"
	wait_port "$_p" 10 || { cat "$ITN_TMP/$_n.log"; bail "itn-targetd ($_n) did not start listening"; }
}

# targetd_alive NAME: the daemon is still running.
targetd_alive() { eval "kill -0 \$${1}_pid" 2> /dev/null; }
