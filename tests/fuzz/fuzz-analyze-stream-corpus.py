#!/usr/bin/env python3
"""Writes the seed corpus of fuzz-analyze-stream
(tests/fuzz/corpus/fuzz-analyze-stream/) from a real capture: one seed per
iSCSI connection, its TCP payloads in capture order as the target's input
records (see fuzz-analyze-stream.c), plus variants with segments swapped,
repeated and dropped.  Needs tshark.

    python3 fuzz-analyze-stream-corpus.py CAPTURE.pcapng PORT"""
import os
import struct
import subprocess
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz-analyze-stream")
MAX_SEED = 256 * 1024


def segments(capture, port):
    """{stream: [(from_initiator, payload)]} in capture order."""
    out = subprocess.run(
        ["tshark", "-r", capture, "-Y", f"tcp.port=={port} && tcp.len>0", "-T", "fields",
         "-e", "tcp.stream", "-e", "tcp.dstport", "-e", "tcp.payload"],
        check=True, capture_output=True, text=True).stdout
    streams = {}
    for line in out.splitlines():
        stream, dport, payload = line.split("\t")
        streams.setdefault(int(stream), []).append((int(dport) == port, bytes.fromhex(payload)))
    return streams


def record(from_initiator, payload, delta=0, ack=True):
    flags = (0 if from_initiator else 1) | (2 if ack else 0)
    return struct.pack(">BbH", flags, delta, len(payload)) + payload


def seed(segs):
    return bytes([2]) + b"".join(record(i, p) for i, p in segs)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data[:MAX_SEED])


def main():
    capture, port = sys.argv[1], int(sys.argv[2])
    os.makedirs(OUT, exist_ok=True)
    for n, segs in sorted(segments(capture, port).items()):
        write(f"conn{n}", seed(segs))
        if len(segs) > 4:
            # the third and fourth segments swapped: the fourth arrives
            # early, by the length of the third (in 8-byte units, rounded)
            a, b = segs[2], segs[3]
            body = [record(i, p) for i, p in segs[:2]]
            if a[0] == b[0] and len(a[1]) % 8 == 0 and len(a[1]) // 8 < 128:
                body.append(record(b[0], b[1], len(a[1]) // 8))
                body.append(record(a[0], a[1], -(len(a[1]) // 8)))
            else:
                body += [record(*a), record(*b)]
            body.append(record(*segs[2]))  # a retransmission
            body += [record(i, p) for i, p in segs[4:]]
            write(f"conn{n}-reordered", bytes([3]) + b"".join(body))
            # the third segment never captured: a hole the ACK reveals
            write(f"conn{n}-lost", seed(segs[:2] + segs[3:]))


if __name__ == "__main__":
    main()
