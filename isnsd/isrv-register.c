/* DevAttrReg (RFC 4171 sec. 5.6.5.1, answer sec. 5.7.5.1). */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"
#include "discovery/isns-addr.h"
#include "libiscsi-proto/iproto-bytes.h"

typedef struct {
	IsrvRequest *req;
	gint64 entity;
	gboolean entity_new;
	GArray *registered;   /* object ids to echo, in message order */
	GArray *new_nodes;
	GArray *new_portals;
	GArray *touched;      /* every object id this message named */
	gboolean changed_portals;
} RegState;

static gboolean seen(GArray *a, gint64 id)
{
	for (guint i = 0; i < a->len; i++)
		if (g_array_index(a, gint64, i) == id)
			return TRUE;
	return FALSE;
}

static void push(GArray *a, gint64 id)
{
	if (!seen(a, id))
		g_array_append_val(a, id);
}

/* Store a key attribute value (names normalized). */
static void store_key(IsrvDb *db, gint64 id, const IDiscTlv *t)
{
	g_autoptr(GByteArray) v = g_byte_array_new();
	isrv_key_append(v, t);
	isrv_db_set_attr(db, id, t->tag, v->data, v->len);
}

/* Non-key attributes of one object: set, or unset for zero length. */
static guint32 store_attrs(RegState *st, gint64 id, const IDiscTlv *t, guint n)
{
	IsrvDb *db = st->req->db;
	for (guint i = 0; i < n; i++) {
		const IDiscAttrInfo *info = idisc_attr_lookup(t[i].tag);
		/* Index, next-index and timestamp are the server's (sec. 6.1). */
		if (info->flags & IDISC_ATTR_F_READONLY)
			return IDISC_ISNS_INVALID_REGISTRATION;
		/* Sec. 6.4.2: the control bit of Node Type is not for clients to set. */
		if (t[i].tag == IDISC_TAG_NODE_TYPE && t[i].len == 4 &&
		    (idisc_tlv_u32(&t[i]) & IDISC_NODE_CONTROL) && !st->req->control)
			return IDISC_ISNS_SOURCE_UNAUTHORIZED;
		if (t[i].len == 0)
			isrv_db_unset_attr(db, id, t[i].tag);
		else
			isrv_db_set_attr(db, id, t[i].tag, t[i].value, t[i].len);
	}
	return IDISC_ISNS_OK;
}

static gint64 upsert(RegState *st, IDiscObjectType type, const IDiscTlv *keys, guint32 *status,
		     gboolean *created)
{
	IsrvDb *db = st->req->db;
	const IDiscObjectInfo *oi = idisc_object_info(type);
	for (guint k = 0; k < oi->nkeys; k++) {
		if (keys[k].len == 0) {
			*status = IDISC_ISNS_INVALID_REGISTRATION;
			return 0;
		}
		if (keys[k].tag == IDISC_TAG_ISCSI_NAME || keys[k].tag == IDISC_TAG_PG_ISCSI_NAME) {
			g_autofree char *norm = isrv_normalize_name(idisc_tlv_string(&keys[k]));
			if (!norm) {
				*status = IDISC_ISNS_INVALID_REGISTRATION;
				return 0;
			}
		}
	}
	gint64 id = isrv_find_by_tlvs(db, type, keys);
	*created = FALSE;
	if (id) {
		g_autoptr(IsrvObject) o = isrv_db_load(db, id);
		/* A node or portal belongs to one entity; only a control node may
		 * move it (sec. 5.6.1: a node changes only its own entity). */
		if (o && o->entity != st->entity) {
			if (!st->req->control) {
				*status = IDISC_ISNS_SOURCE_UNAUTHORIZED;
				return 0;
			}
			isrv_db_delete(db, id);
			id = 0;
		}
	}
	if (!id) {
		g_autoptr(GByteArray) key = g_byte_array_new();
		for (guint k = 0; k < oi->nkeys; k++)
			isrv_key_append(key, &keys[k]);
		id = isrv_db_insert(db, type, key->data, key->len, st->entity);
		if (!id) {
			*status = IDISC_ISNS_INTERNAL_ERROR;
			return 0;
		}
		for (guint k = 0; k < oi->nkeys; k++)
			store_key(db, id, &keys[k]);
		*created = TRUE;
	}
	return id;
}

