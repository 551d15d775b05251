/* itnctl isns export / import: the objects an iSNS server holds, as XML
 * (libxml2).  Export walks entities, DDs and DD sets as a control node;
 * import registers them again (DevAttrReg, DDReg, DDSReg).  Server-assigned
 * attributes (indexes, timestamps) are not exported.
 *
 *   <isns-export version="1">
 *     <entity> <attr name="entity-id" value="..."/> ...
 *       <portal>...</portal> <node>...</node> <portal-group>...</portal-group>
 *     </entity>
 *     <dd>...</dd> <dds>...</dds>
 *   </isns-export> */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "cli-output.h"
#include "cmd-isns.h"

/* Bound on an import file: far above 10,000 entities. */
#define MAX_IMPORT_BYTES (256u << 20)

static gboolean exported(guint32 tag)
{
	const IDiscAttrInfo *info = idisc_attr_lookup(tag);
	return info && !(info->flags & IDISC_ATTR_F_READONLY) && tag != IDISC_TAG_DD_MEMBER_INDEX;
}

static void write_span(xmlTextWriterPtr w, const IDiscTlvList *l, const IDiscObjectSpan *sp)
{
	for (guint i = sp->first; i < sp->first + sp->count; i++) {
		const IDiscTlv *t = idisc_tlv_list_get(l, i);
		if (!exported(t->tag) || t->len == 0)
			continue;
		g_autofree char *v = idisc_attr_format(t->tag, t->value, t->len);
		xmlTextWriterStartElement(w, BAD_CAST "attr");
		xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST idisc_attr_lookup(t->tag)->name);
		xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST v);
		xmlTextWriterEndElement(w);
	}
}

/* The keys of every object of KIND, by DevGetNext. */
static GPtrArray *walk_keys(IDiscIsnsConn *c, const CliIsnsArgs *a, IDiscObjectType type, gboolean *ok)
{
	GPtrArray *keys = g_ptr_array_new_with_free_func((GDestroyNotify) g_byte_array_unref);
	const IDiscObjectInfo *oi = idisc_object_info(type);
	g_autoptr(GByteArray) key = g_byte_array_new();
	for (guint k = 0; k < oi->nkeys; k++)
		idisc_put_nil(key, oi->keys[k]);
	*ok = TRUE;
	for (;;) {
		g_autoptr(GByteArray) b = g_byte_array_new();
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, a->source);
		g_byte_array_append(b, key->data, key->len);
		idisc_put_delimiter(b);
		g_autoptr(IDiscTlvList) l = cli_isns_call(c, IDISC_ISNS_DEV_GET_NEXT, 0, b);
		if (!l || (l->status != 0 && l->status != IDISC_ISNS_NO_SUCH_ENTRY)) {
			if (l)
				cli_fail("DevGetNext: %s", idisc_isns_status_name(l->status));
			*ok = FALSE;
			break;
		}
		if (l->status == IDISC_ISNS_NO_SUCH_ENTRY || l->delim == 0)
			break;
		g_byte_array_set_size(key, 0);
		for (guint i = 0; i < l->delim; i++) {
			const IDiscTlv *t = idisc_tlv_list_get(l, i);
			idisc_put_tlv(key, t->tag, t->value, t->len);
		}
		GByteArray *copy = g_byte_array_new();
		g_byte_array_append(copy, key->data, key->len);
		g_ptr_array_add(keys, copy);
	}
	return keys;
}

/* DevAttrQry keyed by KEY: the object and (no operating attributes) its
 * entity's portals, nodes and portal groups. */
static IDiscTlvList *query(IDiscIsnsConn *c, const CliIsnsArgs *a, GByteArray *key)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, a->source);
	g_byte_array_append(b, key->data, key->len);
	idisc_put_delimiter(b);
	IDiscTlvList *l = cli_isns_call(c, IDISC_ISNS_DEV_ATTR_QRY, 0, b);
	if (l && l->status != 0) {
		cli_fail("DevAttrQry: %s", idisc_isns_status_name(l->status));
		g_clear_pointer(&l, idisc_tlv_list_free);
	}
	return l;
}

