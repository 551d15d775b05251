/* control-service.c: org.itnexus.Target1 method handlers
 * (control-service.h). */
#include "config.h"

#include "target/control-service.h"

#include "target/config-values.h"
#include "target/config-write.h"
#include "target/control-dbus-generated.h"
#include "target/control-errors.h"
#include "target/control-ops.h"
#include "target/reload-diff.h"
#include "target/reload-file.h"

struct TgtControlService {
  TgtEngine *engine;
  TgtConfigSource src;       /* path NULL: started from flags */
  TgtDBusTarget1 *skeleton;
};

static void
log_changes (const char *why, GPtrArray *changes)
{
  for (guint i = 0; i < changes->len; i++)
    g_message ("%s: %s", why, (const char *) changes->pdata[i]);
}

/* Apply `next` live and write it back; on a failed write, put the engine
 * back.  Takes ownership of next. */
static gboolean
commit (TgtControlService *s, TgtConfig *next, GError **error)
{
  g_autoptr (GPtrArray) changes = NULL;
  TgtConfig *prev = NULL;
  gboolean ok = FALSE;
  if (!tgt_config_validate (next, error))
    goto out;
  prev = tgt_config_copy (tgt_engine_config (s->engine));
  changes = tgt_reload_diff (prev, next);
  if (!tgt_engine_apply (s->engine, next, error))
    goto out;
  if (s->src.path != NULL && !tgt_config_save (next, &s->src, error))
    {
      g_autoptr (GError) back = NULL;
      if (!tgt_engine_apply (s->engine, prev, &back))
        g_warning ("control: could not restore the previous configuration: %s", back->message);
      goto out;
    }
  log_changes ("control", changes);
  tgt_dbus_target1_emit_changed (s->skeleton);
  ok = TRUE;
out:
  tgt_config_free (prev);
  tgt_config_free (next);
  return ok;
}

static TgtConfig *
working_copy (TgtControlService *s)
{
  return tgt_config_copy (tgt_engine_config (s->engine));
}

static gboolean reply (GDBusMethodInvocation *inv, GError *error, GVariant *value);

/* The end of every change: commit `next` if the operation on it worked,
 * and answer.  Takes ownership of next and of *error. */
static gboolean
finish_change (TgtControlService *s, GDBusMethodInvocation *inv, TgtConfig *next, gboolean op_ok, GError **error)
{
  if (op_ok)
    commit (s, next, error);
  else
    tgt_config_free (next);
  return reply (inv, *error, NULL);
}

/* Every handler ends here: the error as its D-Bus error, or the reply. */
static gboolean
reply (GDBusMethodInvocation *inv, GError *error, GVariant *value)
{
  if (error != NULL)
    {
      g_dbus_method_invocation_take_error (inv, error);
      if (value != NULL)
        g_variant_unref (g_variant_ref_sink (value));
    }
  else
    g_dbus_method_invocation_return_value (inv, value);
  return TRUE;
}

/* Options dictionaries: every key known, every value of its type. */
typedef struct {
  const char *key;
  const char *type;          /* GVariant type string */
} OptionSpec;

static gboolean
check_options (GVariant *options, const OptionSpec *specs, GError **error)
{
  GVariantIter it;
  const char *key;
  GVariant *value;
  g_variant_iter_init (&it, options);
  while (g_variant_iter_loop (&it, "{&sv}", &key, &value))
    {
      const OptionSpec *spec = NULL;
      for (const OptionSpec *o = specs; o->key != NULL; o++)
        if (g_strcmp0 (o->key, key) == 0)
          spec = o;
      if (spec == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE (spec->type)))
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "option '%s': %s", key,
                       spec == NULL ? "unknown" : "wrong type");
          g_variant_unref (value);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- targets ---------------------------------------------------------- */

static guint
sessions_of (GPtrArray *sessions, const char *iqn)
{
  guint n = 0;
  for (guint i = 0; i < sessions->len; i++)
    {
      const TgtSessionInfo *si = sessions->pdata[i];
      n += si->target != NULL && g_ascii_strcasecmp (si->target, iqn) == 0;
    }
  return n;
}

