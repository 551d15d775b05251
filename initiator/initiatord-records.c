/* initiator.xml: read with libxml2, written back atomically (temp file,
 * fsync, rename: g_file_set_contents_full with DURABLE). */
#include "config.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "initiatord-records.h"
#include "itni-error.h"

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
	if (!strcmp(key, "auto-connect"))
		ok = parse_bool(value, &rec->auto_connect);
	else if (!strcmp(key, "connections"))
		ok = parse_uint(value, 1, 16, &rec->connections);
	else if (!strcmp(key, "sessions"))
		ok = parse_uint(value, 1, 16, &rec->sessions);
	else if (!strcmp(key, "portal")) {
		g_free(rec->portal);
		rec->portal = g_strdup(value);
	} else if (!strcmp(key, "secrets")) {
		g_free(rec->secrets);
		rec->secrets = *value ? g_strdup(value) : NULL;
	} else {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "unknown node setting '%s' (auto-connect, connections, sessions, portal, secrets)", key);
		return FALSE;
	}
	if (!ok)
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "bad value '%s' for %s", value, key);
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

ItndRecords *itnd_records_load(const char *path, GError **error)
{
	ItndRecords *r = g_new0(ItndRecords, 1);
	r->path = g_strdup(path);
	r->records = g_ptr_array_new_with_free_func((GDestroyNotify) record_free);
	if (!path || !g_file_test(path, G_FILE_TEST_EXISTS))
		return r;
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *xe = xmlGetLastError();
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: %s", path, xe ? xe->line : 0,
			    xe && xe->message ? g_strchomp(g_strdup(xe->message)) : "not XML");
		itnd_records_free(r);
		return NULL;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	gboolean ok = root && !xmlStrcmp(root->name, (const xmlChar *) "initiator");
	if (!ok)
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: expected <initiator>", path,
			    root ? root->line : 1);
	if (ok) {
		xmlChar *name = xmlGetProp(root, (const xmlChar *) "name");
		r->initiator_name = name ? g_strdup((char *) name) : NULL;
		xmlFree(name);
	}
	for (xmlNodePtr n = ok ? root->children : NULL; n && ok; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(n->name, (const xmlChar *) "node")) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: expected <node>, not <%s>",
				    path, n->line, n->name);
			ok = FALSE;
			break;
		}
		xmlChar *target = xmlGetProp(n, (const xmlChar *) "target");
		if (!target) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "%s:%d: <node> needs a target attribute", path, n->line);
			ok = FALSE;
			break;
		}
		ItndRecord *rec = record_new((char *) target);
		xmlFree(target);
		g_ptr_array_add(r->records, rec);
		for (xmlAttrPtr a = n->properties; a && ok; a = a->next) {
			const char *key = (const char *) a->name;
			if (!strcmp(key, "target"))
				continue;
			xmlChar *v = xmlGetProp(n, a->name);
			GError *e = NULL;
			if (!strcmp(key, "origin"))
				rec->discovered = v && !xmlStrcmp(v, (const xmlChar *) "discovery");
			else if (!itnd_record_set(rec, key, (const char *) v, &e)) {
				g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s:%d: %s", path, n->line,
					    e->message);
				g_error_free(e);
				ok = FALSE;
			}
			xmlFree(v);
		}
		if (ok && !rec->portal) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "%s:%d: <node> needs a portal attribute", path, n->line);
			ok = FALSE;
		}
	}
	xmlFreeDoc(doc);
	if (!ok) {
		itnd_records_free(r);
		return NULL;
	}
	return r;
}

void itnd_records_free(ItndRecords *r)
{
	if (!r)
		return;
	g_ptr_array_free(r->records, TRUE);
	g_free(r->path);
	g_free(r->initiator_name);
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
