#!/bin/sh
# Target benchmark: itn-targetd against tgtd (Debian's tgt) on the same
# page-cached backing file, driven alternately by the same initiators:
#   rr4k  iscsi-perf, 4 KiB random reads, queue depth 32     (IOPS)
#   sr1m  iscsi-perf, 1 MiB sequential reads, queue depth 8  (MB/s)
#   w4k   qemu-img bench, 4 KiB writes, queue depth 32       (IOPS)
#   w1m   qemu-img bench, 1 MiB writes, queue depth 8        (MB/s)
# Each workload runs ROUNDS times on each target, alternating; the mean of
# the rounds is compared.  Prints one line per workload with both values
# and the ratio itn-targetd / tgtd (> 1: itn-targetd is faster).
#
#   bench/target-vs-tgtd.sh [BUILDDIR]          (default: $top_builddir or .)
#   SECONDS_PER_RUN=5 ROUNDS=3 SIZE_MB=1024 bench/target-vs-tgtd.sh _build
set -eu
B=${1:-${top_builddir:-.}}
TARGETD=$B/target/itn-targetd
S=${SECONDS_PER_RUN:-5}
ROUNDS=${ROUNDS:-3}
SIZE_MB=${SIZE_MB:-1024}
PATH=$PATH:/usr/sbin:/sbin
for c in tgtd tgtadm iscsi-perf qemu-img awk ss; do
	command -v $c > /dev/null || { echo "bench: $c is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$TARGETD" ] || { echo "bench: $TARGETD not built" >&2; exit 1; }

TMP=$(mktemp -d /tmp/itn-bench.XXXXXX)
TGT_PORT=$(( 31000 + $$ % 4000 ))
ITN_PORT=$(( TGT_PORT + 1 ))
CTL=$(( 800 + $$ % 90 ))
TGT_IQN=iqn.2026-01.org.itnexus.bench:tgtd
ITN_IQN=iqn.2026-01.org.itnexus.bench:itn
TGTD_PID=""
ITN_PID=""
cleanup() {
	[ -n "$ITN_PID" ] && kill -TERM "$ITN_PID" 2> /dev/null || true
	tgtadm -C $CTL --lld iscsi --op delete --mode target --tid 1 --force > /dev/null 2>&1 || true
	# tgtd ignores SIGTERM while it has targets (reference notes).
	[ -n "$TGTD_PID" ] && kill -KILL "$TGTD_PID" 2> /dev/null || true
	[ -n "$ITN_PID" ] && wait "$ITN_PID" 2> /dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_port() {
	i=0
	while ! ss -Hltn "sport = :$1" | grep -q . ; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "bench: nothing listens on $1" >&2; exit 1; }
		sleep 0.1
	done
}

# The backing file: real (not sparse) blocks, read once so both targets
# serve it from the page cache.
dd if=/dev/zero of="$TMP/disk.img" bs=1M count="$SIZE_MB" status=none
cat "$TMP/disk.img" > /dev/null

# tgtd in the state its large reads are fast in (glibc's mmap threshold).
MALLOC_MMAP_THRESHOLD_=33554432 tgtd -f -C $CTL --iscsi portal=127.0.0.1:$TGT_PORT > "$TMP/tgtd.log" 2>&1 &
TGTD_PID=$!
wait_port $TGT_PORT
tgtadm -C $CTL --lld iscsi --op new --mode target --tid 1 -T $TGT_IQN
tgtadm -C $CTL --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$TMP/disk.img"
tgtadm -C $CTL --lld iscsi --op bind --mode target --tid 1 -I ALL
# tgt's LUN 0 is its controller; the disk is LUN 1.
TGT_URL=iscsi://127.0.0.1:$TGT_PORT/$TGT_IQN/1

"$TARGETD" -f --listen 127.0.0.1:$ITN_PORT --control "$TMP/itn.sock" --target $ITN_IQN \
	--lun "file:$TMP/disk.img" > "$TMP/itn.log" 2>&1 &
ITN_PID=$!
wait_port $ITN_PORT
ITN_URL=iscsi://127.0.0.1:$ITN_PORT/$ITN_IQN/0

# perf URL QD BLOCKS [-r]: iscsi-perf for S seconds; prints its IOPS.
perf() {
	_u=$1 _qd=$2 _bl=$3; shift 3
	timeout -s INT "$S" iscsi-perf -m "$_qd" -b "$_bl" "$@" "$_u" 2>&1 | tr '\r' '\n' |
		awk '/iops average/ { for (i = 1; i <= NF; i++) if ($i == "average") v = $(i + 1) } END { print v + 0 }'
}
# qbench URL QD SIZE COUNT: qemu-img bench writes; prints requests per second.
qbench() {
	qemu-img bench -f raw -w -c "$4" -d "$2" -s "$3" "$1" 2>&1 |
		awk -v n="$4" '/Run completed in/ { print n / $4 }'
}

run() {
	case $1 in
	rr4k) perf "$2" 32 8 -r ;;
	sr1m) perf "$2" 8 2048 ;;
	w4k) qbench "$2" 32 4096 $(( S * 20000 )) ;;
	w1m) qbench "$2" 8 1M $(( S * 200 )) ;;
	esac
}

echo "# itn-targetd vs tgtd, $ROUNDS rounds of ${S}s, $(nproc) CPUs, backing file ${SIZE_MB} MiB in the page cache"
printf '%-6s %-28s %12s %12s %8s\n' load what tgtd itn-targetd ratio
for w in rr4k sr1m w4k w1m; do
	t_sum=0 i_sum=0
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		t=$(run $w "$TGT_URL")
		i=$(run $w "$ITN_URL")
		t_sum=$(awk -v a="$t_sum" -v b="${t:-0}" 'BEGIN { print a + b }')
		i_sum=$(awk -v a="$i_sum" -v b="${i:-0}" 'BEGIN { print a + b }')
		r=$((r + 1))
	done
	case $w in
	rr4k) what="4KiB rand read QD32 (IOPS)"; scale=1 ;;
	sr1m) what="1MiB seq read QD8 (MB/s)"; scale=1.048576 ;;
	w4k) what="4KiB write QD32 (IOPS)"; scale=1 ;;
	w1m) what="1MiB write QD8 (MB/s)"; scale=1.048576 ;;
	esac
	awk -v w=$w -v what="$what" -v t="$t_sum" -v i="$i_sum" -v n="$ROUNDS" -v s=$scale 'BEGIN {
		printf "%-6s %-28s %12.0f %12.0f %8.2f\n", w, what, t / n * s, i / n * s, (t > 0 ? i / t : 0) }'
done
