/* Recovery after a lost connection or target (RFC 7143 sec. 6.3.5, 7.1.4):
 * at ErrorRecoveryLevel 0 the session is reinstated, i.e. logged in again
 * with the same ISID and TSIH 0, which makes the target drop what is left
 * of the old one; then every outstanding command is issued again.  Callers
 * see a delay up to the replacement timeout, then ITNI_ERROR_TIMEOUT. */
#include "config.h"

#include "itni-session-private.h"

#include <string.h>

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 30000

void itni_session_conn_failed(ItniConn *c, const GError *error)
{
	ItniSession *s = c->s;
	g_mutex_lock(&s->lock);
	if (s->closing || s->state != ITNI_SESSION_LOGGED_IN) {
		g_mutex_unlock(&s->lock);
		return;
	}
	g_warning("%s: connection %u lost: %s", s->cfg->target, c->cid, error->message);
	/* Every connection of the session goes (ERL 0 recovers whole
	 * sessions); their tasks wait in the pending queue. */
	for (guint i = 0; i < s->n_conns; i++) {
		g_atomic_int_set(&s->conns[i]->dead, TRUE);
		s->old_conns[s->n_old++] = s->conns[i];
	}
	s->n_conns = 0;
	itni_session_requeue_all(s);
	s->lost_at = g_get_monotonic_time();
	if (s->cfg->replacement_timeout_ms == 0) {
		itni_session_set_state(s, ITNI_SESSION_FAILED);
		g_mutex_unlock(&s->lock);
		itni_session_fail_all(s, ITNI_ERROR_CONNECTION_LOST, error->message);
		return;
	}
	itni_session_set_state(s, ITNI_SESSION_RECOVERING);
	g_mutex_unlock(&s->lock);
	itni_session_start_recovery(s);
}

/* Stop and free the connections of the lost session (not from a loop
 * thread: stopping waits for their loops). */
static void reap_old(ItniSession *s)
{
	g_mutex_lock(&s->lock);
	guint n = s->n_old;
	ItniConn *old[ITNI_MAX_CONNECTIONS];
	memcpy(old, s->old_conns, sizeof old);
	s->n_old = 0;
	g_mutex_unlock(&s->lock);
	for (guint i = 0; i < n; i++) {
		itni_conn_stop(old[i]);
		itni_conn_free(old[i]);
	}
}

typedef struct {
	ItniSession *s;
	char *message;
} TimeoutFail;

static void fail_on_loop(gpointer data)
{
	TimeoutFail *f = data;
	itni_session_fail_all(f->s, ITNI_ERROR_TIMEOUT, f->message);
	g_free(f->message);
	g_free(f);
}

static gpointer recovery_thread(gpointer data)
{
	ItniSession *s = data;
	guint backoff = BACKOFF_FIRST_MS;
	gint64 deadline = s->lost_at + (gint64) s->cfg->replacement_timeout_ms * 1000;
	g_autoptr(GError) last = NULL;
	while (!g_atomic_int_get(&s->stop_recovery)) {
		reap_old(s);
		g_clear_error(&last);
		if (itni_session_relogin(s, &last)) {
			g_mutex_lock(&s->lock);
			s->recoveries++;
			itni_session_set_state(s, ITNI_SESSION_LOGGED_IN);
			g_mutex_unlock(&s->lock);
			g_message("%s: session reinstated (TSIH %u)", s->cfg->target, s->tsih);
			itni_session_dispatch_pending(s);
			return NULL;
		}
		reap_old(s);
		gint64 now = g_get_monotonic_time();
		if (now >= deadline)
			break;
		g_debug("%s: reconnect failed (%s), next try in %u ms", s->cfg->target, last->message, backoff);
		/* Sleep in small steps so a logout does not wait for us. */
		gint64 wake = MIN(now + (gint64) backoff * 1000, deadline);
		while (g_get_monotonic_time() < wake && !g_atomic_int_get(&s->stop_recovery))
			g_usleep(20000);
		backoff = MIN(backoff * 2, BACKOFF_MAX_MS);
	}
	if (g_atomic_int_get(&s->stop_recovery))
		return NULL;
	g_mutex_lock(&s->lock);
	itni_session_set_state(s, ITNI_SESSION_FAILED);
	g_mutex_unlock(&s->lock);
	TimeoutFail *f = g_new0(TimeoutFail, 1);
	f->s = s;
	f->message = g_strdup_printf("the session to %s did not come back within %u ms (%s)", s->cfg->target,
				     s->cfg->replacement_timeout_ms, last ? last->message : "no reason");
	itni_loop_post(s->ctx->loops[0], fail_on_loop, f);
	return NULL;
}

void itni_session_start_recovery(ItniSession *s)
{
	g_mutex_lock(&s->lock);
	GThread *old = s->recovery_thread;
	s->recovery_thread = NULL;
	g_mutex_unlock(&s->lock);
	/* A previous recovery finished (else we would not be LOGGED_IN). */
	if (old)
		g_thread_join(old);
	g_atomic_int_set(&s->stop_recovery, FALSE);
	GThread *t = g_thread_new("itni-recover", recovery_thread, s);
	g_mutex_lock(&s->lock);
	s->recovery_thread = t;
	g_mutex_unlock(&s->lock);
}

void itni_session_stop_recovery(ItniSession *s)
{
	g_atomic_int_set(&s->stop_recovery, TRUE);
	g_mutex_lock(&s->lock);
	GThread *t = s->recovery_thread;
	s->recovery_thread = NULL;
	g_mutex_unlock(&s->lock);
	if (t)
		g_thread_join(t);
	reap_old(s);
}
