/* task-tmf-spread.h: carrying out a Task Management Function on every
 * connection it concerns (RFC 7143 sec. 4.2.3, 11.5.1; SAM-5 sec. 7).
 *
 * Tasks have allegiance to the connection they came in on (sec. 4.2), and
 * a connection is touched only by its own worker thread (worker-loop.h).
 * A TMF received on one connection may concern tasks of the session's
 * other connections (ABORT TASK, ABORT TASK SET) or of every session of
 * the target (CLEAR TASK SET on a shared task set, LOGICAL UNIT RESET,
 * TARGET RESET), which may live on other workers: the abort is posted to
 * each owning worker, and the TMF is answered, in the worker of the
 * connection that received it, once every one of them has run. */
#pragma once
#include <glib.h>
#include "target/iscsi-core.h"
#include "target/scsi.h"

G_BEGIN_DECLS

typedef enum {
  TASK_TMF_SESSION,          /* connections of the origin's session */
  TASK_TMF_TARGET,           /* connections of every session of its target */
} TaskTmfScope;

typedef struct {
  gboolean one_task;         /* ABORT TASK: only the task with ITT rtt */
  guint32 rtt;
  gboolean all_luns;         /* else only tasks addressed to lun */
  guint64 lun;
  gboolean close_others;     /* TARGET COLD RESET: close the other connections */
} TaskTmfWhat;

typedef struct {
  guint aborted;             /* tasks aborted (no response will follow) */
  guint finished;            /* ABORT TASK: the task's response was already queued */
  TgtNexus *const *others;   /* nexuses of other sessions that lost tasks */
  guint n_others;
} TaskTmfOutcome;

/* Called in the origin's worker, when the aborts have run everywhere. */
typedef void (*TaskTmfDone) (TgtConn *origin, const TaskTmfOutcome *out, gpointer data);

/* In the origin's worker.  done runs before this returns when every
 * concerned connection lives on the origin's worker. */
void task_tmf_spread (TgtConn *origin, TaskTmfScope scope, const TaskTmfWhat *what, TaskTmfDone done,
                      gpointer data);

G_END_DECLS
