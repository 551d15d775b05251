/* Unit tests of target.xml parsing (target/config-xml.c): good files into
 * the model, every kind of error named with file:line, the schema agreeing
 * with the walker, secrets files and their permissions. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "target/config-xml.h"

#define T1 "iqn.2026-01.org.example:disk1"
#define I1 "iqn.2026-01.org.example:host1"

static const char good_doc[] =
  "<?xml version=\"1.0\"?>\n"                                                    /* 1 */
  "<targetd version=\"1\">\n"                                                    /* 2 */
  "  <limits max-connections=\"2\" queue-depth=\"64\" initial-r2t=\"true\"/>\n"  /* 3 */
  "  <isns server=\"192.0.2.10\"/>\n"                                            /* 4 */
  "  <mdns enabled=\"true\"/>\n"                                                 /* 5 */
  "  <portal-group tag=\"1\">\n"                                                 /* 6 */
  "    <portal address=\"127.0.0.1:3260\"/>\n"                                   /* 7 */
  "    <portal address=\"[::1]:3261\"/>\n"                                       /* 8 */
  "  </portal-group>\n"                                                          /* 9 */
  "  <discovery>\n"                                                              /* 10 */
  "    <chap user=\"disc\" secret=\"discovery-secret\"/>\n"                      /* 11 */
  "  </discovery>\n"                                                             /* 12 */
  "  <!-- a comment -->\n"                                                       /* 13 */
  "  <target name=\"IQN.2026-01.org.EXAMPLE:Disk1\" alias=\"disk one\">\n"       /* 14 */
  "    <portal-group tag=\"1\"/>\n"                                              /* 15 */
  "    <lun number=\"0\" backstore=\"file:/srv/disk1.img\"/>\n"                  /* 16 */
  "    <lun number=\"3\" backstore=\"mem:64M\" read-only=\"true\" block-size=\"4096\"/>\n"
  "    <acl initiator=\"" I1 "\"/>\n"
  "    <chap user=\"host1\" secret=\"host1-secret-12\"/>\n"
  "    <mutual-chap user=\"disk1\" secret=\"disk1-mutual-secret\" required=\"true\"/>\n"
  "    <chap-algorithms>sha3-256 sha-256</chap-algorithms>\n"
  "  </target>\n"
  "  <target name=\"iqn.2026-01.org.example:scratch\">\n"
  "    <lun number=\"0\" backstore=\"mem:1G\"/>\n"
  "  </target>\n"
  "</targetd>\n";

static void
test_good (void)
{
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = tgt_config_xml_parse (good_doc, strlen (good_doc), "t.xml", &error);
  g_assert_no_error (error);
  g_assert_nonnull (cfg);
  g_assert_cmpuint (cfg->limits.max_connections, ==, 2);
  g_assert_cmpuint (cfg->limits.queue_depth, ==, 64);
  g_assert_true (cfg->limits.initial_r2t);
  g_assert_cmpuint (cfg->limits.max_burst_length, ==, 1048576); /* default kept */
  g_assert_cmpstr (cfg->isns_server, ==, "192.0.2.10");
  g_assert_true (cfg->mdns);
  g_assert_cmpuint (cfg->portal_groups->len, ==, 1);
  TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[0];
  g_assert_cmpuint (pg->tpgt, ==, 1);
  g_assert_cmpuint (pg->portals->len, ==, 2);
  g_assert_cmpstr (((TgtConfigPortal *) pg->portals->pdata[1])->host, ==, "::1");
  g_assert_cmpuint (((TgtConfigPortal *) pg->portals->pdata[1])->port, ==, 3261);
  g_assert_cmpuint (cfg->discovery_auth.accounts->len, ==, 1);
  g_assert_cmpuint (cfg->targets->len, ==, 2);

  /* The name is stored normalized (RFC 3722: case-folded). */
  TgtConfigTarget *t = tgt_config_find_target (cfg, T1);
  g_assert_nonnull (t);
  g_assert_cmpstr (t->iqn, ==, T1);
  g_assert_cmpstr (t->alias, ==, "disk one");
  g_assert_cmpuint (t->tpgts->len, ==, 1);
  g_assert_cmpuint (t->luns->len, ==, 2);
  TgtConfigLun *l = tgt_config_target_find_lun (t, 3);
  g_assert_nonnull (l);
  g_assert_cmpstr (l->backstore, ==, "mem:64M");
  g_assert_true (l->read_only);
  g_assert_cmpuint (l->block_size, ==, 4096);
  g_assert_false (tgt_config_target_find_lun (t, 0)->read_only);
  g_assert_true (tgt_config_target_allows (t, I1));
  g_assert_false (tgt_config_target_allows (t, "iqn.2026-01.org.example:other"));
  g_assert_cmpuint (t->auth.accounts->len, ==, 1);
  g_assert_cmpstr (((TgtConfigChap *) t->auth.accounts->pdata[0])->secret, ==, "host1-secret-12");
  g_assert_nonnull (t->auth.mutual);
  g_assert_cmpstr (t->auth.mutual->user, ==, "disk1");
  g_assert_true (t->auth.mutual_required);
  g_assert_cmpuint (t->auth.algorithms->len, ==, 2);
  g_assert_cmpuint (g_array_index (t->auth.algorithms, guint8, 0), ==, 8);
  g_assert_cmpuint (g_array_index (t->auth.algorithms, guint8, 1), ==, 7);
  tgt_config_free (cfg);
}

