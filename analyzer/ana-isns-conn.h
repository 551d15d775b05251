/* One iSNS connection (RFC 4171, TCP port 3205): both directions joined
 * into messages by the discovery library's reassembler and decoded by its
 * TLV codec; one output line per message with function, transaction ID,
 * status (responses) and attributes. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "analyzer/ana-context.h"

G_BEGIN_DECLS

typedef struct AnaIsnsConn AnaIsnsConn;

/* flow_c2s/flow_s2c: "addr:port > addr:port" for client->server and back. */
AnaIsnsConn *ana_isns_conn_new(AnaContext *ctx, const char *flow_c2s, const char *flow_s2c);
void ana_isns_conn_free(AnaIsnsConn *c);
void ana_isns_conn_bytes(AnaIsnsConn *c, bool from_client, double t, const uint8_t *data, size_t len,
			 uint64_t gap);
void ana_isns_conn_end(AnaIsnsConn *c, double t);

G_END_DECLS