static gboolean
on_list_targets (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, gpointer data)
{
  TgtControlService *s = data;
  const TgtConfig *cfg = tgt_engine_config (s->engine);
  g_autoptr (GPtrArray) sessions = tgt_engine_list_sessions (s->engine);
  GVariantBuilder list;
  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      const TgtConfigTarget *t = cfg->targets->pdata[i];
      GVariantBuilder d;
      g_variant_builder_init (&d, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&d, "{sv}", "name", g_variant_new_string (t->iqn));
      g_variant_builder_add (&d, "{sv}", "alias", g_variant_new_string (t->alias != NULL ? t->alias : ""));
      g_variant_builder_add (&d, "{sv}", "luns", g_variant_new_uint32 (t->luns->len));
      g_variant_builder_add (&d, "{sv}", "acls", g_variant_new_uint32 (t->acl->len));
      g_variant_builder_add (&d, "{sv}", "accounts", g_variant_new_uint32 (t->auth.accounts->len));
      g_variant_builder_add (&d, "{sv}", "mutual-chap", g_variant_new_boolean (t->auth.mutual != NULL));
      g_variant_builder_add (&d, "{sv}", "portal-groups",
                             g_variant_new_fixed_array (G_VARIANT_TYPE_UINT16, t->tpgts->data, t->tpgts->len,
                                                        sizeof (guint16)));
      g_variant_builder_add (&d, "{sv}", "sessions", g_variant_new_uint32 (sessions_of (sessions, t->iqn)));
      g_variant_builder_add (&list, "a{sv}", &d);
    }
  return reply (inv, NULL, g_variant_new ("(aa{sv})", &list));
}

static gboolean
on_add_target (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *name, GVariant *options, gpointer data)
{
  static const OptionSpec specs[] = { { "alias", "s" }, { "portal-groups", "aq" }, { NULL } };
  TgtControlService *s = data;
  GError *error = NULL;
  if (!check_options (options, specs, &error))
    return reply (inv, error, NULL);
  const char *alias = NULL;
  g_variant_lookup (options, "alias", "&s", &alias);
  g_autoptr (GArray) tpgts = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autoptr (GVariant) groups = g_variant_lookup_value (options, "portal-groups", G_VARIANT_TYPE ("aq"));
  if (groups != NULL)
    {
      gsize n;
      const guint16 *v = g_variant_get_fixed_array (groups, &n, sizeof (guint16));
      g_array_append_vals (tpgts, v, (guint) n);
    }
  TgtConfig *next = working_copy (s);
  return finish_change (s, inv, next, tgt_control_op_add_target (next, name, alias, tpgts, &error), &error);
}

static gboolean
on_remove_target (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *name, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  TgtConfig *next = working_copy (s);
  return finish_change (s, inv, next, tgt_control_op_remove_target (next, name, &error), &error);
}

/* ---- LUNs ------------------------------------------------------------- */

static gboolean
on_list_luns (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  const TgtConfigTarget *t = tgt_control_find_target (tgt_engine_config (s->engine), target, &error);
  if (t == NULL)
    return reply (inv, error, NULL);
  GVariantBuilder list;
  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < t->luns->len; i++)
    {
      const TgtConfigLun *l = t->luns->pdata[i];
      GVariantBuilder d;
      g_variant_builder_init (&d, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&d, "{sv}", "lun", g_variant_new_uint32 (l->lun));
      g_variant_builder_add (&d, "{sv}", "backstore", g_variant_new_string (l->backstore));
      g_variant_builder_add (&d, "{sv}", "read-only", g_variant_new_boolean (l->read_only));
      g_variant_builder_add (&d, "{sv}", "block-size", g_variant_new_uint32 (l->block_size != 0 ? l->block_size : 512));
      g_variant_builder_add (&list, "a{sv}", &d);
    }
  return reply (inv, NULL, g_variant_new ("(aa{sv})", &list));
}

static gboolean
on_add_lun (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, const char *backstore, gint lun,
            GVariant *options, gpointer data)
{
  static const OptionSpec specs[] = { { "read-only", "b" }, { "block-size", "u" }, { NULL } };
  TgtControlService *s = data;
  GError *error = NULL;
  if (!check_options (options, specs, &error))
    return reply (inv, error, NULL);
  gboolean read_only = FALSE;
  guint32 block_size = 0, assigned = 0;
  g_variant_lookup (options, "read-only", "b", &read_only);
  g_variant_lookup (options, "block-size", "u", &block_size);
  TgtConfig *next = working_copy (s);
  if (!tgt_control_op_add_lun (next, target, backstore, lun, read_only, block_size, &assigned, &error))
    {
      tgt_config_free (next);
      return reply (inv, error, NULL);
    }
  if (!commit (s, next, &error))
    return reply (inv, error, NULL);
  return reply (inv, NULL, g_variant_new ("(u)", assigned));
}

