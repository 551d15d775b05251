/* One connection in full feature phase: the send queue (PDUs assembled as
 * iovecs over the caller's buffers, one sendmsg per train) and the receive
 * side (the pull parser puts Data-In payloads straight into the task's
 * buffers), plus NOP keepalive (RFC 7143 sec. 11.18, 11.19). */
#include "config.h"

#include "itni-private.h"
#include "libiscsi-proto/iproto-recv.h"
#include "libiscsi-proto/iproto-sna.h"
#include "libiscsi-proto/iproto-opcode.h"

#include <gio/gio.h>
#include <glib-unix.h>

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Headers are staged in this many bytes: a batch of small responses comes
 * in with one readv. */
#define RECV_READAHEAD (16u * 1024u)

static void conn_io(ItniWatch *w, uint32_t events);
static void coalesce_tick(gpointer data);
static void nop_tick(gpointer data);

guint itni_iov_slice(const struct iovec *iov, guint iovcnt, gsize off, gsize len,
		     struct iovec *out, guint max)
{
	guint n = 0;
	for (guint i = 0; i < iovcnt && len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		if (n == max)
			return 0;
		gsize take = MIN(iov[i].iov_len - off, len);
		out[n].iov_base = (guint8 *) iov[i].iov_base + off;
		out[n].iov_len = take;
		n++;
		len -= take;
		off = 0;
	}
	return len ? 0 : n;
}

ItniConn *itni_conn_new(ItniSession *s, int fd, guint16 cid, const ItniParams *p, guint32 exp_statsn)
{
	ItniConn *c = g_new0(ItniConn, 1);
	c->s = s;
	c->watch.fd = fd;
	c->watch.cb = conn_io;
	c->cid = cid;
	c->p = *p;
	c->exp_statsn = exp_statsn;
	g_mutex_init(&c->send_lock);
	c->iov = g_new(IProtoIov, 1);
	iproto_iov_init(c->iov, p->header_digest, p->data_digest);
	IProtoRecvConfig rc = {
		.role = IPROTO_ROLE_INITIATOR,
		.max_data_len = ITNI_MAX_RECV_DSL,
		.readahead = RECV_READAHEAD,
		.header_digest = p->header_digest,
		.data_digest = p->data_digest,
	};
	c->recv = iproto_recv_new(&rc);
	c->nop_timer.cb = nop_tick;
	c->nop_timer.data = c;
	c->coalesce_tick.cb = coalesce_tick;
	c->coalesce_tick.data = c;
	/* Non-blocking from now on; the loop owns the socket. */
	struct timeval tv = { 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int sz = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *) &ss, &sl) == 0) {
		g_autoptr(GSocketAddress) a = g_socket_address_new_from_native(&ss, sl);
		if (a) {
			g_autofree char *str = g_socket_connectable_to_string(G_SOCKET_CONNECTABLE(a));
			g_strlcpy(c->local, str, sizeof c->local);
		}
	}
	sl = sizeof ss;
	if (getpeername(fd, (struct sockaddr *) &ss, &sl) == 0) {
		g_autoptr(GSocketAddress) a = g_socket_address_new_from_native(&ss, sl);
		if (a) {
			g_autofree char *str = g_socket_connectable_to_string(G_SOCKET_CONNECTABLE(a));
			g_strlcpy(c->remote, str, sizeof c->remote);
		}
	}
	return c;
}

int itni_conn_fd(ItniConn *c)
{
	return c->watch.fd;
}

guint32 itni_conn_exp_statsn(ItniConn *c)
{
	return (guint32) g_atomic_int_get((gint *) &c->exp_statsn);
}

static void start_cb(gpointer data)
{
	ItniConn *c = data;
	g_unix_set_fd_nonblocking(c->watch.fd, TRUE, NULL);
	c->last_recv = c->rate_start = g_get_monotonic_time();
	itni_loop_add(c->loop, &c->watch, EPOLLIN);
	if (c->s->cfg->nop_interval_ms)
		itni_loop_timer_arm(c->loop, &c->nop_timer, c->s->cfg->nop_interval_ms);
}

void itni_conn_start(ItniConn *c, ItniLoop *loop)
{
	c->loop = loop;
	itni_loop_invoke_sync(loop, start_cb, c);
}

