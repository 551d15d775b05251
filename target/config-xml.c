/* config-xml.c: target.xml into the configuration model (config-xml.h).
 *
 * The rows below (config-xml-walk.h) say, for each element, which
 * attributes it takes, whether it may repeat, and which function reads it
 * into the model.  The walk gives the precise "FILE:LINE: element X:
 * expected attribute 'Y'" messages that libxml2's RelaxNG validator cannot
 * (inside <interleave> it reports only that "content failed to validate").
 * The RelaxNG schema then checks the same document as the published
 * contract (config-xml-doc.h), and the semantic rules follow: IQNs, secrets
 * and their files, references between elements. */
#include "config.h"

#include "target/config-xml.h"
#include "target/config-xml-doc.h"
#include "target/config-xml-walk.h"

#include <string.h>
#include <sys/stat.h>

#include "libiscsi-name/iname.h"

#define ISNS_DEFAULT_PORT 3205 /* RFC 4171 sec. 6.2 */

typedef struct Walk Walk;

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
  TgtXmlWalk x;             /* first: the walker's view */
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

/* ---- limits, isns, mdns, secrets -------------------------------------- */

static gboolean
read_limits (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  for (xmlAttr *a = node->properties; a != NULL; a = a->next)
    {
      const TgtConfigLimitField *f = tgt_config_limit_field_find ((const char *) a->name);
      if (f == NULL)
        {
          GString *names = g_string_new (NULL);
          for (guint i = 0; i < tgt_config_n_limit_fields; i++)
            g_string_append_printf (names, "%s%s", i ? ", " : "", tgt_config_limit_fields[i].name);
          g_autofree char *list = g_string_free (names, FALSE);
          return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "unexpected attribute '%s' (expected: %s)",
                          (const char *) a->name, list);
        }
      g_autofree char *v = tgt_xml_attr (node, f->name);
      guint64 u = 0;
      gboolean b = FALSE;
      if (f->type == TGT_LIMIT_BOOL)
        {
          if (!tgt_xml_parse_bool (v, &b))
            return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute '%s': expected true or false, got '%s'",
                            f->name, v);
          u = b;
        }
      else if (!tgt_xml_parse_uint (v, G_MAXUINT32, &u))
        return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute '%s': expected a number, got '%s'", f->name, v);
      g_autoptr (GError) e = NULL;
      if (!tgt_config_limit_set (&w->cfg->limits, f, u, &e))
        return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute %s", e->message);
    }
  return TRUE;
}

static gboolean
read_isns (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  g_autofree char *v = tgt_xml_attr (node, "server");
  INameTargetAddress addr = { 0 };
  g_autoptr (GError) e = NULL;
  if (!iname_target_address_parse (v, ISNS_DEFAULT_PORT, &addr, &e))
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'server': %s", e->message);
  gboolean has_tpgt = addr.tpgt >= 0;
  iname_target_address_clear (&addr);
  if (has_tpgt)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'server': expected HOST[:PORT], without a tag");
  w->cfg->isns_server = g_steal_pointer (&v);
  return TRUE;
}

static gboolean
read_mdns (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  tgt_xml_get_bool (node, "enabled", &w->cfg->mdns);
  return TRUE;
}

static gboolean
read_secrets_ref (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  w->secrets_ref = tgt_xml_attr (node, "file");
  w->secrets_line = tgt_xml_line (node);
  if (w->secrets_ref[0] == '\0')
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'file' is empty");
  return TRUE;
}

/* ---- portal groups ---------------------------------------------------- */

