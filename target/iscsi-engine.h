/* iscsi-engine.h: engine internals shared by the connection, login and
 * session code (the public side is tgt-engine.h). */
#pragma once
#include <glib.h>
#include "target/iscsi-core.h"
#include "target/tgt-engine.h"
#include "target/scsi.h"
#include "target/worker-loop.h"
#include "target/portal-listen.h"

G_BEGIN_DECLS

struct TgtTarget {
  gint refs;
  char *iqn;
  TgtConfigTarget *cfg;         /* under engine->lock; replaced on apply */
  TgtScsiTarget *scsi;
  gboolean removed;
};

struct TgtEngine {
  GMutex lock;
  TgtConfig *cfg;               /* in effect, under lock */
  /* Earlier configs: workers may still read limits through an old
   * pointer, so they are freed only with the engine. */
  GPtrArray *retired;
  GHashTable *targets;          /* lower-case iqn -> TgtTarget* */
  GQueue sessions;              /* of TgtSession* (normal and discovery) */
  guint16 next_tsih;
  guint next_conn_id;
  GPtrArray *workers;           /* of TgtWorker* */
  gint next_worker;             /* atomic */
  TgtPortalSet *portals;
  GQueue conns;                 /* of TgtConn* (all), under lock */
  gboolean shutting_down;
  TgtEngineAppliedFunc applied;
  gpointer applied_data;
  /* Failed logins per source address: delay the next answer (slows down
   * guessing, see login-throttle.c). */
  GHashTable *failures;         /* address string -> TgtLoginFailures* */
};

TgtTarget *engine_target_ref (TgtTarget *t);
void engine_target_unref (TgtTarget *t);
/* Looks up a target served on tpgt (NULL if none): a reference. */
TgtTarget *engine_lookup_target (TgtEngine *e, const char *iqn, guint16 tpgt);

/* Session table (engine->lock taken inside). */
guint16 engine_session_register (TgtEngine *e, TgtSession *s);
void engine_session_unregister (TgtEngine *e, TgtSession *s);
/* A reference to the session with this TSIH, or NULL. */
TgtSession *engine_session_by_tsih (TgtEngine *e, guint16 tsih);
/* A reference to the session with the same I_T identity (initiator, ISID,
 * target, TPGT), or NULL: reinstatement (sec. 6.3.5). */
TgtSession *engine_session_by_identity (TgtEngine *e, const char *initiator, const guint8 isid[6],
                                        TgtTarget *target, guint16 tpgt);

void engine_conn_register (TgtEngine *e, TgtConn *c);
void engine_conn_unregister (TgtEngine *e, TgtConn *c);

/* The current config, copied under the lock, for a login (caller frees). */
TgtConfig *engine_config_snapshot (TgtEngine *e);

G_END_DECLS
