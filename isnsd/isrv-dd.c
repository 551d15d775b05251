/* Discovery domains and DD sets: DDReg, DDDereg, DDSReg, DDSDereg (RFC 4171
 * sec. 5.6.5.9-5.6.5.12).  Only control nodes manage them (sec. 5.6.1). */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"
#include "libiscsi-proto/iproto-bytes.h"

typedef struct {
	IDiscObjectType type;
	guint32 id_tag, name_tag;
	const char *counter;
} SetKind;

static const SetKind dd_kind = { IDISC_OBJ_DD, IDISC_TAG_DD_ID, IDISC_TAG_DD_SYM_NAME, "dd" };
static const SetKind dds_kind = { IDISC_OBJ_DDS, IDISC_TAG_DDS_ID, IDISC_TAG_DDS_SYM_NAME, "dds" };

static gint64 find_set(IsrvDb *db, const SetKind *k, guint32 id)
{
	guint8 key[4];
	iproto_put_be32(key, id);
	return isrv_db_find(db, k->type, key, 4);
}

/* The set named by the key, or a new one (with the given or a fresh ID). */
static guint32 get_or_create(IsrvRequest *req, const SetKind *k, gint64 *obj, guint32 *id, gboolean *created)
{
	guint32 want = 0;
	*created = FALSE;
	if (req->nkeys > 0) {
		if (req->keys[0].tag != k->id_tag || req->nkeys > 1)
			return IDISC_ISNS_INVALID_REGISTRATION;
		want = idisc_tlv_u32(&req->keys[0]);
	}
	if (!want && req->nops > 0 && req->ops[0].tag == k->id_tag)
		want = idisc_tlv_u32(&req->ops[0]);
	if (want) {
		*obj = find_set(req->db, k, want);
		if (*obj) {
			*id = want;
			return IDISC_ISNS_OK;
		}
	} else {
		do
			want = isrv_db_counter_next(req->db, k->counter);
		while (find_set(req->db, k, want));
	}
	guint8 key[4];
	iproto_put_be32(key, want);
	*obj = isrv_db_insert(req->db, k->type, key, 4, 0);
	if (!*obj)
		return IDISC_ISNS_INTERNAL_ERROR;
	isrv_db_set_attr(req->db, *obj, k->id_tag, key, 4);
	*id = want;
	*created = TRUE;
	return IDISC_ISNS_OK;
}

static void answer(IsrvRequest *req, gint64 obj, guint32 id_tag)
{
	g_autoptr(IsrvObject) o = isrv_db_load(req->db, obj);
	if (!o)
		return;
	const IsrvAttr *id = isrv_object_get(o, id_tag);
	idisc_put_tlv(req->body, id_tag, id->value, id->len);
	idisc_put_delimiter(req->body);
	isrv_put_object(req->db, req->body, o, NULL);
}

/* A member given by node index (2067) or name (2068): the normalized name. */
static char *member_name(IsrvRequest *req, const IDiscTlv *t)
{
	if (t->tag == IDISC_TAG_DD_MEMBER_NAME)
		return isrv_normalize_name(idisc_tlv_string(t));
	g_autoptr(IsrvObject) o = isrv_db_load(req->db, idisc_tlv_u32(t));
	if (!o || o->type != IDISC_OBJ_NODE)
		return NULL;
	return g_strdup(isrv_object_get_string(o, IDISC_TAG_ISCSI_NAME));
}

