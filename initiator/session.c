/* ItniSession: login of the leading and further connections (MC/S),
 * logout, connection add/remove, and recovery by session reinstatement
 * (RFC 7143 sec. 6.3.5, 7.1). */
#include "config.h"

#include "itni-login.h"
#include "itni-session-private.h"
#include "libiscsi-name/iname.h"
#include "libiscsi-proto/iproto-pdu.h"

#include <string.h>
#include <unistd.h>

static const char *const state_names[] = {
	[ITNI_SESSION_IDLE] = "idle",
	[ITNI_SESSION_LOGGING_IN] = "logging-in",
	[ITNI_SESSION_LOGGED_IN] = "logged-in",
	[ITNI_SESSION_RECOVERING] = "recovering",
	[ITNI_SESSION_FAILED] = "failed",
	[ITNI_SESSION_LOGGED_OUT] = "logged-out",
};

const char *itni_session_state_name(ItniSessionState st)
{
	return st < G_N_ELEMENTS(state_names) ? state_names[st] : "unknown";
}

/* ISID (sec. 11.12.5): type 0x80 "random" format; the qualifier mixes a
 * per-process random part with the session index so that sessions to one
 * target are distinct nexuses, and a reinstatement reuses the same ISID. */
static void make_isid(ItniSession *s)
{
	static gint counter;
	guint32 r = g_random_int();
	guint16 idx = (guint16) (s->cfg->session_index + (guint) g_atomic_int_add(&counter, 1));
	s->isid[0] = 0x80;
	s->isid[1] = (guint8) (r >> 16);
	s->isid[2] = (guint8) (r >> 8);
	s->isid[3] = (guint8) r;
	s->isid[4] = (guint8) (idx >> 8);
	s->isid[5] = (guint8) idx;
	for (int i = 0; i < 6; i++)
		g_snprintf(s->isid_hex + 2 * i, 3, "%02x", s->isid[i]);
}

ItniSession *itni_session_new(ItniContext *ctx, const ItniConfig *config)
{
	ItniSession *s = g_new0(ItniSession, 1);
	s->ctx = ctx;
	s->cfg = itni_config_copy(config);
	g_mutex_init(&s->lock);
	g_cond_init(&s->cond);
	s->sparams = g_new0(IProtoSessionParams, 1);
	iproto_session_params_init(s->sparams);
	make_isid(s);
	return s;
}

void itni_session_set_state(ItniSession *s, ItniSessionState st)
{
	s->state = st;
	g_cond_broadcast(&s->cond);
	if (s->state_cb)
		s->state_cb(s, st, s->state_data);
}

void itni_session_set_state_callback(ItniSession *s,
				     void (*cb)(ItniSession *, ItniSessionState, gpointer), gpointer user_data)
{
	s->state_cb = cb;
	s->state_data = user_data;
}

ItniSessionState itni_session_get_state(ItniSession *s)
{
	g_mutex_lock(&s->lock);
	ItniSessionState st = s->state;
	g_mutex_unlock(&s->lock);
	return st;
}

const ItniConfig *itni_session_get_config(ItniSession *s)
{
	return s->cfg;
}

guint16 itni_session_get_tsih(ItniSession *s)
{
	return s->tsih;
}

const char *itni_session_get_isid(ItniSession *s)
{
	return s->isid_hex;
}

guint itni_session_get_n_connections(ItniSession *s)
{
	g_mutex_lock(&s->lock);
	guint n = s->n_conns;
	g_mutex_unlock(&s->lock);
	return n;
}

guint itni_session_get_connections(ItniSession *s, ItniConnectionInfo *out, guint max)
{
	g_mutex_lock(&s->lock);
	for (guint i = 0; i < s->n_conns && i < max; i++) {
		ItniConn *c = s->conns[i];
		ItniConnectionInfo *ci = &out[i];
		memset(ci, 0, sizeof *ci);
		ci->cid = c->cid;
		ci->logged_in = !g_atomic_int_get(&c->dead);
		g_strlcpy(ci->local, c->local, sizeof ci->local);
		g_strlcpy(ci->remote, c->remote, sizeof ci->remote);
		ci->commands = c->commands;
		ci->bytes_out = c->bytes_out;
		ci->bytes_in = c->bytes_in;
	}
	guint n = s->n_conns;
	g_mutex_unlock(&s->lock);
	return n;
}

guint32 itni_session_get_max_burst(ItniSession *s)
{
	return s->params.max_burst;
}