/* A portal group from its three key values and a tag (NULL tag TLV or
 * zero length = "no access", sec. 6.5.4). */
static guint32 put_pg(RegState *st, const IDiscTlv *name, const IDiscTlv *ip, const IDiscTlv *port,
		      const IDiscTlv *pgt, const IDiscTlv *more, guint nmore)
{
	IDiscTlv keys[3] = { *name, *ip, *port };
	keys[0].tag = IDISC_TAG_PG_ISCSI_NAME;
	keys[1].tag = IDISC_TAG_PG_PORTAL_IP;
	keys[2].tag = IDISC_TAG_PG_PORTAL_PORT;
	guint32 status = IDISC_ISNS_OK;
	gboolean created;
	gint64 id = upsert(st, IDISC_OBJ_PG, keys, &status, &created);
	if (!id)
		return status;
	if (pgt && pgt->len == 4)
		isrv_db_set_attr(st->req->db, id, IDISC_TAG_PG_TAG, pgt->value, 4);
	else if (pgt)
		isrv_db_unset_attr(st->req->db, id, IDISC_TAG_PG_TAG);
	status = store_attrs(st, id, more, nmore);
	push(st->registered, id);
	return status;
}

static gboolean has_pg(IsrvDb *db, const char *name, const IsrvAttr *ip, const IsrvAttr *port)
{
	g_autoptr(GBytes) nv = isrv_name_value(name);
	g_autoptr(GByteArray) key = g_byte_array_new();
	gsize n;
	const guint8 *d = g_bytes_get_data(nv, &n);
	g_byte_array_append(key, d, (guint) n);
	g_byte_array_append(key, ip->value, ip->len);
	g_byte_array_append(key, port->value, port->len);
	return isrv_db_find(db, IDISC_OBJ_PG, key->data, key->len) != 0;
}

/* Sec. 5.6.5.1: a node/portal pair of one entity without a registered PG
 * gets a PG with PGT 1.  Such implicit PGs are not echoed (sec. 5.7.5.1). */
static void default_pgs(RegState *st)
{
	IsrvDb *db = st->req->db;
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) portals = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_children(db, st->entity, IDISC_OBJ_NODE, nodes);
	isrv_db_children(db, st->entity, IDISC_OBJ_PORTAL, portals);
	for (guint i = 0; i < nodes->len; i++) {
		gint64 nid = g_array_index(nodes, gint64, i);
		g_autoptr(IsrvObject) node = isrv_db_load(db, nid);
		const char *name = node ? isrv_object_get_string(node, IDISC_TAG_ISCSI_NAME) : NULL;
		if (!name)
			continue;
		for (guint j = 0; j < portals->len; j++) {
			gint64 pid = g_array_index(portals, gint64, j);
			if (!seen(st->new_nodes, nid) && !seen(st->new_portals, pid))
				continue;
			g_autoptr(IsrvObject) portal = isrv_db_load(db, pid);
			const IsrvAttr *ip = portal ? isrv_object_get(portal, IDISC_TAG_PORTAL_IP) : NULL;
			const IsrvAttr *port = portal ? isrv_object_get(portal, IDISC_TAG_PORTAL_PORT) : NULL;
			if (!ip || !port || has_pg(db, name, ip, port))
				continue;
			g_autoptr(GBytes) nv = isrv_name_value(name);
			gsize n;
			const guint8 *d = g_bytes_get_data(nv, &n);
			IDiscTlv tn = { IDISC_TAG_PG_ISCSI_NAME, (guint32) n, d };
			IDiscTlv ti = { IDISC_TAG_PG_PORTAL_IP, ip->len, ip->value };
			IDiscTlv tp = { IDISC_TAG_PG_PORTAL_PORT, port->len, port->value };
			g_autoptr(GByteArray) key = g_byte_array_new();
			isrv_key_append(key, &tn);
			isrv_key_append(key, &ti);
			isrv_key_append(key, &tp);
			gint64 pg = isrv_db_insert(db, IDISC_OBJ_PG, key->data, key->len, st->entity);
			if (!pg)
				return;
			store_key(db, pg, &tn);
			store_key(db, pg, &ti);
			store_key(db, pg, &tp);
			isrv_db_set_u32(db, pg, IDISC_TAG_PG_TAG, 1);
		}
	}
}

