/* The --stats summary: PDUs per opcode, commands and their latency
 * (command to response, matched by ITT), capture damage and protocol
 * errors. */
#pragma once
#include <stdio.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	uint64_t count;
	double min, max, sum;  /* seconds */
} AnaLatency;

typedef struct {
	uint64_t packets;          /* TCP segments looked at */
	uint64_t flows;            /* connections followed */
	uint64_t flows_refused;    /* not followed: flow table full */
	uint64_t pdus[64];         /* iSCSI PDUs per opcode */
	uint64_t isns_messages;
	uint64_t commands;         /* SCSI Command PDUs */
	uint64_t completed;        /* ... answered with status */
	AnaLatency latency;        /* over all commands */
	GHashTable *by_cdb;        /* CDB name -> AnaLatency */
	uint64_t retransmissions;  /* TCP segments seen twice (or partly) */
	uint64_t out_of_order;
	uint64_t gaps, gap_bytes;  /* bytes never captured */
	uint64_t resyncs;
	uint64_t digest_errors;
	uint64_t protocol_errors;  /* every "!!" the checks printed */
} AnaStats;

void ana_stats_init(AnaStats *st);
void ana_stats_clear(AnaStats *st);
void ana_stats_latency(AnaStats *st, const char *cdb_name, double seconds);
void ana_stats_print(const AnaStats *st, FILE *out, gboolean json);

G_END_DECLS
