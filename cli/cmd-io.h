/* What the initiator commands of itnctl share (discover, inquiry, readcap,
 * read, write, dd, perf): the common options, CHAP secrets from the URL, a
 * 0600 file or the environment, and logging in. */
#pragma once
#include <glib.h>

#include "initiator/itni.h"

/* Options every initiator command takes. */
typedef struct {
	const char *url;
	const char *secrets;    /* --secrets FILE (mode 0600) */
	const char *initiator;  /* --initiator-name IQN */
	guint connections;      /* --connections N */
} CliTargetOpts;

/* If argv[*i] is a common option, consume it (and its value) and return
 * TRUE; on a missing value set *rc to a usage error. */
gboolean cli_io_common_option(int argc, char **argv, int *i, CliTargetOpts *o, const char *usage, int *rc);
/* "4096", "4k", "16M", "1G", "1T" (powers of 1024) -> bytes. */
gboolean cli_parse_size(const char *s, guint64 *out);
/* The config for o->url with secrets applied from the file and the
 * environment.  need_lun: the URL must name a target (and LUN). */
ItniConfig *cli_io_config(const CliTargetOpts *o, gboolean need_target, GError **error);
/* Log in; the caller frees the session (which logs out). */
ItniSession *cli_io_login(ItniContext *ctx, const ItniConfig *cfg, GError **error);
/* The LUN of the URL, or -1 with a usage message printed. */
int cli_io_lun(const ItniConfig *cfg);
/* Common help lines. */
#define CLI_IO_COMMON_HELP \
	"  --secrets FILE         CHAP names/secrets (username=, password=, target_username=,\n" \
	"                         target_password=), a file readable only by its owner\n" \
	"  --initiator-name IQN   our iSCSI name (default: stable, from the machine id)\n" \
	"  Secrets may also come from the URL (user%%secret@) or the environment:\n" \
	"  ITN_CHAP_USERNAME, ITN_CHAP_PASSWORD, ITN_CHAP_TARGET_USERNAME,\n" \
	"  ITN_CHAP_TARGET_PASSWORD, or libiscsi's LIBISCSI_CHAP_* names.\n"

/* Block-aligned transfers between a LUN and a file descriptor, in chunks,
 * with read-modify-write of partial first/last blocks (cmd-io.c). */
gboolean cli_io_lun_to_fd(ItniSession *s, guint64 lun, const ItniCapacity *cap, guint64 offset,
			  guint64 length, int fd, guint64 *done, GError **error);
gboolean cli_io_fd_to_lun(ItniSession *s, guint64 lun, const ItniCapacity *cap, guint64 offset,
			  guint64 limit, int fd, guint64 *done, GError **error);

/* Rows printed as a table for people or as a JSON array for scripts, with
 * one call per field (cmd-io.c).  At most CLI_ROWS_MAX_COLS columns. */
#define CLI_ROWS_MAX_COLS 8
typedef struct CliRows CliRows;
/* headers: NULL-terminated column titles; array_key: the JSON array name. */
CliRows *cli_rows_new(const char *array_key, const char *const *headers);
void cli_rows_begin(CliRows *r);
void cli_rows_str(CliRows *r, const char *key, const char *value);
void cli_rows_int(CliRows *r, const char *key, gint64 value);
void cli_rows_bool(CliRows *r, const char *key, gboolean value);
void cli_rows_end(CliRows *r);
/* Print and free. */
void cli_rows_print(CliRows *r);
