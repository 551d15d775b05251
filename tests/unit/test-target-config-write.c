/* Unit tests of writing target.xml back (target/config-write.c): the
 * formatter round-trips through the parser, secrets land where they
 * belong with private modes, and an atomic write stopped at any step
 * leaves either the old file or the new one and no temporary file. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "target/config-write.h"

#define T1 "iqn.2026-01.org.example:disk1"

static const char doc[] =
  "<targetd version=\"1\">\n"
  "<limits max-connections=\"2\" immediate-data=\"false\"/>\n"
  "<isns server=\"192.0.2.10:3205\"/>\n"
  "<mdns enabled=\"true\"/>\n"
  "<portal-group tag=\"1\"><portal address=\"127.0.0.1:3260\"/><portal address=\"[::1]:3260\"/></portal-group>\n"
  "<portal-group tag=\"2\"><portal address=\"127.0.0.1:3261\"/></portal-group>\n"
  "<discovery><chap user=\"disc\" secret=\"discovery-secret\"/><chap-algorithms>sha-256</chap-algorithms></discovery>\n"
  "<target name=\"" T1 "\" alias=\"a &amp; b &lt;c&gt;\">\n"
  "<portal-group tag=\"2\"/>\n"
  "<lun number=\"0\" backstore=\"file:/srv/disk 1.img\" serial=\"SN1\"/>\n"
  "<lun number=\"7\" backstore=\"mem:64M\" read-only=\"true\" block-size=\"4096\"/>\n"
  "<acl initiator=\"iqn.2026-01.org.example:host1\"/>\n"
  "<chap user=\"host1\" secret=\"host1-secret-12\"/>\n"
  "<mutual-chap user=\"disk1\" secret=\"disk1-mutual-secret\" required=\"true\"/>\n"
  "<chap-algorithms>sha3-256 md5</chap-algorithms>\n"
  "</target>\n"
  "<target name=\"iqn.2026-01.org.example:scratch\"><lun number=\"0\" backstore=\"mem:1G\"/></target>\n"
  "</targetd>\n";

static TgtConfig *
parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = tgt_config_xml_parse (text, strlen (text), "w.xml", &error);
  g_assert_no_error (error);
  return cfg;
}

static void
test_round_trip (void)
{
  TgtConfig *a = parse (doc);
  gboolean has_secrets = FALSE;
  char *text = tgt_config_xml_format (a, NULL, NULL, &has_secrets);
  g_assert_true (has_secrets);
  TgtConfig *b = parse (text);
  char *again = tgt_config_xml_format (b, NULL, NULL, NULL);
  /* Formatting is a fixed point: parse(format(x)) formats the same. */
  g_assert_cmpstr (text, ==, again);

  g_assert_cmpuint (b->limits.max_connections, ==, 2);
  g_assert_false (b->limits.immediate_data);
  g_assert_cmpstr (b->isns_server, ==, "192.0.2.10:3205");
  g_assert_true (b->mdns);
  g_assert_cmpuint (b->portal_groups->len, ==, 2);
  TgtConfigPortal *p6 = ((TgtConfigPortalGroup *) b->portal_groups->pdata[0])->portals->pdata[1];
  g_assert_cmpstr (p6->host, ==, "::1");
  TgtConfigTarget *t = tgt_config_find_target (b, T1);
  g_assert_cmpstr (t->alias, ==, "a & b <c>");
  g_assert_cmpuint (g_array_index (t->tpgts, guint16, 0), ==, 2);
  TgtConfigLun *l0 = tgt_config_target_find_lun (t, 0), *l7 = tgt_config_target_find_lun (t, 7);
  g_assert_cmpstr (l0->backstore, ==, "file:/srv/disk 1.img");
  g_assert_cmpstr (l0->serial, ==, "SN1");
  g_assert_true (l7->read_only);
  g_assert_cmpuint (l7->block_size, ==, 4096);
  g_assert_cmpstr (t->auth.mutual->secret, ==, "disk1-mutual-secret");
  g_assert_true (t->auth.mutual_required);
  g_assert_cmpuint (t->auth.algorithms->len, ==, 2);
  g_assert_cmpuint (g_array_index (t->auth.algorithms, guint8, 1), ==, 5);
  g_assert_cmpuint (b->discovery_auth.accounts->len, ==, 1);
  /* Defaults are not written out. */
  g_assert_null (strstr (text, "queue-depth"));
  tgt_config_text_free (text);
  tgt_config_text_free (again);
  tgt_config_free (a);
  tgt_config_free (b);
}

static void
test_secrets_split (void)
{
  TgtConfig *a = parse (doc);
  char *secrets = NULL;
  gboolean inline_secret = TRUE;
  char *text = tgt_config_xml_format (a, "secrets.xml", &secrets, &inline_secret);
  g_assert_false (inline_secret);
  g_assert_nonnull (secrets);
  /* No secret in the main file; all of them in the secrets file. */
  g_assert_null (strstr (text, "secret="));
  g_assert_null (strstr (text, "host1-secret-12"));
  g_assert_nonnull (strstr (text, "<secrets file=\"secrets.xml\"/>"));
  g_assert_nonnull (strstr (secrets, "host1-secret-12"));
  g_assert_nonnull (strstr (secrets, "disk1-mutual-secret"));
  g_assert_nonnull (strstr (secrets, "discovery-secret"));
  tgt_config_text_free (text);
  tgt_config_text_free (secrets);
  tgt_config_free (a);
}

static char *
slurp (const char *path)
{
  char *s = NULL;
  g_assert_true (g_file_get_contents (path, &s, NULL, NULL));
  return s;
}

static guint
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

typedef struct {
  const char *path;
  int stop_at;          /* step at which the hook fails, -1: never */
  GArray *seen;         /* steps in order */
} HookState;

