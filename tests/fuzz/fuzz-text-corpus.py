#!/usr/bin/env python3
"""Writes the seed corpora of fuzz-text and fuzz-chap (run from the source
root; the files are committed).  Formats: see tests/fuzz/fuzz-text.c and
tests/fuzz/fuzz-chap.c."""
d = 'tests/fuzz/corpus/fuzz-text/'


def w(name, mode, chunk, pairs):
    data = b''.join(p.encode() + b'\0' for p in pairs)
    open(d + name, 'wb').write(bytes([mode, chunk]) + data)


# target, leading, security phase: a first Login Request
w('login-security', 0x00, 255, ["InitiatorName=iqn.2026-01.test:host1", "TargetName=iqn.2026-01.test:disk1",
                                "SessionType=Normal", "AuthMethod=CHAP,None"])
# target, operational phase, split in 16-byte data segments (C bit)
w('login-operational', 0x04, 15, ["InitiatorName=iqn.2026-01.test:host1", "TargetName=iqn.2026-01.test:disk1",
                                  "HeaderDigest=CRC32C,None", "DataDigest=None", "MaxConnections=4", "InitialR2T=No",
                                  "ImmediateData=Yes", "MaxRecvDataSegmentLength=262144", "MaxBurstLength=1048576",
                                  "FirstBurstLength=262144", "DefaultTime2Wait=2", "DefaultTime2Retain=20",
                                  "MaxOutstandingR2T=1", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
                                  "ErrorRecoveryLevel=0", "OFMarker=No", "IFMarker=No", "X-com.example.k=1"])
w('login-discovery', 0x04, 255, ["InitiatorName=iqn.2026-01.test:host1", "SessionType=Discovery",
                                 "HeaderDigest=None", "MaxRecvDataSegmentLength=32768", "MaxBurstLength=16384"])
w('text-ffp', 0x08, 255, ["SendTargets=All", "MaxRecvDataSegmentLength=65536"])
# initiator receiving a target's operational answers
w('initiator-answers', 0x05, 255, ["HeaderDigest=None", "DataDigest=None", "MaxConnections=1", "InitialR2T=Yes",
                                   "ImmediateData=Yes", "MaxRecvDataSegmentLength=8192", "MaxBurstLength=262144",
                                   "FirstBurstLength=65536", "TargetPortalGroupTag=1", "TargetAlias=disk"])

d = 'tests/fuzz/corpus/fuzz-chap/'


def c(name, mode, lists):
    data = b'\xff'.join(b''.join(p.encode() + b'\0' for p in l) for l in lists)
    open(d + name, 'wb').write(bytes([mode]) + data)


c('target-chap-a', 0, [["CHAP_A=8,7,6,5"]])
c('target-response', 2, [["CHAP_N=host1", "CHAP_R=0x0fbee2a235349701655e644832d106bf"]])
c('target-mutual', 2, [["CHAP_N=host1", "CHAP_R=0bD77iojU0lwFlXmRIMtEGvw==", "CHAP_I=42",
                        "CHAP_C=0x000102030405060708090a0b0c0d0e0f"]])
c('initiator-challenge', 1, [["CHAP_A=5", "CHAP_I=0x2a", "CHAP_C=0bAAECAwQFBgcICQoLDA0ODw=="]])
c('initiator-mutual', 5, [["CHAP_A=7", "CHAP_I=0bKg==", "CHAP_C=0x000102030405060708090a0b0c0d0e0f"],
                          ["CHAP_N=iqn.2026-01.fuzz:tgt",
                           "CHAP_R=0xd8c3aedd13f3e0017b09becc2da9c74a6d001ab22424256ad456063e668f5d14"]])
