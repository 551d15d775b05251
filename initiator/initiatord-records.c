/* initiator.xml: read with libxml2, written back atomically (temp file,
 * fsync, rename: g_file_set_contents_full with DURABLE). */
#include "config.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "initiatord-records.h"
#include "initiatord-schema.h"
#include "itni-error.h"
#include "libiscsi-name/iname.h"

static void record_free(ItndRecord *r)
{
	g_free(r->target);
	g_free(r->portal);
	g_free(r->secrets);
	g_free(r);
}

static gboolean parse_uint(const char *s, guint lo, guint hi, guint *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return FALSE;
	*out = (guint) v;
	return TRUE;
}

static gboolean parse_bool(const char *s, gboolean *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
		*out = TRUE;
	else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
		*out = FALSE;
	else
		return FALSE;
	return TRUE;
}

/* The settable fields of a record: one table for the file and the control
 * API. */
gboolean itnd_record_set(ItndRecord *rec, const char *key, const char *value, GError **error)
{
	gboolean ok = TRUE;
	const char *expected = NULL;
	if (!strcmp(key, "auto-connect")) {
		ok = parse_bool(value, &rec->auto_connect);
		expected = "yes or no";
	} else if (!strcmp(key, "connections") || !strcmp(key, "sessions")) {
		ok = parse_uint(value, 1, 16, !strcmp(key, "connections") ? &rec->connections : &rec->sessions);
		expected = "a number from 1 to 16";
	} else if (!strcmp(key, "portal")) {
		INameTargetAddress a;
		/* host[:port] as in a TargetAddress (RFC 7143 sec. 13.8),
		 * without the portal group tag. */
		ok = !strchr(value, ',') && iname_target_address_parse(value, 3260, &a, NULL);
		if (ok) {
			iname_target_address_clear(&a);
			g_free(rec->portal);
			rec->portal = g_strdup(value);
		}
		expected = "host[:port], an IPv6 address in brackets";
	} else if (!strcmp(key, "secrets")) {
		g_free(rec->secrets);
		rec->secrets = *value ? g_strdup(value) : NULL;
	} else {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "unknown node setting '%s' (auto-connect, connections, sessions, portal, secrets)", key);
		return FALSE;
	}
	if (!ok)
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: expected %s, not '%s'", key, expected,
			    value);
	return ok;
}

static ItndRecord *record_new(const char *target)
{
	ItndRecord *r = g_new0(ItndRecord, 1);
	r->target = g_strdup(target);
	r->connections = 1;
	r->sessions = 1;
	return r;
}

/* The first error libxml2 reports is the cause; later ones are
 * consequences of it. */
typedef struct {
	char *message;
	int line;
} ParseError;

static void on_parse_error(void *data, xmlErrorPtr e)
{
	ParseError *pe = data;
	if (pe->message || !e || e->level == XML_ERR_WARNING)
		return;
	pe->message = g_strchomp(g_strdup(e->message ? e->message : "not well-formed XML"));
	pe->line = e->line;
}

/* A well-formed document without DOCTYPE (no entities to expand, nothing
 * fetched from the network), or NULL with "NAME:LINE: ...". */
static xmlDoc *parse_xml(const char *data, gsize len, const char *name, GError **error)
{
	if (len > ITND_RECORDS_FILE_MAX) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: larger than %d bytes", name,
			    ITND_RECORDS_FILE_MAX);
		return NULL;
	}
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_FAILED, "%s: out of memory", name);
		return NULL;
	}
	ParseError pe = { NULL, 0 };
	xmlSetStructuredErrorFunc(&pe, on_parse_error);
	xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int) len, name, NULL,
					XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	gboolean well_formed = ctxt->wellFormed;
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(ctxt);
	if (!doc || !well_formed) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: %s", name, pe.line,
			    pe.message ? pe.message : "not well-formed XML");
		g_free(pe.message);
		xmlFreeDoc(doc);
		return NULL;
	}
	g_free(pe.message);
	if (doc->intSubset || doc->extSubset) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: a DOCTYPE is not allowed", name);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* One <node>: its attributes through the same table as the control API,
 * then what a record needs. */
