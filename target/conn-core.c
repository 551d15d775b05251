/* conn-core.c: connection life cycle and socket I/O (conn-core.h). */
#include "config.h"

#include "target/conn-core.h"
#include "target/iscsi-engine.h"
#include "target/login-core.h"
#include "target/session-core.h"
#include "target/task-core.h"
#include "target/tgt-config.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-recv.h"
#include "libiscsi-proto/iproto-text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* During login we accept 8192-byte data segments until the initiator
 * learns our MaxRecvDataSegmentLength (RFC 7143 sec. 13.12: the default
 * applies until declared). */
#define LOGIN_MAX_RECV_DSL 8192
/* Reads per readiness event before giving other connections a turn. */
#define READS_PER_EVENT 16
/* Header staging: one readv takes many small command PDUs. */
#define RX_READAHEAD 16384
/* Stop reading while this many trains wait for the socket (a slow reader
 * must not make us queue without bound). */
#define TX_BACKLOG_TRAINS 64

static void conn_on_event (TgtWorkerWatch *watch, guint32 events);
static void conn_on_tick (TgtWorkerWatch *watch, gint64 now);

static TgtConn *
conn_of (TgtWorkerWatch *watch)
{
  return (TgtConn *) ((char *) watch - G_STRUCT_OFFSET (TgtConn, watch));
}

static void
addr_string (const struct sockaddr_storage *ss, char *out, gsize len)
{
  char host[INET6_ADDRSTRLEN] = "?";
  guint port = 0;
  if (ss->ss_family == AF_INET)
    {
      const struct sockaddr_in *s4 = (const struct sockaddr_in *) ss;
      inet_ntop (AF_INET, &s4->sin_addr, host, sizeof host);
      port = ntohs (s4->sin_port);
      g_snprintf (out, len, "%s:%u", host, port);
    }
  else if (ss->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *) ss;
      inet_ntop (AF_INET6, &s6->sin6_addr, host, sizeof host);
      port = ntohs (s6->sin6_port);
      g_snprintf (out, len, "[%s]:%u", host, port);
    }
  else
    g_strlcpy (out, "?", len);
}

static void
conn_attach (gpointer data)
{
  TgtConn *c = data;
  g_autoptr (GError) error = NULL;
  c->events = EPOLLIN;
  if (!tgt_worker_watch (c->worker, &c->watch, c->events, &error))
    {
      g_warning ("connection from %s: %s", c->peer, error->message);
      conn_close (c, "cannot watch");
    }
  conn_unref (c); /* the reference conn_start took for this post */
}

void
conn_start (TgtEngine *engine, TgtWorker *w, int fd, guint16 tpgt)
{
  TgtConn *c = g_new0 (TgtConn, 1);
  c->refs = 1;
  c->engine = engine;
  c->worker = w;
  c->tpgt = tpgt;
  c->state = TGT_CONN_LOGIN;
  c->watch.fd = fd;
  c->watch.func = conn_on_event;
  c->watch.tick = conn_on_tick;
  c->sess_link.data = c;
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getpeername (fd, (struct sockaddr *) &ss, &sl) == 0)
    addr_string (&ss, c->peer, sizeof c->peer);
  sl = sizeof ss;
  if (getsockname (fd, (struct sockaddr *) &ss, &sl) == 0)
    addr_string (&ss, c->local, sizeof c->local);
  IProtoRecvConfig rc = {
    .role = IPROTO_ROLE_TARGET,
    .max_data_len = LOGIN_MAX_RECV_DSL,
    .readahead = RX_READAHEAD,
  };
  c->rx = iproto_recv_new (&rc);
  c->max_recv_dsl = LOGIN_MAX_RECV_DSL;
  c->max_send_dsl = LOGIN_MAX_RECV_DSL;
  tgt_tx_queue_init (&c->tx);
  g_queue_init (&c->tasks);
  g_queue_init (&c->free_tasks);
  c->stat_sn = g_random_int ();
  gint64 now = g_get_monotonic_time ();
  c->last_rx = now;
  const TgtConfig *cfg = engine->cfg;
  c->login_deadline = now + (gint64) MAX (cfg->limits.login_timeout, 1) * G_USEC_PER_SEC;
  engine_conn_register (engine, c);
  g_debug ("connection %u from %s on portal group %u", c->id, c->peer, tpgt);
  conn_ref (c);
  tgt_worker_post (w, conn_attach, c);
}