guint32 itni_session_get_first_burst(ItniSession *s)
{
	return s->params.first_burst;
}

guint itni_session_get_recoveries(ItniSession *s)
{
	return s->recoveries;
}

/* Redirections followed for one login before we give up: enough for a
 * target that moved and then moved again, few enough that a loop (a portal
 * that redirects to itself, or two that point at each other) ends quickly. */
#define MAX_REDIRECTS 4

/* Connect and log in one connection.  Follows redirections (sec. 11.13.5:
 * status class 1 with the new address in TargetAddress, sec. 13.8).
 *
 * Where a login starts: 0x0101 says the target moved temporarily, so the
 * new address serves this login only and the next one (a further MC/S
 * connection, or a reinstatement after a drop, sec. 6.3.5) starts again
 * at the configured portal, which may send us elsewhere by then.  0x0102
 * says it moved permanently, so the session remembers the new address and
 * later logins of this session go there first. */
static ItniConn *login_connection(ItniSession *s, gboolean leading, guint16 tsih, GError **error)
{
	g_mutex_lock(&s->lock);
	gboolean moved = s->moved_host != NULL;
	char *host = g_strdup(moved ? s->moved_host : s->cfg->host);
	guint16 port = moved ? s->moved_port : s->cfg->port;
	g_mutex_unlock(&s->lock);
	for (int hop = 0;; hop++) {
		GError *ce = NULL;
		int fd = itni_tcp_connect(host, port, 10000, &ce);
		if (fd < 0 && moved && hop == 0) {
			/* The new home does not answer: ask the configured
			 * portal again, it may know better now. */
			g_message("%s: %s (moved there permanently); trying %s:%u", s->cfg->target, ce->message,
				  s->cfg->host, s->cfg->port);
			g_clear_error(&ce);
			g_free(host);
			host = g_strdup(s->cfg->host);
			port = s->cfg->port;
			fd = itni_tcp_connect(host, port, 10000, &ce);
		}
		if (fd < 0) {
			g_propagate_error(error, ce);
			g_free(host);
			return NULL;
		}
		ItniWire w;
		itni_wire_init(&w, fd);
		ItniLogin l = {
			.cfg = s->cfg,
			.tsih = tsih,
			.leading = leading,
			.session = leading ? NULL : s->sparams,
		};
		memcpy(l.isid, s->isid, 6);
		g_mutex_lock(&s->lock);
		l.cid = s->next_cid++;
		l.cmdsn = s->cmdsn;
		g_mutex_unlock(&s->lock);
		l.itt = 0x7fff0000u | l.cid;
		GError *e = NULL;
		gboolean ok = itni_login(&w, &l, &e);
		itni_wire_clear(&w);
		if (!ok) {
			close(fd);
			INameTargetAddress a;
			if (l.redirect && hop == MAX_REDIRECTS) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_LOGIN,
					    "too many login redirections (%d, the last one to %s)", MAX_REDIRECTS + 1,
					    l.redirect);
				g_free(l.redirect);
				g_error_free(e);
				g_free(host);
				return NULL;
			}
			if (l.redirect && iname_target_address_parse(l.redirect, 3260, &a, NULL)) {
				g_message("%s: redirected %s to %s", s->cfg->target,
					  l.redirect_permanent ? "permanently" : "temporarily", l.redirect);
				g_free(host);
				host = g_strdup(a.host);
				port = a.port;
				iname_target_address_clear(&a);
				if (l.redirect_permanent) {
					g_mutex_lock(&s->lock);
					g_free(s->moved_host);
					s->moved_host = g_strdup(host);
					s->moved_port = port;
					g_mutex_unlock(&s->lock);
				}
				g_free(l.redirect);
				g_error_free(e);
				continue;
			}
			if (l.redirect) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL,
					    "redirected to an address that is not host[:port]: %s", l.redirect);
				g_free(l.redirect);
				g_error_free(e);
			} else {
				g_propagate_error(error, e);
			}
			g_free(host);
			return NULL;
		}
		g_free(host);
		ItniConn *c = itni_conn_new(s, fd, l.cid, &l.params, l.exp_statsn);
		g_mutex_lock(&s->lock);
		if (leading) {
			s->tsih = l.tsih_out;
			s->params = l.params;
			iproto_session_params_clear(s->sparams);
			iproto_session_params_copy(s->sparams, &l.session_out);
			s->cmdsn = l.cmdsn;
			s->exp_cmdsn = l.exp_cmdsn;
			s->max_cmdsn = l.max_cmdsn;
		}
		g_mutex_unlock(&s->lock);
		iproto_session_params_clear(&l.session_out);
		return c;
	}
}

