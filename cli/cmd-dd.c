/* itnctl dd: discovery domains and DD sets on an iSNS server (RFC 4171
 * DDReg, DDDereg, DDSReg, DDSDereg); the source must be a control node. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "cmd-isns.h"

#define DD_USAGE \
	"itnctl [--json] dd [--server ADDR[:PORT]] [--source IQN] COMMAND\n" \
	"  list | sets\n" \
	"  create NAME [IQN ...] | add DD-ID IQN ... | remove DD-ID IQN ... | delete DD-ID\n" \
	"  set-create NAME [DD-ID ...] [--disabled] | set-add SET-ID DD-ID ... |\n" \
	"  set-remove SET-ID DD-ID ... | set-delete SET-ID | set-enable SET-ID | set-disable SET-ID"

static void print_help(void)
{
	printf("usage: %s\n\n"
	       "Discovery domains decide who sees whom: a node sees the nodes that share\n"
	       "an active DD with it.  A DD is active when it is in no DD set or in at\n"
	       "least one enabled set.  Only control nodes manage them.\n\n"
	       "Options:\n"
	       "  --server ADDR[:PORT]  the iSNS server (default 127.0.0.1:3205)\n"
	       "  --source IQN          a control node (default: this machine's control name)\n"
	       "  --json                print JSON\n",
	       DD_USAGE);
}

static gboolean parse_id(const char *s, guint32 *out)
{
	guint64 v;
	if (!g_ascii_string_to_unsigned(s, 10, 1, G_MAXUINT32, &v, NULL))
		return FALSE;
	*out = (guint32) v;
	return TRUE;
}

typedef struct {
	guint16 function;
	guint32 key_tag;        /* DD_ID or DDS_ID in the key; 0 = none */
	guint32 member_tag;     /* what the remaining words are */
	gboolean is_set;
} Op;

static int run(IDiscIsnsConn *c, const CliIsnsArgs *a, const Op *op, const char *name,
	       guint32 id, guint first_member, int status_bits)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, a->source);
	if (op->key_tag)
		idisc_put_u32(b, op->key_tag, id);
	idisc_put_delimiter(b);
	if (name)
		idisc_put_string(b, op->is_set ? IDISC_TAG_DDS_SYM_NAME : IDISC_TAG_DD_SYM_NAME, name);
	if (status_bits >= 0)
		idisc_put_u32(b, IDISC_TAG_DDS_STATUS, (guint32) status_bits);
	for (guint i = first_member; i < a->args->len; i++) {
		const char *m = a->args->pdata[i];
		if (strcmp(m, "--disabled") == 0)
			continue;
		if (op->member_tag == IDISC_TAG_DD_ID) {
			guint32 dd;
			if (!parse_id(m, &dd))
				return cli_usage(DD_USAGE, "'%s' is not a DD ID", m);
			idisc_put_u32(b, IDISC_TAG_DD_ID, dd);
		} else {
			idisc_put_string(b, IDISC_TAG_DD_MEMBER_NAME, m);
		}
	}
	g_autoptr(IDiscTlvList) l = cli_isns_call(c, op->function, 0, b);
	if (!l)
		return CLI_EXIT_FAIL;
	if (l->status != IDISC_ISNS_OK)
		return cli_fail("%s: %s (status %u)", idisc_isns_function_name(op->function),
				idisc_isns_status_name(l->status), l->status);
	if (l->delim < idisc_tlv_list_count(l))
		cli_isns_print_objects(l, l->delim + 1);
	else if (cli_json)
		printf("{\"ok\":true}\n");
	return CLI_EXIT_OK;
}