/* A bad document: the error must name the file and line and say what was
 * expected.  schema: whether the RelaxNG schema rejects it too (structure)
 * or only the semantic checks can (duplicates, IQN syntax, ...). */
typedef struct {
  const char *what;
  const char *body;     /* inside <targetd version="1">, on the root's line 1 */
  const char *expect;   /* substring of the message */
  gboolean schema;
} BadCase;

#define PG "<portal-group tag=\"1\"><portal address=\"127.0.0.1\"/></portal-group>\n"

static const BadCase bad_cases[] = {
  { "missing attribute", PG "<target name=\"" T1 "\">\n<lun number=\"0\"/>\n</target>\n",
    "t.xml:3: element lun: expected attribute 'backstore'", TRUE },
  { "unknown attribute", PG "<target name=\"" T1 "\">\n<lun number=\"0\" backstore=\"mem:1M\" colour=\"red\"/>\n</target>\n",
    "t.xml:3: element lun: unexpected attribute 'colour'", TRUE },
  { "unknown element", PG "<target name=\"" T1 "\">\n<disk/>\n</target>\n",
    "t.xml:3: element disk: unexpected inside <target> (expected: portal-group, lun, acl, chap, mutual-chap, chap-algorithms)",
    TRUE },
  { "not a number", PG "<target name=\"" T1 "\">\n<lun number=\"zero\" backstore=\"mem:1M\"/>\n</target>\n",
    "t.xml:3: element lun: attribute 'number': expected a number, got 'zero'", TRUE },
  { "LUN out of range", PG "<target name=\"" T1 "\">\n<lun number=\"16384\" backstore=\"mem:1M\"/>\n</target>\n",
    "t.xml:3: element lun: attribute 'number': '16384' is not a number in 0..16383", TRUE },
  { "bad backstore", PG "<target name=\"" T1 "\">\n<lun number=\"0\" backstore=\"mem:12Q\"/>\n</target>\n",
    "t.xml:3: element lun: backstore 'mem:12Q': expected file:PATH or mem:SIZE", TRUE },
  { "bad boolean", PG "<target name=\"" T1 "\">\n<lun number=\"0\" backstore=\"mem:1M\" read-only=\"yes\"/>\n</target>\n",
    "t.xml:3: element lun: attribute 'read-only': expected true or false, got 'yes'", TRUE },
  { "duplicate LUN", PG "<target name=\"" T1 "\">\n<lun number=\"1\" backstore=\"mem:1M\"/>\n<lun number=\"1\" backstore=\"mem:2M\"/>\n</target>\n",
    "t.xml:4: element lun: LUN 1 of " T1 " is defined twice", FALSE },
  { "bad IQN", PG "<target name=\"iqn.2026-13.org.example:x\"/>\n",
    "t.xml:2: element target: attribute 'name':", FALSE },
  { "duplicate target (case-folded)", PG "<target name=\"" T1 "\"/>\n<target name=\"IQN.2026-01.ORG.EXAMPLE:DISK1\"/>\n",
    "t.xml:3: element target: target " T1 " is already defined at line 2", FALSE },
  { "bad ACL name", PG "<target name=\"" T1 "\">\n<acl initiator=\"host1\"/>\n</target>\n",
    "t.xml:3: element acl: attribute 'initiator':", FALSE },
  { "duplicate ACL", PG "<target name=\"" T1 "\">\n<acl initiator=\"" I1 "\"/>\n<acl initiator=\"" I1 "\"/>\n</target>\n",
    "t.xml:4: element acl: initiator " I1 " is listed twice", FALSE },
  { "bad port", "<portal-group tag=\"1\">\n<portal address=\"127.0.0.1:99999\"/>\n</portal-group>\n",
    "t.xml:2: element portal: attribute 'address':", FALSE },
  { "duplicate portal", "<portal-group tag=\"1\"><portal address=\"127.0.0.1:3260\"/></portal-group>\n<portal-group tag=\"2\">\n<portal address=\"127.0.0.1:3260\"/></portal-group>\n",
    "t.xml:3: element portal: portal 127.0.0.1:3260 is already defined at line 1", FALSE },
  { "duplicate portal group", PG PG, "t.xml:2: element portal-group: portal group 1 is defined twice", FALSE },
  { "empty portal group", "<portal-group tag=\"1\"/>\n", "t.xml:1: element portal-group: expected at least one <portal>", TRUE },
  { "undefined portal group", PG "<target name=\"" T1 "\">\n<portal-group tag=\"7\"/>\n</target>\n",
    "t.xml:3: element portal-group: no <portal-group tag=\"7\"> is defined", FALSE },
  { "two limits", "<limits/>\n" PG "<limits/>\n", "t.xml:3: element limits: only one allowed inside <targetd> (first at line 1)",
    TRUE },
  { "unknown limit", "<limits max-luns=\"3\"/>\n" PG, "t.xml:1: element limits: unexpected attribute 'max-luns'", TRUE },
  { "limit out of range", "<limits max-burst-length=\"100\"/>\n" PG,
    "t.xml:1: element limits: attribute max-burst-length: 100 is outside 512..16777215", FALSE },
  { "short secret", PG "<target name=\"" T1 "\">\n<chap user=\"u\" secret=\"tooshort\"/>\n</target>\n",
    "t.xml:3: element chap: " T1 ": CHAP secret of user 'u' is 8 bytes; it must be 12 to 255", FALSE },
  { "no secret", PG "<target name=\"" T1 "\">\n<chap user=\"u\"/>\n</target>\n",
    "t.xml:3: element chap: user 'u' has no secret", FALSE },
  { "duplicate CHAP user", PG "<target name=\"" T1 "\">\n<chap user=\"u\" secret=\"0123456789ab\"/>\n<chap user=\"u\" secret=\"0123456789abc\"/>\n</target>\n",
    "t.xml:4: element chap: " T1 ": CHAP user 'u' is defined twice", FALSE },
  { "mutual without one-way", PG "<target name=\"" T1 "\">\n<mutual-chap user=\"t\" secret=\"0123456789ab\"/>\n</target>\n",
    "t.xml:3: element mutual-chap: " T1 " has no <chap> account", FALSE },
  { "mutual secret reused", PG "<target name=\"" T1 "\">\n<chap user=\"u\" secret=\"same-secret-123\"/>\n<mutual-chap user=\"t\" secret=\"same-secret-123\"/>\n</target>\n",
    "t.xml:4: element mutual-chap: user 't' has the same secret as chap user 'u' (line 3)", FALSE },
  { "two mutual", PG "<discovery>\n<mutual-chap user=\"a\"/>\n<mutual-chap user=\"b\"/>\n</discovery>\n",
    "t.xml:4: element mutual-chap: only one allowed inside <discovery> (first at line 3)", TRUE },
  { "unknown algorithm", PG "<discovery>\n<chap-algorithms>md5 sha512</chap-algorithms>\n</discovery>\n",
    "t.xml:3: element chap-algorithms: unknown algorithm 'sha512'", TRUE },
  { "text in leaf", PG "<mdns enabled=\"true\">yes</mdns>\n", "t.xml:2: element mdns: unexpected text", TRUE },
  { "secrets file from memory", PG "<secrets file=\"s.xml\"/>\n", "t.xml:2: element secrets: not allowed here", FALSE },
  { "isns with a tag", PG "<isns server=\"192.0.2.1:3205,1\"/>\n", "t.xml:2: element isns: attribute 'server': expected HOST[:PORT]",
    FALSE },
  { "no portal", "<target name=\"" T1 "\"/>\n", "t.xml: no portal to listen on", FALSE },
};

