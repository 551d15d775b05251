/* itnctl isns: list and query what an iSNS server holds (RFC 4171
 * DevGetNext and DevAttrQry), as a control node by default. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "cmd-isns.h"
#include "discovery/isns-control.h"

#define ISNS_USAGE \
	"itnctl [--json] isns [--server ADDR[:PORT]] [--source IQN] list [entities|nodes|portals|portal-groups|dds|dd-sets]\n" \
	"       itnctl [--json] isns [--server ADDR[:PORT]] [--source IQN] query [ATTR=VALUE ...]\n" \
	"       itnctl isns [--server ADDR[:PORT]] [--source IQN] export [FILE] | import FILE"

static void print_help(void)
{
	printf("usage: %s\n\n"
	       "  list KIND      walk the server's objects of one kind (DevGetNext;\n"
	       "                 default: nodes)\n"
	       "  query A=V ...  the objects matching the attributes (DevAttrQry), with\n"
	       "                 their entity, portals, nodes and portal groups; no\n"
	       "                 attributes: everything the source may see.\n"
	       "                 ATTR names: iscsi-name, node-type (1 target, 2 initiator),\n"
	       "                 entity-id, portal-ip, alias, ...\n"
	       "  export [FILE]  every entity (with its portals, nodes, portal groups),\n"
	       "                 DD and DD set as XML (to FILE or standard output)\n"
	       "  import FILE    register what an export holds (as a control node)\n\n"
	       "Options:\n"
	       "  --server ADDR[:PORT]  the iSNS server (default 127.0.0.1:3205)\n"
	       "  --source IQN          the node the requests come from (default: this\n"
	       "                        machine's control node name, which itn-isnsd trusts\n"
	       "                        when it was started without --control-node)\n"
	       "  --json                print JSON\n",
	       ISNS_USAGE);
}

int cli_isns_parse(int argc, char **argv, const char *usage, CliIsnsArgs *a)
{
	memset(a, 0, sizeof *a);
	a->server = "127.0.0.1:3205";
	a->args = g_ptr_array_new();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			continue;
		if (strcmp(argv[i], "--server") == 0 || strcmp(argv[i], "--source") == 0) {
			if (i + 1 >= argc)
				return cli_usage(usage, "%s needs a value", argv[i]);
			if (strcmp(argv[i], "--server") == 0)
				a->server = argv[++i];
			else
				a->source = g_strdup(argv[++i]);
			continue;
		}
		g_ptr_array_add(a->args, argv[i]);
	}
	if (!a->source) {
		g_autoptr(GError) error = NULL;
		a->source = idisc_isns_default_control_name(&error);
		if (!a->source)
			return cli_fail("no --source and no default control name: %s", error->message);
	}
	return CLI_EXIT_OK;
}

void cli_isns_args_clear(CliIsnsArgs *a)
{
	g_free(a->source);
	if (a->args)
		g_ptr_array_unref(a->args);
}

IDiscIsnsConn *cli_isns_connect(const CliIsnsArgs *a)
{
	g_autoptr(GError) error = NULL;
	IDiscIsnsConn *c = idisc_isns_conn_open(a->server, 30, &error);
	if (!c)
		cli_fail("cannot reach the iSNS server %s: %s", a->server, error->message);
	return c;
}

IDiscTlvList *cli_isns_call(IDiscIsnsConn *c, guint16 function, guint16 flags, GByteArray *payload)
{
	g_autoptr(GError) error = NULL;
	IDiscTlvList *l = idisc_isns_conn_call(c, function, flags, payload, &error);
	if (!l)
		cli_fail_error(error);
	return l;
}

typedef struct {
	char *type;
	char *key;
	GPtrArray *names, *values;
} Row;

static void row_free(Row *r)
{
	g_free(r->type);
	g_free(r->key);
	g_ptr_array_unref(r->names);
	g_ptr_array_unref(r->values);
	g_free(r);
}

void cli_isns_collect(GPtrArray *rows, const IDiscTlvList *l, guint from)
{
	g_autoptr(GArray) spans = idisc_isns_split_objects(l, from);
	for (guint s = 0; s < spans->len; s++) {
		const IDiscObjectSpan *sp = &g_array_index(spans, IDiscObjectSpan, s);
		const IDiscObjectInfo *oi = idisc_object_info(sp->type);
		Row *r = g_new0(Row, 1);
		r->type = g_strdup(oi->name);
		r->names = g_ptr_array_new();
		r->values = g_ptr_array_new_with_free_func(g_free);
		GString *key = g_string_new(NULL);
		for (guint i = sp->first; i < sp->first + sp->count; i++) {
			const IDiscTlv *t = idisc_tlv_list_get(l, i);
			const IDiscAttrInfo *info = idisc_attr_lookup(t->tag);
			char *v = idisc_attr_format(t->tag, t->value, t->len);
			gboolean is_key = FALSE;
			for (guint k = 0; k < oi->nkeys; k++)
				is_key |= oi->keys[k] == t->tag;
			if (is_key)
				g_string_append_printf(key, "%s%s", key->len ? " " : "", v);
			g_ptr_array_add(r->names, (gpointer) (info ? info->name : "unknown"));
			g_ptr_array_add(r->values, v);
		}
		r->key = g_string_free(key, FALSE);
		g_ptr_array_add(rows, r);
	}
}

void cli_isns_print_rows(GPtrArray *rows)
{
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_begin_array(&j, "objects");
		for (guint i = 0; i < rows->len; i++) {
			Row *r = rows->pdata[i];
			cli_json_begin_object(&j, NULL);
			cli_json_string(&j, "type", r->type);
			cli_json_string(&j, "key", r->key);
			cli_json_begin_array(&j, "attributes");
			for (guint a = 0; a < r->names->len; a++) {
				cli_json_begin_object(&j, NULL);
				cli_json_string(&j, "name", r->names->pdata[a]);
				cli_json_string(&j, "value", r->values->pdata[a]);
				cli_json_end_object(&j);
			}
			cli_json_end_array(&j);
			cli_json_end_object(&j);
		}
		cli_json_end_array(&j);
		cli_json_end_object(&j);
		cli_json_print(&j);
		return;
	}
	CliTable *t = cli_table_new(3, "OBJECT", "KEY", "ATTRIBUTES");
	for (guint i = 0; i < rows->len; i++) {
		Row *r = rows->pdata[i];
		GString *attrs = g_string_new(NULL);
		for (guint a = 0; a < r->names->len; a++)
			g_string_append_printf(attrs, "%s%s=%s", attrs->len ? " " : "",
					       (const char *) r->names->pdata[a], (const char *) r->values->pdata[a]);
		cli_table_add(t, r->type, r->key, attrs->str);
		g_string_free(attrs, TRUE);
	}
	cli_table_print(t);
}

void cli_isns_print_objects(const IDiscTlvList *l, guint from)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify) row_free);
	cli_isns_collect(rows, l, from);
	cli_isns_print_rows(rows);
	g_ptr_array_unref(rows);
}

static const struct {
	const char *name;
	IDiscObjectType type;
} kinds[] = {
	{ "entities", IDISC_OBJ_ENTITY },
	{ "nodes", IDISC_OBJ_NODE },
	{ "portals", IDISC_OBJ_PORTAL },
	{ "portal-groups", IDISC_OBJ_PG },
	{ "dds", IDISC_OBJ_DD },
	{ "dd-sets", IDISC_OBJ_DDS },
};

/* Sec. 5.6.5.3: DevGetNext from zero-length keys, then from each answer's
 * key, until status 9 (no such entry). */