/* Find or create the entity the message acts on (sec. 5.6.5.1). */
static guint32 pick_entity(RegState *st)
{
	IsrvRequest *req = st->req;
	IsrvDb *db = req->db;
	const IDiscTlv *eid = NULL;
	if (req->nkeys > 0) {
		const IDiscTlv *k = &req->keys[0];
		IDiscObjectType type = isrv_tag_object(k->tag);
		if (type == IDISC_OBJ_ENTITY && k->tag == IDISC_TAG_ENTITY_ID) {
			eid = k;
		} else if (type == IDISC_OBJ_NODE || type == IDISC_OBJ_PORTAL) {
			const IDiscObjectInfo *oi = idisc_object_info(type);
			if (req->nkeys < oi->nkeys)
				return IDISC_ISNS_INVALID_REGISTRATION;
			for (guint i = 0; i < oi->nkeys; i++)
				if (req->keys[i].tag != oi->keys[i] || req->keys[i].len == 0)
					return IDISC_ISNS_INVALID_REGISTRATION;
			gint64 id = isrv_find_by_tlvs(db, type, req->keys);
			/* Key without EID that matches nothing: status 3. */
			if (!id)
				return IDISC_ISNS_INVALID_REGISTRATION;
			g_autoptr(IsrvObject) o = isrv_db_load(db, id);
			st->entity = o->entity;
			if (req->flags & IDISC_ISNS_FLAG_REPLACE) {
				if (!req->control && req->source_entity != st->entity)
					return IDISC_ISNS_SOURCE_UNAUTHORIZED;
				isrv_core_remove_object_tree(req->core, id);
			}
			return IDISC_ISNS_OK;
		} else if (type == IDISC_OBJ_FC) {
			return IDISC_ISNS_ATTR_NOT_IMPLEMENTED;
		} else {
			return IDISC_ISNS_INVALID_REGISTRATION;
		}
	} else if (req->nops > 0 && req->ops[0].tag == IDISC_TAG_ENTITY_ID) {
		/* Some clients put the EID only among the operating attributes. */
		eid = &req->ops[0];
	}
	if (eid && eid->len > 0) {
		gint64 id = isrv_db_find(db, IDISC_OBJ_ENTITY, eid->value, eid->len);
		if (id) {
			st->entity = id;
			if (!req->control && req->source_entity != id)
				return IDISC_ISNS_SOURCE_UNAUTHORIZED;
			if ((req->flags & IDISC_ISNS_FLAG_REPLACE) && req->nkeys > 0)
				isrv_core_clear_entity(req->core, id);
			return IDISC_ISNS_OK;
		}
	} else if (!eid && req->source_entity) {
		/* No EID at all: the source's own entity, if it has one. */
		st->entity = req->source_entity;
		return IDISC_ISNS_OK;
	}
	/* A new entity; with an empty EID the server names it. */
	char name[64];
	const guint8 *key;
	gsize key_len;
	g_autoptr(GBytes) gen = NULL;
	if (eid && eid->len > 0) {
		key = eid->value;
		key_len = eid->len;
	} else {
		do {
			g_snprintf(name, sizeof name, "isns.entity.%04u", isrv_db_counter_next(db, "entity"));
			g_clear_pointer(&gen, g_bytes_unref);
			gen = isrv_name_value(name);
			key = g_bytes_get_data(gen, &key_len);
		} while (isrv_db_find(db, IDISC_OBJ_ENTITY, key, key_len));
	}
	st->entity = isrv_db_insert(db, IDISC_OBJ_ENTITY, key, key_len, 0);
	if (!st->entity)
		return IDISC_ISNS_INTERNAL_ERROR;
	isrv_db_set_attr(db, st->entity, IDISC_TAG_ENTITY_ID, key, (guint32) key_len);
	/* Sec. 6.2.2: iSCSI (2) unless the client says otherwise. */
	isrv_db_set_u32(db, st->entity, IDISC_TAG_ENTITY_PROTOCOL, 2);
	st->entity_new = TRUE;
	return IDISC_ISNS_OK;
}