static gboolean
on_remove_lun (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, guint lun, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  TgtConfig *next = working_copy (s);
  return finish_change (s, inv, next, tgt_control_op_remove_lun (next, target, lun, &error), &error);
}

/* ---- ACLs ------------------------------------------------------------- */

static gboolean
on_list_acls (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  const TgtConfigTarget *t = tgt_control_find_target (tgt_engine_config (s->engine), target, &error);
  if (t == NULL)
    return reply (inv, error, NULL);
  GVariantBuilder list;
  g_variant_builder_init (&list, G_VARIANT_TYPE ("as"));
  for (guint i = 0; i < t->acl->len; i++)
    g_variant_builder_add (&list, "s", (const char *) t->acl->pdata[i]);
  return reply (inv, NULL, g_variant_new ("(as)", &list));
}

typedef gboolean (*AclOp) (TgtConfig *cfg, const char *target, const char *initiator, GError **error);

static gboolean
acl_change (TgtControlService *s, GDBusMethodInvocation *inv, AclOp op, const char *target, const char *initiator)
{
  GError *error = NULL;
  TgtConfig *next = working_copy (s);
  return finish_change (s, inv, next, op (next, target, initiator, &error), &error);
}

static gboolean
on_add_acl (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, const char *initiator, gpointer data)
{
  return acl_change (data, inv, tgt_control_op_add_acl, target, initiator);
}

static gboolean
on_remove_acl (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, const char *initiator,
               gpointer data)
{
  return acl_change (data, inv, tgt_control_op_remove_acl, target, initiator);
}

/* ---- accounts --------------------------------------------------------- */

static void
add_account_row (GVariantBuilder *list, const TgtConfigChap *c, const char *kind)
{
  GVariantBuilder d;
  g_variant_builder_init (&d, G_VARIANT_TYPE ("a{sv}"));
  /* The user name only: secrets are accepted, never returned. */
  g_variant_builder_add (&d, "{sv}", "user", g_variant_new_string (c->user));
  g_variant_builder_add (&d, "{sv}", "kind", g_variant_new_string (kind));
  g_variant_builder_add (list, "a{sv}", &d);
}

static gboolean
on_list_accounts (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  const TgtConfig *cfg = tgt_engine_config (s->engine);
  const TgtConfigAuth *auth = &cfg->discovery_auth;
  if (target[0] != '\0')
    {
      const TgtConfigTarget *t = tgt_control_find_target (cfg, target, &error);
      if (t == NULL)
        return reply (inv, error, NULL);
      auth = &t->auth;
    }
  GVariantBuilder list;
  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < auth->accounts->len; i++)
    add_account_row (&list, auth->accounts->pdata[i], "chap");
  if (auth->mutual != NULL)
    add_account_row (&list, auth->mutual, "mutual-chap");
  return reply (inv, NULL, g_variant_new ("(aa{sv})", &list));
}

static gboolean
on_add_account (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, const char *kind,
                const char *user, const char *secret, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  TgtConfig *next = working_copy (s);
  return finish_change (s, inv, next, tgt_control_op_add_account (next, target, kind, user, secret, &error), &error);
}

static gboolean
on_remove_account (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, const char *target, const char *kind,
                   const char *user, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  TgtConfig *next = working_copy (s);
  return finish_change (s, inv, next, tgt_control_op_remove_account (next, target, kind, user, &error), &error);
}

/* ---- sessions --------------------------------------------------------- */

static char *
isid_hex (const guint8 isid[6])
{
  return g_strdup_printf ("%02x%02x%02x%02x%02x%02x", isid[0], isid[1], isid[2], isid[3], isid[4], isid[5]);
}

