/* task-tmf-spread.c: a TMF's aborts on every concerned connection, each in
 * its own worker thread (task-tmf-spread.h). */
#include "config.h"

#include "target/task-tmf-spread.h"
#include "target/conn-core.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "target/task-core.h"

typedef struct {
  gint pending;              /* atomic: connections not yet done, +1 while spreading */
  TgtConn *origin;           /* referenced */
  TgtSession *sess;          /* the origin's session, referenced */
  TaskTmfWhat what;
  TaskTmfDone done;
  gpointer data;
  GMutex lock;               /* guards the results below */
  guint aborted;
  guint finished;
  GPtrArray *hit;            /* other sessions that lost tasks (referenced) */
} Job;

typedef struct {
  Job *job;
  TgtConn *conn;             /* referenced */
} Visit;

/* Aborts the concerned tasks of c; in c's worker.  Only tasks still
 * waiting for Data-Out can be aborted: commands execute synchronously in
 * the worker, and a task whose response is queued has completed. */
static void
abort_on (Job *j, TgtConn *c)
{
  if (c->state == TGT_CONN_CLOSED || c->sess == NULL)
    return;
  guint n = 0, finished = 0;
  for (GList *l = c->tasks.head; l != NULL;)
    {
      GList *next = l->next;
      TgtTask *t = l->data;
      gboolean match = j->what.one_task ? t->itt == j->what.rtt : j->what.all_luns || t->cmd.lun == j->what.lun;
      if (match && !t->aborted)
        {
          if (t->state == TGT_TASK_DATA_OUT)
            {
              task_abort (t);
              n++;
            }
          else if (t->state == TGT_TASK_RESPONDING)
            finished++;
        }
      l = next;
    }
  g_mutex_lock (&j->lock);
  j->aborted += n;
  j->finished += finished;
  if (n > 0 && c->sess != j->sess && !g_ptr_array_find (j->hit, c->sess, NULL))
    g_ptr_array_add (j->hit, session_ref (c->sess));
  g_mutex_unlock (&j->lock);
  /* sec. 11.5.1: after a cold reset the target drops its connections;
   * the origin's goes once its response is sent (task-tmf.c). */
  if (j->what.close_others && c != j->origin)
    conn_close (c, "target cold reset");
}

static void
finish (gpointer data)
{
  Job *j = data;
  g_autoptr (GPtrArray) nexuses = g_ptr_array_new ();
  for (guint i = 0; i < j->hit->len; i++)
    g_ptr_array_add (nexuses, ((TgtSession *) j->hit->pdata[i])->nexus);
  TaskTmfOutcome out = {
    .aborted = j->aborted,
    .finished = j->finished,
    .others = (TgtNexus *const *) nexuses->pdata,
    .n_others = nexuses->len,
  };
  j->done (j->origin, &out, j->data);
  g_ptr_array_set_free_func (j->hit, (GDestroyNotify) session_unref);
  g_ptr_array_unref (j->hit);
  session_unref (j->sess);
  conn_unref (j->origin);
  g_mutex_clear (&j->lock);
  g_free (j);
}

/* The last connection done answers the TMF, in the origin's worker. */
static void
job_step_done (Job *j)
{
  if (!g_atomic_int_dec_and_test (&j->pending))
    return;
  if (tgt_worker_in_thread (j->origin->worker))
    finish (j);
  else
    tgt_worker_post (j->origin->worker, finish, j);
}

static void
visit_post (gpointer data)
{
  Visit *v = data;
  abort_on (v->job, v->conn);
  job_step_done (v->job);
  conn_unref (v->conn);
  g_free (v);
}

/* References to the connections in scope, under the engine and session
 * locks (in that order, iscsi-core.h). */
static GPtrArray *
collect (TgtConn *origin, TaskTmfScope scope)
{
  GPtrArray *conns = g_ptr_array_new ();
  TgtSession *s = origin->sess;
  TgtEngine *e = origin->engine;
  g_mutex_lock (&e->lock);
  for (GList *l = e->sessions.head; l != NULL; l = l->next)
    {
      TgtSession *other = l->data;
      if (other != s && (scope == TASK_TMF_SESSION || other->target != s->target))
        continue;
      g_mutex_lock (&other->lock);
      for (GList *cl = other->conns.head; cl != NULL; cl = cl->next)
        g_ptr_array_add (conns, conn_ref (cl->data));
      g_mutex_unlock (&other->lock);
    }
  g_mutex_unlock (&e->lock);
  /* A session whose registration is gone still has the origin. */
  if (!g_ptr_array_find (conns, origin, NULL))
    g_ptr_array_add (conns, conn_ref (origin));
  return conns;
}

void
task_tmf_spread (TgtConn *origin, TaskTmfScope scope, const TaskTmfWhat *what, TaskTmfDone done, gpointer data)
{
  Job *j = g_new0 (Job, 1);
  j->pending = 1;
  j->origin = conn_ref (origin);
  j->sess = session_ref (origin->sess);
  j->what = *what;
  j->done = done;
  j->data = data;
  g_mutex_init (&j->lock);
  j->hit = g_ptr_array_new ();
  GPtrArray *conns = collect (origin, scope);
  for (guint i = 0; i < conns->len; i++)
    {
      TgtConn *c = conns->pdata[i];
      if (tgt_worker_in_thread (c->worker))
        {
          /* Same thread: touch it now (as before MC/S came into play). */
          abort_on (j, c);
          conn_unref (c);
          continue;
        }
      Visit *v = g_new0 (Visit, 1);
      v->job = j;
      v->conn = c; /* the reference from collect() */
      g_atomic_int_inc (&j->pending);
      tgt_worker_post (c->worker, visit_post, v);
    }
  g_ptr_array_unref (conns);
  job_step_done (j);
}
