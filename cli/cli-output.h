/* itnctl's output: a one-line reason on failure, tables for people, JSON for
 * scripts.  Secrets never pass through here. */
#pragma once
#include <glib.h>

/* Exit codes: 0 success, 1 operation failed, 2 usage error. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Print "itnctl: REASON" on stderr and return CLI_EXIT_FAIL. */
int cli_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* The same for a GError (message only, never secrets). */
int cli_fail_error(const GError *error);
/* Print "itnctl: REASON" and a usage hint; return CLI_EXIT_USAGE. */
int cli_usage(const char *usage, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Global --json flag, set by itnctl.c before a command runs. */
extern gboolean cli_json;

/* A minimal JSON writer on a GString: objects, arrays, strings (escaped),
 * integers and booleans, commas handled by the writer. */
typedef struct {
	GString *out;
	int depth;
	gboolean need_comma[32];
} CliJson;

void cli_json_init(CliJson *j);
void cli_json_begin_object(CliJson *j, const char *key);
void cli_json_end_object(CliJson *j);
void cli_json_begin_array(CliJson *j, const char *key);
void cli_json_end_array(CliJson *j);
void cli_json_string(CliJson *j, const char *key, const char *value);
void cli_json_int(CliJson *j, const char *key, gint64 value);
void cli_json_double(CliJson *j, const char *key, double value);
void cli_json_bool(CliJson *j, const char *key, gboolean value);
/* Print the document with a newline to stdout and free it. */
void cli_json_print(CliJson *j);

/* A table for people: columns padded to their widest cell. */
typedef struct CliTable CliTable;
CliTable *cli_table_new(guint ncols, ...); /* header names */
void cli_table_add(CliTable *t, ...);       /* ncols strings */
void cli_table_print(CliTable *t);          /* prints and frees */