static void stop_cb(gpointer data)
{
	ItniConn *c = data;
	if (c->stopped)
		return;
	c->stopped = TRUE;
	itni_loop_timer_disarm(c->loop, &c->nop_timer);
	itni_loop_timer_disarm(c->loop, &c->coalesce_tick);
	itni_loop_remove(c->loop, &c->watch);
}

void itni_conn_stop(ItniConn *c)
{
	g_atomic_int_set(&c->dead, TRUE);
	if (c->loop)
		itni_loop_invoke_sync(c->loop, stop_cb, c);
	g_unix_set_fd_nonblocking(c->watch.fd, FALSE, NULL);
}

void itni_conn_free(ItniConn *c)
{
	if (!c)
		return;
	if (c->watch.fd >= 0)
		close(c->watch.fd);
	for (ItniOut *o = c->sq_head, *n; o; o = n) {
		n = o->next;
		g_free(o);
	}
	for (ItniOut *o = c->free_out, *n; o; o = n) {
		n = o->next;
		g_free(o);
	}
	iproto_recv_free(c->recv);
	g_free(c->iov);
	g_mutex_clear(&c->send_lock);
	g_free(c);
}

/* The ExpStatSN field of the PDUs we send. */
static void set_expstatsn(IProtoPdu *pdu, guint32 v)
{
	switch (pdu->opcode) {
	case IPROTO_OP_SCSI_CMD: pdu->u.scsi_cmd.expstatsn = v; break;
	case IPROTO_OP_DATA_OUT: pdu->u.data_out.expstatsn = v; break;
	case IPROTO_OP_NOP_OUT: pdu->u.nop_out.expstatsn = v; break;
	case IPROTO_OP_TMF_REQ: pdu->u.tmf_req.expstatsn = v; break;
	case IPROTO_OP_TEXT_REQ: pdu->u.text_req.expstatsn = v; break;
	case IPROTO_OP_LOGOUT_REQ: pdu->u.logout_req.expstatsn = v; break;
	default: break;
	}
}

static void fail(ItniConn *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fail(ItniConn *c, const char *fmt, ...)
{
	if (c->stopped)
		return;
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_autoptr(GError) e = g_error_new_literal(ITNI_ERROR, ITNI_ERROR_CONNECTION_LOST, msg);
	stop_cb(c);
	g_atomic_int_set(&c->dead, TRUE);
	itni_session_conn_failed(c, e);
}

/* Move queued PDUs into the iovec train and sendmsg until the socket is
 * full.  Called with send_lock held.  Returns -errno on a hard error. */
static int flush_locked(ItniConn *c)
{
	for (;;) {
		while (c->sq_head && iproto_iov_fits(c->iov, c->sq_head->n_iov)) {
			ItniOut *o = c->sq_head;
			set_expstatsn(&o->pdu, itni_conn_exp_statsn(c));
			GError *e = NULL;
			if (!iproto_iov_add(c->iov, &o->pdu, o->iov, o->n_iov, &e)) {
				g_warning("cannot assemble PDU: %s", e->message);
				g_error_free(e);
				return -EINVAL;
			}
			c->sq_head = o->next;
			if (!c->sq_head)
				c->sq_tail = NULL;
			o->next = c->free_out;
			c->free_out = o;
		}
		if (!iproto_iov_pending_bytes(c->iov))
			return 0;
		ssize_t n = iproto_iov_send(c->iov, c->watch.fd);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN) {
			if (!c->want_out && c->loop) {
				c->want_out = TRUE;
				itni_loop_modify(c->loop, &c->watch, EPOLLIN | EPOLLOUT);
			}
			return 0;
		}
		if (n < 0)
			return (int) n;
		c->bytes_out += (guint64) n;
		if (!iproto_iov_pending_bytes(c->iov))
			iproto_iov_clear(c->iov);
	}
}

static void flush_deferred(gpointer data)
{
	ItniConn *c = data;
	g_mutex_lock(&c->send_lock);
	c->flush_deferred = FALSE;
	int rc = g_atomic_int_get(&c->dead) ? 0 : flush_locked(c);
	g_mutex_unlock(&c->send_lock);
	if (rc < 0)
		fail(c, "send failed: %s", g_strerror(-rc));
}

static void flush_posted(gpointer data)
{
	flush_deferred(data);
}

