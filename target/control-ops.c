/* control-ops.c: configuration changes of the control API (control-ops.h). */
#include "config.h"

#include "target/control-ops.h"

#include <string.h>

#include "libiscsi-name/iname.h"
#include "target/config-values.h"

/* Names the daemon is configured with are strict (RFC 3720 sec. 3.2.6,
 * RFC 3722), as in the file form; the normalized form is stored. */
static char *
normalize (const char *what, const char *name, GError **error)
{
  g_autoptr (GError) e = NULL;
  char *n = iname_normalize (name != NULL ? name : "", INAME_STRICT, NULL, NULL, &e);
  if (n == NULL)
    g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s '%s': %s", what, name != NULL ? name : "", e->message);
  return n;
}

TgtConfigTarget *
tgt_control_find_target (const TgtConfig *cfg, const char *name, GError **error)
{
  g_autofree char *n = normalize ("target", name, error);
  if (n == NULL)
    return NULL;
  TgtConfigTarget *t = tgt_config_find_target (cfg, n);
  if (t == NULL)
    g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "no target %s", n);
  return t;
}

gboolean
tgt_control_op_add_target (TgtConfig *cfg, const char *name, const char *alias, const GArray *tpgts, GError **error)
{
  g_autofree char *n = normalize ("target", name, error);
  if (n == NULL)
    return FALSE;
  if (tgt_config_find_target (cfg, n) != NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "target %s exists already", n);
      return FALSE;
    }
  /* TargetAlias is a UTF-8 text value (RFC 7143 sec. 13.6, sec. 6.1). */
  if (alias != NULL && alias[0] != '\0' && (strlen (alias) > 255 || !g_utf8_validate (alias, -1, NULL)))
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "alias: expected 1 to 255 bytes of UTF-8");
      return FALSE;
    }
  for (guint i = 0; tpgts != NULL && i < tpgts->len; i++)
    if (tgt_config_find_portal_group (cfg, g_array_index (tpgts, guint16, i)) == NULL)
      {
        g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "no portal group %u", g_array_index (tpgts, guint16, i));
        return FALSE;
      }
  TgtConfigTarget *t = tgt_config_target_new (n);
  if (alias != NULL && alias[0] != '\0')
    t->alias = g_strdup (alias);
  if (tpgts != NULL)
    g_array_append_vals (t->tpgts, tpgts->data, tpgts->len);
  g_ptr_array_add (cfg->targets, t);
  return TRUE;
}

gboolean
tgt_control_op_remove_target (TgtConfig *cfg, const char *name, GError **error)
{
  TgtConfigTarget *t = tgt_control_find_target (cfg, name, error);
  if (t == NULL)
    return FALSE;
  g_ptr_array_remove (cfg->targets, t);
  return TRUE;
}

gboolean
tgt_control_op_add_lun (TgtConfig *cfg, const char *target, const char *backstore, gint64 lun, gboolean read_only,
                        guint block_size, guint32 *assigned, GError **error)
{
  TgtConfigTarget *t = tgt_control_find_target (cfg, target, error);
  if (t == NULL || !tgt_config_backstore_check (backstore != NULL ? backstore : "", error))
    return FALSE;
  /* SAM-5 flat and peripheral addressing: LUNs 0..16383. */
  if (lun > 16383)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "LUN %" G_GINT64_FORMAT " is outside 0..16383", lun);
      return FALSE;
    }
  if (lun < 0)
    for (lun = 0; lun <= 16383 && tgt_config_target_find_lun (t, (guint32) lun) != NULL; lun++)
      ;
  if (lun > 16383 || tgt_config_target_find_lun (t, (guint32) lun) != NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "%s has a LUN %" G_GINT64_FORMAT " already", t->iqn, lun);
      return FALSE;
    }
  if (block_size != 0 && (block_size < 512 || block_size > 4096 || (block_size & (block_size - 1)) != 0))
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "block size %u: expected 512, 1024, 2048 or 4096", block_size);
      return FALSE;
    }
  TgtConfigLun *l = tgt_config_lun_new ((guint32) lun, backstore);
  l->read_only = read_only;
  l->block_size = block_size;
  g_ptr_array_add (t->luns, l);
  if (assigned != NULL)
    *assigned = (guint32) lun;
  return TRUE;
}

gboolean
tgt_control_op_remove_lun (TgtConfig *cfg, const char *target, guint32 lun, GError **error)
{
  TgtConfigTarget *t = tgt_control_find_target (cfg, target, error);
  if (t == NULL)
    return FALSE;
  TgtConfigLun *l = tgt_config_target_find_lun (t, lun);
  if (l == NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "%s has no LUN %u", t->iqn, lun);
      return FALSE;
    }
  g_ptr_array_remove (t->luns, l);
  return TRUE;
}

static gint
acl_index (const TgtConfigTarget *t, const char *initiator)
{
  for (guint i = 0; i < t->acl->len; i++)
    if (g_ascii_strcasecmp (t->acl->pdata[i], initiator) == 0)
      return (gint) i;
  return -1;
}

gboolean
tgt_control_op_add_acl (TgtConfig *cfg, const char *target, const char *initiator, GError **error)
{
  TgtConfigTarget *t = tgt_control_find_target (cfg, target, error);
  if (t == NULL)
    return FALSE;
  char *n = normalize ("initiator", initiator, error);
  if (n == NULL)
    return FALSE;
  if (acl_index (t, n) >= 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "%s allows %s already", t->iqn, n);
      g_free (n);
      return FALSE;
    }
  g_ptr_array_add (t->acl, n);
  return TRUE;
}

