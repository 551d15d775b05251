/* Fuzz target: iSCSI name validation and normalization (libiscsi-name).
 * Invariants checked on every input:
 *  - whatever strict accepts, lenient accepts the same way, without warning;
 *  - an accepted name is at most INAME_MAX_LEN bytes of valid UTF-8;
 *  - normalization is idempotent, so stored names compare equal to
 *    re-normalized ones, and iname_equal() agrees.
 * Seed corpus: tests/fuzz/corpus/fuzz-name/, one name per file, written with
 *   printf '%s' NAME > tests/fuzz/corpus/fuzz-name/NN-what */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libiscsi-name/iname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4 * INAME_INPUT_MAX)
		return 0;
	char *s = g_strndup((const char *) data, size);

	INameType st = INAME_TYPE_IQN, lt = INAME_TYPE_IQN;
	gboolean swarn = TRUE, lwarn = FALSE;
	GError *serr = NULL, *lerr = NULL;
	char *strict = iname_normalize(s, INAME_STRICT, &st, &swarn, &serr);
	char *lenient = iname_normalize(s, INAME_LENIENT, &lt, &lwarn, &lerr);

	if (strict) {
		if (serr || swarn || !lenient || strcmp(strict, lenient) != 0 || st != lt || lwarn)
			abort();
	} else if (!serr || serr->domain != INAME_ERROR || !serr->message[0]) {
		abort();
	}
	if (lenient) {
		if (lerr || strlen(lenient) > INAME_MAX_LEN || !g_utf8_validate(lenient, -1, NULL))
			abort();
		char *again = iname_normalize(lenient, INAME_LENIENT, NULL, NULL, NULL);
		if (!again || strcmp(again, lenient) != 0)
			abort();
		g_free(again);
		if (!iname_equal(s, lenient) || !iname_validate(s, INAME_LENIENT, NULL))
			abort();
	} else if (!lerr || iname_equal(s, s)) {
		abort();
	}
	g_clear_error(&serr);
	g_clear_error(&lerr);
	g_free(strict);
	g_free(lenient);
	g_free(s);
	return 0;
}
