/* config-xml-doc.h: configuration documents as bytes and trees: bounded
 * reading of a file, parsing without network, entities or DTD (first error
 * with its line), validation against the compiled-in RelaxNG schemas, and
 * the rule that files holding secrets are private. */
#ifndef ITN_CONFIG_XML_DOC_H
#define ITN_CONFIG_XML_DOC_H

#include <glib.h>
#include <libxml/tree.h>
#include <sys/stat.h>

G_BEGIN_DECLS

/* The whole file, at most TGT_CONFIG_FILE_MAX bytes, NUL-terminated, with
 * its status from the same descriptor.  Free with tgt_xml_wipe_free(). */
char *tgt_xml_read_file (const char *path, struct stat *st, gsize *len_out, GError **error);
void tgt_xml_wipe_free (char *buf, gsize len);

/* A well-formed document without DOCTYPE, or NULL with "NAME:LINE: ...". */
xmlDoc *tgt_xml_doc_parse (const char *data, gsize len, const char *name, GError **error);

/* Against data/target.rng, or data/target-secrets.rng when `secrets`. */
gboolean tgt_xml_doc_validate (xmlDoc *doc, const char *name, gboolean secrets, GError **error);

/* TGT_ERROR_PERMISSION unless the file has no group or other permission. */
gboolean tgt_xml_check_private (const char *path, const struct stat *st, GError **error);

G_END_DECLS

#endif /* ITN_CONFIG_XML_DOC_H */
