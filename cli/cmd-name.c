/* itnctl name: validate, normalize and generate iSCSI names, and show how
 * an iSCSI URL is read (without its secrets). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "libiscsi-name/iname.h"

#define NAME_USAGE \
	"itnctl [--json] name validate NAME [--lenient]\n" \
	"       itnctl [--json] name normalize NAME [--lenient]\n" \
	"       itnctl [--json] name generate [--domain DOMAIN] [--date YYYY-MM] [--suffix STRING]\n" \
	"       itnctl [--json] name url URL"

static void print_help(void)
{
	printf("usage: %s\n\n"
	       "iSCSI names (RFC 3720 sec. 3.2.6, normalized per RFC 3722):\n"
	       "  validate NAME    exit 0 if NAME is a valid iqn., eui. or naa. name,\n"
	       "                   else exit 1 with the reason\n"
	       "  normalize NAME   print the normalized form (what is compared and stored)\n"
	       "  generate         print a new IQN, stable on this machine:\n"
	       "                   iqn.DATE.REVERSED-DOMAIN:SUFFIX\n"
	       "      --domain D   DNS domain of the naming authority (default: the host's\n"
	       "                   FQDN, or HOSTNAME.local)\n"
	       "      --date D     YYYY-MM when that domain was owned (default %s)\n"
	       "      --suffix S   the part after ':' (default: itn- and a hash of the machine id)\n"
	       "  url URL          show the parts of an iSCSI URL (secrets are not shown)\n\n"
	       "Options:\n"
	       "  --lenient        accept what peers send: characters RFC 3722 prohibits\n"
	       "                   (an underscore, say) pass with a warning\n"
	       "  --json           print JSON\n",
	       NAME_USAGE, INAME_GENERATE_DEFAULT_DATE);
}

/* The words after the subcommand: one positional argument, flags, and
 * options with a value.  --json was already seen by itnctl.c. */
typedef struct {
	const char *arg;
	gboolean lenient;
	const char *domain, *date, *suffix;
} NameArgs;

static int parse_args(int argc, char **argv, gboolean want_arg, gboolean lenient_ok,
		      gboolean options, NameArgs *a)
{
	for (int i = 2; i < argc; i++) {
		const char *s = argv[i];
		const char **value = NULL;
		if (strcmp(s, "--json") == 0)
			continue;
		if (strcmp(s, "--lenient") == 0 && lenient_ok) {
			a->lenient = TRUE;
			continue;
		}
		if (options && strcmp(s, "--domain") == 0)
			value = &a->domain;
		else if (options && strcmp(s, "--date") == 0)
			value = &a->date;
		else if (options && strcmp(s, "--suffix") == 0)
			value = &a->suffix;
		if (value) {
			if (i + 1 >= argc)
				return cli_usage(NAME_USAGE, "%s needs a value", s);
			*value = argv[++i];
			continue;
		}
		if (s[0] == '-' && s[1] != '\0')
			return cli_usage(NAME_USAGE, "unknown option '%s'", s);
		if (!want_arg || a->arg)
			return cli_usage(NAME_USAGE, "unexpected argument '%s'", s);
		a->arg = s;
	}
	if (want_arg && !a->arg)
		return cli_usage(NAME_USAGE, "name %s needs an argument", argv[1]);
	return CLI_EXIT_OK;
}

/* validate and normalize: the same work, different output. */
static int cmd_check(const NameArgs *a, gboolean print_normalized)
{
	g_autoptr(GError) error = NULL;
	INameType type = INAME_TYPE_IQN;
	gboolean warned = FALSE;
	g_autofree char *n = iname_normalize(a->arg, a->lenient ? INAME_LENIENT : INAME_STRICT,
					     &type, &warned, &error);
	/* the rule a lenient name broke, from a strict run */
	g_autoptr(GError) why = NULL;
	if (n && warned)
		iname_validate(a->arg, INAME_STRICT, &why);

	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_string(&j, "name", a->arg);
		cli_json_bool(&j, "valid", n != NULL);
		if (n) {
			cli_json_string(&j, "normalized", n);
			cli_json_string(&j, "type", iname_type_to_string(type));
			cli_json_bool(&j, "lenient", warned);
			if (why)
				cli_json_string(&j, "warning", why->message);
		} else {
			cli_json_string(&j, "error", error->message);
		}
		cli_json_end_object(&j);
		cli_json_print(&j);
	}
	if (!n)
		return cli_fail_error(error);
	if (why)
		fprintf(stderr, "itnctl: warning: accepted only leniently: %s\n", why->message);
	if (!cli_json) {
		if (print_normalized)
			printf("%s\n", n);
		else
			printf("valid %s name%s\n", iname_type_to_string(type),
			       strcmp(n, a->arg) != 0 ? ", normalized differently" : "");
	}
	return CLI_EXIT_OK;
}