static guint32 walk(RegState *st)
{
	IsrvRequest *req = st->req;
	const IDiscTlv *ops = req->ops;
	guint n = req->nops;
	IDiscObjectType base = IDISC_OBJ_NONE;
	const IDiscTlv *base_keys = NULL;
	gboolean had_entity = FALSE;
	guint i = 0;
	while (i < n) {
		const IDiscTlv *t = &ops[i];
		if (t->tag == IDISC_TAG_PG_TAG && (base == IDISC_OBJ_NODE || base == IDISC_OBJ_PORTAL)) {
			/* Sec. 5.6.5.1: a PGT after a node is followed by PG portal
			 * address/port pairs; after a portal by PG iSCSI names. */
			const IDiscTlv *pgt = t;
			i++;
			for (;;) {
				guint32 status;
				if (base == IDISC_OBJ_NODE && i + 1 < n && ops[i].tag == IDISC_TAG_PG_PORTAL_IP &&
				    ops[i + 1].tag == IDISC_TAG_PG_PORTAL_PORT) {
					status = put_pg(st, &base_keys[0], &ops[i], &ops[i + 1], pgt, NULL, 0);
					i += 2;
				} else if (base == IDISC_OBJ_PORTAL && i < n &&
					   ops[i].tag == IDISC_TAG_PG_ISCSI_NAME) {
					status = put_pg(st, &ops[i], &base_keys[0], &base_keys[1], pgt, NULL, 0);
					i += 1;
				} else {
					break;
				}
				if (status != IDISC_ISNS_OK)
					return status;
			}
			if (i < n && ops[i].tag == IDISC_TAG_PG_TAG)
				continue;
			continue;
		}
		const IDiscAttrInfo *info = idisc_attr_lookup(t->tag);
		if (!info || info->object == IDISC_OBJ_FC)
			return IDISC_ISNS_ATTR_NOT_IMPLEMENTED;
		if (!(info->flags & IDISC_ATTR_F_KEY))
			return IDISC_ISNS_INVALID_REGISTRATION;
		IDiscObjectType type = info->object;
		const IDiscObjectInfo *oi = idisc_object_info(type);
		/* Key attributes complete and in template order. */
		if (i + oi->nkeys > n)
			return IDISC_ISNS_INVALID_REGISTRATION;
		for (guint k = 0; k < oi->nkeys; k++)
			if (ops[i + k].tag != oi->keys[k])
				return IDISC_ISNS_INVALID_REGISTRATION;
		guint j = i + oi->nkeys;
		while (j < n && isrv_tag_object(ops[j].tag) == type && !isrv_tag_is_key(ops[j].tag))
			j++;
		const IDiscTlv *keys = &ops[i];
		const IDiscTlv *attrs = &ops[i + oi->nkeys];
		guint nattrs = j - i - oi->nkeys;
		guint32 status = IDISC_ISNS_OK;
		gboolean created = FALSE;
		gint64 id = 0;
		switch (type) {
		case IDISC_OBJ_ENTITY: {
			/* Sec. 5.6.5.1: at most one entity, the one of the key. */
			if (had_entity || i != 0)
				return IDISC_ISNS_INVALID_REGISTRATION;
			had_entity = TRUE;
			if (keys[0].len) {
				g_autoptr(IsrvObject) e = isrv_db_load(req->db, st->entity);
				const IsrvAttr *cur = e ? isrv_object_get(e, IDISC_TAG_ENTITY_ID) : NULL;
				if (!cur || cur->len != keys[0].len || memcmp(cur->value, keys[0].value, cur->len))
					return IDISC_ISNS_INVALID_REGISTRATION;
			}
			id = st->entity;
			status = store_attrs(st, id, attrs, nattrs);
			break;
		}
		case IDISC_OBJ_PORTAL:
		case IDISC_OBJ_NODE:
			id = upsert(st, type, keys, &status, &created);
			if (!id)
				return status;
			if (seen(st->touched, id))
				return IDISC_ISNS_INVALID_REGISTRATION; /* each object once */
			push(st->touched, id);
			if (created && type == IDISC_OBJ_NODE) {
				gboolean typed = FALSE;
				for (guint a = 0; a < nattrs; a++)
					typed |= attrs[a].tag == IDISC_TAG_NODE_TYPE && attrs[a].len == 4;
				/* Sec. 6.4.2: Node Type is required at registration. */
				if (!typed)
					return IDISC_ISNS_INVALID_REGISTRATION;
			}
			status = store_attrs(st, id, attrs, nattrs);
			if (type == IDISC_OBJ_NODE && created)
				push(st->new_nodes, id);
			if (type == IDISC_OBJ_PORTAL) {
				st->changed_portals = TRUE;
				if (created)
					push(st->new_portals, id);
				for (guint a = 0; a < nattrs; a++)
					if (attrs[a].tag == IDISC_TAG_ESI_INTERVAL && attrs[a].len == 4 &&
					    idisc_tlv_u32(&attrs[a]) < req->core->cfg.esi_min_interval)
						/* Sec. 5.7.5.1: the server may adjust the interval. */
						isrv_db_set_u32(req->db, id, IDISC_TAG_ESI_INTERVAL,
								req->core->cfg.esi_min_interval);
			}
			break;
		case IDISC_OBJ_PG: {
			const IDiscTlv *pgt = NULL;
			for (guint a = 0; a < nattrs; a++)
				if (attrs[a].tag == IDISC_TAG_PG_TAG)
					pgt = &attrs[a];
			status = put_pg(st, &keys[0], &keys[1], &keys[2], pgt, attrs, nattrs);
			id = 0;
			break;
		}
		default:
			return IDISC_ISNS_INVALID_REGISTRATION;
		}
		if (status != IDISC_ISNS_OK)
			return status;
		if (id)
			push(st->registered, id);
		base = type;
		base_keys = keys;
		i = j;
	}
	return IDISC_ISNS_OK;
}