void itni_conn_send(ItniConn *c, const IProtoPdu *pdu, const struct iovec *iov, guint iovcnt,
		    gsize offset, gsize len)
{
	g_mutex_lock(&c->send_lock);
	ItniOut *o = c->free_out;
	if (o)
		c->free_out = o->next;
	else
		o = g_new(ItniOut, 1);
	o->next = NULL;
	o->pdu = *pdu;
	o->n_iov = len ? itni_iov_slice(iov, iovcnt, offset, len, o->iov, ITNI_MAX_IOV) : 0;
	if (c->sq_tail)
		c->sq_tail->next = o;
	else
		c->sq_head = o;
	c->sq_tail = o;
	gboolean in_loop = c->loop && itni_loop_is_current(c->loop);
	int rc = 0;
	if (in_loop) {
		/* Batch: everything queued in this loop round goes out in
		 * one sendmsg at the end of it. */
		if (!c->flush_deferred) {
			c->flush_deferred = TRUE;
			itni_loop_defer(c->loop, flush_deferred, c);
		}
	} else if (!c->want_out && !g_atomic_int_get(&c->dead)) {
		rc = flush_locked(c);
	}
	g_mutex_unlock(&c->send_lock);
	if (rc < 0 && c->loop)
		itni_loop_post(c->loop, flush_posted, c);
}

/* ---- receive side ---- */

static void note_statsn(ItniConn *c, guint32 statsn)
{
	guint32 next = statsn + 1;
	if (iproto_sna_gt(next, itni_conn_exp_statsn(c)))
		g_atomic_int_set((gint *) &c->exp_statsn, (gint) next);
}

static void handle_scsi_rsp(ItniConn *c, const IProtoPdu *pdu, const guint8 *data)
{
	const IProtoScsiRsp *r = &pdu->u.scsi_rsp;
	note_statsn(c, r->statsn);
	itni_session_update_window(c->s, r->expcmdsn, r->maxcmdsn);
	ItniTask *t = itni_session_lookup(c->s, pdu->itt);
	if (!t) {
		g_debug("SCSI Response for unknown ITT 0x%08x", pdu->itt);
		return;
	}
	t->response = r->response;
	t->status = r->status;
	t->residual = r->underflow ? (gint64) r->residual : r->overflow ? -(gint64) r->residual : 0;
	/* Sense data: a 2-byte SenseLength, then the sense bytes (sec. 11.4.7). */
	if (data && pdu->data_len >= 2) {
		gsize sl = (gsize) data[0] << 8 | data[1];
		sl = MIN(sl, pdu->data_len - 2);
		sl = MIN(sl, sizeof t->sense);
		memcpy(t->sense, data + 2, sl);
		t->sense_len = sl;
	}
	if (r->response != IPROTO_RSP_COMPLETED)
		t->error = g_error_new(ITNI_ERROR, ITNI_ERROR_SCSI, "target failure (iSCSI response 0x%02x)",
				       r->response);
	itni_task_complete(t);
}

static gboolean data_in_header(ItniConn *c, const IProtoPdu *pdu)
{
	const IProtoDataIn *d = &pdu->u.data_in;
	ItniTask *t = itni_session_lookup(c->s, pdu->itt);
	if (!t || t->dir != ITNI_DIR_READ) {
		fail(c, "Data-In for unknown task 0x%08x", pdu->itt);
		return FALSE;
	}
	if ((guint64) d->buffer_offset + pdu->data_len > t->xfer_len) {
		fail(c, "Data-In beyond the buffer (offset %u + %u > %zu)", d->buffer_offset, pdu->data_len,
		     t->xfer_len);
		return FALSE;
	}
	struct iovec dest[IPROTO_RECV_MAX_DEST];
	guint n = itni_iov_slice(t->iov, t->iovcnt, d->buffer_offset, pdu->data_len, dest, G_N_ELEMENTS(dest));
	if (n)
		iproto_recv_set_data_iov(c->recv, dest, n);
	return TRUE;
}

static void handle_data_in(ItniConn *c, const IProtoPdu *pdu, const guint8 *data)
{
	const IProtoDataIn *d = &pdu->u.data_in;
	ItniTask *t = itni_session_lookup(c->s, pdu->itt);
	if (!t)
		return;
	if (data) {
		/* The destination did not fit the parser's iovec limit: copy. */
		g_autofree struct iovec *dest = g_new(struct iovec, t->iovcnt);
		guint n = itni_iov_slice(t->iov, t->iovcnt, d->buffer_offset, pdu->data_len, dest, t->iovcnt);
		gsize off = 0;
		for (guint i = 0; i < n; i++) {
			memcpy(dest[i].iov_base, data + off, dest[i].iov_len);
			off += dest[i].iov_len;
		}
	}
	t->data_in += pdu->data_len;
	itni_session_update_window(c->s, d->expcmdsn, d->maxcmdsn);
	if (d->has_status) {
		/* Status in the last Data-In (sec. 11.7.4): no SCSI Response. */
		note_statsn(c, d->statsn);
		t->status = d->status;
		t->residual = d->underflow ? (gint64) d->residual : d->overflow ? -(gint64) d->residual : 0;
		itni_task_complete(t);
	}
}

