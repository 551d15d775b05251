/* initiator.xml (itn-initiatord -c): parsing, the walk's precise errors
 * (FILE:LINE and what was expected), validation against data/initiator.rng,
 * and the shipped example. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "initiator/initiatord-records.h"
#include "initiator/itni-error.h"

static void test_good(void)
{
	static const char xml[] =
		"<?xml version=\"1.0\"?>\n"
		"<initiator name=\"iqn.2024-01.org.example:host\">\n"
		"  <node target=\"iqn.2024-01.org.example:a\" portal=\"192.0.2.1:3261\" auto-connect=\"yes\"\n"
		"        connections=\"2\" sessions=\"3\" secrets=\"/etc/a.secrets\"/>\n"
		"  <node target=\"iqn.2024-01.org.example:b\" portal=\"[2001:db8::1]\" origin=\"discovery\"/>\n"
		"</initiator>\n";
	g_autoptr(GError) e = NULL;
	ItndRecords *r = itnd_records_parse(xml, strlen(xml), "good.xml", &e);
	g_assert_no_error(e);
	g_assert_cmpstr(r->initiator_name, ==, "iqn.2024-01.org.example:host");
	g_assert_cmpuint(r->records->len, ==, 2);
	ItndRecord *a = itnd_records_find(r, "iqn.2024-01.org.example:a");
	g_assert_nonnull(a);
	g_assert_cmpstr(a->portal, ==, "192.0.2.1:3261");
	g_assert_true(a->auto_connect);
	g_assert_cmpuint(a->connections, ==, 2);
	g_assert_cmpuint(a->sessions, ==, 3);
	g_assert_cmpstr(a->secrets, ==, "/etc/a.secrets");
	g_assert_false(a->discovered);
	ItndRecord *b = itnd_records_find(r, "iqn.2024-01.org.example:b");
	g_assert_false(b->auto_connect);
	g_assert_cmpuint(b->connections, ==, 1);
	g_assert_true(b->discovered);
	itnd_records_free(r);
}

/* <discover source="mdns"> (--discover mdns) with its globs, and back out
 * through save. */
static void test_discover(void)
{
	static const char xml[] =
		"<initiator>\n"
		"  <node target=\"iqn.2024-01.org.example:a\" portal=\"192.0.2.1\"/>\n"
		"  <discover source=\"mdns\">\n"
		"    <match iqn=\"iqn.2024-01.org.example:*\"/>\n"
		"    <match iqn=\"iqn.2024-02.*&amp;\"/>\n"
		"  </discover>\n"
		"</initiator>\n";
	g_autoptr(GError) e = NULL;
	ItndRecords *r = itnd_records_parse(xml, strlen(xml), "disc.xml", &e);
	g_assert_no_error(e);
	g_assert_true(r->discover_mdns);
	g_assert_cmpuint(g_strv_length(r->discover_match), ==, 2);
	g_assert_cmpstr(r->discover_match[0], ==, "iqn.2024-01.org.example:*");
	g_assert_cmpstr(r->discover_match[1], ==, "iqn.2024-02.*&");
	g_assert_cmpuint(r->records->len, ==, 1);
	g_autofree char *dir = g_dir_make_tmp("itn-records-XXXXXX", &e);
	g_assert_no_error(e);
	r->path = g_build_filename(dir, "initiator.xml", NULL);
	g_assert_true(itnd_records_save(r, &e));
	g_assert_no_error(e);
	ItndRecords *back = itnd_records_load(r->path, &e);
	g_assert_no_error(e);
	g_assert_true(back->discover_mdns);
	g_assert_cmpuint(g_strv_length(back->discover_match), ==, 2);
	g_assert_cmpstr(back->discover_match[1], ==, "iqn.2024-02.*&");
	g_assert_cmpuint(back->records->len, ==, 1);
	g_unlink(r->path);
	g_rmdir(dir);
	itnd_records_free(back);
	itnd_records_free(r);

	/* Without <match>: every target; a file without <discover>: off. */
	static const char all[] = "<initiator><discover source=\"mdns\"/></initiator>";
	r = itnd_records_parse(all, strlen(all), "all.xml", &e);
	g_assert_no_error(e);
	g_assert_true(r->discover_mdns);
	g_assert_null(r->discover_match);
	itnd_records_free(r);
	r = itnd_records_parse("<initiator/>", 12, "none.xml", &e);
	g_assert_no_error(e);
	g_assert_false(r->discover_mdns);
	itnd_records_free(r);
}

static void test_example(void)
{
	g_autofree char *path = g_build_filename(g_getenv("top_srcdir") ? g_getenv("top_srcdir") : TOP_SRCDIR,
						 "data", "examples", "initiator.xml", NULL);
	g_autoptr(GError) e = NULL;
	ItndRecords *r = itnd_records_load(path, &e);
	g_assert_no_error(e);
	g_assert_cmpuint(r->records->len, ==, 2);
	g_assert_cmpstr(r->path, ==, path);
	itnd_records_free(r);
}

static void test_missing_file(void)
{
	g_autoptr(GError) e = NULL;
	ItndRecords *r = itnd_records_load("/nonexistent/initiator.xml", &e);
	g_assert_no_error(e);
	g_assert_cmpuint(r->records->len, ==, 0);
	itnd_records_free(r);
}

