#include "config.h"
#include "cli-output.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

gboolean cli_json = FALSE;

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("itnctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return CLI_EXIT_FAIL;
}

int cli_fail_error(const GError *error)
{
	return cli_fail("%s", error ? error->message : "unknown error");
}

int cli_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("itnctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (usage)
		fprintf(stderr, "usage: %s\n", usage);
	return CLI_EXIT_USAGE;
}

void cli_json_init(CliJson *j)
{
	memset(j, 0, sizeof *j);
	j->out = g_string_new(NULL);
}

static void json_escape(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		switch (*p) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		case '\t': g_string_append(out, "\\t"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char) *p);
		}
	}
	g_string_append_c(out, '"');
}

/* Separator and key for the next value at the current depth. */
static void json_prefix(CliJson *j, const char *key)
{
	if (j->need_comma[j->depth])
		g_string_append_c(j->out, ',');
	j->need_comma[j->depth] = TRUE;
	if (key) {
		json_escape(j->out, key);
		g_string_append_c(j->out, ':');
	}
}

static void json_open(CliJson *j, const char *key, char c)
{
	json_prefix(j, key);
	g_string_append_c(j->out, c);
	g_assert(j->depth + 1 < (int) G_N_ELEMENTS(j->need_comma));
	j->need_comma[++j->depth] = FALSE;
}

static void json_close(CliJson *j, char c)
{
	g_assert(j->depth > 0);
	j->depth--;
	g_string_append_c(j->out, c);
}

void cli_json_begin_object(CliJson *j, const char *key) { json_open(j, key, '{'); }
void cli_json_end_object(CliJson *j) { json_close(j, '}'); }
void cli_json_begin_array(CliJson *j, const char *key) { json_open(j, key, '['); }
void cli_json_end_array(CliJson *j) { json_close(j, ']'); }

void cli_json_string(CliJson *j, const char *key, const char *value)
{
	json_prefix(j, key);
	if (value)
		json_escape(j->out, value);
	else
		g_string_append(j->out, "null");
}

void cli_json_int(CliJson *j, const char *key, gint64 value)
{
	json_prefix(j, key);
	g_string_append_printf(j->out, "%" G_GINT64_FORMAT, value);
}

void cli_json_double(CliJson *j, const char *key, double value)
{
	json_prefix(j, key);
	g_string_append_printf(j->out, "%.3f", value);
}

void cli_json_bool(CliJson *j, const char *key, gboolean value)
{
	json_prefix(j, key);
	g_string_append(j->out, value ? "true" : "false");
}

void cli_json_print(CliJson *j)
{
	fputs(j->out->str, stdout);
	fputc('\n', stdout);
	g_string_free(j->out, TRUE);
	j->out = NULL;
}

struct CliTable {
	guint ncols;
	GPtrArray *rows; /* of char ** (ncols strings) */
};

CliTable *cli_table_new(guint ncols, ...)
{
	CliTable *t = g_new0(CliTable, 1);
	t->ncols = ncols;
	t->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
	char **row = g_new0(char *, ncols + 1);
	va_list ap;
	va_start(ap, ncols);
	for (guint i = 0; i < ncols; i++)
		row[i] = g_strdup(va_arg(ap, const char *));
	va_end(ap);
	g_ptr_array_add(t->rows, row);
	return t;
}

void cli_table_add(CliTable *t, ...)
{
	char **row = g_new0(char *, t->ncols + 1);
	va_list ap;
	va_start(ap, t);
	for (guint i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		row[i] = g_strdup(s ? s : "-");
	}
	va_end(ap);
	g_ptr_array_add(t->rows, row);
}

void cli_table_print(CliTable *t)
{
	g_autofree gsize *width = g_new0(gsize, t->ncols);
	for (guint r = 0; r < t->rows->len; r++) {
		char **row = t->rows->pdata[r];
		for (guint c = 0; c < t->ncols; c++)
			width[c] = MAX(width[c], (gsize) g_utf8_strlen(row[c], -1));
	}
	for (guint r = 0; r < t->rows->len; r++) {
		char **row = t->rows->pdata[r];
		for (guint c = 0; c < t->ncols; c++) {
			gboolean last = c + 1 == t->ncols;
			fputs(row[c], stdout);
			if (!last)
				for (gsize pad = g_utf8_strlen(row[c], -1); pad < width[c] + 2; pad++)
					fputc(' ', stdout);
		}
		fputc('\n', stdout);
	}
	g_ptr_array_unref(t->rows);
	g_free(t);
}
