/* The event loop under the library: timers, work posted from other
 * threads, invoke_sync, deferred work, the GSource and the context's
 * external fd/service model; and the iovec slicing of the data path. */
#include "config.h"

#include <glib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "initiator/itni-private.h"

static void timer_fired(gpointer data)
{
	g_atomic_int_inc((int *) data);
}

static void test_timers(void)
{
	ItniLoop *l = itni_loop_new(FALSE, 0, NULL);
	int a = 0, b = 0;
	ItniTimer ta = { .cb = timer_fired, .data = &a }, tb = { .cb = timer_fired, .data = &b };
	itni_loop_timer_arm(l, &ta, 20);
	itni_loop_timer_arm(l, &tb, 200);
	gint64 t0 = g_get_monotonic_time();
	while (!a && g_get_monotonic_time() - t0 < 2 * G_USEC_PER_SEC)
		itni_loop_iterate(l, 100);
	g_assert_cmpint(a, ==, 1);
	g_assert_cmpint(b, ==, 0);
	g_assert_cmpint(g_get_monotonic_time() - t0, >=, 15000);
	/* A disarmed timer never fires. */
	itni_loop_timer_disarm(l, &tb);
	t0 = g_get_monotonic_time();
	while (g_get_monotonic_time() - t0 < 300000)
		itni_loop_iterate(l, 50);
	g_assert_cmpint(b, ==, 0);
	itni_loop_free(l);
}

static void count(gpointer data)
{
	g_atomic_int_inc((int *) data);
}

static gpointer poster(gpointer data)
{
	ItniLoop *l = data;
	static int n;
	for (int i = 0; i < 1000; i++)
		itni_loop_post(l, count, &n);
	return &n;
}

/* Work posted from another thread runs on the loop's own thread. */
static void test_post_threaded(void)
{
	ItniLoop *l = itni_loop_new(TRUE, 0, NULL);
	GThread *t = g_thread_new("poster", poster, l);
	int *n = g_thread_join(t);
	gint64 t0 = g_get_monotonic_time();
	while (g_atomic_int_get(n) < 1000 && g_get_monotonic_time() - t0 < 5 * G_USEC_PER_SEC)
		g_usleep(1000);
	g_assert_cmpint(g_atomic_int_get(n), ==, 1000);
	itni_loop_free(l);
}

typedef struct {
	ItniLoop *l;
	gboolean on_loop;
} Where;

static void where(gpointer data)
{
	Where *w = data;
	w->on_loop = itni_loop_is_current(w->l);
}

static void test_invoke_sync(void)
{
	ItniLoop *l = itni_loop_new(TRUE, 0, NULL);
	Where w = { l, FALSE };
	itni_loop_invoke_sync(l, where, &w);
	g_assert_true(w.on_loop);
	g_assert_false(itni_loop_is_current(l));
	itni_loop_free(l);
}

static int deferred_runs;
static void deferred(gpointer data)
{
	deferred_runs++;
}

static void defer_twice(gpointer data)
{
	ItniLoop *l = data;
	/* Queued twice in one round, runs once (send batching). */
	itni_loop_defer(l, deferred, NULL);
	itni_loop_defer(l, deferred, NULL);
}

static void test_defer(void)
{
	ItniLoop *l = itni_loop_new(FALSE, 0, NULL);
	deferred_runs = 0;
	itni_loop_post(l, defer_twice, l);
	itni_loop_iterate(l, 100);
	g_assert_cmpint(deferred_runs, ==, 1);
	itni_loop_free(l);
}

/* The external model: the context fd becomes readable when there is work,
 * and a GSource on it services the context from a GMainLoop. */
static void quit_loop(gpointer data)
{
	g_main_loop_quit(data);
}

static gboolean guard_quit(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

static void test_gsource(void)
{
	ItniContext *ctx = itni_context_new(0);
	g_assert_cmpint(itni_context_get_fd(ctx), >=, 0);
	g_assert_cmpint(itni_context_get_events(ctx), !=, 0);
	GMainLoop *ml = g_main_loop_new(NULL, FALSE);
	GSource *src = itni_context_create_source(ctx);
	g_source_attach(src, NULL);
	itni_loop_post(ctx->loops[0], quit_loop, ml);
	guint guard = g_timeout_add_seconds(5, guard_quit, ml);
	gint64 t0 = g_get_monotonic_time();
	g_main_loop_run(ml);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 4 * G_USEC_PER_SEC);
	g_source_remove(guard);
	g_source_destroy(src);
	g_source_unref(src);
	g_main_loop_unref(ml);
	itni_context_free(ctx);
}

static void test_iov_slice(void)
{
	guint8 buf[100];
	struct iovec in[3] = { { buf, 10 }, { buf + 10, 30 }, { buf + 40, 60 } };
	struct iovec out[4];
	/* Inside one entry. */
	g_assert_cmpuint(itni_iov_slice(in, 3, 12, 5, out, 4), ==, 1);
	g_assert_true(out[0].iov_base == buf + 12 && out[0].iov_len == 5);
	/* Across all three. */
	g_assert_cmpuint(itni_iov_slice(in, 3, 5, 90, out, 4), ==, 3);
	g_assert_true(out[0].iov_base == buf + 5 && out[0].iov_len == 5);
	g_assert_true(out[1].iov_base == buf + 10 && out[1].iov_len == 30);
	g_assert_true(out[2].iov_base == buf + 40 && out[2].iov_len == 55);
	/* Beyond the end, or more entries than room: 0. */
	g_assert_cmpuint(itni_iov_slice(in, 3, 50, 51, out, 4), ==, 0);
	g_assert_cmpuint(itni_iov_slice(in, 3, 0, 100, out, 2), ==, 0);
	/* Exactly the end. */
	g_assert_cmpuint(itni_iov_slice(in, 3, 99, 1, out, 4), ==, 1);
	g_assert_true(out[0].iov_base == buf + 99);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/initiator/loop/timers", test_timers);
	g_test_add_func("/initiator/loop/post-threaded", test_post_threaded);
	g_test_add_func("/initiator/loop/invoke-sync", test_invoke_sync);
	g_test_add_func("/initiator/loop/defer", test_defer);
	g_test_add_func("/initiator/loop/gsource", test_gsource);
	g_test_add_func("/initiator/iov/slice", test_iov_slice);
	return g_test_run();
}
