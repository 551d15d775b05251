/* tgt-config.c: constructors, copies, lookups and semantic checks of the
 * configuration model (tgt-config.h). */
#include "config.h"

#include "target/tgt-config.h"
#include "libiscsi-name/iname.h"

#include <string.h>

G_DEFINE_QUARK (tgt-error-quark, tgt_error)

/* RFC 7143 sec. 9.2.1: CHAP secrets SHOULD be at least 96 bits (12 bytes)
 * when the link is not otherwise protected; 255 matches the text value
 * limit of sec. 6.1 for ordinary values. */
#define TGT_SECRET_MIN 12
#define TGT_SECRET_MAX 255

void
tgt_config_limits_init (TgtConfigLimits *l)
{
  memset (l, 0, sizeof *l);
  l->max_connections = 4;
  l->queue_depth = 128;
  l->max_recv_data_segment_length = 262144;
  l->max_burst_length = 1048576;
  l->first_burst_length = 65536;
  l->max_outstanding_r2t = 16;
  l->initial_r2t = FALSE;
  l->immediate_data = TRUE;
  l->default_time2wait = 2;
  l->default_time2retain = 20;
  l->error_recovery_level = 0;
  l->header_digest_allowed = TRUE;
  l->data_digest_allowed = TRUE;
  l->nop_in_interval = 30;
  l->nop_in_timeout = 15;
  l->login_timeout = 15;
  l->worker_threads = 0;
  l->login_failure_delay_max_ms = 8000;
}

TgtConfigChap *
tgt_config_chap_new (const char *user, const char *secret)
{
  TgtConfigChap *c = g_new0 (TgtConfigChap, 1);
  c->user = g_strdup (user);
  c->secret = g_strdup (secret);
  return c;
}

void
tgt_config_chap_free (TgtConfigChap *c)
{
  if (c == NULL)
    return;
  if (c->secret != NULL)
    {
      /* Wipe so a freed block does not keep the secret around. */
      volatile char *p = c->secret;
      while (*p != '\0')
        *p++ = '\0';
    }
  g_free (c->secret);
  g_free (c->user);
  g_free (c);
}

TgtConfigChap *
tgt_config_chap_copy (const TgtConfigChap *c)
{
  return c != NULL ? tgt_config_chap_new (c->user, c->secret) : NULL;
}

void
tgt_config_auth_init (TgtConfigAuth *auth)
{
  auth->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_config_chap_free);
  auth->mutual = NULL;
  auth->mutual_required = FALSE;
  auth->algorithms = g_array_new (FALSE, FALSE, sizeof (guint8));
}

void
tgt_config_auth_clear (TgtConfigAuth *auth)
{
  g_clear_pointer (&auth->accounts, g_ptr_array_unref);
  g_clear_pointer (&auth->mutual, tgt_config_chap_free);
  g_clear_pointer (&auth->algorithms, g_array_unref);
}

void
tgt_config_auth_copy_into (TgtConfigAuth *dst, const TgtConfigAuth *src)
{
  tgt_config_auth_init (dst);
  for (guint i = 0; src->accounts != NULL && i < src->accounts->len; i++)
    g_ptr_array_add (dst->accounts, tgt_config_chap_copy (src->accounts->pdata[i]));
  dst->mutual = tgt_config_chap_copy (src->mutual);
  dst->mutual_required = src->mutual_required;
  if (src->algorithms != NULL)
    g_array_append_vals (dst->algorithms, src->algorithms->data, src->algorithms->len);
}

TgtConfigPortal *
tgt_config_portal_new (const char *host, guint16 port)
{
  TgtConfigPortal *p = g_new0 (TgtConfigPortal, 1);
  p->host = g_strdup (host);
  p->port = port;
  return p;
}

void
tgt_config_portal_free (TgtConfigPortal *p)
{
  if (p == NULL)
    return;
  g_free (p->host);
  g_free (p);
}

