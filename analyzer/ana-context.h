/* What every part of one analyzer run shares: where output goes and in
 * which form, the statistics, and the time origin. */
#pragma once
#include <stdio.h>
#include <glib.h>
#include "analyzer/ana-record.h"
#include "analyzer/ana-stats.h"

G_BEGIN_DECLS

typedef struct {
	FILE *out;
	gboolean json;
	gboolean quiet;     /* --stats only: no per-PDU lines */
	AnaStats stats;
} AnaContext;

/* Print a record (unless quiet) and count the problems it reports. */
void ana_context_emit(AnaContext *ctx, AnaRecord *r);

G_END_DECLS
