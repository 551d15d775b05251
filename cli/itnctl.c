/* itnctl: the one command-line tool for people and scripts.  This file only
 * dispatches to the subcommands; each lives in cmd-AREA.c. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-output.h"

static const CliCommand commands[] = {
	{ "name", cli_cmd_name, "validate, normalize and generate iSCSI names" },
	{ "target", cli_cmd_target, "control itn-targetd: targets, LUNs, ACLs, CHAP, sessions" },
	{ "discover", cli_cmd_discover, "list the targets a portal serves (SendTargets)" },
	{ "inquiry", cli_cmd_inquiry, "show INQUIRY data of a LUN (or of every LUN)" },
	{ "readcap", cli_cmd_readcap, "show the capacity of a LUN" },
	{ "read", cli_cmd_read, "read bytes of a LUN to stdout" },
	{ "write", cli_cmd_write, "write stdin to a LUN" },
	{ "perf", cli_cmd_perf, "measure IOPS and MB/s on a LUN" },
	{ "session", cli_cmd_session, "list itn-initiatord's sessions, connections and LUNs" },
	{ "login", cli_cmd_login, "make itn-initiatord log in to a target" },
	{ "logout", cli_cmd_logout, "make itn-initiatord log out of a session" },
	{ "isns", cli_cmd_isns, "list and query what an iSNS server holds" },
	{ "dd", cli_cmd_dd, "manage iSNS discovery domains and DD sets" },
};

static void print_help(FILE *f)
{
	fprintf(f, "usage: itnctl [--json] COMMAND [ARGS...]\n\n"
		   "iSCSI names, discovery, I/O, sessions, targets and iSNS from one tool.\n"
		   "Portals and LUNs are addressed by iSCSI URLs:\n"
		   "  iscsi://[user[%%secret]@]host[:port]/target-iqn/lun\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nOptions:\n"
		   "  --json     print machine-readable JSON instead of tables\n"
		   "  --help     show this help (or COMMAND --help for a command's)\n"
		   "  --version  print the version\n\n"
		   "Exit status: 0 success, 1 failure (one-line reason on stderr), 2 usage error.\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			cli_json = TRUE;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("itnctl (itnexus) %s\n", PACKAGE_VERSION);
			return CLI_EXIT_OK;
		} else {
			return cli_usage("itnctl [--json] COMMAND [ARGS...]", "unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return CLI_EXIT_USAGE;
	}
	for (size_t c = 0; c < G_N_ELEMENTS(commands); c++) {
		if (strcmp(argv[i], commands[c].name) == 0) {
			/* --json may also follow the command words. */
			for (int k = i + 1; k < argc; k++)
				if (strcmp(argv[k], "--json") == 0)
					cli_json = TRUE;
			return commands[c].run(argc - i, argv + i);
		}
	}
	return cli_usage("itnctl --help", "unknown command '%s'", argv[i]);
}