static gboolean walk_node(ItndRecords *r, xmlNodePtr n, const char *name, GError **error)
{
	xmlChar *target = xmlGetProp(n, (const xmlChar *) "target");
	if (!target) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "%s:%d: <node> needs a target attribute (the target's iSCSI name)", name, n->line);
		return FALSE;
	}
	GError *e = NULL;
	gboolean ok = iname_validate((const char *) target, INAME_LENIENT, &e);
	if (!ok) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: <node target>: %s", name, n->line,
			    e->message);
		g_clear_error(&e);
	} else if (itnd_records_find(r, (const char *) target)) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "%s:%d: a second <node> for %s (one record per target)", name, n->line, target);
		ok = FALSE;
	}
	ItndRecord *rec = ok ? record_new((char *) target) : NULL;
	xmlFree(target);
	if (!ok)
		return FALSE;
	g_ptr_array_add(r->records, rec);
	for (xmlAttrPtr a = n->properties; a && ok; a = a->next) {
		const char *key = (const char *) a->name;
		if (!strcmp(key, "target"))
			continue;
		xmlChar *v = xmlGetProp(n, a->name);
		if (!strcmp(key, "origin")) {
			rec->discovered = v && !xmlStrcmp(v, (const xmlChar *) "discovery");
			if (!rec->discovered && xmlStrcmp(v, (const xmlChar *) "user")) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
					    "%s:%d: <node>: origin: expected user or discovery, not '%s'", name, n->line,
					    (const char *) v);
				ok = FALSE;
			}
		} else if (!itnd_record_set(rec, key, (const char *) v, &e)) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: <node>: %s", name, n->line,
				    e->message);
			g_clear_error(&e);
			ok = FALSE;
		}
		xmlFree(v);
	}
	if (ok && !rec->portal) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "%s:%d: <node> needs a portal attribute (host[:port])", name, n->line);
		ok = FALSE;
	}
	return ok;
}

/* <discover source="mdns"> with <match iqn="GLOB"/> children: the file's
 * form of --discover mdns --discover-match GLOB. */
static gboolean walk_discover(ItndRecords *r, xmlNodePtr n, const char *name, GError **error)
{
	if (r->discover_mdns) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: a second <discover>", name,
			    n->line);
		return FALSE;
	}
	xmlChar *source = xmlGetProp(n, (const xmlChar *) "source");
	gboolean ok = source && !xmlStrcmp(source, (const xmlChar *) "mdns");
	if (!ok)
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "%s:%d: <discover>: source: expected mdns, not '%s'", name, n->line,
			    source ? (const char *) source : "");
	xmlFree(source);
	if (!ok)
		return FALSE;
	r->discover_mdns = TRUE;
	g_autoptr(GPtrArray) globs = g_ptr_array_new_with_free_func(g_free);
	for (xmlNodePtr c = n->children; c && ok; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *iqn = xmlStrcmp(c->name, (const xmlChar *) "match") ? NULL
									       : xmlGetProp(c, (const xmlChar *) "iqn");
		ok = iqn && *iqn;
		if (ok)
			g_ptr_array_add(globs, g_strdup((const char *) iqn));
		else
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "%s:%d: expected <match iqn=\"GLOB\"/> in <discover>", name, c->line);
		xmlFree(iqn);
	}
	if (ok && globs->len) {
		g_ptr_array_add(globs, NULL);
		r->discover_match = (char **) g_ptr_array_steal(globs, NULL);
	}
	return ok;
}

/* The walk gives precise messages for what it knows; the schema then
 * catches anything else (it is the contract, data/initiator.rng). */
static gboolean walk(ItndRecords *r, xmlDoc *doc, const char *name, GError **error)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, (const xmlChar *) "initiator")) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: expected <initiator>, not <%s>",
			    name, root ? root->line : 1, root ? (const char *) root->name : "");
		return FALSE;
	}
	xmlChar *iname = xmlGetProp(root, (const xmlChar *) "name");
	GError *e = NULL;
	if (iname && !iname_validate((const char *) iname, INAME_LENIENT, &e)) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: <initiator name>: %s", name,
			    root->line, e->message);
		g_error_free(e);
		xmlFree(iname);
		return FALSE;
	}
	r->initiator_name = iname ? g_strdup((char *) iname) : NULL;
	xmlFree(iname);
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(n->name, (const xmlChar *) "discover")) {
			if (!walk_discover(r, n, name, error))
				return FALSE;
			continue;
		}
		if (xmlStrcmp(n->name, (const xmlChar *) "node")) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "%s:%d: expected <node> or <discover>, not <%s>", name, n->line, n->name);
			return FALSE;
		}
		if (!walk_node(r, n, name, error))
			return FALSE;
	}
	return itnd_schema_validate(doc, name, error);
}