TgtConn *
conn_ref (TgtConn *c)
{
  g_atomic_int_inc (&c->refs);
  return c;
}

void
conn_unref (TgtConn *c)
{
  if (!g_atomic_int_dec_and_test (&c->refs))
    return;
  if (c->watch.fd >= 0)
    close (c->watch.fd);
  tgt_tx_queue_clear (&c->tx);
  GList *l;
  while ((l = g_queue_pop_head_link (&c->free_tasks)) != NULL)
    g_free (l->data);
  iproto_recv_free (c->rx);
  if (c->text_accum != NULL)
    iproto_text_accum_free (c->text_accum);
  if (c->text_out != NULL)
    g_byte_array_unref (c->text_out);
  g_free (c);
}

static void
conn_unref_post (gpointer data)
{
  conn_unref (data);
}

void
conn_close (TgtConn *c, const char *why)
{
  if (c->state == TGT_CONN_CLOSED)
    return;
  c->state = TGT_CONN_CLOSED;
  if (why != NULL)
    g_debug ("connection %u (%s): closed: %s", c->id, c->peer, why);
  tgt_worker_unwatch (&c->watch);
  shutdown (c->watch.fd, SHUT_RDWR);
  /* Responding tasks are released by their trains' callbacks; tasks still
   * waiting for data are dropped after. */
  tgt_tx_queue_clear (&c->tx);
  tgt_tx_queue_init (&c->tx);
  task_drop_all (c);
  if (c->login != NULL)
    {
      login_free (c->login);
      c->login = NULL;
    }
  if (c->sess != NULL)
    {
      TgtSession *s = c->sess;
      c->sess = NULL;
      session_remove_conn (s, c);
      session_unref (s);
    }
  engine_conn_unregister (c->engine, c);
  /* The worker may still hold this watch in its current event batch or
   * tick snapshot: free from a post (worker-loop.h). */
  tgt_worker_post (c->worker, conn_unref_post, c);
}

static void
conn_close_post (gpointer data)
{
  TgtConn *c = data;
  conn_close (c, "closed by the target");
  conn_unref (c);
}

void
conn_close_async (TgtConn *c, const char *why)
{
  conn_ref (c);
  if (tgt_worker_in_thread (c->worker))
    {
      conn_close (c, why);
      conn_unref (c);
    }
  else
    tgt_worker_post (c->worker, conn_close_post, c);
}

static void
set_events (TgtConn *c, guint32 events)
{
  if (c->state == TGT_CONN_CLOSED || events == c->events)
    return;
  c->events = events;
  tgt_worker_watch_events (&c->watch, events);
}

void
conn_flush (TgtConn *c)
{
  if (c->state == TGT_CONN_CLOSED)
    return;
  int rc = tgt_tx_flush (&c->tx, c->watch.fd);
  if (rc < 0)
    {
      conn_close (c, g_strerror (errno));
      return;
    }
  if (rc == 1 && c->state == TGT_CONN_LOGOUT)
    {
      conn_close (c, "logged out");
      return;
    }
  guint32 ev = 0;
  if (c->state != TGT_CONN_LOGOUT && c->tx.trains.length < TX_BACKLOG_TRAINS)
    ev |= EPOLLIN;
  if (rc == 0)
    ev |= EPOLLOUT;
  set_events (c, ev);
}

void
conn_send (TgtConn *c, const IProtoPdu *pdu, const void *data, gsize len)
{
  if (c->state == TGT_CONN_CLOSED)
    return;
  tgt_tx_add_copy (&c->tx, pdu, data, len);
}