/* Each bad file: the error starts with "bad.xml:LINE:" and holds the words
 * that say what was expected. */
static const struct {
	const char *what;
	const char *xml;
	const char *prefix;
	const char *says;
} bad[] = {
	{ "not XML", "<initiator>\n<node\n", "bad.xml:3:", "" },
	{ "wrong root", "\n<targetd/>\n", "bad.xml:2:", "expected <initiator>" },
	{ "unknown element", "<initiator>\n <host/>\n</initiator>\n", "bad.xml:2:",
	  "expected <node> or <discover>, not <host>" },
	{ "discover source", "<initiator>\n<discover source=\"isns\"/></initiator>", "bad.xml:2:",
	  "source: expected mdns, not 'isns'" },
	{ "discover twice", "<initiator><discover source=\"mdns\"/>\n<discover source=\"mdns\"/></initiator>",
	  "bad.xml:2:", "a second <discover>" },
	{ "discover child", "<initiator><discover source=\"mdns\">\n<node/></discover></initiator>", "bad.xml:2:",
	  "expected <match iqn=\"GLOB\"/> in <discover>" },
	{ "empty glob", "<initiator><discover source=\"mdns\">\n\n<match iqn=\"\"/></discover></initiator>",
	  "bad.xml:3:", "expected <match iqn=\"GLOB\"/>" },
	/* Only the schema says a match is empty. */
	{ "schema: match content",
	  "<initiator>\n<discover source=\"mdns\"><match iqn=\"x*\">y</match></discover></initiator>", "bad.xml:2:",
	  "match" },
	{ "no target", "<initiator>\n  <node portal=\"x\"/>\n</initiator>\n", "bad.xml:2:", "needs a target" },
	{ "no portal", "<initiator>\n<node target=\"iqn.2024-01.org.example:a\"/>\n</initiator>\n", "bad.xml:2:",
	  "needs a portal" },
	{ "bad IQN", "<initiator>\n<node target=\"iqn.20x4.bad\" portal=\"h\"/></initiator>", "bad.xml:2:",
	  "<node target>" },
	{ "bad initiator name", "<initiator name=\"nonsense\"/>", "bad.xml:1:", "<initiator name>" },
	{ "bad portal", "<initiator>\n\n<node target=\"iqn.2024-01.org.example:a\" portal=\"h:99999\"/></initiator>",
	  "bad.xml:3:", "expected host[:port]" },
	{ "portal with tag", "<initiator><node target=\"iqn.2024-01.org.example:a\" portal=\"h:3260,1\"/></initiator>",
	  "bad.xml:1:", "expected host[:port]" },
	{ "bad count", "<initiator>\n<node target=\"iqn.2024-01.org.example:a\" portal=\"h\" connections=\"17\"/></initiator>",
	  "bad.xml:2:", "connections: expected a number from 1 to 16" },
	{ "bad boolean", "<initiator>\n<node target=\"iqn.2024-01.org.example:a\" portal=\"h\" auto-connect=\"maybe\"/></initiator>",
	  "bad.xml:2:", "auto-connect: expected yes or no" },
	{ "unknown attribute", "<initiator>\n<node target=\"iqn.2024-01.org.example:a\" portal=\"h\" colour=\"red\"/></initiator>",
	  "bad.xml:2:", "unknown node setting 'colour'" },
	{ "duplicate target",
	  "<initiator>\n<node target=\"iqn.2024-01.org.example:a\" portal=\"h\"/>\n"
	  "<node target=\"iqn.2024-01.org.example:a\" portal=\"g\"/></initiator>",
	  "bad.xml:3:", "one record per target" },
	{ "bad origin", "<initiator>\n<node target=\"iqn.2024-01.org.example:a\" portal=\"h\" origin=\"mars\"/></initiator>",
	  "bad.xml:2:", "origin: expected user or discovery" },
	/* What only the schema says: nodes are empty. */
	{ "schema: content", "<initiator>\n<node target=\"iqn.2024-01.org.example:a\" portal=\"h\">text</node></initiator>",
	  "bad.xml:2:", "element node" },
	{ "DOCTYPE", "<!DOCTYPE initiator [<!ENTITY a \"b\">]><initiator/>", "bad.xml:", "DOCTYPE" },
};

static void test_bad(gconstpointer data)
{
	guint i = GPOINTER_TO_UINT(data);
	g_autoptr(GError) e = NULL;
	ItndRecords *r = itnd_records_parse(bad[i].xml, strlen(bad[i].xml), "bad.xml", &e);
	g_assert_null(r);
	g_assert_error(e, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT);
	if (!g_str_has_prefix(e->message, bad[i].prefix) || !strstr(e->message, bad[i].says))
		g_error("%s: got '%s', want prefix '%s' and '%s'", bad[i].what, e->message, bad[i].prefix, bad[i].says);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/initiator/records/good", test_good);
	g_test_add_func("/initiator/records/example", test_example);
	g_test_add_func("/initiator/records/discover", test_discover);
	g_test_add_func("/initiator/records/missing-file", test_missing_file);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *p = g_strdup_printf("/initiator/records/bad/%s", bad[i].what);
		g_test_add_data_func(p, GUINT_TO_POINTER(i), test_bad);
	}
	return g_test_run();
}
