/* Fuzz target: itn-initiatord's initiator.xml reader (itnd_records_parse:
 * libxml2 without network or DTD, the walk, the RelaxNG schema).  Any input
 * gives records or a clean error that starts with the file name. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "initiator/initiatord-records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *e = NULL;
	ItndRecords *r = itnd_records_parse((const char *) data, size, "fuzz", &e);
	if (!r) {
		g_assert_nonnull(e);
		g_assert_true(g_str_has_prefix(e->message, "fuzz"));
		g_error_free(e);
		return 0;
	}
	g_assert_null(e);
	/* Every record the walk accepted has what a login needs. */
	for (guint i = 0; i < r->records->len; i++) {
		ItndRecord *rec = r->records->pdata[i];
		g_assert_nonnull(rec->target);
		g_assert_nonnull(rec->portal);
		g_assert_cmpuint(rec->connections, >=, 1);
		g_assert_cmpuint(rec->connections, <=, 16);
		g_free(itnd_record_url(rec));
	}
	itnd_records_free(r);
	return 0;
}