guint32 isrv_handle_dev_attr_reg(IsrvRequest *req)
{
	RegState st = { .req = req };
	st.registered = g_array_new(FALSE, FALSE, sizeof(gint64));
	st.new_nodes = g_array_new(FALSE, FALSE, sizeof(gint64));
	st.new_portals = g_array_new(FALSE, FALSE, sizeof(gint64));
	st.touched = g_array_new(FALSE, FALSE, sizeof(gint64));
	IsrvDb *db = req->db;
	guint32 status = IDISC_ISNS_OK;
	IsrvObject *ent = NULL;

	/* Sec. 5.6.1: an unregistered source may only register itself. */
	if (!req->control && !req->source_node) {
		gboolean self = FALSE;
		for (guint i = 0; i < req->nops && !self; i++) {
			if (req->ops[i].tag != IDISC_TAG_ISCSI_NAME)
				continue;
			g_autofree char *n = isrv_normalize_name(idisc_tlv_string(&req->ops[i]));
			self = n && strcmp(n, req->source) == 0;
		}
		if (!self) {
			status = IDISC_ISNS_SOURCE_UNKNOWN;
			goto out;
		}
	}
	status = pick_entity(&st);
	if (status != IDISC_ISNS_OK)
		goto out;
	status = walk(&st);
	if (status != IDISC_ISNS_OK)
		goto out;

	gint64 nnodes = 0, nportals = 0;
	{
		g_autoptr(GArray) a = g_array_new(FALSE, FALSE, sizeof(gint64));
		isrv_db_children(db, st.entity, IDISC_OBJ_NODE, a);
		nnodes = a->len;
		g_array_set_size(a, 0);
		isrv_db_children(db, st.entity, IDISC_OBJ_PORTAL, a);
		nportals = a->len;
	}
	/* Sec. 5.6.5.1: a new entity needs at least one portal or node. */
	if (st.entity_new && nnodes == 0 && nportals == 0) {
		status = IDISC_ISNS_INVALID_REGISTRATION;
		goto out;
	}
	default_pgs(&st);

	/* Sec. 6.2.6: without a period of its own the entity gets ours, and
	 * the answer says which. */
	ent = isrv_db_load(db, st.entity);
	if (!isrv_object_get(ent, IDISC_TAG_REG_PERIOD) && req->core->cfg.registration_period)
		isrv_db_set_u32(db, st.entity, IDISC_TAG_REG_PERIOD, req->core->cfg.registration_period);
	guint8 ts[8];
	iproto_put_be64(ts, (guint64) (g_get_real_time() / G_USEC_PER_SEC));
	isrv_db_set_attr(db, st.entity, IDISC_TAG_TIMESTAMP, ts, 8);
	isrv_core_touch(req->core, st.entity);
	if (isrv_db_failed(db)) {
		status = IDISC_ISNS_INTERNAL_ERROR;
		goto out;
	}

	/* Notifications: new nodes were added; with portal changes the other
	 * nodes of the entity were updated (sec. 6.4.4). */
	{
		g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(gint64));
		isrv_db_children(db, st.entity, IDISC_OBJ_NODE, nodes);
		for (guint i = 0; i < nodes->len; i++) {
			gint64 nid = g_array_index(nodes, gint64, i);
			gboolean added = seen(st.new_nodes, nid);
			if (!added && !st.changed_portals && !seen(st.touched, nid))
				continue;
			g_autoptr(IsrvObject) node = isrv_db_load(db, nid);
			const char *name = isrv_object_get_string(node, IDISC_TAG_ISCSI_NAME);
			if (name)
				isrv_scn_queue(req->core, added ? IDISC_SCN_OBJECT_ADDED : IDISC_SCN_OBJECT_UPDATED,
					       name, 0);
		}
		for (guint i = 0; i < st.touched->len; i++)
			if (req->core->hooks.portal_esi)
				req->core->hooks.portal_esi(req->core->hooks.user,
							    g_array_index(st.touched, gint64, i), TRUE);
	}

	/* Sec. 5.7.5.1: the key (EID) and the registered objects. */
	idisc_put_tlv(req->body, IDISC_TAG_ENTITY_ID, isrv_object_get(ent, IDISC_TAG_ENTITY_ID)->value,
		      isrv_object_get(ent, IDISC_TAG_ENTITY_ID)->len);
	idisc_put_delimiter(req->body);
	{
		g_autoptr(IsrvObject) e2 = isrv_db_load(db, st.entity);
		isrv_put_object(db, req->body, e2, NULL);
	}
	for (guint i = 0; i < st.registered->len; i++) {
		gint64 id = g_array_index(st.registered, gint64, i);
		if (id == st.entity)
			continue;
		g_autoptr(IsrvObject) o = isrv_db_load(db, id);
		if (o)
			isrv_put_object(db, req->body, o, NULL);
	}
out:
	isrv_object_free(ent);
	g_array_unref(st.registered);
	g_array_unref(st.new_nodes);
	g_array_unref(st.new_portals);
	g_array_unref(st.touched);
	return status;
}
