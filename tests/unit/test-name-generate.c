/* Generated IQNs: stable, strictly valid, and built from the parts given. */
#include "config.h"
#include <string.h>
#include "libiscsi-name/iname.h"

static void test_explicit(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *n = iname_generate("example.com", "2001-04", "storage:disk1", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(n, ==, "iqn.2001-04.com.example:storage:disk1");
	/* normalized: what the suite creates is compared byte for byte */
	g_autofree char *m = iname_generate("Example.COM.", "2001-04", "Disk1", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(m, ==, "iqn.2001-04.com.example:disk1");
	g_assert_true(iname_validate(n, INAME_STRICT, NULL));
}

static void test_bad_parts(void)
{
	static const struct {
		const char *domain, *date, *suffix;
		INameError code;
	} bad[] = {
		{ "example.com", "2001-13", "x", INAME_ERROR_BAD_DATE },
		{ "example.com", "2001-00", "x", INAME_ERROR_BAD_DATE },
		{ "example.com", "0000-01", "x", INAME_ERROR_BAD_DATE },
		{ "example.com", "2001-4", "x", INAME_ERROR_BAD_DATE },
		{ "example.com", "2001-04-01", "x", INAME_ERROR_BAD_DATE },
		{ "", "2001-04", "x", INAME_ERROR_BAD_DOMAIN },
		{ "...", "2001-04", "x", INAME_ERROR_BAD_DOMAIN },
		{ "exa mple.com", "2001-04", "x", INAME_ERROR_PROHIBITED_CHAR },
		{ "example.com", "2001-04", "a_b", INAME_ERROR_PROHIBITED_CHAR }, /* strict */
		{ "example.com", "2001-04", "", INAME_ERROR_BAD_DOMAIN },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *n = iname_generate(bad[i].domain, bad[i].date, bad[i].suffix, &error);
		g_assert_null(n);
		g_assert_error(error, INAME_ERROR, (int) bad[i].code);
	}
}

static void test_machine_suffix(void)
{
	/* stable for one id, different between ids, and not the id itself */
	const char *id1 = "3d1219c7c4c5404aaa1f6d2a48adfda4";
	const char *id2 = "0123456789abcdef0123456789abcdef";
	g_autofree char *a = iname_machine_suffix_from_id(id1);
	g_autofree char *b = iname_machine_suffix_from_id(id1);
	g_autofree char *c = iname_machine_suffix_from_id(id2);
	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(a, !=, c);
	g_assert_cmpuint(strlen(a), ==, 16);
	g_assert_true(g_str_has_prefix(a, "itn-"));
	g_assert_null(strstr(id1, a + 4));
}

static void test_defaults(void)
{
	if (!g_file_test("/etc/machine-id", G_FILE_TEST_EXISTS)
	    && !g_file_test("/var/lib/dbus/machine-id", G_FILE_TEST_EXISTS)) {
		g_autoptr(GError) error = NULL;
		g_assert_null(iname_generate(NULL, NULL, NULL, &error));
		g_assert_error(error, INAME_ERROR, INAME_ERROR_MACHINE_ID);
		return;
	}
	g_autoptr(GError) error = NULL;
	g_autofree char *a = iname_generate(NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_autofree char *b = iname_generate(NULL, NULL, NULL, &error);
	g_assert_cmpstr(a, ==, b);                       /* stable across calls */
	g_assert_true(g_str_has_prefix(a, "iqn." INAME_GENERATE_DEFAULT_DATE "."));
	g_autofree char *suffix = iname_machine_suffix(&error);
	g_assert_no_error(error);
	g_assert_true(g_str_has_suffix(a, suffix));
	g_assert_true(iname_validate(a, INAME_STRICT, NULL));
	/* the host's domain, reversed: its last label comes first */
	g_autofree char *host = g_ascii_strdown(g_get_host_name(), -1);
	const char *dot = strrchr(host, '.');
	const char *tld = dot ? dot + 1 : "local";
	g_autofree char *prefix = g_strdup_printf("iqn.%s.%s.", INAME_GENERATE_DEFAULT_DATE, tld);
	g_assert_true(g_str_has_prefix(a, prefix));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/name/generate/explicit", test_explicit);
	g_test_add_func("/name/generate/bad-parts", test_bad_parts);
	g_test_add_func("/name/generate/machine-suffix", test_machine_suffix);
	g_test_add_func("/name/generate/defaults", test_defaults);
	return g_test_run();
}