static gboolean
read_portal (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  TgtConfigPortalGroup *pg = obj;
  g_autofree char *v = tgt_xml_attr (node, "address");
  g_autoptr (GError) e = NULL;
  TgtConfigPortal *p = tgt_config_portal_parse (v, &e);
  if (p == NULL)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'address': %s", e->message);
  g_ptr_array_add (pg->portals, p);
  char *key = g_strdup_printf ("%s|%u", p->host, p->port);
  gpointer first = g_hash_table_lookup (w->portal_lines, key);
  if (first != NULL)
    {
      g_free (key);
      return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "portal %s is already defined at line %d", v,
                      GPOINTER_TO_INT (first));
    }
  g_hash_table_insert (w->portal_lines, key, GINT_TO_POINTER (MAX (tgt_xml_line (node), 1)));
  return TRUE;
}

static const TgtXmlAttr portal_attrs[] = { { "address", TGT_XML_ATTR_TOKEN, TRUE }, { NULL } };
static const TgtXmlElem portal_group_children[] = {
  { "portal", portal_attrs, FALSE, TGT_XML_LEAF, read_portal },
  { NULL },
};

static gboolean
read_portal_group (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  guint tag = 0;
  if (!tgt_xml_get_uint (&w->x, node, "tag", 0, 65535, &tag, error))
    return FALSE;
  if (tgt_config_find_portal_group (w->cfg, (guint16) tag) != NULL)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "portal group %u is defined twice", tag);
  TgtConfigPortalGroup *pg = tgt_config_portal_group_new ((guint16) tag);
  g_ptr_array_add (w->cfg->portal_groups, pg);
  if (!tgt_xml_walk_children (&w->x, node, portal_group_children, pg, error))
    return FALSE;
  if (pg->portals->len == 0)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "expected at least one <portal>");
  return TRUE;
}

/* ---- CHAP ------------------------------------------------------------- */

static gboolean
read_chap_common (Walk *w, xmlNode *node, AuthScope *as, gboolean mutual, GError **error)
{
  g_autofree char *user = tgt_xml_attr (node, "user");
  /* CHAP_N is a text value (RFC 7143 sec. 12.1.3, sec. 6.1: at most 255
   * bytes for ordinary values). */
  if (user == NULL || user[0] == '\0' || strlen (user) > 255 || !g_utf8_validate (user, -1, NULL))
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'user': expected 1 to 255 bytes of UTF-8");
  for (guint i = 0; !mutual && i < as->auth->accounts->len; i++)
    if (strcmp (((TgtConfigChap *) as->auth->accounts->pdata[i])->user, user) == 0)
      return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "%s: CHAP user '%s' is defined twice", as->scope, user);
  char *secret = tgt_xml_attr (node, "secret");
  TgtConfigChap *chap = tgt_config_chap_new (user, NULL);
  chap->secret = secret;
  if (secret != NULL)
    w->inline_secrets = TRUE;
  if (mutual)
    as->auth->mutual = chap;
  else
    g_ptr_array_add (as->auth->accounts, chap);
  PendingChap pc = { chap, as->scope, mutual, tgt_xml_line (node) };
  g_array_append_val (w->chaps, pc);
  return TRUE;
}

static gboolean
read_chap (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  return read_chap_common (w, node, obj, FALSE, error);
}

static gboolean
read_mutual_chap (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  AuthScope *as = obj;
  if (!tgt_xml_get_bool (node, "required", &as->auth->mutual_required))
    return FALSE;
  return read_chap_common (w, node, as, TRUE, error);
}

static gboolean
read_algorithms (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  AuthScope *as = obj;
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    if (n->type != XML_TEXT_NODE && n->type != XML_COMMENT_NODE)
      return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "expected only algorithm names");
  xmlChar *content = xmlNodeGetContent (node);
  g_auto (GStrv) words = g_strsplit_set (content != NULL ? (const char *) content : "", " \t\r\n", -1);
  xmlFree (content);
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint8 id;
      if (words[i][0] == '\0')
        continue;
      if (!tgt_config_chap_algorithm_parse (words[i], &id))
        return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "unknown algorithm '%s' (expected: md5, sha1, sha-256, sha3-256)",
                        words[i]);
      for (guint j = 0; j < as->auth->algorithms->len; j++)
        if (g_array_index (as->auth->algorithms, guint8, j) == id)
          return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "algorithm '%s' listed twice", words[i]);
      g_array_append_val (as->auth->algorithms, id);
    }
  if (as->auth->algorithms->len == 0)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "expected at least one algorithm name");
  return TRUE;
}