static int do_export(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *file)
{
	xmlTextWriterPtr w = xmlNewTextWriterFilename(file ? file : "-", 0);
	if (!w)
		return cli_fail("cannot write %s", file ? file : "standard output");
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "isns-export");
	xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "1");
	static const IDiscObjectType tops[] = { IDISC_OBJ_ENTITY, IDISC_OBJ_DD, IDISC_OBJ_DDS };
	int rc = CLI_EXIT_OK;
	guint count = 0;
	for (gsize k = 0; k < G_N_ELEMENTS(tops) && rc == CLI_EXIT_OK; k++) {
		gboolean ok;
		g_autoptr(GPtrArray) keys = walk_keys(c, a, tops[k], &ok);
		if (!ok) {
			rc = CLI_EXIT_FAIL;
			break;
		}
		for (guint i = 0; i < keys->len; i++) {
			g_autoptr(IDiscTlvList) l = query(c, a, keys->pdata[i]);
			if (!l) {
				rc = CLI_EXIT_FAIL;
				break;
			}
			g_autoptr(GArray) spans = idisc_isns_split_objects(l, l->delim + 1);
			/* The entity first (with its children nested), or the DD/DDS. */
			gboolean open = FALSE;
			for (guint s = 0; s < spans->len; s++) {
				const IDiscObjectSpan *sp = &g_array_index(spans, IDiscObjectSpan, s);
				if (sp->type == tops[k] && !open) {
					xmlTextWriterStartElement(w, BAD_CAST idisc_object_info(sp->type)->name);
					write_span(w, l, sp);
					open = TRUE;
				} else if (open && tops[k] == IDISC_OBJ_ENTITY && sp->type != IDISC_OBJ_ENTITY) {
					xmlTextWriterStartElement(w, BAD_CAST idisc_object_info(sp->type)->name);
					write_span(w, l, sp);
					xmlTextWriterEndElement(w);
				}
			}
			if (open) {
				xmlTextWriterEndElement(w);
				count++;
			}
		}
	}
	xmlTextWriterEndElement(w);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	if (rc == CLI_EXIT_OK && file)
		fprintf(stderr, "itnctl: exported %u objects to %s\n", count, file);
	return rc;
}

/* Append one <object>'s <attr> children: key attributes first, in template
 * order, then the rest (sec. 5.6.5.1 wants keys first). */
static gboolean put_attrs(xmlNodePtr obj, IDiscObjectType type, GByteArray *b, const char *file)
{
	const IDiscObjectInfo *oi = idisc_object_info(type);
	for (int pass = 0; pass < 2; pass++) {
		for (guint k = 0; k < (pass == 0 ? oi->nkeys : 1); k++) {
			for (xmlNodePtr n = obj->children; n; n = n->next) {
				if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "attr") != 0)
					continue;
				g_autofree char *name = (char *) xmlGetProp(n, BAD_CAST "name");
				g_autofree char *value = (char *) xmlGetProp(n, BAD_CAST "value");
				const IDiscAttrInfo *info = name ? idisc_attr_lookup_name(name) : NULL;
				/* A DD set lists its DDs by DD ID (sec. 5.6.5.11). */
				gboolean member = type == IDISC_OBJ_DDS && info && info->tag == IDISC_TAG_DD_ID;
				if (!info || !value || (info->object != type && !member)) {
					cli_fail("%s:%ld: <attr> needs a name of a %s attribute and a value", file,
						 xmlGetLineNo(n), oi->name);
					return FALSE;
				}
				gboolean is_key = FALSE;
				for (guint q = 0; q < oi->nkeys; q++)
					is_key |= oi->keys[q] == info->tag;
				if ((pass == 0 && info->tag != oi->keys[k]) || (pass == 1 && is_key))
					continue;
				g_autoptr(GError) error = NULL;
				g_autoptr(GBytes) v = idisc_attr_parse(info->tag, value, &error);
				if (!v) {
					cli_fail("%s:%ld: %s", file, xmlGetLineNo(n), error->message);
					return FALSE;
				}
				gsize len;
				const guint8 *d = g_bytes_get_data(v, &len);
				idisc_put_tlv(b, info->tag, d, (guint32) len);
			}
		}
	}
	return TRUE;
}

/* The <attr> child named WANT. */
static xmlNodePtr find_attr(xmlNodePtr obj, const char *want)
{
	for (xmlNodePtr n = obj->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *name = xmlGetProp(n, BAD_CAST "name");
		gboolean match = name && xmlStrcmp(name, BAD_CAST want) == 0;
		xmlFree(name);
		if (match)
			return n;
	}
	return NULL;
}

static int send_object(IDiscIsnsConn *c, const CliIsnsArgs *a, guint16 function, GByteArray *key,
		       GByteArray *ops, const char *file, long line)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, a->source);
	g_byte_array_append(b, key->data, key->len);
	idisc_put_delimiter(b);
	g_byte_array_append(b, ops->data, ops->len);
	g_autoptr(IDiscTlvList) l = cli_isns_call(c, function, 0, b);
	if (!l)
		return CLI_EXIT_FAIL;
	if (l->status != 0)
		return cli_fail("%s:%ld: %s refused: %s (status %u)", file, line, idisc_isns_function_name(function),
				idisc_isns_status_name(l->status), l->status);
	return CLI_EXIT_OK;
}