static void handle_r2t(ItniConn *c, const IProtoPdu *pdu)
{
	const IProtoR2T *r = &pdu->u.r2t;
	itni_session_update_window(c->s, r->expcmdsn, r->maxcmdsn);
	ItniTask *t = itni_session_lookup(c->s, pdu->itt);
	if (!t || t->dir != ITNI_DIR_WRITE ||
	    (guint64) r->buffer_offset + r->desired_len > t->xfer_len) {
		fail(c, "bad R2T for task 0x%08x", pdu->itt);
		return;
	}
	itni_task_send_data_out(t, c, r->ttt, r->buffer_offset, r->desired_len);
}

static void handle_nop_in(ItniConn *c, const IProtoPdu *pdu)
{
	const IProtoNopIn *n = &pdu->u.nop_in;
	itni_session_update_window(c->s, n->expcmdsn, n->maxcmdsn);
	if (pdu->itt != IPROTO_RESERVED_TAG) {
		/* The answer to our ping: StatSN advanced (sec. 11.19.2). */
		note_statsn(c, n->statsn);
		c->nop_outstanding = 0;
		return;
	}
	if (n->ttt == IPROTO_RESERVED_TAG)
		return;
	/* The target pings us: answer with its TTT (sec. 11.18.3). */
	IProtoPdu out;
	iproto_pdu_init(&out, IPROTO_OP_NOP_OUT);
	out.immediate = TRUE;
	out.itt = IPROTO_RESERVED_TAG;
	out.u.nop_out.ttt = n->ttt;
	out.u.nop_out.lun = n->lun;
	out.u.nop_out.cmdsn = g_atomic_int_get((gint *) &c->s->cmdsn);
	itni_conn_send(c, &out, NULL, 0, 0, 0);
}

static void handle_tmf_rsp(ItniConn *c, const IProtoPdu *pdu)
{
	note_statsn(c, pdu->u.tmf_rsp.statsn);
	itni_session_update_window(c->s, pdu->u.tmf_rsp.expcmdsn, pdu->u.tmf_rsp.maxcmdsn);
	ItniTask *t = itni_session_lookup(c->s, pdu->itt);
	if (!t)
		return;
	t->response = pdu->u.tmf_rsp.response;
	itni_task_complete(t);
}

static void handle_reject(ItniConn *c, const IProtoPdu *pdu, const guint8 *data)
{
	note_statsn(c, pdu->u.reject.statsn);
	/* The data segment is the rejected header (sec. 11.17.3): fail the
	 * task it belonged to. */
	if (!data || pdu->data_len < IPROTO_BHS_LEN)
		return;
	guint32 itt = (guint32) data[16] << 24 | (guint32) data[17] << 16 | (guint32) data[18] << 8 | data[19];
	ItniTask *t = itni_session_lookup(c->s, itt);
	if (!t)
		return;
	t->error = g_error_new(ITNI_ERROR, ITNI_ERROR_PROTOCOL, "the target rejected the command (reason 0x%02x)",
			       pdu->u.reject.reason);
	itni_task_complete(t);
}

static void handle_async(ItniConn *c, const IProtoPdu *pdu)
{
	const IProtoAsyncMsg *a = &pdu->u.async;
	note_statsn(c, a->statsn);
	itni_session_update_window(c->s, a->expcmdsn, a->maxcmdsn);
	switch (a->event) {
	case IPROTO_ASYNC_LOGOUT_REQUEST:
	case IPROTO_ASYNC_DROP_CONNECTION:
	case IPROTO_ASYNC_DROP_ALL_CONNECTIONS:
		/* sec. 11.9.1: the target goes away; recover right now
		 * rather than wait for the TCP connection to break. */
		fail(c, "the target asked to end the connection (async event %u)", a->event);
		break;
	default:
		break;
	}
}

