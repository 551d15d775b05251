/* ItniConfig: URLs, CHAP secrets from the environment and from a 0600 file,
 * the CHAP algorithm defaults (no SHA-256 unless asked, because of tgt). */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "initiator/itni-private.h"

static void test_url(void)
{
	g_autoptr(ItniConfig) c = itni_config_new();
	g_autoptr(GError) e = NULL;
	g_assert_true(itni_config_set_url(c, "iscsi://alice%secretsecret12@192.0.2.7:3261/iqn.2024-01.org.example:disk/3"
					     "?header_digest=crc32c", &e));
	g_assert_no_error(e);
	g_assert_cmpstr(itni_config_get_host(c), ==, "192.0.2.7");
	g_assert_cmpuint(itni_config_get_port(c), ==, 3261);
	g_assert_cmpstr(itni_config_get_target(c), ==, "iqn.2024-01.org.example:disk");
	g_assert_cmpint(itni_config_get_lun(c), ==, 3);
	g_assert_cmpstr(c->user, ==, "alice");
	g_assert_cmpstr(c->secret, ==, "secretsecret12");
	g_assert_true(c->header_digest);
	g_assert_false(c->data_digest);
}

static void test_portal_url(void)
{
	g_autoptr(ItniConfig) c = itni_config_new();
	g_assert_true(itni_config_set_url(c, "iscsi://[::1]", NULL));
	g_assert_cmpstr(itni_config_get_host(c), ==, "::1");
	g_assert_cmpuint(itni_config_get_port(c), ==, 3260);
	g_assert_null(itni_config_get_target(c));
	g_assert_cmpint(itni_config_get_lun(c), ==, -1);
}

static void test_bad_url(void)
{
	g_autoptr(ItniConfig) c = itni_config_new();
	g_autoptr(GError) e = NULL;
	g_assert_false(itni_config_set_url(c, "http://example.com/", &e));
	g_assert_error(e, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT);
	g_clear_error(&e);
	g_assert_false(itni_config_set_url(c, "iscsi://h/iqn.2024-01.org.example:d/0?auth=rot13", &e));
	g_assert_error(e, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT);
}

/* Default preference SHA3-256, SHA-1, MD5: SHA-256 (7) is what tgt reads
 * as SHA-1, so it is only offered when asked for. */
static void test_chap_defaults(void)
{
	g_autoptr(ItniConfig) c = itni_config_new();
	g_assert_cmpuint(c->n_algs, ==, 3);
	g_assert_cmpint(c->algs[0], ==, ITNI_CHAP_SHA3_256);
	g_assert_cmpint(c->algs[1], ==, ITNI_CHAP_SHA1);
	g_assert_cmpint(c->algs[2], ==, ITNI_CHAP_MD5);
	for (guint i = 0; i < c->n_algs; i++)
		g_assert_cmpint(c->algs[i], !=, ITNI_CHAP_SHA256);
	g_assert_true(itni_config_set_url(c, "iscsi://h/iqn.2024-01.org.example:d/0?auth=sha-256", NULL));
	g_assert_cmpuint(c->n_algs, ==, 1);
	g_assert_cmpint(c->algs[0], ==, ITNI_CHAP_SHA256);
}

static void test_environment(void)
{
	g_autoptr(ItniConfig) c = itni_config_new();
	g_setenv("LIBISCSI_CHAP_USERNAME", "libuser", TRUE);
	g_setenv("LIBISCSI_CHAP_PASSWORD", "libsecret123", TRUE);
	g_setenv("ITN_CHAP_PASSWORD", "oursecret1234", TRUE);
	g_setenv("LIBISCSI_CHAP_TARGET_USERNAME", "tgt", TRUE);
	g_setenv("LIBISCSI_CHAP_TARGET_PASSWORD", "tgtsecret1234", TRUE);
	itni_config_apply_environment(c);
	g_assert_cmpstr(c->user, ==, "libuser");
	g_assert_cmpstr(c->secret, ==, "oursecret1234"); /* ITN_ wins */
	g_assert_cmpstr(c->target_user, ==, "tgt");
	g_assert_cmpstr(c->target_secret, ==, "tgtsecret1234");
	/* The URL's values are kept over the environment's. */
	g_autoptr(ItniConfig) d = itni_config_new();
	g_assert_true(itni_config_set_url(d, "iscsi://bob%bobsecret1234@h/iqn.2024-01.org.example:d/0", NULL));
	itni_config_apply_environment(d);
	g_assert_cmpstr(d->user, ==, "bob");
	g_assert_cmpstr(d->secret, ==, "bobsecret1234");
	g_unsetenv("LIBISCSI_CHAP_USERNAME");
	g_unsetenv("LIBISCSI_CHAP_PASSWORD");
	g_unsetenv("ITN_CHAP_PASSWORD");
	g_unsetenv("LIBISCSI_CHAP_TARGET_USERNAME");
	g_unsetenv("LIBISCSI_CHAP_TARGET_PASSWORD");
}