int cli_isns_list(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *kind)
{
	IDiscObjectType type = IDISC_OBJ_NONE;
	for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(kind, kinds[i].name) == 0)
			type = kinds[i].type;
	if (type == IDISC_OBJ_NONE)
		return cli_usage(ISNS_USAGE, "unknown kind '%s'", kind);
	const IDiscObjectInfo *oi = idisc_object_info(type);
	GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify) row_free);
	g_autoptr(GByteArray) key = g_byte_array_new();
	for (guint k = 0; k < oi->nkeys; k++)
		idisc_put_nil(key, oi->keys[k]);
	for (guint guard = 0; guard < 10000000; guard++) {
		g_autoptr(GByteArray) b = g_byte_array_new();
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, a->source);
		g_byte_array_append(b, key->data, key->len);
		idisc_put_delimiter(b);
		g_autoptr(IDiscTlvList) l = cli_isns_call(c, IDISC_ISNS_DEV_GET_NEXT, 0, b);
		if (!l) {
			g_ptr_array_unref(rows);
			return CLI_EXIT_FAIL;
		}
		if (l->status == IDISC_ISNS_NO_SUCH_ENTRY)
			break;
		if (l->status != IDISC_ISNS_OK) {
			g_ptr_array_unref(rows);
			return cli_fail("DevGetNext: %s (status %u)", idisc_isns_status_name(l->status), l->status);
		}
		cli_isns_collect(rows, l, l->delim + 1);
		g_byte_array_set_size(key, 0);
		for (guint i = 0; i < l->delim; i++) {
			const IDiscTlv *t = idisc_tlv_list_get(l, i);
			idisc_put_tlv(key, t->tag, t->value, t->len);
		}
		if (key->len == 0)
			break;
	}
	cli_isns_print_rows(rows);
	g_ptr_array_unref(rows);
	return CLI_EXIT_OK;
}

