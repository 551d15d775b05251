/* Visibility and authority (RFC 4171 sec. 5.6.1 and 2.2.2): control nodes
 * see and manage everything; any other node sees the objects of its own
 * entity and of the nodes that share an active discovery domain with it.
 * A DD is active when it belongs to no DD set or to at least one enabled
 * DD set.  With the default DD on, nodes in no active DD see each other. */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"

gboolean isrv_is_control(IsrvCore *core, const char *name)
{
	if (!name || !core->cfg.control_nodes)
		return FALSE;
	for (char **c = core->cfg.control_nodes; *c; c++)
		if (strcmp(*c, name) == 0)
			return TRUE;
	return FALSE;
}

static gboolean dd_active(IsrvCore *core, gint64 dd_obj)
{
	g_autoptr(IsrvObject) dd = isrv_db_load(core->db, dd_obj);
	if (!dd)
		return FALSE;
	const IsrvAttr *id = isrv_object_get(dd, IDISC_TAG_DD_ID);
	if (!id)
		return FALSE;
	g_autoptr(GArray) sets = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_with_value(core->db, IDISC_OBJ_DDS, IDISC_TAG_DD_ID, id->value, id->len, sets);
	if (sets->len == 0)
		return TRUE;
	for (guint i = 0; i < sets->len; i++) {
		g_autoptr(IsrvObject) s = isrv_db_load(core->db, g_array_index(sets, gint64, i));
		if (s && (isrv_object_get_u32(s, IDISC_TAG_DDS_STATUS, 0) & IDISC_DDS_ENABLED))
			return TRUE;
	}
	return FALSE;
}

void isrv_policy_active_dds(IsrvCore *core, const char *name, GArray *dd_ids)
{
	g_autoptr(GBytes) v = isrv_name_value(name);
	gsize n;
	const guint8 *d = g_bytes_get_data(v, &n);
	g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_with_value(core->db, IDISC_OBJ_DD, IDISC_TAG_DD_MEMBER_NAME, d, (guint32) n, all);
	for (guint i = 0; i < all->len; i++) {
		gint64 id = g_array_index(all, gint64, i);
		if (dd_active(core, id))
			g_array_append_val(dd_ids, id);
	}
}

static void add_members(IsrvCore *core, gint64 dd_obj, GHashTable *nodes)
{
	g_autoptr(IsrvObject) dd = isrv_db_load(core->db, dd_obj);
	if (!dd)
		return;
	for (guint i = 0; i < dd->attrs->len; i++) {
		const IsrvAttr *a = &g_array_index(dd->attrs, IsrvAttr, i);
		if (a->tag != IDISC_TAG_DD_MEMBER_NAME)
			continue;
		gint64 node = isrv_db_find(core->db, IDISC_OBJ_NODE, a->value, a->len);
		if (node)
			g_hash_table_add(nodes, g_memdup2(&node, sizeof node));
	}
}

GHashTable *isrv_policy_visible_nodes(IsrvCore *core, const char *viewer, gint64 viewer_entity,
				      gboolean control)
{
	if (control)
		return NULL;
	GHashTable *nodes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	if (viewer_entity) {
		g_autoptr(GArray) own = g_array_new(FALSE, FALSE, sizeof(gint64));
		isrv_db_children(core->db, viewer_entity, IDISC_OBJ_NODE, own);
		for (guint i = 0; i < own->len; i++)
			g_hash_table_add(nodes, g_memdup2(&g_array_index(own, gint64, i), sizeof(gint64)));
	}
	if (!viewer)
		return nodes;
	g_autoptr(GArray) dds = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_policy_active_dds(core, viewer, dds);
	for (guint i = 0; i < dds->len; i++)
		add_members(core, g_array_index(dds, gint64, i), nodes);
	if (dds->len == 0 && core->cfg.default_dd) {
		/* The default DD: every node that is in no active DD. */
		g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(gint64));
		isrv_db_list(core->db, IDISC_OBJ_NODE, all);
		for (guint i = 0; i < all->len; i++) {
			gint64 id = g_array_index(all, gint64, i);
			g_autoptr(IsrvObject) o = isrv_db_load(core->db, id);
			const char *name = o ? isrv_object_get_string(o, IDISC_TAG_ISCSI_NAME) : NULL;
			if (!name)
				continue;
			g_autoptr(GArray) theirs = g_array_new(FALSE, FALSE, sizeof(gint64));
			isrv_policy_active_dds(core, name, theirs);
			if (theirs->len == 0)
				g_hash_table_add(nodes, g_memdup2(&id, sizeof id));
		}
	}
	return nodes;
}

