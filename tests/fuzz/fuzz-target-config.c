/* Fuzz target for target.xml parsing (target/config-xml.c): any input is
 * either refused with an error or becomes a configuration that the writer
 * (target/config-write.c) formats into a file that parses again and
 * formats the same.  No file is opened (tgt_config_xml_parse).
 *
 * Seed corpus: tests/fuzz/corpus/fuzz-target-config/, valid files written
 * by hand from data/examples/target.xml and the unit tests' documents. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "target/config-write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *error = NULL;
	TgtConfig *cfg = tgt_config_xml_parse((const char *) data, size, "fuzz.xml", &error);
	if (!cfg) {
		/* Every refusal says where. */
		if (!error || strncmp(error->message, "fuzz.xml", 8) != 0)
			abort();
		g_error_free(error);
		return 0;
	}
	char *text = tgt_config_xml_format(cfg, NULL, NULL, NULL);
	TgtConfig *again = tgt_config_xml_parse(text, strlen(text), "round-trip.xml", &error);
	if (!again) {
		fprintf(stderr, "round trip failed: %s\n%s\n", error->message, text);
		abort();
	}
	char *text2 = tgt_config_xml_format(again, NULL, NULL, NULL);
	if (strcmp(text, text2) != 0)
		abort();
	tgt_config_text_free(text);
	tgt_config_text_free(text2);
	tgt_config_free(again);
	tgt_config_free(cfg);
	return 0;
}
