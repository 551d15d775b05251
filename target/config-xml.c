/* config-xml.c: target.xml into the configuration model (config-xml.h).
 *
 * The walker below is table-driven: each element has a row saying which
 * attributes it takes (and which are required), whether it may appear more
 * than once, and the function that reads it into the model.  It gives the
 * precise "FILE:LINE: element X: expected attribute 'Y'" messages that
 * libxml2's RelaxNG validator cannot (inside <interleave> it reports only
 * that "content failed to validate").  The RelaxNG schema then checks the
 * same document as the published contract, and the semantic rules follow. */
#include "config.h"

#include "target/config-xml.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include "libiscsi-name/iname.h"

#define ISNS_DEFAULT_PORT 3205 /* RFC 4171 sec. 6.2 */

typedef enum { A_TEXT, A_TOKEN, A_UINT, A_BOOL, A_SECRET } AttrKind;

typedef struct {
  const char *name;
  AttrKind kind;
  gboolean required;
} AttrSpec;

/* LEAF: no content; TEXT: text only (func reads it); CONTAINER: func walks
 * the children with its own table. */
typedef enum { LEAF, TEXT, CONTAINER } ElemKind;

typedef struct Walk Walk;
typedef struct ElemSpec ElemSpec;
typedef gboolean (*ElemFunc) (Walk *w, xmlNode *node, gpointer obj, GError **error);

struct ElemSpec {
  const char *name;
  const AttrSpec *attrs;    /* NULL-terminated; NULL: func checks them */
  gboolean once;            /* at most one per parent */
  ElemKind kind;
  ElemFunc func;
};

/* A CHAP account read from the file, remembered with its line until its
 * secret is known (inline or from the secrets file). */
typedef struct {
  TgtConfigChap *chap;      /* owned by the model */
  const char *scope;        /* target IQN or "discovery" (owned by the model) */
  gboolean mutual;
  int line;
} PendingChap;

/* A <portal-group tag> reference inside a target, checked at the end so
 * that groups may be defined after the targets using them. */
typedef struct {
  guint16 tpgt;
  int line;
} PendingRef;

struct Walk {
  const char *file;         /* name in messages */
  TgtConfig *cfg;
  GHashTable *target_lines; /* normalized IQN -> line */
  GHashTable *portal_lines; /* "host|port" -> line */
  GArray *chaps;            /* of PendingChap */
  GArray *refs;             /* of PendingRef */
  gboolean inline_secrets;
  char *secrets_ref;
  int secrets_line;
  GHashTable *secrets;      /* user -> secret, from the secrets file */
};

/* An auth block being read: the policy and the name used in messages. */
typedef struct {
  TgtConfigAuth *auth;
  const char *scope;
} AuthScope;

static int
line_of (xmlNode *node)
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

static gboolean G_GNUC_PRINTF (6, 7)
fail_line (Walk *w, int line, const char *element, GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_va (w->file, line, element, error, code, fmt, ap);
  va_end (ap);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (5, 6)
fail_at (Walk *w, xmlNode *node, GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_va (w->file, node != NULL ? line_of (node) : 0, node != NULL ? (const char *) node->name : NULL, error, code,
           fmt, ap);
  va_end (ap);
  return FALSE;
}

/* Attribute value as a g_malloc'd string (NULL when absent).  Secrets are
 * wiped when freed with secret_free(). */
static char *
attr (xmlNode *node, const char *name)
{
  xmlChar *v = xmlGetNoNsProp (node, (const xmlChar *) name);
  if (v == NULL)
    return NULL;
  char *s = g_strdup ((const char *) v);
  memset (v, 0, strlen ((const char *) v));
  xmlFree (v);
  return s;
}

static void
secret_free (char *s)
{
  if (s == NULL)
    return;
  volatile char *p = s;
  while (*p != '\0')
    *p++ = '\0';
  g_free (s);
}

static gboolean
parse_uint (const char *s, guint64 max, guint64 *out)
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
static gboolean
parse_bool (const char *s, gboolean *out)
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
spec_names (const AttrSpec *attrs)
{
  GString *s = g_string_new (NULL);
  for (const AttrSpec *a = attrs; a->name != NULL; a++)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", a->name);
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

/* Every attribute known and well-formed, every required one present. */
static gboolean
check_attrs (Walk *w, xmlNode *node, const AttrSpec *attrs, GError **error)
{
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    {
      const AttrSpec *spec = NULL;
      for (const AttrSpec *s = attrs; s->name != NULL; s++)
        if (strcmp (s->name, (const char *) a->name) == 0)
          spec = s;
      if (spec == NULL)
        {
          g_autofree char *names = spec_names (attrs);
          return fail_at (w, node, error, TGT_ERROR_INVALID, "unexpected attribute '%s' (expected: %s)",
                          (const char *) a->name, names);
        }
      if (spec->kind == A_SECRET || spec->kind == A_TEXT)
        continue;
      g_autofree char *v = attr (node, spec->name);
      guint64 u;
      gboolean b;
      if (spec->kind == A_UINT && !parse_uint (v, G_MAXUINT32, &u))
        return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected a number, got '%s'",
                        spec->name, v);
      if (spec->kind == A_BOOL && !parse_bool (v, &b))
        return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected true or false, got '%s'",
                        spec->name, v);
      if (spec->kind == A_TOKEN && (v[0] == '\0' || g_ascii_isspace (v[0]) || g_ascii_isspace (v[strlen (v) - 1])))
        return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected a non-empty value without surrounding blanks",
                        spec->name);
    }
  for (const AttrSpec *s = attrs; s->name != NULL; s++)
    if (s->required && xmlHasNsProp (node, (const xmlChar *) s->name, NULL) == NULL)
      return fail_at (w, node, error, TGT_ERROR_INVALID, "expected attribute '%s'", s->name);
  return TRUE;
}