static void add_conn(ItniSession *s, ItniConn *c)
{
	itni_conn_start(c, itni_context_pick_loop(s->ctx));
	g_mutex_lock(&s->lock);
	s->conns[s->n_conns++] = c;
	g_mutex_unlock(&s->lock);
}

/* Leading connection, then the others (MC/S), up to what the target
 * agreed in MaxConnections (sec. 13.2). */
static gboolean login_all(ItniSession *s, GError **error)
{
	ItniConn *lead = login_connection(s, TRUE, 0, error);
	if (!lead)
		return FALSE;
	add_conn(s, lead);
	guint want = MIN(s->cfg->connections, s->params.max_connections);
	if (want < s->cfg->connections)
		g_message("%s: the target allows %u connections per session, not %u", s->cfg->target,
			  s->params.max_connections, s->cfg->connections);
	for (guint i = 1; i < want; i++) {
		GError *e = NULL;
		ItniConn *c = login_connection(s, FALSE, s->tsih, &e);
		if (!c) {
			g_warning("%s: extra connection %u failed: %s", s->cfg->target, i, e->message);
			g_error_free(e);
			break;
		}
		add_conn(s, c);
	}
	return TRUE;
}

gboolean itni_session_relogin(ItniSession *s, GError **error)
{
	return login_all(s, error);
}

gboolean itni_session_login_sync(ItniSession *s, GError **error)
{
	if (!s->cfg->host || !s->cfg->target) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "no portal or target to log in to");
		return FALSE;
	}
	g_mutex_lock(&s->lock);
	if (s->state == ITNI_SESSION_LOGGED_IN) {
		g_mutex_unlock(&s->lock);
		return TRUE;
	}
	itni_session_set_state(s, ITNI_SESSION_LOGGING_IN);
	g_mutex_unlock(&s->lock);
	gboolean ok = login_all(s, error);
	g_mutex_lock(&s->lock);
	itni_session_set_state(s, ok ? ITNI_SESSION_LOGGED_IN : ITNI_SESSION_FAILED);
	g_mutex_unlock(&s->lock);
	if (ok)
		itni_session_dispatch_pending(s);
	return ok;
}

/* Async wrappers: the blocking work runs on a thread; the result is
 * delivered on the context's first loop (inside itni_context_service() in
 * the external model). */
typedef struct {
	ItniSession *s;
	ItniSessionFunc done;
	gpointer user_data;
	GError *error;
	gboolean (*work)(ItniSession *, GError **);
} AsyncOp;

static void async_deliver(gpointer data)
{
	AsyncOp *op = data;
	if (op->done)
		op->done(op->s, op->error, op->user_data);
	g_clear_error(&op->error);
	g_free(op);
}

static gpointer async_thread(gpointer data)
{
	AsyncOp *op = data;
	op->work(op->s, &op->error);
	itni_loop_post(op->s->ctx->loops[0], async_deliver, op);
	return NULL;
}

static void run_async(ItniSession *s, gboolean (*work)(ItniSession *, GError **), ItniSessionFunc done,
		      gpointer user_data)
{
	AsyncOp *op = g_new0(AsyncOp, 1);
	op->s = s;
	op->done = done;
	op->user_data = user_data;
	op->work = work;
	g_thread_unref(g_thread_new("itni-login", async_thread, op));
}

void itni_session_login_async(ItniSession *s, ItniSessionFunc done, gpointer user_data)
{
	run_async(s, itni_session_login_sync, done, user_data);
}

gboolean itni_session_add_connection_sync(ItniSession *s, GError **error)
{
	g_mutex_lock(&s->lock);
	gboolean ok = s->state == ITNI_SESSION_LOGGED_IN && s->n_conns < ITNI_MAX_CONNECTIONS &&
		      s->n_conns < s->params.max_connections;
	g_mutex_unlock(&s->lock);
	if (!ok) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "cannot add a connection (not logged in, or MaxConnections=%u reached)",
			    s->params.max_connections);
		return FALSE;
	}
	ItniConn *c = login_connection(s, FALSE, s->tsih, error);
	if (!c)
		return FALSE;
	add_conn(s, c);
	itni_session_dispatch_pending(s);
	return TRUE;
}

void itni_session_add_connection_async(ItniSession *s, ItniSessionFunc done, gpointer user_data)
{
	run_async(s, itni_session_add_connection_sync, done, user_data);
}