TgtConfigPortalGroup *
tgt_config_portal_group_new (guint16 tpgt)
{
  TgtConfigPortalGroup *pg = g_new0 (TgtConfigPortalGroup, 1);
  pg->tpgt = tpgt;
  pg->portals = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_config_portal_free);
  return pg;
}

void
tgt_config_portal_group_free (TgtConfigPortalGroup *pg)
{
  if (pg == NULL)
    return;
  g_ptr_array_unref (pg->portals);
  g_free (pg);
}

static TgtConfigPortalGroup *
portal_group_copy (const TgtConfigPortalGroup *pg)
{
  TgtConfigPortalGroup *n = tgt_config_portal_group_new (pg->tpgt);
  for (guint i = 0; i < pg->portals->len; i++)
    {
      const TgtConfigPortal *p = pg->portals->pdata[i];
      g_ptr_array_add (n->portals, tgt_config_portal_new (p->host, p->port));
    }
  return n;
}

TgtConfigLun *
tgt_config_lun_new (guint32 lun, const char *backstore)
{
  TgtConfigLun *l = g_new0 (TgtConfigLun, 1);
  l->lun = lun;
  l->backstore = g_strdup (backstore);
  return l;
}

void
tgt_config_lun_free (TgtConfigLun *l)
{
  if (l == NULL)
    return;
  g_free (l->backstore);
  g_free (l->serial);
  g_free (l);
}

TgtConfigLun *
tgt_config_lun_copy (const TgtConfigLun *l)
{
  TgtConfigLun *n = tgt_config_lun_new (l->lun, l->backstore);
  n->read_only = l->read_only;
  n->block_size = l->block_size;
  n->serial = g_strdup (l->serial);
  return n;
}

TgtConfigTarget *
tgt_config_target_new (const char *iqn)
{
  TgtConfigTarget *t = g_new0 (TgtConfigTarget, 1);
  t->iqn = g_strdup (iqn);
  t->tpgts = g_array_new (FALSE, FALSE, sizeof (guint16));
  t->luns = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_config_lun_free);
  t->acl = g_ptr_array_new_with_free_func (g_free);
  tgt_config_auth_init (&t->auth);
  return t;
}

void
tgt_config_target_free (TgtConfigTarget *t)
{
  if (t == NULL)
    return;
  g_free (t->iqn);
  g_free (t->alias);
  g_array_unref (t->tpgts);
  g_ptr_array_unref (t->luns);
  g_ptr_array_unref (t->acl);
  tgt_config_auth_clear (&t->auth);
  g_free (t);
}

TgtConfigTarget *
tgt_config_target_copy (const TgtConfigTarget *t)
{
  TgtConfigTarget *n = tgt_config_target_new (t->iqn);
  n->alias = g_strdup (t->alias);
  g_array_append_vals (n->tpgts, t->tpgts->data, t->tpgts->len);
  for (guint i = 0; i < t->luns->len; i++)
    g_ptr_array_add (n->luns, tgt_config_lun_copy (t->luns->pdata[i]));
  for (guint i = 0; i < t->acl->len; i++)
    g_ptr_array_add (n->acl, g_strdup (t->acl->pdata[i]));
  tgt_config_auth_clear (&n->auth);
  tgt_config_auth_copy_into (&n->auth, &t->auth);
  return n;
}

TgtConfig *
tgt_config_new (void)
{
  TgtConfig *cfg = g_new0 (TgtConfig, 1);
  cfg->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_config_target_free);
  cfg->portal_groups = g_ptr_array_new_with_free_func ((GDestroyNotify) tgt_config_portal_group_free);
  tgt_config_auth_init (&cfg->discovery_auth);
  tgt_config_limits_init (&cfg->limits);
  return cfg;
}

void
tgt_config_free (TgtConfig *cfg)
{
  if (cfg == NULL)
    return;
  g_ptr_array_unref (cfg->targets);
  g_ptr_array_unref (cfg->portal_groups);
  tgt_config_auth_clear (&cfg->discovery_auth);
  g_free (cfg->isns_server);
  g_free (cfg);
}

