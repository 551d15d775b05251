#!/bin/sh
# CRC32C throughput of ISA-L (used for iSCSI digests) against a plain table
# implementation, side by side.  Run from a build directory (or set
# top_builddir); extra arguments go to crc32c-bench (--seconds S, --json).
set -e
b=${top_builddir:-.}
if [ ! -x "$b/bench/crc32c-bench" ]; then
	make -C "$b/libiscsi-proto" >/dev/null
	make -C "$b/bench" crc32c-bench >/dev/null
fi
echo "CRC32C (iSCSI header/data digest), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
exec "$b/bench/crc32c-bench" "$@"
