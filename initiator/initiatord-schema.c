/* initiator.xml against the RelaxNG schema data/initiator.rng (compiled in
 * as a GResource by initiator/Makefile.am). */
#include "config.h"

#include <gio/gio.h>
#include <libxml/relaxng.h>

#include "initiatord-schema.h"
#include "itni-error.h"

/* From glib-compile-resources (initiatord-schema-resource.c); called
 * directly so the object is linked in from the convenience library. */
GResource *itnd_schema_get_resource(void);

/* Compiled once: parsing the schema costs more than validating a file, and
 * validation only reads it (each run has its own context). */
static xmlRelaxNG *schema(void)
{
	static gsize once;
	static xmlRelaxNG *rng;
	if (g_once_init_enter(&once)) {
		g_autoptr(GBytes) b = g_resource_lookup_data(itnd_schema_get_resource(),
							     "/org/itnexus/initiator/initiator.rng", 0, NULL);
		gsize n = 0;
		const char *text = b ? g_bytes_get_data(b, &n) : NULL;
		xmlRelaxNGParserCtxt *pc = text ? xmlRelaxNGNewMemParserCtxt(text, (int) n) : NULL;
		if (pc) {
			rng = xmlRelaxNGParse(pc);
			xmlRelaxNGFreeParserCtxt(pc);
		}
		g_once_init_leave(&once, 1);
	}
	return rng;
}

typedef struct {
	const char *name;
	char *first;    /* the first mismatch: the most specific one */
} Mismatch;

static void on_mismatch(void *data, xmlErrorPtr e)
{
	Mismatch *m = data;
	if (m->first || !e)
		return;
	g_autofree char *what = g_strchomp(g_strdup(e->message ? e->message : "does not match the schema"));
	const xmlNode *at = e->node;
	if (at && at->type == XML_ELEMENT_NODE)
		m->first = g_strdup_printf("%s:%ld: element %s: %s", m->name, xmlGetLineNo(at),
					   (const char *) at->name, what);
	else
		m->first = g_strdup_printf("%s:%d: %s", m->name, e->line, what);
}

gboolean itnd_schema_validate(xmlDoc *doc, const char *name, GError **error)
{
	xmlRelaxNG *rng = schema();
	if (!rng) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_FAILED, "the compiled-in initiator.rng does not parse");
		return FALSE;
	}
	Mismatch m = { name, NULL };
	xmlRelaxNGValidCtxt *vc = xmlRelaxNGNewValidCtxt(rng);
	xmlRelaxNGSetValidStructuredErrors(vc, on_mismatch, &m);
	int rc = xmlRelaxNGValidateDoc(vc, doc);
	xmlRelaxNGFreeValidCtxt(vc);
	if (rc != 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s",
			    m.first ? m.first : "does not match initiator.rng");
		g_free(m.first);
		return FALSE;
	}
	return TRUE;
}