static char *
wrap (const char *body)
{
  /* The body starts on the root's line, so its first line is line 1. */
  return g_strdup_printf ("<targetd version=\"1\">%s</targetd>\n", body);
}

static void
quiet (void *data, xmlErrorPtr e)
{
}

static gboolean
schema_accepts (const char *doc_text)
{
  g_autoptr (GBytes) rng = tgt_config_xml_schema (FALSE);
  g_assert_nonnull (rng);
  gsize n;
  const char *p = g_bytes_get_data (rng, &n);
  xmlRelaxNGParserCtxt *pc = xmlRelaxNGNewMemParserCtxt (p, (int) n);
  xmlRelaxNG *schema = xmlRelaxNGParse (pc);
  xmlRelaxNGFreeParserCtxt (pc);
  g_assert_nonnull (schema);
  xmlDoc *doc = xmlReadMemory (doc_text, (int) strlen (doc_text), "t.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
  g_assert_nonnull (doc);
  xmlRelaxNGValidCtxt *vc = xmlRelaxNGNewValidCtxt (schema);
  xmlRelaxNGSetValidStructuredErrors (vc, quiet, NULL);
  int rc = xmlRelaxNGValidateDoc (vc, doc);
  xmlRelaxNGFreeValidCtxt (vc);
  xmlRelaxNGFree (schema);
  xmlFreeDoc (doc);
  return rc == 0;
}

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *doc = wrap (c->body);
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = tgt_config_xml_parse (doc, strlen (doc), "t.xml", &error);
  g_assert_null (cfg);
  g_assert_nonnull (error);
  g_assert_true (error->domain == TGT_ERROR);
  if (strstr (error->message, c->expect) == NULL)
    g_error ("%s: got \"%s\", expected it to contain \"%s\"", c->what, error->message, c->expect);
  /* Secrets never appear in messages. */
  g_assert_null (strstr (error->message, "secret-123"));
  g_assert_null (strstr (error->message, "tooshort"));
  g_assert_null (strstr (error->message, "0123456789"));
  /* The published schema and the walker agree on structure. */
  g_assert_cmpint (schema_accepts (doc), ==, !c->schema);
}

