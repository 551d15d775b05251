/* ItniContext: the set of loops (one per I/O thread, or one serviced by the
 * application) that connections are spread over. */
#include "config.h"

#include "itni-private.h"

#include <poll.h>

ItniContext *itni_context_new(guint n_threads)
{
	ItniContext *ctx = g_new0(ItniContext, 1);
	ctx->n_threads = n_threads;
	ctx->n_loops = n_threads ? n_threads : 1;
	ctx->loops = g_new0(ItniLoop *, ctx->n_loops);
	for (guint i = 0; i < ctx->n_loops; i++) {
		g_autoptr(GError) error = NULL;
		ctx->loops[i] = itni_loop_new(n_threads > 0, i, &error);
		/* Out of fds at start-up: nothing sensible to return. */
		if (!ctx->loops[i])
			g_error("%s", error->message);
	}
	return ctx;
}

void itni_context_free(ItniContext *ctx)
{
	if (!ctx)
		return;
	for (guint i = 0; i < ctx->n_loops; i++)
		itni_loop_free(ctx->loops[i]);
	g_free(ctx->loops);
	g_free(ctx);
}

guint itni_context_get_n_threads(const ItniContext *ctx)
{
	return ctx->n_threads;
}

ItniLoop *itni_context_pick_loop(ItniContext *ctx)
{
	guint i = (guint) g_atomic_int_add(&ctx->next_loop, 1);
	return ctx->loops[i % ctx->n_loops];
}

int itni_context_get_fd(ItniContext *ctx)
{
	return itni_loop_get_fd(ctx->loops[0]);
}

short itni_context_get_events(ItniContext *ctx)
{
	return POLLIN;
}

void itni_context_service(ItniContext *ctx, short revents)
{
	itni_loop_iterate(ctx->loops[0], 0);
}

gboolean itni_context_run_until(ItniContext *ctx, const gboolean *done, int timeout_ms)
{
	gint64 end = timeout_ms < 0 ? 0 : g_get_monotonic_time() + (gint64) timeout_ms * 1000;
	while (!g_atomic_int_get(done)) {
		int wait = -1;
		if (end) {
			gint64 left = end - g_get_monotonic_time();
			if (left <= 0)
				return FALSE;
			wait = (int) ((left + 999) / 1000);
		}
		if (ctx->n_threads) {
			/* The I/O threads do the work: just wait a little. */
			g_usleep(1000);
		} else {
			itni_loop_iterate(ctx->loops[0], wait > 100 || wait < 0 ? 100 : wait);
		}
	}
	return TRUE;
}

/* The GSource: polls the context fd and services it. */
typedef struct {
	GSource source;
	ItniContext *ctx;
	gpointer tag;
} ItniSource;

static gboolean source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
	ItniSource *s = (ItniSource *) source;
	itni_context_service(s->ctx, (short) g_source_query_unix_fd(source, s->tag));
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs source_funcs = {
	.dispatch = source_dispatch,
};

GSource *itni_context_create_source(ItniContext *ctx)
{
	GSource *source = g_source_new(&source_funcs, sizeof(ItniSource));
	ItniSource *s = (ItniSource *) source;
	s->ctx = ctx;
	s->tag = g_source_add_unix_fd(source, itni_context_get_fd(ctx), G_IO_IN);
	g_source_set_name(source, "itni-context");
	return source;
}