static gboolean
get_uint (Walk *w, xmlNode *node, const char *name, guint min, guint max, guint *out, GError **error)
{
  g_autofree char *v = attr (node, name);
  guint64 u;
  if (v == NULL)
    return TRUE;
  if (!parse_uint (v, G_MAXUINT32, &u) || u < min || u > max)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': '%s' is not a number in %u..%u", name, v,
                    min, max);
  *out = (guint) u;
  return TRUE;
}

static gboolean
get_bool (xmlNode *node, const char *name, gboolean *out)
{
  g_autofree char *v = attr (node, name);
  return v == NULL || parse_bool (v, out);
}

/* Children: known elements through their row, comments ignored, text only
 * where the row allows it (whitespace is always fine). */
static gboolean
walk_children (Walk *w, xmlNode *parent, const ElemSpec *specs, gpointer obj, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (xmlNode *n = parent->children; n != NULL; n = n->next)
    {
      if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
        continue;
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        {
          if (!xmlIsBlankNode (n))
            return fail_at (w, parent, error, TGT_ERROR_INVALID, "unexpected text");
          continue;
        }
      if (n->type != XML_ELEMENT_NODE)
        return fail_at (w, parent, error, TGT_ERROR_INVALID, "unexpected content (entity or DTD node)");
      const ElemSpec *spec = NULL;
      for (const ElemSpec *s = specs; s != NULL && s->name != NULL; s++)
        if (strcmp (s->name, (const char *) n->name) == 0)
          spec = s;
      if (spec == NULL || n->ns != NULL)
        {
          GString *names = g_string_new (NULL);
          for (const ElemSpec *s = specs; s != NULL && s->name != NULL; s++)
            g_string_append_printf (names, "%s%s", names->len ? ", " : "", s->name);
          g_autofree char *list = g_string_free (names, names->len == 0);
          return fail_at (w, n, error, TGT_ERROR_INVALID, "unexpected inside <%s> (expected: %s)",
                          (const char *) parent->name, list != NULL ? list : "no elements");
        }
      if (spec->once)
        {
          gpointer first = g_hash_table_lookup (seen, spec->name);
          if (first != NULL)
            return fail_at (w, n, error, TGT_ERROR_EXISTS, "only one allowed inside <%s> (first at line %d)",
                            (const char *) parent->name, GPOINTER_TO_INT (first));
          g_hash_table_insert (seen, (gpointer) spec->name, GINT_TO_POINTER (MAX (line_of (n), 1)));
        }
      if (spec->attrs != NULL && !check_attrs (w, n, spec->attrs, error))
        return FALSE;
      /* An empty table reports any text or element inside a leaf. */
      if (spec->kind == LEAF && !walk_children (w, n, (const ElemSpec[]) { { NULL } }, NULL, error))
        return FALSE;
      if (spec->func != NULL && !spec->func (w, n, obj, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- limits, isns, mdns, secrets -------------------------------------- */

static gboolean
read_limits (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    {
      const TgtConfigLimitField *f = tgt_config_limit_field_find ((const char *) a->name);
      if (f == NULL)
        {
          GString *names = g_string_new (NULL);
          for (guint i = 0; i < tgt_config_n_limit_fields; i++)
            g_string_append_printf (names, "%s%s", i ? ", " : "", tgt_config_limit_fields[i].name);
          g_autofree char *list = g_string_free (names, FALSE);
          return fail_at (w, node, error, TGT_ERROR_INVALID, "unexpected attribute '%s' (expected: %s)",
                          (const char *) a->name, list);
        }
      g_autofree char *v = attr (node, f->name);
      guint64 u = 0;
      gboolean b = FALSE;
      if (f->type == TGT_LIMIT_BOOL)
        {
          if (!parse_bool (v, &b))
            return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected true or false, got '%s'",
                            f->name, v);
          u = b;
        }
      else if (!parse_uint (v, G_MAXUINT32, &u))
        return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute '%s': expected a number, got '%s'", f->name, v);
      g_autoptr (GError) e = NULL;
      if (!tgt_config_limit_set (&w->cfg->limits, f, u, &e))
        return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute %s", e->message);
    }
  return TRUE;
}

static gboolean
read_isns (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  g_autofree char *v = attr (node, "server");
  INameTargetAddress addr = { 0 };
  g_autoptr (GError) e = NULL;
  if (!iname_target_address_parse (v, ISNS_DEFAULT_PORT, &addr, &e))
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'server': %s", e->message);
  gboolean has_tpgt = addr.tpgt >= 0;
  iname_target_address_clear (&addr);
  if (has_tpgt)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'server': expected HOST[:PORT], without a tag");
  w->cfg->isns_server = g_steal_pointer (&v);
  return TRUE;
}

static gboolean
read_mdns (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  get_bool (node, "enabled", &w->cfg->mdns);
  return TRUE;
}

static gboolean
read_secrets_ref (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  w->secrets_ref = attr (node, "file");
  w->secrets_line = line_of (node);
  if (w->secrets_ref[0] == '\0')
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'file' is empty");
  return TRUE;
}

/* ---- portal groups ---------------------------------------------------- */

static gboolean
read_portal (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  TgtConfigPortalGroup *pg = obj;
  g_autofree char *v = attr (node, "address");
  g_autoptr (GError) e = NULL;
  TgtConfigPortal *p = tgt_config_portal_parse (v, &e);
  if (p == NULL)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'address': %s", e->message);
  g_ptr_array_add (pg->portals, p);
  char *key = g_strdup_printf ("%s|%u", p->host, p->port);
  gpointer first = g_hash_table_lookup (w->portal_lines, key);
  if (first != NULL)
    {
      g_free (key);
      return fail_at (w, node, error, TGT_ERROR_EXISTS, "portal %s is already defined at line %d", v,
                      GPOINTER_TO_INT (first));
    }
  g_hash_table_insert (w->portal_lines, key, GINT_TO_POINTER (MAX (line_of (node), 1)));
  return TRUE;
}

static const AttrSpec portal_attrs[] = { { "address", A_TOKEN, TRUE }, { NULL } };
static const ElemSpec portal_group_children[] = {
  { "portal", portal_attrs, FALSE, LEAF, read_portal },
  { NULL },
};

static gboolean
read_portal_group (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  guint tag = 0;
  if (!get_uint (w, node, "tag", 0, 65535, &tag, error))
    return FALSE;
  if (tgt_config_find_portal_group (w->cfg, (guint16) tag) != NULL)
    return fail_at (w, node, error, TGT_ERROR_EXISTS, "portal group %u is defined twice", tag);
  TgtConfigPortalGroup *pg = tgt_config_portal_group_new ((guint16) tag);
  g_ptr_array_add (w->cfg->portal_groups, pg);
  if (!walk_children (w, node, portal_group_children, pg, error))
    return FALSE;
  if (pg->portals->len == 0)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "expected at least one <portal>");
  return TRUE;
}

/* ---- CHAP ------------------------------------------------------------- */

static gboolean
read_chap_common (Walk *w, xmlNode *node, AuthScope *as, gboolean mutual, GError **error)
{
  g_autofree char *user = attr (node, "user");
  /* CHAP_N is a text value (RFC 7143 sec. 12.1.3, sec. 6.1: at most 255
   * bytes for ordinary values). */
  if (user == NULL || user[0] == '\0' || strlen (user) > 255 || !g_utf8_validate (user, -1, NULL))
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'user': expected 1 to 255 bytes of UTF-8");
  for (guint i = 0; !mutual && i < as->auth->accounts->len; i++)
    if (strcmp (((TgtConfigChap *) as->auth->accounts->pdata[i])->user, user) == 0)
      return fail_at (w, node, error, TGT_ERROR_EXISTS, "%s: CHAP user '%s' is defined twice", as->scope, user);
  char *secret = attr (node, "secret");
  TgtConfigChap *chap = tgt_config_chap_new (user, NULL);
  chap->secret = secret;
  if (secret != NULL)
    w->inline_secrets = TRUE;
  if (mutual)
    as->auth->mutual = chap;
  else
    g_ptr_array_add (as->auth->accounts, chap);
  PendingChap pc = { chap, as->scope, mutual, line_of (node) };
  g_array_append_val (w->chaps, pc);
  return TRUE;
}

static gboolean
read_chap (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  return read_chap_common (w, node, obj, FALSE, error);
}

static gboolean
read_mutual_chap (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  AuthScope *as = obj;
  if (!get_bool (node, "required", &as->auth->mutual_required))
    return FALSE;
  return read_chap_common (w, node, as, TRUE, error);
}

static gboolean
read_algorithms (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  AuthScope *as = obj;
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    if (n->type != XML_TEXT_NODE && n->type != XML_COMMENT_NODE)
      return fail_at (w, node, error, TGT_ERROR_INVALID, "expected only algorithm names");
  xmlChar *content = xmlNodeGetContent (node);
  g_auto (GStrv) words = g_strsplit_set (content != NULL ? (const char *) content : "", " \t\r\n", -1);
  xmlFree (content);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint8 id;
      if (words[i][0] == '\0')
        continue;
      if (!tgt_config_chap_algorithm_parse (words[i], &id))
        return fail_at (w, node, error, TGT_ERROR_INVALID, "unknown algorithm '%s' (expected: md5, sha1, sha-256, sha3-256)",
                        words[i]);
      for (guint j = 0; j < as->auth->algorithms->len; j++)
        if (g_array_index (as->auth->algorithms, guint8, j) == id)
          return fail_at (w, node, error, TGT_ERROR_EXISTS, "algorithm '%s' listed twice", words[i]);
      g_array_append_val (as->auth->algorithms, id);
    }
  if (as->auth->algorithms->len == 0)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "expected at least one algorithm name");
  return TRUE;
}

