/* ItniContext: where the initiator's network I/O, timers and completion
 * callbacks run.
 *
 * Two models, chosen when the context is created:
 *
 *  - itni_context_new(0): no library threads.  The application drives
 *    everything from its own event loop: it polls itni_context_get_fd() for
 *    itni_context_get_events() and calls itni_context_service() when the fd
 *    is ready (the libiscsi model), or attaches itni_context_create_source()
 *    to a GMainContext.  Every callback runs inside itni_context_service(),
 *    in the application's thread.
 *
 *  - itni_context_new(N), N > 0: the library runs N I/O threads and spreads
 *    the connections of all sessions over them (one thread per core is the
 *    usual choice).  Callbacks run on the I/O thread that completed the
 *    task.  The fd/source API is unused in this model.
 *
 * Thread-safety rules:
 *  - In the threaded model every public function may be called from any
 *    thread, including from inside a completion callback, except
 *    itni_context_free() and itni_session_free(), which must not be called
 *    from a callback.
 *  - In the external model the context and everything hanging from it
 *    belong to one thread at a time (the one calling
 *    itni_context_service()); the library takes no locks on the caller's
 *    behalf across threads beyond making that safe.
 *  - Synchronous wrappers (itni_*_sync) work in both models: in the
 *    external model they service the context themselves until their command
 *    completes (other callbacks may run meanwhile); they must not be called
 *    from a callback in the external model.
 *  - Buffers passed as iovecs belong to the library from submission until
 *    the task's callback has returned.
 */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

typedef struct ItniContext ItniContext;

ItniContext *itni_context_new(guint n_threads);
/* Logs out nothing by itself: free sessions first. */
void itni_context_free(ItniContext *ctx);
guint itni_context_get_n_threads(const ItniContext *ctx);

/* External model only.  The fd stays the same for the context's lifetime
 * (it is an epoll fd gathering every connection and timer). */
int itni_context_get_fd(ItniContext *ctx);
/* The poll(2) events to wait for on that fd (always POLLIN today). */
short itni_context_get_events(ItniContext *ctx);
/* Do whatever is ready: receive, send, fire timers, run callbacks.  Never
 * blocks.  revents is what poll reported (0 is fine). */
void itni_context_service(ItniContext *ctx, short revents);
/* Service until *done becomes TRUE or timeout_ms passes (-1: no limit);
 * blocks in poll.  Returns FALSE on timeout. */
gboolean itni_context_run_until(ItniContext *ctx, const gboolean *done, int timeout_ms);
/* A GSource that services the context when its fd is ready. */
GSource *itni_context_create_source(ItniContext *ctx);

G_END_DECLS
