/* config-write.c: the model back into target.xml, atomically
 * (config-write.h). */
#include "config.h"

#include "target/config-write.h"
#include "target/config-xml-walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libxml/tree.h>

void
tgt_config_text_free (char *text)
{
  tgt_xml_secret_free (text);
}

/* ---- format ----------------------------------------------------------- */

static xmlNode *
child (xmlNode *parent, const char *name)
{
  return xmlNewChild (parent, NULL, (const xmlChar *) name, NULL);
}

static void
set (xmlNode *node, const char *name, const char *value)
{
  xmlNewProp (node, (const xmlChar *) name, (const xmlChar *) value);
}

static void
set_uint (xmlNode *node, const char *name, guint value)
{
  char buf[16];
  g_snprintf (buf, sizeof buf, "%u", value);
  set (node, name, buf);
}

/* "HOST:PORT", IPv6 in brackets (RFC 3986 sec. 3.2.2, as TargetAddress). */
static char *
portal_string (const TgtConfigPortal *p)
{
  if (strchr (p->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", p->host, p->port);
  return g_strdup_printf ("%s:%u", p->host, p->port);
}

typedef struct {
  gboolean to_file;      /* secrets go to the secrets document */
  xmlNode *secrets_root;
  GHashTable *written;   /* users already in the secrets document */
  gboolean inline_secret;
} SecretSink;

static void
write_account (xmlNode *parent, const char *element, const TgtConfigChap *c, SecretSink *sink)
{
  xmlNode *n = child (parent, element);
  set (n, "user", c->user);
  if (c->secret == NULL)
    return;
  if (!sink->to_file)
    {
      set (n, "secret", c->secret);
      sink->inline_secret = TRUE;
      return;
    }
  /* The secrets file is keyed by user name (config-xml.c); one entry per
   * user. */
  if (g_hash_table_contains (sink->written, c->user))
    return;
  g_hash_table_add (sink->written, c->user);
  xmlNode *s = child (sink->secrets_root, "secret");
  set (s, "user", c->user);
  set (s, "value", c->secret);
}

static void
write_auth (xmlNode *parent, const TgtConfigAuth *auth, SecretSink *sink)
{
  for (guint i = 0; i < auth->accounts->len; i++)
    write_account (parent, "chap", auth->accounts->pdata[i], sink);
  if (auth->mutual != NULL)
    {
      write_account (parent, "mutual-chap", auth->mutual, sink);
      xmlNode *m = parent->last;
      if (auth->mutual_required)
        set (m, "required", "true");
    }
  if (auth->algorithms->len > 0)
    {
      GString *names = g_string_new (NULL);
      for (guint i = 0; i < auth->algorithms->len; i++)
        {
          const char *name = tgt_config_chap_algorithm_name (g_array_index (auth->algorithms, guint8, i));
          if (name != NULL)
            g_string_append_printf (names, "%s%s", names->len ? " " : "", name);
        }
      xmlNewTextChild (parent, NULL, (const xmlChar *) "chap-algorithms", (const xmlChar *) names->str);
      g_string_free (names, TRUE);
    }
}

static void
write_limits (xmlNode *root, const TgtConfigLimits *limits)
{
  TgtConfigLimits defaults;
  tgt_config_limits_init (&defaults);
  xmlNode *n = NULL;
  /* Only what differs from the defaults, so a file stays short and a
   * later change of a default reaches files that did not set it. */
  for (guint i = 0; i < tgt_config_n_limit_fields; i++)
    {
      const TgtConfigLimitField *f = &tgt_config_limit_fields[i];
      guint v = tgt_config_limit_get (limits, f);
      if (v == tgt_config_limit_get (&defaults, f))
        continue;
      if (n == NULL)
        n = child (root, "limits");
      if (f->type == TGT_LIMIT_BOOL)
        set (n, f->name, v ? "true" : "false");
      else
        set_uint (n, f->name, v);
    }
}

static void
write_target (xmlNode *root, const TgtConfigTarget *t, SecretSink *sink)
{
  xmlNode *tn = child (root, "target");
  set (tn, "name", t->iqn);
  if (t->alias != NULL)
    set (tn, "alias", t->alias);
  for (guint i = 0; i < t->tpgts->len; i++)
    set_uint (child (tn, "portal-group"), "tag", g_array_index (t->tpgts, guint16, i));
  for (guint i = 0; i < t->luns->len; i++)
    {
      const TgtConfigLun *l = t->luns->pdata[i];
      xmlNode *ln = child (tn, "lun");
      set_uint (ln, "number", l->lun);
      set (ln, "backstore", l->backstore);
      if (l->read_only)
        set (ln, "read-only", "true");
      if (l->block_size != 0)
        set_uint (ln, "block-size", l->block_size);
      if (l->serial != NULL)
        set (ln, "serial", l->serial);
    }
  for (guint i = 0; i < t->acl->len; i++)
    set (child (tn, "acl"), "initiator", t->acl->pdata[i]);
  write_auth (tn, &t->auth, sink);
}

/* Serialized document as a g_malloc'd string; libxml2's buffer is wiped. */
static char *
dump (xmlDoc *doc)
{
  xmlChar *buf = NULL;
  int len = 0;
  xmlDocDumpFormatMemoryEnc (doc, &buf, &len, "UTF-8", 1);
  char *text = g_strndup ((const char *) buf, (gsize) MAX (len, 0));
  if (buf != NULL)
    memset (buf, 0, (gsize) MAX (len, 0));
  xmlFree (buf);
  return text;
}

char *
tgt_config_xml_format (const TgtConfig *cfg, const char *secrets_ref, char **secrets_out, gboolean *has_secrets_out)
{
  xmlDoc *doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNode *root = xmlNewNode (NULL, (const xmlChar *) "targetd");
  xmlDocSetRootElement (doc, root);
  xmlAddPrevSibling (root, xmlNewDocComment (doc, (const xmlChar *)
    " itn-targetd configuration (itn-targetd.conf(5)).  The daemon rewrites this file when its\n"
    "     configuration changes through the control API; comments are not kept. "));
  set (root, "version", "1");

  xmlDoc *sdoc = NULL;
  SecretSink sink = { secrets_ref != NULL, NULL, g_hash_table_new (g_str_hash, g_str_equal), FALSE };
  if (sink.to_file)
    {
      sdoc = xmlNewDoc ((const xmlChar *) "1.0");
      sink.secrets_root = xmlNewNode (NULL, (const xmlChar *) "secrets");
      xmlDocSetRootElement (sdoc, sink.secrets_root);
      set (sink.secrets_root, "version", "1");
    }

  write_limits (root, &cfg->limits);
  if (cfg->isns_server != NULL)
    set (child (root, "isns"), "server", cfg->isns_server);
  if (cfg->mdns)
    set (child (root, "mdns"), "enabled", "true");
  if (secrets_ref != NULL)
    set (child (root, "secrets"), "file", secrets_ref);
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[i];
      xmlNode *pn = child (root, "portal-group");
      set_uint (pn, "tag", pg->tpgt);
      for (guint j = 0; j < pg->portals->len; j++)
        {
          g_autofree char *a = portal_string (pg->portals->pdata[j]);
          set (child (pn, "portal"), "address", a);
        }
    }
  const TgtConfigAuth *da = &cfg->discovery_auth;
  if (da->accounts->len > 0 || da->mutual != NULL || da->algorithms->len > 0)
    write_auth (child (root, "discovery"), da, &sink);
  for (guint i = 0; i < cfg->targets->len; i++)
    write_target (root, cfg->targets->pdata[i], &sink);

  char *text = dump (doc);
  xmlFreeDoc (doc);
  if (secrets_out != NULL)
    *secrets_out = sdoc != NULL ? dump (sdoc) : NULL;
  if (sdoc != NULL)
    xmlFreeDoc (sdoc);
  g_hash_table_unref (sink.written);
  if (has_secrets_out != NULL)
    *has_secrets_out = sink.inline_secret;
  return text;
}

/* ---- atomic write ----------------------------------------------------- */

static gboolean
io_fail (GError **error, const char *what, const char *path, int errsv)
{
  g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "%s %s: %s", what, path, g_strerror (errsv));
  return FALSE;
}