static const TgtXmlAttr chap_attrs[] = {
  { "user", TGT_XML_ATTR_TEXT, TRUE }, { "secret", TGT_XML_ATTR_SECRET, FALSE }, { NULL } };
static const TgtXmlAttr mutual_chap_attrs[] = {
  { "user", TGT_XML_ATTR_TEXT, TRUE }, { "secret", TGT_XML_ATTR_SECRET, FALSE }, { "required", TGT_XML_ATTR_BOOL, FALSE }, { NULL } };
static const TgtXmlAttr no_attrs[] = { { NULL } };

#define AUTH_ROWS                                                       \
  { "chap", chap_attrs, FALSE, TGT_XML_LEAF, read_chap },                      \
  { "mutual-chap", mutual_chap_attrs, TRUE, TGT_XML_LEAF, read_mutual_chap },  \
  { "chap-algorithms", no_attrs, TRUE, TGT_XML_TEXTUAL, read_algorithms }

static const TgtXmlElem discovery_children[] = { AUTH_ROWS, { NULL } };

static gboolean
read_discovery (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  AuthScope as = { &w->cfg->discovery_auth, "discovery" };
  return tgt_xml_walk_children (&w->x, node, discovery_children, &as, error);
}

/* ---- targets ---------------------------------------------------------- */

typedef struct {
  AuthScope as;
  TgtConfigTarget *target;
} TargetCtx;

static gboolean
read_target_group (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  TargetCtx *tc = obj;
  guint tag = 0;
  if (!tgt_xml_get_uint (&w->x, node, "tag", 0, 65535, &tag, error))
    return FALSE;
  if (tgt_config_target_in_group (tc->target, (guint16) tag) && tc->target->tpgts->len > 0)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "portal group %u listed twice for %s", tag, tc->target->iqn);
  guint16 tpgt = (guint16) tag;
  g_array_append_val (tc->target->tpgts, tpgt);
  PendingRef ref = { tpgt, tgt_xml_line (node) };
  g_array_append_val (w->refs, ref);
  return TRUE;
}

static gboolean
read_lun (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  TargetCtx *tc = obj;
  guint number = 0, block = 0;
  /* SAM-5 flat and peripheral addressing: LUNs 0..16383. */
  if (!tgt_xml_get_uint (&w->x, node, "number", 0, 16383, &number, error))
    return FALSE;
  if (tgt_config_target_find_lun (tc->target, number) != NULL)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "LUN %u of %s is defined twice", number, tc->target->iqn);
  g_autofree char *backstore = tgt_xml_attr (node, "backstore");
  g_autoptr (GError) e = NULL;
  if (!tgt_config_backstore_check (backstore, &e))
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "%s", e->message);
  if (!tgt_xml_get_uint (&w->x, node, "block-size", 512, 4096, &block, error))
    return FALSE;
  if (block != 0 && (block & (block - 1)) != 0)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'block-size': expected 512, 1024, 2048 or 4096");
  TgtConfigLun *l = tgt_config_lun_new (number, backstore);
  l->block_size = block;
  tgt_xml_get_bool (node, "read-only", &l->read_only);
  l->serial = tgt_xml_attr (node, "serial");
  g_ptr_array_add (tc->target->luns, l);
  return TRUE;
}

static gboolean
read_acl (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  TargetCtx *tc = obj;
  g_autofree char *v = tgt_xml_attr (node, "initiator");
  g_autoptr (GError) e = NULL;
  char *norm = iname_normalize (v, INAME_STRICT, NULL, NULL, &e);
  if (norm == NULL)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'initiator': %s", e->message);
  if (tgt_config_target_allows (tc->target, norm) && tc->target->acl->len > 0)
    {
      g_free (norm);
      return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "initiator %s is listed twice for %s", v, tc->target->iqn);
    }
  g_ptr_array_add (tc->target->acl, norm);
  return TRUE;
}