int cli_cmd_dd(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help();
			return CLI_EXIT_OK;
		}
	CliIsnsArgs a;
	int rc = cli_isns_parse(argc, argv, DD_USAGE, &a);
	if (rc != CLI_EXIT_OK || a.args->len == 0) {
		cli_isns_args_clear(&a);
		return rc != CLI_EXIT_OK ? rc : cli_usage(DD_USAGE, "dd needs a command");
	}
	const char *cmd = a.args->pdata[0];
	const char *arg1 = a.args->len > 1 ? a.args->pdata[1] : NULL;
	guint32 id = 0;
	gboolean disabled = FALSE;
	for (guint i = 0; i < a.args->len; i++)
		disabled |= strcmp(a.args->pdata[i], "--disabled") == 0;
	static const Op dd_create = { IDISC_ISNS_DD_REG, 0, IDISC_TAG_DD_MEMBER_NAME, FALSE };
	static const Op dd_add = { IDISC_ISNS_DD_REG, IDISC_TAG_DD_ID, IDISC_TAG_DD_MEMBER_NAME, FALSE };
	static const Op dd_remove = { IDISC_ISNS_DD_DEREG, IDISC_TAG_DD_ID, IDISC_TAG_DD_MEMBER_NAME, FALSE };
	static const Op set_create = { IDISC_ISNS_DDS_REG, 0, IDISC_TAG_DD_ID, TRUE };
	static const Op set_add = { IDISC_ISNS_DDS_REG, IDISC_TAG_DDS_ID, IDISC_TAG_DD_ID, TRUE };
	static const Op set_remove = { IDISC_ISNS_DDS_DEREG, IDISC_TAG_DDS_ID, IDISC_TAG_DD_ID, TRUE };

	gboolean needs_id = strcmp(cmd, "add") == 0 || strcmp(cmd, "remove") == 0 ||
			    strcmp(cmd, "delete") == 0 ||
			    (g_str_has_prefix(cmd, "set-") && strcmp(cmd, "set-create") != 0);
	if (needs_id && (!arg1 || !parse_id(arg1, &id))) {
		cli_isns_args_clear(&a);
		return cli_usage(DD_USAGE, "%s needs a numeric ID", cmd);
	}
	if ((strcmp(cmd, "create") == 0 || strcmp(cmd, "set-create") == 0) && !arg1) {
		cli_isns_args_clear(&a);
		return cli_usage(DD_USAGE, "%s needs a name", cmd);
	}
	IDiscIsnsConn *c = cli_isns_connect(&a);
	if (!c) {
		cli_isns_args_clear(&a);
		return CLI_EXIT_FAIL;
	}
	if (strcmp(cmd, "list") == 0)
		rc = cli_isns_list(c, &a, "dds");
	else if (strcmp(cmd, "sets") == 0)
		rc = cli_isns_list(c, &a, "dd-sets");
	else if (strcmp(cmd, "create") == 0)
		rc = run(c, &a, &dd_create, arg1, 0, 2, -1);
	else if (strcmp(cmd, "add") == 0)
		rc = run(c, &a, &dd_add, NULL, id, 2, -1);
	else if (strcmp(cmd, "remove") == 0)
		rc = run(c, &a, &dd_remove, NULL, id, 2, -1);
	else if (strcmp(cmd, "delete") == 0)
		rc = run(c, &a, &dd_remove, NULL, id, G_MAXUINT, -1);
	else if (strcmp(cmd, "set-create") == 0)
		rc = run(c, &a, &set_create, arg1, 0, 2, disabled ? 0 : IDISC_DDS_ENABLED);
	else if (strcmp(cmd, "set-add") == 0)
		rc = run(c, &a, &set_add, NULL, id, 2, -1);
	else if (strcmp(cmd, "set-remove") == 0)
		rc = run(c, &a, &set_remove, NULL, id, 2, -1);
	else if (strcmp(cmd, "set-delete") == 0)
		rc = run(c, &a, &set_remove, NULL, id, G_MAXUINT, -1);
	else if (strcmp(cmd, "set-enable") == 0 || strcmp(cmd, "set-disable") == 0)
		rc = run(c, &a, &set_add, NULL, id, G_MAXUINT,
			 strcmp(cmd, "set-enable") == 0 ? IDISC_DDS_ENABLED : 0);
	else
		rc = cli_usage(DD_USAGE, "unknown dd command '%s'", cmd);
	idisc_isns_conn_free(c);
	cli_isns_args_clear(&a);
	return rc;
}
