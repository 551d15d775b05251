/* Internal structures of the initiator library.  Not installed. */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <sys/uio.h>

#include "itni.h"
#include "itni-loop.h"
#include "libiscsi-proto/iproto-pdu.h"
#include "libiscsi-proto/iproto-iov.h"

#define ITNI_MAX_CONNECTIONS 16
/* Outstanding tasks per session (slots of the ITT table); more wait in the
 * pending queue. */
#define ITNI_MAX_TASKS 1024
/* Per task cap on the bytes counted for receive coalescing: 1024 tasks
 * times this stays below G_MAXINT. */
#define ITNI_EXPECT_CAP (1024 * 1024)
/* Scatter-gather entries per command. */
#define ITNI_MAX_IOV 64
/* Our MaxRecvDataSegmentLength (declared in login, sec. 13.12).  Data-In
 * lands straight in the caller's buffers, so a large segment costs us
 * nothing, while every PDU costs the target a header, a send and its
 * bookkeeping: tgtd serves a 1 MiB read as one PDU instead of four and
 * spends about half the CPU on it.  Other PDUs with data (text, sense)
 * go through a buffer that grows to at most this. */
#define ITNI_MAX_RECV_DSL (1024u * 1024u)
#define ITNI_RECV_BUF (512u * 1024u)

struct ItniConfig {
	char *host;
	guint16 port;
	char *target;
	int lun;
	char *initiator_name;
	char *user, *secret, *target_user, *target_secret;
	ItniChapAlgorithm algs[8];
	guint n_algs;
	gboolean algs_explicit;
	gboolean header_digest, data_digest;
	guint connections;
	guint replacement_timeout_ms;
	guint nop_interval_ms;
	guint16 session_index;
};

/* The body of a secrets file (config.c; fuzzed by tests/fuzz/fuzz-initiator-secrets.c). */
gboolean itni_config_parse_secrets(ItniConfig *c, const char *data, gsize len, const char *name,
	GError **error);

struct ItniContext {
	guint n_threads;
	guint n_loops;
	ItniLoop **loops;
	gint next_loop;
};
ItniLoop *itni_context_pick_loop(ItniContext *ctx);

/* The values negotiated at login that the data path needs. */
typedef struct {
	gboolean initial_r2t, immediate_data;
	guint32 max_burst, first_burst;
	guint32 max_connections;
	guint32 erl;
	guint32 time2wait;
	/* per connection */
	gboolean header_digest, data_digest;
	guint32 max_send_dsl;   /* the target's MaxRecvDataSegmentLength */
} ItniParams;

typedef struct ItniConn ItniConn;
typedef struct ItniOut ItniOut;

typedef enum {
	ITNI_TASK_SCSI,
	ITNI_TASK_TMF,
	ITNI_TASK_NOP,
} ItniTaskKind;

struct ItniTask {
	ItniSession *s;
	ItniTask *next;          /* pending queue / free list */
	ItniTaskKind kind;
	guint32 itt;
	guint slot;
	guint64 lun;             /* LUN number (encoded when sent) */
	guint8 cdb[16];
	guint8 cdb_len;
	ItniDirection dir;
	guint iovcnt;
	gsize xfer_len;
	ItniTaskFunc done;
	gpointer user_data;
	ItniConn *conn;          /* connection allegiance (sec. 4.2.1) */
	guint32 cmdsn;
	gsize data_in;           /* Data-In bytes received */
	gint expect_in;          /* bytes it likely brings back (coalescing) */
	guint retries;           /* UNIT ATTENTION retries */
	guint8 status, response;
	gint64 residual;
	guint8 sense[260];
	gsize sense_len;
	GError *error;
	guint8 tmf_function;
	guint32 tmf_rtt;
	/* last: not cleared when the task is reused */
	struct iovec iov[ITNI_MAX_IOV];
};

/* A queued PDU: header fields and the slice of the caller's buffers that
 * is its data segment.  Encoded into the connection's IProtoIov when it is
 * sent, so ExpStatSN is as fresh as possible. */
struct ItniOut {
	ItniOut *next;
	IProtoPdu pdu;
	guint n_iov;
	struct iovec iov[ITNI_MAX_IOV];
};

typedef struct IProtoRecv IProtoRecv;

