/* The request path of itn-isnsd: decode, check the source (RFC 4171 sec.
 * 5.6.1), dispatch by function ID (sec. 4.1.3), roll back a failed message,
 * encode the answer (sec. 5.7). */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-request.h"
#include "discovery/isns-error.h"

void isrv_config_init(IsrvConfig *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->esi_misses = 3;
	cfg->registration_period = 900;
	cfg->esi_min_interval = 1;
	cfg->default_dd = TRUE;
	cfg->max_pdu_payload = 65532;
}

IsrvCore *isrv_core_new(const IsrvConfig *cfg, IsrvDb *db)
{
	IsrvCore *core = g_new0(IsrvCore, 1);
	core->cfg = *cfg;
	core->cfg.control_nodes = g_strdupv(cfg->control_nodes);
	core->db = db;
	core->refresh = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	core->events = g_ptr_array_new_with_free_func((GDestroyNotify) isrv_scn_event_free);
	/* A restart gives every entity a full period again: the clock of
	 * their last contact was not persisted (sec. 6.2.6). */
	g_autoptr(GArray) ents = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_list(db, IDISC_OBJ_ENTITY, ents);
	for (guint i = 0; i < ents->len; i++)
		isrv_core_touch(core, g_array_index(ents, gint64, i));
	return core;
}

void isrv_core_free(IsrvCore *core)
{
	if (!core)
		return;
	g_strfreev(core->cfg.control_nodes);
	g_hash_table_unref(core->refresh);
	g_ptr_array_unref(core->events);
	g_free(core);
}

void isrv_core_touch(IsrvCore *core, gint64 entity_id)
{
	if (!entity_id)
		return;
	gint64 *k = g_memdup2(&entity_id, sizeof entity_id);
	gint64 now = g_get_monotonic_time();
	g_hash_table_replace(core->refresh, k, g_memdup2(&now, sizeof now));
}

guint isrv_core_expire(IsrvCore *core, gint64 now_us)
{
	g_autoptr(GArray) gone = g_array_new(FALSE, FALSE, sizeof(gint64));
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, core->refresh);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		gint64 id = *(gint64 *) k;
		g_autoptr(IsrvObject) e = isrv_db_load(core->db, id);
		if (!e)
			continue;
		guint32 period = isrv_object_get_u32(e, IDISC_TAG_REG_PERIOD, 0);
		/* Sec. 6.2.6: period 0 means no expiry (ESI watches instead). */
		if (period && now_us - *(gint64 *) v > (gint64) period * G_USEC_PER_SEC)
			g_array_append_val(gone, id);
	}
	for (guint i = 0; i < gone->len; i++)
		isrv_core_remove_entity(core, g_array_index(gone, gint64, i));
	return gone->len;
}

typedef guint32 (*Handler)(IsrvRequest *req);

typedef struct {
	guint16 function;
	Handler handler;
} Route;

/* Sec. 4.1.3: the functions a server answers.  SCN, ESI and Heartbeat go
 * from server to client; the FC domain functions are not implemented.
 * Everything else is answered with status 15. */
static const Route routes[] = {
	{ IDISC_ISNS_DEV_ATTR_REG, isrv_handle_dev_attr_reg },
	{ IDISC_ISNS_DEV_ATTR_QRY, isrv_handle_dev_attr_qry },
	{ IDISC_ISNS_DEV_GET_NEXT, isrv_handle_dev_get_next },
	{ IDISC_ISNS_DEV_DEREG,    isrv_handle_dev_dereg },
	{ IDISC_ISNS_SCN_REG,      isrv_handle_scn_reg },
	{ IDISC_ISNS_SCN_DEREG,    isrv_handle_scn_dereg },
	{ IDISC_ISNS_SCN_EVENT,    isrv_handle_scn_event },
	{ IDISC_ISNS_DD_REG,       isrv_handle_dd_reg },
	{ IDISC_ISNS_DD_DEREG,     isrv_handle_dd_dereg },
	{ IDISC_ISNS_DDS_REG,      isrv_handle_dds_reg },
	{ IDISC_ISNS_DDS_DEREG,    isrv_handle_dds_dereg },
};

