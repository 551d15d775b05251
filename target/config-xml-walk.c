/* config-xml-walk.c: the table-driven element walker (config-xml-walk.h). */
#include "config.h"

#include "target/config-xml-walk.h"

#include <string.h>

#include "target/tgt-config.h"

int
tgt_xml_line (xmlNode *node)
{
  long l = xmlGetLineNo (node);
  return l > 0 && l < G_MAXINT ? (int) l : 0;
}

/* "FILE:LINE: element NAME: MESSAGE" (or "FILE: MESSAGE" without a line);
 * always FALSE, so that callers can return it. */
static gboolean
fail_va (const char *file, int line, const char *element, GError **error, int code, const char *fmt, va_list ap)
{
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  if (element != NULL)
    g_set_error (error, TGT_ERROR, code, "%s:%d: element %s: %s", file, line, element, msg);
  else
    g_set_error (error, TGT_ERROR, code, "%s: %s", file, msg);
  return FALSE;
}

gboolean
tgt_xml_fail_line (TgtXmlWalk *w, int line, const char *element, GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_va (w->file, line, element, error, code, fmt, ap);
  va_end (ap);
  return FALSE;
}

gboolean
tgt_xml_fail_at (TgtXmlWalk *w, xmlNode *node, GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_va (w->file, node != NULL ? tgt_xml_line (node) : 0, node != NULL ? (const char *) node->name : NULL, error, code,
           fmt, ap);
  va_end (ap);
  return FALSE;
}

/* Attribute value as a g_malloc'd string (NULL when absent).  Secrets are
 * wiped when freed with secret_free(). */
char *
tgt_xml_attr (xmlNode *node, const char *name)
{
  xmlChar *v = xmlGetNoNsProp (node, (const xmlChar *) name);
  if (v == NULL)
    return NULL;
  char *s = g_strdup ((const char *) v);
  memset (v, 0, strlen ((const char *) v));
  xmlFree (v);
  return s;
}

void
tgt_xml_secret_free (char *s)
{
  if (s == NULL)
    return;
  volatile char *p = s;
  while (*p != '\0')
    *p++ = '\0';
  g_free (s);
}

gboolean
tgt_xml_parse_uint (const char *s, guint64 max, guint64 *out)
{
  guint64 v = 0;
  if (s == NULL || !g_ascii_isdigit (*s))
    return FALSE;
  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isdigit (*s))
        return FALSE;
      v = v * 10 + (guint64) (*s - '0');
      if (v > max)
        return FALSE;
    }
  *out = v;
  return TRUE;
}

/* XML Schema booleans (the datatype the schema uses). */
gboolean
tgt_xml_parse_bool (const char *s, gboolean *out)
{
  if (g_strcmp0 (s, "true") == 0 || g_strcmp0 (s, "1") == 0)
    *out = TRUE;
  else if (g_strcmp0 (s, "false") == 0 || g_strcmp0 (s, "0") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static char *
spec_names (const TgtXmlAttr *attrs)
{
  GString *s = g_string_new (NULL);
  for (const TgtXmlAttr *a = attrs; a->name != NULL; a++)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", a->name);
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

/* Every attribute known and well-formed, every required one present. */
gboolean
tgt_xml_check_attrs (TgtXmlWalk *w, xmlNode *node, const TgtXmlAttr *attrs, GError **error)
{
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    {
      const TgtXmlAttr *spec = NULL;
      for (const TgtXmlAttr *s = attrs; s->name != NULL; s++)
        if (strcmp (s->name, (const char *) a->name) == 0)
          spec = s;
      if (spec == NULL)
        {
          g_autofree char *names = spec_names (attrs);
          return tgt_xml_fail_at (w, node, error, TGT_ERROR_INVALID, "unexpected attribute '%s' (expected: %s)",
                          (const char *) a->name, names);
        }
      if (spec->kind == TGT_XML_ATTR_SECRET || spec->kind == TGT_XML_ATTR_TEXT)
        continue;
      g_autofree char *v = tgt_xml_attr (node, spec->name);
      guint64 u;
      gboolean b;
      if (spec->kind == TGT_XML_ATTR_UINT && !tgt_xml_parse_uint (v, G_MAXUINT32, &u))
        return tgt_xml_fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected a number, got '%s'",
                        spec->name, v);
      if (spec->kind == TGT_XML_ATTR_BOOL && !tgt_xml_parse_bool (v, &b))
        return tgt_xml_fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected true or false, got '%s'",
                        spec->name, v);
      if (spec->kind == TGT_XML_ATTR_TOKEN && (v[0] == '\0' || g_ascii_isspace (v[0]) || g_ascii_isspace (v[strlen (v) - 1])))
        return tgt_xml_fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected a non-empty value without surrounding blanks",
                        spec->name);
    }
  for (const TgtXmlAttr *s = attrs; s->name != NULL; s++)
    if (s->required && xmlHasNsProp (node, (const xmlChar *) s->name, NULL) == NULL)
      return tgt_xml_fail_at (w, node, error, TGT_ERROR_INVALID, "expected attribute '%s'", s->name);
  return TRUE;
}

