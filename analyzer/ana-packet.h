/* From a captured frame to a TCP segment: link layer (Ethernet with VLAN
 * tags, Linux cooked v1/v2, BSD loopback, raw IP), IPv4 (RFC 791) or IPv6
 * (RFC 8200, extension headers skipped), TCP (RFC 9293 sec. 3.1).  Every
 * length is checked against the bytes captured; fragments and anything
 * that is not TCP are refused. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyzer/ana-flow.h"

/* linktype: the pcap LINKTYPE/DLT of the capture.  caplen bytes are in
 * pkt; wire_len is the frame's length on the wire (more when the snapshot
 * length cut it).  Fills seg (payload points into pkt) and returns true for
 * a TCP segment. */
bool ana_packet_parse(int linktype, const uint8_t *pkt, size_t caplen, size_t wire_len, AnaSegment *seg);

/* Can the analyzer read this link type? */
bool ana_packet_linktype_ok(int linktype);
