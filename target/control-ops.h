/* control-ops.h: the changes the control API makes, as operations on a
 * configuration model.
 *
 * The control service (control-service.c) copies the configuration in
 * effect, applies one operation here, hands the result to the engine
 * (tgt_engine_apply) and writes it back (config-write.h).  Keeping the
 * operations pure makes them testable without D-Bus or an engine, and the
 * checks are the same ones the file form gets.
 *
 * `target` arguments are target names (normalized before use); NULL or ""
 * means the discovery policy where accounts are concerned.  Errors use
 * TGT_ERROR: NOT_FOUND, EXISTS, INVALID.  Messages never hold secrets.
 */
#ifndef ITN_CONTROL_OPS_H
#define ITN_CONTROL_OPS_H

#include <glib.h>

#include "target/tgt-config.h"

G_BEGIN_DECLS

/* tpgts (nullable): portal groups serving the target; empty: all. */
gboolean tgt_control_op_add_target (TgtConfig *cfg, const char *name, const char *alias, const GArray *tpgts,
                                    GError **error);
gboolean tgt_control_op_remove_target (TgtConfig *cfg, const char *name, GError **error);

/* lun < 0: the lowest free number.  *assigned (nullable) receives it. */
gboolean tgt_control_op_add_lun (TgtConfig *cfg, const char *target, const char *backstore, gint64 lun,
                                 gboolean read_only, guint block_size, guint32 *assigned, GError **error);
gboolean tgt_control_op_remove_lun (TgtConfig *cfg, const char *target, guint32 lun, GError **error);

gboolean tgt_control_op_add_acl (TgtConfig *cfg, const char *target, const char *initiator, GError **error);
gboolean tgt_control_op_remove_acl (TgtConfig *cfg, const char *target, const char *initiator, GError **error);

/* kind: "chap" (one-way: an initiator logs in with it) or "mutual-chap"
 * (the target answers with it; one per target, replaced). */
gboolean tgt_control_op_add_account (TgtConfig *cfg, const char *target, const char *kind, const char *user,
                                     const char *secret, GError **error);
gboolean tgt_control_op_remove_account (TgtConfig *cfg, const char *target, const char *kind, const char *user,
                                        GError **error);

/* One limit by its name in config-values.h; the value is range-checked. */
gboolean tgt_control_op_set_limit (TgtConfig *cfg, const char *name, guint64 value, GError **error);

/* The target of that name (normalized first), or NULL with NOT_FOUND. */
TgtConfigTarget *tgt_control_find_target (const TgtConfig *cfg, const char *name, GError **error);

G_END_DECLS

#endif /* ITN_CONTROL_OPS_H */
