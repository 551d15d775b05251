/* The rule for files that hold CHAP secrets, shared by every program that
 * reads one (itn-targetd's flags and XML, itnctl, the initiator library):
 * design brief, "files holding them are refused if readable by others".
 * It lives here because libiscsi-name is the lowest library all of them
 * link, and iSCSI URLs (this library's) are the other place secrets come
 * from. */
#pragma once
#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

/* TRUE if st (from fstat() of the open file, so that the check and the read
 * see the same inode) is a regular file with no group or other permission
 * bits.  Otherwise INAME_ERROR_SECRETS_FILE with a message that names path
 * and, for a loose mode, the mode and the fix (chmod 600). */
gboolean iname_secrets_file_check(const char *path, const struct stat *st, GError **error);

G_END_DECLS