void
conn_set_ffp_params (TgtConn *c, gboolean hdigest, gboolean ddigest, guint32 max_recv_dsl, guint32 max_send_dsl)
{
  /* RFC 7143 sec. 13.1/13.12: the new values apply to PDUs after the final
   * Login Response, which is already queued. */
  c->hdigest = hdigest;
  c->ddigest = ddigest;
  c->max_recv_dsl = max_recv_dsl;
  c->max_send_dsl = max_send_dsl;
  tgt_tx_set_digests (&c->tx, hdigest, ddigest);
  iproto_recv_set_digests (c->rx, hdigest, ddigest);
  iproto_recv_set_max_data_len (c->rx, max_recv_dsl);
}

void
conn_send_reject (TgtConn *c, guint8 reason, const guint8 *bhs)
{
  IProtoPdu r;
  iproto_pdu_init (&r, IPROTO_OP_REJECT);
  r.u.reject.reason = reason;
  r.u.reject.statsn = c->stat_sn++;
  r.u.reject.datasn_r2tsn = 0;
  if (c->sess != NULL)
    session_window (c->sess, &r.u.reject.expcmdsn, &r.u.reject.maxcmdsn);
  /* sec. 11.17.3: the data segment is the rejected PDU's header. */
  conn_send (c, &r, bhs, IPROTO_BHS_LEN);
}

static void
rx_error (TgtConn *c, GError *error)
{
  const guint8 *bad = iproto_recv_bad_header (c->rx);
  if (g_error_matches (error, IPROTO_ERROR, IPROTO_ERROR_DATA_DIGEST) && bad != NULL)
    {
      /* sec. 7.8: a data digest error is answered with a Reject (reason
       * 0x02) and the PDU is discarded; the connection goes on.  A
       * discarded command (immediate data) did not happen: its CmdSN is
       * not consumed and the initiator retries it (sec. 7.2.1).  A
       * discarded Data-Out still ends its task, with CHECK CONDITION once
       * the rest of the data is in (task_data_out_digest_error). */
      conn_send_reject (c, IPROTO_REJECT_DATA_DIGEST, bad);
      IProtoPdu pdu;
      if (c->state == TGT_CONN_FULL && iproto_pdu_decode (&pdu, bad, IPROTO_BHS_LEN, NULL)
          && pdu.opcode == IPROTO_OP_DATA_OUT)
        task_data_out_digest_error (c, &pdu);
      return;
    }
  /* A header digest error (sec. 7.8) means no field of the header, its
   * length included, can be trusted: we cannot find the next PDU, so the
   * connection is dropped without a Reject. */
  g_info ("connection %u (%s): %s", c->id, c->peer, error->message);
  if (bad != NULL && c->state != TGT_CONN_LOGIN
      && !g_error_matches (error, IPROTO_ERROR, IPROTO_ERROR_HEADER_DIGEST))
    {
      guint8 reason = g_error_matches (error, IPROTO_ERROR, IPROTO_ERROR_PDU_OPCODE)
                          ? IPROTO_REJECT_COMMAND_NOT_SUPPORTED
                          : IPROTO_REJECT_PROTOCOL_ERROR;
      conn_send_reject (c, reason, bad);
      tgt_tx_flush (&c->tx, c->watch.fd);
    }
  conn_close (c, "protocol error");
}