gboolean
tgt_xml_get_uint (TgtXmlWalk *w, xmlNode *node, const char *name, guint min, guint max, guint *out, GError **error)
{
  g_autofree char *v = tgt_xml_attr (node, name);
  guint64 u;
  if (v == NULL)
    return TRUE;
  if (!tgt_xml_parse_uint (v, G_MAXUINT32, &u) || u < min || u > max)
    return tgt_xml_fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': '%s' is not a number in %u..%u", name, v,
                    min, max);
  *out = (guint) u;
  return TRUE;
}

gboolean
tgt_xml_get_bool (xmlNode *node, const char *name, gboolean *out)
{
  g_autofree char *v = tgt_xml_attr (node, name);
  return v == NULL || tgt_xml_parse_bool (v, out);
}

/* Children: known elements through their row, comments ignored, text only
 * where the row allows it (whitespace is always fine). */
gboolean
tgt_xml_walk_children (TgtXmlWalk *w, xmlNode *parent, const TgtXmlElem *specs, gpointer obj, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (xmlNode *n = parent->children; n != NULL; n = n->next)
    {
      if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
        continue;
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        {
          if (!xmlIsBlankNode (n))
            return tgt_xml_fail_at (w, parent, error, TGT_ERROR_INVALID, "unexpected text");
          continue;
        }
      if (n->type != XML_ELEMENT_NODE)
        return tgt_xml_fail_at (w, parent, error, TGT_ERROR_INVALID, "unexpected content (entity or DTD node)");
      const TgtXmlElem *spec = NULL;
      for (const TgtXmlElem *s = specs; s != NULL && s->name != NULL; s++)
        if (strcmp (s->name, (const char *) n->name) == 0)
          spec = s;
      if (spec == NULL || n->ns != NULL)
        {
          GString *names = g_string_new (NULL);
          for (const TgtXmlElem *s = specs; s != NULL && s->name != NULL; s++)
            g_string_append_printf (names, "%s%s", names->len ? ", " : "", s->name);
          g_autofree char *list = g_string_free (names, names->len == 0);
          return tgt_xml_fail_at (w, n, error, TGT_ERROR_INVALID, "unexpected inside <%s> (expected: %s)",
                          (const char *) parent->name, list != NULL ? list : "no elements");
        }
      if (spec->once)
        {
          gpointer first = g_hash_table_lookup (seen, spec->name);
          if (first != NULL)
            return tgt_xml_fail_at (w, n, error, TGT_ERROR_EXISTS, "only one allowed inside <%s> (first at line %d)",
                            (const char *) parent->name, GPOINTER_TO_INT (first));
          g_hash_table_insert (seen, (gpointer) spec->name, GINT_TO_POINTER (MAX (tgt_xml_line (n), 1)));
        }
      if (spec->attrs != NULL && !tgt_xml_check_attrs (w, n, spec->attrs, error))
        return FALSE;
      /* An empty table reports any text or element inside a leaf. */
      if (spec->kind == TGT_XML_LEAF && !tgt_xml_walk_children (w, n, (const TgtXmlElem[]) { { NULL } }, NULL, error))
        return FALSE;
      if (spec->func != NULL && !spec->func (w, n, obj, error))
        return FALSE;
    }
  return TRUE;
}