gboolean
tgt_control_op_remove_acl (TgtConfig *cfg, const char *target, const char *initiator, GError **error)
{
  TgtConfigTarget *t = tgt_control_find_target (cfg, target, error);
  if (t == NULL)
    return FALSE;
  g_autofree char *n = normalize ("initiator", initiator, error);
  if (n == NULL)
    return FALSE;
  gint i = acl_index (t, n);
  if (i < 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "%s has no ACL entry for %s", t->iqn, n);
      return FALSE;
    }
  g_ptr_array_remove_index (t->acl, (guint) i);
  return TRUE;
}

/* The policy an account of `kind` belongs to, and the name used in
 * messages; NULL or "" target: discovery. */
static TgtConfigAuth *
account_scope (TgtConfig *cfg, const char *target, const char *kind, gboolean *mutual, const char **scope,
               GError **error)
{
  if (g_strcmp0 (kind, "chap") == 0)
    *mutual = FALSE;
  else if (g_strcmp0 (kind, "mutual-chap") == 0)
    *mutual = TRUE;
  else
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "account kind '%s': expected chap or mutual-chap",
                   kind != NULL ? kind : "");
      return NULL;
    }
  if (target == NULL || target[0] == '\0')
    {
      *scope = "discovery";
      return &cfg->discovery_auth;
    }
  TgtConfigTarget *t = tgt_control_find_target (cfg, target, error);
  if (t == NULL)
    return NULL;
  *scope = t->iqn;
  return &t->auth;
}

static gint
account_index (const TgtConfigAuth *auth, const char *user)
{
  for (guint i = 0; i < auth->accounts->len; i++)
    if (strcmp (((TgtConfigChap *) auth->accounts->pdata[i])->user, user) == 0)
      return (gint) i;
  return -1;
}

/* RFC 7143 sec. 9.2.1: a secret that authenticates initiators must not
 * authenticate a target, and the reverse; checked across the whole
 * configuration, as the file form does. */
static gboolean
secret_reused (const TgtConfig *cfg, const char *secret, gboolean mutual)
{
  for (guint i = 0; i <= cfg->targets->len; i++)
    {
      const TgtConfigAuth *a = i < cfg->targets->len ? &((TgtConfigTarget *) cfg->targets->pdata[i])->auth
                                                     : &cfg->discovery_auth;
      if (mutual)
        {
          for (guint j = 0; j < a->accounts->len; j++)
            if (strcmp (((TgtConfigChap *) a->accounts->pdata[j])->secret, secret) == 0)
              return TRUE;
        }
      else if (a->mutual != NULL && strcmp (a->mutual->secret, secret) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
tgt_control_op_add_account (TgtConfig *cfg, const char *target, const char *kind, const char *user,
                            const char *secret, GError **error)
{
  gboolean mutual = FALSE;
  const char *scope = NULL;
  TgtConfigAuth *auth = account_scope (cfg, target, kind, &mutual, &scope, error);
  if (auth == NULL)
    return FALSE;
  /* CHAP_N is a text value: at most 255 bytes (RFC 7143 sec. 6.1). */
  if (user == NULL || user[0] == '\0' || strlen (user) > 255 || !g_utf8_validate (user, -1, NULL))
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "user name: expected 1 to 255 bytes of UTF-8");
      return FALSE;
    }
  if (!tgt_config_secret_check (scope, user, secret, error))
    return FALSE;
  if (secret_reused (cfg, secret, mutual))
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID,
                   "%s: the secret of %s user '%s' is used for the other direction already; a target's secret must differ from every initiator's (RFC 7143 sec. 9.2.1)",
                   scope, kind, user);
      return FALSE;
    }
  if (mutual)
    {
      if (auth->accounts->len == 0)
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s has no chap account; mutual CHAP needs one first",
                       scope);
          return FALSE;
        }
      g_clear_pointer (&auth->mutual, tgt_config_chap_free);
      auth->mutual = tgt_config_chap_new (user, secret);
      return TRUE;
    }
  gint i = account_index (auth, user);
  if (i >= 0)
    g_ptr_array_remove_index (auth->accounts, (guint) i);
  g_ptr_array_add (auth->accounts, tgt_config_chap_new (user, secret));
  return TRUE;
}

gboolean
tgt_control_op_remove_account (TgtConfig *cfg, const char *target, const char *kind, const char *user,
                               GError **error)
{
  gboolean mutual = FALSE;
  const char *scope = NULL;
  TgtConfigAuth *auth = account_scope (cfg, target, kind, &mutual, &scope, error);
  if (auth == NULL)
    return FALSE;
  if (mutual)
    {
      if (auth->mutual == NULL || g_strcmp0 (auth->mutual->user, user) != 0)
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "%s has no mutual-chap user '%s'", scope,
                       user != NULL ? user : "");
          return FALSE;
        }
      g_clear_pointer (&auth->mutual, tgt_config_chap_free);
      return TRUE;
    }
  gint i = user != NULL ? account_index (auth, user) : -1;
  if (i < 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "%s has no chap user '%s'", scope, user != NULL ? user : "");
      return FALSE;
    }
  if (auth->accounts->len == 1 && auth->mutual != NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_BUSY, "%s: remove the mutual-chap account before the last chap account",
                   scope);
      return FALSE;
    }
  g_ptr_array_remove_index (auth->accounts, (guint) i);
  return TRUE;
}

gboolean
tgt_control_op_set_limit (TgtConfig *cfg, const char *name, guint64 value, GError **error)
{
  const TgtConfigLimitField *f = tgt_config_limit_field_find (name != NULL ? name : "");
  if (f == NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "unknown limit '%s'", name != NULL ? name : "");
      return FALSE;
    }
  return tgt_config_limit_set (&cfg->limits, f, value, error);
}
