/* One iSCSI connection as seen on the wire: both directions framed into
 * PDUs, the login followed (to learn the negotiated digests and
 * DataPDUInOrder), and the checks that make the analyzer more than a
 * dissector (RFC 7143):
 *   - CmdSN order of initiator PDUs (sec. 4.2.2.1), StatSN order of target
 *     PDUs and ExpStatSN never ahead of what the target sent (sec. 4.2.2.2);
 *   - responses (SCSI Response, Data-In, R2T, ...) for an ITT with no
 *     outstanding command (sec. 11.2.1.8);
 *   - Data-In DataSN and Buffer Offset order (sec. 11.7.4, 11.7.5);
 *   - header and data digest mismatches (sec. 11.1, 13.1);
 *   - Reject PDUs with their reason (sec. 11.17).
 * Sequence and task state is kept per TCP connection. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "analyzer/ana-context.h"

G_BEGIN_DECLS

typedef struct AnaIscsiConn AnaIscsiConn;

/* flow_i2t/flow_t2i: "addr:port > addr:port" for each direction. */
AnaIscsiConn *ana_iscsi_conn_new(AnaContext *ctx, const char *flow_i2t, const char *flow_t2i);
void ana_iscsi_conn_free(AnaIscsiConn *c);
/* In-order bytes of one direction at capture time t (seconds), with the
 * number of bytes lost before them (see ana-reasm.h). */
void ana_iscsi_conn_bytes(AnaIscsiConn *c, bool from_initiator, double t, const uint8_t *data,
			  size_t len, uint64_t gap);
/* The connection is over (FIN/RST or end of capture). */
void ana_iscsi_conn_end(AnaIscsiConn *c, double t);

G_END_DECLS
