/* reload-diff.h: what changes between two configurations, in words.
 *
 * The engine applies a new configuration as a whole (tgt_engine_apply) and
 * keeps every session the change does not touch; this list is what the
 * daemon logs on a reload or a control call ("LUN 1 of iqn... added"), so
 * that an admin sees what a SIGHUP did.  Secrets are compared, never
 * shown: a changed secret reads "CHAP account 'u' of ... changed". */
#ifndef ITN_RELOAD_DIFF_H
#define ITN_RELOAD_DIFF_H

#include <glib.h>

#include "target/tgt-config.h"

G_BEGIN_DECLS

/* One string per difference, in a stable order; empty when equal. */
GPtrArray *tgt_reload_diff (const TgtConfig *old_cfg, const TgtConfig *new_cfg);

G_END_DECLS

#endif /* ITN_RELOAD_DIFF_H */
