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
echo
echo "== iSCSI names"
iqn=$("$itnctl" name generate --domain demo.itnexus.example)
echo "generated target name:     $iqn"
echo "normalized mixed case:     $("$itnctl" name normalize IQN.2026-11.Example.COM:Disk1)"
if "$itnctl" name validate iqn.2026-13.com.example:bad 2> /dev/null; then
	echo "a bad month was accepted" >&2; exit 1
fi
echo "rejected (month 13):       $("$itnctl" name validate iqn.2026-13.com.example:bad 2>&1 || true)"
echo
echo "demo finished"