static ItndRecords *records_new(const char *path)
{
	ItndRecords *r = g_new0(ItndRecords, 1);
	r->path = g_strdup(path);
	r->records = g_ptr_array_new_with_free_func((GDestroyNotify) record_free);
	return r;
}

ItndRecords *itnd_records_parse(const char *data, gsize len, const char *name, GError **error)
{
	xmlDoc *doc = parse_xml(data, len, name, error);
	if (!doc)
		return NULL;
	ItndRecords *r = records_new(NULL);
	gboolean ok = walk(r, doc, name, error);
	xmlFreeDoc(doc);
	if (!ok) {
		itnd_records_free(r);
		return NULL;
	}
	return r;
}

ItndRecords *itnd_records_load(const char *path, GError **error)
{
	if (!path || !g_file_test(path, G_FILE_TEST_EXISTS))
		return records_new(path);
	g_autofree char *data = NULL;
	gsize len = 0;
	GStatBuf st;
	if (g_stat(path, &st) == 0 && st.st_size > ITND_RECORDS_FILE_MAX) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: larger than %d bytes", path,
			    ITND_RECORDS_FILE_MAX);
		return NULL;
	}
	if (!g_file_get_contents(path, &data, &len, error))
		return NULL;
	ItndRecords *r = itnd_records_parse(data, len, path, error);
	if (r)
		r->path = g_strdup(path);
	return r;
}

void itnd_records_free(ItndRecords *r)
{
	if (!r)
		return;
	g_ptr_array_free(r->records, TRUE);
	g_free(r->path);
	g_free(r->initiator_name);
	g_strfreev(r->discover_match);
	g_free(r);
}

gboolean itnd_records_save(ItndRecords *r, GError **error)
{
	if (!r->path)
		return TRUE;
	g_autoptr(GString) s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	g_autofree char *iname = r->initiator_name ? g_markup_printf_escaped(" name=\"%s\"", r->initiator_name)
						   : g_strdup("");
	g_string_append_printf(s, "<initiator%s>\n", iname);
	if (r->discover_mdns) {
		g_string_append(s, r->discover_match ? "  <discover source=\"mdns\">\n" : "  <discover source=\"mdns\"/>\n");
		for (char **g = r->discover_match; g && *g; g++) {
			g_autofree char *m = g_markup_printf_escaped("    <match iqn=\"%s\"/>\n", *g);
			g_string_append(s, m);
		}
		if (r->discover_match)
			g_string_append(s, "  </discover>\n");
	}
	for (guint i = 0; i < r->records->len; i++) {
		ItndRecord *rec = r->records->pdata[i];
		g_autofree char *line = g_markup_printf_escaped(
			"  <node target=\"%s\" portal=\"%s\" auto-connect=\"%s\" connections=\"%u\" sessions=\"%u\"",
			rec->target, rec->portal, rec->auto_connect ? "yes" : "no", rec->connections, rec->sessions);
		g_string_append(s, line);
		if (rec->secrets) {
			g_autofree char *sec = g_markup_printf_escaped(" secrets=\"%s\"", rec->secrets);
			g_string_append(s, sec);
		}
		if (rec->discovered)
			g_string_append(s, " origin=\"discovery\"");
		g_string_append(s, "/>\n");
	}
	g_string_append(s, "</initiator>\n");
	return g_file_set_contents_full(r->path, s->str, (gssize) s->len,
					G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644, error);
}

ItndRecord *itnd_records_find(ItndRecords *r, const char *target)
{
	for (guint i = 0; i < r->records->len; i++) {
		ItndRecord *rec = r->records->pdata[i];
		if (!strcmp(rec->target, target))
			return rec;
	}
	return NULL;
}

gboolean itnd_records_add_discovered(ItndRecords *r, const char *target, const char *portal)
{
	/* design brief: re-running discovery never overwrites settings a user
	 * made on a node record, so an existing record stays as it is. */
	if (itnd_records_find(r, target))
		return FALSE;
	ItndRecord *rec = record_new(target);
	rec->portal = g_strdup(portal);
	rec->discovered = TRUE;
	g_ptr_array_add(r->records, rec);
	return TRUE;
}

char *itnd_record_url(const ItndRecord *rec)
{
	return g_strdup_printf("iscsi://%s/%s/0", rec->portal, rec->target);
}