/* Wait (bounded) until no task is outstanding on c, or on any connection
 * when c is NULL. */
static void drain(ItniSession *s, ItniConn *c, guint ms)
{
	gint64 end = g_get_monotonic_time() + (gint64) ms * 1000;
	for (;;) {
		gboolean busy = c ? g_atomic_int_get(&c->outstanding) > 0 : g_atomic_int_get(&s->n_active) > 0;
		if (!busy || g_get_monotonic_time() > end)
			return;
		if (s->ctx->n_threads)
			g_usleep(1000);
		else
			itni_loop_iterate(s->ctx->loops[0], 1);
	}
}

static void logout_conn(ItniSession *s, ItniConn *c, guint8 reason)
{
	itni_conn_stop(c);
	ItniWire w;
	itni_wire_init(&w, itni_conn_fd(c));
	itni_wire_set_digests(&w, c->p.header_digest, c->p.data_digest);
	g_mutex_lock(&s->lock);
	guint32 cmdsn = s->cmdsn;
	g_mutex_unlock(&s->lock);
	GError *e = NULL;
	if (!itni_logout(&w, c->cid, reason, cmdsn, itni_conn_exp_statsn(c), &e)) {
		g_debug("logout of connection %u: %s", c->cid, e->message);
		g_error_free(e);
	}
	itni_wire_clear(&w);
}

gboolean itni_session_remove_connection_sync(ItniSession *s, guint16 cid, GError **error)
{
	g_mutex_lock(&s->lock);
	ItniConn *c = NULL;
	guint idx = 0;
	for (guint i = 0; i < s->n_conns; i++)
		if (s->conns[i]->cid == cid) {
			c = s->conns[i];
			idx = i;
		}
	if (!c || s->n_conns < 2) {
		g_mutex_unlock(&s->lock);
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    c ? "cannot remove the last connection (log out instead)" : "no connection with CID %u", cid);
		return FALSE;
	}
	/* No new commands go to it; the ones on it finish first. */
	s->conns[idx] = s->conns[--s->n_conns];
	g_mutex_unlock(&s->lock);
	drain(s, c, 30000);
	logout_conn(s, c, IPROTO_LOGOUT_CLOSE_CONNECTION);
	itni_conn_free(c);
	return TRUE;
}

gboolean itni_session_logout_sync(ItniSession *s, GError **error)
{
	g_mutex_lock(&s->lock);
	s->closing = TRUE;
	ItniSessionState st = s->state;
	g_mutex_unlock(&s->lock);
	itni_session_stop_recovery(s);
	if (st == ITNI_SESSION_LOGGED_IN)
		drain(s, NULL, 5000);
	g_mutex_lock(&s->lock);
	guint n = s->n_conns;
	ItniConn *conns[ITNI_MAX_CONNECTIONS];
	memcpy(conns, s->conns, sizeof conns);
	s->n_conns = 0;
	g_mutex_unlock(&s->lock);
	/* Close the session on the first live connection; the target then
	 * closes the others (sec. 11.14.1 reason 0). */
	gboolean said = FALSE;
	for (guint i = 0; i < n; i++) {
		if (!said && !g_atomic_int_get(&conns[i]->dead) && st == ITNI_SESSION_LOGGED_IN) {
			logout_conn(s, conns[i], IPROTO_LOGOUT_CLOSE_SESSION);
			said = TRUE;
		} else {
			itni_conn_stop(conns[i]);
		}
		itni_conn_free(conns[i]);
	}
	itni_session_fail_all(s, ITNI_ERROR_CLOSED, "session logged out");
	g_mutex_lock(&s->lock);
	itni_session_set_state(s, ITNI_SESSION_LOGGED_OUT);
	s->closing = FALSE;
	g_mutex_unlock(&s->lock);
	return TRUE;
}

void itni_session_logout_async(ItniSession *s, ItniSessionFunc done, gpointer user_data)
{
	run_async(s, itni_session_logout_sync, done, user_data);
}

void itni_session_free(ItniSession *s)
{
	if (!s)
		return;
	itni_session_logout_sync(s, NULL);
	itni_session_free_tasks(s);
	iproto_session_params_clear(s->sparams);
	g_free(s->sparams);
	itni_config_free(s->cfg);
	g_free(s->moved_host);
	g_mutex_clear(&s->lock);
	g_cond_clear(&s->cond);
	g_free(s);
}
