# Helpers for the initiator's integration tests: a private tgtd (Debian's
# tgt) on a free loopback port with one target and a file-backed LUN.
# Source after tests/lib/common.sh.  Not a test by itself.

need_cmd tgtd tgtadm

# tgtd_start [NAME]: start tgtd on TGT_ADDR (default 127.0.0.1; any
# 127.0.0.0/8 address works on lo), logging to $ITN_TMP/NAME.log (default
# tgtd), its PID in NAME_pid; sets TGT_PORT, TGT_CTL, TGT_IQN.  Call it
# again with another NAME for a second tgtd after saving those.
tgtd_start() {
	_tgt_name=${1:-tgtd}
	TGT_ADDR=${TGT_ADDR:-127.0.0.1}
	TGT_PORT=$(free_port)
	# The control socket number must not clash with another tgtd.
	TGT_CTL=$(( 100 + TGT_PORT % 800 ))
	TGT_IQN=${TGT_IQN:-iqn.2024-01.org.itnexus.test:disk}
	spawn "$_tgt_name" env MALLOC_MMAP_THRESHOLD_=33554432 tgtd -f -C "$TGT_CTL" --iscsi "portal=$TGT_ADDR:$TGT_PORT"
	eval "_tgt_pid=\$${_tgt_name}_pid"
	wait_port "$TGT_PORT" 10 || bail "tgtd did not start (see $ITN_TMP/$_tgt_name.log)"
	tgtd_ready "$TGT_CTL" 10 || bail "tgtd does not answer tgtadm -C $TGT_CTL"
	# tgtd ignores SIGTERM while it has targets: delete them, then the
	# PID-based cleanup of common.sh ends it (SIGKILL if needed).
	at_exit "tgtadm -C $TGT_CTL --lld iscsi --op delete --mode target --tid 1 --force; kill -KILL $_tgt_pid"
	tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode target --tid 1 -T "$TGT_IQN" ||
		bail "tgtadm cannot create a target"
	tgtadm -C "$TGT_CTL" --lld iscsi --op bind --mode target --tid 1 -I ALL
}

# tgtd_add_lun LUN PATH|null: a LUN backed by a file, or a 1 TiB null LUN.
tgtd_add_lun() {
	if [ "$2" = null ]; then
		tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode logicalunit --tid 1 --lun "$1" \
			-E null -b /dev/null/x --device-type disk
	else
		tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode logicalunit --tid 1 --lun "$1" -b "$2"
	fi || bail "tgtadm cannot add LUN $1"
}

# tgtd_chap USER SECRET: require one-way CHAP for the target.
tgtd_chap() {
	tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode account --user "$1" --password "$2" &&
	tgtadm -C "$TGT_CTL" --lld iscsi --op bind --mode account --tid 1 --user "$1" ||
		bail "tgtadm cannot set up CHAP"
}

# need_initiatord: ITNCTL and DAEMON name the built itnctl and
# itn-initiatord; bail unless both exist and /dev/fuse does.
need_initiatord() {
	ITNCTL=$top_builddir/cli/itnctl
	DAEMON=$top_builddir/initiator/itn-initiatord
	for _p in "$ITNCTL" "$DAEMON"; do [ -x "$_p" ] || bail "$_p not built"; done
	[ -c /dev/fuse ] || bail "no /dev/fuse"
}
