/* The subcommands of itnctl.  Each area adds its entry point here and a row
 * to the table in itnctl.c; each lives in its own cmd-AREA.c file. */
#pragma once

/* Every command gets argv starting at its own name (argv[0] = "name"),
 * returns the process exit status, and reports failure with cli_fail(). */
typedef int (*CliCommandFunc)(int argc, char **argv);

typedef struct {
	const char *name;
	CliCommandFunc run;
	const char *summary;
} CliCommand;

int cli_cmd_name(int argc, char **argv);
/* target: cmd-target.c */
int cli_cmd_target(int argc, char **argv);
/* initiator: cmd-discover.c, cmd-io.c, cmd-perf.c, cmd-session.c */
int cli_cmd_discover(int argc, char **argv);
int cli_cmd_inquiry(int argc, char **argv);
int cli_cmd_readcap(int argc, char **argv);
int cli_cmd_read(int argc, char **argv);
int cli_cmd_write(int argc, char **argv);
int cli_cmd_perf(int argc, char **argv);
int cli_cmd_session(int argc, char **argv);
int cli_cmd_login(int argc, char **argv);
int cli_cmd_logout(int argc, char **argv);
/* iSNS: cmd-isns.c, cmd-dd.c */
int cli_cmd_isns(int argc, char **argv);
int cli_cmd_dd(int argc, char **argv);
