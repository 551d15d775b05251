/* Validation of initiator.xml against data/initiator.rng, compiled into
 * itn-initiatord. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

/* TRUE if doc matches the schema; else "NAME:LINE: element E: what libxml2
 * says was expected" for the first mismatch. */
gboolean itnd_schema_validate(xmlDoc *doc, const char *name, GError **error);
