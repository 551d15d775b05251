/* Session internals shared by session.c, task.c and recovery.c. */
#pragma once
#include "itni-private.h"

/* Called with s->lock held. */
void itni_session_set_state(ItniSession *s, ItniSessionState st);
/* Fail every pending and active task with code/message (no lock held). */
void itni_session_fail_all(ItniSession *s, ItniError code, const char *message);
void itni_session_free_tasks(ItniSession *s);
/* Stop a running recovery thread and wait for it. */
void itni_session_stop_recovery(ItniSession *s);
/* Log in again after a failure (recovery.c). */
void itni_session_start_recovery(ItniSession *s);
/* Put every task outstanding on the session's connections back into the
 * pending queue (called with s->lock held). */
void itni_session_requeue_all(ItniSession *s);
/* Used by recovery.c to rebuild the session. */
gboolean itni_session_relogin(ItniSession *s, GError **error);
