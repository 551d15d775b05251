/* itnctl discover --mdns: what DNS-SD (RFC 6763) finds on the LAN through
 * avahi-daemon - _iscsi._tcp targets with our TXT keys and _isns._tcp
 * servers - and, with --query-isns, the targets each of those iSNS servers
 * lets us see (through cli_discover_isns, the --isns code path). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-output.h"
#include "cmd-discover.h"
#include "discovery/mdns-browse.h"
#include "libiscsi-name/iname.h"

/* A name announced by anyone on the LAN may hold control characters: a
 * table shows them as '?' (JSON escapes them itself). */
static char *printable(const char *s)
{
	char *out = g_strdup(s ? s : "-");
	for (char *p = out; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			*p = '?';
	return out;
}

static char *portal_of(const char *address, guint16 port)
{
	return g_strdup_printf(address && strchr(address, ':') ? "[%s]:%u" : "%s:%u", address ? address : "-",
			       port);
}

/* The same service seen on several interfaces or twice in one browse is
 * one row. */
static gboolean already_listed(GPtrArray *entries, guint upto, const IDiscMdnsEntry *e)
{
	for (guint i = 0; i < upto; i++) {
		const IDiscMdnsEntry *o = entries->pdata[i];
		if (o->kind == e->kind && g_strcmp0(o->instance, e->instance) == 0 &&
		    g_strcmp0(o->address, e->address) == 0 && o->port == e->port &&
		    g_strcmp0(o->skipped, e->skipped) == 0)
			return TRUE;
	}
	return FALSE;
}

typedef struct {
	CliJson j;
	CliTable *t;
	GPtrArray *skipped; /* char*: lines for the table form */
} Out;

static void row_mdns(Out *o, const IDiscMdnsEntry *e)
{
	g_autofree char *portal = portal_of(e->address, e->port);
	g_autofree char *tpgt = g_strdup_printf("%d", e->txt.tpgt);
	const char *auth = idisc_mdns_auth_name(e->txt.auth);
	if (!cli_json) {
		g_autofree char *inst = printable(e->instance);
		gboolean isns = e->kind == IDISC_MDNS_ISNS;
		cli_table_add(o->t, idisc_mdns_kind_name(e->kind), isns ? "-" : e->txt.iqn, portal, isns ? "-" : tpgt,
			      isns ? "-" : auth, inst);
		return;
	}
	cli_json_begin_object(&o->j, NULL);
	cli_json_string(&o->j, "source", "mdns");
	if (e->kind == IDISC_MDNS_ISCSI)
		cli_json_string(&o->j, "name", e->txt.iqn);
	cli_json_string(&o->j, "address", e->address);
	cli_json_int(&o->j, "port", e->port);
	cli_json_string(&o->j, "portal", portal);
	if (e->kind == IDISC_MDNS_ISCSI) {
		cli_json_int(&o->j, "tpgt", e->txt.tpgt);
		cli_json_string(&o->j, "auth", auth);
	}
	cli_json_string(&o->j, "instance", e->instance);
	cli_json_string(&o->j, "host", e->host ? e->host : "");
	cli_json_end_object(&o->j);
}

static void row_skipped(Out *o, const IDiscMdnsEntry *e)
{
	g_autofree char *portal = portal_of(e->address, e->port);
	if (!cli_json) {
		g_autofree char *inst = printable(e->instance);
		g_autofree char *why = printable(e->skipped);
		g_ptr_array_add(o->skipped, g_strdup_printf("skipped %s '%s' at %s: %s", idisc_mdns_kind_name(e->kind),
							    inst, portal, why));
		return;
	}
	cli_json_begin_object(&o->j, NULL);
	cli_json_string(&o->j, "kind", idisc_mdns_kind_name(e->kind));
	cli_json_string(&o->j, "instance", e->instance);
	cli_json_string(&o->j, "portal", portal);
	cli_json_string(&o->j, "reason", e->skipped);
	cli_json_end_object(&o->j);
}

/* The targets an iSNS server found by mDNS lets us see, as rows. */
static void rows_from_isns(Out *o, const IDiscMdnsEntry *server, const char *source, GPtrArray *failures)
{
	g_autofree char *addr = portal_of(server->address, server->port);
	GError *error = NULL;
	g_autoptr(GPtrArray) targets = cli_discover_isns(addr, source, &error);
	if (!targets) {
		IDiscMdnsEntry *f = idisc_mdns_entry_copy(server);
		g_free(f->skipped);
		f->skipped = g_strdup_printf("iSNS query failed: %s", error->message);
		g_ptr_array_add(failures, f);
		g_error_free(error);
		return;
	}
	g_autofree char *via = g_strdup_printf("via iSNS %s", addr);
	for (guint i = 0; i < targets->len; i++) {
		const ItniDiscoveredTarget *dt = targets->pdata[i];
		for (guint k = 0; k < dt->addresses->len; k++) {
			INameTargetAddress a = { 0 };
			if (!iname_target_address_parse(dt->addresses->pdata[k], 3260, &a, NULL))
				continue;
			g_autofree char *portal = portal_of(a.host, a.port);
			g_autofree char *tpgt = a.tpgt >= 0 ? g_strdup_printf("%d", a.tpgt) : g_strdup("-");
			if (cli_json) {
				cli_json_begin_object(&o->j, NULL);
				cli_json_string(&o->j, "source", "isns");
				cli_json_string(&o->j, "name", dt->name);
				cli_json_string(&o->j, "address", a.host);
				cli_json_int(&o->j, "port", a.port);
				cli_json_string(&o->j, "portal", portal);
				if (a.tpgt >= 0)
					cli_json_int(&o->j, "tpgt", a.tpgt);
				cli_json_string(&o->j, "isns_server", addr);
				cli_json_end_object(&o->j);
			} else {
				cli_table_add(o->t, "iscsi", dt->name, portal, tpgt, "-", via);
			}
			iname_target_address_clear(&a);
		}
	}
}

int cli_discover_mdns(guint timeout_ms, gboolean query_isns, const char *source)
{
	GError *error = NULL;
	g_autoptr(GPtrArray) found = idisc_mdns_browse_sync(timeout_ms, &error);
	if (!found) {
		int rc = cli_fail("mDNS: %s", error->message);
		g_error_free(error);
		return rc;
	}
	Out o = { .skipped = g_ptr_array_new_with_free_func(g_free) };
	g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func((GDestroyNotify) idisc_mdns_entry_free);
	if (cli_json) {
		cli_json_init(&o.j);
		cli_json_begin_object(&o.j, NULL);
		cli_json_begin_array(&o.j, "targets");
	} else {
		o.t = cli_table_new(6, "KIND", "TARGET", "PORTAL", "TPGT", "AUTH", "INSTANCE");
	}
	/* Targets first, then the iSNS servers (a table shows both; JSON keeps
	 * them apart), then what a server answered. */
	for (int pass = 0; pass < 2; pass++) {
		IDiscMdnsKind kind = pass ? IDISC_MDNS_ISNS : IDISC_MDNS_ISCSI;
		if (cli_json && pass)
			cli_json_begin_array(&o.j, "isns_servers");
		for (guint i = 0; i < found->len; i++) {
			const IDiscMdnsEntry *e = found->pdata[i];
			if (e->kind == kind && !e->skipped && !already_listed(found, i, e))
				row_mdns(&o, e);
		}
		if (cli_json)
			cli_json_end_array(&o.j);
	}
	if (query_isns) {
		if (cli_json)
			cli_json_begin_array(&o.j, "isns_targets");
		for (guint i = 0; i < found->len; i++) {
			const IDiscMdnsEntry *e = found->pdata[i];
			if (e->kind == IDISC_MDNS_ISNS && !e->skipped && !already_listed(found, i, e))
				rows_from_isns(&o, e, source, failures);
		}
		if (cli_json)
			cli_json_end_array(&o.j);
	}
	if (cli_json)
		cli_json_begin_array(&o.j, "skipped");
	for (guint i = 0; i < found->len; i++) {
		const IDiscMdnsEntry *e = found->pdata[i];
		if (e->skipped && !already_listed(found, i, e))
			row_skipped(&o, e);
	}
	for (guint i = 0; i < failures->len; i++)
		row_skipped(&o, failures->pdata[i]);
	if (cli_json) {
		cli_json_end_array(&o.j);
		cli_json_end_object(&o.j);
		cli_json_print(&o.j);
	} else {
		cli_table_print(o.t);
		for (guint i = 0; i < o.skipped->len; i++)
			printf("%s\n", (const char *) o.skipped->pdata[i]);
	}
	g_ptr_array_unref(o.skipped);
	return CLI_EXIT_OK;
}