static gboolean
hook (TgtWriteStep s, const char *tmp_path, gpointer data)
{
  HookState *hs = data;
  int v = (int) s;
  g_array_append_val (hs->seen, v);
  g_autofree char *now = slurp (hs->path);
  if (s < TGT_WRITE_STEP_RENAMED)
    {
      /* Before the rename the old file is untouched and the complete new
       * content waits in a temporary file beside it. */
      g_assert_cmpstr (now, ==, "old\n");
      g_autofree char *dir = g_path_get_dirname (hs->path), *tdir = g_path_get_dirname (tmp_path);
      g_assert_cmpstr (dir, ==, tdir);
      g_autofree char *tmp_now = slurp (tmp_path);
      g_assert_cmpstr (tmp_now, ==, "new content\n");
    }
  else
    g_assert_cmpstr (now, ==, "new content\n");
  return v != hs->stop_at;
}

static void
test_atomic_steps (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tgt-write-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "target.xml", NULL);
  for (int stop = -1; stop <= TGT_WRITE_STEP_DIR_SYNCED; stop++)
    {
      g_assert_true (g_file_set_contents (path, "old\n", -1, NULL));
      g_assert_cmpint (chmod (path, 0640), ==, 0);
      HookState hs = { path, stop, g_array_new (FALSE, FALSE, sizeof (int)) };
      g_autoptr (GError) error = NULL;
      gboolean ok = tgt_config_write_atomic_full (path, "new content\n", 12, 0640, hook, &hs, &error);
      g_autofree char *now = slurp (path);
      if (stop < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          /* Every step, in order: write, fsync, rename, fsync(dir). */
          g_assert_cmpuint (hs.seen->len, ==, 4);
          for (guint i = 0; i < hs.seen->len; i++)
            g_assert_cmpint (g_array_index (hs.seen, int, i), ==, (int) i);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, TGT_ERROR, TGT_ERROR_IO);
          g_assert_cmpuint (hs.seen->len, ==, (guint) stop + 1);
        }
      /* Either the old or the new file, never a mix, and no temp left. */
      if (stop >= 0 && stop < TGT_WRITE_STEP_RENAMED)
        g_assert_cmpstr (now, ==, "old\n");
      else
        g_assert_cmpstr (now, ==, "new content\n");
      g_assert_cmpuint (count_entries (dir), ==, 1);
      struct stat st;
      g_assert_cmpint (stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 07777, ==, 0640);
      g_array_unref (hs.seen);
    }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_symlink_and_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tgt-write-XXXXXX", NULL);
  g_autofree char *real = g_build_filename (dir, "real.xml", NULL);
  g_autofree char *link = g_build_filename (dir, "link.xml", NULL);
  g_assert_true (g_file_set_contents (real, "old\n", -1, NULL));
  g_assert_cmpint (symlink ("real.xml", link), ==, 0);
  g_autoptr (GError) error = NULL;
  g_assert_true (tgt_config_write_atomic (link, "via link\n", 9, 0644, &error));
  g_autofree char *now = slurp (real);
  g_assert_cmpstr (now, ==, "via link\n");
  struct stat st;
  g_assert_cmpint (lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));

  /* A directory that does not exist: an I/O error naming the path. */
  g_autofree char *bad = g_build_filename (dir, "missing", "x.xml", NULL);
  g_assert_false (tgt_config_write_atomic (bad, "x", 1, 0644, &error));
  g_assert_error (error, TGT_ERROR, TGT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_unlink (link);
  g_unlink (real);
  g_rmdir (dir);
}

/* tgt_config_save: what it writes, the parser reads back, with the modes
 * config-xml.c requires of files holding secrets. */
static void
test_save (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tgt-write-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "target.xml", NULL);
  g_autofree char *spath = g_build_filename (dir, "s.xml", NULL);
  TgtConfig *cfg = parse (doc);
  g_autoptr (GError) error = NULL;

  /* Inline: a world-readable file becomes private when it holds secrets. */
  g_assert_true (g_file_set_contents (path, "<targetd version=\"1\"/>", -1, NULL));
  g_assert_cmpint (chmod (path, 0644), ==, 0);
  TgtConfigSource src = { g_strdup (path), NULL, NULL };
  g_assert_true (tgt_config_save (cfg, &src, &error));
  g_assert_no_error (error);
  struct stat st;
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  TgtConfig *back = tgt_config_xml_load (path, NULL, &error);
  g_assert_no_error (error);
  tgt_config_free (back);
  tgt_config_source_clear (&src);

  /* With a secrets file: the main file keeps its mode, the secrets file
   * is 0600, and both read back. */
  g_assert_cmpint (chmod (path, 0644), ==, 0);
  TgtConfigSource src2 = { g_strdup (path), g_strdup ("s.xml"), g_strdup (spath) };
  g_assert_true (tgt_config_save (cfg, &src2, &error));
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  g_assert_cmpint (stat (spath, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  TgtConfigSource got = { 0 };
  back = tgt_config_xml_load (path, &got, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got.secrets_path, ==, spath);
  g_assert_cmpstr (tgt_config_find_target (back, T1)->auth.mutual->secret, ==, "disk1-mutual-secret");
  tgt_config_free (back);
  tgt_config_source_clear (&got);
  tgt_config_source_clear (&src2);
  tgt_config_free (cfg);
  g_unlink (spath);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/target/config-write/round-trip", test_round_trip);
  g_test_add_func ("/target/config-write/secrets-split", test_secrets_split);
  g_test_add_func ("/target/config-write/atomic-steps", test_atomic_steps);
  g_test_add_func ("/target/config-write/symlink-and-errors", test_symlink_and_errors);
  g_test_add_func ("/target/config-write/save", test_save);
  return g_test_run ();
}
