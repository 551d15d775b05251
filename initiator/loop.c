/* The epoll-based event loop shared by the threaded and external models. */
#include "config.h"

#include "itni-loop.h"
#include "itni-error.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

typedef struct {
	void (*func)(gpointer);
	gpointer data;
} Posted;

typedef struct {
	void (*func)(gpointer);
	gpointer data;
	GMutex lock;
	GCond cond;
	gboolean done;
} SyncCall;

struct ItniLoop {
	int epfd;
	ItniWatch wake;    /* eventfd: posted work or quit */
	ItniWatch timerw;  /* timerfd: earliest timer */
	GThread *thread;
	GThread *running;  /* thread inside itni_loop_iterate now */
	gboolean quit;
	GMutex lock;       /* guards posted */
	GArray *posted;    /* Posted */
	GPtrArray *timers; /* ItniTimer* armed; only the loop's thread */
	GArray *deferred;  /* Posted; only the loop's thread */
	gint64 timer_set;  /* deadline the timerfd is armed for */
};

static void wake_cb(ItniWatch *w, uint32_t events);
static void timer_cb(ItniWatch *w, uint32_t events);

static gpointer loop_thread(gpointer data)
{
	ItniLoop *l = data;
	while (!g_atomic_int_get(&l->quit))
		itni_loop_iterate(l, -1);
	return NULL;
}

ItniLoop *itni_loop_new(gboolean thread, guint index, GError **error)
{
	ItniLoop *l = g_new0(ItniLoop, 1);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	l->wake.cb = wake_cb;
	l->timerw.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->timerw.cb = timer_cb;
	if (l->epfd < 0 || l->wake.fd < 0 || l->timerw.fd < 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_FAILED, "cannot create event loop: %s",
			    g_strerror(errno));
		itni_loop_free(l);
		return NULL;
	}
	g_mutex_init(&l->lock);
	l->posted = g_array_new(FALSE, FALSE, sizeof(Posted));
	l->deferred = g_array_new(FALSE, FALSE, sizeof(Posted));
	l->timers = g_ptr_array_new();
	itni_loop_add(l, &l->wake, EPOLLIN);
	itni_loop_add(l, &l->timerw, EPOLLIN);
	if (thread) {
		char name[16];
		g_snprintf(name, sizeof name, "itni-io%u", index);
		l->thread = g_thread_new(name, loop_thread, l);
	}
	return l;
}

void itni_loop_free(ItniLoop *l)
{
	if (!l)
		return;
	if (l->thread) {
		g_atomic_int_set(&l->quit, TRUE);
		uint64_t one = 1;
		if (write(l->wake.fd, &one, sizeof one) < 0)
			g_warning("loop wakeup failed: %s", g_strerror(errno));
		g_thread_join(l->thread);
	}
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->wake.fd >= 0)
		close(l->wake.fd);
	if (l->timerw.fd >= 0)
		close(l->timerw.fd);
	if (l->posted) {
		g_array_free(l->posted, TRUE);
		g_array_free(l->deferred, TRUE);
		g_ptr_array_free(l->timers, TRUE);
		g_mutex_clear(&l->lock);
	}
	g_free(l);
}

int itni_loop_get_fd(ItniLoop *l)
{
	return l->epfd;
}

gboolean itni_loop_add(ItniLoop *l, ItniWatch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, w->fd, &ev) == 0;
}