static void
test_good_matches_schema (void)
{
  g_assert_true (schema_accepts (good_doc));
}

static void
test_malformed (void)
{
  static const struct {
    const char *doc, *expect;
  } cases[] = {
    { "<targetd version=\"1\">\n<target name=\"x\">\n</targetd>\n", "t.xml:3: " },
    { "", "t.xml:" },
    { "<other version=\"1\"/>", "t.xml:1: element other: expected the root element <targetd version=\"1\">" },
    { "<targetd version=\"2\"/>", "t.xml:1: element targetd: expected version=\"1\", got \"2\"" },
    { "<targetd/>", "t.xml:1: element targetd: expected attribute 'version'" },
    { "<!DOCTYPE targetd [<!ENTITY a \"aaaa\">]>\n<targetd version=\"1\">&a;</targetd>", "a DOCTYPE is not allowed" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      TgtConfig *cfg = tgt_config_xml_parse (cases[i].doc, strlen (cases[i].doc), "t.xml", &error);
      g_assert_null (cfg);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].expect) == NULL)
        g_error ("case %u: got \"%s\", expected \"%s\"", i, error->message, cases[i].expect);
    }
}

/* ---- files: secrets, permissions -------------------------------------- */

static char *
write_file (const char *dir, const char *name, const char *text, mode_t mode)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_cmpint (chmod (path, mode), ==, 0);
  return path;
}

static const char inline_doc[] =
  "<targetd version=\"1\">\n" PG
  "<target name=\"" T1 "\">\n<chap user=\"host1\" secret=\"inline-secret-1\"/>\n</target>\n</targetd>\n";

static const char ref_doc[] =
  "<targetd version=\"1\">\n" PG "<secrets file=\"s.xml\"/>\n"
  "<target name=\"" T1 "\">\n<chap user=\"host1\"/>\n<mutual-chap user=\"disk1\"/>\n</target>\n</targetd>\n";

static const char secrets_doc[] =
  "<secrets version=\"1\">\n<secret user=\"host1\" value=\"file-secret-01\"/>\n"
  "<secret user=\"disk1\" value=\"file-secret-02\"/>\n</secrets>\n";

