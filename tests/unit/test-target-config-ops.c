/* Unit tests of the control API's operations on the configuration model
 * (target/control-ops.c) and of the worded difference a reload logs
 * (target/reload-diff.c). */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "target/config-xml.h"
#include "target/control-ops.h"
#include "target/reload-diff.h"

#define T1 "iqn.2026-01.org.example:ops1"
#define I1 "iqn.2026-01.org.example:host1"

static TgtConfig *
base (void)
{
  static const char doc[] =
    "<targetd version=\"1\">"
    "<portal-group tag=\"1\"><portal address=\"127.0.0.1\"/></portal-group>"
    "<target name=\"" T1 "\"><lun number=\"0\" backstore=\"mem:1M\"/><lun number=\"1\" backstore=\"mem:1M\"/></target>"
    "</targetd>";
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = tgt_config_xml_parse (doc, strlen (doc), "ops.xml", &error);
  g_assert_no_error (error);
  return cfg;
}

static void
test_targets (void)
{
  TgtConfig *cfg = base ();
  g_autoptr (GError) error = NULL;
  /* Stored normalized; a second add of the same name in other case fails. */
  g_assert_true (tgt_control_op_add_target (cfg, "IQN.2026-01.org.example:Two", "two", NULL, &error));
  g_assert_nonnull (tgt_config_find_target (cfg, "iqn.2026-01.org.example:two"));
  g_assert_false (tgt_control_op_add_target (cfg, "iqn.2026-01.org.example:two", NULL, NULL, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (tgt_control_op_add_target (cfg, "not-an-iqn", NULL, NULL, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_autoptr (GArray) groups = g_array_new (FALSE, FALSE, sizeof (guint16));
  guint16 seven = 7;
  g_array_append_val (groups, seven);
  g_assert_false (tgt_control_op_add_target (cfg, "iqn.2026-01.org.example:three", NULL, groups, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (tgt_control_op_remove_target (cfg, "iqn.2026-01.org.example:two", &error));
  g_assert_false (tgt_control_op_remove_target (cfg, "iqn.2026-01.org.example:two", &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND);
  g_assert_true (tgt_config_validate (cfg, NULL));
  tgt_config_free (cfg);
}

static void
test_luns (void)
{
  TgtConfig *cfg = base ();
  g_autoptr (GError) error = NULL;
  guint32 n = 99;
  /* LUNs 0 and 1 exist: the lowest free number is 2. */
  g_assert_true (tgt_control_op_add_lun (cfg, T1, "mem:4M", -1, TRUE, 4096, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  TgtConfigLun *l = tgt_config_target_find_lun (tgt_config_find_target (cfg, T1), 2);
  g_assert_true (l->read_only);
  g_assert_cmpuint (l->block_size, ==, 4096);
  g_assert_false (tgt_control_op_add_lun (cfg, T1, "mem:4M", 1, FALSE, 0, NULL, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (tgt_control_op_add_lun (cfg, T1, "disk:/x", 5, FALSE, 0, NULL, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tgt_control_op_add_lun (cfg, T1, "mem:4M", 16384, FALSE, 0, NULL, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tgt_control_op_add_lun (cfg, T1, "mem:4M", 5, FALSE, 1000, NULL, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (tgt_control_op_add_lun (cfg, T1, "file:/tmp/x.img", 16383, FALSE, 0, &n, &error));
  g_assert_cmpuint (n, ==, 16383);
  g_assert_true (tgt_control_op_remove_lun (cfg, T1, 0, &error));
  g_assert_false (tgt_control_op_remove_lun (cfg, T1, 0, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The freed number is reused first. */
  g_assert_true (tgt_control_op_add_lun (cfg, T1, "mem:4M", -1, FALSE, 0, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  tgt_config_free (cfg);
}

static void
test_acls (void)
{
  TgtConfig *cfg = base ();
  g_autoptr (GError) error = NULL;
  g_assert_true (tgt_control_op_add_acl (cfg, T1, "IQN.2026-01.ORG.EXAMPLE:HOST1", &error));
  TgtConfigTarget *t = tgt_config_find_target (cfg, T1);
  g_assert_cmpstr (t->acl->pdata[0], ==, I1);
  g_assert_false (tgt_control_op_add_acl (cfg, T1, I1, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (tgt_control_op_add_acl (cfg, T1, "host1", &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (tgt_control_op_remove_acl (cfg, T1, I1, &error));
  g_assert_cmpuint (t->acl->len, ==, 0);
  g_assert_false (tgt_control_op_remove_acl (cfg, T1, I1, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND);
  tgt_config_free (cfg);
}

static void
test_accounts (void)
{
  TgtConfig *cfg = base ();
  g_autoptr (GError) error = NULL;
  TgtConfigTarget *t = tgt_config_find_target (cfg, T1);
  /* Mutual CHAP needs a one-way account first (RFC 7143 sec. 12.1.3). */
  g_assert_false (tgt_control_op_add_account (cfg, T1, "mutual-chap", "tgt", "target-secret-1", &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tgt_control_op_add_account (cfg, T1, "chap", "u", "short", &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_assert_null (strstr (error->message, "short:"));
  g_clear_error (&error);
  g_assert_false (tgt_control_op_add_account (cfg, T1, "pap", "u", "initiator-secret", &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (tgt_control_op_add_account (cfg, T1, "chap", "u", "initiator-secret", &error));
  /* Same user again: replaced, not doubled. */
  g_assert_true (tgt_control_op_add_account (cfg, T1, "chap", "u", "initiator-secret2", &error));
  g_assert_cmpuint (t->auth.accounts->len, ==, 1);
  g_assert_cmpstr (((TgtConfigChap *) t->auth.accounts->pdata[0])->secret, ==, "initiator-secret2");
  /* RFC 7143 sec. 9.2.1: the target's secret differs from the initiators'. */
  g_assert_false (tgt_control_op_add_account (cfg, T1, "mutual-chap", "tgt", "initiator-secret2", &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_assert_null (strstr (error->message, "initiator-secret2"));
  g_clear_error (&error);
  g_assert_true (tgt_control_op_add_account (cfg, T1, "mutual-chap", "tgt", "target-secret-1", &error));
  g_assert_cmpstr (t->auth.mutual->user, ==, "tgt");
  /* The last one-way account cannot go while mutual CHAP depends on it. */
  g_assert_false (tgt_control_op_remove_account (cfg, T1, "chap", "u", &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (tgt_control_op_remove_account (cfg, T1, "mutual-chap", "tgt", &error));
  g_assert_true (tgt_control_op_remove_account (cfg, T1, "chap", "u", &error));
  /* Discovery: NULL or "" target. */
  g_assert_true (tgt_control_op_add_account (cfg, "", "chap", "d", "discovery-secret", &error));
  g_assert_cmpuint (cfg->discovery_auth.accounts->len, ==, 1);
  g_assert_true (tgt_control_op_remove_account (cfg, NULL, "chap", "d", &error));
  g_assert_true (tgt_config_validate (cfg, NULL));
  tgt_config_free (cfg);
}

static void
test_limits (void)
{
  TgtConfig *cfg = base ();
  g_autoptr (GError) error = NULL;
  g_assert_true (tgt_control_op_set_limit (cfg, "max-connections", 8, &error));
  g_assert_cmpuint (cfg->limits.max_connections, ==, 8);
  g_assert_true (tgt_control_op_set_limit (cfg, "immediate-data", 0, &error));
  g_assert_false (cfg->limits.immediate_data);
  g_assert_false (tgt_control_op_set_limit (cfg, "max-connections", 0, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (tgt_control_op_set_limit (cfg, "warp-factor", 9, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_INVALID);
  tgt_config_free (cfg);
}

static gboolean
has (GPtrArray *changes, const char *text)
{
  for (guint i = 0; i < changes->len; i++)
    if (strcmp (changes->pdata[i], text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_diff (void)
{
  TgtConfig *a = base (), *b = base ();
  g_autoptr (GPtrArray) none = tgt_reload_diff (a, b);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (tgt_control_op_add_target (b, "iqn.2026-01.org.example:new", NULL, NULL, NULL));
  g_assert_true (tgt_control_op_remove_lun (b, T1, 1, NULL));
  g_assert_true (tgt_control_op_add_lun (b, T1, "mem:2M", 7, FALSE, 0, NULL, NULL));
  g_assert_true (tgt_control_op_add_acl (b, T1, I1, NULL));
  g_assert_true (tgt_control_op_add_account (b, T1, "chap", "u", "initiator-secret", NULL));
  g_assert_true (tgt_control_op_set_limit (b, "queue-depth", 32, NULL));
  tgt_config_target_find_lun (tgt_config_find_target (b, T1), 0)->read_only = TRUE;
  g_autoptr (GPtrArray) d = tgt_reload_diff (a, b);
  g_assert_true (has (d, "target iqn.2026-01.org.example:new added"));
  g_assert_true (has (d, "LUN 1 of " T1 " removed"));
  g_assert_true (has (d, "LUN 7 of " T1 " added (mem:2M)"));
  g_assert_true (has (d, "LUN 0 of " T1 " changed"));
  g_assert_true (has (d, "initiator " I1 " allowed on " T1));
  g_assert_true (has (d, "CHAP account 'u' of " T1 " added"));
  g_assert_true (has (d, "limit queue-depth: 128 -> 32"));
  g_assert_cmpuint (d->len, ==, 7);
  /* A changed secret is reported, never shown. */
  TgtConfig *c = tgt_config_copy (b);
  g_assert_true (tgt_control_op_add_account (c, T1, "chap", "u", "initiator-secret-new", NULL));
  g_autoptr (GPtrArray) s = tgt_reload_diff (b, c);
  g_assert_cmpuint (s->len, ==, 1);
  g_assert_cmpstr (s->pdata[0], ==, "CHAP account 'u' of " T1 " changed");
  tgt_config_free (a);
  tgt_config_free (b);
  tgt_config_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/target/config-ops/targets", test_targets);
  g_test_add_func ("/target/config-ops/luns", test_luns);
  g_test_add_func ("/target/config-ops/acls", test_acls);
  g_test_add_func ("/target/config-ops/accounts", test_accounts);
  g_test_add_func ("/target/config-ops/limits", test_limits);
  g_test_add_func ("/target/config-ops/reload-diff", test_diff);
  return g_test_run ();
}
