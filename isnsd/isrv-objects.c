/* Shared helpers of the iSNS handlers: names, keys and object output. */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"
#include "libiscsi-name/iname.h"
#include "libiscsi-proto/iproto-bytes.h"

/* Stringprep is the costliest step of a registration, and each message
 * names the same node several times: remember recent answers (the server
 * core runs on one thread).  "" stands for "invalid". */
#define NAME_CACHE_MAX 4096

char *isrv_normalize_name(const char *name)
{
	static GHashTable *cache;
	if (!cache)
		cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const char *hit = g_hash_table_lookup(cache, name);
	if (hit)
		return *hit ? g_strdup(hit) : NULL;
	/* Peers send names with characters RFC 3722 prohibits (underscores);
	 * accept them leniently, store and compare the normalized form. */
	char *norm = iname_normalize(name, INAME_LENIENT, NULL, NULL, NULL);
	if (g_hash_table_size(cache) >= NAME_CACHE_MAX)
		g_hash_table_remove_all(cache);
	g_hash_table_insert(cache, g_strdup(name), g_strdup(norm ? norm : ""));
	return norm;
}

GBytes *isrv_name_value(const char *name)
{
	gsize n = strlen(name);
	gsize padded = (n + 4) & ~(gsize) 3;
	guint8 *p = g_malloc0(padded);
	memcpy(p, name, n);
	return g_bytes_new_take(p, padded);
}

void isrv_key_append(GByteArray *key, const IDiscTlv *t)
{
	if (t->tag == IDISC_TAG_ISCSI_NAME || t->tag == IDISC_TAG_PG_ISCSI_NAME ||
	    t->tag == IDISC_TAG_DD_MEMBER_NAME) {
		g_autofree char *norm = isrv_normalize_name(idisc_tlv_string(t));
		g_autoptr(GBytes) v = isrv_name_value(norm ? norm : idisc_tlv_string(t));
		gsize n;
		const guint8 *d = g_bytes_get_data(v, &n);
		g_byte_array_append(key, d, (guint) n);
		return;
	}
	g_byte_array_append(key, t->value, t->len);
}

gint64 isrv_find_by_tlvs(IsrvDb *db, IDiscObjectType type, const IDiscTlv *t)
{
	const IDiscObjectInfo *oi = idisc_object_info(type);
	g_autoptr(GByteArray) key = g_byte_array_new();
	for (guint i = 0; i < oi->nkeys; i++)
		isrv_key_append(key, &t[i]);
	return isrv_db_find(db, type, key->data, key->len);
}

gint64 isrv_find_node(IsrvDb *db, const char *name)
{
	g_autoptr(GBytes) v = isrv_name_value(name);
	gsize n;
	const guint8 *d = g_bytes_get_data(v, &n);
	return isrv_db_find(db, IDISC_OBJ_NODE, d, n);
}

IDiscObjectType isrv_tag_object(guint32 tag)
{
	const IDiscAttrInfo *info = idisc_attr_lookup(tag);
	return info ? info->object : IDISC_OBJ_NONE;
}

gboolean isrv_tag_is_key(guint32 tag)
{
	const IDiscAttrInfo *info = idisc_attr_lookup(tag);
	return info && (info->flags & IDISC_ATTR_F_KEY);
}

static gboolean wanted(GHashTable *want, guint32 tag)
{
	return !want || g_hash_table_contains(want, GUINT_TO_POINTER(tag));
}

void isrv_put_object(IsrvDb *db, GByteArray *body, const IsrvObject *o, GHashTable *want)
{
	const IDiscObjectInfo *oi = idisc_object_info(o->type);
	/* Sec. 5.7: each object begins with its key attributes, in order. */
	for (guint k = 0; k < oi->nkeys; k++) {
		const IsrvAttr *a = isrv_object_get(o, oi->keys[k]);
		if (a)
			idisc_put_tlv(body, a->tag, a->value, a->len);
	}
	for (guint i = 0; i < o->attrs->len; i++) {
		const IsrvAttr *a = &g_array_index(o->attrs, IsrvAttr, i);
		if (isrv_tag_is_key(a->tag) && isrv_tag_object(a->tag) == o->type)
			continue;
		if (a->tag == IDISC_TAG_DD_MEMBER_NAME) {
			/* Sec. 6.11.2.3-4: a member is shown with its node index when the
			 * node is registered. */
			if (wanted(want, IDISC_TAG_DD_MEMBER_INDEX)) {
				gint64 node = isrv_find_node(db, (const char *) a->value);
				if (node)
					idisc_put_u32(body, IDISC_TAG_DD_MEMBER_INDEX, (guint32) node);
			}
			if (wanted(want, a->tag))
				idisc_put_tlv(body, a->tag, a->value, a->len);
			continue;
		}
		if (wanted(want, a->tag))
			idisc_put_tlv(body, a->tag, a->value, a->len);
	}
	/* The index is the object id (sec. 6.1: server assigned, read-only). */
	if (oi->index_tag && wanted(want, oi->index_tag) && !isrv_object_get(o, oi->index_tag))
		idisc_put_u32(body, oi->index_tag, (guint32) o->id);
}
