/* DevAttrQry (RFC 4171 sec. 5.6.5.2) and DevGetNext (sec. 5.6.5.3). */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"

/* Does object O carry every key TLV (zero length = "has the attribute")? */
static gboolean matches(const IsrvObject *o, const IDiscTlv *t, guint n)
{
	for (guint i = 0; i < n; i++) {
		gboolean found = FALSE;
		g_autoptr(GByteArray) want = g_byte_array_new();
		if (t[i].len)
			isrv_key_append(want, &t[i]);
		for (guint a = 0; a < o->attrs->len && !found; a++) {
			const IsrvAttr *v = &g_array_index(o->attrs, IsrvAttr, a);
			if (v->tag != t[i].tag)
				continue;
			found = t[i].len == 0 ||
				(v->len == want->len && memcmp(v->value, want->data, v->len) == 0);
		}
		/* The index attribute is the object id. */
		const IDiscObjectInfo *oi = idisc_object_info(o->type);
		if (!found && oi->index_tag == t[i].tag)
			found = t[i].len == 0 || idisc_tlv_u32(&t[i]) == (guint32) o->id;
		if (!found)
			return FALSE;
	}
	return TRUE;
}

typedef struct {
	IsrvRequest *req;
	GHashTable *visible;     /* node ids, NULL = all */
	GHashTable *seen;        /* object ids already in the answer */
	GArray *out;             /* object ids in answer order */
	guint type_mask;         /* requested object types */
} QryState;

static void add(QryState *q, const IsrvObject *o)
{
	if (!(q->type_mask & (1u << o->type)))
		return;
	if (g_hash_table_contains(q->seen, &o->id))
		return;
	if (!isrv_policy_object_visible(q->req->core, q->visible, q->req->source_entity, o))
		return;
	g_hash_table_add(q->seen, g_memdup2(&o->id, sizeof o->id));
	g_array_append_val(q->out, o->id);
}

static void add_id(QryState *q, gint64 id)
{
	if (g_hash_table_contains(q->seen, &id))
		return;
	g_autoptr(IsrvObject) o = isrv_db_load(q->req->db, id);
	if (o)
		add(q, o);
}

static void add_children(QryState *q, gint64 entity, IDiscObjectType type)
{
	if (!(q->type_mask & (1u << type)))
		return;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_children(q->req->db, entity, type, ids);
	for (guint i = 0; i < ids->len; i++)
		add_id(q, g_array_index(ids, gint64, i));
}

/* Sec. 5.6.5.2: objects of the requested types related to a key object:
 * those of its entity, DDs of a node, members of a DD. */
static void add_related(QryState *q, const IsrvObject *k)
{
	IsrvDb *db = q->req->db;
	gint64 entity = k->type == IDISC_OBJ_ENTITY ? k->id : k->entity;
	if (entity) {
		add_id(q, entity);
		add(q, k);
		add_children(q, entity, IDISC_OBJ_PORTAL);
		add_children(q, entity, IDISC_OBJ_NODE);
		add_children(q, entity, IDISC_OBJ_PG);
	} else {
		add(q, k);
	}
	if (k->type == IDISC_OBJ_NODE && (q->type_mask & (1u << IDISC_OBJ_DD))) {
		const char *name = isrv_object_get_string(k, IDISC_TAG_ISCSI_NAME);
		g_autoptr(GArray) dds = g_array_new(FALSE, FALSE, sizeof(gint64));
		if (name)
			isrv_policy_active_dds(q->req->core, name, dds);
		for (guint i = 0; i < dds->len; i++)
			add_id(q, g_array_index(dds, gint64, i));
	}
	if (k->type == IDISC_OBJ_DD && (q->type_mask & (1u << IDISC_OBJ_NODE))) {
		for (guint i = 0; i < k->attrs->len; i++) {
			const IsrvAttr *a = &g_array_index(k->attrs, IsrvAttr, i);
			if (a->tag != IDISC_TAG_DD_MEMBER_NAME)
				continue;
			gint64 node = isrv_db_find(db, IDISC_OBJ_NODE, a->value, a->len);
			if (node)
				add_id(q, node);
		}
	}
}

