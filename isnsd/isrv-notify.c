/* Delivering state change notifications (RFC 4171 sec. 5.6.5.8): to the
 * SCN port of each portal of the receiving node's entity (the ESI port when
 * it registered none).  An SCN that gets no answer is sent again, up to
 * three times, with the same transaction ID so that a receiver that did get
 * it can drop the duplicate. */
#include "config.h"
#include <string.h>
#include "isnsd/isrv-server.h"
#include "isnsd/isrv-request.h"
#include "discovery/isns-addr.h"

#define SCN_TRIES 3
#define SCN_TIMEOUT_MS 3000

guint16 isrv_next_xid(void)
{
	static guint16 xid;
	if (++xid == 0)
		xid = 1;
	return xid;
}

typedef struct {
	GInetAddress *addr;
	guint16 port;
	GBytes *message;
	guint16 xid;
	int tries;
	char *dest;
} Delivery;

static void delivery_free(Delivery *d)
{
	g_object_unref(d->addr);
	g_bytes_unref(d->message);
	g_free(d->dest);
	g_free(d);
}

static void attempt(Delivery *d);

static gboolean retry(gpointer p)
{
	attempt(p);
	return G_SOURCE_REMOVE;
}

static void on_done(gpointer user, gboolean ok, guint32 status)
{
	Delivery *d = user;
	if (ok) {
		delivery_free(d);
		return;
	}
	if (++d->tries >= SCN_TRIES) {
		g_message("SCN to %s not acknowledged after %d tries", d->dest, d->tries);
		delivery_free(d);
		return;
	}
	g_timeout_add(500u << d->tries, retry, d);
}

static void attempt(Delivery *d)
{
	isrv_outbound_send(d->addr, d->port, d->message, d->xid, SCN_TIMEOUT_MS, on_done, d);
}

static void deliver(IsrvCore *core, const IsrvScnEvent *e)
{
	gint64 node = isrv_find_node(core->db, e->dest);
	g_autoptr(IsrvObject) n = node ? isrv_db_load(core->db, node) : NULL;
	if (!n)
		return;
	g_autoptr(GArray) portals = g_array_new(FALSE, FALSE, sizeof(gint64));
	isrv_db_children(core->db, n->entity, IDISC_OBJ_PORTAL, portals);
	guint16 xid = isrv_next_xid();
	g_autoptr(GBytes) msg = isrv_scn_encode(core, e, xid);
	for (guint i = 0; i < portals->len; i++) {
		g_autoptr(IsrvObject) p = isrv_db_load(core->db, g_array_index(portals, gint64, i));
		const IsrvAttr *ip = p ? isrv_object_get(p, IDISC_TAG_PORTAL_IP) : NULL;
		guint32 port = p ? isrv_object_get_u32(p, IDISC_TAG_SCN_PORT, 0) : 0;
		if (!port && p)
			port = isrv_object_get_u32(p, IDISC_TAG_ESI_PORT, 0);
		if (!ip || !port)
			continue;
		Delivery *d = g_new0(Delivery, 1);
		d->addr = idisc_addr_to_inet(ip->value);
		d->port = (guint16) port;
		d->message = g_bytes_ref(msg);
		d->xid = xid;
		d->dest = g_strdup(e->dest);
		attempt(d);
	}
}

void isrv_notify_flush(IsrvCore *core)
{
	if (core->events->len == 0)
		return;
	GPtrArray *events = core->events;
	core->events = g_ptr_array_new_with_free_func((GDestroyNotify) isrv_scn_event_free);
	for (guint i = 0; i < events->len; i++)
		deliver(core, events->pdata[i]);
	g_ptr_array_unref(events);
}
