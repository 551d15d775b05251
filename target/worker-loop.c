/* worker-loop.c: one epoll loop per data path thread (worker-loop.h). */
#include "config.h"

#include "target/worker-loop.h"
#include "target/tgt-config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define TICK_US G_USEC_PER_SEC
#define MAX_EVENTS 64

typedef struct {
  TgtWorkerFunc func;
  gpointer data;
} Post;

struct TgtWorker {
  guint index;
  int epfd;
  int evfd;                   /* wakes the loop for posts and stop */
  GThread *thread;
  GMutex lock;                /* guards posts and stopping */
  GArray *posts;              /* of Post */
  GArray *running;            /* swapped with posts while running them */
  gboolean stopping;
  GQueue ticks;               /* of TgtWorkerWatch (via link) */
  GPtrArray *tick_snapshot;
  gint64 next_tick;
};

TgtWorker *
tgt_worker_new (guint index, GError **error)
{
  TgtWorker *w = g_new0 (TgtWorker, 1);
  w->index = index;
  w->epfd = epoll_create1 (EPOLL_CLOEXEC);
  w->evfd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->epfd < 0 || w->evfd < 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "worker %u: %s", index, g_strerror (errno));
      tgt_worker_free (w);
      return NULL;
    }
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
  epoll_ctl (w->epfd, EPOLL_CTL_ADD, w->evfd, &ev);
  g_mutex_init (&w->lock);
  w->posts = g_array_new (FALSE, FALSE, sizeof (Post));
  w->running = g_array_new (FALSE, FALSE, sizeof (Post));
  g_queue_init (&w->ticks);
  w->tick_snapshot = g_ptr_array_new ();
  return w;
}

guint
tgt_worker_index (const TgtWorker *w)
{
  return w->index;
}

static void
run_posts (TgtWorker *w)
{
  guint64 v;
  while (read (w->evfd, &v, sizeof v) > 0)
    ;
  g_mutex_lock (&w->lock);
  GArray *tmp = w->posts;
  w->posts = w->running;
  w->running = tmp;
  g_mutex_unlock (&w->lock);
  for (guint i = 0; i < w->running->len; i++)
    {
      Post *p = &g_array_index (w->running, Post, i);
      p->func (p->data);
    }
  g_array_set_size (w->running, 0);
}

static void
run_ticks (TgtWorker *w, gint64 now)
{
  /* A tick may unwatch watches (its own or, on session reinstatement,
   * others): iterate over a snapshot and skip the unwatched ones.  Owners
   * free an unwatched object only from a post, so the snapshot stays valid
   * until this returns. */
  g_ptr_array_set_size (w->tick_snapshot, 0);
  for (GList *l = w->ticks.head; l != NULL; l = l->next)
    g_ptr_array_add (w->tick_snapshot, l->data);
  for (guint i = 0; i < w->tick_snapshot->len; i++)
    {
      TgtWorkerWatch *watch = w->tick_snapshot->pdata[i];
      if (watch->worker == w)
        watch->tick (watch, now);
    }
}

static gpointer
worker_main (gpointer data)
{
  TgtWorker *w = data;
  struct epoll_event evs[MAX_EVENTS];
  w->next_tick = g_get_monotonic_time () + TICK_US;
  for (;;)
    {
      g_mutex_lock (&w->lock);
      gboolean stop = w->stopping;
      g_mutex_unlock (&w->lock);
      if (stop)
        break;
      gint64 now = g_get_monotonic_time ();
      int timeout = now >= w->next_tick ? 0 : (int) ((w->next_tick - now) / 1000) + 1;
      int n = epoll_wait (w->epfd, evs, MAX_EVENTS, timeout);
      if (n < 0 && errno != EINTR)
        {
          g_critical ("worker %u: epoll_wait: %s", w->index, g_strerror (errno));
          break;
        }
      /* Posts run after the batch: a post may free an object whose
       * event is still in evs[]; an unwatched watch is skipped. */
      gboolean posted = FALSE;
      for (int i = 0; i < n; i++)
        {
          TgtWorkerWatch *watch = evs[i].data.ptr;
          if (watch == NULL)
            posted = TRUE;
          else if (watch->worker == w)
            watch->func (watch, evs[i].events);
        }
      if (posted)
        run_posts (w);
      now = g_get_monotonic_time ();
      if (now >= w->next_tick)
        {
          w->next_tick = now + TICK_US;
          run_ticks (w, now);
        }
    }
  /* Run what was posted before the stop, so nothing posted is lost
   * (connection close functions free memory). */
  run_posts (w);
  return NULL;
}

gboolean
tgt_worker_start (TgtWorker *w, GError **error)
{
  char name[16];
  g_snprintf (name, sizeof name, "itn-worker%u", w->index);
  w->thread = g_thread_try_new (name, worker_main, w, error);
  return w->thread != NULL;
}

void
tgt_worker_stop (TgtWorker *w)
{
  if (w->thread == NULL)
    return;
  g_mutex_lock (&w->lock);
  w->stopping = TRUE;
  g_mutex_unlock (&w->lock);
  guint64 one = 1;
  if (write (w->evfd, &one, sizeof one) < 0)
    g_warning ("worker %u: wake-up: %s", w->index, g_strerror (errno));
  g_thread_join (w->thread);
  w->thread = NULL;
}

void
tgt_worker_free (TgtWorker *w)
{
  if (w == NULL)
    return;
  tgt_worker_stop (w);
  if (w->epfd >= 0)
    close (w->epfd);
  if (w->evfd >= 0)
    close (w->evfd);
  if (w->posts != NULL)
    {
      g_mutex_clear (&w->lock);
      g_array_unref (w->posts);
      g_array_unref (w->running);
      g_ptr_array_unref (w->tick_snapshot);
    }
  g_free (w);
}

gboolean
tgt_worker_in_thread (const TgtWorker *w)
{
  return w->thread == g_thread_self ();
}

gboolean
tgt_worker_watch (TgtWorker *w, TgtWorkerWatch *watch, guint32 events, GError **error)
{
  struct epoll_event ev = { .events = events, .data.ptr = watch };
  watch->worker = w;
  if (epoll_ctl (w->epfd, EPOLL_CTL_ADD, watch->fd, &ev) != 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "epoll_ctl: %s", g_strerror (errno));
      return FALSE;
    }
  if (watch->tick != NULL)
    {
      watch->link.data = watch;
      g_queue_push_tail_link (&w->ticks, &watch->link);
    }
  return TRUE;
}

void
tgt_worker_watch_events (TgtWorkerWatch *watch, guint32 events)
{
  struct epoll_event ev = { .events = events, .data.ptr = watch };
  epoll_ctl (watch->worker->epfd, EPOLL_CTL_MOD, watch->fd, &ev);
}

void
tgt_worker_unwatch (TgtWorkerWatch *watch)
{
  TgtWorker *w = watch->worker;
  if (w == NULL)
    return;
  epoll_ctl (w->epfd, EPOLL_CTL_DEL, watch->fd, NULL);
  if (watch->tick != NULL)
    g_queue_unlink (&w->ticks, &watch->link);
  watch->worker = NULL;
}

void
tgt_worker_post (TgtWorker *w, TgtWorkerFunc func, gpointer data)
{
  Post p = { func, data };
  g_mutex_lock (&w->lock);
  g_array_append_val (w->posts, p);
  g_mutex_unlock (&w->lock);
  guint64 one = 1;
  if (write (w->evfd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_warning ("worker %u: wake-up: %s", w->index, g_strerror (errno));
}
