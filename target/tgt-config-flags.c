/* tgt-config-flags.c: the flags-only form of the configuration:
 * itn-targetd -f --listen ADDR:PORT --target IQN --lun SPEC [--lun ...]
 *   [--chap USER:SECRET] [--mutual-chap USER:SECRET] [--allow IQN ...]
 * builds one target in one portal group (TPGT 1) with LUNs numbered from
 * 0 in the order given.  Secrets may also come from a 0600 file or from
 * the environment so they need not appear on a command line. */
#include "config.h"

#include "target/tgt-config.h"
#include "libiscsi-name/iname-secrets-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

GOptionGroup *
tgt_config_flags_option_group (TgtConfigFlags *f)
{
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &f->listen, "Listen on ADDR[:PORT] (repeatable; default 0.0.0.0:3260)", "ADDR[:PORT]" },
    { "target", 't', 0, G_OPTION_ARG_STRING, &f->target, "Serve the target named IQN", "IQN" },
    { "alias", 0, 0, G_OPTION_ARG_STRING, &f->alias, "TargetAlias of the target", "TEXT" },
    { "lun", 'L', 0, G_OPTION_ARG_STRING_ARRAY, &f->luns, "Add a LUN (numbered from 0 in order)", "file:PATH|mem:SIZE" },
    { "read-only", 0, 0, G_OPTION_ARG_NONE, &f->read_only, "Make every LUN read-only", NULL },
    { "chap", 0, 0, G_OPTION_ARG_STRING, &f->chap, "Require CHAP from initiators (or env ITN_CHAP)", "USER:SECRET" },
    { "chap-file", 0, 0, G_OPTION_ARG_FILENAME, &f->chap_file, "Read USER:SECRET for --chap from a 0600 file", "PATH" },
    { "mutual-chap", 0, 0, G_OPTION_ARG_STRING, &f->mutual_chap, "Target credentials for mutual CHAP (or env ITN_MUTUAL_CHAP)", "USER:SECRET" },
    { "mutual-chap-file", 0, 0, G_OPTION_ARG_FILENAME, &f->mutual_chap_file, "Read USER:SECRET for --mutual-chap from a 0600 file", "PATH" },
    { "discovery-chap", 0, 0, G_OPTION_ARG_STRING, &f->discovery_chap, "Require CHAP on discovery sessions (or env ITN_DISCOVERY_CHAP)", "USER:SECRET" },
    { "allow", 'A', 0, G_OPTION_ARG_STRING_ARRAY, &f->allow, "Allow only this initiator (repeatable)", "INITIATOR-IQN" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &f->max_connections, "MaxConnections per session (default 4)", "N" },
    { "queue-depth", 0, 0, G_OPTION_ARG_INT, &f->queue_depth, "Commands per session (CmdSN window, default 128)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &f->threads, "Data path worker threads (default: one per CPU)", "N" },
    { "digest", 0, 0, G_OPTION_ARG_STRING, &f->digest, "CRC32C digests: none, allow (default), or require for header, data or both", "none|allow|header|data|both" },
    { "isns", 0, 0, G_OPTION_ARG_STRING, &f->isns, "Register with the iSNS server at ADDR[:PORT]", "ADDR[:PORT]" },
    { "isns-esi-interval", 0, 0, G_OPTION_ARG_INT, &f->isns_esi_interval, "Ask the iSNS server to check on us every S seconds (ESI, default 20)", "S" },
    { "mdns", 0, 0, G_OPTION_ARG_NONE, &f->mdns, "Announce the target on the LAN (DNS-SD _iscsi._tcp through avahi-daemon)", NULL },
    { NULL }
  };
  GOptionGroup *g = g_option_group_new ("target", "Flags-only configuration:", "Show flags-only configuration options", NULL, NULL);
  g_option_group_add_entries (g, entries);
  return g;
}

/* Split "USER:SECRET" at the first ':'.  The error never repeats the
 * argument: it may hold a secret. */
static TgtConfigChap *
chap_parse (const char *spec, const char *what, GError **error)
{
  const char *colon = spec != NULL ? strchr (spec, ':') : NULL;
  if (colon == NULL || colon == spec || colon[1] == '\0')
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: expected USER:SECRET", what);
      return NULL;
    }
  g_autofree char *user = g_strndup (spec, colon - spec);
  return tgt_config_chap_new (user, colon + 1);
}

/* A secrets file must not be readable by group or others (design.md). */
static char *
read_secret_file (const char *path, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  struct stat st;
  if (fstat (fd, &st) != 0)
    {
      int errsv = errno;
      close (fd);
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "%s: %s", path, g_strerror (errsv));
      return NULL;
    }
  GError *e = NULL;
  if (!iname_secrets_file_check (path, &st, &e))
    {
      close (fd);
      g_set_error_literal (error, TGT_ERROR, TGT_ERROR_PERMISSION, e->message);
      g_error_free (e);
      return NULL;
    }
  char buf[1024];
  ssize_t n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "%s: empty or unreadable", path);
      return NULL;
    }
  buf[n] = '\0';
  buf[strcspn (buf, "\r\n")] = '\0';
  char *s = g_strdup (buf);
  memset (buf, 0, sizeof buf);
  return s;
}

/* One credential from flag, file or environment, in that order. */
static gboolean
chap_from (const char *flag, const char *file, const char *env, const char *what, TgtConfigChap **out,
           GError **error)
{
  *out = NULL;
  if (flag != NULL)
    *out = chap_parse (flag, what, error);
  else if (file != NULL)
    {
      char *s = read_secret_file (file, error);
      if (s == NULL)
        return FALSE;
      *out = chap_parse (s, what, error);
      memset (s, 0, strlen (s));
      g_free (s);
    }
  else if (g_getenv (env) != NULL)
    *out = chap_parse (g_getenv (env), what, error);
  else
    return TRUE;
  return *out != NULL;
}

