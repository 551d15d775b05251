/* session-list.c: the snapshot of sessions and connections for the
 * control API (tgt-engine.h).  No secrets in it. */
#include "config.h"

#include "target/tgt-engine.h"
#include "target/iscsi-engine.h"
#include "target/conn-core.h"
#include "target/session-core.h"

#include <string.h>

static void
conn_info_free (TgtConnInfo *c)
{
  g_free (c->peer);
  g_free (c->local);
  g_free (c);
}

void
tgt_session_info_free (TgtSessionInfo *s)
{
  if (s == NULL)
    return;
  g_free (s->target);
  g_free (s->initiator);
  g_free (s->initiator_alias);
  g_ptr_array_unref (s->connections);
  g_free (s);
}

GPtrArray *
tgt_engine_list_sessions (TgtEngine *e)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_session_info_free);
  g_mutex_lock (&e->lock);
  for (GList *l = e->sessions.head; l != NULL; l = l->next)
    {
      TgtSession *s = l->data;
      TgtSessionInfo *si = g_new0 (TgtSessionInfo, 1);
      si->target = s->target != NULL ? g_strdup (s->target->iqn) : NULL;
      si->initiator = g_strdup (s->initiator_name);
      si->initiator_alias = g_strdup (s->initiator_alias);
      memcpy (si->isid, s->isid, 6);
      si->tsih = s->tsih;
      si->tpgt = s->tpgt;
      si->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_info_free);
      g_mutex_lock (&s->lock);
      for (GList *cl = s->conns.head; cl != NULL; cl = cl->next)
        {
          TgtConn *c = cl->data;
          TgtConnInfo *ci = g_new0 (TgtConnInfo, 1);
          ci->cid = c->cid;
          ci->peer = g_strdup (c->peer);
          ci->local = g_strdup (c->local);
          ci->header_digest = c->hdigest;
          ci->data_digest = c->ddigest;
          g_ptr_array_add (si->connections, ci);
        }
      g_mutex_unlock (&s->lock);
      g_ptr_array_add (out, si);
    }
  g_mutex_unlock (&e->lock);
  return out;
}