static const TgtXmlAttr group_ref_attrs[] = { { "tag", TGT_XML_ATTR_UINT, TRUE }, { NULL } };
static const TgtXmlAttr lun_attrs[] = {
  { "number", TGT_XML_ATTR_UINT, TRUE }, { "backstore", TGT_XML_ATTR_TOKEN, TRUE }, { "read-only", TGT_XML_ATTR_BOOL, FALSE },
  { "block-size", TGT_XML_ATTR_UINT, FALSE }, { "serial", TGT_XML_ATTR_TOKEN, FALSE }, { NULL } };
static const TgtXmlAttr acl_attrs[] = { { "initiator", TGT_XML_ATTR_TOKEN, TRUE }, { NULL } };

/* The auth rows get a TargetCtx, whose first member is its AuthScope. */
static const TgtXmlElem target_children[] = {
  { "portal-group", group_ref_attrs, FALSE, TGT_XML_LEAF, read_target_group },
  { "lun", lun_attrs, FALSE, TGT_XML_LEAF, read_lun },
  { "acl", acl_attrs, FALSE, TGT_XML_LEAF, read_acl },
  AUTH_ROWS,
  { NULL },
};

static gboolean
read_target (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  g_autofree char *name = tgt_xml_attr (node, "name");
  g_autoptr (GError) e = NULL;
  /* Names the suite is configured with are strict (RFC 3720 sec. 3.2.6,
   * RFC 3722); the normalized form is what is stored and compared. */
  g_autofree char *norm = iname_normalize (name, INAME_STRICT, NULL, NULL, &e);
  if (norm == NULL)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_INVALID, "attribute 'name': %s", e->message);
  gpointer first = g_hash_table_lookup (w->target_lines, norm);
  if (first != NULL)
    return tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "target %s is already defined at line %d", norm,
                    GPOINTER_TO_INT (first));
  TgtConfigTarget *t = tgt_config_target_new (norm);
  t->alias = tgt_xml_attr (node, "alias");
  g_ptr_array_add (w->cfg->targets, t);
  g_hash_table_insert (w->target_lines, g_strdup (norm), GINT_TO_POINTER (MAX (tgt_xml_line (node), 1)));
  TargetCtx tc = { { &t->auth, t->iqn }, t };
  return tgt_xml_walk_children (&w->x, node, target_children, &tc, error);
}

/* ---- the document ----------------------------------------------------- */

static const TgtXmlAttr isns_attrs[] = { { "server", TGT_XML_ATTR_TOKEN, TRUE }, { NULL } };
static const TgtXmlAttr mdns_attrs[] = { { "enabled", TGT_XML_ATTR_BOOL, TRUE }, { NULL } };
static const TgtXmlAttr secrets_attrs[] = { { "file", TGT_XML_ATTR_TEXT, TRUE }, { NULL } };
static const TgtXmlAttr portal_group_attrs[] = { { "tag", TGT_XML_ATTR_UINT, TRUE }, { NULL } };
static const TgtXmlAttr target_attrs[] = { { "name", TGT_XML_ATTR_TOKEN, TRUE }, { "alias", TGT_XML_ATTR_TEXT, FALSE }, { NULL } };

static const TgtXmlElem root_children[] = {
  { "limits", NULL, TRUE, TGT_XML_LEAF, read_limits },
  { "isns", isns_attrs, TRUE, TGT_XML_LEAF, read_isns },
  { "mdns", mdns_attrs, TRUE, TGT_XML_LEAF, read_mdns },
  { "secrets", secrets_attrs, TRUE, TGT_XML_LEAF, read_secrets_ref },
  { "discovery", no_attrs, TRUE, TGT_XML_CONTAINER, read_discovery },
  { "portal-group", portal_group_attrs, FALSE, TGT_XML_CONTAINER, read_portal_group },
  { "target", target_attrs, FALSE, TGT_XML_CONTAINER, read_target },
  { NULL },
};

