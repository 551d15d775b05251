/* itnctl discover's sources: SendTargets (cmd-discover.c) and iSNS
 * (cmd-discover-isns.c) both give ItniDiscoveredTarget lists; mDNS
 * (cmd-discover-mdns.c) prints its own richer rows. */
#pragma once
#include <glib.h>
#include "initiator/itni-discovery.h"

/* Targets SOURCE (NULL: this machine's control name) may see on the iSNS
 * server SERVER ("host[:port]"), with their portal groups as TargetAddress
 * strings; a GPtrArray of ItniDiscoveredTarget*, or NULL with ERROR. */
GPtrArray *cli_discover_isns(const char *server, const char *source, GError **error);

/* itnctl discover --mdns: browse _iscsi._tcp and _isns._tcp for up to
 * timeout_ms, print what was found (and, with query_isns, what each iSNS
 * server found lets SOURCE see); the exit status. */
int cli_discover_mdns(guint timeout_ms, gboolean query_isns, const char *source);