guint32 isrv_handle_dev_attr_qry(IsrvRequest *req)
{
	IDiscObjectType qtype = IDISC_OBJ_NONE;
	/* Sec. 5.6.5.2: all key attributes belong to one object type. */
	for (guint i = 0; i < req->nkeys; i++) {
		const IDiscAttrInfo *info = idisc_attr_lookup(req->keys[i].tag);
		if (!info || info->object == IDISC_OBJ_FC || info->object == IDISC_OBJ_NONE)
			return IDISC_ISNS_ATTR_NOT_IMPLEMENTED;
		if (qtype != IDISC_OBJ_NONE && info->object != qtype)
			return IDISC_ISNS_INVALID_QUERY;
		qtype = info->object;
	}
	/* An empty key: the whole database the source may see. */
	if (qtype == IDISC_OBJ_NONE)
		qtype = IDISC_OBJ_ENTITY;
	QryState q = { .req = req };
	g_autoptr(GHashTable) want = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < req->nops; i++) {
		const IDiscAttrInfo *info = idisc_attr_lookup(req->ops[i].tag);
		/* Sec. 5.6.5.2: operating attributes of a query are zero-length. */
		if (req->ops[i].len != 0)
			return IDISC_ISNS_INVALID_QUERY;
		if (!info)
			continue;
		g_hash_table_add(want, GUINT_TO_POINTER(req->ops[i].tag));
		q.type_mask |= 1u << info->object;
	}
	/* Sec. 5.7.5.2: no operating attributes, everything is returned: the
	 * key objects with their entity and its portals, nodes and portal
	 * groups (what open-isns answers, and what its isnsadm expects). */
	if (req->nops == 0)
		q.type_mask = 1u << qtype | 1u << IDISC_OBJ_ENTITY | 1u << IDISC_OBJ_PORTAL |
			      1u << IDISC_OBJ_NODE | 1u << IDISC_OBJ_PG;
	q.visible = isrv_policy_visible_nodes(req->core, req->source, req->source_entity, req->control);
	q.seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	q.out = g_array_new(FALSE, FALSE, sizeof(gint64));

	/* The key objects: a direct lookup when the key is a complete key
	 * with values, a scan of the type otherwise. */
	g_autoptr(GArray) cand = g_array_new(FALSE, FALSE, sizeof(gint64));
	const IDiscObjectInfo *oi = idisc_object_info(qtype);
	gboolean direct = req->nkeys == oi->nkeys;
	for (guint k = 0; direct && k < oi->nkeys; k++)
		direct = req->keys[k].tag == oi->keys[k] && req->keys[k].len > 0;
	if (direct) {
		gint64 id = isrv_find_by_tlvs(req->db, qtype, req->keys);
		if (id)
			g_array_append_val(cand, id);
	} else {
		isrv_db_list(req->db, qtype, cand);
	}
	for (guint i = 0; i < cand->len; i++) {
		g_autoptr(IsrvObject) k = isrv_db_load(req->db, g_array_index(cand, gint64, i));
		if (!k || !matches(k, req->keys, req->nkeys))
			continue;
		if (!isrv_policy_object_visible(req->core, q.visible, req->source_entity, k))
			continue;
		add_related(&q, k);
	}
	/* Sec. 5.7.5.2: the original key, the delimiter, the objects. */
	for (guint i = 0; i < req->nkeys; i++)
		idisc_put_tlv(req->body, req->keys[i].tag, req->keys[i].value, req->keys[i].len);
	idisc_put_delimiter(req->body);
	for (guint i = 0; i < q.out->len; i++) {
		g_autoptr(IsrvObject) o = isrv_db_load(req->db, g_array_index(q.out, gint64, i));
		if (o)
			isrv_put_object(req->db, req->body, o, req->nops ? want : NULL);
	}
	if (q.visible)
		g_hash_table_unref(q.visible);
	g_hash_table_unref(q.seen);
	g_array_unref(q.out);
	return IDISC_ISNS_OK;
}

/* The object type named by a DevGetNext key: its key attributes, or one
 * index attribute (sec. 5.6.5.3). */
static IDiscObjectType getnext_type(const IDiscTlv *keys, guint n, gboolean *by_index)
{
	*by_index = FALSE;
	if (n == 0)
		return IDISC_OBJ_NONE;
	const IDiscAttrInfo *info = idisc_attr_lookup(keys[0].tag);
	if (!info || info->object == IDISC_OBJ_FC || info->object == IDISC_OBJ_NONE)
		return IDISC_OBJ_NONE;
	const IDiscObjectInfo *oi = idisc_object_info(info->object);
	if (n == 1 && oi->index_tag == keys[0].tag) {
		*by_index = TRUE;
		return info->object;
	}
	if (n != oi->nkeys)
		return IDISC_OBJ_NONE;
	for (guint i = 0; i < n; i++)
		if (keys[i].tag != oi->keys[i])
			return IDISC_OBJ_NONE;
	return info->object;
}

guint32 isrv_handle_dev_get_next(IsrvRequest *req)
{
	gboolean by_index;
	IDiscObjectType type = getnext_type(req->keys, req->nkeys, &by_index);
	if (type == IDISC_OBJ_NONE)
		return IDISC_ISNS_INVALID_QUERY;
	/* Non-zero-length operating attributes scope the walk; zero-length
	 * ones (which come after) pick the attributes returned. */
	guint nfilter = 0;
	while (nfilter < req->nops && req->ops[nfilter].len > 0)
		nfilter++;
	g_autoptr(GHashTable) want = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < req->nops; i++) {
		if (isrv_tag_object(req->ops[i].tag) != type)
			return IDISC_ISNS_INVALID_QUERY;
		if (i >= nfilter)
			g_hash_table_add(want, GUINT_TO_POINTER(req->ops[i].tag));
	}
	gint64 after = 0;
	if (by_index) {
		after = req->keys[0].len ? idisc_tlv_u32(&req->keys[0]) : 0;
	} else if (req->keys[0].len > 0) {
		after = isrv_find_by_tlvs(req->db, type, req->keys);
		if (!after)
			return IDISC_ISNS_NO_SUCH_ENTRY;
	}
	guint32 status = IDISC_ISNS_NO_SUCH_ENTRY;
	for (;;) {
		gint64 id = isrv_db_next(req->db, type, after);
		if (!id)
			break;
		after = id;
		g_autoptr(IsrvObject) o = isrv_db_load(req->db, id);
		if (!o || !matches(o, req->ops, nfilter) ||
		    !isrv_policy_visible_to(req->core, req->source, req->source_entity, req->control, o))
			continue;
		/* Sec. 5.7.5.3: the next object's key, the delimiter, its
		 * requested attributes. */
		const IDiscObjectInfo *oi = idisc_object_info(type);
		for (guint k = 0; k < oi->nkeys; k++) {
			const IsrvAttr *a = isrv_object_get(o, oi->keys[k]);
			if (a)
				idisc_put_tlv(req->body, a->tag, a->value, a->len);
		}
		idisc_put_delimiter(req->body);
		isrv_put_object(req->db, req->body, o, g_hash_table_size(want) ? want : NULL);
		status = IDISC_ISNS_OK;
		break;
	}
	return status;
}