gboolean isrv_policy_node_sees(IsrvCore *core, const char *viewer, const char *name)
{
	if (isrv_is_control(core, viewer) || strcmp(viewer, name) == 0)
		return TRUE;
	gint64 a = isrv_find_node(core->db, viewer), b = isrv_find_node(core->db, name);
	if (a && b) {
		g_autoptr(IsrvObject) oa = isrv_db_load(core->db, a);
		g_autoptr(IsrvObject) ob = isrv_db_load(core->db, b);
		if (oa && ob && oa->entity == ob->entity)
			return TRUE;
	}
	g_autoptr(GArray) da = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) db = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_policy_active_dds(core, viewer, da);
	isrv_policy_active_dds(core, name, db);
	if (da->len == 0 && db->len == 0)
		return core->cfg.default_dd;
	for (guint i = 0; i < da->len; i++)
		for (guint j = 0; j < db->len; j++)
			if (g_array_index(da, gint64, i) == g_array_index(db, gint64, j))
				return TRUE;
	return FALSE;
}

static gboolean entity_visible(IsrvCore *core, GHashTable *nodes, gint64 viewer_entity, gint64 entity)
{
	if (entity == viewer_entity)
		return TRUE;
	g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_children(core->db, entity, IDISC_OBJ_NODE, kids);
	for (guint i = 0; i < kids->len; i++)
		if (g_hash_table_contains(nodes, &g_array_index(kids, gint64, i)))
			return TRUE;
	return FALSE;
}

gboolean isrv_policy_object_visible(IsrvCore *core, GHashTable *nodes, gint64 viewer_entity,
				    const IsrvObject *o)
{
	if (!nodes)
		return TRUE;
	switch (o->type) {
	case IDISC_OBJ_ENTITY:
		return entity_visible(core, nodes, viewer_entity, o->id);
	case IDISC_OBJ_PORTAL:
		return entity_visible(core, nodes, viewer_entity, o->entity);
	case IDISC_OBJ_NODE:
		return g_hash_table_contains(nodes, &o->id);
	case IDISC_OBJ_PG: {
		const char *name = isrv_object_get_string(o, IDISC_TAG_PG_ISCSI_NAME);
		gint64 node = name ? isrv_find_node(core->db, name) : 0;
		return node && g_hash_table_contains(nodes, &node);
	}
	case IDISC_OBJ_DD:
		/* A DD is visible to its members. */
		for (guint i = 0; i < o->attrs->len; i++) {
			const IsrvAttr *a = &g_array_index(o->attrs, IsrvAttr, i);
			if (a->tag != IDISC_TAG_DD_MEMBER_NAME)
				continue;
			gint64 node = isrv_db_find(core->db, IDISC_OBJ_NODE, a->value, a->len);
			if (node && node != 0 && g_hash_table_contains(nodes, &node)) {
				g_autoptr(IsrvObject) n = isrv_db_load(core->db, node);
				if (n && n->entity == viewer_entity)
					return TRUE;
			}
		}
		return FALSE;
	default:
		return FALSE;
	}
}

/* The same decision for one object, without building the whole visible
 * set: DevGetNext looks at one candidate after the other and stops at the
 * first visible one, so this keeps a walk over N objects at O(N). */
gboolean isrv_policy_visible_to(IsrvCore *core, const char *viewer, gint64 viewer_entity,
				gboolean control, const IsrvObject *o)
{
	if (control)
		return TRUE;
	switch (o->type) {
	case IDISC_OBJ_ENTITY:
	case IDISC_OBJ_PORTAL: {
		gint64 entity = o->type == IDISC_OBJ_ENTITY ? o->id : o->entity;
		if (entity == viewer_entity)
			return TRUE;
		g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(gint64));
		isrv_db_children(core->db, entity, IDISC_OBJ_NODE, kids);
		for (guint i = 0; i < kids->len; i++) {
			g_autoptr(IsrvObject) n = isrv_db_load(core->db, g_array_index(kids, gint64, i));
			const char *name = n ? isrv_object_get_string(n, IDISC_TAG_ISCSI_NAME) : NULL;
			if (name && viewer && isrv_policy_node_sees(core, viewer, name))
				return TRUE;
		}
		return FALSE;
	}
	case IDISC_OBJ_NODE: {
		const char *name = isrv_object_get_string(o, IDISC_TAG_ISCSI_NAME);
		return o->entity == viewer_entity || (name && viewer && isrv_policy_node_sees(core, viewer, name));
	}
	case IDISC_OBJ_PG: {
		const char *name = isrv_object_get_string(o, IDISC_TAG_PG_ISCSI_NAME);
		return o->entity == viewer_entity || (name && viewer && isrv_policy_node_sees(core, viewer, name));
	}
	default: {
		/* DDs and DD sets: through the full rule. */
		GHashTable *nodes = isrv_policy_visible_nodes(core, viewer, viewer_entity, control);
		gboolean v = isrv_policy_object_visible(core, nodes, viewer_entity, o);
		if (nodes)
			g_hash_table_unref(nodes);
		return v;
	}
	}
}
