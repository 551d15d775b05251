/* Fuzz target for the analyzer's frame parser (analyzer/ana-packet.c):
 * link layer, IPv4/IPv6 and TCP headers of captured frames.
 *
 * Input: byte 0 picks the link type (Ethernet, Linux cooked v1 and v2, BSD
 * loopback, OpenBSD loopback, raw IP), byte 1 how many bytes the capture
 * "cut" (wire length = captured + byte 1), then the frame.  A parsed
 * segment's payload must lie inside the captured bytes. */
#include "config.h"
#include <pcap/dlt.h>
#include <glib.h>
#include "analyzer/ana-packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int linktypes[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW };
	AnaSegment seg;

	if (size < 2)
		return 0;
	int lt = linktypes[data[0] % G_N_ELEMENTS(linktypes)];
	size_t cut = data[1];
	const uint8_t *frame = data + 2;
	size_t caplen = size - 2;

	if (ana_packet_parse(lt, frame, caplen, caplen + cut, &seg)) {
		g_assert_true(seg.payload >= frame);
		g_assert_true(seg.payload + seg.len <= frame + caplen);
		g_assert_true(seg.src.family == seg.dst.family);
	}
	return 0;
}