static gboolean
step (TgtWriteHook hook, gpointer data, TgtWriteStep s, const char *tmp, const char *path, GError **error)
{
  if (hook == NULL || hook (s, tmp, data))
    return TRUE;
  g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "writing %s: stopped after step %d", path, (int) s);
  return FALSE;
}

gboolean
tgt_config_write_atomic_full (const char *path, const char *data, gsize len, mode_t mode, TgtWriteHook hook,
                              gpointer hook_data, GError **error)
{
  /* Replace what a symbolic link points to, not the link. */
  g_autofree char *real = realpath (path, NULL);
  const char *target = real != NULL ? real : path;
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  /* Same directory, so that rename() is atomic (same file system). */
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  struct stat old;
  gboolean had_old = stat (target, &old) == 0;

  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, mode & 0777);
  if (fd < 0)
    return io_fail (error, "cannot create a temporary file for", target, errno);
  gboolean ok = FALSE;
  /* mkstemp's mode went through the umask: set the one asked for. */
  if (fchmod (fd, mode & 07777) != 0)
    {
      io_fail (error, "cannot set the mode of", tmp, errno);
      goto out;
    }
  if (had_old && geteuid () == 0 && fchown (fd, old.st_uid, old.st_gid) != 0)
    g_debug ("cannot keep the owner of %s: %s", target, g_strerror (errno));
  for (gsize off = 0; off < len;)
    {
      ssize_t w = write (fd, data + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          io_fail (error, "cannot write", tmp, errno);
          goto out;
        }
      off += (gsize) w;
    }
  if (!step (hook, hook_data, TGT_WRITE_STEP_TEMP_WRITTEN, tmp, target, error))
    goto out;
  /* The data must be on disk before the name points at it, or a crash
   * after the rename could leave an empty file under the old name. */
  if (fsync (fd) != 0)
    {
      io_fail (error, "cannot sync", tmp, errno);
      goto out;
    }
  if (!step (hook, hook_data, TGT_WRITE_STEP_TEMP_SYNCED, tmp, target, error))
    goto out;
  if (close (fd) != 0)
    {
      fd = -1;
      io_fail (error, "cannot close", tmp, errno);
      goto out;
    }
  fd = -1;
  if (rename (tmp, target) != 0)
    {
      io_fail (error, "cannot rename over", target, errno);
      goto out;
    }
  g_clear_pointer (&tmp, g_free);
  if (!step (hook, hook_data, TGT_WRITE_STEP_RENAMED, target, target, error))
    goto out;
  /* The rename itself is durable only once the directory is synced. */
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || fsync (dfd) != 0)
    {
      int errsv = errno;
      if (dfd >= 0)
        close (dfd);
      io_fail (error, "cannot sync the directory", dir, errsv);
      goto out;
    }
  close (dfd);
  if (!step (hook, hook_data, TGT_WRITE_STEP_DIR_SYNCED, target, target, error))
    goto out;
  ok = TRUE;
