/* State change notifications: SCNReg, SCNDereg, SCNEvent (RFC 4171 sec.
 * 5.6.5.5-5.6.5.7) and the SCN messages the server sends (sec. 5.6.5.8). */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"
#include "discovery/isns-pdu.h"

void isrv_scn_event_free(IsrvScnEvent *e)
{
	if (!e)
		return;
	g_free(e->dest);
	g_free(e->node);
	g_free(e);
}

static guint32 node_type_of(IsrvCore *core, const char *name)
{
	gint64 id = isrv_find_node(core->db, name);
	g_autoptr(IsrvObject) o = id ? isrv_db_load(core->db, id) : NULL;
	return o ? isrv_object_get_u32(o, IDISC_TAG_NODE_TYPE, 0) : 0;
}

void isrv_scn_queue(IsrvCore *core, guint32 bitmap, const char *name, guint32 dd_id)
{
	g_autoptr(GArray) watchers = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_with_tag(core->db, IDISC_OBJ_NODE, IDISC_TAG_SCN_BITMAP, watchers);
	guint32 about_type = 0;
	gboolean about_type_known = FALSE;
	for (guint i = 0; i < watchers->len; i++) {
		g_autoptr(IsrvObject) w = isrv_db_load(core->db, g_array_index(watchers, gint64, i));
		const char *wname = w ? isrv_object_get_string(w, IDISC_TAG_ISCSI_NAME) : NULL;
		guint32 wbits = w ? isrv_object_get_u32(w, IDISC_TAG_SCN_BITMAP, 0) : 0;
		if (!wname || strcmp(wname, name) == 0)
			continue;
		/* Sec. 6.4.4: management registrations (control nodes) hear
		 * everything; others only what they may see, of the kind they
		 * asked for. */
		if (!(wbits & IDISC_SCN_MGMT_REG)) {
			if (!(wbits & bitmap))
				continue;
			if (!isrv_policy_node_sees(core, wname, name))
				continue;
			if (wbits & (IDISC_SCN_TARGET_SELF_ONLY | IDISC_SCN_INITIATOR_SELF_ONLY)) {
				if (!about_type_known) {
					about_type = node_type_of(core, name);
					about_type_known = TRUE;
				}
				if ((wbits & IDISC_SCN_TARGET_SELF_ONLY) && !(about_type & IDISC_NODE_TARGET))
					continue;
				if ((wbits & IDISC_SCN_INITIATOR_SELF_ONLY) &&
				    !(about_type & IDISC_NODE_INITIATOR))
					continue;
			}
		}
		IsrvScnEvent *e = g_new0(IsrvScnEvent, 1);
		e->dest = g_strdup(wname);
		e->bitmap = bitmap;
		e->node = g_strdup(name);
		e->dd_id = dd_id;
		g_ptr_array_add(core->events, e);
	}
}

GBytes *isrv_scn_encode(IsrvCore *core, const IsrvScnEvent *e, guint16 xid)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	/* Sec. 5.6.5.8: destination, timestamp, then bitmap + source object
	 * (and the DD for membership changes).  No client source attribute. */
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, e->dest);
	idisc_put_u64(b, IDISC_TAG_TIMESTAMP, (guint64) (g_get_real_time() / G_USEC_PER_SEC));
	idisc_put_u32(b, IDISC_TAG_SCN_BITMAP, e->bitmap);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, e->node);
	if (e->dd_id)
		idisc_put_u32(b, IDISC_TAG_DD_ID, e->dd_id);
	g_autoptr(GByteArray) out = g_byte_array_new();
	idisc_message_encode(out, IDISC_ISNS_SCN, IDISC_ISNS_FLAG_SERVER, xid, b->data, b->len,
			     core->cfg.max_pdu_payload);
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

/* The node named by the key, which must be the source's own (or the
 * source is a control node). */
static guint32 keyed_node(IsrvRequest *req, gint64 *node)
{
	if (req->nkeys < 1 || req->keys[0].tag != IDISC_TAG_ISCSI_NAME || req->keys[0].len == 0)
		return IDISC_ISNS_MSG_FORMAT_ERROR;
	*node = isrv_find_by_tlvs(req->db, IDISC_OBJ_NODE, req->keys);
	if (!*node)
		return IDISC_ISNS_NO_SUCH_ENTRY;
	g_autoptr(IsrvObject) o = isrv_db_load(req->db, *node);
	if (!req->control && (!o || o->entity != req->source_entity))
		return IDISC_ISNS_SOURCE_UNAUTHORIZED;
	return IDISC_ISNS_OK;
}

guint32 isrv_handle_scn_reg(IsrvRequest *req)
{
	gint64 node;
	guint32 status = keyed_node(req, &node);
	if (status != IDISC_ISNS_OK)
		return status;
	/* Sec. 5.6.5.5: the only operating attribute is the bitmap. */
	if (req->nops != 1 || req->ops[0].tag != IDISC_TAG_SCN_BITMAP || req->ops[0].len != 4)
		return IDISC_ISNS_SCN_REG_REJECTED;
	guint32 bits = idisc_tlv_u32(&req->ops[0]);
	/* Sec. 6.4.4: management registration is for control nodes. */
	if ((bits & IDISC_SCN_MGMT_REG) && !req->control)
		return IDISC_ISNS_SCN_REG_REJECTED;
	isrv_db_set_u32(req->db, node, IDISC_TAG_SCN_BITMAP, bits);
	return IDISC_ISNS_OK;
}

guint32 isrv_handle_scn_dereg(IsrvRequest *req)
{
	gint64 node;
	guint32 status = keyed_node(req, &node);
	if (status != IDISC_ISNS_OK)
		return status;
	isrv_db_unset_attr(req->db, node, IDISC_TAG_SCN_BITMAP);
	return IDISC_ISNS_OK;
}

guint32 isrv_handle_scn_event(IsrvRequest *req)
{
	/* Sec. 5.6.5.7: a client reports an event about its own node(s): a
	 * bitmap followed by the node name; the server passes it on. */
	const IDiscTlv *t = req->ops;
	guint n = req->nops;
	if (n == 0) {
		t = req->keys;
		n = req->nkeys;
	}
	if (n < 2)
		return IDISC_ISNS_SCN_EVENT_REJECTED;
	for (guint i = 0; i + 1 < n; i += 2) {
		if (t[i].tag != IDISC_TAG_SCN_BITMAP || t[i].len != 4 || t[i + 1].tag != IDISC_TAG_ISCSI_NAME ||
		    t[i + 1].len == 0)
			return IDISC_ISNS_SCN_EVENT_REJECTED;
		g_autofree char *name = isrv_normalize_name(idisc_tlv_string(&t[i + 1]));
		gint64 node = name ? isrv_find_node(req->db, name) : 0;
		if (!node)
			return IDISC_ISNS_SCN_EVENT_REJECTED;
		g_autoptr(IsrvObject) o = isrv_db_load(req->db, node);
		if (!req->control && o->entity != req->source_entity)
			return IDISC_ISNS_SOURCE_UNAUTHORIZED;
		isrv_scn_queue(req->core, idisc_tlv_u32(&t[i]), name, 0);
	}
	return IDISC_ISNS_OK;
}
