/* Fuzz target: iSCSI URLs and TargetAddress values (libiscsi-name).
 * Whatever parses must format, and the formatted form must parse back to
 * the same fields (with and without secrets); the public form must carry
 * no secret.
 * Seed corpus: tests/fuzz/corpus/fuzz-url/, one URL or TargetAddress per
 * file, written with printf '%s' VALUE > tests/fuzz/corpus/fuzz-url/NN-what */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libiscsi-name/iname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean same(const char *a, const char *b)
{
	return g_strcmp0(a, b) == 0;
}

static void check_same_url(const INameUrl *a, const INameUrl *b, gboolean secrets)
{
	if (!same(a->user, b->user) || !same(a->host, b->host) || a->port != b->port
	    || !same(a->target, b->target) || !same(a->target_given, b->target_given)
	    || a->lun != b->lun || a->ipv6 != b->ipv6
	    || a->header_digest_crc32c != b->header_digest_crc32c
	    || a->data_digest_crc32c != b->data_digest_crc32c || !same(a->auth, b->auth)
	    || !same(a->target_user, b->target_user) || !same(a->force_usn, b->force_usn)
	    || a->target_warned != b->target_warned)
		abort();
	if (secrets && (!same(a->secret, b->secret) || !same(a->target_secret, b->target_secret)))
		abort();
	if (!secrets && (b->secret || b->target_secret))
		abort();
}

static void fuzz_url(const char *s)
{
	GError *error = NULL;
	INameUrl *u = iname_url_parse(s, &error);
	if (!u) {
		if (!error || error->domain != INAME_ERROR || error->code != INAME_ERROR_BAD_URL)
			abort();
		g_error_free(error);
		return;
	}
	if (u->target && (u->lun < 0 || !iname_validate(u->target, INAME_LENIENT, NULL)))
		abort();
	for (int secrets = 0; secrets <= 1; secrets++) {
		char *f = iname_url_format(u, secrets);
		if (!f)
			abort();
		INameUrl *v = iname_url_parse(f, NULL);
		if (!v)
			abort();
		check_same_url(u, v, secrets);
		/* formatting is a fixed point */
		char *g = iname_url_format(v, secrets);
		if (!g || strcmp(f, g) != 0)
			abort();
		g_free(g);
		iname_url_free(v);
		g_free(f);
	}
	iname_url_free(u);
}

static void fuzz_address(const char *s)
{
	INameTargetAddress a, b;
	GError *error = NULL;
	if (!iname_target_address_parse(s, 3260, &a, &error)) {
		if (!error || error->code != INAME_ERROR_BAD_ADDRESS || a.host)
			abort();
		g_error_free(error);
		return;
	}
	char *f = iname_target_address_format(&a);
	if (!iname_target_address_parse(f, 1, &b, NULL))
		abort();
	if (strcmp(a.host, b.host) != 0 || a.port != b.port || a.tpgt != b.tpgt)
		abort();
	g_free(f);
	iname_target_address_clear(&a);
	iname_target_address_clear(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 2 * INAME_URL_MAX)
		return 0;
	char *s = g_strndup((const char *) data, size);
	fuzz_url(s);
	fuzz_address(s);
	/* every URL is also tried with the scheme in front, so the fuzzer
	 * explores the parts after it from TargetAddress-like inputs too */
	if (!g_str_has_prefix(s, "iscsi://")) {
		char *u = g_strconcat("iscsi://", s, NULL);
		fuzz_url(u);
		g_free(u);
	}
	g_free(s);
	return 0;
}