guint32 isrv_handle_dd_reg(IsrvRequest *req)
{
	if (!req->control)
		return IDISC_ISNS_SOURCE_UNAUTHORIZED;
	gint64 obj;
	guint32 id;
	gboolean created;
	guint32 status = get_or_create(req, &dd_kind, &obj, &id, &created);
	if (status != IDISC_ISNS_OK)
		return status;
	for (guint i = 0; i < req->nops; i++) {
		const IDiscTlv *t = &req->ops[i];
		switch (t->tag) {
		case IDISC_TAG_DD_ID:
			if (t->len && idisc_tlv_u32(t) != id)
				return IDISC_ISNS_INVALID_REGISTRATION;
			break;
		case IDISC_TAG_DD_SYM_NAME:
		case IDISC_TAG_DD_FEATURES:
			if (t->len)
				isrv_db_set_attr(req->db, obj, t->tag, t->value, t->len);
			break;
		case IDISC_TAG_DD_MEMBER_INDEX:
		case IDISC_TAG_DD_MEMBER_NAME: {
			if (t->len == 0)
				return IDISC_ISNS_INVALID_REGISTRATION;
			g_autofree char *name = member_name(req, t);
			if (!name)
				return IDISC_ISNS_INVALID_REGISTRATION;
			g_autoptr(GBytes) v = isrv_name_value(name);
			gsize n;
			const guint8 *d = g_bytes_get_data(v, &n);
			if (isrv_db_add_value(req->db, obj, IDISC_TAG_DD_MEMBER_NAME, d, (guint32) n))
				isrv_scn_queue(req->core, IDISC_SCN_DD_MEMBER_ADDED, name, id);
			break;
		}
		case IDISC_TAG_DD_MEMBER_FC_WWPN:
		case IDISC_TAG_DD_MEMBER_PORTAL_INDEX:
		case IDISC_TAG_DD_MEMBER_PORTAL_IP:
		case IDISC_TAG_DD_MEMBER_PORTAL_PORT:
			/* Portal and FC members are not implemented. */
			return IDISC_ISNS_ATTR_NOT_IMPLEMENTED;
		default:
			return IDISC_ISNS_INVALID_REGISTRATION;
		}
	}
	if (isrv_db_failed(req->db))
		return IDISC_ISNS_INTERNAL_ERROR;
	answer(req, obj, IDISC_TAG_DD_ID);
	return IDISC_ISNS_OK;
}

static guint32 keyed_set(IsrvRequest *req, const SetKind *k, gint64 *obj, guint32 *id)
{
	if (!req->control)
		return IDISC_ISNS_SOURCE_UNAUTHORIZED;
	if (req->nkeys != 1 || req->keys[0].tag != k->id_tag || req->keys[0].len != 4)
		return IDISC_ISNS_MSG_FORMAT_ERROR;
	*id = idisc_tlv_u32(&req->keys[0]);
	*obj = find_set(req->db, k, *id);
	return *obj ? IDISC_ISNS_OK : IDISC_ISNS_NO_SUCH_ENTRY;
}

/* Every member of a DD, for "removed" notifications. */
static void notify_all_members(IsrvRequest *req, gint64 obj, guint32 id)
{
	g_autoptr(IsrvObject) o = isrv_db_load(req->db, obj);
	for (guint i = 0; o && i < o->attrs->len; i++) {
		const IsrvAttr *a = &g_array_index(o->attrs, IsrvAttr, i);
		if (a->tag == IDISC_TAG_DD_MEMBER_NAME)
			isrv_scn_queue(req->core, IDISC_SCN_DD_MEMBER_REMOVED, (const char *) a->value, id);
	}
}