struct ItniConn {
	ItniWatch watch;
	ItniLoop *loop;
	ItniSession *s;
	guint16 cid;
	ItniParams p;
	gint dead;               /* atomic */
	gboolean stopped;        /* removed from the loop */
	/* send side: any thread, under send_lock */
	GMutex send_lock;
	ItniOut *sq_head, *sq_tail;
	ItniOut *free_out;
	IProtoIov *iov;
	gboolean want_out;
	gboolean flush_deferred;
	guint32 exp_statsn;      /* last StatSN seen + 1 (atomic) */
	/* receive side: loop thread only */
	IProtoRecv *recv;
	const guint8 *stage_lo, *stage_hi; /* the parser's staging buffer */
	gboolean stage_probed;
	int lowat;               /* SO_RCVLOWAT now set (0 = default 1) */
	/* receive coalescing (conn.c): recent receive rate and a tick that
	 * bounds the wait when less arrives than expected */
	guint64 rate_bytes;      /* received since rate_start */
	gint64 rate_start;
	guint rate;              /* bytes per millisecond, last window */
	gboolean coalescing;     /* lowat raised beyond the current PDU */
	ItniTimer coalesce_tick;
	ItniTimer nop_timer;
	gint64 last_recv;
	guint nop_outstanding;
	/* stats (atomics) */
	gint outstanding;
	gint expect_in;          /* sum of expect_in of its tasks (atomic) */
	guint64 commands, bytes_out, bytes_in;
	char local[64], remote[64];
};

struct ItniSession {
	ItniContext *ctx;
	ItniConfig *cfg;
	GMutex lock;
	GCond cond;
	ItniSessionState state;
	guint8 isid[6];
	char isid_hex[13];
	guint16 tsih;
	guint32 cmdsn, exp_cmdsn, max_cmdsn;
	ItniParams params;
	gpointer sparams;        /* IProtoSessionParams of the leading login */
	ItniConn *conns[ITNI_MAX_CONNECTIONS];
	guint n_conns;
	guint16 next_cid;
	guint rr;
	ItniTask *slots[ITNI_MAX_TASKS];
	guint16 gen;
	guint next_slot;
	guint n_active;
	ItniConn *old_conns[ITNI_MAX_CONNECTIONS]; /* failed, waiting to be freed */
	guint n_old;
	gint stop_recovery;
	ItniTask *pend_head, *pend_tail;
	ItniTask *free_tasks;
	guint recoveries;
	GThread *recovery_thread;
	gboolean closing;
	gint64 lost_at;
	/* Where the target said it moved permanently (status 0x0102,
	 * RFC 7143 sec. 11.13.5); NULL while logins go to cfg->host. */
	char *moved_host;
	guint16 moved_port;
	void (*state_cb)(ItniSession *, ItniSessionState, gpointer);
	gpointer state_data;
};

/* conn.c: one TCP connection in full feature phase. */
ItniConn *itni_conn_new(ItniSession *s, int fd, guint16 cid, const ItniParams *p,
	guint32 exp_statsn);
/* Register with a loop (picked from the context) and start reading. */
void itni_conn_start(ItniConn *c, ItniLoop *loop);
/* Remove from the loop; from a thread other than the loop's it waits until
 * the loop let go.  The fd stays open (for a logout on it). */
void itni_conn_stop(ItniConn *c);
void itni_conn_free(ItniConn *c);
/* Queue a PDU whose data segment is bytes [offset, offset+len) of iov;
 * sends at once, or at the end of the loop round when called from it. */
void itni_conn_send(ItniConn *c, const IProtoPdu *pdu, const struct iovec *iov, guint iovcnt,
	gsize offset, gsize len);
guint32 itni_conn_exp_statsn(ItniConn *c);
int itni_conn_fd(ItniConn *c);

/* session.c / task.c, called by conn.c */
void itni_session_update_window(ItniSession *s, guint32 exp_cmdsn, guint32 max_cmdsn);
ItniTask *itni_session_lookup(ItniSession *s, guint32 itt);
/* Status arrived: release the slot, run the callback, recycle. */
void itni_task_complete(ItniTask *t);
/* The connection broke (loop thread): recover or fail the session. */
void itni_session_conn_failed(ItniConn *c, const GError *error);
/* Send Data-Out PDUs for [offset, offset+len) (an R2T or unsolicited data). */
void itni_session_dispatch_pending(ItniSession *s);
void itni_task_submit_tmf(ItniSession *s, guint8 function, guint64 lun, ItniTaskFunc done,
	gpointer user_data);
guint8 itni_task_get_tmf_response(ItniTask *t);
void itni_task_send_data_out(ItniTask *t, ItniConn *c, guint32 ttt, guint32 offset, guint32 len);
/* Copy up to max entries describing [off, off+len) of iov into out. */
guint itni_iov_slice(const struct iovec *iov, guint iovcnt, gsize off, gsize len,
	struct iovec *out, guint max);
