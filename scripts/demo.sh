#!/bin/sh
# The itnexus demo on loopback: build, then start an iSNS server, a target
# with a RAM LUN behind CHAP that registers itself there, and an initiator
# that finds the target through iSNS, logs in with CHAP, and writes and reads
# the LUN.  Everything it starts it stops again, by PID.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
B=${BUILD_DIR:-$here/_build/demo}

echo "== installing build dependencies (Debian packages)"
scripts/install-deps.sh --build
echo "== building in $B"
./autogen.sh > /dev/null 2>&1
mkdir -p "$B"
( cd "$B" && { [ -f Makefile ] || "$here/configure" --disable-gui > configure.log 2>&1; } &&
	make -j"$(nproc)" > make.log 2>&1 ) || { echo "build failed: see $B/make.log" >&2; exit 1; }

itnctl=$B/cli/itnctl
isnsd=$B/isnsd/itn-isnsd
targetd=$B/target/itn-targetd
work=$(mktemp -d "${TMPDIR:-/tmp}/itn-demo.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2> /dev/null || true; done
	for p in $pids; do
		i=0; while kill -0 "$p" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -KILL "$p" 2> /dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A loopback port nobody listens on.
free_port() {
	p=$1
	while ss -Hltn "sport = :$p" | grep -q .; do p=$((p + 1)); done
	echo "$p"
}
wait_port() {
	i=0; while [ $i -lt 100 ]; do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.1; i=$((i + 1)); done
	echo "nothing listens on port $1: see $work/*.log" >&2; return 1
}
isns_port=$(free_port 13205)
iscsi_port=$(free_port 13260)

echo
echo "== iSCSI names"
target=$("$itnctl" name generate --domain demo.itnexus.example --suffix ramdisk)
echo "generated target name: $target"
echo "normalized:            $("$itnctl" name normalize IQN.2026-11.Example.COM:Disk1)"
printf 'refused:               '
! "$itnctl" name validate iqn.2026-13.com.example:bad 2>&1

echo
echo "== 1. iSNS server on 127.0.0.1:$isns_port"
"$isnsd" -f --listen "127.0.0.1:$isns_port" --db "$work/isns" > "$work/isnsd.log" 2>&1 &
pids="$pids $!"
wait_port "$isns_port"

echo "== 2. target with a 64 MiB RAM LUN behind CHAP on 127.0.0.1:$iscsi_port, registered in iSNS"
# The CHAP secret travels in the environment, never on a command line.
ITN_CHAP="demo-user:demo-secret-2026" "$targetd" -f --listen "127.0.0.1:$iscsi_port" \
	--target "$target" --lun mem:64M --isns "127.0.0.1:$isns_port" \
	--control "$work/targetd.sock" > "$work/targetd.log" 2>&1 &
pids="$pids $!"
wait_port "$iscsi_port"

echo "== 3. the initiator asks iSNS which targets it may see"
i=0
until "$itnctl" discover --isns "127.0.0.1:$isns_port" > "$work/found.txt" 2>&1 &&
	grep -q "$target" "$work/found.txt"; do
	i=$((i + 1)); [ $i -lt 50 ] || { cat "$work/found.txt" "$work/targetd.log" >&2; exit 1; }
	sleep 0.2
done
cat "$work/found.txt"
portal=$(awk -v t="$target" '$1 == t { print $2; exit }' "$work/found.txt")
url="iscsi://$portal/$target/0"

echo
echo "== 4. log in with CHAP and look at the LUN ($url)"
export ITN_CHAP_USERNAME=demo-user ITN_CHAP_PASSWORD=demo-secret-2026
"$itnctl" inquiry "$url"
"$itnctl" readcap "$url"

echo
echo "== 5. write 4 MiB at offset 1 MiB, read them back"
head -c 4194304 /dev/urandom > "$work/data.in"
"$itnctl" write "$url" --offset 1048576 < "$work/data.in"
"$itnctl" read "$url" --offset 1048576 --length 4194304 > "$work/data.out"
cmp "$work/data.in" "$work/data.out"
echo "read back identical: $(sha256sum < "$work/data.out" | cut -c1-16)..."

echo
echo "== 6. a wrong secret is refused"
if ITN_CHAP_PASSWORD=not-the-secret-at-all "$itnctl" inquiry "$url" 2> "$work/wrong.txt"; then
	echo "a wrong CHAP secret was accepted" >&2; exit 1
fi
cat "$work/wrong.txt"

echo
echo "demo finished: iSNS server, target, initiator; CHAP login, 4 MiB written and verified"