static int do_import(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *file)
{
	g_autofree char *text = NULL;
	gsize len;
	g_autoptr(GError) error = NULL;
	if (!g_file_get_contents(file, &text, &len, &error))
		return cli_fail_error(error);
	if (len > MAX_IMPORT_BYTES)
		return cli_fail("%s: larger than %u bytes", file, MAX_IMPORT_BYTES);
	xmlDocPtr doc = xmlReadMemory(text, (int) len, file, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		return cli_fail("%s:%d: %s", file, e ? e->line : 0, e && e->message ? g_strstrip(e->message) : "not XML");
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int rc = CLI_EXIT_OK;
	guint count = 0;
	if (!root || xmlStrcmp(root->name, BAD_CAST "isns-export") != 0) {
		rc = cli_fail("%s:%ld: expected <isns-export>", file, root ? xmlGetLineNo(root) : 1L);
		goto out;
	}
	for (xmlNodePtr n = root->children; n && rc == CLI_EXIT_OK; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		g_autoptr(GByteArray) key = g_byte_array_new();
		g_autoptr(GByteArray) ops = g_byte_array_new();
		IDiscObjectType type;
		guint16 function;
		if (xmlStrcmp(n->name, BAD_CAST "entity") == 0) {
			type = IDISC_OBJ_ENTITY;
			function = IDISC_ISNS_DEV_ATTR_REG;
		} else if (xmlStrcmp(n->name, BAD_CAST "dd") == 0) {
			type = IDISC_OBJ_DD;
			function = IDISC_ISNS_DD_REG;
		} else if (xmlStrcmp(n->name, BAD_CAST "dds") == 0) {
			type = IDISC_OBJ_DDS;
			function = IDISC_ISNS_DDS_REG;
		} else {
			rc = cli_fail("%s:%ld: expected <entity>, <dd> or <dds>, not <%s>", file, xmlGetLineNo(n),
				      (const char *) n->name);
			break;
		}
		const IDiscObjectInfo *oi = idisc_object_info(type);
		xmlNodePtr id = find_attr(n, idisc_attr_lookup(oi->keys[0])->name);
		if (!id) {
			rc = cli_fail("%s:%ld: <%s> without %s", file, xmlGetLineNo(n), oi->name,
				      idisc_attr_lookup(oi->keys[0])->name);
			break;
		}
		/* The key: the EID / DD ID / DDS ID. */
		g_autofree char *idv = (char *) xmlGetProp(id, BAD_CAST "value");
		g_autoptr(GBytes) idb = idisc_attr_parse(oi->keys[0], idv ? idv : "", &error);
		if (!idb) {
			rc = cli_fail("%s:%ld: %s", file, xmlGetLineNo(id), error->message);
			break;
		}
		gsize il;
		const guint8 *ip = g_bytes_get_data(idb, &il);
		idisc_put_tlv(key, oi->keys[0], ip, (guint32) il);
		if (!put_attrs(n, type, ops, file)) {
			rc = CLI_EXIT_FAIL;
			break;
		}
		/* The entity's children, each keys first. */
		for (xmlNodePtr ch = n->children; ch && type == IDISC_OBJ_ENTITY; ch = ch->next) {
			if (ch->type != XML_ELEMENT_NODE || xmlStrcmp(ch->name, BAD_CAST "attr") == 0)
				continue;
			IDiscObjectType ct = xmlStrcmp(ch->name, BAD_CAST "portal") == 0 ? IDISC_OBJ_PORTAL :
					     xmlStrcmp(ch->name, BAD_CAST "node") == 0 ? IDISC_OBJ_NODE :
					     xmlStrcmp(ch->name, BAD_CAST "portal-group") == 0 ? IDISC_OBJ_PG :
											       IDISC_OBJ_NONE;
			if (ct == IDISC_OBJ_NONE) {
				rc = cli_fail("%s:%ld: expected <portal>, <node> or <portal-group>", file,
					      xmlGetLineNo(ch));
				break;
			}
			if (!put_attrs(ch, ct, ops, file)) {
				rc = CLI_EXIT_FAIL;
				break;
			}
		}
		if (rc == CLI_EXIT_OK)
			rc = send_object(c, a, function, key, ops, file, xmlGetLineNo(n));
		count++;
	}
	if (rc == CLI_EXIT_OK)
		fprintf(stderr, "itnctl: imported %u objects from %s\n", count, file);
out:
	xmlFreeDoc(doc);
	return rc;
}

int cli_isns_export(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *file)
{
	return do_export(c, a, file);
}

int cli_isns_import(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *file)
{
	return do_import(c, a, file);
}
