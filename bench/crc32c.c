/* CRC32C throughput: ISA-L's crc32_iscsi (what libiscsi-proto uses for
 * header and data digests) against a plain byte-at-a-time table CRC32C
 * written here as the baseline.  Prints GB/s for 8 KiB and 1 MiB buffers
 * and the ratio.
 *
 *   crc32c-bench [--seconds S] [--json]
 */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "libiscsi-proto/iproto-digest.h"

/* Castagnoli polynomial, reflected (RFC 7143 sec. 13.1; RFC 3385). */
#define CRC32C_POLY_REFLECTED 0x82f63b78u

static uint32_t table[256];

static void table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32C_POLY_REFLECTED : c >> 1;
		table[i] = c;
	}
}

static uint32_t table_crc32c(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	while (len--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint32_t isal_crc32c(const uint8_t *p, size_t len)
{
	return iproto_crc32c(p, len);
}

typedef uint32_t (*CrcFunc)(const uint8_t *p, size_t len);

/* Bytes per second of f over buf, measured for about `seconds`. */
static double measure(CrcFunc f, const uint8_t *buf, size_t len, double seconds, uint32_t *sink)
{
	uint64_t bytes = 0;
	unsigned iters = 1;
	gint64 start = g_get_monotonic_time(), now;
	gint64 limit = start + (gint64) (seconds * G_USEC_PER_SEC);
	do {
		for (unsigned i = 0; i < iters; i++)
			*sink ^= f(buf, len);
		bytes += (uint64_t) iters * len;
		if (iters < (1u << 20))
			iters *= 2;
		now = g_get_monotonic_time();
	} while (now < limit);
	return (double) bytes / ((double) (now - start) / G_USEC_PER_SEC);
}

int main(int argc, char **argv)
{
	double seconds = 1.0;
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "seconds per measurement (default 1)", "S" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- CRC32C throughput, ISA-L vs table");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "crc32c-bench: %s\n", err->message);
		return 2;
	}
	if (seconds <= 0 || seconds > 60) {
		fprintf(stderr, "crc32c-bench: --seconds must be in (0, 60]\n");
		return 2;
	}
	table_init();

	static const size_t sizes[] = { 8 << 10, 1 << 20 };
	size_t max = sizes[G_N_ELEMENTS(sizes) - 1];
	uint8_t *buf = g_malloc(max);
	for (size_t i = 0; i < max; i++)
		buf[i] = (uint8_t) (i * 2654435761u >> 13);

	/* Both must compute the same CRC, including the RFC 7143 B.4 zeros. */
	static const uint8_t zeros[32];
	if (table_crc32c(zeros, 32) != 0x8a9136aau || isal_crc32c(zeros, 32) != 0x8a9136aau ||
	    table_crc32c(buf, max) != isal_crc32c(buf, max)) {
		fprintf(stderr, "crc32c-bench: implementations disagree\n");
		return 1;
	}

	uint32_t sink = 0;
	if (json)
		printf("[");
	for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
		double isal = measure(isal_crc32c, buf, sizes[i], seconds, &sink);
		double tab = measure(table_crc32c, buf, sizes[i], seconds, &sink);
		double ratio = isal / tab;
		if (json)
			printf("%s{\"size\": %zu, \"isal_gbps\": %.3f, \"table_gbps\": %.3f, \"ratio\": %.2f}",
			       i ? ", " : "", sizes[i], isal / 1e9, tab / 1e9, ratio);
		else
			printf("%4zu KiB: isal %.2f GB/s, table %.2f GB/s, ratio %.1f\n",
			       sizes[i] >> 10, isal / 1e9, tab / 1e9, ratio);
	}
	if (json)
		printf("]\n");
	/* keep the results alive so the loops are not optimised away */
	if (sink == 0x12345678u)
		fprintf(stderr, " \n");
	g_free(buf);
	return 0;
}
