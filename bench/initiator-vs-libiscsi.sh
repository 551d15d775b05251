#!/bin/sh
# Initiator benchmark: `itnctl perf` (itnexus) against libiscsi's iscsi-perf
# on the same tgtd null LUN (a null LUN keeps the target out of the way),
# runs alternating, for two workloads:
#   4 KiB random reads at queue depth 32, and 1 MiB sequential reads at 8.
# Prints per workload the IOPS ratio (ours / theirs, > 1 is better) and the
# client CPU per I/O ratio (theirs / ours, > 1 is better), CPU measured with
# getrusage of each finished child.  Then the FUSE file throughput of
# itn-initiatord (dd through DIR/<iqn>/lun1).
#
#   bench/initiator-vs-libiscsi.sh [BUILDDIR]    (default: ./ or $top_builddir)
#   SECONDS_PER_RUN=5 ROUNDS=3 bench/initiator-vs-libiscsi.sh _build
set -eu
B=${1:-${top_builddir:-.}}
ITNCTL=$B/cli/itnctl
DAEMON=$B/initiator/itn-initiatord
S=${SECONDS_PER_RUN:-5}
ROUNDS=${ROUNDS:-3}
PATH=$PATH:/usr/sbin:/sbin
for c in tgtd tgtadm iscsi-perf python3; do
	command -v $c > /dev/null || { echo "bench: $c is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$ITNCTL" ] || { echo "bench: $ITNCTL not built" >&2; exit 1; }
# In a build tree cli/itnctl is libtool's shell wrapper, and starting it
# (a shell, sed, ...) costs about 0.1 s of CPU that iscsi-perf does not pay:
# run the real binary with the uninstalled library instead.
if [ -x "$B/cli/.libs/itnctl" ]; then
	ITNCTL=$B/cli/.libs/itnctl
	LD_LIBRARY_PATH=$B/initiator/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi

