/* config-xml-walk.h: a table-driven walker over libxml2 trees, with the
 * error messages the configuration files promise: "FILE:LINE: element X:
 * what was expected".
 *
 * Each element a parent may hold has a row (TgtXmlElem): its attributes
 * (and which are required), whether it may appear more than once, whether
 * it holds text, children or nothing, and the function that reads it.
 * tgt_xml_walk_children() checks a node's children against the rows, so
 * that unknown elements and attributes, duplicates of a once-only element,
 * stray text and malformed numbers or booleans are reported with their
 * line before a reader sees them.  Used by config-xml.c for target.xml and
 * its secrets file. */
#ifndef ITN_CONFIG_XML_WALK_H
#define ITN_CONFIG_XML_WALK_H

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

typedef enum {
  TGT_XML_ATTR_TEXT,    /* any string */
  TGT_XML_ATTR_TOKEN,   /* non-empty, no surrounding blanks */
  TGT_XML_ATTR_UINT,    /* decimal, 0..2^32-1 */
  TGT_XML_ATTR_BOOL,    /* true, false, 1, 0 (XML Schema boolean) */
  TGT_XML_ATTR_SECRET,  /* any string, never quoted in a message */
} TgtXmlAttrKind;

typedef struct {
  const char *name;
  TgtXmlAttrKind kind;
  gboolean required;
} TgtXmlAttr;

/* LEAF: no content; TEXTUAL: text only (the function reads it);
 * CONTAINER: the function walks the children with its own table. */
typedef enum { TGT_XML_LEAF, TGT_XML_TEXTUAL, TGT_XML_CONTAINER } TgtXmlElemKind;

/* The walker's state as it sees it; callers embed it as the first member
 * of their own state and cast back in their element functions. */
typedef struct {
  const char *file;     /* name in messages */
} TgtXmlWalk;

typedef gboolean (*TgtXmlElemFunc) (TgtXmlWalk *w, xmlNode *node, gpointer obj, GError **error);

typedef struct {
  const char *name;
  const TgtXmlAttr *attrs;  /* { NULL }-terminated; NULL: func checks them */
  gboolean once;            /* at most one per parent */
  TgtXmlElemKind kind;
  TgtXmlElemFunc func;
} TgtXmlElem;

/* The node's line, 0 when unknown. */
int tgt_xml_line (xmlNode *node);

/* Set "FILE:LINE: element ELEMENT: MESSAGE" (or "FILE: MESSAGE" when
 * element is NULL) in TGT_ERROR with `code`; return FALSE. */
gboolean tgt_xml_fail_line (TgtXmlWalk *w, int line, const char *element, GError **error, int code,
                            const char *fmt, ...) G_GNUC_PRINTF (6, 7);
gboolean tgt_xml_fail_at (TgtXmlWalk *w, xmlNode *node, GError **error, int code, const char *fmt, ...)
  G_GNUC_PRINTF (5, 6);

/* Attribute value (g_malloc'd) or NULL; libxml2's copy is wiped. */
char *tgt_xml_attr (xmlNode *node, const char *name);
/* Wipes and frees a string that may hold a secret. */
void tgt_xml_secret_free (char *s);

gboolean tgt_xml_parse_uint (const char *s, guint64 max, guint64 *out);
gboolean tgt_xml_parse_bool (const char *s, gboolean *out);

/* Every attribute known and well-formed, every required one present. */
gboolean tgt_xml_check_attrs (TgtXmlWalk *w, xmlNode *node, const TgtXmlAttr *attrs, GError **error);
/* Optional attributes: *out untouched when absent; range-checked. */
gboolean tgt_xml_get_uint (TgtXmlWalk *w, xmlNode *node, const char *name, guint min, guint max, guint *out,
                           GError **error);
gboolean tgt_xml_get_bool (xmlNode *node, const char *name, gboolean *out);

/* Check parent's children against `specs` ({ NULL }-terminated) and call
 * each row's function with obj. */
gboolean tgt_xml_walk_children (TgtXmlWalk *w, xmlNode *parent, const TgtXmlElem *specs, gpointer obj,
                                GError **error);

G_END_DECLS

#endif /* ITN_CONFIG_XML_WALK_H */
