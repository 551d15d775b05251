/* tgt-engine.c: the engine's tables and its public API (tgt-engine.h). */
#include "config.h"

#include "target/tgt-engine.h"
#include "target/iscsi-engine.h"
#include "target/conn-core.h"
#include "target/conn-ffp.h"
#include "target/session-core.h"

#include <fcntl.h>
#include <string.h>

static void
on_accept (int fd, guint16 tpgt, gpointer user_data)
{
  TgtEngine *e = user_data;
  /* Round robin: connections spread over the workers, so sessions (and
   * the connections of one MC/S session) use every core. */
  guint i = (guint) g_atomic_int_add (&e->next_worker, 1);
  conn_start (e, e->workers->pdata[i % e->workers->len], fd, tpgt);
}

void
tgt_engine_adopt (TgtEngine *e, int fd, guint16 tpgt)
{
  int fl = fcntl (fd, F_GETFL);
  if (fl >= 0)
    fcntl (fd, F_SETFL, fl | O_NONBLOCK);
  on_accept (fd, tpgt, e);
}

TgtTarget *
engine_target_ref (TgtTarget *t)
{
  g_atomic_int_inc (&t->refs);
  return t;
}

void
engine_target_unref (TgtTarget *t)
{
  if (t == NULL || !g_atomic_int_dec_and_test (&t->refs))
    return;
  tgt_scsi_target_unref (t->scsi);
  tgt_config_target_free (t->cfg);
  g_free (t->iqn);
  g_free (t);
}

static gboolean
lun_same (const TgtConfigLun *a, const TgtConfigLun *b)
{
  return a->lun == b->lun && g_strcmp0 (a->backstore, b->backstore) == 0 && a->read_only == b->read_only
         && a->block_size == b->block_size && g_strcmp0 (a->serial, b->serial) == 0;
}

static gboolean
add_lun (TgtTarget *t, const TgtConfigLun *l, GError **error)
{
  TgtLunSpec spec = {
    .backstore = l->backstore,
    .block_size = l->block_size,
    .read_only = l->read_only,
    .serial = l->serial,
  };
  return tgt_scsi_target_add_lun (t->scsi, l->lun, &spec, error);
}

/* Brings a target's LUN table from old to new config. */
static gboolean
sync_luns (TgtTarget *t, const TgtConfigTarget *old, const TgtConfigTarget *nw, GError **error)
{
  if (old != NULL)
    for (guint i = 0; i < old->luns->len; i++)
      {
        const TgtConfigLun *ol = old->luns->pdata[i];
        const TgtConfigLun *nl = tgt_config_target_find_lun (nw, ol->lun);
        if (nl == NULL || !lun_same (ol, nl))
          tgt_scsi_target_remove_lun (t->scsi, ol->lun, NULL);
      }
  for (guint i = 0; i < nw->luns->len; i++)
    {
      const TgtConfigLun *nl = nw->luns->pdata[i];
      const TgtConfigLun *ol = old != NULL ? tgt_config_target_find_lun (old, nl->lun) : NULL;
      if (ol != NULL && lun_same (ol, nl))
        continue;
      if (!add_lun (t, nl, error))
        {
          g_prefix_error (error, "target %s LUN %u: ", nw->iqn, nl->lun);
          return FALSE;
        }
    }
  return TRUE;
}

static void
close_target_sessions (TgtEngine *e, TgtTarget *t)
{
  GPtrArray *conns = g_ptr_array_new ();
  g_mutex_lock (&e->lock);
  for (GList *l = e->conns.head; l != NULL; l = l->next)
    {
      TgtConn *c = l->data;
      if (c->sess != NULL && c->sess->target == t)
        g_ptr_array_add (conns, conn_ref (c));
    }
  g_mutex_unlock (&e->lock);
  for (guint i = 0; i < conns->len; i++)
    {
      conn_close_async (conns->pdata[i], "target removed");
      conn_unref (conns->pdata[i]);
    }
  g_ptr_array_unref (conns);
}

TgtEngine *
tgt_engine_new (const TgtConfig *cfg, GError **error)
{
  if (!tgt_config_validate (cfg, error))
    return NULL;
  TgtEngine *e = g_new0 (TgtEngine, 1);
  g_mutex_init (&e->lock);
  e->cfg = tgt_config_new ();
  e->cfg->targets = e->cfg->targets; /* empty: apply() fills it */
  e->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_config_free);
  e->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) engine_target_unref);
  e->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&e->sessions);
  g_queue_init (&e->conns);
  e->next_tsih = 1;
  e->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_worker_free);
  guint n = cfg->limits.worker_threads > 0 ? cfg->limits.worker_threads : g_get_num_processors ();
  for (guint i = 0; i < MAX (n, 1); i++)
    {
      TgtWorker *w = tgt_worker_new (i, error);
      if (w == NULL)
        {
          tgt_engine_free (e);
          return NULL;
        }
      g_ptr_array_add (e->workers, w);
    }
  e->portals = tgt_portal_set_new (on_accept, e);
  if (!tgt_engine_apply (e, cfg, error))
    {
      tgt_engine_free (e);
      return NULL;
    }
  return e;
}