static const AttrSpec chap_attrs[] = {
  { "user", A_TEXT, TRUE }, { "secret", A_SECRET, FALSE }, { NULL } };
static const AttrSpec mutual_chap_attrs[] = {
  { "user", A_TEXT, TRUE }, { "secret", A_SECRET, FALSE }, { "required", A_BOOL, FALSE }, { NULL } };
static const AttrSpec no_attrs[] = { { NULL } };

#define AUTH_ROWS                                                       \
  { "chap", chap_attrs, FALSE, LEAF, read_chap },                      \
  { "mutual-chap", mutual_chap_attrs, TRUE, LEAF, read_mutual_chap },  \
  { "chap-algorithms", no_attrs, TRUE, TEXT, read_algorithms }

static const ElemSpec discovery_children[] = { AUTH_ROWS, { NULL } };

static gboolean
read_discovery (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  AuthScope as = { &w->cfg->discovery_auth, "discovery" };
  return walk_children (w, node, discovery_children, &as, error);
}

/* ---- targets ---------------------------------------------------------- */

typedef struct {
  AuthScope as;
  TgtConfigTarget *target;
} TargetCtx;

static gboolean
read_target_group (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  TargetCtx *tc = obj;
  guint tag = 0;
  if (!get_uint (w, node, "tag", 0, 65535, &tag, error))
    return FALSE;
  if (tgt_config_target_in_group (tc->target, (guint16) tag) && tc->target->tpgts->len > 0)
    return fail_at (w, node, error, TGT_ERROR_EXISTS, "portal group %u listed twice for %s", tag, tc->target->iqn);
  guint16 tpgt = (guint16) tag;
  g_array_append_val (tc->target->tpgts, tpgt);
  PendingRef ref = { tpgt, line_of (node) };
  g_array_append_val (w->refs, ref);
  return TRUE;
}