static gboolean
on_list_sessions (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, gpointer data)
{
  TgtControlService *s = data;
  g_autoptr (GPtrArray) sessions = tgt_engine_list_sessions (s->engine);
  GVariantBuilder list;
  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < sessions->len; i++)
    {
      const TgtSessionInfo *si = sessions->pdata[i];
      g_autofree char *isid = isid_hex (si->isid);
      GVariantBuilder d;
      g_variant_builder_init (&d, G_VARIANT_TYPE ("a{sv}"));
      /* An empty target is a discovery session. */
      g_variant_builder_add (&d, "{sv}", "target", g_variant_new_string (si->target != NULL ? si->target : ""));
      g_variant_builder_add (&d, "{sv}", "initiator", g_variant_new_string (si->initiator != NULL ? si->initiator : ""));
      g_variant_builder_add (&d, "{sv}", "isid", g_variant_new_string (isid));
      g_variant_builder_add (&d, "{sv}", "tsih", g_variant_new_uint16 (si->tsih));
      g_variant_builder_add (&d, "{sv}", "tpgt", g_variant_new_uint16 (si->tpgt));
      g_variant_builder_add (&d, "{sv}", "connections",
                             g_variant_new_uint32 (si->connections != NULL ? si->connections->len : 0));
      g_variant_builder_add (&list, "a{sv}", &d);
    }
  return reply (inv, NULL, g_variant_new ("(aa{sv})", &list));
}

static gboolean
on_list_connections (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, gpointer data)
{
  TgtControlService *s = data;
  g_autoptr (GPtrArray) sessions = tgt_engine_list_sessions (s->engine);
  GVariantBuilder list;
  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < sessions->len; i++)
    {
      const TgtSessionInfo *si = sessions->pdata[i];
      for (guint j = 0; si->connections != NULL && j < si->connections->len; j++)
        {
          const TgtConnInfo *ci = si->connections->pdata[j];
          GVariantBuilder d;
          g_variant_builder_init (&d, G_VARIANT_TYPE ("a{sv}"));
          g_variant_builder_add (&d, "{sv}", "target", g_variant_new_string (si->target != NULL ? si->target : ""));
          g_variant_builder_add (&d, "{sv}", "initiator",
                                 g_variant_new_string (si->initiator != NULL ? si->initiator : ""));
          g_variant_builder_add (&d, "{sv}", "tsih", g_variant_new_uint16 (si->tsih));
          g_variant_builder_add (&d, "{sv}", "cid", g_variant_new_uint16 (ci->cid));
          g_variant_builder_add (&d, "{sv}", "local", g_variant_new_string (ci->local != NULL ? ci->local : ""));
          g_variant_builder_add (&d, "{sv}", "peer", g_variant_new_string (ci->peer != NULL ? ci->peer : ""));
          g_variant_builder_add (&d, "{sv}", "header-digest", g_variant_new_boolean (ci->header_digest));
          g_variant_builder_add (&d, "{sv}", "data-digest", g_variant_new_boolean (ci->data_digest));
          g_variant_builder_add (&list, "a{sv}", &d);
        }
    }
  return reply (inv, NULL, g_variant_new ("(aa{sv})", &list));
}

/* ---- limits, reload --------------------------------------------------- */

static gboolean
on_get_limits (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, gpointer data)
{
  TgtControlService *s = data;
  const TgtConfigLimits *l = &tgt_engine_config (s->engine)->limits;
  GVariantBuilder d;
  g_variant_builder_init (&d, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; i < tgt_config_n_limit_fields; i++)
    {
      const TgtConfigLimitField *f = &tgt_config_limit_fields[i];
      guint v = tgt_config_limit_get (l, f);
      g_variant_builder_add (&d, "{sv}", f->name,
                             f->type == TGT_LIMIT_BOOL ? g_variant_new_boolean (v != 0) : g_variant_new_uint32 (v));
    }
  return reply (inv, NULL, g_variant_new ("(a{sv})", &d));
}

/* Limits arrive as u or b (itnctl), or any integer type a generic client
 * sends; negative numbers are refused by the range check. */
static gboolean
variant_to_u64 (GVariant *v, guint64 *out)
{
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
    *out = g_variant_get_boolean (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32))
    *out = g_variant_get_uint32 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT64))
    *out = g_variant_get_uint64 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT16))
    *out = g_variant_get_uint16 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT32) && g_variant_get_int32 (v) >= 0)
    *out = (guint64) g_variant_get_int32 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64) && g_variant_get_int64 (v) >= 0)
    *out = (guint64) g_variant_get_int64 (v);
  else
    return FALSE;
  return TRUE;
}