static void
conn_read (TgtConn *c)
{
  for (int round = 0; round < READS_PER_EVENT && c->state != TGT_CONN_CLOSED; round++)
    {
      struct iovec iov[IPROTO_RECV_MAX_WANT];
      unsigned n = iproto_recv_want (c->rx, iov, IPROTO_RECV_MAX_WANT);
      ssize_t got = readv (c->watch.fd, iov, n);
      if (got == 0)
        {
          conn_close (c, "closed by the initiator");
          return;
        }
      if (got < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            conn_close (c, g_strerror (errno));
          return;
        }
      c->last_rx = g_get_monotonic_time ();
      iproto_recv_commit (c->rx, got);
      for (;;)
        {
          g_autoptr (GError) error = NULL;
          IProtoRecvStatus st = iproto_recv_poll (c->rx, &error);
          if (st == IPROTO_RECV_AGAIN)
            break;
          if (st == IPROTO_RECV_ERROR)
            {
              rx_error (c, error);
              if (c->state == TGT_CONN_CLOSED)
                return;
              continue;
            }
          const IProtoPdu *pdu = iproto_recv_pdu (c->rx);
          if (st == IPROTO_RECV_HEADER)
            {
              /* Zero copy for write data: a Data-Out lands straight in
               * its command's buffer. */
              if (pdu->opcode == IPROTO_OP_DATA_OUT && c->state == TGT_CONN_FULL)
                {
                  guint8 *dest = NULL;
                  gsize len = 0;
                  if (task_data_out_header (c, pdu, &dest, &len) && dest != NULL)
                    {
                      struct iovec d = { dest, len };
                      iproto_recv_set_data_iov (c->rx, &d, 1);
                    }
                }
              continue;
            }
          gsize hdr_len = 0;
          const guint8 *hdr = iproto_recv_header (c->rx, &hdr_len);
          conn_dispatch (c, pdu, hdr, hdr_len, iproto_recv_data (c->rx), pdu->data_len);
          if (c->state == TGT_CONN_CLOSED)
            return;
          /* Send each answer as soon as it is ready: the initiator can
           * issue its next command while we parse the rest of the batch
           * (measured: holding a whole batch for one sendmsg made
           * initiators run lock-step, at less than half the rate). */
          if (tgt_tx_pending (&c->tx))
            conn_flush (c);
        }
      if ((gsize) got < 16384 && c->tx.trains.length == 0)
        break; /* most likely drained: let epoll tell us about more */
    }
}

static void
conn_on_event (TgtWorkerWatch *watch, guint32 events)
{
  TgtConn *c = conn_of (watch);
  conn_ref (c);
  if ((events & (EPOLLERR | EPOLLHUP)) != 0 && (events & EPOLLIN) == 0)
    conn_close (c, "socket error");
  if ((events & EPOLLIN) != 0)
    conn_read (c);
  conn_flush (c);
  conn_unref (c);
}

static void
send_nop_in (TgtConn *c, gint64 now)
{
  /* RFC 7143 sec. 11.19: a NOP-In with a valid TTT asks for a NOP-Out
   * answer; ITT is reserved.  StatSN is not advanced (sec. 11.19.4). */
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_NOP_IN);
  p.itt = IPROTO_RESERVED_TAG;
  c->nop_ttt = (c->next_ttt++ & 0x7fffffff) | 0x40000000u;
  p.u.nop_in.ttt = c->nop_ttt;
  p.u.nop_in.lun = 0;
  p.u.nop_in.statsn = c->stat_sn;
  session_window (c->sess, &p.u.nop_in.expcmdsn, &p.u.nop_in.maxcmdsn);
  conn_send (c, &p, NULL, 0);
  const TgtConfigLimits *l = &c->engine->cfg->limits;
  c->nop_deadline = now + (gint64) MAX (l->nop_in_timeout, 1) * G_USEC_PER_SEC;
  conn_flush (c);
}

static void
conn_on_tick (TgtWorkerWatch *watch, gint64 now)
{
  TgtConn *c = conn_of (watch);
  if (c->state == TGT_CONN_LOGIN)
    {
      if (now > c->login_deadline)
        conn_close (c, "login timed out");
      return;
    }
  if (c->state != TGT_CONN_FULL || c->sess == NULL)
    return;
  if (c->nop_deadline != 0)
    {
      if (now > c->nop_deadline)
        conn_close (c, "no answer to NOP-In");
      return;
    }
  guint interval = c->engine->cfg->limits.nop_in_interval;
  if (interval > 0 && now - c->last_rx > (gint64) interval * G_USEC_PER_SEC)
    send_nop_in (c, now);
}