TgtConfig *
tgt_config_copy (const TgtConfig *cfg)
{
  TgtConfig *n = tgt_config_new ();
  for (guint i = 0; i < cfg->targets->len; i++)
    g_ptr_array_add (n->targets, tgt_config_target_copy (cfg->targets->pdata[i]));
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    g_ptr_array_add (n->portal_groups, portal_group_copy (cfg->portal_groups->pdata[i]));
  tgt_config_auth_clear (&n->discovery_auth);
  tgt_config_auth_copy_into (&n->discovery_auth, &cfg->discovery_auth);
  n->limits = cfg->limits;
  n->isns_server = g_strdup (cfg->isns_server);
  n->isns_esi_interval = cfg->isns_esi_interval;
  n->mdns = cfg->mdns;
  return n;
}

TgtConfigTarget *
tgt_config_find_target (const TgtConfig *cfg, const char *iqn)
{
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      TgtConfigTarget *t = cfg->targets->pdata[i];
      /* iSCSI names compare case-insensitively after normalization
       * (RFC 3720 sec. 3.2.6.1: normalized names are lower case). */
      if (g_ascii_strcasecmp (t->iqn, iqn) == 0)
        return t;
    }
  return NULL;
}

TgtConfigLun *
tgt_config_target_find_lun (const TgtConfigTarget *t, guint32 lun)
{
  for (guint i = 0; i < t->luns->len; i++)
    {
      TgtConfigLun *l = t->luns->pdata[i];
      if (l->lun == lun)
        return l;
    }
  return NULL;
}

TgtConfigPortalGroup *
tgt_config_find_portal_group (const TgtConfig *cfg, guint16 tpgt)
{
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    {
      TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[i];
      if (pg->tpgt == tpgt)
        return pg;
    }
  return NULL;
}

gboolean
tgt_config_target_in_group (const TgtConfigTarget *t, guint16 tpgt)
{
  if (t->tpgts->len == 0)
    return TRUE;
  for (guint i = 0; i < t->tpgts->len; i++)
    if (g_array_index (t->tpgts, guint16, i) == tpgt)
      return TRUE;
  return FALSE;
}