static const TgtXmlAttr secret_attrs[] = { { "user", TGT_XML_ATTR_TEXT, TRUE }, { "value", TGT_XML_ATTR_SECRET, TRUE }, { NULL } };

static gboolean
read_secret_entry (TgtXmlWalk *xw, xmlNode *node, gpointer obj, GError **error)
{
  Walk *w = (Walk *) xw;
  char *user = tgt_xml_attr (node, "user");
  if (g_hash_table_contains (w->secrets, user))
    {
      gboolean r = tgt_xml_fail_at (&w->x, node, error, TGT_ERROR_EXISTS, "user '%s' is listed twice", user);
      g_free (user);
      return r;
    }
  g_hash_table_insert (w->secrets, user, tgt_xml_attr (node, "value"));
  return TRUE;
}

static const TgtXmlElem secrets_children[] = {
  { "secret", secret_attrs, FALSE, TGT_XML_LEAF, read_secret_entry },
  { NULL },
};

/* The secrets file named by <secrets file>: user -> secret. */
static gboolean
load_secrets (Walk *w, const char *path, GError **error)
{
  struct stat st;
  gsize len = 0;
  char *data = tgt_xml_read_file (path, &st, &len, error);
  if (data == NULL)
    return FALSE;
  if (!tgt_xml_check_private (path, &st, error))
    {
      tgt_xml_wipe_free (data, len);
      return FALSE;
    }
  xmlDoc *doc = tgt_xml_doc_parse (data, len, path, error);
  tgt_xml_wipe_free (data, len);
  if (doc == NULL)
    return FALSE;
  Walk sw = { .x.file = path, .secrets = w->secrets };
  xmlNode *root = xmlDocGetRootElement (doc);
  gboolean ok = FALSE;
  if (root == NULL || strcmp ((const char *) root->name, "secrets") != 0 || root->ns != NULL)
    tgt_xml_fail_at (&sw.x, root, error, TGT_ERROR_INVALID, "expected the root element <secrets version=\"1\">");
  else if (tgt_xml_check_attrs (&sw.x, root, (const TgtXmlAttr[]) { { "version", TGT_XML_ATTR_TOKEN, TRUE }, { NULL } }, error)
           && tgt_xml_walk_children (&sw.x, root, secrets_children, NULL, error)
           && tgt_xml_doc_validate (doc, path, TRUE, error))
    {
      g_autofree char *version = tgt_xml_attr (root, "version");
      ok = strcmp (version, "1") == 0
           || tgt_xml_fail_at (&sw.x, root, error, TGT_ERROR_INVALID, "expected version=\"1\", got \"%s\"", version);
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
            return tgt_xml_fail_line (&w->x, pc->line, what, error, TGT_ERROR_NOT_FOUND,
                              "user '%s' has no secret: add secret=\"...\" (file mode 0600) or name a secrets file with <secrets file=\"...\"/>",
                              pc->chap->user);
          if (s == NULL)
            return tgt_xml_fail_line (&w->x, pc->line, what, error, TGT_ERROR_NOT_FOUND, "user '%s' has no secret in %s",
                              pc->chap->user, secrets_path);
          pc->chap->secret = g_strdup (s);
        }
      g_autoptr (GError) e = NULL;
      if (!tgt_config_secret_check (pc->scope, pc->chap->user, pc->chap->secret, &e))
        return tgt_xml_fail_line (&w->x, pc->line, what, error, TGT_ERROR_INVALID, "%s", e->message);
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
            return tgt_xml_fail_line (&w->x, m->line, "mutual-chap", error, TGT_ERROR_INVALID,
                              "user '%s' has the same secret as chap user '%s' (line %d); a target's secret must differ from every initiator's (RFC 7143 sec. 9.2.1)",
                              m->chap->user, o->chap->user, o->line);
        }
      /* Mutual CHAP is the initiator's second step after it proved itself
       * (RFC 7143 sec. 12.1.3): without a one-way account it never runs. */
      if (!has_oneway)
        return tgt_xml_fail_line (&w->x, m->line, "mutual-chap", error, TGT_ERROR_INVALID,
                          "%s has no <chap> account; mutual CHAP needs one", m->scope);
    }
  for (guint i = 0; i < w->refs->len; i++)
    {
      PendingRef *r = &g_array_index (w->refs, PendingRef, i);
      if (tgt_config_find_portal_group (w->cfg, r->tpgt) == NULL)
        return tgt_xml_fail_line (&w->x, r->line, "portal-group", error, TGT_ERROR_NOT_FOUND,
                          "no <portal-group tag=\"%u\"> is defined", r->tpgt);
    }
  return TRUE;
}

