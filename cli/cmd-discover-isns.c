/* itnctl discover --isns ADDR: ask an iSNS server (RFC 4171) which targets
 * the source may see, with the portal groups they are reachable through,
 * and answer in the same shape as SendTargets so one printer serves both. */
#include "config.h"

#include <string.h>

#include "cli-output.h"
#include "cmd-discover.h"
#include "cmd-isns.h"
#include "discovery/isns-attrs.h"
#include "discovery/isns-control.h"
#include "libiscsi-name/iname.h"

/* Node Type bit values (RFC 4171 sec. 6.4.2; bit 31 = target). */
#define NODE_TYPE_TARGET 0x1u

static ItniDiscoveredTarget *target_for(GPtrArray *out, GHashTable *by_name, const char *name)
{
	ItniDiscoveredTarget *t = g_hash_table_lookup(by_name, name);
	if (!t) {
		t = g_new0(ItniDiscoveredTarget, 1);
		t->name = g_strdup(name);
		t->addresses = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(out, t);
		g_hash_table_insert(by_name, t->name, t);
	}
	return t;
}

/* A portal group record as the attributes of one PG object arrive
 * (sec. 6.5: PG iSCSI Name, PG Portal IP Address, PG Portal Port, PGT). */
typedef struct {
	const char *name;
	char *ip;
	guint32 port;
	gint64 tag;
} PgRecord;

static void pg_flush(PgRecord *pg, GPtrArray *out, GHashTable *by_name, GHashTable *targets)
{
	if (pg->name && pg->ip && pg->port && g_hash_table_contains(targets, pg->name)) {
		INameTargetAddress a = { .host = pg->ip, .port = (guint16) (pg->port & 0xffff),
					 .tpgt = pg->tag >= 0 ? (gint32) pg->tag : -1 };
		g_ptr_array_add(target_for(out, by_name, pg->name)->addresses,
				iname_target_address_format(&a));
	}
	g_free(pg->ip);
	*pg = (PgRecord) { .tag = -1 };
}

GPtrArray *cli_discover_isns(const char *server, const char *source, GError **error)
{
	g_autofree char *own_source = NULL;
	if (!source) {
		own_source = idisc_isns_default_control_name(error);
		if (!own_source)
			return NULL;
		source = own_source;
	}
	g_autoptr(IDiscIsnsConn) c = idisc_isns_conn_open(server, 30, error);
	if (!c) {
		g_prefix_error(error, "cannot reach the iSNS server %s: ", server);
		return NULL;
	}
	/* Key: every storage node that is a target; operating attributes: the
	 * node's name and type and its portal groups (sec. 5.6.5.2). */
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, source);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, NODE_TYPE_TARGET);
	idisc_put_delimiter(b);
	static const guint32 wanted[] = {
		IDISC_TAG_ISCSI_NAME, IDISC_TAG_NODE_TYPE, IDISC_TAG_PG_ISCSI_NAME,
		IDISC_TAG_PG_PORTAL_IP, IDISC_TAG_PG_PORTAL_PORT, IDISC_TAG_PG_TAG,
	};
	for (gsize i = 0; i < G_N_ELEMENTS(wanted); i++)
		idisc_put_nil(b, wanted[i]);
	g_autoptr(IDiscTlvList) l = idisc_isns_conn_call(c, IDISC_ISNS_DEV_ATTR_QRY, 0, b, error);
	if (!l)
		return NULL;
	if (l->status != IDISC_ISNS_OK) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "iSNS query refused: %s (status %u)",
			    idisc_isns_status_name(l->status), l->status);
		return NULL;
	}
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) itni_discovered_target_free);
	g_autoptr(GHashTable) by_name = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) targets = g_hash_table_new(g_str_hash, g_str_equal);
	/* First pass: which nodes are targets (a node's name precedes its type). */
	const char *node = NULL;
	for (guint i = l->delim + 1; i < idisc_tlv_list_count(l); i++) {
		const IDiscTlv *t = idisc_tlv_list_get(l, i);
		if (t->tag == IDISC_TAG_ISCSI_NAME && t->len)
			node = idisc_tlv_string(t);
		else if (t->tag == IDISC_TAG_NODE_TYPE && t->len == 4 && node &&
			 (idisc_tlv_u32(t) & NODE_TYPE_TARGET)) {
			g_hash_table_add(targets, (gpointer) node);
			target_for(out, by_name, node);
		}
	}
	/* Second pass: portal groups of those targets. */
	PgRecord pg = { .tag = -1 };
	for (guint i = l->delim + 1; i < idisc_tlv_list_count(l); i++) {
		const IDiscTlv *t = idisc_tlv_list_get(l, i);
		if (!t->len)
			continue;
		switch (t->tag) {
		case IDISC_TAG_PG_ISCSI_NAME:
			pg_flush(&pg, out, by_name, targets);
			pg.name = idisc_tlv_string(t);
			break;
		case IDISC_TAG_PG_PORTAL_IP:
			g_free(pg.ip);
			pg.ip = idisc_attr_format(t->tag, t->value, t->len);
			break;
		case IDISC_TAG_PG_PORTAL_PORT:
			pg.port = idisc_tlv_u32(t);
			break;
		case IDISC_TAG_PG_TAG:
			pg.tag = idisc_tlv_u32(t);
			break;
		default:
			break;
		}
	}
	pg_flush(&pg, out, by_name, targets);
	return out;
}