static void handle_pdu(ItniConn *c, const IProtoPdu *pdu, const guint8 *data)
{
	switch (pdu->opcode) {
	case IPROTO_OP_SCSI_RSP: handle_scsi_rsp(c, pdu, data); break;
	case IPROTO_OP_DATA_IN: handle_data_in(c, pdu, data); break;
	case IPROTO_OP_R2T: handle_r2t(c, pdu); break;
	case IPROTO_OP_NOP_IN: handle_nop_in(c, pdu); break;
	case IPROTO_OP_TMF_RSP: handle_tmf_rsp(c, pdu); break;
	case IPROTO_OP_REJECT: handle_reject(c, pdu, data); break;
	case IPROTO_OP_ASYNC_MSG: handle_async(c, pdu); break;
	default:
		g_debug("ignoring %s in full feature phase", iproto_opcode_name(pdu->opcode));
		break;
	}
}

/* Wake up for a large data segment only once most of it is there: set
 * SO_RCVLOWAT to what is left of the current PDU (never more, so the wait
 * always ends), back to 1 between PDUs.  Cuts the wakeups of a 1 MiB read
 * from one per arriving segment to a few. */
#define LOWAT_MIN (32u * 1024u)
#define LOWAT_MAX (256u * 1024u)

/* Receive coalescing.  With a deep queue of small commands every answer
 * would wake the loop on its own: one sleep and one wakeup per I/O, which
 * costs more than the I/O itself, and on both ends, because the target's
 * send pays for waking us (an inter-processor interrupt, a VM exit on a
 * virtual machine).  So while COALESCE_MIN_TASKS or more commands are out,
 * SO_RCVLOWAT asks the kernel to wake us only once about COALESCE_US worth
 * of the recent receive rate is there, and never for more than half of
 * what the outstanding commands are expected to bring back.  A command can
 * bring back less than expected (sense data instead of its Data-In), so
 * the wait is bounded by a tick every COALESCE_TICK_MS that reads whatever
 * has arrived.  Latency grows by at most COALESCE_US while the queue is
 * deep; a shallow queue is never delayed. */
#define COALESCE_MIN_TASKS 4
#define COALESCE_US 100u
#define COALESCE_TICK_MS 2u
#define COALESCE_MIN_BYTES 512u
#define RATE_WINDOW_US 2000

static void note_received(ItniConn *c, gsize got, gint64 now)
{
	c->rate_bytes += got;
	gint64 span = now - c->rate_start;
	if (span >= RATE_WINDOW_US) {
		c->rate = (guint) MIN(c->rate_bytes * 1000 / (guint64) span, G_MAXUINT);
		c->rate_bytes = 0;
		c->rate_start = now;
	}
}

static gsize coalesce_bytes(ItniConn *c)
{
	if (g_atomic_int_get(&c->outstanding) < COALESCE_MIN_TASKS)
		return 0;
	gsize by_rate = (gsize) c->rate * COALESCE_US / 1000;
	gsize by_expect = (gsize) MAX(g_atomic_int_get(&c->expect_in), 0) / 2;
	gsize n = MIN(MIN(by_rate, by_expect), LOWAT_MAX);
	return n >= COALESCE_MIN_BYTES ? n : 0;
}

static void set_lowat(ItniConn *c, const struct iovec *iov, unsigned n)
{
	gsize left = 0;
	for (unsigned i = 0; i < n; i++) {
		const guint8 *b = iov[i].iov_base;
		if (b >= c->stage_lo && b < c->stage_hi)
			continue;
		left += iov[i].iov_len;
	}
	int want = left >= LOWAT_MIN ? (int) MIN(left, LOWAT_MAX) : 1;
	gsize co = coalesce_bytes(c);
	gboolean coalescing = co > left && co > (gsize) want;
	if (coalescing)
		want = (int) co;
	if (coalescing != c->coalescing) {
		c->coalescing = coalescing;
		if (coalescing)
			itni_loop_timer_arm(c->loop, &c->coalesce_tick, COALESCE_TICK_MS);
		else
			itni_loop_timer_disarm(c->loop, &c->coalesce_tick);
	}
	if (want != c->lowat) {
		c->lowat = want;
		setsockopt(c->watch.fd, SOL_SOCKET, SO_RCVLOWAT, &want, sizeof want);
	}
}

