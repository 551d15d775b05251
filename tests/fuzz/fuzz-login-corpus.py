#!/usr/bin/env python3
"""Writes the seed corpus of fuzz-login (tests/fuzz/corpus/fuzz-login/):
byte streams a real initiator sends on one connection, built from the
RFC 7143 sec. 11 layouts.  Run from tests/fuzz/: python3 fuzz-login-corpus.py"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz-login")
INIT = "iqn.2026-01.org.itnexus.fuzz:initiator"
OPEN = "iqn.2026-01.org.itnexus.fuzz:open"
CHAP = "iqn.2026-01.org.itnexus.fuzz:chap"
ISID = bytes([0x80, 0, 0, 0x12, 0x34, 0x56])


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def text(*pairs):
    return b"".join(p.encode() + b"\0" for p in pairs)


def pdu(opcode, flags, spec, itt, rest, data=b"", ahs=b""):
    """BHS: opcode, flags, bytes 2-3 (spec), AHS len, data len, bytes 8-15,
    ITT, bytes 20-47 (rest)."""
    lun_or_isid, tail = rest
    bhs = struct.pack(">BB2sB", opcode, flags, spec, len(ahs) // 4)
    bhs += struct.pack(">I", len(data))[1:]
    bhs += lun_or_isid.ljust(8, b"\0") + struct.pack(">I", itt) + tail.ljust(28, b"\0")
    assert len(bhs) == 48
    return bhs + ahs + pad(data)


def login(csg, nsg, transit, data, itt=0, cmdsn=0, tsih=0, cid=0, cont=False):
    flags = (0x80 if transit else 0) | (0x40 if cont else 0) | (csg << 2) | (nsg if transit else 0)
    isid_tsih = ISID + struct.pack(">H", tsih)
    tail = struct.pack(">HHII", cid, 0, cmdsn, 0)
    return pdu(0x43, flags, b"\0\0", itt, (isid_tsih, tail), data)


def scsi(cdb, itt, cmdsn, edtl=0, read=False, write=False, final=True, data=b""):
    flags = (0x80 if final else 0) | (0x40 if read else 0) | (0x20 if write else 0) | 1
    tail = struct.pack(">III", edtl, cmdsn, 0) + cdb.ljust(16, b"\0")
    return pdu(0x01, flags, b"\0\0", itt, (b"\0" * 8, tail), data)


def data_out(itt, offset, data, datasn=0, final=True):
    tail = struct.pack(">IIII", 0xFFFFFFFF, 0, 0, datasn) + struct.pack(">I", offset)
    # TTT is bytes 20-23; ExpStatSN 28-31; DataSN 36-39; BufferOffset 40-43
    tail = struct.pack(">I", 0xFFFFFFFF) + b"\0" * 4 + struct.pack(">I", 0) + b"\0" * 4 \
        + struct.pack(">I", datasn) + struct.pack(">I", offset)
    return pdu(0x05, 0x80 if final else 0, b"\0\0", itt, (b"\0" * 8, tail), data)


def text_req(itt, cmdsn, data):
    tail = struct.pack(">III", 0xFFFFFFFF, cmdsn, 0)
    return pdu(0x04, 0x80, b"\0\0", itt, (b"\0" * 8, tail), data)


def nop_out(itt, cmdsn, data=b""):
    tail = struct.pack(">III", 0xFFFFFFFF, cmdsn, 0)
    return pdu(0x00, 0x80, b"\0\0", itt, (b"\0" * 8, tail), data)


def logout(itt, cmdsn, reason=0):
    tail = struct.pack(">HHII", 0, 0, cmdsn, 0)
    return pdu(0x46, 0x80 | reason, b"\0\0", itt, (b"\0" * 8, tail))


def normal_login(target=OPEN, extra=()):
    return login(1, 3, True, text("InitiatorName=" + INIT, "TargetName=" + target, "SessionType=Normal",
                                  "HeaderDigest=None", "DataDigest=None", "MaxRecvDataSegmentLength=262144",
                                  *extra))


CONT_TEXT = text("InitiatorName=" + INIT, "TargetName=" + OPEN, "SessionType=Normal")

seeds = {
    "normal-io": normal_login()
    + scsi(bytes([0x00]), 1, 0)
    + scsi(bytes([0x12, 0, 0, 0, 96, 0]), 2, 1, edtl=96, read=True)
    + scsi(bytes([0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0]), 3, 2, edtl=4096, read=True)
    + scsi(bytes([0x2A, 0, 0, 0, 0, 8, 0, 0, 1, 0]), 4, 3, edtl=512, write=True, data=b"\xa5" * 512)
    + nop_out(5, 4, b"ping")
    + logout(6, 5),
    "discovery": login(1, 3, True, text("InitiatorName=" + INIT, "SessionType=Discovery"))
    + text_req(1, 0, text("SendTargets=All"))
    + logout(2, 1),
    "chap-start": login(0, 1, False, text("InitiatorName=" + INIT, "TargetName=" + CHAP, "SessionType=Normal",
                                          "AuthMethod=CHAP,None"))
    + login(0, 1, False, text("CHAP_A=7,5"))
    + login(0, 1, True, text("CHAP_N=fuzzer", "CHAP_R=0x" + "00" * 32, "CHAP_I=1", "CHAP_C=0x" + "11" * 16)),
    # sec. 6.1: one text split across two Login Requests, mid-pair, C=1.
    "continued": login(1, 3, False, CONT_TEXT[:50], cont=True) + login(1, 3, True, CONT_TEXT[50:])
    + logout(1, 0),
    "unsolicited-write": normal_login(extra=("InitialR2T=No", "ImmediateData=Yes", "FirstBurstLength=65536"))
    + scsi(bytes([0x2A, 0, 0, 0, 0, 16, 0, 0, 4, 0]), 7, 0, edtl=2048, write=True, final=False,
           data=b"\x5a" * 512)
    + data_out(7, 512, b"\x5b" * 1536)
    + scsi(bytes([0x2A, 0, 0, 0, 0, 32, 0, 0, 16, 0]), 8, 1, edtl=8192, write=True, data=b"\x01" * 1024)
    + logout(9, 2),
}

os.makedirs(OUT, exist_ok=True)
for name, blob in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(blob)
print("wrote %d seeds to %s" % (len(seeds), OUT))
