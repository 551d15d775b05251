/* Reading objects out of an answer's operating attributes (RFC 4171 sec.
 * 5.7): an object starts at the first key attribute of its type and runs
 * until the next object's first key attribute. */
#pragma once
#include <glib.h>
#include "discovery/isns-attrs.h"
#include "discovery/isns-tlv.h"

typedef struct {
	IDiscObjectType type;
	guint first;   /* index into the list */
	guint count;
} IDiscObjectSpan;

/* Spans of the TLVs from FROM to the end of L (IDiscObjectSpan). */
GArray *idisc_isns_split_objects(const IDiscTlvList *l, guint from);
/* The first value of TAG inside SPAN, or NULL. */
const IDiscTlv *idisc_isns_span_get(const IDiscTlvList *l, const IDiscObjectSpan *span, guint32 tag);