void itni_loop_modify(ItniLoop *l, ItniWatch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

void itni_loop_remove(ItniLoop *l, ItniWatch *w)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void rearm_timerfd(ItniLoop *l)
{
	gint64 first = 0;
	for (guint i = 0; i < l->timers->len; i++) {
		ItniTimer *t = g_ptr_array_index(l->timers, i);
		if (!first || t->deadline < first)
			first = t->deadline;
	}
	if (first == l->timer_set)
		return;
	l->timer_set = first;
	struct itimerspec its = { 0 };
	if (first) {
		/* CLOCK_MONOTONIC is what g_get_monotonic_time() reads. */
		its.it_value.tv_sec = first / G_USEC_PER_SEC;
		its.it_value.tv_nsec = (first % G_USEC_PER_SEC) * 1000;
	}
	timerfd_settime(l->timerw.fd, TFD_TIMER_ABSTIME, &its, NULL);
}

void itni_loop_timer_arm(ItniLoop *l, ItniTimer *t, guint ms)
{
	if (!t->deadline)
		g_ptr_array_add(l->timers, t);
	t->deadline = g_get_monotonic_time() + (gint64) ms * 1000;
	rearm_timerfd(l);
}

void itni_loop_timer_disarm(ItniLoop *l, ItniTimer *t)
{
	if (!t->deadline)
		return;
	t->deadline = 0;
	g_ptr_array_remove_fast(l->timers, t);
	rearm_timerfd(l);
}

static void timer_cb(ItniWatch *w, uint32_t events)
{
	ItniLoop *l = (ItniLoop *) ((char *) w - G_STRUCT_OFFSET(ItniLoop, timerw));
	uint64_t n;
	if (read(w->fd, &n, sizeof n) < 0 && errno != EAGAIN)
		g_warning("timerfd read: %s", g_strerror(errno));
	l->timer_set = -1;
	gint64 now = g_get_monotonic_time();
	/* Fire expired timers one at a time: a callback may arm or disarm
	 * others. */
	for (;;) {
		ItniTimer *due = NULL;
		for (guint i = 0; i < l->timers->len; i++) {
			ItniTimer *t = g_ptr_array_index(l->timers, i);
			if (t->deadline <= now) {
				due = t;
				break;
			}
		}
		if (!due)
			break;
		itni_loop_timer_disarm(l, due);
		due->cb(due->data);
	}
	rearm_timerfd(l);
}

void itni_loop_post(ItniLoop *l, void (*func)(gpointer), gpointer data)
{
	Posted p = { func, data };
	g_mutex_lock(&l->lock);
	g_array_append_val(l->posted, p);
	g_mutex_unlock(&l->lock);
	uint64_t one = 1;
	if (write(l->wake.fd, &one, sizeof one) < 0 && errno != EAGAIN)
		g_warning("loop wakeup failed: %s", g_strerror(errno));
}

static void wake_cb(ItniWatch *w, uint32_t events)
{
	ItniLoop *l = (ItniLoop *) ((char *) w - G_STRUCT_OFFSET(ItniLoop, wake));
	uint64_t n;
	if (read(w->fd, &n, sizeof n) < 0 && errno != EAGAIN)
		g_warning("eventfd read: %s", g_strerror(errno));
	g_mutex_lock(&l->lock);
	GArray *todo = l->posted;
	l->posted = g_array_new(FALSE, FALSE, sizeof(Posted));
	g_mutex_unlock(&l->lock);
	for (guint i = 0; i < todo->len; i++) {
		Posted *p = &g_array_index(todo, Posted, i);
		p->func(p->data);
	}
	g_array_free(todo, TRUE);
}

static void sync_call(gpointer data)
{
	SyncCall *c = data;
	c->func(c->data);
	g_mutex_lock(&c->lock);
	c->done = TRUE;
	g_cond_signal(&c->cond);
	g_mutex_unlock(&c->lock);
}

gboolean itni_loop_is_current(ItniLoop *l)
{
	return g_atomic_pointer_get(&l->running) == (gpointer) g_thread_self();
}

void itni_loop_invoke_sync(ItniLoop *l, void (*func)(gpointer), gpointer data)
{
	/* No thread of its own and nobody servicing: the caller owns it. */
	if (itni_loop_is_current(l) || (!l->thread && !g_atomic_pointer_get(&l->running))) {
		func(data);
		return;
	}
	SyncCall c = { func, data };
	g_mutex_init(&c.lock);
	g_cond_init(&c.cond);
	itni_loop_post(l, sync_call, &c);
	g_mutex_lock(&c.lock);
	while (!c.done)
		g_cond_wait(&c.cond, &c.lock);
	g_mutex_unlock(&c.lock);
	g_mutex_clear(&c.lock);
	g_cond_clear(&c.cond);
}

void itni_loop_defer(ItniLoop *l, void (*func)(gpointer), gpointer data)
{
	for (guint i = 0; i < l->deferred->len; i++) {
		Posted *p = &g_array_index(l->deferred, Posted, i);
		if (p->func == func && p->data == data)
			return;
	}
	Posted p = { func, data };
	g_array_append_val(l->deferred, p);
}

void itni_loop_run_deferred(ItniLoop *l)
{
	/* Deferred work may defer more (a flush completing a task whose
	 * callback submits again): loop until quiet. */
	while (l->deferred->len) {
		Posted p = g_array_index(l->deferred, Posted, 0);
		g_array_remove_index(l->deferred, 0);
		p.func(p.data);
	}
}

void itni_loop_iterate(ItniLoop *l, int timeout_ms)
{
	struct epoll_event evs[64];
	gpointer prev = g_atomic_pointer_get(&l->running);
	g_atomic_pointer_set(&l->running, g_thread_self());
	itni_loop_run_deferred(l);
	int n = epoll_wait(l->epfd, evs, G_N_ELEMENTS(evs), timeout_ms);
	for (int i = 0; i < n; i++) {
		ItniWatch *w = evs[i].data.ptr;
		w->cb(w, evs[i].events);
	}
	itni_loop_run_deferred(l);
	g_atomic_pointer_set(&l->running, prev);
}
