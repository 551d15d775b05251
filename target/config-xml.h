/* config-xml.h: the file form of itn-targetd's configuration (target.xml).
 *
 * A file is read into the model of tgt-config.h.  It is checked three ways,
 * and every error names the file and the line: the element walker of
 * config-xml.c (structure and values, with a precise message: "target.xml:12:
 * element lun: expected attribute 'backstore'"), the RelaxNG schema shipped
 * as data/target.rng (compiled in, so the daemon checks against the schema it
 * was built with), and the semantic rules a schema cannot say (IQN syntax,
 * duplicates, secret length, file permissions).
 *
 * CHAP secrets are either inline (then the file must not be readable by
 * group or others) or in a separate 0600 secrets file named by
 * <secrets file="..."/> (schema data/target-secrets.rng).  No message ever
 * contains a secret.
 */
#ifndef ITN_CONFIG_XML_H
#define ITN_CONFIG_XML_H

#include <glib.h>

#include "target/tgt-config.h"
#include "target/config-values.h"

G_BEGIN_DECLS

/* A configuration or secrets file larger than this is refused before it is
 * read: a hand-written target.xml for thousands of LUNs is well below it. */
#define TGT_CONFIG_FILE_MAX (4 * 1024 * 1024)

/* Where a loaded configuration came from: what write-back needs to write it
 * the same way (config-write.h). */
typedef struct {
  char *path;          /* the configuration file, as given */
  char *secrets_ref;   /* <secrets file="..."/> as written, or NULL */
  char *secrets_path;  /* secrets_ref resolved against path's directory */
} TgtConfigSource;

void tgt_config_source_clear (TgtConfigSource *src);

/* Read, check and convert PATH.  src_out (nullable) receives where the
 * configuration came from.  Errors: TGT_ERROR_INVALID (syntax, schema,
 * semantics), TGT_ERROR_EXISTS (duplicates), TGT_ERROR_NOT_FOUND (reference
 * to something undefined), TGT_ERROR_PERMISSION (secrets readable by
 * others), TGT_ERROR_IO (cannot read). */
TgtConfig *tgt_config_xml_load (const char *path, TgtConfigSource *src_out, GError **error);

/* The same from memory, for fuzzing and tests: `name` is used in messages,
 * no other file is opened (a <secrets file> element is an error) and no
 * permission check is made. */
TgtConfig *tgt_config_xml_parse (const char *data, gsize len, const char *name, GError **error);

/* The two schemas, compiled in from data/ (GResource). */
GBytes *tgt_config_xml_schema (gboolean secrets);

G_END_DECLS

#endif /* ITN_CONFIG_XML_H */
