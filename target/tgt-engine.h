/* tgt-engine.h: the iSCSI engine of itn-targetd as the rest of the daemon
 * (main.c, the control API, SIGHUP reload) sees it.
 *
 * The engine runs the data path on its worker threads and accepts in the
 * GLib main loop of the thread that created it.  Every function here is
 * called from that main thread.
 *
 * Live changes: build the new desired TgtConfig and call
 * tgt_engine_apply(); the engine adds and removes targets and LUNs, opens
 * and closes portals, and uses the new ACLs, accounts and limits for every
 * later login, without touching sessions the change does not concern
 * (sessions of a removed target are closed).  The single-item helpers below
 * are shorthands that copy the current config, change one thing and apply. */
#pragma once
#include <glib.h>
#include "target/tgt-config.h"

G_BEGIN_DECLS

typedef struct TgtEngine TgtEngine;

/* cfg is copied. */
TgtEngine *tgt_engine_new (const TgtConfig *cfg, GError **error);
/* Opens the portals and starts the workers. */
gboolean tgt_engine_start (TgtEngine *e, GError **error);
/* Clean shutdown (RFC 7143 sec. 11.9): every full-feature connection gets
 * an Async Message "logout requested"; waits up to timeout_ms for the
 * initiators to log out, then closes the rest, stops the workers. */
void tgt_engine_shutdown (TgtEngine *e, guint timeout_ms);
void tgt_engine_free (TgtEngine *e);

/* The configuration in effect (do not modify; valid until the next apply). */
const TgtConfig *tgt_engine_config (TgtEngine *e);
/* Port of the first portal (useful when the config asked for port 0). */
guint16 tgt_engine_port (TgtEngine *e);

gboolean tgt_engine_apply (TgtEngine *e, const TgtConfig *cfg, GError **error);

/* Called (main thread) after every successful apply with the config now in
 * effect, e.g. to re-register with iSNS.  One hook; NULL removes it. */
typedef void (*TgtEngineAppliedFunc) (const TgtConfig *cfg, gpointer user_data);
void tgt_engine_set_applied_hook (TgtEngine *e, TgtEngineAppliedFunc func, gpointer user_data);

/* Serve an already connected socket as if it had arrived on portal group
 * tpgt (socket activation, tests, fuzzing).  Takes ownership of fd.  May
 * be called from any thread once the engine is started. */
void tgt_engine_adopt (TgtEngine *e, int fd, guint16 tpgt);

gboolean tgt_engine_add_target (TgtEngine *e, const TgtConfigTarget *t, GError **error);
gboolean tgt_engine_remove_target (TgtEngine *e, const char *iqn, GError **error);
gboolean tgt_engine_add_lun (TgtEngine *e, const char *iqn, const TgtConfigLun *lun, GError **error);
gboolean tgt_engine_remove_lun (TgtEngine *e, const char *iqn, guint32 lun, GError **error);
gboolean tgt_engine_acl_add (TgtEngine *e, const char *iqn, const char *initiator, GError **error);
gboolean tgt_engine_acl_remove (TgtEngine *e, const char *iqn, const char *initiator, GError **error);
/* iqn NULL: the discovery policy.  Replaces an account of the same user. */
gboolean tgt_engine_account_add (TgtEngine *e, const char *iqn, const TgtConfigChap *account, gboolean mutual,
                                 GError **error);
gboolean tgt_engine_account_remove (TgtEngine *e, const char *iqn, const char *user, GError **error);

/* Snapshot of live sessions and connections, for the control API. */
typedef struct {
  char *target;                 /* NULL for discovery sessions */
  char *initiator;
  char *initiator_alias;
  guint8 isid[6];
  guint16 tsih;
  guint16 tpgt;
  GPtrArray *connections;       /* of TgtConnInfo* */
} TgtSessionInfo;

typedef struct {
  guint16 cid;
  char *peer;                   /* "ADDR:PORT" */
  char *local;
  gboolean header_digest;
  gboolean data_digest;
} TgtConnInfo;

GPtrArray *tgt_engine_list_sessions (TgtEngine *e);   /* of TgtSessionInfo*, free with g_ptr_array_unref */
void tgt_session_info_free (TgtSessionInfo *s);

G_END_DECLS