static void do_read(ItniConn *c)
{
	for (int rounds = 0; rounds < 64 && !c->stopped; rounds++) {
		struct iovec iov[IPROTO_RECV_MAX_WANT];
		unsigned n = iproto_recv_want(c->recv, iov, IPROTO_RECV_MAX_WANT);
		gsize want = 0;
		for (unsigned i = 0; i < n; i++)
			want += iov[i].iov_len;
		/* The very first want of a fresh parser is its whole, empty
		 * staging buffer: remember where that is. */
		if (!c->stage_probed) {
			c->stage_probed = TRUE;
			if (n == 1) {
				c->stage_lo = iov[0].iov_base;
				c->stage_hi = c->stage_lo + iov[0].iov_len;
			}
		}
		ssize_t got = readv(c->watch.fd, iov, (int) n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			return;
		if (got <= 0) {
			fail(c, "%s", got == 0 ? "the target closed the connection" : g_strerror(errno));
			return;
		}
		c->bytes_in += (guint64) got;
		c->last_recv = g_get_monotonic_time();
		note_received(c, (gsize) got, c->last_recv);
		iproto_recv_commit(c->recv, (size_t) got);
		for (gboolean more = TRUE; more && !c->stopped;) {
			GError *e = NULL;
			switch (iproto_recv_poll(c->recv, &e)) {
			case IPROTO_RECV_AGAIN:
				more = FALSE;
				break;
			case IPROTO_RECV_HEADER: {
				const IProtoPdu *pdu = iproto_recv_pdu(c->recv);
				if (pdu->opcode == IPROTO_OP_DATA_IN && !data_in_header(c, pdu))
					return;
				break;
			}
			case IPROTO_RECV_PDU:
				handle_pdu(c, iproto_recv_pdu(c->recv), iproto_recv_data(c->recv));
				break;
			case IPROTO_RECV_ERROR:
				fail(c, "bad PDU from the target: %s", e->message);
				g_error_free(e);
				return;
			}
		}
		/* Send what the completions just queued before reading on.  A
		 * target that answers a whole batch at once would otherwise
		 * see its next commands only after we drained all of it, and
		 * both ends fall into lockstep: one side idles while the other
		 * works (4 readv of answers per sendmsg is still a batch). */
		itni_loop_run_deferred(c->loop);
		/* A short read drained the socket: back to epoll. */
		if ((gsize) got < want)
			return;
	}
}

static void conn_io(ItniWatch *w, uint32_t events)
{
	ItniConn *c = (ItniConn *) w;
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		do_read(c);
		/* Whatever made do_read return, the low-water mark must fit
		 * what is wanted now, or the wait might never end. */
		if (c->stage_lo && !c->stopped) {
			struct iovec iov[IPROTO_RECV_MAX_WANT];
			unsigned n = iproto_recv_want(c->recv, iov, IPROTO_RECV_MAX_WANT);
			set_lowat(c, iov, n);
		}
	}
	if ((events & EPOLLOUT) && !c->stopped) {
		g_mutex_lock(&c->send_lock);
		c->want_out = FALSE;
		itni_loop_modify(c->loop, &c->watch, EPOLLIN);
		int rc = flush_locked(c);
		g_mutex_unlock(&c->send_lock);
		if (rc < 0)
			fail(c, "send failed: %s", g_strerror(-rc));
	}
}

static void coalesce_tick(gpointer data)
{
	ItniConn *c = data;
	c->coalescing = FALSE;
	if (!c->stopped)
		conn_io(&c->watch, EPOLLIN);
}

/* NOP keepalive: after an idle interval ping the target; after three
 * silent intervals declare the connection dead (sec. 11.18). */
static void nop_tick(gpointer data)
{
	ItniConn *c = data;
	guint iv = c->s->cfg->nop_interval_ms;
	gint64 idle = (g_get_monotonic_time() - c->last_recv) / 1000;
	if (c->nop_outstanding >= 3) {
		fail(c, "no answer to NOP-Out for %u ms", 3 * iv);
		return;
	}
	if (idle >= iv) {
		IProtoPdu out;
		iproto_pdu_init(&out, IPROTO_OP_NOP_OUT);
		out.immediate = TRUE;
		out.itt = 0x7ffe0000u | c->cid;
		out.u.nop_out.ttt = IPROTO_RESERVED_TAG;
		out.u.nop_out.cmdsn = g_atomic_int_get((gint *) &c->s->cmdsn);
		c->nop_outstanding++;
		itni_conn_send(c, &out, NULL, 0, 0, 0);
	}
	itni_loop_timer_arm(c->loop, &c->nop_timer, iv);
}