gboolean
tgt_engine_apply (TgtEngine *e, const TgtConfig *cfg, GError **error)
{
  if (!tgt_config_validate (cfg, error))
    return FALSE;
  /* Targets: add new ones and sync LUNs of kept ones first, so a failing
   * backstore leaves the running set as it was for the others. */
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      const TgtConfigTarget *nt = cfg->targets->pdata[i];
      g_autofree char *key = g_ascii_strdown (nt->iqn, -1);
      g_mutex_lock (&e->lock);
      TgtTarget *t = g_hash_table_lookup (e->targets, key);
      TgtConfigTarget *old = t != NULL ? tgt_config_target_copy (t->cfg) : NULL;
      g_mutex_unlock (&e->lock);
      gboolean created = FALSE;
      if (t == NULL)
        {
          t = g_new0 (TgtTarget, 1);
          t->refs = 1;
          t->iqn = g_strdup (nt->iqn);
          t->scsi = tgt_scsi_target_new (nt->iqn);
          t->cfg = tgt_config_target_copy (nt);
          created = TRUE;
        }
      gboolean ok = sync_luns (t, old, nt, error);
      tgt_config_target_free (old);
      if (!ok)
        {
          if (created)
            engine_target_unref (t);
          return FALSE;
        }
      g_mutex_lock (&e->lock);
      if (created)
        g_hash_table_insert (e->targets, g_steal_pointer (&key), t);
      else
        {
          tgt_config_target_free (t->cfg);
          t->cfg = tgt_config_target_copy (nt);
        }
      g_mutex_unlock (&e->lock);
    }
  /* Targets no longer configured: drop them and their sessions. */
  GPtrArray *gone = g_ptr_array_new_with_free_func ((GDestroyNotify) engine_target_unref);
  g_mutex_lock (&e->lock);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, e->targets);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      TgtTarget *t = v;
      if (tgt_config_find_target (cfg, t->iqn) == NULL)
        {
          t->removed = TRUE;
          g_ptr_array_add (gone, engine_target_ref (t));
          g_hash_table_iter_remove (&it);
        }
    }
  g_ptr_array_add (e->retired, e->cfg);
  e->cfg = tgt_config_copy (cfg);
  g_mutex_unlock (&e->lock);
  for (guint i = 0; i < gone->len; i++)
    close_target_sessions (e, gone->pdata[i]);
  g_ptr_array_unref (gone);
  if (e->workers->len > 0 && !tgt_portal_set_apply (e->portals, e->cfg, error))
    return FALSE;
  if (e->applied != NULL)
    e->applied (e->cfg, e->applied_data);
  return TRUE;
}

void
tgt_engine_set_applied_hook (TgtEngine *e, TgtEngineAppliedFunc func, gpointer user_data)
{
  e->applied = func;
  e->applied_data = user_data;
}

gboolean
tgt_engine_start (TgtEngine *e, GError **error)
{
  for (guint i = 0; i < e->workers->len; i++)
    if (!tgt_worker_start (e->workers->pdata[i], error))
      return FALSE;
  return TRUE;
}

static guint
count_conns (TgtEngine *e)
{
  g_mutex_lock (&e->lock);
  guint n = e->conns.length;
  g_mutex_unlock (&e->lock);
  return n;
}

static void
request_logout_post (gpointer data)
{
  TgtConn *c = data;
  ffp_request_logout (c, 2);
  conn_unref (c);
}

void
tgt_engine_shutdown (TgtEngine *e, guint timeout_ms)
{
  tgt_portal_set_free (e->portals);
  e->portals = NULL;
  g_mutex_lock (&e->lock);
  e->shutting_down = TRUE;
  for (GList *l = e->conns.head; l != NULL; l = l->next)
    {
      TgtConn *c = l->data;
      tgt_worker_post (c->worker, request_logout_post, conn_ref (c));
    }
  g_mutex_unlock (&e->lock);
  /* Give initiators the time to log out (sec. 11.9.1). */
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  while (count_conns (e) > 0 && g_get_monotonic_time () < deadline)
    g_usleep (20000);
  g_mutex_lock (&e->lock);
  GPtrArray *rest = g_ptr_array_new ();
  for (GList *l = e->conns.head; l != NULL; l = l->next)
    g_ptr_array_add (rest, conn_ref (l->data));
  g_mutex_unlock (&e->lock);
  for (guint i = 0; i < rest->len; i++)
    {
      conn_close_async (rest->pdata[i], "shutting down");
      conn_unref (rest->pdata[i]);
    }
  g_ptr_array_unref (rest);
  for (guint i = 0; i < e->workers->len; i++)
    tgt_worker_stop (e->workers->pdata[i]);
}

