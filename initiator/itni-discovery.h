/* SendTargets discovery (RFC 7143 sec. 4.3, 13.3): a Discovery session to a
 * portal, "SendTargets=All", the answer as a list of targets, each with the
 * portals (TargetAddress values) it is reachable at. */
#pragma once
#include <glib.h>

#include "itni-config.h"
#include "itni-context.h"

G_BEGIN_DECLS

typedef struct {
	char *name;       /* TargetName */
	GPtrArray *addresses; /* char*: "host:port,tpgt" as the target sent them */
} ItniDiscoveredTarget;

void itni_discovered_target_free(ItniDiscoveredTarget *t);

/* Log in to the portal of config (CHAP as configured), ask SendTargets=All,
 * log out.  Returns a GPtrArray of ItniDiscoveredTarget* (free with
 * g_ptr_array_unref), or NULL with error. */
GPtrArray *itni_discover_sync(ItniContext *ctx, const ItniConfig *config, GError **error);

G_END_DECLS
