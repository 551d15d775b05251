/* test-target-flags.c: itn-targetd's flags-only configuration
 * (target/tgt-config-flags.c): portals, LUN numbering, CHAP from a flag,
 * a 0600 file or the environment, --mdns, refusal of readable secrets files, and
 * errors that never repeat a secret. */
#include "config.h"

#include "target/tgt-config.h"

#include <glib/gstdio.h>
#include <string.h>

static TgtConfig *
parse (const char *const *argv, GError **error)
{
  TgtConfigFlags f = { 0 };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_option_context_add_group (ctx, tgt_config_flags_option_group (&f));
  /* g_option_context_parse() drops parsed arguments from the array it is
   * given: parse a shallow copy so every string is freed. */
  g_auto (GStrv) args = g_strdupv ((char **) argv);
  int argc = g_strv_length (args);
  g_autofree char **a = g_memdup2 (args, (argc + 1) * sizeof (char *));
  TgtConfig *cfg = NULL;
  char **pa = a;
  if (g_option_context_parse (ctx, &argc, &pa, error))
    cfg = tgt_config_from_flags (&f, error);
  tgt_config_flags_clear (&f);
  return cfg;
}

static void
test_basic (void)
{
  const char *argv[] = { "t", "--listen", "127.0.0.1:3261", "--listen", "[::1]:3262", "--target",
                         "iqn.2026-01.org.example:d", "--lun", "mem:8M", "--lun", "file:/tmp/x", "--allow",
                         "iqn.2026-01.org.example:h", NULL };
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = parse (argv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cfg->portal_groups->len, ==, 1);
  TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[0];
  g_assert_cmpuint (pg->tpgt, ==, 1);
  g_assert_cmpuint (pg->portals->len, ==, 2);
  TgtConfigPortal *p6 = pg->portals->pdata[1];
  g_assert_cmpstr (p6->host, ==, "::1");
  g_assert_cmpuint (p6->port, ==, 3262);
  TgtConfigTarget *t = tgt_config_find_target (cfg, "IQN.2026-01.org.example:D");
  g_assert_nonnull (t);
  g_assert_cmpuint (t->luns->len, ==, 2);
  g_assert_cmpstr (tgt_config_target_find_lun (t, 1)->backstore, ==, "file:/tmp/x");
  g_assert_true (tgt_config_target_allows (t, "iqn.2026-01.org.example:h"));
  g_assert_false (tgt_config_target_allows (t, "iqn.2026-01.org.example:other"));
  g_assert_cmpuint (cfg->limits.max_connections, ==, 4);
  g_assert_cmpuint (t->auth.accounts->len, ==, 0);
  g_assert_false (cfg->mdns);
  tgt_config_free (cfg);
}

/* --mdns is opt-in and reaches the config the daemon follows. */
static void
test_mdns (void)
{
  const char *argv[] = { "t", "--target", "iqn.2026-01.org.example:d", "--lun", "mem:8M", "--mdns", NULL };
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = parse (argv, &error);
  g_assert_no_error (error);
  g_assert_true (cfg->mdns);
  TgtConfig *copy = tgt_config_copy (cfg);
  g_assert_true (copy->mdns);
  tgt_config_free (copy);
  tgt_config_free (cfg);
}

static void
test_bad_values (void)
{
  const char *bad_portal[] = { "t", "--listen", "127.0.0.1:99999", NULL };
  const char *no_target[] = { "t", "--lun", "mem:8M", NULL };
  const char *bad_digest[] = { "t", "--target", "iqn.2026-01.org.example:d", "--digest", "sometimes", NULL };
  const char *const *cases[] = { bad_portal, no_target, bad_digest };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (parse (cases[i], &error));
      g_assert_nonnull (error);
    }
}

static void
test_chap_sources (void)
{
  /* A short secret is refused (RFC 7143 sec. 9.2.1), without echoing it. */
  const char *shortsec[] = { "t", "--target", "iqn.2026-01.org.example:d", "--chap", "alice:tooShort", NULL };
  g_autoptr (GError) error = NULL;
  g_assert_null (parse (shortsec, &error));
  g_assert_nonnull (strstr (error->message, "12"));
  g_assert_null (strstr (error->message, "tooShort"));
  g_clear_error (&error);

  /* From the environment. */
  g_setenv ("ITN_CHAP", "bob:environmentsecret", TRUE);
  const char *env[] = { "t", "--target", "iqn.2026-01.org.example:d", NULL };
  TgtConfig *cfg = parse (env, &error);
  g_assert_no_error (error);
  TgtConfigChap *c = ((TgtConfigTarget *) cfg->targets->pdata[0])->auth.accounts->pdata[0];
  g_assert_cmpstr (c->user, ==, "bob");
  g_assert_cmpstr (c->secret, ==, "environmentsecret");
  tgt_config_free (cfg);
  g_unsetenv ("ITN_CHAP");

  /* From a file: 0600 accepted, 0644 refused. */
  g_autofree char *dir = g_dir_make_tmp ("tgt-flags-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "chap", NULL);
  g_assert_true (g_file_set_contents (path, "carol:filesecret1234\n", -1, NULL));
  g_chmod (path, 0600);
  const char *file[] = { "t", "--target", "iqn.2026-01.org.example:d", "--chap-file", path, NULL };
  cfg = parse (file, &error);
  g_assert_no_error (error);
  c = ((TgtConfigTarget *) cfg->targets->pdata[0])->auth.accounts->pdata[0];
  g_assert_cmpstr (c->user, ==, "carol");
  g_assert_cmpstr (c->secret, ==, "filesecret1234");
  tgt_config_free (cfg);
  g_chmod (path, 0644);
  g_assert_null (parse (file, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_PERMISSION);
  g_assert_null (strstr (error->message, "filesecret"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_copy_and_validate (void)
{
  const char *argv[] = { "t", "--target", "iqn.2026-01.org.example:d", "--lun", "mem:1M", "--chap",
                         "alice:secretsecret12", "--mutual-chap", "tgt:targetsecret12", NULL };
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = parse (argv, &error);
  g_assert_no_error (error);
  TgtConfig *copy = tgt_config_copy (cfg);
  TgtConfigTarget *t = copy->targets->pdata[0];
  g_assert_cmpstr (t->auth.mutual->user, ==, "tgt");
  g_assert_true (tgt_config_validate (copy, &error));
  /* Duplicate LUN numbers are refused. */
  g_ptr_array_add (t->luns, tgt_config_lun_new (0, "mem:1M"));
  g_assert_false (tgt_config_validate (copy, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_EXISTS);
  tgt_config_free (copy);
  tgt_config_free (cfg);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/target/flags/basic", test_basic);
  g_test_add_func ("/target/flags/mdns", test_mdns);
  g_test_add_func ("/target/flags/bad-values", test_bad_values);
  g_test_add_func ("/target/flags/chap-sources", test_chap_sources);
  g_test_add_func ("/target/flags/copy-and-validate", test_copy_and_validate);
  return g_test_run ();
}