static gboolean
read_lun (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  TargetCtx *tc = obj;
  guint number = 0, block = 0;
  /* SAM-5 flat and peripheral addressing: LUNs 0..16383. */
  if (!get_uint (w, node, "number", 0, 16383, &number, error))
    return FALSE;
  if (tgt_config_target_find_lun (tc->target, number) != NULL)
    return fail_at (w, node, error, TGT_ERROR_EXISTS, "LUN %u of %s is defined twice", number, tc->target->iqn);
  g_autofree char *backstore = attr (node, "backstore");
  g_autoptr (GError) e = NULL;
  if (!tgt_config_backstore_check (backstore, &e))
    return fail_at (w, node, error, TGT_ERROR_INVALID, "%s", e->message);
  if (!get_uint (w, node, "block-size", 512, 4096, &block, error))
    return FALSE;
  if (block != 0 && (block & (block - 1)) != 0)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'block-size': expected 512, 1024, 2048 or 4096");
  TgtConfigLun *l = tgt_config_lun_new (number, backstore);
  l->block_size = block;
  get_bool (node, "read-only", &l->read_only);
  l->serial = attr (node, "serial");
  g_ptr_array_add (tc->target->luns, l);
  return TRUE;
}

static gboolean
read_acl (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  TargetCtx *tc = obj;
  g_autofree char *v = attr (node, "initiator");
  g_autoptr (GError) e = NULL;
  char *norm = iname_normalize (v, INAME_STRICT, NULL, NULL, &e);
  if (norm == NULL)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'initiator': %s", e->message);
  if (tgt_config_target_allows (tc->target, norm) && tc->target->acl->len > 0)
    {
      g_free (norm);
      return fail_at (w, node, error, TGT_ERROR_EXISTS, "initiator %s is listed twice for %s", v, tc->target->iqn);
    }
  g_ptr_array_add (tc->target->acl, norm);
  return TRUE;
}

static const AttrSpec group_ref_attrs[] = { { "tag", A_UINT, TRUE }, { NULL } };
static const AttrSpec lun_attrs[] = {
  { "number", A_UINT, TRUE }, { "backstore", A_TOKEN, TRUE }, { "read-only", A_BOOL, FALSE },
  { "block-size", A_UINT, FALSE }, { "serial", A_TOKEN, FALSE }, { NULL } };
static const AttrSpec acl_attrs[] = { { "initiator", A_TOKEN, TRUE }, { NULL } };