static TgtConfig *
parse_doc (const char *data, gsize len, const char *name, const struct stat *st, char **secrets_ref_out,
           char **secrets_path_out, GError **error)
{
  xmlDoc *doc = tgt_xml_doc_parse (data, len, name, error);
  if (doc == NULL)
    return NULL;
  Walk w = {
    .x.file = name,
    .cfg = tgt_config_new (),
    .target_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .portal_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .chaps = g_array_new (FALSE, FALSE, sizeof (PendingChap)),
    .refs = g_array_new (FALSE, FALSE, sizeof (PendingRef)),
    .secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) tgt_xml_secret_free),
  };
  g_autofree char *secrets_path = NULL;
  gboolean ok = FALSE;
  xmlNode *root = xmlDocGetRootElement (doc);
  if (root == NULL || strcmp ((const char *) root->name, "targetd") != 0 || root->ns != NULL)
    tgt_xml_fail_at (&w.x, root, error, TGT_ERROR_INVALID, "expected the root element <targetd version=\"1\">");
  else if (!tgt_xml_check_attrs (&w.x, root, (const TgtXmlAttr[]) { { "version", TGT_XML_ATTR_TOKEN, TRUE }, { NULL } }, error))
    ;
  else
    {
      g_autofree char *version = tgt_xml_attr (root, "version");
      if (strcmp (version, "1") != 0)
        tgt_xml_fail_at (&w.x, root, error, TGT_ERROR_INVALID, "expected version=\"1\", got \"%s\"", version);
      else if (tgt_xml_walk_children (&w.x, root, root_children, NULL, error) && tgt_xml_doc_validate (doc, name, FALSE, error))
        ok = TRUE;
    }
  if (ok && w.secrets_ref != NULL)
    {
      if (st == NULL)
        ok = tgt_xml_fail_line (&w.x, w.secrets_line, "secrets", error, TGT_ERROR_INVALID, "not allowed here (no files are read)");
      else if (g_path_is_absolute (w.secrets_ref))
        secrets_path = g_strdup (w.secrets_ref);
      else
        {
          g_autofree char *dir = g_path_get_dirname (name);
          secrets_path = g_build_filename (dir, w.secrets_ref, NULL);
        }
    }
  if (ok && w.inline_secrets && st != NULL)
    ok = tgt_xml_check_private (name, st, error);
  if (ok)
    ok = resolve (&w, secrets_path, error);
  if (ok)
    {
      g_autoptr (GError) e = NULL;
      /* The model's own checks (shared with the flags form) as the last
       * word: they have no line to report, so they name the file. */
      if (!tgt_config_validate (w.cfg, &e))
        ok = tgt_xml_fail_line (&w.x, 0, NULL, error, e->code, "%s", e->message);
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
  char *data = tgt_xml_read_file (path, &st, &len, error);
  if (data == NULL)
    return NULL;
  char *ref = NULL, *secrets_path = NULL;
  TgtConfig *cfg = parse_doc (data, len, path, &st, &ref, &secrets_path, error);
  tgt_xml_wipe_free (data, len);
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