void
tgt_engine_free (TgtEngine *e)
{
  if (e == NULL)
    return;
  for (guint i = 0; i < e->workers->len; i++)
    tgt_worker_stop (e->workers->pdata[i]);
  tgt_portal_set_free (e->portals);
  g_ptr_array_unref (e->workers);
  g_hash_table_unref (e->targets);
  g_hash_table_unref (e->failures);
  tgt_config_free (e->cfg);
  g_ptr_array_unref (e->retired);
  g_mutex_clear (&e->lock);
  g_free (e);
}

const TgtConfig *
tgt_engine_config (TgtEngine *e)
{
  return e->cfg;
}

guint16
tgt_engine_port (TgtEngine *e)
{
  return e->portals != NULL ? tgt_portal_set_first_port (e->portals) : 0;
}

TgtTarget *
engine_lookup_target (TgtEngine *e, const char *iqn, guint16 tpgt)
{
  g_autofree char *key = g_ascii_strdown (iqn, -1);
  g_mutex_lock (&e->lock);
  TgtTarget *t = g_hash_table_lookup (e->targets, key);
  if (t != NULL && (t->removed || !tgt_config_target_in_group (t->cfg, tpgt)))
    t = NULL;
  if (t != NULL)
    engine_target_ref (t);
  g_mutex_unlock (&e->lock);
  return t;
}

TgtConfig *
engine_config_snapshot (TgtEngine *e)
{
  g_mutex_lock (&e->lock);
  TgtConfig *c = tgt_config_copy (e->cfg);
  g_mutex_unlock (&e->lock);
  return c;
}

static gboolean
tsih_in_use (TgtEngine *e, guint16 tsih)
{
  for (GList *l = e->sessions.head; l != NULL; l = l->next)
    if (((TgtSession *) l->data)->tsih == tsih)
      return TRUE;
  return FALSE;
}

guint16
engine_session_register (TgtEngine *e, TgtSession *s)
{
  g_mutex_lock (&e->lock);
  /* sec. 11.12.6: TSIH 0 is reserved for a new session's first login. */
  do
    {
      s->tsih = e->next_tsih++;
      if (e->next_tsih == 0)
        e->next_tsih = 1;
    }
  while (s->tsih == 0 || tsih_in_use (e, s->tsih));
  g_queue_push_tail (&e->sessions, session_ref (s));
  g_mutex_unlock (&e->lock);
  return s->tsih;
}

void
engine_session_unregister (TgtEngine *e, TgtSession *s)
{
  g_mutex_lock (&e->lock);
  gboolean was = !s->ended && g_queue_remove (&e->sessions, s);
  s->ended = TRUE;
  g_mutex_unlock (&e->lock);
  if (was)
    session_unref (s);
}

TgtSession *
engine_session_by_tsih (TgtEngine *e, guint16 tsih)
{
  TgtSession *found = NULL;
  g_mutex_lock (&e->lock);
  for (GList *l = e->sessions.head; l != NULL; l = l->next)
    {
      TgtSession *s = l->data;
      if (s->tsih == tsih && !s->ended)
        found = session_ref (s);
    }
  g_mutex_unlock (&e->lock);
  return found;
}

TgtSession *
engine_session_by_identity (TgtEngine *e, const char *initiator, const guint8 isid[6], TgtTarget *target,
                            guint16 tpgt)
{
  TgtSession *found = NULL;
  g_mutex_lock (&e->lock);
  for (GList *l = e->sessions.head; l != NULL && found == NULL; l = l->next)
    {
      TgtSession *s = l->data;
      if (!s->ended && s->target == target && s->tpgt == tpgt && memcmp (s->isid, isid, 6) == 0
          && g_ascii_strcasecmp (s->initiator_name, initiator) == 0)
        found = session_ref (s);
    }
  g_mutex_unlock (&e->lock);
  return found;
}

void
engine_conn_register (TgtEngine *e, TgtConn *c)
{
  g_mutex_lock (&e->lock);
  c->id = ++e->next_conn_id;
  c->engine_link.data = c;
  g_queue_push_tail_link (&e->conns, &c->engine_link);
  g_mutex_unlock (&e->lock);
}

void
engine_conn_unregister (TgtEngine *e, TgtConn *c)
{
  g_mutex_lock (&e->lock);
  if (c->engine_link.data != NULL)
    {
      g_queue_unlink (&e->conns, &c->engine_link);
      c->engine_link.data = NULL;
    }
  g_mutex_unlock (&e->lock);
}