/* The auth rows get a TargetCtx, whose first member is its AuthScope. */
static const ElemSpec target_children[] = {
  { "portal-group", group_ref_attrs, FALSE, LEAF, read_target_group },
  { "lun", lun_attrs, FALSE, LEAF, read_lun },
  { "acl", acl_attrs, FALSE, LEAF, read_acl },
  AUTH_ROWS,
  { NULL },
};

static gboolean
read_target (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  g_autofree char *name = attr (node, "name");
  g_autoptr (GError) e = NULL;
  /* Names the suite is configured with are strict (RFC 3720 sec. 3.2.6,
   * RFC 3722); the normalized form is what is stored and compared. */
  g_autofree char *norm = iname_normalize (name, INAME_STRICT, NULL, NULL, &e);
  if (norm == NULL)
    return fail_at (w, node, error, TGT_ERROR_INVALID, "attribute 'name': %s", e->message);
  gpointer first = g_hash_table_lookup (w->target_lines, norm);
  if (first != NULL)
    return fail_at (w, node, error, TGT_ERROR_EXISTS, "target %s is already defined at line %d", norm,
                    GPOINTER_TO_INT (first));
  TgtConfigTarget *t = tgt_config_target_new (norm);
  t->alias = attr (node, "alias");
  g_ptr_array_add (w->cfg->targets, t);
  g_hash_table_insert (w->target_lines, g_strdup (norm), GINT_TO_POINTER (MAX (line_of (node), 1)));
  TargetCtx tc = { { &t->auth, t->iqn }, t };
  return walk_children (w, node, target_children, &tc, error);
}

/* ---- the document ----------------------------------------------------- */

static const AttrSpec isns_attrs[] = { { "server", A_TOKEN, TRUE }, { NULL } };
static const AttrSpec mdns_attrs[] = { { "enabled", A_BOOL, TRUE }, { NULL } };
static const AttrSpec secrets_attrs[] = { { "file", A_TEXT, TRUE }, { NULL } };
static const AttrSpec portal_group_attrs[] = { { "tag", A_UINT, TRUE }, { NULL } };
static const AttrSpec target_attrs[] = { { "name", A_TOKEN, TRUE }, { "alias", A_TEXT, FALSE }, { NULL } };

static const ElemSpec root_children[] = {
  { "limits", NULL, TRUE, LEAF, read_limits },
  { "isns", isns_attrs, TRUE, LEAF, read_isns },
  { "mdns", mdns_attrs, TRUE, LEAF, read_mdns },
  { "secrets", secrets_attrs, TRUE, LEAF, read_secrets_ref },
  { "discovery", no_attrs, TRUE, CONTAINER, read_discovery },
  { "portal-group", portal_group_attrs, FALSE, CONTAINER, read_portal_group },
  { "target", target_attrs, FALSE, CONTAINER, read_target },
  { NULL },
};

/* The first error libxml2 reports is the cause; later ones ("premature end
 * of data") are consequences. */
typedef struct {
  char *message;
  int line;
} FirstError;

static void
first_error (void *data, xmlErrorPtr e)
{
  FirstError *fe = data;
  if (fe->message != NULL || e == NULL || e->level == XML_ERR_WARNING)
    return;
  fe->message = g_strchomp (g_strdup (e->message != NULL ? e->message : "not well-formed XML"));
  fe->line = e->line;
}

/* libxml2 parse of an in-memory document; no network, no entity
 * substitution, no DTD: a file that carries one is refused (entity
 * expansion is a classic way to make a parser allocate without bound). */
static xmlDoc *
parse_xml (const char *data, gsize len, const char *name, GError **error)
{
  if (len > TGT_CONFIG_FILE_MAX)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: larger than %d bytes", name, TGT_CONFIG_FILE_MAX);
      return NULL;
    }
  xmlParserCtxt *ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_FAILED, "%s: out of memory", name);
      return NULL;
    }
  /* The structured handler is per thread in libxml2; restore the caller's. */
  FirstError fe = { NULL, 0 };
  void *old_data = xmlStructuredErrorContext;
  xmlStructuredErrorFunc old_func = xmlStructuredError;
  xmlSetStructuredErrorFunc (&fe, first_error);
  xmlDoc *doc = xmlCtxtReadMemory (ctxt, data, (int) len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
  gboolean well_formed = ctxt->wellFormed;
  xmlSetStructuredErrorFunc (old_data, old_func);
  xmlFreeParserCtxt (ctxt);
  if (doc == NULL || !well_formed)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s:%d: %s", name, fe.line,
                   fe.message != NULL ? fe.message : "not well-formed XML");
      g_free (fe.message);
      xmlFreeDoc (doc);
      return NULL;
    }
  g_free (fe.message);
  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: a DOCTYPE is not allowed", name);
      xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

/* Generated by glib-compile-resources (config-schema-resource.c).  Called
 * directly rather than through the global registry so that the object is
 * linked in from the convenience library. */
GResource *tgt_config_schema_get_resource (void);