guint32 isrv_handle_dd_dereg(IsrvRequest *req)
{
	gint64 obj;
	guint32 id;
	guint32 status = keyed_set(req, &dd_kind, &obj, &id);
	if (status != IDISC_ISNS_OK)
		return status;
	if (req->nops == 0) {
		/* Sec. 5.6.5.10: no members listed, the whole DD goes (and out
		 * of every DDS). */
		notify_all_members(req, obj, id);
		g_autoptr(GArray) sets = g_array_new(FALSE, FALSE, sizeof(gint64));
		guint8 key[4];
		iproto_put_be32(key, id);
		isrv_db_with_value(req->db, IDISC_OBJ_DDS, IDISC_TAG_DD_ID, key, 4, sets);
		for (guint i = 0; i < sets->len; i++)
			isrv_db_remove_value(req->db, g_array_index(sets, gint64, i), IDISC_TAG_DD_ID, key, 4);
		isrv_db_delete(req->db, obj);
		return isrv_db_failed(req->db) ? IDISC_ISNS_INTERNAL_ERROR : IDISC_ISNS_OK;
	}
	for (guint i = 0; i < req->nops; i++) {
		const IDiscTlv *t = &req->ops[i];
		if (t->tag != IDISC_TAG_DD_MEMBER_NAME && t->tag != IDISC_TAG_DD_MEMBER_INDEX)
			return IDISC_ISNS_INVALID_DEREGISTRATION;
		g_autofree char *name = t->len ? member_name(req, t) : NULL;
		if (!name)
			continue; /* sec. 5.6.5.10: absent members are not an error */
		g_autoptr(GBytes) v = isrv_name_value(name);
		gsize n;
		const guint8 *d = g_bytes_get_data(v, &n);
		isrv_scn_queue(req->core, IDISC_SCN_DD_MEMBER_REMOVED, name, id);
		isrv_db_remove_value(req->db, obj, IDISC_TAG_DD_MEMBER_NAME, d, (guint32) n);
	}
	return isrv_db_failed(req->db) ? IDISC_ISNS_INTERNAL_ERROR : IDISC_ISNS_OK;
}

guint32 isrv_handle_dds_reg(IsrvRequest *req)
{
	if (!req->control)
		return IDISC_ISNS_SOURCE_UNAUTHORIZED;
	gint64 obj;
	guint32 id;
	gboolean created;
	guint32 status = get_or_create(req, &dds_kind, &obj, &id, &created);
	if (status != IDISC_ISNS_OK)
		return status;
	for (guint i = 0; i < req->nops; i++) {
		const IDiscTlv *t = &req->ops[i];
		switch (t->tag) {
		case IDISC_TAG_DDS_ID:
			if (t->len && idisc_tlv_u32(t) != id)
				return IDISC_ISNS_INVALID_REGISTRATION;
			break;
		case IDISC_TAG_DDS_SYM_NAME:
		case IDISC_TAG_DDS_STATUS:
			if (t->len)
				isrv_db_set_attr(req->db, obj, t->tag, t->value, t->len);
			break;
		case IDISC_TAG_DD_ID:
			/* Sec. 5.6.5.11: members are existing DDs. */
			if (t->len != 4 || !find_set(req->db, &dd_kind, idisc_tlv_u32(t)))
				return IDISC_ISNS_INVALID_REGISTRATION;
			isrv_db_add_value(req->db, obj, IDISC_TAG_DD_ID, t->value, 4);
			break;
		default:
			return IDISC_ISNS_INVALID_REGISTRATION;
		}
	}
	if (isrv_db_failed(req->db))
		return IDISC_ISNS_INTERNAL_ERROR;
	answer(req, obj, IDISC_TAG_DDS_ID);
	return IDISC_ISNS_OK;
}

guint32 isrv_handle_dds_dereg(IsrvRequest *req)
{
	gint64 obj;
	guint32 id;
	guint32 status = keyed_set(req, &dds_kind, &obj, &id);
	if (status != IDISC_ISNS_OK)
		return status;
	if (req->nops == 0) {
		isrv_db_delete(req->db, obj);
	} else {
		for (guint i = 0; i < req->nops; i++) {
			const IDiscTlv *t = &req->ops[i];
			if (t->tag != IDISC_TAG_DD_ID || t->len != 4)
				return IDISC_ISNS_INVALID_DEREGISTRATION;
			isrv_db_remove_value(req->db, obj, IDISC_TAG_DD_ID, t->value, 4);
		}
	}
	return isrv_db_failed(req->db) ? IDISC_ISNS_INTERNAL_ERROR : IDISC_ISNS_OK;
}