gboolean
tgt_config_target_allows (const TgtConfigTarget *t, const char *initiator_name)
{
  if (t->acl->len == 0)
    return TRUE;
  if (initiator_name == NULL)
    return FALSE;
  for (guint i = 0; i < t->acl->len; i++)
    if (g_ascii_strcasecmp (t->acl->pdata[i], initiator_name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
validate_auth (const TgtConfigAuth *auth, const char *what, GError **error)
{
  for (guint i = 0; i <= auth->accounts->len; i++)
    {
      const TgtConfigChap *c = i < auth->accounts->len ? auth->accounts->pdata[i] : auth->mutual;
      if (c == NULL)
        continue;
      if (c->user == NULL || c->user[0] == '\0')
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: CHAP account with an empty user name", what);
          return FALSE;
        }
      gsize n = c->secret != NULL ? strlen (c->secret) : 0;
      if (n < TGT_SECRET_MIN || n > TGT_SECRET_MAX)
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID,
                       "%s: CHAP secret of user '%s' must be %d to %d bytes long (RFC 7143 sec. 9.2.1)",
                       what, c->user, TGT_SECRET_MIN, TGT_SECRET_MAX);
          return FALSE;
        }
    }
  for (guint i = 0; i < auth->algorithms->len; i++)
    {
      guint8 a = g_array_index (auth->algorithms, guint8, i);
      if (a < 5 || a > 8)
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: unknown CHAP algorithm %u", what, a);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
tgt_config_validate (const TgtConfig *cfg, GError **error)
{
  if (cfg->portal_groups->len == 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "no portal to listen on");
      return FALSE;
    }
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[i];
      for (guint j = i + 1; j < cfg->portal_groups->len; j++)
        if (((TgtConfigPortalGroup *) cfg->portal_groups->pdata[j])->tpgt == pg->tpgt)
          {
            g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "portal group %u defined twice", pg->tpgt);
            return FALSE;
          }
    }
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      const TgtConfigTarget *t = cfg->targets->pdata[i];
      if (t->iqn == NULL || t->iqn[0] == '\0' || strlen (t->iqn) > 223)
        {
          /* RFC 7143 sec. 4.2.7.1: names are at most 223 bytes. */
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "target %u: missing or over-long name", i);
          return FALSE;
        }
      for (guint j = i + 1; j < cfg->targets->len; j++)
        if (g_ascii_strcasecmp (((TgtConfigTarget *) cfg->targets->pdata[j])->iqn, t->iqn) == 0)
          {
            g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "target %s defined twice", t->iqn);
            return FALSE;
          }
      for (guint j = 0; j < t->luns->len; j++)
        {
          const TgtConfigLun *l = t->luns->pdata[j];
          for (guint k = j + 1; k < t->luns->len; k++)
            if (((TgtConfigLun *) t->luns->pdata[k])->lun == l->lun)
              {
                g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "target %s: LUN %u defined twice", t->iqn, l->lun);
                return FALSE;
              }
          if (l->lun >= 16384)
            {
              /* Flat/peripheral addressing (SAM-5) covers 0..16383. */
              g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "target %s: LUN %u out of range 0..16383", t->iqn, l->lun);
              return FALSE;
            }
        }
      for (guint j = 0; j < t->tpgts->len; j++)
        if (tgt_config_find_portal_group (cfg, g_array_index (t->tpgts, guint16, j)) == NULL)
          {
            g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "target %s: no portal group %u", t->iqn,
                         g_array_index (t->tpgts, guint16, j));
            return FALSE;
          }
      if (!validate_auth (&t->auth, t->iqn, error))
        return FALSE;
    }
  if (!validate_auth (&cfg->discovery_auth, "discovery", error))
    return FALSE;
  const TgtConfigLimits *l = &cfg->limits;
  /* RFC 7143 sec. 13.2, 13.12-13.14, 13.17 ranges. */
  if (l->max_connections < 1 || l->max_connections > 65535 || l->queue_depth < 1 || l->queue_depth > 65536
      || l->max_recv_data_segment_length < 512 || l->max_recv_data_segment_length > 16777215
      || l->max_burst_length < 512 || l->max_burst_length > 16777215 || l->first_burst_length < 512
      || l->first_burst_length > l->max_burst_length || l->max_outstanding_r2t < 1
      || l->max_outstanding_r2t > 65535 || l->default_time2wait > 3600 || l->default_time2retain > 3600)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "a limit is outside the range RFC 7143 sec. 13 allows");
      return FALSE;
    }
  return TRUE;
}

TgtConfigPortal *
tgt_config_portal_parse (const char *spec, GError **error)
{
  /* One host[:port] parser serves URLs, TargetAddress values and portals
   * (libiscsi-name), so what we accept is what we can write back.  A bare
   * IPv6 address without a port is taken as if it were in brackets. */
  g_autofree char *bracketed = NULL;
  const char *given = spec;
  INameTargetAddress a = { 0 };
  if (spec == NULL || spec[0] == '\0')
    goto bad;
  if (spec[0] != '[' && strchr (spec, ':') != strrchr (spec, ':'))
    spec = bracketed = g_strdup_printf ("[%s]", spec);
  if (!iname_target_address_parse (spec, TGT_DEFAULT_PORT, &a, NULL))
    goto bad;
  if (a.tpgt >= 0 || a.host == NULL || a.host[0] == '\0')
    {
      iname_target_address_clear (&a);
      goto bad;
    }
  TgtConfigPortal *p = tgt_config_portal_new (a.host, a.port);
  iname_target_address_clear (&a);
  return p;
bad:
  g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "bad portal '%s': expected HOST[:PORT] or [IPV6][:PORT]",
               given != NULL ? given : "");
  return NULL;
}
