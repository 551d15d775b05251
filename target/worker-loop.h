/* worker-loop.h: the data path threads of itn-targetd.
 *
 * Each TgtWorker is one thread with its own epoll loop; connections are
 * spread over the workers (round robin at accept time) so the data path
 * uses every core, while the GLib main loop in the main thread only handles
 * control (signals, D-Bus, accept).  A connection lives on exactly one
 * worker for its whole life, so its state needs no lock; anything another
 * thread wants done to it is posted with tgt_worker_post(). */
#pragma once
#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct TgtWorker TgtWorker;
typedef struct TgtWorkerWatch TgtWorkerWatch;

/* Called in the worker thread with the epoll event mask. */
typedef void (*TgtWorkerFdFunc) (TgtWorkerWatch *watch, guint32 events);
/* Called in the worker thread about once a second (timeouts, keepalive). */
typedef void (*TgtWorkerTickFunc) (TgtWorkerWatch *watch, gint64 now_us);
typedef void (*TgtWorkerFunc) (gpointer data);

/* Embedded in the watched object (a connection): no allocation. */
struct TgtWorkerWatch {
  int fd;
  TgtWorkerFdFunc func;
  TgtWorkerTickFunc tick;     /* may be NULL */
  GList link;                 /* in the worker's tick list */
  TgtWorker *worker;
};

TgtWorker *tgt_worker_new (guint index, GError **error);
gboolean tgt_worker_start (TgtWorker *w, GError **error);
/* Asks the thread to end and joins it. */
void tgt_worker_stop (TgtWorker *w);
void tgt_worker_free (TgtWorker *w);
guint tgt_worker_index (const TgtWorker *w);

/* In the worker thread only. */
gboolean tgt_worker_watch (TgtWorker *w, TgtWorkerWatch *watch, guint32 events, GError **error);
void tgt_worker_watch_events (TgtWorkerWatch *watch, guint32 events);
/* After unwatching, free the watched object only from a tgt_worker_post()
 * callback: a tick snapshot may still point at it. */
void tgt_worker_unwatch (TgtWorkerWatch *watch);
gboolean tgt_worker_in_thread (const TgtWorker *w);

/* From any thread: run func(data) in the worker thread soon. */
void tgt_worker_post (TgtWorker *w, TgtWorkerFunc func, gpointer data);

G_END_DECLS