static char *write_file(const char *text, int mode)
{
	char *path = NULL;
	int fd = g_file_open_tmp("itni-secrets-XXXXXX", &path, NULL);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, text, strlen(text)), ==, (int) strlen(text));
	close(fd);
	g_assert_cmpint(g_chmod(path, mode), ==, 0);
	return path;
}

static void test_secrets_file(void)
{
	g_autofree char *ok = write_file("# CHAP\nusername = alice\npassword = secretsecret12\n"
					 "target_username=tgt\ntarget_password=targetsecret1\n", 0600);
	g_autoptr(ItniConfig) c = itni_config_new();
	g_autoptr(GError) e = NULL;
	g_assert_true(itni_config_load_secrets(c, ok, &e));
	g_assert_no_error(e);
	g_assert_cmpstr(c->user, ==, "alice");
	g_assert_cmpstr(c->secret, ==, "secretsecret12");
	g_assert_cmpstr(c->target_user, ==, "tgt");
	g_assert_cmpstr(c->target_secret, ==, "targetsecret1");
	g_unlink(ok);
}

static void test_secrets_file_refused(void)
{
	g_autofree char *open_file = write_file("username = alice\npassword = secretsecret12\n", 0644);
	g_autoptr(ItniConfig) c = itni_config_new();
	g_autoptr(GError) e = NULL;
	g_assert_false(itni_config_load_secrets(c, open_file, &e));
	g_assert_error(e, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT);
	g_assert_nonnull(strstr(e->message, "group or others"));
	g_assert_null(strstr(e->message, "secretsecret12"));
	g_assert_null(c->secret);
	g_unlink(open_file);

	g_autofree char *bad = write_file("username alice\n", 0600);
	g_clear_error(&e);
	g_assert_false(itni_config_load_secrets(c, bad, &e));
	g_assert_nonnull(strstr(e->message, ":1:"));
	g_unlink(bad);

	g_autofree char *unknown = write_file("pasword = secretsecret12\n", 0600);
	g_clear_error(&e);
	g_assert_false(itni_config_load_secrets(c, unknown, &e));
	g_assert_null(strstr(e->message, "secretsecret12"));
	g_unlink(unknown);
}

static void test_copy(void)
{
	g_autoptr(ItniConfig) c = itni_config_new();
	itni_config_set_portal(c, "192.0.2.1", 0);
	itni_config_set_target(c, "iqn.2024-01.org.example:x");
	itni_config_set_chap(c, "u", "secretsecret12");
	itni_config_set_connections(c, 99);
	g_autoptr(ItniConfig) d = itni_config_copy(c);
	itni_config_set_chap(c, "v", "othersecret12");
	g_assert_cmpstr(d->user, ==, "u");
	g_assert_cmpstr(d->secret, ==, "secretsecret12");
	g_assert_cmpuint(itni_config_get_port(d), ==, 3260);
	g_assert_cmpuint(itni_config_get_connections(d), ==, ITNI_MAX_CONNECTIONS);
	g_assert_true(g_str_has_prefix(itni_config_get_initiator_name(d), "iqn."));
}

/* itni_config_equal: a copy is equal; any one login setting makes a
 * difference, a secret included. */
static void test_equal(void)
{
	g_autoptr(ItniConfig) c = itni_config_new();
	g_assert_true(itni_config_set_url(c, "iscsi://u%secretsecret12@192.0.2.1:3261/iqn.2024-01.org.example:x/0", NULL));
	g_autoptr(ItniConfig) d = itni_config_copy(c);
	g_assert_true(itni_config_equal(c, d));
	itni_config_set_chap(d, "u", "secretsecret13");
	g_assert_false(itni_config_equal(c, d));
	itni_config_set_chap(d, "u", "secretsecret12");
	g_assert_true(itni_config_equal(c, d));
	itni_config_set_portal(d, "192.0.2.1", 3262);
	g_assert_false(itni_config_equal(c, d));
	itni_config_set_portal(d, "192.0.2.1", 3261);
	itni_config_set_connections(d, 2);
	g_assert_false(itni_config_equal(c, d));
	itni_config_set_connections(d, 1);
	itni_config_set_initiator_name(d, "iqn.2024-01.org.example:other");
	g_assert_false(itni_config_equal(c, d));
	itni_config_set_initiator_name(d, NULL);
	g_assert_true(itni_config_equal(c, d));
	itni_config_set_digests(d, TRUE, FALSE);
	g_assert_false(itni_config_equal(c, d));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/initiator/config/url", test_url);
	g_test_add_func("/initiator/config/portal-url", test_portal_url);
	g_test_add_func("/initiator/config/bad-url", test_bad_url);
	g_test_add_func("/initiator/config/chap-defaults", test_chap_defaults);
	g_test_add_func("/initiator/config/environment", test_environment);
	g_test_add_func("/initiator/config/secrets-file", test_secrets_file);
	g_test_add_func("/initiator/config/secrets-file-refused", test_secrets_file_refused);
	g_test_add_func("/initiator/config/copy", test_copy);
	g_test_add_func("/initiator/config/equal", test_equal);
	return g_test_run();
}