out:
  if (fd >= 0)
    close (fd);
  if (tmp != NULL)
    g_unlink (tmp);
  return ok;
}

gboolean
tgt_config_write_atomic (const char *path, const char *data, gsize len, mode_t mode, GError **error)
{
  return tgt_config_write_atomic_full (path, data, len, mode, NULL, NULL, error);
}

gboolean
tgt_config_save (const TgtConfig *cfg, const TgtConfigSource *src, GError **error)
{
  char *secrets = NULL;
  gboolean inline_secret = FALSE;
  char *text = tgt_config_xml_format (cfg, src->secrets_path != NULL ? src->secrets_ref : NULL, &secrets,
                                      &inline_secret);
  gboolean ok = TRUE;
  /* Secrets first: the new configuration may name an account whose secret
   * only the new secrets file has. */
  if (secrets != NULL)
    ok = tgt_config_write_atomic (src->secrets_path, secrets, strlen (secrets), 0600, error);
  if (ok)
    {
      struct stat st;
      mode_t mode = stat (src->path, &st) == 0 ? (st.st_mode & 07777) : 0644;
      /* config-xml.c refuses inline secrets readable by others; write what
       * it will read back. */
      if (inline_secret)
        mode &= 07700;
      ok = tgt_config_write_atomic (src->path, text, strlen (text), mode, error);
    }
  tgt_config_text_free (secrets);
  tgt_config_text_free (text);
  return ok;
}
