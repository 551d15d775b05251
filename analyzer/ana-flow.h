/* The flow table: TCP connections to an iSCSI port (3260 and --port) or
 * the iSNS port (3205), each with its two reassembled directions feeding
 * the iSCSI or iSNS analysis.  Bounded: at most ANA_FLOWS_MAX connections
 * followed at once, and out-of-order bytes bounded per direction and in
 * total (see ana-reasm.h). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "analyzer/ana-context.h"

G_BEGIN_DECLS

#define ANA_FLOWS_MAX 1024u
#define ANA_FLOW_MAX_PENDING (8u * 1024u * 1024u)
#define ANA_FLOWS_MAX_PENDING (64u * 1024u * 1024u)

typedef struct {
	int family;            /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
} AnaEndpoint;

/* One TCP segment as the capture layer found it. */
typedef struct {
	double t;              /* seconds since the first packet */
	AnaEndpoint src, dst;
	uint32_t seq, ack;
	bool syn, fin, rst, has_ack;
	const uint8_t *payload;
	size_t len;            /* payload bytes captured */
	size_t lost;           /* payload bytes cut by the snapshot length */
} AnaSegment;

typedef struct AnaFlows AnaFlows;

AnaFlows *ana_flows_new(AnaContext *ctx, const uint16_t *iscsi_ports, size_t n_ports, uint16_t isns_port);
/* Ends every connection still open (reports what is cut short). */
void ana_flows_finish(AnaFlows *f, double t);
void ana_flows_free(AnaFlows *f);
void ana_flows_segment(AnaFlows *f, const AnaSegment *s);

/* "a.b.c.d:port" or "[v6]:port". */
char *ana_endpoint_string(const AnaEndpoint *e);

G_END_DECLS