GBytes *
tgt_config_xml_schema (gboolean secrets)
{
  return g_resource_lookup_data (tgt_config_schema_get_resource (),
                                 secrets ? "/org/itnexus/target/target-secrets.rng"
                                         : "/org/itnexus/target/target.rng",
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

typedef struct {
  const char *file;
  char *first;
} RngErrors;

static void
rng_error (void *data, xmlErrorPtr e)
{
  RngErrors *re = data;
  if (re->first != NULL || e == NULL)
    return;
  /* The first error is the most specific one.  libxml2 quotes offending
   * values in type errors; the schema gives secrets no type, so no secret
   * is ever quoted. */
  xmlNode *node = e->node;
  g_autofree char *msg = g_strchomp (g_strdup (e->message != NULL ? e->message : "invalid"));
  if (node != NULL && node->type == XML_ELEMENT_NODE)
    re->first = g_strdup_printf ("%s:%ld: element %s: %s", re->file, xmlGetLineNo (node), (const char *) node->name, msg);
  else
    re->first = g_strdup_printf ("%s:%d: %s", re->file, e->line, msg);
}

/* The compiled schemas, built once: compiling RelaxNG costs more than
 * validating a file, and a compiled schema is only read while
 * validating (each validation has its own context). */
static xmlRelaxNG *
compiled_schema (gboolean secrets)
{
  static gsize once[2];
  static xmlRelaxNG *schema[2];
  guint i = secrets ? 1 : 0;
  if (g_once_init_enter (&once[i]))
    {
      g_autoptr (GBytes) rng = tgt_config_xml_schema (secrets);
      gsize n = 0;
      const char *p = rng != NULL ? g_bytes_get_data (rng, &n) : NULL;
      xmlRelaxNGParserCtxt *pctxt = p != NULL ? xmlRelaxNGNewMemParserCtxt (p, (int) n) : NULL;
      if (pctxt != NULL)
        {
          schema[i] = xmlRelaxNGParse (pctxt);
          xmlRelaxNGFreeParserCtxt (pctxt);
        }
      g_once_init_leave (&once[i], 1);
    }
  return schema[i];
}

/* Validate against one of the compiled-in schemas. */
static gboolean
validate_schema (xmlDoc *doc, const char *name, gboolean secrets, GError **error)
{
  xmlRelaxNG *schema = compiled_schema (secrets);
  if (schema == NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_FAILED, "the compiled-in schema is missing or does not parse");
      return FALSE;
    }
  RngErrors re = { name, NULL };
  xmlRelaxNGValidCtxt *vctxt = xmlRelaxNGNewValidCtxt (schema);
  xmlRelaxNGSetValidStructuredErrors (vctxt, rng_error, &re);
  int rc = xmlRelaxNGValidateDoc (vctxt, doc);
  xmlRelaxNGFreeValidCtxt (vctxt);
  if (rc != 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s",
                   re.first != NULL ? re.first : "does not match the schema");
      g_free (re.first);
      return FALSE;
    }
  g_free (re.first);
  return TRUE;
}

/* Read a whole file, bounded, with its status from the same descriptor. */
static char *
read_file (const char *path, struct stat *st, gsize *len_out, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "%s: %s", path, g_strerror (errsv));
      return NULL;
    }
  if (fstat (fd, st) != 0 || !S_ISREG (st->st_mode))
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "%s: not a regular file", path);
      close (fd);
      return NULL;
    }
  if (st->st_size > TGT_CONFIG_FILE_MAX)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: larger than %d bytes", path, TGT_CONFIG_FILE_MAX);
      close (fd);
      return NULL;
    }
  gsize cap = (gsize) st->st_size + 1, len = 0;
  char *buf = g_malloc (cap);
  for (;;)
    {
      if (len == cap - 1)
        {
          /* The file grew while we read: refuse rather than chase it. */
          if (cap > TGT_CONFIG_FILE_MAX)
            {
              g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: larger than %d bytes", path, TGT_CONFIG_FILE_MAX);
              g_free (buf);
              close (fd);
              return NULL;
            }
          cap = MIN (cap * 2, (gsize) TGT_CONFIG_FILE_MAX + 2);
          buf = g_realloc (buf, cap);
        }
      ssize_t r = read (fd, buf + len, cap - 1 - len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int errsv = errno;
          g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "%s: %s", path, g_strerror (errsv));
          g_free (buf);
          close (fd);
          return NULL;
        }
      if (r == 0)
        break;
      len += (gsize) r;
    }
  close (fd);
  buf[len] = '\0';
  *len_out = len;
  return buf;
}

static void
wipe_free (char *buf, gsize len)
{
  if (buf == NULL)
    return;
  volatile char *p = buf;
  for (gsize i = 0; i < len; i++)
    p[i] = 0;
  g_free (buf);
}

/* Files that hold secrets must be private to their owner: refuse any
 * group or other permission (design: "files holding them are refused if
 * readable by others"). */
static gboolean
check_private (const char *path, const struct stat *st, GError **error)
{
  if ((st->st_mode & 077) != 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_PERMISSION,
                   "%s: holds CHAP secrets but its mode is %04o; it must not be accessible by group or others (chmod 600)",
                   path, (unsigned) (st->st_mode & 07777));
      return FALSE;
    }
  return TRUE;
}

