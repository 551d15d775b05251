/* main.c: itn-targetd, the iSCSI target daemon.
 *
 *   itn-targetd -f --listen 127.0.0.1:3260 --target IQN --lun mem:64M
 *
 * The main thread runs the GLib main loop for control (accept, signals,
 * control API); the data path runs on the engine's worker threads. */
#include "config.h"

#include "target/config-xml.h"
#include "target/control-server.h"
#include "target/discovery-isns.h"
#include "target/discovery-mdns.h"
#include "target/tgt-config.h"
#include "target/tgt-engine.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  GMainLoop *loop;
  TgtEngine *engine;
  TgtControl *control;
  TgtIsns *isns;
  TgtMdns *mdns;
} Daemon;

static gboolean
on_term (gpointer data)
{
  Daemon *d = data;
  g_message ("shutting down");
  g_main_loop_quit (d->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_hup (gpointer data)
{
  /* The file form re-reads the file and applies the difference
   * (reload-file.h); a file that does not load changes nothing. */
  Daemon *d = data;
  g_autoptr (GError) error = NULL;
  if (d->control == NULL || !tgt_control_reload (d->control, &error))
    g_warning ("SIGHUP: reload refused: %s", error != NULL ? error->message : "no control API");
  return G_SOURCE_CONTINUE;
}

/* mDNS (<mdns enabled>, --mdns) follows the config in effect: a reload
 * may turn it on or off. */
static void
mdns_follow (Daemon *d, const TgtConfig *cfg)
{
  if (cfg->mdns && d->mdns == NULL)
    d->mdns = tgt_mdns_new (cfg, tgt_engine_port (d->engine));
  else if (cfg->mdns)
    tgt_mdns_update (d->mdns, cfg);
  else
    g_clear_pointer (&d->mdns, tgt_mdns_free);
}

static void
on_applied (const TgtConfig *cfg, gpointer data)
{
  Daemon *d = data;
  tgt_isns_update (d->isns, cfg);
  mdns_follow (d, cfg);
}

static GLogWriterOutput
journal_or_stderr (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (g_log_writer_journald (level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (level, fields, n_fields, user_data);
}

int
main (int argc, char **argv)
{
  gboolean foreground = FALSE, version = FALSE, verbose = FALSE;
  char *config_file = NULL, *control_path = NULL;
  TgtConfigFlags flags = { 0 };
  const GOptionEntry entries[] = {
    { "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground, "Stay in the foreground, log to stderr", NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file, "Read the configuration from FILE (XML)", "FILE" },
    { "control", 0, 0, G_OPTION_ARG_FILENAME, &control_path,
      "Serve the control API on this Unix socket (default " TGT_CONTROL_DEFAULT_SOCKET ")", "PATH" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  setlocale (LC_ALL, "");
  signal (SIGPIPE, SIG_IGN);
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- iSCSI target daemon");
  g_option_context_set_summary (ctx, "Serves LUNs over iSCSI (RFC 7143).  Either -c FILE, or flags:\n"
                                     "  itn-targetd -f --listen 127.0.0.1:3260 --target IQN --lun mem:64M");
  /* One group, so --help shows the flags-only form too. */
  g_option_context_set_main_group (ctx, tgt_config_flags_option_group (&flags));
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "itn-targetd: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("itn-targetd (itnexus) %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (!foreground)
    g_log_set_writer_func (journal_or_stderr, NULL, NULL);
  if (verbose)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  else if (foreground && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_setenv ("G_MESSAGES_DEBUG", "itn-targetd-info", TRUE);

  TgtConfigSource src = { 0 };
  TgtConfig *cfg = config_file != NULL ? tgt_config_xml_load (config_file, &src, &error)
                                       : tgt_config_from_flags (&flags, &error);
  tgt_config_flags_clear (&flags);
  if (cfg == NULL)
    {
      fprintf (stderr, "itn-targetd: %s\n", error->message);
      return 2;
    }
  Daemon d = { 0 };
  d.loop = g_main_loop_new (NULL, FALSE);
  d.engine = tgt_engine_new (cfg, &error);
  tgt_config_free (cfg);
  if (d.engine == NULL || !tgt_engine_start (d.engine, &error))
    {
      fprintf (stderr, "itn-targetd: %s\n", error->message);
      return 1;
    }
  /* The control API (control-server.h): a socket named with --control
   * must work; the default one is best effort, so that several daemons
   * started from flags (tests, demos) do not fight over it. */
  d.control = tgt_control_new (d.engine, config_file != NULL ? &src : NULL);
  tgt_config_source_clear (&src);
  if (!tgt_control_listen (d.control, control_path, &error))
    {
      if (control_path != NULL)
        {
          fprintf (stderr, "itn-targetd: %s\n", error->message);
          return 1;
        }
      g_message ("no control API: %s", error->message);
      g_clear_error (&error);
    }
  /* --isns / <isns>: register every target and portal (RFC 4171). */
  const char *isns_server = tgt_engine_config (d.engine)->isns_server;
  if (isns_server != NULL)
    {
      d.isns = tgt_isns_new (isns_server, tgt_engine_config (d.engine), &error);
      if (d.isns == NULL)
        {
          fprintf (stderr, "itn-targetd: iSNS: %s\n", error->message);
          return 1;
        }
    }
  /* --mdns / <mdns enabled="true"/>: announce _iscsi._tcp (RFC 6763). */
  mdns_follow (&d, tgt_engine_config (d.engine));
  /* Live changes (control API, SIGHUP) re-register and re-announce. */
  tgt_engine_set_applied_hook (d.engine, on_applied, &d);
  g_unix_signal_add (SIGTERM, on_term, &d);
  g_unix_signal_add (SIGINT, on_term, &d);
  g_unix_signal_add (SIGHUP, on_hup, &d);
  g_message ("itn-targetd %s ready on port %u", PACKAGE_VERSION, tgt_engine_port (d.engine));
  g_main_loop_run (d.loop);
  /* Deregister and withdraw first: initiators asking iSNS or browsing
   * now should not find us. */
  tgt_engine_set_applied_hook (d.engine, NULL, NULL);
  tgt_isns_free (d.isns);
  tgt_mdns_free (d.mdns);
  tgt_control_free (d.control);
  tgt_engine_shutdown (d.engine, 3000);
  tgt_engine_free (d.engine);
  g_main_loop_unref (d.loop);
  g_free (config_file);
  g_free (control_path);
  return 0;
}
