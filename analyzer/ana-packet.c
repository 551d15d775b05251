/* Frame -> TCP segment, see ana-packet.h. */
#include "config.h"
#include "analyzer/ana-packet.h"
#include "libiscsi-proto/iproto-bytes.h"
#include <pcap/dlt.h>
#include <string.h>
#include <sys/socket.h>

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define IP_TCP 6

bool ana_packet_linktype_ok(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return true;
	}
	return false;
}

/* Strip the link header: returns the offset of the IP header and sets
 * *ethertype, or -1. */
static long link_header(int linktype, const uint8_t *p, size_t n, uint16_t *ethertype)
{
	size_t off;

	switch (linktype) {
	case DLT_EN10MB:
		if (n < 14)
			return -1;
		*ethertype = iproto_get_be16(p + 12);
		off = 14;
		/* 802.1Q / 802.1ad tags, at most two. */
		for (int i = 0; i < 2 && (*ethertype == ETH_VLAN || *ethertype == ETH_QINQ); i++) {
			if (n < off + 4)
				return -1;
			*ethertype = iproto_get_be16(p + off + 2);
			off += 4;
		}
		return (long) off;
	case DLT_LINUX_SLL:   /* 16-byte header, protocol at 14 */
		if (n < 16)
			return -1;
		*ethertype = iproto_get_be16(p + 14);
		return 16;
	case DLT_LINUX_SLL2:  /* 20-byte header, protocol first */
		if (n < 20)
			return -1;
		*ethertype = iproto_get_be16(p);
		return 20;
	case DLT_NULL:
	case DLT_LOOP: {      /* 4-byte address family, host or network order */
		uint32_t af;
		if (n < 4)
			return -1;
		af = linktype == DLT_LOOP ? iproto_get_be32(p) : (uint32_t) p[0] | (uint32_t) p[3];
		*ethertype = af == 2 ? ETH_IPV4 : ETH_IPV6; /* 24, 28, 30: the BSDs' AF_INET6 */
		if (af != 2 && af != 24 && af != 28 && af != 30)
			return -1;
		return 4;
	}
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (n < 1)
			return -1;
		*ethertype = (p[0] >> 4) == 6 ? ETH_IPV6 : ETH_IPV4;
		return 0;
	}
	return -1;
}

/* IPv4: returns the TCP offset, sets the addresses and the IP payload end
 * (from Total Length) in *end. */
static long ipv4(const uint8_t *p, size_t n, size_t off, AnaSegment *s, size_t *end)
{
	size_t ihl, total;

	if (n < off + 20 || (p[off] >> 4) != 4)
		return -1;
	ihl = (size_t) (p[off] & 0x0f) * 4;
	total = iproto_get_be16(p + off + 2);
	if (ihl < 20 || total < ihl || n < off + ihl)
		return -1;
	/* Fragments (MF set or an offset): not reassembled. */
	if ((iproto_get_be16(p + off + 6) & 0x3fff) != 0)
		return -1;
	if (p[off + 9] != IP_TCP)
		return -1;
	s->src.family = s->dst.family = AF_INET;
	memcpy(s->src.addr, p + off + 12, 4);
	memcpy(s->dst.addr, p + off + 16, 4);
	*end = off + total;
	return (long) (off + ihl);
}

static long ipv6(const uint8_t *p, size_t n, size_t off, AnaSegment *s, size_t *end)
{
	uint8_t next;
	size_t pos;

	if (n < off + 40 || (p[off] >> 4) != 6)
		return -1;
	s->src.family = s->dst.family = AF_INET6;
	memcpy(s->src.addr, p + off + 8, 16);
	memcpy(s->dst.addr, p + off + 24, 16);
	*end = off + 40 + iproto_get_be16(p + off + 4);
	next = p[off + 6];
	pos = off + 40;
	/* Hop-by-hop, routing, destination options (RFC 8200 sec. 4);
	 * a fragment header (44) ends the search. */
	for (int i = 0; i < 8 && (next == 0 || next == 43 || next == 60); i++) {
		if (n < pos + 8)
			return -1;
		next = p[pos];
		pos += 8 + (size_t) p[pos + 1] * 8;
	}
	if (next != IP_TCP)
		return -1;
	return (long) pos;
}

bool ana_packet_parse(int linktype, const uint8_t *pkt, size_t caplen, size_t wire_len, AnaSegment *s)
{
	uint16_t ethertype = 0;
	long l3, l4;
	size_t end, doff, cut;

	memset(s, 0, sizeof *s);
	l3 = link_header(linktype, pkt, caplen, &ethertype);
	if (l3 < 0)
		return false;
	if (ethertype == ETH_IPV4)
		l4 = ipv4(pkt, caplen, (size_t) l3, s, &end);
	else if (ethertype == ETH_IPV6)
		l4 = ipv6(pkt, caplen, (size_t) l3, s, &end);
	else
		return false;
	if (l4 < 0 || caplen < (size_t) l4 + 20)
		return false;
	doff = (size_t) (pkt[l4 + 12] >> 4) * 4;
	if (doff < 20 || caplen < (size_t) l4 + doff || end < (size_t) l4 + doff)
		return false;
	s->src.port = iproto_get_be16(pkt + l4);
	s->dst.port = iproto_get_be16(pkt + l4 + 2);
	s->seq = iproto_get_be32(pkt + l4 + 4);
	s->ack = iproto_get_be32(pkt + l4 + 8);
	s->has_ack = (pkt[l4 + 13] & 0x10) != 0;
	s->fin = (pkt[l4 + 13] & 0x01) != 0;
	s->syn = (pkt[l4 + 13] & 0x02) != 0;
	s->rst = (pkt[l4 + 13] & 0x04) != 0;
	s->payload = pkt + l4 + doff;
	/* The IP length says where the payload ends (Ethernet pads short
	 * frames); what lies past the captured bytes is lost. */
	if (end > wire_len)
		end = wire_len;
	if (end < (size_t) l4 + doff)
		return false;
	s->len = end - (size_t) l4 - doff;
	cut = 0;
	if ((size_t) l4 + doff + s->len > caplen) {
		cut = (size_t) l4 + doff + s->len - caplen;
		s->len -= cut;
	}
	s->lost = cut;
	return true;
}
