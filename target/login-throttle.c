/* login-throttle.c: slow down repeated login failures from one address. */
#include "config.h"

#include "target/login-core.h"
#include "target/iscsi-engine.h"

#include <string.h>

/* Failures forgiven after this long without another. */
#define FORGET_US (300 * G_USEC_PER_SEC)
/* Failures allowed at full speed (a mistyped secret, a retry). */
#define FREE_FAILURES 3

typedef struct {
  guint count;
  gint64 last;
} Failures;

/* "ADDR:PORT" or "[V6]:PORT" -> the address part: the port changes with
 * every connection. */
static char *
host_of (const char *peer)
{
  const char *colon = strrchr (peer, ':');
  return colon != NULL ? g_strndup (peer, colon - peer) : g_strdup (peer);
}

gint64
login_throttle_delay (TgtEngine *e, const char *peer)
{
  g_autofree char *host = host_of (peer);
  gint64 delay = 0;
  g_mutex_lock (&e->lock);
  Failures *f = g_hash_table_lookup (e->failures, host);
  gint64 max_us = (gint64) e->cfg->limits.login_failure_delay_max_ms * 1000;
  if (f != NULL && g_get_monotonic_time () - f->last < FORGET_US && f->count >= FREE_FAILURES)
    {
      guint shift = MIN (f->count - FREE_FAILURES, 10);
      delay = MIN ((gint64) (G_USEC_PER_SEC / 4) << shift, max_us);
    }
  g_mutex_unlock (&e->lock);
  return delay;
}

void
login_throttle_fail (TgtEngine *e, const char *peer)
{
  char *host = host_of (peer);
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&e->lock);
  Failures *f = g_hash_table_lookup (e->failures, host);
  if (f == NULL)
    {
      /* Bound the table: an attacker with many addresses must not make
       * it grow forever. */
      if (g_hash_table_size (e->failures) > 4096)
        g_hash_table_remove_all (e->failures);
      f = g_new0 (Failures, 1);
      g_hash_table_insert (e->failures, host, f);
      host = NULL;
    }
  if (now - f->last > FORGET_US)
    f->count = 0;
  f->count++;
  f->last = now;
  g_mutex_unlock (&e->lock);
  g_free (host);
}

void
login_throttle_ok (TgtEngine *e, const char *peer)
{
  g_autofree char *host = host_of (peer);
  g_mutex_lock (&e->lock);
  g_hash_table_remove (e->failures, host);
  g_mutex_unlock (&e->lock);
}
