/* iscsi-engine-edit.c: the single-change helpers of tgt-engine.h, each a
 * copy of the config in effect with one change, applied as a whole (one
 * code path for reloads and live edits). */
#include "config.h"

#include "target/tgt-engine.h"
#include "target/iscsi-engine.h"

#include <string.h>

static TgtConfigTarget *
need_target (TgtConfig *cfg, const char *iqn, GError **error)
{
  TgtConfigTarget *t = tgt_config_find_target (cfg, iqn);
  if (t == NULL)
    g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "no target %s", iqn);
  return t;
}

static gboolean
apply_free (TgtEngine *e, TgtConfig *cfg, gboolean ok, GError **error)
{
  if (ok)
    ok = tgt_engine_apply (e, cfg, error);
  tgt_config_free (cfg);
  return ok;
}

gboolean
tgt_engine_add_target (TgtEngine *e, const TgtConfigTarget *t, GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  gboolean ok = TRUE;
  if (tgt_config_find_target (cfg, t->iqn) != NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "target %s exists", t->iqn);
      ok = FALSE;
    }
  else
    g_ptr_array_add (cfg->targets, tgt_config_target_copy (t));
  return apply_free (e, cfg, ok, error);
}

gboolean
tgt_engine_remove_target (TgtEngine *e, const char *iqn, GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  TgtConfigTarget *t = need_target (cfg, iqn, error);
  if (t != NULL)
    g_ptr_array_remove (cfg->targets, t);
  return apply_free (e, cfg, t != NULL, error);
}

gboolean
tgt_engine_add_lun (TgtEngine *e, const char *iqn, const TgtConfigLun *lun, GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  TgtConfigTarget *t = need_target (cfg, iqn, error);
  gboolean ok = t != NULL;
  if (ok && tgt_config_target_find_lun (t, lun->lun) != NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "target %s has a LUN %u", iqn, lun->lun);
      ok = FALSE;
    }
  if (ok)
    g_ptr_array_add (t->luns, tgt_config_lun_copy (lun));
  return apply_free (e, cfg, ok, error);
}

gboolean
tgt_engine_remove_lun (TgtEngine *e, const char *iqn, guint32 lun, GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  TgtConfigTarget *t = need_target (cfg, iqn, error);
  TgtConfigLun *l = t != NULL ? tgt_config_target_find_lun (t, lun) : NULL;
  if (t != NULL && l == NULL)
    g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "target %s has no LUN %u", iqn, lun);
  if (l != NULL)
    g_ptr_array_remove (t->luns, l);
  return apply_free (e, cfg, l != NULL, error);
}

static gint
find_string (GPtrArray *a, const char *s)
{
  for (guint i = 0; i < a->len; i++)
    if (g_ascii_strcasecmp (a->pdata[i], s) == 0)
      return (gint) i;
  return -1;
}

gboolean
tgt_engine_acl_add (TgtEngine *e, const char *iqn, const char *initiator, GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  TgtConfigTarget *t = need_target (cfg, iqn, error);
  if (t != NULL && find_string (t->acl, initiator) < 0)
    g_ptr_array_add (t->acl, g_strdup (initiator));
  return apply_free (e, cfg, t != NULL, error);
}

gboolean
tgt_engine_acl_remove (TgtEngine *e, const char *iqn, const char *initiator, GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  TgtConfigTarget *t = need_target (cfg, iqn, error);
  gint i = t != NULL ? find_string (t->acl, initiator) : -1;
  if (t != NULL && i < 0)
    g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "%s is not in the ACL of %s", initiator, iqn);
  if (i >= 0)
    g_ptr_array_remove_index (t->acl, i);
  return apply_free (e, cfg, i >= 0, error);
}

static TgtConfigAuth *
need_auth (TgtConfig *cfg, const char *iqn, GError **error)
{
  if (iqn == NULL)
    return &cfg->discovery_auth;
  TgtConfigTarget *t = need_target (cfg, iqn, error);
  return t != NULL ? &t->auth : NULL;
}

gboolean
tgt_engine_account_add (TgtEngine *e, const char *iqn, const TgtConfigChap *account, gboolean mutual,
                        GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  TgtConfigAuth *a = need_auth (cfg, iqn, error);
  if (a != NULL && mutual)
    {
      tgt_config_chap_free (a->mutual);
      a->mutual = tgt_config_chap_copy (account);
    }
  else if (a != NULL)
    {
      for (guint i = 0; i < a->accounts->len; i++)
        if (strcmp (((TgtConfigChap *) a->accounts->pdata[i])->user, account->user) == 0)
          {
            g_ptr_array_remove_index (a->accounts, i);
            break;
          }
      g_ptr_array_add (a->accounts, tgt_config_chap_copy (account));
    }
  return apply_free (e, cfg, a != NULL, error);
}

gboolean
tgt_engine_account_remove (TgtEngine *e, const char *iqn, const char *user, GError **error)
{
  TgtConfig *cfg = engine_config_snapshot (e);
  TgtConfigAuth *a = need_auth (cfg, iqn, error);
  gboolean found = FALSE;
  if (a != NULL && a->mutual != NULL && strcmp (a->mutual->user, user) == 0)
    {
      g_clear_pointer (&a->mutual, tgt_config_chap_free);
      found = TRUE;
    }
  for (guint i = 0; a != NULL && !found && i < a->accounts->len; i++)
    if (strcmp (((TgtConfigChap *) a->accounts->pdata[i])->user, user) == 0)
      {
        g_ptr_array_remove_index (a->accounts, i);
        found = TRUE;
      }
  if (a != NULL && !found)
    g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "no CHAP account %s", user);
  return apply_free (e, cfg, found, error);
}
