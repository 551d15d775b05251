/* discovery-sendtargets.h: the answer to SendTargets (RFC 7143 sec. 13.3,
 * RFC 3721 sec. 3.2): TargetName for each target the asking initiator may
 * reach, followed by one TargetAddress per portal of every portal group
 * serving it ("host:port,tpgt", IPv6 in brackets). */
#pragma once
#include <glib.h>
#include "target/iscsi-core.h"
#include "target/tgt-config.h"
#include "libiscsi-proto/iproto-text.h"

G_BEGIN_DECLS

/* value: "All", a target name, or "" (the session's target).  current:
 * the target of a normal session (NULL in discovery sessions).
 * local_host, local_port: our end of this connection, used for portals
 * bound to a wildcard address or to port 0 (any free port).  Appends to
 * out. */
void discovery_send_targets (const TgtConfig *cfg, const char *initiator, const char *value, const char *current,
                             const char *local_host, guint16 local_port, IProtoTextList *out);

G_END_DECLS