static gboolean
on_set_limits (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, GVariant *limits, gpointer data)
{
  TgtControlService *s = data;
  GError *error = NULL;
  TgtConfig *next = working_copy (s);
  GVariantIter it;
  const char *key;
  GVariant *value;
  g_variant_iter_init (&it, limits);
  while (error == NULL && g_variant_iter_loop (&it, "{&sv}", &key, &value))
    {
      guint64 u;
      if (!variant_to_u64 (value, &u))
        g_set_error (&error, TGT_ERROR, TGT_ERROR_INVALID, "%s: expected a non-negative number or a boolean", key);
      else
        tgt_control_op_set_limit (next, key, u, &error);
      if (error != NULL)
        g_variant_unref (value);
    }
  return finish_change (s, inv, next, error == NULL, &error);
}

gboolean
tgt_control_service_reload (TgtControlService *s, GError **error)
{
  g_autoptr (GPtrArray) changes = NULL;
  if (!tgt_reload_from_file (s->engine, &s->src, &changes, error))
    return FALSE;
  if (changes->len == 0)
    g_message ("reload: %s unchanged", s->src.path);
  log_changes ("reload", changes);
  tgt_dbus_target1_emit_changed (s->skeleton);
  return TRUE;
}

static gboolean
on_reload (TgtDBusTarget1 *obj, GDBusMethodInvocation *inv, gpointer data)
{
  GError *error = NULL;
  tgt_control_service_reload (data, &error);
  return reply (inv, error, NULL);
}

/* ---- object ----------------------------------------------------------- */

TgtControlService *
tgt_control_service_new (TgtEngine *engine, const TgtConfigSource *src)
{
  tgt_control_errors_register ();
  TgtControlService *s = g_new0 (TgtControlService, 1);
  s->engine = engine;
  if (src != NULL)
    {
      s->src.path = g_strdup (src->path);
      s->src.secrets_ref = g_strdup (src->secrets_ref);
      s->src.secrets_path = g_strdup (src->secrets_path);
    }
  s->skeleton = tgt_dbus_target1_skeleton_new ();
  tgt_dbus_target1_set_version (s->skeleton, PACKAGE_VERSION);
  tgt_dbus_target1_set_config_file (s->skeleton, s->src.path != NULL ? s->src.path : "");
  static const struct {
    const char *signal;
    GCallback handler;
  } handlers[] = {
    { "handle-list-targets", G_CALLBACK (on_list_targets) },
    { "handle-add-target", G_CALLBACK (on_add_target) },
    { "handle-remove-target", G_CALLBACK (on_remove_target) },
    { "handle-list-luns", G_CALLBACK (on_list_luns) },
    { "handle-add-lun", G_CALLBACK (on_add_lun) },
    { "handle-remove-lun", G_CALLBACK (on_remove_lun) },
    { "handle-list-acls", G_CALLBACK (on_list_acls) },
    { "handle-add-acl", G_CALLBACK (on_add_acl) },
    { "handle-remove-acl", G_CALLBACK (on_remove_acl) },
    { "handle-list-accounts", G_CALLBACK (on_list_accounts) },
    { "handle-add-account", G_CALLBACK (on_add_account) },
    { "handle-remove-account", G_CALLBACK (on_remove_account) },
    { "handle-list-sessions", G_CALLBACK (on_list_sessions) },
    { "handle-list-connections", G_CALLBACK (on_list_connections) },
    { "handle-get-limits", G_CALLBACK (on_get_limits) },
    { "handle-set-limits", G_CALLBACK (on_set_limits) },
    { "handle-reload", G_CALLBACK (on_reload) },
  };
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_connect (s->skeleton, handlers[i].signal, handlers[i].handler, s);
  return s;
}

GDBusInterfaceSkeleton *
tgt_control_service_skeleton (TgtControlService *s)
{
  return G_DBUS_INTERFACE_SKELETON (s->skeleton);
}

void
tgt_control_service_free (TgtControlService *s)
{
  if (s == NULL)
    return;
  GDBusInterfaceSkeleton *sk = G_DBUS_INTERFACE_SKELETON (s->skeleton);
  GList *conns = g_dbus_interface_skeleton_get_connections (sk);
  /* Unexporting what was never exported is a critical in GLib. */
  if (conns != NULL)
    g_dbus_interface_skeleton_unexport (sk);
  g_list_free_full (conns, g_object_unref);
  g_object_unref (s->skeleton);
  tgt_config_source_clear (&s->src);
  g_free (s);
}
