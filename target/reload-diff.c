/* reload-diff.c: the differences between two configurations, in words
 * (reload-diff.h). */
#include "config.h"

#include "target/reload-diff.h"

#include <string.h>

#include "target/config-values.h"

static void G_GNUC_PRINTF (2, 3)
add (GPtrArray *out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (out, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

/* Equal arrays; an empty GArray may have no data pointer at all. */
static gboolean
same_array (const GArray *a, const GArray *b, gsize elem)
{
  return a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len * elem) == 0);
}

static gboolean
chap_equal (const TgtConfigChap *a, const TgtConfigChap *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->user, b->user) == 0 && g_strcmp0 (a->secret, b->secret) == 0;
}

static const TgtConfigChap *
find_account (const TgtConfigAuth *auth, const char *user)
{
  for (guint i = 0; i < auth->accounts->len; i++)
    if (strcmp (((TgtConfigChap *) auth->accounts->pdata[i])->user, user) == 0)
      return auth->accounts->pdata[i];
  return NULL;
}

static void
diff_auth (GPtrArray *out, const char *scope, const TgtConfigAuth *a, const TgtConfigAuth *b)
{
  for (guint i = 0; i < a->accounts->len; i++)
    {
      const TgtConfigChap *c = a->accounts->pdata[i];
      const TgtConfigChap *n = find_account (b, c->user);
      if (n == NULL)
        add (out, "CHAP account '%s' of %s removed", c->user, scope);
      else if (!chap_equal (c, n))
        add (out, "CHAP account '%s' of %s changed", c->user, scope);
    }
  for (guint i = 0; i < b->accounts->len; i++)
    {
      const TgtConfigChap *c = b->accounts->pdata[i];
      if (find_account (a, c->user) == NULL)
        add (out, "CHAP account '%s' of %s added", c->user, scope);
    }
  if (!chap_equal (a->mutual, b->mutual) || a->mutual_required != b->mutual_required)
    add (out, "mutual CHAP of %s %s", scope, a->mutual == NULL ? "added" : b->mutual == NULL ? "removed" : "changed");
  if (!same_array (a->algorithms, b->algorithms, sizeof (guint8)))
    add (out, "CHAP algorithms of %s changed", scope);
}

static gboolean
lun_equal (const TgtConfigLun *a, const TgtConfigLun *b)
{
  return strcmp (a->backstore, b->backstore) == 0 && a->read_only == b->read_only && a->block_size == b->block_size
         && g_strcmp0 (a->serial, b->serial) == 0;
}

static gboolean
in_acl (const TgtConfigTarget *t, const char *name)
{
  for (guint i = 0; i < t->acl->len; i++)
    if (g_ascii_strcasecmp (t->acl->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}

static void
diff_target (GPtrArray *out, const TgtConfigTarget *a, const TgtConfigTarget *b)
{
  if (g_strcmp0 (a->alias, b->alias) != 0)
    add (out, "alias of %s changed", a->iqn);
  if (!same_array (a->tpgts, b->tpgts, sizeof (guint16)))
    add (out, "portal groups of %s changed", a->iqn);
  for (guint i = 0; i < a->luns->len; i++)
    {
      const TgtConfigLun *l = a->luns->pdata[i];
      const TgtConfigLun *n = tgt_config_target_find_lun (b, l->lun);
      if (n == NULL)
        add (out, "LUN %u of %s removed", l->lun, a->iqn);
      else if (!lun_equal (l, n))
        add (out, "LUN %u of %s changed", l->lun, a->iqn);
    }
  for (guint i = 0; i < b->luns->len; i++)
    {
      const TgtConfigLun *l = b->luns->pdata[i];
      if (tgt_config_target_find_lun (a, l->lun) == NULL)
        add (out, "LUN %u of %s added (%s)", l->lun, a->iqn, l->backstore);
    }
  for (guint i = 0; i < a->acl->len; i++)
    if (!in_acl (b, a->acl->pdata[i]))
      add (out, "initiator %s no longer allowed on %s", (const char *) a->acl->pdata[i], a->iqn);
  for (guint i = 0; i < b->acl->len; i++)
    if (!in_acl (a, b->acl->pdata[i]))
      add (out, "initiator %s allowed on %s", (const char *) b->acl->pdata[i], a->iqn);
  diff_auth (out, a->iqn, &a->auth, &b->auth);
}

static gboolean
group_equal (const TgtConfigPortalGroup *a, const TgtConfigPortalGroup *b)
{
  if (a->portals->len != b->portals->len)
    return FALSE;
  for (guint i = 0; i < a->portals->len; i++)
    {
      const TgtConfigPortal *p = a->portals->pdata[i], *q = b->portals->pdata[i];
      if (strcmp (p->host, q->host) != 0 || p->port != q->port)
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
tgt_reload_diff (const TgtConfig *a, const TgtConfig *b)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < a->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = a->portal_groups->pdata[i];
      const TgtConfigPortalGroup *n = tgt_config_find_portal_group (b, pg->tpgt);
      if (n == NULL)
        add (out, "portal group %u removed", pg->tpgt);
      else if (!group_equal (pg, n))
        add (out, "portals of portal group %u changed", pg->tpgt);
    }
  for (guint i = 0; i < b->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = b->portal_groups->pdata[i];
      if (tgt_config_find_portal_group (a, pg->tpgt) == NULL)
        add (out, "portal group %u added", pg->tpgt);
    }
  for (guint i = 0; i < a->targets->len; i++)
    {
      const TgtConfigTarget *t = a->targets->pdata[i];
      const TgtConfigTarget *n = tgt_config_find_target (b, t->iqn);
      if (n == NULL)
        add (out, "target %s removed", t->iqn);
      else
        diff_target (out, t, n);
    }
  for (guint i = 0; i < b->targets->len; i++)
    {
      const TgtConfigTarget *t = b->targets->pdata[i];
      if (tgt_config_find_target (a, t->iqn) == NULL)
        add (out, "target %s added", t->iqn);
    }
  diff_auth (out, "discovery", &a->discovery_auth, &b->discovery_auth);
  for (guint i = 0; i < tgt_config_n_limit_fields; i++)
    {
      const TgtConfigLimitField *f = &tgt_config_limit_fields[i];
      guint x = tgt_config_limit_get (&a->limits, f), y = tgt_config_limit_get (&b->limits, f);
      if (x != y)
        add (out, "limit %s: %u -> %u", f->name, x, y);
    }
  if (g_strcmp0 (a->isns_server, b->isns_server) != 0)
    add (out, "iSNS server: %s -> %s", a->isns_server != NULL ? a->isns_server : "none",
         b->isns_server != NULL ? b->isns_server : "none");
  if (a->mdns != b->mdns)
    add (out, "mDNS %s", b->mdns ? "on" : "off");
  return out;
}