static int cmd_query(IDiscIsnsConn *c, const CliIsnsArgs *a)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, a->source);
	for (guint i = 1; i < a->args->len; i++) {
		const char *arg = a->args->pdata[i];
		const char *eq = strchr(arg, '=');
		g_autofree char *name = eq ? g_strndup(arg, (gsize) (eq - arg)) : g_strdup(arg);
		const IDiscAttrInfo *info = idisc_attr_lookup_name(name);
		if (!info)
			return cli_usage(ISNS_USAGE, "unknown attribute '%s'", name);
		if (!eq) {
			idisc_put_nil(b, info->tag);
			continue;
		}
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) v = idisc_attr_parse(info->tag, eq + 1, &error);
		if (!v)
			return cli_fail_error(error);
		gsize n;
		const guint8 *d = g_bytes_get_data(v, &n);
		idisc_put_tlv(b, info->tag, d, (guint32) n);
	}
	idisc_put_delimiter(b);
	g_autoptr(IDiscTlvList) l = cli_isns_call(c, IDISC_ISNS_DEV_ATTR_QRY, 0, b);
	if (!l)
		return CLI_EXIT_FAIL;
	if (l->status != IDISC_ISNS_OK)
		return cli_fail("DevAttrQry: %s (status %u)", idisc_isns_status_name(l->status), l->status);
	cli_isns_print_objects(l, l->delim + 1);
	return CLI_EXIT_OK;
}

int cli_cmd_isns(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help();
			return CLI_EXIT_OK;
		}
	CliIsnsArgs a;
	int rc = cli_isns_parse(argc, argv, ISNS_USAGE, &a);
	if (rc != CLI_EXIT_OK) {
		cli_isns_args_clear(&a);
		return rc;
	}
	if (a.args->len == 0) {
		cli_isns_args_clear(&a);
		return cli_usage(ISNS_USAGE, "isns needs a subcommand");
	}
	const char *sub = a.args->pdata[0];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "query") != 0 && strcmp(sub, "export") != 0 &&
	    strcmp(sub, "import") != 0) {
		cli_isns_args_clear(&a);
		return cli_usage(ISNS_USAGE, "unknown isns subcommand '%s'", sub);
	}
	if ((strcmp(sub, "list") == 0 || strcmp(sub, "export") == 0) && a.args->len > 2) {
		cli_isns_args_clear(&a);
		return cli_usage(ISNS_USAGE, "%s takes one argument", sub);
	}
	if (strcmp(sub, "import") == 0 && a.args->len != 2) {
		cli_isns_args_clear(&a);
		return cli_usage(ISNS_USAGE, "import needs one FILE");
	}
	IDiscIsnsConn *c = cli_isns_connect(&a);
	if (!c) {
		cli_isns_args_clear(&a);
		return CLI_EXIT_FAIL;
	}
	const char *arg = a.args->len > 1 ? a.args->pdata[1] : NULL;
	if (strcmp(sub, "list") == 0)
		rc = cli_isns_list(c, &a, arg ? arg : "nodes");
	else if (strcmp(sub, "export") == 0)
		rc = cli_isns_export(c, &a, arg);
	else if (strcmp(sub, "import") == 0)
		rc = cli_isns_import(c, &a, arg);
	else
		rc = cmd_query(c, &a);
	idisc_isns_conn_free(c);
	cli_isns_args_clear(&a);
	return rc;
}