TMP=$(mktemp -d /tmp/itn-bench.XXXXXX)
PORT=$(( 30000 + $$ % 5000 ))
CTL=$(( 900 + $$ % 90 ))
IQN=iqn.2024-01.org.itnexus.bench:null
TGTD_PID=""
DAEMON_PID=""
cleanup() {
	[ -n "$DAEMON_PID" ] && kill -TERM "$DAEMON_PID" 2> /dev/null && sleep 1
	umount -l "$TMP/mnt" 2> /dev/null || true
	tgtadm -C $CTL --lld iscsi --op delete --mode target --tid 1 --force > /dev/null 2>&1 || true
	[ -n "$TGTD_PID" ] && kill -KILL "$TGTD_PID" 2> /dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# With two or more CPUs, tgtd gets CPU 1 and each client CPU 0 (PIN=0 turns
# this off).  Left to the scheduler, tgtd and the client sometimes share a
# CPU for a while and a round loses 10-20%, whichever client it is; pinned,
# both clients meet the same machine.
TGT_CPU="" CLIENT_CPU=""
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset > /dev/null; then
	TGT_CPU="taskset -c 1" CLIENT_CPU="taskset -c 0"
fi

# tgtd in the state its large reads are fast in (see the reference notes:
# glibc's mmap threshold).
MALLOC_MMAP_THRESHOLD_=33554432 $TGT_CPU tgtd -f -C $CTL --iscsi portal=127.0.0.1:$PORT > "$TMP/tgtd.log" 2>&1 &
TGTD_PID=$!
i=0
while ! ss -Hltn "sport = :$PORT" | grep -q . && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
tgtadm -C $CTL --lld iscsi --op new --mode target --tid 1 -T $IQN
tgtadm -C $CTL --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -E null -b /dev/null/x --device-type disk
tgtadm -C $CTL --lld iscsi --op bind --mode target --tid 1 -I ALL
URL=iscsi://127.0.0.1:$PORT/$IQN/1

# run KIND SECONDS ARGS...: run one client, print "iops cpu_seconds ios
# target_cpu_seconds" (the last read from tgtd's /proc/PID/stat).
run() {
	python3 - "$TGTD_PID" "$@" <<'PY'
import json, os, re, resource, signal, subprocess, sys, time
tgtd, kind, secs, args = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
def target_cpu():
    with open(f"/proc/{tgtd}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
t0 = target_cpu()
before = resource.getrusage(resource.RUSAGE_CHILDREN)
if kind == "ours":
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    iops = json.loads(out)["iops"]
else:
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(secs)
    p.send_signal(signal.SIGINT)
    out = p.communicate()[0]
    m = re.findall(r"iops average (\d+)", out)
    if not m:
        sys.exit("iscsi-perf printed no result: " + out[-300:])
    iops = float(m[-1])
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(f"{iops:.1f} {cpu:.3f} {iops * secs:.0f} {target_cpu() - t0:.2f}")
PY
}

ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else 'inf')" "$1" "$2"; }

# workload NAME QD BS_BYTES RANDOM(0/1)
workload() {
	name=$1 qd=$2 bs=$3 rnd=$4
	blocks=$((bs / 512))
	ours_iops=0 ours_cpu=0 ours_ios=0 ours_tcpu=0 their_iops=0 their_cpu=0 their_ios=0 their_tcpu=0
	r=1
	while [ $r -le $ROUNDS ]; do
		if [ "$rnd" = 1 ]; then
			o=$(run ours $S $CLIENT_CPU "$ITNCTL" --json perf "$URL" --random --qd $qd --bs $bs --seconds $S)
			t=$(run theirs $S $CLIENT_CPU iscsi-perf -m $qd -b $blocks -r "$URL")
		else
			o=$(run ours $S $CLIENT_CPU "$ITNCTL" --json perf "$URL" --qd $qd --bs $bs --seconds $S)
			t=$(run theirs $S $CLIENT_CPU iscsi-perf -m $qd -b $blocks "$URL")
		fi
		set -- $o; ours_iops=$(python3 -c "print($ours_iops + $1)"); ours_cpu=$(python3 -c "print($ours_cpu + $2)"); ours_ios=$(python3 -c "print($ours_ios + $3)"); ours_tcpu=$(python3 -c "print($ours_tcpu + $4)")
		set -- $t; their_iops=$(python3 -c "print($their_iops + $1)"); their_cpu=$(python3 -c "print($their_cpu + $2)"); their_ios=$(python3 -c "print($their_ios + $3)"); their_tcpu=$(python3 -c "print($their_tcpu + $4)")
		echo "  round $r: itnexus $o | libiscsi $t  (iops cpu_s ios tgtd_cpu_s)"
		r=$((r + 1))
	done
	oi=$(python3 -c "print(f'{$ours_iops / $ROUNDS:.0f}')")
	ti=$(python3 -c "print(f'{$their_iops / $ROUNDS:.0f}')")
	ocpu=$(python3 -c "print(f'{1e6 * $ours_cpu / $ours_ios:.1f}')")
	tcpu=$(python3 -c "print(f'{1e6 * $their_cpu / $their_ios:.1f}')")
	otg=$(python3 -c "print(f'{1e6 * $ours_tcpu / $ours_ios:.1f}')")
	ttg=$(python3 -c "print(f'{1e6 * $their_tcpu / $their_ios:.1f}')")
	echo "$name: itnexus $oi IOPS, $ocpu us CPU/IO; libiscsi $ti IOPS, $tcpu us CPU/IO"
	echo "$name: tgtd's CPU per I/O: $otg us serving itnexus, $ttg us serving libiscsi"
	echo "$name: IOPS ratio (ours/theirs) $(ratio $oi $ti); CPU per I/O ratio (theirs/ours) $(ratio $tcpu $ocpu)"
}

echo "tgtd null LUN at 127.0.0.1:$PORT, $ROUNDS rounds of $S s each, alternating${TGT_CPU:+; tgtd on CPU 1, clients on CPU 0}"
workload "4k-random-qd32" 32 4096 1
workload "1m-seq-qd8" 8 1048576 0

# FUSE file throughput through itn-initiatord on the same LUN.
if [ -x "$DAEMON" ] && [ -c /dev/fuse ]; then
	mkdir -p "$TMP/mnt"
	"$DAEMON" -f --control "$TMP/ctl.sock" --mount "$TMP/mnt" --connect "$URL" > "$TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
	F=$TMP/mnt/$IQN/lun1
	i=0
	while [ ! -e "$F" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	rd=$(dd if="$F" of=/dev/null bs=1M count=2048 2>&1 | tail -1 | sed 's/.*, //')
	wr=$(dd if=/dev/zero of="$F" bs=1M count=1024 conv=notrunc,fsync 2>&1 | tail -1 | sed 's/.*, //')
	echo "FUSE file (itn-initiatord, 1 connection): dd read 2 GiB $rd; dd write 1 GiB $wr"
fi
