/* One line of analyzer output: an ordered list of named fields plus the
 * problems found, printed either as text for people or as one JSON object
 * (JSON lines) for scripts. */
#pragma once
#include <stdio.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct AnaRecord AnaRecord;

/* kind: "pdu", "isns", "event" or "stats"; time: seconds since the first
 * packet; flow: "src:port > dst:port" (NULL for none). */
AnaRecord *ana_record_new(const char *kind, double time, const char *flow);
void ana_record_free(AnaRecord *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AnaRecord, ana_record_free)

void ana_record_str(AnaRecord *r, const char *key, const char *value);
void ana_record_uint(AnaRecord *r, const char *key, uint64_t value);
/* Printed 0x... in text; a number in JSON. */
void ana_record_hex(AnaRecord *r, const char *key, uint64_t value);
void ana_record_double(AnaRecord *r, const char *key, double value);
/* A list of strings (text keys): "key: a b c" in text, an array in JSON. */
void ana_record_list(AnaRecord *r, const char *key, GPtrArray *values);
/* A problem found by the checks. */
void ana_record_error(AnaRecord *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
guint ana_record_n_errors(const AnaRecord *r);

void ana_record_print(const AnaRecord *r, FILE *out, gboolean json);

/* JSON string literal of s (any bytes; invalid UTF-8 is replaced). */
void ana_json_string(GString *out, const char *s);

G_END_DECLS
