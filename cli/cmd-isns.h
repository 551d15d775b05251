/* What itnctl's iSNS commands share (isns and dd): the server and source
 * options, the connection, and printing objects. */
#pragma once
#include <glib.h>
#include "discovery/isns-call.h"
#include "discovery/isns-objects.h"

typedef struct {
	const char *server;   /* --server ADDR[:PORT], default 127.0.0.1:3205 */
	char *source;         /* --source IQN, default this machine's control name */
	GPtrArray *args;      /* the remaining words */
} CliIsnsArgs;

/* Parse --server/--source (and skip --json) from argv[1..]; returns an exit
 * code (CLI_EXIT_OK to go on). */
int cli_isns_parse(int argc, char **argv, const char *usage, CliIsnsArgs *a);
void cli_isns_args_clear(CliIsnsArgs *a);
IDiscIsnsConn *cli_isns_connect(const CliIsnsArgs *a);
/* One request with the source first; NULL after printing the failure. */
IDiscTlvList *cli_isns_call(IDiscIsnsConn *c, guint16 function, guint16 flags, GByteArray *payload);
/* Print the objects of L from index FROM (table or JSON). */
void cli_isns_print_objects(const IDiscTlvList *l, guint from);
/* Add the objects of L from FROM to an array being collected, for a
 * table or JSON document printed at the end. */
void cli_isns_collect(GPtrArray *rows, const IDiscTlvList *l, guint from);
void cli_isns_print_rows(GPtrArray *rows);
/* Walk every object of KIND ("nodes", "dds", ...) with DevGetNext and print
 * them; returns the exit code. */
int cli_isns_list(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *kind);
/* cmd-isns-xml.c: XML export to FILE (NULL: stdout) and import from FILE. */
int cli_isns_export(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *file);
int cli_isns_import(IDiscIsnsConn *c, const CliIsnsArgs *a, const char *file);
