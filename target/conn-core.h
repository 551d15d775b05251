/* conn-core.h: one iSCSI connection (RFC 7143 sec. 4.4, 7).
 *
 * Life: accepted in the main thread, handed to a worker (conn_start), logs
 * in (login-*.c), joins a session, runs full feature phase (conn-ffp.c,
 * task-*.c), and ends by logout, error or shutdown (conn_close).  All of it
 * happens in the owning worker thread; other threads post to it. */
#pragma once
#include <glib.h>
#include <stdint.h>
#include "target/iscsi-core.h"
#include "target/worker-loop.h"
#include "target/conn-send.h"
#include "libiscsi-proto/iproto-pdu.h"

G_BEGIN_DECLS

typedef enum {
  TGT_CONN_LOGIN,          /* login phase */
  TGT_CONN_FULL,           /* full feature phase */
  TGT_CONN_LOGOUT,         /* Logout Response queued: close once flushed */
  TGT_CONN_CLOSED,
} TgtConnState;

struct TgtConn {
  TgtWorkerWatch watch;    /* fd, epoll registration, tick */
  gint refs;
  TgtEngine *engine;
  TgtWorker *worker;
  TgtConnState state;
  guint16 tpgt;            /* portal group it arrived through */
  guint16 cid;
  guint id;                /* engine-wide number, for logs and control */
  char peer[64];           /* "ADDR:PORT" of the initiator */
  char local[64];          /* "ADDR:PORT" of our portal */
  guint32 events;          /* current epoll mask */

  struct IProtoRecv *rx;   /* receive parser */
  TgtTxQueue tx;

  TgtLogin *login;         /* during login */
  TgtSession *sess;        /* after login (a reference) */
  GList sess_link;         /* in sess->conns */
  GList engine_link;       /* in engine->conns */

  guint32 stat_sn;         /* next StatSN to send */
  guint32 max_send_dsl;    /* initiator's MaxRecvDataSegmentLength */
  guint32 max_recv_dsl;    /* ours */
  gboolean hdigest, ddigest;

  /* Timers (monotonic us): login deadline; NOP-In keepalive. */
  gint64 login_deadline;
  gint64 last_rx;
  gint64 nop_deadline;     /* 0: no ping outstanding */
  guint32 nop_ttt;

  /* Tasks with allegiance to this connection (RFC 7143 sec. 4.4.3). */
  GQueue tasks;            /* of TgtTask (link) */
  GQueue free_tasks;
  guint32 next_ttt;
  TgtTask *rx_task;        /* Data-Out being received into a task */

  /* Text Request in full feature phase (SendTargets), with C bit. */
  struct _IProtoTextAccum *text_accum;
  GByteArray *text_out;    /* response not yet sent (C=1 continuation) */
  gsize text_out_off;
  guint32 text_ttt;
};

/* Takes ownership of fd (non-blocking, accepted on portal tpgt); the
 * connection starts on worker w.  Called in the main thread: the rest
 * happens in the worker. */
void conn_start (TgtEngine *engine, TgtWorker *w, int fd, guint16 tpgt);

TgtConn *conn_ref (TgtConn *c);
void conn_unref (TgtConn *c);

/* Ends the connection now (worker thread): stops reading, drops queued
 * PDUs and tasks, leaves the session (which may then end). */
void conn_close (TgtConn *c, const char *why);
/* From any thread: conn_close in the worker. */
void conn_close_async (TgtConn *c, const char *why);
/* Flush the send queue (worker thread); closes on error. */
void conn_flush (TgtConn *c);

/* Queue a PDU (see conn-send.h); StatSN/ExpCmdSN/MaxCmdSN are the caller's. */
void conn_send (TgtConn *c, const IProtoPdu *pdu, const void *data, gsize len);

/* After login: digests and data segment limits of full feature phase. */
void conn_set_ffp_params (TgtConn *c, gboolean hdigest, gboolean ddigest, guint32 max_recv_dsl,
                          guint32 max_send_dsl);

/* Dispatch of one complete PDU received (conn-dispatch.c). */
void conn_dispatch (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len,
                    const guint8 *data, gsize data_len);

/* Reject (RFC 7143 sec. 11.17) carrying the offending header. */
void conn_send_reject (TgtConn *c, guint8 reason, const guint8 *bhs);

G_END_DECLS
