/* See ana-context.h. */
#include "config.h"
#include "analyzer/ana-context.h"
#include "analyzer/ana-error.h"

void ana_context_emit(AnaContext *ctx, AnaRecord *r)
{
	ctx->stats.protocol_errors += ana_record_n_errors(r);
	if (!ctx->quiet)
		ana_record_print(r, ctx->out, ctx->json);
}

G_DEFINE_QUARK(ana-error-quark, ana_error)
