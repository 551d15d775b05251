#!/usr/bin/env python3
"""Damage a copy of a classic pcap file (Ethernet link type) for
analyze-tshark.sh, in one TCP segment sent to the iSCSI port:

  analyze-pcap-edit.py IN OUT PORT header CLIENT_PORT
      the first segment from CLIENT_PORT that is exactly one SCSI Command
      without data (48 bytes, or 52 with a header digest): its opcode byte
      becomes 0xff, which no PDU starts with (RFC 7143 sec. 11.2.1.2).
  analyze-pcap-edit.py IN OUT PORT data CLIENT_PORT
      the first segment from CLIENT_PORT that starts with a SCSI Command
      and carries more than 2000 bytes: one byte of its immediate data is
      flipped, so its data digest no longer matches.

Prints the frame number changed; exits 1 if no segment fits."""
import struct
import sys


def tcp_payload(frame):
    """(src port, dst port, payload offset, payload length) or None."""
    if len(frame) < 14 + 20 or struct.unpack(">H", frame[12:14])[0] != 0x0800:
        return None
    ip = 14
    ihl = (frame[ip] & 0x0F) * 4
    total = struct.unpack(">H", frame[ip + 2:ip + 4])[0]
    if frame[ip + 9] != 6:
        return None
    tcp = ip + ihl
    sport, dport = struct.unpack(">HH", frame[tcp:tcp + 4])
    doff = (frame[tcp + 12] >> 4) * 4
    start = tcp + doff
    return sport, dport, start, ip + total - start


def main():
    src, dst, port, what, client = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    data = bytearray(open(src, "rb").read())
    if struct.unpack("<I", data[:4])[0] != 0xA1B2C3D4 or struct.unpack("<I", data[20:24])[0] != 1:
        sys.exit("not a little-endian Ethernet pcap file")
    off, n = 24, 0
    while off + 16 <= len(data):
        caplen = struct.unpack("<I", data[off + 8:off + 12])[0]
        frame_off = off + 16
        n += 1
        t = tcp_payload(bytes(data[frame_off:frame_off + caplen]))
        if t and t[0] == client and t[1] == port and t[3] > 0:
            p = frame_off + t[2]
            opcode = data[p] & 0x3F
            if what == "header" and opcode == 0x01 and t[3] in (48, 52):
                data[p] = 0xFF
                break
            if what == "data" and opcode == 0x01 and t[3] > 2000:
                data[p + 52 + 1000] ^= 0x01
                break
        off = frame_off + caplen
    else:
        sys.exit(1)
    open(dst, "wb").write(data)
    print(n)


if __name__ == "__main__":
    main()
