/* Analyzer output records, see ana-record.h. */
#include "config.h"
#include "analyzer/ana-record.h"
#include <string.h>

typedef enum { F_STR, F_UINT, F_HEX, F_DOUBLE, F_LIST } FieldType;

typedef struct {
	char *key;
	FieldType type;
	char *str;
	uint64_t num;
	double dbl;
	GPtrArray *list;
} Field;

struct AnaRecord {
	char *kind;
	double time;
	char *flow;
	GArray *fields;    /* Field */
	GPtrArray *errors; /* char * */
};

static void field_clear(gpointer p)
{
	Field *f = p;

	g_free(f->key);
	g_free(f->str);
	if (f->list)
		g_ptr_array_unref(f->list);
}

AnaRecord *ana_record_new(const char *kind, double time, const char *flow)
{
	AnaRecord *r = g_new0(AnaRecord, 1);

	r->kind = g_strdup(kind);
	r->time = time;
	r->flow = g_strdup(flow);
	r->fields = g_array_new(FALSE, TRUE, sizeof(Field));
	g_array_set_clear_func(r->fields, field_clear);
	r->errors = g_ptr_array_new_with_free_func(g_free);
	return r;
}

void ana_record_free(AnaRecord *r)
{
	if (!r)
		return;
	g_free(r->kind);
	g_free(r->flow);
	g_array_unref(r->fields);
	g_ptr_array_unref(r->errors);
	g_free(r);
}

static Field *add(AnaRecord *r, const char *key, FieldType type)
{
	Field f = { .key = g_strdup(key), .type = type };

	g_array_append_val(r->fields, f);
	return &g_array_index(r->fields, Field, r->fields->len - 1);
}

void ana_record_str(AnaRecord *r, const char *key, const char *value)
{
	add(r, key, F_STR)->str = g_strdup(value);
}

void ana_record_uint(AnaRecord *r, const char *key, uint64_t value)
{
	add(r, key, F_UINT)->num = value;
}

void ana_record_hex(AnaRecord *r, const char *key, uint64_t value)
{
	add(r, key, F_HEX)->num = value;
}

void ana_record_double(AnaRecord *r, const char *key, double value)
{
	add(r, key, F_DOUBLE)->dbl = value;
}

void ana_record_list(AnaRecord *r, const char *key, GPtrArray *values)
{
	add(r, key, F_LIST)->list = g_ptr_array_ref(values);
}

void ana_record_error(AnaRecord *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(r->errors, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

guint ana_record_n_errors(const AnaRecord *r)
{
	return r->errors->len;
}

void ana_json_string(GString *out, const char *s)
{
	g_autofree char *valid = g_utf8_make_valid(s, -1);

	/* RFC 8259 sec. 7: quote and backslash escaped, control bytes as
	 * six-character escapes; the rest is valid UTF-8 by now, as is. */
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *) valid; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p >= 0x20 && *p != 0x7f)
			g_string_append_c(out, (char) *p);
		else
			g_string_append_printf(out, "\\u%04x", *p);
	}
	g_string_append_c(out, '"');
}

/* Text values are shown bare unless they hold blanks or control bytes. */
static void text_value(GString *out, const char *s)
{
	gboolean quote = FALSE;

	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == 0x7f)
			quote = TRUE;
	if (!quote && *s)
		g_string_append(out, s);
	else
		ana_json_string(out, s);
}

static void print_text(const AnaRecord *r, GString *out)
{
	g_string_append_printf(out, "%.6f", r->time);
	if (r->flow)
		g_string_append_printf(out, " %s", r->flow);
	for (guint i = 0; i < r->fields->len; i++) {
		const Field *f = &g_array_index(r->fields, Field, i);

		g_string_append_c(out, ' ');
		/* The first field ("opcode", "function", "event") is the line's
		 * headline: shown without its key. */
		if (i > 0 && f->type != F_LIST)
			g_string_append_printf(out, "%s=", f->key);
		switch (f->type) {
		case F_STR:
			if (i == 0)
				g_string_append(out, f->str);
			else
				text_value(out, f->str);
			break;
		case F_UINT: g_string_append_printf(out, "%" G_GUINT64_FORMAT, f->num); break;
		case F_HEX: g_string_append_printf(out, "0x%" G_GINT64_MODIFIER "x", f->num); break;
		case F_DOUBLE: g_string_append_printf(out, "%.6f", f->dbl); break;
		case F_LIST:
			g_string_append_printf(out, "%s:", f->key);
			for (guint j = 0; j < f->list->len; j++) {
				g_string_append_c(out, ' ');
				text_value(out, g_ptr_array_index(f->list, j));
			}
			break;
		}
	}
	for (guint i = 0; i < r->errors->len; i++)
		g_string_append_printf(out, " !! %s", (const char *) g_ptr_array_index(r->errors, i));
}

static void print_json(const AnaRecord *r, GString *out)
{
	g_string_append(out, "{\"kind\":");
	ana_json_string(out, r->kind);
	g_string_append_printf(out, ",\"time\":%.6f", r->time);
	if (r->flow) {
		g_string_append(out, ",\"flow\":");
		ana_json_string(out, r->flow);
	}
	for (guint i = 0; i < r->fields->len; i++) {
		const Field *f = &g_array_index(r->fields, Field, i);

		g_string_append_c(out, ',');
		ana_json_string(out, f->key);
		g_string_append_c(out, ':');
		switch (f->type) {
		case F_STR: ana_json_string(out, f->str); break;
		case F_UINT:
		case F_HEX: g_string_append_printf(out, "%" G_GUINT64_FORMAT, f->num); break;
		case F_DOUBLE: g_string_append_printf(out, "%.6f", f->dbl); break;
		case F_LIST:
			g_string_append_c(out, '[');
			for (guint j = 0; j < f->list->len; j++) {
				if (j)
					g_string_append_c(out, ',');
				ana_json_string(out, g_ptr_array_index(f->list, j));
			}
			g_string_append_c(out, ']');
			break;
		}
	}
	if (r->errors->len) {
		g_string_append(out, ",\"errors\":[");
		for (guint i = 0; i < r->errors->len; i++) {
			if (i)
				g_string_append_c(out, ',');
			ana_json_string(out, g_ptr_array_index(r->errors, i));
		}
		g_string_append_c(out, ']');
	}
	g_string_append_c(out, '}');
}

void ana_record_print(const AnaRecord *r, FILE *out, gboolean json)
{
	g_autoptr(GString) s = g_string_new(NULL);

	if (json)
		print_json(r, s);
	else
		print_text(r, s);
	g_string_append_c(s, '\n');
	fwrite(s->str, 1, s->len, out);
}
