# Helpers for the initiator's integration tests: a private tgtd (Debian's
# tgt) on a free loopback port with one target and a file-backed LUN.
# Source after tests/lib/common.sh.  Not a test by itself.

need_cmd tgtd tgtadm

# tgtd_start: start tgtd; sets TGT_PORT, TGT_CTL, TGT_IQN.
tgtd_start() {
	TGT_PORT=$(free_port)
	# The control socket number must not clash with another tgtd.
	TGT_CTL=$(( 100 + TGT_PORT % 800 ))
	TGT_IQN=${TGT_IQN:-iqn.2024-01.org.itnexus.test:disk}
	spawn tgtd env MALLOC_MMAP_THRESHOLD_=33554432 tgtd -f -C "$TGT_CTL" --iscsi "portal=127.0.0.1:$TGT_PORT"
	wait_port "$TGT_PORT" 10 || bail "tgtd did not start (see $ITN_TMP/tgtd.log)"
	tgtd_ready "$TGT_CTL" 10 || bail "tgtd does not answer tgtadm -C $TGT_CTL"
	# tgtd ignores SIGTERM while it has targets: delete them, then the
	# PID-based cleanup of common.sh ends it (SIGKILL if needed).
	at_exit "tgtadm -C $TGT_CTL --lld iscsi --op delete --mode target --tid 1 --force; kill -KILL $tgtd_pid"
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