static const AttrSpec secret_attrs[] = { { "user", A_TEXT, TRUE }, { "value", A_SECRET, TRUE }, { NULL } };

static gboolean
read_secret_entry (Walk *w, xmlNode *node, gpointer obj, GError **error)
{
  char *user = attr (node, "user");
  if (g_hash_table_contains (w->secrets, user))
    {
      gboolean r = fail_at (w, node, error, TGT_ERROR_EXISTS, "user '%s' is listed twice", user);
      g_free (user);
      return r;
    }
  g_hash_table_insert (w->secrets, user, attr (node, "value"));
  return TRUE;
}

static const ElemSpec secrets_children[] = {
  { "secret", secret_attrs, FALSE, LEAF, read_secret_entry },
  { NULL },
};

/* The secrets file named by <secrets file>: user -> secret. */
static gboolean
load_secrets (Walk *w, const char *path, GError **error)
{
  struct stat st;
  gsize len = 0;
  char *data = read_file (path, &st, &len, error);
  if (data == NULL)
    return FALSE;
  if (!check_private (path, &st, error))
    {
      wipe_free (data, len);
      return FALSE;
    }
  xmlDoc *doc = parse_xml (data, len, path, error);
  wipe_free (data, len);
  if (doc == NULL)
    return FALSE;
  Walk sw = { .file = path, .secrets = w->secrets };
  xmlNode *root = xmlDocGetRootElement (doc);
  gboolean ok = FALSE;
  if (root == NULL || strcmp ((const char *) root->name, "secrets") != 0 || root->ns != NULL)
    fail_at (&sw, root, error, TGT_ERROR_INVALID, "expected the root element <secrets version=\"1\">");
  else if (check_attrs (&sw, root, (const AttrSpec[]) { { "version", A_TOKEN, TRUE }, { NULL } }, error)
           && walk_children (&sw, root, secrets_children, NULL, error)
           && validate_schema (doc, path, TRUE, error))
    {
      g_autofree char *version = attr (root, "version");
      ok = strcmp (version, "1") == 0
           || fail_at (&sw, root, error, TGT_ERROR_INVALID, "expected version=\"1\", got \"%s\"", version);
    }
  xmlFreeDoc (doc);
  return ok;
}

/* After the walk: every secret known and long enough, every mutual-chap
 * with a one-way account beside it and a secret of its own, every portal
 * group reference defined. */
static gboolean
resolve (Walk *w, const char *secrets_path, GError **error)
{
  gboolean need_file = FALSE;
  for (guint i = 0; i < w->chaps->len; i++)
    need_file |= g_array_index (w->chaps, PendingChap, i).chap->secret == NULL;
  if (need_file && secrets_path != NULL && !load_secrets (w, secrets_path, error))
    return FALSE;
  for (guint i = 0; i < w->chaps->len; i++)
    {
      PendingChap *pc = &g_array_index (w->chaps, PendingChap, i);
      const char *what = pc->mutual ? "mutual-chap" : "chap";
      if (pc->chap->secret == NULL)
        {
          const char *s = g_hash_table_lookup (w->secrets, pc->chap->user);
          if (s == NULL && secrets_path == NULL)
            return fail_line (w, pc->line, what, error, TGT_ERROR_NOT_FOUND,
                              "user '%s' has no secret: add secret=\"...\" (file mode 0600) or name a secrets file with <secrets file=\"...\"/>",
                              pc->chap->user);
          if (s == NULL)
            return fail_line (w, pc->line, what, error, TGT_ERROR_NOT_FOUND, "user '%s' has no secret in %s",
                              pc->chap->user, secrets_path);
          pc->chap->secret = g_strdup (s);
        }
      g_autoptr (GError) e = NULL;
      if (!tgt_config_secret_check (pc->scope, pc->chap->user, pc->chap->secret, &e))
        return fail_line (w, pc->line, what, error, TGT_ERROR_INVALID, "%s", e->message);
    }
  for (guint i = 0; i < w->chaps->len; i++)
    {
      PendingChap *m = &g_array_index (w->chaps, PendingChap, i);
      if (!m->mutual)
        continue;
      gboolean has_oneway = FALSE;
      for (guint j = 0; j < w->chaps->len; j++)
        {
          PendingChap *o = &g_array_index (w->chaps, PendingChap, j);
          if (o->mutual)
            continue;
          has_oneway |= o->scope == m->scope;
          /* RFC 7143 sec. 9.2.1: a secret used to authenticate initiators
           * must not also authenticate a target, and vice versa. */
          if (strcmp (o->chap->secret, m->chap->secret) == 0)
            return fail_line (w, m->line, "mutual-chap", error, TGT_ERROR_INVALID,
                              "user '%s' has the same secret as chap user '%s' (line %d); a target's secret must differ from every initiator's (RFC 7143 sec. 9.2.1)",
                              m->chap->user, o->chap->user, o->line);
        }
      /* Mutual CHAP is the initiator's second step after it proved itself
       * (RFC 7143 sec. 12.1.3): without a one-way account it never runs. */
      if (!has_oneway)
        return fail_line (w, m->line, "mutual-chap", error, TGT_ERROR_INVALID,
                          "%s has no <chap> account; mutual CHAP needs one", m->scope);
    }
  for (guint i = 0; i < w->refs->len; i++)
    {
      PendingRef *r = &g_array_index (w->refs, PendingRef, i);
      if (tgt_config_find_portal_group (w->cfg, r->tpgt) == NULL)
        return fail_line (w, r->line, "portal-group", error, TGT_ERROR_NOT_FOUND,
                          "no <portal-group tag=\"%u\"> is defined", r->tpgt);
    }
  return TRUE;
}

