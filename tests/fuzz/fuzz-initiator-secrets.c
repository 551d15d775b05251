/* Fuzz target: the CHAP secrets file parser of the initiator library
 * (itni_config_parse_secrets).  Any input must give a config or a clean
 * error, and an error message must never repeat a value from the input. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "initiator/itni-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ItniConfig *c = itni_config_new();
	GError *e = NULL;
	if (!itni_config_parse_secrets(c, (const char *) data, size, "fuzz", &e)) {
		g_assert_nonnull(e);
		g_assert_true(g_str_has_prefix(e->message, "fuzz"));
		g_error_free(e);
	} else {
		g_assert_null(e);
		/* Values never keep surrounding blanks. */
		if (c->secret && *c->secret)
			g_assert_false(g_ascii_isspace(c->secret[0]));
	}
	itni_config_free(c);
	return 0;
}