static void
test_inline_secret_permissions (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tgt-config-XXXXXX", NULL);
  g_autofree char *path = write_file (dir, "target.xml", inline_doc, 0644);
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = tgt_config_xml_load (path, NULL, &error);
  g_assert_null (cfg);
  g_assert_error (error, TGT_ERROR, TGT_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "mode is 0644"));
  g_assert_null (strstr (error->message, "inline-secret"));
  g_clear_error (&error);

  g_assert_cmpint (chmod (path, 0600), ==, 0);
  TgtConfigSource src = { 0 };
  cfg = tgt_config_xml_load (path, &src, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (src.path, ==, path);
  g_assert_null (src.secrets_ref);
  tgt_config_source_clear (&src);
  tgt_config_free (cfg);

  /* Without secrets the file may be world-readable. */
  g_autofree char *plain = write_file (dir, "plain.xml", "<targetd version=\"1\">" PG "</targetd>", 0644);
  cfg = tgt_config_xml_load (plain, NULL, &error);
  g_assert_no_error (error);
  tgt_config_free (cfg);
  g_unlink (plain);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_secrets_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tgt-config-XXXXXX", NULL);
  g_autofree char *path = write_file (dir, "target.xml", ref_doc, 0644);
  g_autofree char *spath = write_file (dir, "s.xml", secrets_doc, 0640);
  g_autoptr (GError) error = NULL;

  /* Group-readable secrets file: refused, and the message says why. */
  TgtConfig *cfg = tgt_config_xml_load (path, NULL, &error);
  g_assert_null (cfg);
  g_assert_error (error, TGT_ERROR, TGT_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "s.xml"));
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);

  g_assert_cmpint (chmod (spath, 0600), ==, 0);
  TgtConfigSource src = { 0 };
  cfg = tgt_config_xml_load (path, &src, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (src.secrets_ref, ==, "s.xml");
  g_assert_cmpstr (src.secrets_path, ==, spath);
  TgtConfigTarget *t = tgt_config_find_target (cfg, T1);
  g_assert_cmpstr (((TgtConfigChap *) t->auth.accounts->pdata[0])->secret, ==, "file-secret-01");
  g_assert_cmpstr (t->auth.mutual->secret, ==, "file-secret-02");
  tgt_config_source_clear (&src);
  tgt_config_free (cfg);

  /* A user missing from the secrets file: named with the line. */
  g_autofree char *spath2 = write_file (dir, "s.xml",
                                        "<secrets version=\"1\"><secret user=\"host1\" value=\"file-secret-01\"/></secrets>",
                                        0600);
  cfg = tgt_config_xml_load (path, NULL, &error);
  g_assert_null (cfg);
  g_assert_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND);
  g_autofree char *expect = g_strdup_printf ("%s:6: element mutual-chap: user 'disk1' has no secret in %s", path, spath);
  g_assert_cmpstr (error->message, ==, expect);
  g_clear_error (&error);

  /* A broken secrets file: its own name and line. */
  g_free (write_file (dir, "s.xml", "<secrets version=\"1\">\n<secret user=\"host1\"/>\n</secrets>", 0600));
  cfg = tgt_config_xml_load (path, NULL, &error);
  g_assert_null (cfg);
  g_autofree char *expect2 = g_strdup_printf ("%s:2: element secret: expected attribute 'value'", spath);
  g_assert_cmpstr (error->message, ==, expect2);
  g_clear_error (&error);

  /* A missing configuration file. */
  g_autofree char *none = g_build_filename (dir, "none.xml", NULL);
  cfg = tgt_config_xml_load (none, NULL, &error);
  g_assert_null (cfg);
  g_assert_error (error, TGT_ERROR, TGT_ERROR_IO);
  g_clear_error (&error);

  g_unlink (spath);
  g_unlink (path);
  g_rmdir (dir);
}

/* The example shipped in data/ loads (with its secrets file made 0600). */
static void
test_example (void)
{
  const char *srcdir = g_getenv ("top_srcdir");
  if (srcdir == NULL)
    srcdir = TOP_SRCDIR;
  g_autofree char *dir = g_dir_make_tmp ("tgt-config-XXXXXX", NULL);
  g_autofree char *ex = g_build_filename (srcdir, "data", "examples", "target.xml", NULL);
  g_autofree char *exs = g_build_filename (srcdir, "data", "examples", "target-secrets.xml", NULL);
  g_autofree char *text = NULL, *stext = NULL;
  g_assert_true (g_file_get_contents (ex, &text, NULL, NULL));
  g_assert_true (g_file_get_contents (exs, &stext, NULL, NULL));
  g_autofree char *path = write_file (dir, "target.xml", text, 0644);
  g_autofree char *spath = write_file (dir, "target-secrets.xml", stext, 0600);
  g_autoptr (GError) error = NULL;
  TgtConfig *cfg = tgt_config_xml_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cfg->targets->len, ==, 2);
  tgt_config_free (cfg);
  g_unlink (spath);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/target/config-xml/good", test_good);
  g_test_add_func ("/target/config-xml/good-matches-schema", test_good_matches_schema);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/target/config-xml/bad/%s", bad_cases[i].what);
      g_strdelimit (name + strlen ("/target/config-xml/bad/"), " /", '-');
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/target/config-xml/malformed", test_malformed);
  g_test_add_func ("/target/config-xml/inline-secret-permissions", test_inline_secret_permissions);
  g_test_add_func ("/target/config-xml/secrets-file", test_secrets_file);
  g_test_add_func ("/target/config-xml/example", test_example);
  return g_test_run ();
}
