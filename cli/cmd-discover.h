/* itnctl discover's sources: SendTargets (cmd-discover.c) and iSNS
 * (cmd-discover-isns.c) both give ItniDiscoveredTarget lists. */
#pragma once
#include <glib.h>
#include "initiator/itni-discovery.h"

/* Targets SOURCE (NULL: this machine's control name) may see on the iSNS
 * server SERVER ("host[:port]"), with their portal groups as TargetAddress
 * strings; a GPtrArray of ItniDiscoveredTarget*, or NULL with ERROR. */
GPtrArray *cli_discover_isns(const char *server, const char *source, GError **error);