static TgtConfig *
parse_doc (const char *data, gsize len, const char *name, const struct stat *st, char **secrets_ref_out,
           char **secrets_path_out, GError **error)
{
  xmlDoc *doc = parse_xml (data, len, name, error);
  if (doc == NULL)
    return NULL;
  Walk w = {
    .file = name,
    .cfg = tgt_config_new (),
    .target_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .portal_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .chaps = g_array_new (FALSE, FALSE, sizeof (PendingChap)),
    .refs = g_array_new (FALSE, FALSE, sizeof (PendingRef)),
    .secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) secret_free),
  };
  g_autofree char *secrets_path = NULL;
  gboolean ok = FALSE;
  xmlNode *root = xmlDocGetRootElement (doc);
  if (root == NULL || strcmp ((const char *) root->name, "targetd") != 0 || root->ns != NULL)
    fail_at (&w, root, error, TGT_ERROR_INVALID, "expected the root element <targetd version=\"1\">");
  else if (!check_attrs (&w, root, (const AttrSpec[]) { { "version", A_TOKEN, TRUE }, { NULL } }, error))
    ;
  else
    {
      g_autofree char *version = attr (root, "version");
      if (strcmp (version, "1") != 0)
        fail_at (&w, root, error, TGT_ERROR_INVALID, "expected version=\"1\", got \"%s\"", version);
      else if (walk_children (&w, root, root_children, NULL, error) && validate_schema (doc, name, FALSE, error))
        ok = TRUE;
    }
  if (ok && w.secrets_ref != NULL)
    {
      if (st == NULL)
        ok = fail_line (&w, w.secrets_line, "secrets", error, TGT_ERROR_INVALID, "not allowed here (no files are read)");
      else if (g_path_is_absolute (w.secrets_ref))
        secrets_path = g_strdup (w.secrets_ref);
      else
        {
          g_autofree char *dir = g_path_get_dirname (name);
          secrets_path = g_build_filename (dir, w.secrets_ref, NULL);
        }
    }
  if (ok && w.inline_secrets && st != NULL)
    ok = check_private (name, st, error);
  if (ok)
    ok = resolve (&w, secrets_path, error);
  if (ok)
    {
      g_autoptr (GError) e = NULL;
      /* The model's own checks (shared with the flags form) as the last
       * word: they have no line to report, so they name the file. */
      if (!tgt_config_validate (w.cfg, &e))
        ok = fail_line (&w, 0, NULL, error, e->code, "%s", e->message);
    }
  xmlFreeDoc (doc);
  g_hash_table_unref (w.target_lines);
  g_hash_table_unref (w.portal_lines);
  g_array_unref (w.chaps);
  g_array_unref (w.refs);
  g_hash_table_unref (w.secrets);
  if (!ok)
    {
      g_free (w.secrets_ref);
      tgt_config_free (w.cfg);
      return NULL;
    }
  if (secrets_ref_out != NULL)
    *secrets_ref_out = g_steal_pointer (&w.secrets_ref);
  g_free (w.secrets_ref);
  if (secrets_path_out != NULL)
    *secrets_path_out = g_steal_pointer (&secrets_path);
  return w.cfg;
}

TgtConfig *
tgt_config_xml_parse (const char *data, gsize len, const char *name, GError **error)
{
  return parse_doc (data, len, name, NULL, NULL, NULL, error);
}

TgtConfig *
tgt_config_xml_load (const char *path, TgtConfigSource *src_out, GError **error)
{
  struct stat st;
  gsize len = 0;
  char *data = read_file (path, &st, &len, error);
  if (data == NULL)
    return NULL;
  char *ref = NULL, *secrets_path = NULL;
  TgtConfig *cfg = parse_doc (data, len, path, &st, &ref, &secrets_path, error);
  wipe_free (data, len);
  if (cfg != NULL && src_out != NULL)
    {
      src_out->path = g_strdup (path);
      src_out->secrets_ref = ref;
      src_out->secrets_path = secrets_path;
    }
  else
    {
      g_free (ref);
      g_free (secrets_path);
    }
  return cfg;
}

void
tgt_config_source_clear (TgtConfigSource *src)
{
  g_clear_pointer (&src->path, g_free);
  g_clear_pointer (&src->secrets_ref, g_free);
  g_clear_pointer (&src->secrets_path, g_free);
}
