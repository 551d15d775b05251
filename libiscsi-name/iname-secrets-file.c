/* The permission check for secrets files (see iname-secrets-file.h). */
#include "config.h"

#include "libiscsi-name/iname-error.h"
#include "libiscsi-name/iname-secrets-file.h"

gboolean iname_secrets_file_check(const char *path, const struct stat *st, GError **error)
{
	/* A FIFO or device could block or change between reads; only a plain
	 * file has a mode that says who can read it. */
	if (!S_ISREG(st->st_mode)) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_SECRETS_FILE,
			    "%s: holds CHAP secrets but is not a regular file", path);
		return FALSE;
	}
	/* Any group or other bit refuses the file, write and execute too:
	 * someone who may write the file may change the secret. */
	if ((st->st_mode & 077) != 0) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_SECRETS_FILE,
			    "%s: holds CHAP secrets but its mode is %04o; it must not be accessible by group or others (chmod 600)",
			    path, (unsigned) (st->st_mode & 07777));
		return FALSE;
	}
	return TRUE;
}
