/* session-core.h: iSCSI sessions (RFC 7143 sec. 4.4, 6.3.x, 4.2.2.1).
 *
 * A session is named by InitiatorName + ISID + TargetName + TPGT and
 * numbered by the TSIH we assign.  It owns the negotiated session-wide
 * parameters, the CmdSN window shared by all its connections, and the
 * SCSI I_T nexus.  Shared state is under sess->lock (connections of one
 * session may live on different workers). */
#pragma once
#include <glib.h>
#include "target/iscsi-core.h"
#include "target/scsi.h"
#include "libiscsi-proto/iproto-pdu.h"

G_BEGIN_DECLS

/* Session parameters the engine needs after login, copied out of the
 * negotiation result so this header needs no negotiation types. */
typedef struct {
  gboolean discovery;
  guint32 max_connections;
  gboolean initial_r2t;
  gboolean immediate_data;
  guint32 max_burst_length;
  guint32 first_burst_length;
  guint32 max_outstanding_r2t;
  guint32 default_time2wait;
  guint32 default_time2retain;
  guint32 error_recovery_level;
} TgtSessionParams;

struct TgtSession {
  gint refs;
  GMutex lock;
  TgtEngine *engine;
  TgtTarget *target;            /* NULL for discovery sessions */
  char *initiator_name;
  char *initiator_alias;
  guint8 isid[6];
  guint16 tsih;
  guint16 tpgt;
  TgtSessionParams params;
  /* The negotiated IProtoSessionParams (login-negotiate.c), given to the
   * negotiation of connections that join later (LO keys, sec. 6.3). */
  gpointer proto_params;
  GDestroyNotify proto_params_free;
  TgtNexus *nexus;              /* normal sessions */
  guint queue_depth;

  /* CmdSN window (sec. 4.2.2.1), under lock. */
  guint32 exp_cmdsn;
  guint32 max_cmdsn;
  guint active;                 /* commands accepted, not yet answered */
  GQueue pending;               /* of TgtDeferred: CmdSN ahead of ExpCmdSN (MC/S) */

  GQueue conns;                 /* of TgtConn (sess_link), under lock */
  gboolean ended;               /* removed from the engine table */
  gint64 created;
};

/* A non-immediate PDU that arrived before its CmdSN's turn. */
typedef struct {
  GList link;
  TgtConn *conn;                /* referenced */
  guint32 cmdsn;
  gsize hdr_len, data_len;
  guint8 *hdr;                  /* copy of BHS + AHS */
  guint8 *data;                 /* copy of the data segment */
} TgtDeferred;

TgtSession *session_new (TgtEngine *engine, TgtTarget *target, const char *initiator_name,
                         const guint8 isid[6], guint16 tpgt, guint32 cmdsn);
TgtSession *session_ref (TgtSession *s);
void session_unref (TgtSession *s);

/* Connections (worker of c; takes sess->lock). */
void session_add_conn (TgtSession *s, TgtConn *c);
/* Returns TRUE when it was the last connection (the session ends). */
gboolean session_remove_conn (TgtSession *s, TgtConn *c);
guint session_conn_count (TgtSession *s);
/* Connections whose CID is not cid. */
guint session_conn_count_except (TgtSession *s, guint16 cid);

/* The CmdSN rule of sec. 4.2.2.1 for a non-immediate PDU received on c.
 * Returns:
 *   SESSION_CMD_NOW      its turn: ExpCmdSN advanced, process it now;
 *   SESSION_CMD_DEFERRED ahead of ExpCmdSN but in the window: kept (copied)
 *                        until the gap closes;
 *   SESSION_CMD_DROP     outside the window: silently ignored.
 * After processing a NOW PDU call session_run_ready() to release deferred
 * ones whose turn came. */
typedef enum {
  SESSION_CMD_NOW,
  SESSION_CMD_DEFERRED,
  SESSION_CMD_DROP,
} SessionCmdVerdict;

SessionCmdVerdict session_cmdsn_check (TgtSession *s, TgtConn *c, guint32 cmdsn, gboolean immediate,
                                       const guint8 *hdr, gsize hdr_len, const guint8 *data,
                                       gsize data_len);
void session_run_ready (TgtSession *s, TgtConn *c);

/* Task accounting for the window: MaxCmdSN = ExpCmdSN + depth - 1 - active,
 * never decreasing (sec. 4.2.2.1). */
void session_task_begin (TgtSession *s);
void session_task_end (TgtSession *s);
/* Current ExpCmdSN / MaxCmdSN for a response. */
void session_window (TgtSession *s, guint32 *exp_cmdsn, guint32 *max_cmdsn);

G_END_DECLS