GBytes *isrv_core_encode_response(IsrvCore *core, guint16 function, guint16 xid, guint32 status,
				  const GByteArray *body)
{
	g_autoptr(GByteArray) payload = g_byte_array_new();
	idisc_put_status(payload, status);
	if (body && status == IDISC_ISNS_OK)
		g_byte_array_append(payload, body->data, body->len);
	g_autoptr(GByteArray) out = g_byte_array_sized_new(payload->len + 64);
	idisc_message_encode(out, (guint16) (function | IDISC_ISNS_RESPONSE), IDISC_ISNS_FLAG_SERVER, xid,
			     payload->data, payload->len, core->cfg.max_pdu_payload);
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

GBytes *isrv_core_reject(IsrvCore *core, guint16 function, guint16 xid, guint32 status)
{
	return isrv_core_encode_response(core, function & (guint16) ~IDISC_ISNS_RESPONSE, xid, status,
					 NULL);
}

/* Sec. 5.6.1: the source is the first attribute: an iSCSI name. */
static guint32 check_source(IsrvRequest *req)
{
	const IDiscTlvList *tl = req->tl;
	if (tl->delim == 0 || idisc_tlv_list_count(tl) == 0)
		return IDISC_ISNS_SOURCE_ABSENT;
	const IDiscTlv *src = idisc_tlv_list_get(tl, 0);
	if (src->tag == IDISC_TAG_FC_PORT_WWPN)
		return IDISC_ISNS_ATTR_NOT_IMPLEMENTED;
	if (src->tag != IDISC_TAG_ISCSI_NAME || src->len == 0)
		return IDISC_ISNS_SOURCE_ABSENT;
	req->source = isrv_normalize_name(idisc_tlv_string(src));
	if (!req->source)
		return IDISC_ISNS_SOURCE_UNKNOWN;
	req->control = isrv_is_control(req->core, req->source);
	req->source_node = isrv_find_node(req->db, req->source);
	if (req->source_node) {
		g_autoptr(IsrvObject) n = isrv_db_load(req->db, req->source_node);
		req->source_entity = n ? n->entity : 0;
	}
	/* Only a registration may come from a node the server does not know
	 * yet (it registers itself); everything else needs a registered
	 * source or a control node. */
	if (!req->source_node && !req->control && req->function != IDISC_ISNS_DEV_ATTR_REG)
		return IDISC_ISNS_SOURCE_UNKNOWN;
	return IDISC_ISNS_OK;
}

GBytes *isrv_core_handle(IsrvCore *core, const IDiscMessage *msg)
{
	if (msg->function & IDISC_ISNS_RESPONSE) {
		/* An answer sent to the server's listening port: nothing to
		 * answer (answers are never answered). */
		g_debug("ignoring a %s response on a server connection",
			idisc_isns_function_name(msg->function));
		return NULL;
	}
	const Route *route = NULL;
	for (gsize i = 0; i < G_N_ELEMENTS(routes); i++)
		if (routes[i].function == msg->function)
			route = &routes[i];
	if (!route)
		return isrv_core_reject(core, msg->function, msg->xid, IDISC_ISNS_MSG_NOT_SUPPORTED);

	g_autoptr(GError) error = NULL;
	IsrvRequest req = { .core = core, .db = core->db, .function = msg->function,
			    .flags = msg->flags, .xid = msg->xid };
	req.tl = idisc_tlv_list_decode(msg->payload, FALSE, &error);
	if (!req.tl) {
		g_debug("%s xid %u: %s", idisc_isns_function_name(msg->function), msg->xid, error->message);
		return isrv_core_reject(core, msg->function, msg->xid, IDISC_ISNS_MSG_FORMAT_ERROR);
	}
	guint32 status = check_source(&req);
	GBytes *answer = NULL;
	if (status == IDISC_ISNS_OK) {
		guint n = idisc_tlv_list_count(req.tl);
		req.keys = n > 1 ? idisc_tlv_list_get(req.tl, 1) : NULL;
		req.nkeys = req.tl->delim > 1 ? req.tl->delim - 1 : 0;
		req.nops = req.tl->delim < n ? n - req.tl->delim - 1 : 0;
		req.ops = req.nops ? idisc_tlv_list_get(req.tl, req.tl->delim + 1) : NULL;
		req.body = g_byte_array_new();
		guint nevents = core->events->len;
		isrv_db_savepoint(core->db);
		status = route->handler(&req);
		if (status == IDISC_ISNS_OK && isrv_db_failed(core->db))
			status = IDISC_ISNS_INTERNAL_ERROR;
		if (status == IDISC_ISNS_OK) {
			isrv_db_release(core->db);
		} else {
			/* The message's changes and notifications vanish together. */
			isrv_db_rollback_to(core->db);
			g_ptr_array_set_size(core->events, nevents);
		}
		/* Sec. 6.2.6: any message refreshes the source's entity. */
		if (req.source_node) {
			gint64 node = isrv_find_node(core->db, req.source);
			g_autoptr(IsrvObject) o = node ? isrv_db_load(core->db, node) : NULL;
			if (o)
				isrv_core_touch(core, o->entity);
		}
	}
	if (status != IDISC_ISNS_OK)
		g_debug("%s xid %u from %s: status %u (%s)", idisc_isns_function_name(msg->function),
			msg->xid, req.source ? req.source : "?", status, idisc_isns_status_name(status));
	answer = isrv_core_encode_response(core, msg->function, msg->xid, status, req.body);
	if (req.body)
		g_byte_array_unref(req.body);
	g_free(req.source);
	idisc_tlv_list_free(req.tl);
	return answer;
}
