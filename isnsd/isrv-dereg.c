/* DevDereg (RFC 4171 sec. 5.6.5.4) and the removal of objects it shares
 * with REPLACE registrations, ESI and registration expiry. */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"

static void remove_pgs_where(IsrvCore *core, gint64 entity, guint32 tag, const IsrvAttr *v1,
			     const IsrvAttr *v2)
{
	g_autoptr(GArray) pgs = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_children(core->db, entity, IDISC_OBJ_PG, pgs);
	for (guint i = 0; i < pgs->len; i++) {
		gint64 id = g_array_index(pgs, gint64, i);
		g_autoptr(IsrvObject) pg = isrv_db_load(core->db, id);
		if (!pg)
			continue;
		const IsrvAttr *a = isrv_object_get(pg, tag);
		gboolean match = a && a->len == v1->len && memcmp(a->value, v1->value, a->len) == 0;
		if (match && v2) {
			const IsrvAttr *b = isrv_object_get(pg, IDISC_TAG_PG_PORTAL_PORT);
			match = b && b->len == v2->len && memcmp(b->value, v2->value, b->len) == 0;
		}
		if (match)
			isrv_db_delete(core->db, id);
	}
}

void isrv_core_remove_object_tree(IsrvCore *core, gint64 id)
{
	g_autoptr(IsrvObject) o = isrv_db_load(core->db, id);
	if (!o)
		return;
	switch (o->type) {
	case IDISC_OBJ_ENTITY:
		isrv_core_remove_entity(core, id);
		return;
	case IDISC_OBJ_NODE: {
		const IsrvAttr *name = isrv_object_get(o, IDISC_TAG_ISCSI_NAME);
		/* Tell the watchers before the node disappears: visibility is
		 * computed from the current state (sec. 6.4.4 object removed). */
		if (name)
			isrv_scn_queue(core, IDISC_SCN_OBJECT_REMOVED, (const char *) name->value, 0);
		if (name)
			remove_pgs_where(core, o->entity, IDISC_TAG_PG_ISCSI_NAME, name, NULL);
		break;
	}
	case IDISC_OBJ_PORTAL: {
		const IsrvAttr *ip = isrv_object_get(o, IDISC_TAG_PORTAL_IP);
		const IsrvAttr *port = isrv_object_get(o, IDISC_TAG_PORTAL_PORT);
		if (ip && port)
			remove_pgs_where(core, o->entity, IDISC_TAG_PG_PORTAL_IP, ip, port);
		if (core->hooks.portal_esi)
			core->hooks.portal_esi(core->hooks.user, id, FALSE);
		break;
	}
	default:
		break;
	}
	isrv_db_delete(core->db, id);
}

void isrv_core_clear_entity(IsrvCore *core, gint64 entity)
{
	static const IDiscObjectType kinds[] = { IDISC_OBJ_NODE, IDISC_OBJ_PORTAL, IDISC_OBJ_PG };
	for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++) {
		g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
		isrv_db_children(core->db, entity, kinds[k], ids);
		for (guint i = 0; i < ids->len; i++)
			isrv_core_remove_object_tree(core, g_array_index(ids, gint64, i));
	}
	g_autoptr(IsrvObject) e = isrv_db_load(core->db, entity);
	for (guint i = 0; e && i < e->attrs->len; i++) {
		guint32 tag = g_array_index(e->attrs, IsrvAttr, i).tag;
		if (tag != IDISC_TAG_ENTITY_ID)
			isrv_db_unset_attr(core->db, entity, tag);
	}
}

void isrv_core_remove_entity(IsrvCore *core, gint64 entity)
{
	isrv_core_clear_entity(core, entity);
	isrv_db_delete(core->db, entity);
	g_hash_table_remove(core->refresh, &entity);
	if (core->hooks.entity_gone)
		core->hooks.entity_gone(core->hooks.user, entity);
}

void isrv_core_drop_if_empty(IsrvCore *core, gint64 entity)
{
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_children(core->db, entity, IDISC_OBJ_NODE, ids);
	isrv_db_children(core->db, entity, IDISC_OBJ_PORTAL, ids);
	g_autoptr(IsrvObject) e = isrv_db_load(core->db, entity);
	if (ids->len == 0 && e)
		isrv_core_remove_entity(core, entity);
}

void isrv_core_remove_portal(IsrvCore *core, gint64 portal_id)
{
	g_autoptr(IsrvObject) p = isrv_db_load(core->db, portal_id);
	if (!p || p->type != IDISC_OBJ_PORTAL)
		return;
	isrv_core_remove_object_tree(core, portal_id);
	/* Sec. 5.6.5.13: when ESI has removed the last portal, the entity and
	 * its nodes go too. */
	g_autoptr(GArray) left = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_children(core->db, p->entity, IDISC_OBJ_PORTAL, left);
	if (left->len == 0)
		isrv_core_remove_entity(core, p->entity);
}

guint32 isrv_handle_dev_dereg(IsrvRequest *req)
{
	/* Sec. 5.6.5.4: the objects are named by key attributes in the
	 * operating attributes (some clients put them in the key). */
	const IDiscTlv *lists[2] = { req->keys, req->ops };
	guint counts[2] = { req->nkeys, req->nops };
	g_autoptr(GArray) entities = g_array_new(FALSE, FALSE, sizeof(gint64));
	for (int l = 0; l < 2; l++) {
		const IDiscTlv *t = lists[l];
		guint n = counts[l], i = 0;
		while (i < n) {
			IDiscObjectType type = isrv_tag_object(t[i].tag);
			gint64 id = 0;
			if (t[i].tag == IDISC_TAG_ENTITY_ID || t[i].tag == IDISC_TAG_ISCSI_NAME) {
				if (t[i].len == 0)
					return IDISC_ISNS_INVALID_DEREGISTRATION;
				id = isrv_find_by_tlvs(req->db, type, &t[i]);
				i++;
			} else if (t[i].tag == IDISC_TAG_PORTAL_IP) {
				if (i + 1 >= n || t[i + 1].tag != IDISC_TAG_PORTAL_PORT)
					return IDISC_ISNS_INVALID_DEREGISTRATION;
				id = isrv_find_by_tlvs(req->db, IDISC_OBJ_PORTAL, &t[i]);
				i += 2;
			} else if (t[i].tag == IDISC_TAG_ENTITY_PROTOCOL) {
				/* sent along with the EID by some initiators; harmless */
				i++;
				continue;
			} else if (type == IDISC_OBJ_FC) {
				return IDISC_ISNS_ATTR_NOT_IMPLEMENTED;
			} else {
				return IDISC_ISNS_INVALID_DEREGISTRATION;
			}
			/* Removing what does not exist is not an error. */
			if (!id)
				continue;
			g_autoptr(IsrvObject) o = isrv_db_load(req->db, id);
			gint64 entity = o->type == IDISC_OBJ_ENTITY ? o->id : o->entity;
			if (!req->control && entity != req->source_entity)
				return IDISC_ISNS_SOURCE_UNAUTHORIZED;
			isrv_core_remove_object_tree(req->core, id);
			if (o->type != IDISC_OBJ_ENTITY)
				g_array_append_val(entities, entity);
		}
	}
	/* Sec. 5.6.5.4: an entity without nodes and portals goes as well. */
	for (guint i = 0; i < entities->len; i++)
		isrv_core_drop_if_empty(req->core, g_array_index(entities, gint64, i));
	return isrv_db_failed(req->db) ? IDISC_ISNS_INTERNAL_ERROR : IDISC_ISNS_OK;
}
