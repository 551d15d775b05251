/* Splitting operating attributes into objects (see isns-objects.h). */
#include "config.h"
#include "discovery/isns-objects.h"

GArray *idisc_isns_split_objects(const IDiscTlvList *l, guint from)
{
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(IDiscObjectSpan));
	IDiscObjectSpan cur = { IDISC_OBJ_NONE, from, 0 };
	for (guint i = from; i < idisc_tlv_list_count(l); i++) {
		const IDiscTlv *t = idisc_tlv_list_get(l, i);
		const IDiscAttrInfo *info = idisc_attr_lookup(t->tag);
		if (t->tag == IDISC_TAG_DELIMITER)
			continue;
		/* An object begins at its first key attribute (sec. 5.7). */
		gboolean starts = info && (info->flags & IDISC_ATTR_F_KEY) &&
				  idisc_object_info(info->object)->keys[0] == t->tag &&
				  !(cur.type == IDISC_OBJ_DDS && t->tag == IDISC_TAG_DD_ID);
		if (starts || cur.type == IDISC_OBJ_NONE) {
			if (cur.count)
				g_array_append_val(spans, cur);
			cur.type = info ? info->object : IDISC_OBJ_NONE;
			cur.first = i;
			cur.count = 0;
		}
		cur.count++;
	}
	if (cur.count)
		g_array_append_val(spans, cur);
	return spans;
}

const IDiscTlv *idisc_isns_span_get(const IDiscTlvList *l, const IDiscObjectSpan *span, guint32 tag)
{
	for (guint i = span->first; i < span->first + span->count; i++)
		if (idisc_tlv_list_get(l, i)->tag == tag)
			return idisc_tlv_list_get(l, i);
	return NULL;
}
