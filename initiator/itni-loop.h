/* ItniLoop: one epoll set with its timers and a wakeup eventfd.  In the
 * threaded model each I/O thread runs one loop; in the external model the
 * application services the single loop through the context's fd.
 * (Internal header.) */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef struct ItniLoop ItniLoop;

/* Anything registered in the epoll set: the loop calls cb with the ready
 * events.  Embed it in the owning structure. */
typedef struct ItniWatch ItniWatch;
struct ItniWatch {
	void (*cb)(ItniWatch *w, uint32_t events);
	int fd;
};

typedef struct {
	gint64 deadline;        /* g_get_monotonic_time() microseconds, 0 = off */
	void (*cb)(gpointer data);
	gpointer data;
} ItniTimer;

/* thread == TRUE starts an I/O thread running the loop. */
ItniLoop *itni_loop_new(gboolean thread, guint index, GError **error);
void itni_loop_free(ItniLoop *l);
int itni_loop_get_fd(ItniLoop *l);

gboolean itni_loop_add(ItniLoop *l, ItniWatch *w, uint32_t events);
void itni_loop_modify(ItniLoop *l, ItniWatch *w, uint32_t events);
void itni_loop_remove(ItniLoop *l, ItniWatch *w);

/* Timers live in the caller's structure; arm/disarm only from the loop's
 * own thread (or through itni_loop_post). */
void itni_loop_timer_arm(ItniLoop *l, ItniTimer *t, guint ms);
void itni_loop_timer_disarm(ItniLoop *l, ItniTimer *t);

/* Run func(data) on the loop's thread soon (any thread may call). */
void itni_loop_post(ItniLoop *l, void (*func)(gpointer), gpointer data);
/* Run func(data) on the loop's thread and wait until it ran.  Called from
 * the loop's own thread it runs at once. */
void itni_loop_invoke_sync(ItniLoop *l, void (*func)(gpointer), gpointer data);

/* Whether the calling thread is the one running this loop right now. */
gboolean itni_loop_is_current(ItniLoop *l);

/* Deferred work at the end of the current dispatch round (send batching):
 * func(data) runs once per round however often it is queued while the same
 * data is pending.  Only from the loop's thread. */
void itni_loop_defer(ItniLoop *l, void (*func)(gpointer), gpointer data);

/* Run the deferred work now instead of at the end of the round (a
 * connection that has read a chunk of answers sends what they queued
 * before it reads on).  Only from the loop's thread. */
void itni_loop_run_deferred(ItniLoop *l);

/* One round: wait up to timeout_ms (0 = poll, -1 = forever) and dispatch. */
void itni_loop_iterate(ItniLoop *l, int timeout_ms);
