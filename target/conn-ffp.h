/* conn-ffp.h: full feature phase PDUs other than SCSI data path ones:
 * NOP-Out (sec. 11.18), Text Request with SendTargets (sec. 11.10, 13.3)
 * and Logout (sec. 11.14), and the Async Message of a clean shutdown
 * (sec. 11.9). */
#pragma once
#include "target/conn-core.h"

G_BEGIN_DECLS

void ffp_nop_out (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
                  gsize data_len);
void ffp_text (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
               gsize data_len);
void ffp_logout (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
                 gsize data_len);
/* Worker thread: ask the initiator to log out within `seconds`. */
void ffp_request_logout (TgtConn *c, guint seconds);
/* Ordered PDU whose turn came (conn-dispatch.c). */
void conn_dispatch_ordered (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len,
                            const guint8 *data, gsize data_len);

G_END_DECLS
