/* Entity Status Inquiry (RFC 4171 sec. 5.6.5.13, 6.3.4): every portal that
 * registered an ESI port is asked at its interval; after esi_misses
 * unanswered inquiries the portal is removed, and the entity with its last
 * portal.  An answer also refreshes the entity's registration. */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-server.h"
#include "isnsd/isrv-request.h"
#include "discovery/isns-addr.h"
#include "discovery/isns-pdu.h"

typedef struct {
	gint64 portal, entity;
	guint interval;
	guint16 port;
	GInetAddress *addr;
	GBytes *message;       /* the ESI payload: EID, portal IP, portal port */
	guint misses;
	gint64 next_due;
	gboolean in_flight;
} EsiPortal;

struct IsrvEsi {
	IsrvServer *srv;
	IsrvCore *core;
	GHashTable *portals;   /* portal id -> EsiPortal */
	guint timer;
};

typedef struct {
	IsrvEsi *esi;
	gint64 portal;
} Pending;

static void esi_portal_free(EsiPortal *p)
{
	g_clear_object(&p->addr);
	g_bytes_unref(p->message);
	g_free(p);
}

void isrv_esi_update(IsrvEsi *esi, gint64 id, gboolean present)
{
	g_autoptr(IsrvObject) o = present ? isrv_db_load(esi->core->db, id) : NULL;
	if (present && (!o || o->type != IDISC_OBJ_PORTAL))
		return;
	const IsrvAttr *port = o ? isrv_object_get(o, IDISC_TAG_ESI_PORT) : NULL;
	const IsrvAttr *ip = o ? isrv_object_get(o, IDISC_TAG_PORTAL_IP) : NULL;
	const IsrvAttr *pport = o ? isrv_object_get(o, IDISC_TAG_PORTAL_PORT) : NULL;
	g_autoptr(IsrvObject) ent = o ? isrv_db_load(esi->core->db, o->entity) : NULL;
	const IsrvAttr *eid = ent ? isrv_object_get(ent, IDISC_TAG_ENTITY_ID) : NULL;
	if (!port || port->len != 4 || !ip || !pport || !eid) {
		g_hash_table_remove(esi->portals, &id);
		return;
	}
	EsiPortal *p = g_new0(EsiPortal, 1);
	p->portal = id;
	p->entity = o->entity;
	p->interval = MAX(isrv_object_get_u32(o, IDISC_TAG_ESI_INTERVAL, 60), esi->core->cfg.esi_min_interval);
	p->port = (guint16) isrv_object_get_u32(o, IDISC_TAG_ESI_PORT, 0);
	p->addr = idisc_addr_to_inet(ip->value);
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_tlv(b, IDISC_TAG_ENTITY_ID, eid->value, eid->len);
	idisc_put_tlv(b, IDISC_TAG_PORTAL_IP, ip->value, ip->len);
	idisc_put_tlv(b, IDISC_TAG_PORTAL_PORT, pport->value, pport->len);
	p->message = g_byte_array_free_to_bytes(g_steal_pointer(&b));
	p->next_due = g_get_monotonic_time() + (gint64) p->interval * G_USEC_PER_SEC;
	EsiPortal *old = g_hash_table_lookup(esi->portals, &id);
	if (old)
		p->in_flight = old->in_flight;
	g_hash_table_replace(esi->portals, g_memdup2(&id, sizeof id), p);
}

void isrv_esi_forget_entity(IsrvEsi *esi, gint64 entity)
{
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, esi->portals);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((EsiPortal *) v)->entity == entity)
			g_hash_table_iter_remove(&it);
}

static void on_answer(gpointer user, gboolean ok, guint32 status)
{
	Pending *pd = user;
	IsrvEsi *esi = pd->esi;
	EsiPortal *p = g_hash_table_lookup(esi->portals, &pd->portal);
	gint64 portal = pd->portal;
	g_free(pd);
	if (!p)
		return;
	p->in_flight = FALSE;
	if (ok && status == 0) {
		p->misses = 0;
		isrv_core_touch(esi->core, p->entity);
		return;
	}
	p->misses++;
	g_debug("ESI to portal %" G_GINT64_FORMAT " unanswered (%u of %u)", portal, p->misses,
		esi->core->cfg.esi_misses);
	if (p->misses < esi->core->cfg.esi_misses)
		return;
	g_message("portal %" G_GINT64_FORMAT " missed %u ESIs: removing it", portal, p->misses);
	g_autoptr(GError) error = NULL;
	if (!isrv_db_in_batch(esi->core->db) && !isrv_db_begin(esi->core->db, &error)) {
		g_warning("ESI removal: %s", error->message);
		return;
	}
	isrv_db_savepoint(esi->core->db);
	isrv_core_remove_portal(esi->core, portal);
	isrv_db_release(esi->core->db);
	g_hash_table_remove(esi->portals, &portal);
	isrv_server_commit(esi->srv);
}

static gboolean on_tick(gpointer user)
{
	IsrvEsi *esi = user;
	gint64 now = g_get_monotonic_time();
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, esi->portals);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		EsiPortal *p = v;
		if (p->in_flight || now < p->next_due)
			continue;
		p->in_flight = TRUE;
		p->next_due = now + (gint64) p->interval * G_USEC_PER_SEC;
		guint16 xid = isrv_next_xid();
		gsize n;
		const guint8 *d = g_bytes_get_data(p->message, &n);
		g_autoptr(GByteArray) out = g_byte_array_new();
		idisc_message_encode(out, IDISC_ISNS_ESI, IDISC_ISNS_FLAG_SERVER, xid, d, n,
				     esi->core->cfg.max_pdu_payload);
		g_autoptr(GBytes) msg = g_byte_array_free_to_bytes(g_steal_pointer(&out));
		Pending *pd = g_new0(Pending, 1);
		pd->esi = esi;
		pd->portal = p->portal;
		/* An answer must come within the interval (at most 10 s). */
		guint timeout = CLAMP(p->interval * 1000, 500, 10000);
		isrv_outbound_send(p->addr, p->port, msg, xid, timeout, on_answer, pd);
	}
	return G_SOURCE_CONTINUE;
}

IsrvEsi *isrv_esi_new(IsrvServer *srv, IsrvCore *core)
{
	IsrvEsi *esi = g_new0(IsrvEsi, 1);
	esi->srv = srv;
	esi->core = core;
	esi->portals = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
					     (GDestroyNotify) esi_portal_free);
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_with_tag(core->db, IDISC_OBJ_PORTAL, IDISC_TAG_ESI_PORT, ids);
	for (guint i = 0; i < ids->len; i++)
		isrv_esi_update(esi, g_array_index(ids, gint64, i), TRUE);
	esi->timer = g_timeout_add(250, on_tick, esi);
	return esi;
}

void isrv_esi_free(IsrvEsi *esi)
{
	if (!esi)
		return;
	g_source_remove(esi->timer);
	g_hash_table_unref(esi->portals);
	g_free(esi);
}