static int cmd_validate(const NameArgs *a) { return cmd_check(a, FALSE); }
static int cmd_normalize(const NameArgs *a) { return cmd_check(a, TRUE); }

static int cmd_generate(const NameArgs *a)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *n = iname_generate(a->domain, a->date, a->suffix, &error);
	if (!n)
		return cli_fail_error(error);
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_string(&j, "name", n);
		cli_json_end_object(&j);
		cli_json_print(&j);
	} else {
		printf("%s\n", n);
	}
	return CLI_EXIT_OK;
}

static int cmd_url(const NameArgs *a)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(INameUrl) u = iname_url_parse(a->arg, &error);
	if (!u)
		return cli_fail_error(error);
	g_autofree char *pub = iname_url_format(u, FALSE);
	g_autofree char *port = g_strdup_printf("%u", (unsigned) u->port);
	g_autofree char *lun = u->lun >= 0 ? g_strdup_printf("%d", u->lun) : NULL;
	if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_string(&j, "url", pub);
		cli_json_string(&j, "host", u->host);
		cli_json_int(&j, "port", u->port);
		cli_json_bool(&j, "ipv6", u->ipv6);
		cli_json_string(&j, "target", u->target);
		if (u->lun >= 0)
			cli_json_int(&j, "lun", u->lun);
		else
			cli_json_string(&j, "lun", NULL);
		cli_json_string(&j, "user", u->user);
		cli_json_bool(&j, "has_secret", u->secret != NULL);
		cli_json_string(&j, "target_user", u->target_user);
		cli_json_bool(&j, "has_target_secret", u->target_secret != NULL);
		cli_json_bool(&j, "header_digest_crc32c", u->header_digest_crc32c);
		cli_json_bool(&j, "data_digest_crc32c", u->data_digest_crc32c);
		cli_json_string(&j, "auth", u->auth);
		cli_json_end_object(&j);
		cli_json_print(&j);
		return CLI_EXIT_OK;
	}
	CliTable *t = cli_table_new(2, "FIELD", "VALUE");
	cli_table_add(t, "url", pub);
	cli_table_add(t, "host", u->host);
	cli_table_add(t, "port", port);
	cli_table_add(t, "target", u->target);
	cli_table_add(t, "lun", lun);
	cli_table_add(t, "user", u->user);
	cli_table_add(t, "secret", u->secret ? "(set)" : NULL);
	cli_table_add(t, "target_user", u->target_user);
	cli_table_add(t, "target_secret", u->target_secret ? "(set)" : NULL);
	cli_table_add(t, "header_digest", u->header_digest_crc32c ? "crc32c" : "none");
	cli_table_add(t, "data_digest", u->data_digest_crc32c ? "crc32c" : "none");
	cli_table_add(t, "auth", u->auth);
	cli_table_print(t);
	if (u->target_warned)
		fprintf(stderr, "itnctl: warning: the target name breaks the RFC 3722 character rules\n");
	return CLI_EXIT_OK;
}

/* The subcommands, as a table. */
static const struct {
	const char *name;
	gboolean want_arg, lenient_ok, options;
	int (*run)(const NameArgs *a);
} subcommands[] = {
	{ "validate", TRUE, TRUE, FALSE, cmd_validate },
	{ "normalize", TRUE, TRUE, FALSE, cmd_normalize },
	{ "generate", FALSE, FALSE, TRUE, cmd_generate },
	{ "url", TRUE, FALSE, FALSE, cmd_url },
};

int cli_cmd_name(int argc, char **argv)
{
	int first = 1;
	while (first < argc && strcmp(argv[first], "--json") == 0)
		first++;
	if (first >= argc)
		return cli_usage(NAME_USAGE, "name needs a subcommand");
	if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0
	    || strcmp(argv[first], "help") == 0) {
		print_help();
		return CLI_EXIT_OK;
	}
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help();
			return CLI_EXIT_OK;
		}
	}
	/* argv[1] is the subcommand from here on */
	argv += first - 1;
	argc -= first - 1;
	for (gsize s = 0; s < G_N_ELEMENTS(subcommands); s++) {
		if (strcmp(argv[1], subcommands[s].name) != 0)
			continue;
		NameArgs a = { 0 };
		int rc = parse_args(argc, argv, subcommands[s].want_arg, subcommands[s].lenient_ok,
				    subcommands[s].options, &a);
		if (rc != CLI_EXIT_OK)
			return rc;
		return subcommands[s].run(&a);
	}
	return cli_usage(NAME_USAGE, "unknown name subcommand '%s'", argv[1]);
}