TgtConfig *
tgt_config_from_flags (const TgtConfigFlags *f, GError **error)
{
  g_autoptr (GError) local = NULL;
  TgtConfig *cfg = tgt_config_new ();
  TgtConfigPortalGroup *pg = tgt_config_portal_group_new (TGT_DEFAULT_TPGT);
  g_ptr_array_add (cfg->portal_groups, pg);
  if (f->listen == NULL || f->listen[0] == NULL)
    g_ptr_array_add (pg->portals, tgt_config_portal_new ("0.0.0.0", TGT_DEFAULT_PORT));
  for (guint i = 0; f->listen != NULL && f->listen[i] != NULL; i++)
    {
      TgtConfigPortal *p = tgt_config_portal_parse (f->listen[i], error);
      if (p == NULL)
        goto fail;
      g_ptr_array_add (pg->portals, p);
    }

  if (f->target == NULL)
    {
      if (f->luns != NULL || f->chap != NULL || f->allow != NULL)
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "--lun, --chap and --allow need --target");
          goto fail;
        }
    }
  else
    {
      TgtConfigTarget *t = tgt_config_target_new (f->target);
      g_ptr_array_add (cfg->targets, t);
      t->alias = g_strdup (f->alias);
      for (guint i = 0; f->luns != NULL && f->luns[i] != NULL; i++)
        {
          TgtConfigLun *l = tgt_config_lun_new (i, f->luns[i]);
          l->read_only = f->read_only;
          g_ptr_array_add (t->luns, l);
        }
      for (guint i = 0; f->allow != NULL && f->allow[i] != NULL; i++)
        g_ptr_array_add (t->acl, g_strdup (f->allow[i]));
      TgtConfigChap *c = NULL;
      if (!chap_from (f->chap, f->chap_file, "ITN_CHAP", "--chap", &c, error))
        goto fail;
      if (c != NULL)
        g_ptr_array_add (t->auth.accounts, c);
      if (!chap_from (f->mutual_chap, f->mutual_chap_file, "ITN_MUTUAL_CHAP", "--mutual-chap", &t->auth.mutual, error))
        goto fail;
      if (t->auth.mutual != NULL && t->auth.accounts->len == 0)
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "--mutual-chap needs --chap");
          goto fail;
        }
    }
  TgtConfigChap *d = NULL;
  if (!chap_from (f->discovery_chap, NULL, "ITN_DISCOVERY_CHAP", "--discovery-chap", &d, error))
    goto fail;
  if (d != NULL)
    g_ptr_array_add (cfg->discovery_auth.accounts, d);

  if (f->max_connections > 0)
    cfg->limits.max_connections = f->max_connections;
  if (f->queue_depth > 0)
    cfg->limits.queue_depth = f->queue_depth;
  if (f->threads > 0)
    cfg->limits.worker_threads = f->threads;
  if (f->digest != NULL)
    {
      /* RFC 7143 sec. 13.1: the acceptor picks from the initiator's list
       * what it supports; offering only CRC32C makes it required. */
      static const struct {
        const char *name;
        gboolean allowed, hreq, dreq;
      } digests[] = {
        { "none", FALSE, FALSE, FALSE }, { "allow", TRUE, FALSE, FALSE }, { "header", TRUE, TRUE, FALSE },
        { "data", TRUE, FALSE, TRUE },   { "both", TRUE, TRUE, TRUE },
      };
      gsize i;
      for (i = 0; i < G_N_ELEMENTS (digests) && strcmp (digests[i].name, f->digest) != 0; i++)
        ;
      if (i == G_N_ELEMENTS (digests))
        {
          g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "--digest: expected none, allow, header, data or both");
          goto fail;
        }
      cfg->limits.header_digest_allowed = cfg->limits.data_digest_allowed = digests[i].allowed;
      cfg->limits.header_digest_required = digests[i].hreq;
      cfg->limits.data_digest_required = digests[i].dreq;
    }
  cfg->isns_server = g_strdup (f->isns);
  if (f->isns_esi_interval < 0 || f->isns_esi_interval > 86400)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "--isns-esi-interval: %d is not between 1 and 86400 seconds",
                   f->isns_esi_interval);
      goto fail;
    }
  cfg->isns_esi_interval = (guint) f->isns_esi_interval;
  cfg->mdns = f->mdns;
  if (!tgt_config_validate (cfg, error))
    goto fail;
  return cfg;
fail:
  tgt_config_free (cfg);
  return NULL;
}

void
tgt_config_flags_clear (TgtConfigFlags *f)
{
  g_clear_pointer (&f->listen, g_strfreev);
  g_clear_pointer (&f->target, g_free);
  g_clear_pointer (&f->alias, g_free);
  g_clear_pointer (&f->luns, g_strfreev);
  g_clear_pointer (&f->chap, g_free);
  g_clear_pointer (&f->chap_file, g_free);
  g_clear_pointer (&f->mutual_chap, g_free);
  g_clear_pointer (&f->mutual_chap_file, g_free);
  g_clear_pointer (&f->discovery_chap, g_free);
  g_clear_pointer (&f->allow, g_strfreev);
  g_clear_pointer (&f->isns, g_free);
  g_clear_pointer (&f->digest, g_free);
}
