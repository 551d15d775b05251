#!/usr/bin/env python3
"""Writes the seed corpus of fuzz-analyze-packet
(tests/fuzz/corpus/fuzz-analyze-packet/): one TCP segment carrying the
start of a Login Request, framed for each link type the analyzer reads,
over IPv4 and IPv6, with VLAN tags and IPv6 extension headers, whole and
cut.  Run from tests/fuzz/: python3 fuzz-analyze-packet-corpus.py"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz-analyze-packet")
# index into the target's link type list
EN10MB, SLL, SLL2, NULL, LOOP, RAW = range(6)

PAYLOAD = bytes([0x43, 0x87, 0, 0, 0, 0, 0, 20]) + bytes(40) + b"SessionType=Normal\0\0"


def tcp(sport=40000, dport=3260, flags=0x18):
    return struct.pack(">HHIIBBHHH", sport, dport, 1000, 2000, 5 << 4, flags, 65535, 0, 0)


def ipv4(l4):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, 6, 0,
                       bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])) + l4


def ipv6(l4, ext=False):
    nh = 0 if ext else 6
    body = (bytes([6, 0]) + bytes(6) + l4) if ext else l4
    return struct.pack(">IHBB16s16s", 6 << 28, len(body), nh, 64,
                       bytes.fromhex("20010db8000000000000000000000001"),
                       bytes.fromhex("20010db8000000000000000000000002")) + body


def eth(l3, ethertype, vlan=False):
    hdr = bytes(6) + bytes([2, 0, 0, 0, 0, 1])
    if vlan:
        hdr += struct.pack(">HH", 0x8100, 5)
    return hdr + struct.pack(">H", ethertype) + l3


def write(name, linktype, frame, cut=0):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([linktype, cut]) + frame)


def main():
    os.makedirs(OUT, exist_ok=True)
    seg = tcp() + PAYLOAD
    v4, v6 = ipv4(seg), ipv6(seg)
    write("eth-ipv4", EN10MB, eth(v4, 0x0800))
    write("eth-vlan-ipv4", EN10MB, eth(v4, 0x0800, vlan=True))
    write("eth-ipv6-ext", EN10MB, eth(ipv6(seg, ext=True), 0x86DD))
    write("eth-ipv4-cut", EN10MB, eth(v4, 0x0800)[:80], cut=len(v4) + 14 - 80)
    write("sll-ipv4", SLL, bytes(14) + struct.pack(">H", 0x0800) + v4)
    write("sll2-ipv6", SLL2, struct.pack(">H", 0x86DD) + bytes(18) + v6)
    write("null-ipv4", NULL, struct.pack("<I", 2) + v4)
    write("loop-ipv6", LOOP, struct.pack(">I", 24) + v6)
    write("raw-ipv4-syn", RAW, ipv4(tcp(flags=0x02)))


if __name__ == "__main__":
    main()
