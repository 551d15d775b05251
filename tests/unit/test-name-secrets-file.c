/* iname_secrets_file_check: the one rule for files holding CHAP secrets
 * (design brief: refused if readable by others), on real files. */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libiscsi-name/iname.h"

static char *dir;

static char *make_file(const char *name, mode_t mode)
{
	char *path = g_build_filename(dir, name, NULL);
	g_assert_true(g_file_set_contents(path, "secret\n", -1, NULL));
	g_assert_cmpint(chmod(path, mode), ==, 0);
	return path;
}

static gboolean check(const char *path, GError **error)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(fstat(fd, &st), ==, 0);
	close(fd);
	return iname_secrets_file_check(path, &st, error);
}

static void test_private_modes(void)
{
	static const mode_t ok[] = { 0600, 0400, 0700, 0000 };
	for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
		g_autofree char *p = make_file("ok", ok[i]);
		g_autoptr(GError) e = NULL;
		g_assert_true(check(p, &e));
		g_assert_no_error(e);
		g_unlink(p);
	}
}

/* Every single group or other bit is enough to refuse, and the message
 * names the file, its mode and the fix. */
static void test_loose_modes(void)
{
	static const mode_t bad[] = { 0640, 0604, 0620, 0602, 0610, 0601, 0644, 0666 };
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *p = make_file("loose", bad[i]);
		g_autoptr(GError) e = NULL;
		g_assert_false(check(p, &e));
		g_assert_error(e, INAME_ERROR, INAME_ERROR_SECRETS_FILE);
		g_autofree char *mode = g_strdup_printf("mode is %04o", (unsigned) bad[i]);
		g_assert_nonnull(strstr(e->message, p));
		g_assert_nonnull(strstr(e->message, mode));
		g_assert_nonnull(strstr(e->message, "chmod 600"));
		/* The secret itself is never quoted. */
		g_assert_null(strstr(e->message, "secret\n"));
		g_unlink(p);
	}
}

static void test_not_regular(void)
{
	g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	g_autoptr(GError) e = NULL;
	g_assert_false(check(fifo, &e));
	g_assert_error(e, INAME_ERROR, INAME_ERROR_SECRETS_FILE);
	g_assert_nonnull(strstr(e->message, "not a regular file"));
	g_unlink(fifo);
	/* A directory of mode 0700 is still not a secrets file. */
	g_clear_error(&e);
	g_assert_false(check(dir, &e));
	g_assert_error(e, INAME_ERROR, INAME_ERROR_SECRETS_FILE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	dir = g_dir_make_tmp("test-name-secrets-XXXXXX", NULL);
	g_assert_nonnull(dir);
	g_test_add_func("/name/secrets-file/private-modes", test_private_modes);
	g_test_add_func("/name/secrets-file/loose-modes", test_loose_modes);
	g_test_add_func("/name/secrets-file/not-regular", test_not_regular);
	int rc = g_test_run();
	g_rmdir(dir);
	g_free(dir);
	return rc;
}
