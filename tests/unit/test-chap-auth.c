/* CHAP (RFC 7143 sec. 12.1.3, RFC 1994): known answers for the four
 * algorithms, both encodings, the target and initiator state machines,
 * mutual CHAP, reflection, secret length and response checks.
 *
 * The known answers were computed outside this code with
 *   printf '\x2a0123456789abcdef\x00\x01...\x0f' | openssl dgst -md5|-sha1|-sha256|-sha3-256
 * (identifier 0x2a, secret "0123456789abcdef", challenge bytes 0..15). */
#include "config.h"
#include <openssl/crypto.h>
#include "text-helpers.h"

#define SECRET "0123456789abcdef"
#define CHALLENGE_HEX "0x000102030405060708090a0b0c0d0e0f"
#define CHALLENGE_B64 "0bAAECAwQFBgcICQoLDA0ODw=="

static const struct {
	IProtoChapAlg alg;
	const char *hex;
	const char *b64;
} vectors[] = {
	{ IPROTO_CHAP_MD5, "0x0fbee2a235349701655e644832d106bf", "0bD77iojU0lwFlXmRIMtEGvw==" },
	{ IPROTO_CHAP_SHA1, "0x5617a555f0045171364ed82310b9c08c4d48faeb", "0bVhelVfAEUXE2TtgjELnAjE1I+us=" },
	{ IPROTO_CHAP_SHA256, "0xd8c3aedd13f3e0017b09becc2da9c74a6d001ab22424256ad456063e668f5d14",
	  "0b2MOu3RPz4AF7Cb7MLanHSm0AGrIkJCVq1FYGPmaPXRQ=" },
	{ IPROTO_CHAP_SHA3_256, "0x972a2f638a858f5d97206e79fdf525a79b427550f3b79af445c6664fea05b508",
	  "0blyovY4qFj12XIG55/fUlp5tCdVDzt5r0RcZmT+oFtQg=" },
};

/* The test links with -Wl,--wrap=CRYPTO_memcmp: count the library's
 * constant-time comparisons. */
static int memcmp_calls;
int __real_CRYPTO_memcmp(const volatile void *a, const volatile void *b, size_t len);
int __wrap_CRYPTO_memcmp(const volatile void *a, const volatile void *b, size_t len);
int __wrap_CRYPTO_memcmp(const volatile void *a, const volatile void *b, size_t len)
{
	memcmp_calls++;
	return __real_CRYPTO_memcmp(a, b, len);
}

static void test_known_answers(void)
{
	static const guint8 chal[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	for (guint i = 0; i < G_N_ELEMENTS(vectors); i++) {
		guint8 out[IPROTO_CHAP_DIGEST_MAX];
		gsize n = iproto_chap_digest_len(vectors[i].alg);
		g_assert_true(iproto_chap_compute(vectors[i].alg, 0x2a, (const guint8 *) SECRET, 16, chal, 16, out, NULL));
		gsize hn, bn;
		g_autofree guint8 *h = iproto_text_decode_binary(vectors[i].hex, 64, &hn, NULL);
		g_autofree guint8 *b = iproto_text_decode_binary(vectors[i].b64, 64, &bn, NULL);
		g_assert_cmpmem(out, n, h, hn);
		g_assert_cmpmem(out, n, b, bn);
	}
	g_assert_cmpuint(iproto_chap_digest_len(IPROTO_CHAP_MD5), ==, 16);
	g_assert_cmpuint(iproto_chap_digest_len(IPROTO_CHAP_SHA1), ==, 20);
	g_assert_cmpuint(iproto_chap_digest_len(9), ==, 0);
	IProtoChapAlg a;
	g_assert_true(iproto_chap_alg_from_string("sha-256", &a) && a == IPROTO_CHAP_SHA256);
	g_assert_true(iproto_chap_alg_from_string("SHA3-256", &a) && a == IPROTO_CHAP_SHA3_256);
	g_assert_true(iproto_chap_alg_from_string("5", &a) && a == IPROTO_CHAP_MD5);
	g_assert_false(iproto_chap_alg_from_string("sha512", &a));
}

/* The initiator machine answers a fixed challenge with the known response,
 * whatever encoding the target used for CHAP_I and CHAP_C. */
static void test_initiator_known_answers(void)
{
	/* the default offer leaves out 7, which tgt misreads as SHA-1 */
	g_autoptr(IProtoChapInitiator) d = iproto_chap_initiator_new(NULL, 0, "host1", SECRET, 16, NULL);
	g_autoptr(IProtoTextList) da = iproto_text_list_new();
	iproto_chap_initiator_start(d, da);
	g_assert_cmpstr(iproto_text_list_get(da, "CHAP_A"), ==, "8,6,5");

	static const char *const ids[] = { "42", "0x2a", "0X2A", "0bKg==" };
	for (guint i = 0; i < G_N_ELEMENTS(vectors); i++) {
		for (guint e = 0; e < G_N_ELEMENTS(ids); e++) {
			g_autoptr(GError) err = NULL;
			static const IProtoChapAlg all[] = { 8, 7, 6, 5 };
			g_autoptr(IProtoChapInitiator) c =
				iproto_chap_initiator_new(all, 4, "host1", SECRET, 16, &err);
			g_assert_no_error(err);
			g_autoptr(IProtoTextList) a = iproto_text_list_new();
			iproto_chap_initiator_start(c, a);
			g_assert_cmpstr(iproto_text_list_get(a, "CHAP_A"), ==, "8,7,6,5");
			g_autofree char *alg = g_strdup_printf("CHAP_A=%d", vectors[i].alg);
			g_autofree char *id = g_strdup_printf("CHAP_I=%s", ids[e]);
			g_autoptr(IProtoTextList) in = kv(alg, id, e % 2 ? "CHAP_C=" CHALLENGE_B64 : "CHAP_C=" CHALLENGE_HEX, NULL);
			g_autoptr(IProtoTextList) out = iproto_text_list_new();
			g_assert_true(iproto_chap_initiator_step(c, in, out, &err));
			g_assert_no_error(err);
			g_assert_cmpstr(iproto_text_list_get(out, "CHAP_N"), ==, "host1");
			g_assert_cmpstr(iproto_text_list_get(out, "CHAP_R"), ==, vectors[i].hex);
			g_assert_true(iproto_chap_initiator_done(c));
			g_assert_cmpint(iproto_chap_initiator_algorithm(c), ==, vectors[i].alg);
		}
	}
}

typedef struct {
	const char *name;
	const char *secret;
	const char *mutual_name;
	const char *mutual_secret;
	int lookups;
} Accounts;

static gboolean lookup(const char *name, IProtoChapAccount *acct, gpointer user_data)
{
	Accounts *a = user_data;
	a->lookups++;
	if (strcmp(name, a->name) != 0)
		return FALSE;
	g_assert_true(iproto_chap_account_set_secret(acct, a->secret, strlen(a->secret), NULL));
	if (a->mutual_name)
		g_assert_true(iproto_chap_account_set_mutual(acct, a->mutual_name, a->mutual_secret,
							     strlen(a->mutual_secret), NULL));
	return TRUE;
}

/* Target step 1: CHAP_A; returns the challenge the target sent. */
static guint8 *target_challenge(IProtoChapTarget *t, const char *a_list, guint8 *id, gsize *len)
{
	g_autofree char *a = g_strconcat("CHAP_A=", a_list, NULL);
	g_autoptr(IProtoTextList) in = kv(a, NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_true(iproto_chap_target_step(t, in, out, &err));
	g_assert_no_error(err);
	guint64 n;
	g_assert_true(iproto_text_parse_number(iproto_text_list_get(out, "CHAP_I"), 255, &n, NULL));
	*id = (guint8) n;
	return iproto_text_decode_binary(iproto_text_list_get(out, "CHAP_C"), 1024, len, NULL);
}

/* Responds to the target's challenge with secret, R encoded as asked. */
static IProtoTextList *response(IProtoChapAlg alg, guint8 id, const guint8 *chal, gsize len, const char *name,
				const char *secret, int encoding)
{
	guint8 r[IPROTO_CHAP_DIGEST_MAX];
	g_assert_true(iproto_chap_compute(alg, id, (const guint8 *) secret, strlen(secret), chal, len, r, NULL));
	g_autofree char *enc = iproto_text_encode_binary(r, iproto_chap_digest_len(alg),
							 encoding & 1 ? IPROTO_BINARY_BASE64 : IPROTO_BINARY_HEX);
	if (encoding & 2)
		enc[1] = g_ascii_toupper(enc[1]); /* 0X / 0B */
	IProtoTextList *l = iproto_text_list_new();
	iproto_text_list_add(l, "CHAP_N", name);
	iproto_text_list_add(l, "CHAP_R", enc);
	return l;
}

static void test_target_all_algorithms_encodings(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(vectors); i++) {
		for (int enc = 0; enc < 4; enc++) {
			Accounts acc = { "host1", "initiator-secret-1" };
			g_autoptr(IProtoChapTarget) t = iproto_chap_target_new(NULL, 0, lookup, &acc);
			guint8 id;
			gsize len;
			g_autofree char *alist = g_strdup_printf("%d", vectors[i].alg);
			g_autofree guint8 *chal = target_challenge(t, alist, &id, &len);
			g_assert_cmpuint(len, ==, IPROTO_CHAP_CHALLENGE_LEN);
			g_assert_cmpint(iproto_chap_target_algorithm(t), ==, vectors[i].alg);
			g_autoptr(IProtoTextList) in =
				response(vectors[i].alg, id, chal, len, "host1", "initiator-secret-1", enc);
			g_autoptr(IProtoTextList) out = iproto_text_list_new();
			g_autoptr(GError) err = NULL;
			int before = memcmp_calls;
			g_assert_true(iproto_chap_target_step(t, in, out, &err));
			g_assert_no_error(err);
			g_assert_cmpint(memcmp_calls, >, before); /* CRYPTO_memcmp did the comparison */
			g_assert_true(iproto_chap_target_done(t));
			g_assert_cmpstr(iproto_chap_target_name(t), ==, "host1");
			g_assert_false(iproto_chap_target_mutual(t));
			g_assert_cmpuint(iproto_text_list_length(out), ==, 0);
		}
	}
}

static void test_target_algorithm_choice(void)
{
	Accounts acc = { "host1", "initiator-secret-1" };
	static const IProtoChapAlg allow[] = { IPROTO_CHAP_MD5, IPROTO_CHAP_SHA256 };
	guint8 id;
	gsize len;
	/* the initiator's order decides among what the target allows */
	g_autoptr(IProtoChapTarget) a = iproto_chap_target_new(allow, 2, lookup, &acc);
	g_free(target_challenge(a, "6,5,7", &id, &len));
	g_assert_cmpint(iproto_chap_target_algorithm(a), ==, IPROTO_CHAP_MD5);
	g_autoptr(IProtoChapTarget) b = iproto_chap_target_new(allow, 2, lookup, &acc);
	g_free(target_challenge(b, "99,0x7,5", &id, &len));
	g_assert_cmpint(iproto_chap_target_algorithm(b), ==, IPROTO_CHAP_SHA256);
	/* nothing in common: authentication failure */
	g_autoptr(IProtoChapTarget) c = iproto_chap_target_new(allow, 2, lookup, &acc);
	g_autoptr(IProtoTextList) in = kv("CHAP_A=6,8", NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_false(iproto_chap_target_step(c, in, out, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_AUTH_ALGORITHM);
	g_assert_cmphex(iproto_neg_login_status(err), ==, 0x0201);
}

static void expect_target_failure(IProtoChapTarget *t, IProtoTextList *in, const char *message)
{
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_false(iproto_chap_target_step(t, in, out, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_AUTH);
	if (message)
		g_assert_cmpstr(err->message, ==, message);
	g_assert_null(strstr(err->message, "secret-1"));
	g_assert_false(iproto_chap_target_done(t));
	iproto_text_list_free(in);
}

static void test_target_wrong_response_and_unknown_name(void)
{
	Accounts acc = { "host1", "initiator-secret-1" };
	guint8 id;
	gsize len;
	/* wrong secret */
	g_autoptr(IProtoChapTarget) a = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_autofree guint8 *ca = target_challenge(a, "5", &id, &len);
	expect_target_failure(a, response(IPROTO_CHAP_MD5, id, ca, len, "host1", "initiator-secret-2", 0),
			      "CHAP authentication failed");
	/* unknown name: the very same answer */
	g_autoptr(IProtoChapTarget) b = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_autofree guint8 *cb = target_challenge(b, "5", &id, &len);
	expect_target_failure(b, response(IPROTO_CHAP_MD5, id, cb, len, "nobody", "initiator-secret-1", 0),
			      "CHAP authentication failed");
	/* right secret, wrong identifier */
	g_autoptr(IProtoChapTarget) c = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_autofree guint8 *cc = target_challenge(c, "5", &id, &len);
	expect_target_failure(c, response(IPROTO_CHAP_MD5, (guint8) (id + 1), cc, len, "host1", "initiator-secret-1", 0),
			      "CHAP authentication failed");
	/* an oversize CHAP_R (base64) and a truncated one */
	g_autoptr(IProtoChapTarget) d = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_free(target_challenge(d, "5", &id, &len));
	guint8 big[600] = { 0 };
	g_autofree char *bigr = iproto_text_encode_binary(big, sizeof big, IPROTO_BINARY_BASE64);
	g_autofree char *bigkv = g_strconcat("CHAP_R=", bigr, NULL);
	expect_target_failure(d, kv("CHAP_N=host1", bigkv, NULL), "CHAP authentication failed");
	g_autoptr(IProtoChapTarget) e = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_free(target_challenge(e, "5", &id, &len));
	expect_target_failure(e, kv("CHAP_N=host1", "CHAP_R=0x0fbee2a2", NULL), "CHAP authentication failed");
	/* once failed, stays failed */
	expect_target_failure(e, kv("CHAP_A=5", NULL), NULL);
}

static void test_target_protocol_errors(void)
{
	Accounts acc = { "host1", "initiator-secret-1" };
	guint8 id;
	gsize len;
	/* empty steps are fine, CHAP_R before CHAP_A is not */
	g_autoptr(IProtoChapTarget) a = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_autoptr(IProtoTextList) empty = iproto_text_list_new();
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_assert_true(iproto_chap_target_step(a, empty, out, NULL));
	expect_target_failure(a, kv("CHAP_N=host1", "CHAP_R=0x00", NULL), NULL);
	/* CHAP_I without CHAP_C */
	g_autoptr(IProtoChapTarget) b = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_autofree guint8 *cb = target_challenge(b, "5", &id, &len);
	IProtoTextList *r = response(IPROTO_CHAP_MD5, id, cb, len, "host1", "initiator-secret-1", 0);
	iproto_text_list_add(r, "CHAP_I", "1");
	expect_target_failure(b, r, NULL);
	/* CHAP keys after success */
	g_autoptr(IProtoChapTarget) c = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_autofree guint8 *cc = target_challenge(c, "5", &id, &len);
	g_autoptr(IProtoTextList) ok = response(IPROTO_CHAP_MD5, id, cc, len, "host1", "initiator-secret-1", 0);
	g_assert_true(iproto_chap_target_step(c, ok, out, NULL));
	expect_target_failure(c, kv("CHAP_A=5", NULL), NULL);
}

/* Both machines against each other, mutual CHAP, every algorithm. */
static void test_mutual(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(vectors); i++) {
		Accounts acc = { "host1", "initiator-secret-1", "iqn.2026-01.test.tgt:disk1", "target-secret-22" };
		g_autoptr(IProtoChapTarget) t = iproto_chap_target_new(NULL, 0, lookup, &acc);
		IProtoChapAlg pref = vectors[i].alg;
		g_autoptr(IProtoChapInitiator) c =
			iproto_chap_initiator_new(&pref, 1, "host1", "initiator-secret-1", 18, NULL);
		g_assert_true(iproto_chap_initiator_set_mutual(c, "iqn.2026-01.test.tgt:disk1", "target-secret-22", 16,
							       NULL));
		g_autoptr(IProtoTextList) r1 = iproto_text_list_new();
		g_autoptr(IProtoTextList) a1 = iproto_text_list_new();
		g_autoptr(IProtoTextList) r2 = iproto_text_list_new();
		g_autoptr(IProtoTextList) a2 = iproto_text_list_new();
		g_autoptr(IProtoTextList) r3 = iproto_text_list_new();
		iproto_chap_initiator_start(c, r1);
		g_assert_true(iproto_chap_target_step(t, r1, a1, NULL));
		g_assert_true(iproto_chap_initiator_step(c, a1, r2, NULL));
		g_assert_false(iproto_chap_initiator_done(c));
		g_assert_nonnull(iproto_text_list_get(r2, "CHAP_I"));
		g_assert_nonnull(iproto_text_list_get(r2, "CHAP_C"));
		g_assert_true(iproto_chap_target_step(t, r2, a2, NULL));
		g_assert_true(iproto_chap_target_done(t));
		g_assert_true(iproto_chap_target_mutual(t));
		g_assert_cmpstr(iproto_text_list_get(a2, "CHAP_N"), ==, "iqn.2026-01.test.tgt:disk1");
		g_assert_true(iproto_chap_initiator_step(c, a2, r3, NULL));
		g_assert_true(iproto_chap_initiator_done(c));
		g_assert_cmpuint(iproto_text_list_length(r3), ==, 0);
	}
}

/* The target answers an encoded CHAP_I (libiscsi's EncodedI test) with the
 * known response: printf '\x07target-secret-22\x00...\x0f' | openssl dgst -md5 */
static void test_target_mutual_known_answer(void)
{
	static const char *const ids[] = { "CHAP_I=7", "CHAP_I=0x07", "CHAP_I=0bBw==" };
	for (guint k = 0; k < G_N_ELEMENTS(ids); k++) {
		Accounts acc = { "host1", "initiator-secret-1", "tgtuser", "target-secret-22" };
		g_autoptr(IProtoChapTarget) t = iproto_chap_target_new(NULL, 0, lookup, &acc);
		guint8 id;
		gsize len;
		g_autofree guint8 *ch = target_challenge(t, "5", &id, &len);
		g_autoptr(IProtoTextList) r = response(IPROTO_CHAP_MD5, id, ch, len, "host1", "initiator-secret-1", 0);
		iproto_text_list_add(r, "CHAP_I", strchr(ids[k], '=') + 1);
		iproto_text_list_add(r, "CHAP_C", k == 1 ? CHALLENGE_B64 : CHALLENGE_HEX);
		g_autoptr(IProtoTextList) out = iproto_text_list_new();
		g_autoptr(GError) err = NULL;
		g_assert_true(iproto_chap_target_step(t, r, out, &err));
		g_assert_no_error(err);
		g_assert_cmpstr(iproto_text_list_get(out, "CHAP_N"), ==, "tgtuser");
		g_assert_cmpstr(iproto_text_list_get(out, "CHAP_R"), ==, "0x375079ff3c330a9068a119adfef0a9b7");
		g_assert_true(iproto_chap_target_mutual(t));
	}
}

static void test_mutual_failures(void)
{
	/* the target answers with a wrong secret / a wrong name */
	static const struct {
		const char *name, *secret;
	} cases[] = { { "iqn.2026-01.test.tgt:disk1", "another-secret-33" }, { "iqn.evil:x", "target-secret-22" } };
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		Accounts acc = { "host1", "initiator-secret-1", cases[i].name, cases[i].secret };
		g_autoptr(IProtoChapTarget) t = iproto_chap_target_new(NULL, 0, lookup, &acc);
		g_autoptr(IProtoChapInitiator) c = iproto_chap_initiator_new(NULL, 0, "host1", "initiator-secret-1", 18, NULL);
		g_assert_true(iproto_chap_initiator_set_mutual(c, "iqn.2026-01.test.tgt:disk1", "target-secret-22", 16,
							       NULL));
		g_autoptr(IProtoTextList) r1 = iproto_text_list_new(), a1 = iproto_text_list_new(),
					  r2 = iproto_text_list_new(), a2 = iproto_text_list_new(),
					  r3 = iproto_text_list_new();
		iproto_chap_initiator_start(c, r1);
		g_assert_true(iproto_chap_target_step(t, r1, a1, NULL));
		g_assert_true(iproto_chap_initiator_step(c, a1, r2, NULL));
		g_assert_true(iproto_chap_target_step(t, r2, a2, NULL));
		g_autoptr(GError) err = NULL;
		g_assert_false(iproto_chap_initiator_step(c, a2, r3, &err));
		g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_AUTH);
		g_assert_null(strstr(err->message, "secret"));
		g_assert_false(iproto_chap_initiator_done(c));
	}
	/* mutual requested but the account has no target credential */
	Accounts acc = { "host1", "initiator-secret-1" };
	g_autoptr(IProtoChapTarget) t = iproto_chap_target_new(NULL, 0, lookup, &acc);
	guint8 id;
	gsize len;
	g_autofree guint8 *ch = target_challenge(t, "5", &id, &len);
	IProtoTextList *r = response(IPROTO_CHAP_MD5, id, ch, len, "host1", "initiator-secret-1", 0);
	iproto_text_list_add(r, "CHAP_I", "7");
	iproto_text_list_add(r, "CHAP_C", CHALLENGE_HEX);
	expect_target_failure(t, r, "mutual CHAP requested but not configured");
	/* the same secret both ways is refused on either side */
	Accounts same = { "host1", "initiator-secret-1", "tgt", "initiator-secret-1" };
	g_autoptr(IProtoChapTarget) t2 = iproto_chap_target_new(NULL, 0, lookup, &same);
	g_autofree guint8 *ch2 = target_challenge(t2, "5", &id, &len);
	IProtoTextList *r2 = response(IPROTO_CHAP_MD5, id, ch2, len, "host1", "initiator-secret-1", 0);
	iproto_text_list_add(r2, "CHAP_I", "7");
	iproto_text_list_add(r2, "CHAP_C", CHALLENGE_HEX);
	expect_target_failure(t2, r2, NULL);
	g_autoptr(IProtoChapInitiator) c = iproto_chap_initiator_new(NULL, 0, "host1", "initiator-secret-1", 18, NULL);
	g_assert_false(iproto_chap_initiator_set_mutual(c, NULL, "initiator-secret-1", 18, NULL));
}

/* An initiator that sends the target's own challenge back (sec. 12.1.3). */
static void test_reflection_refused(void)
{
	Accounts acc = { "host1", "initiator-secret-1", "tgt", "target-secret-22" };
	g_autoptr(IProtoChapTarget) t = iproto_chap_target_new(NULL, 0, lookup, &acc);
	guint8 id;
	gsize len;
	g_autofree guint8 *ch = target_challenge(t, "5", &id, &len);
	IProtoTextList *r = response(IPROTO_CHAP_MD5, id, ch, len, "host1", "initiator-secret-1", 0);
	g_autofree char *same = iproto_text_encode_binary(ch, len, IPROTO_BINARY_BASE64);
	iproto_text_list_add(r, "CHAP_I", "1");
	iproto_text_list_add(r, "CHAP_C", same);
	expect_target_failure(t, r, "CHAP challenge reflected back to the target");

	/* across connections: the challenge of one login used in another */
	g_autoptr(IProtoChapTarget) t1 = iproto_chap_target_new(NULL, 0, lookup, &acc);
	g_autoptr(IProtoChapTarget) t2 = iproto_chap_target_new(NULL, 0, lookup, &acc);
	guint8 id1, id2;
	gsize len1, len2;
	g_autofree guint8 *c1 = target_challenge(t1, "5", &id1, &len1);
	g_autofree guint8 *c2 = target_challenge(t2, "5", &id2, &len2);
	IProtoTextList *r2 = response(IPROTO_CHAP_MD5, id2, c2, len2, "host1", "initiator-secret-1", 0);
	g_autofree char *other = iproto_text_encode_binary(c1, len1, IPROTO_BINARY_HEX);
	iproto_text_list_add(r2, "CHAP_I", "1");
	iproto_text_list_add(r2, "CHAP_C", other);
	expect_target_failure(t2, r2, "CHAP challenge reflected back to the target");

	/* an initiator given back the challenge it sent on another connection */
	g_autoptr(IProtoChapInitiator) a = iproto_chap_initiator_new(NULL, 0, "host1", "initiator-secret-1", 18, NULL);
	g_assert_true(iproto_chap_initiator_set_mutual(a, NULL, "target-secret-22", 16, NULL));
	g_autoptr(IProtoTextList) ra = iproto_text_list_new(), ra2 = iproto_text_list_new(), out = iproto_text_list_new();
	iproto_chap_initiator_start(a, ra);
	g_autoptr(IProtoTextList) ca = kv("CHAP_A=5", "CHAP_I=1", "CHAP_C=" CHALLENGE_HEX, NULL);
	g_assert_true(iproto_chap_initiator_step(a, ca, ra2, NULL));
	g_autofree char *mine = g_strconcat("CHAP_C=", iproto_text_list_get(ra2, "CHAP_C"), NULL);
	g_autoptr(IProtoChapInitiator) b = iproto_chap_initiator_new(NULL, 0, "host1", "initiator-secret-1", 18, NULL);
	iproto_chap_initiator_start(b, out);
	g_autoptr(IProtoTextList) cb = kv("CHAP_A=5", "CHAP_I=1", mine, NULL);
	g_autoptr(GError) err = NULL;
	g_assert_false(iproto_chap_initiator_step(b, cb, out, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_AUTH);
}

static void test_secret_and_challenge_limits(void)
{
	g_autoptr(GError) err = NULL;
	/* 11 bytes: below 96 bits (sec. 9.2.1) */
	g_assert_null(iproto_chap_initiator_new(NULL, 0, "host1", "short-pass!", 11, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_AUTH);
	g_assert_null(strstr(err->message, "short-pass"));
	g_clear_error(&err);
	IProtoChapAccount acct = { 0 };
	g_assert_false(iproto_chap_account_set_secret(&acct, "short-pass!", 11, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_AUTH);
	g_clear_error(&err);
	g_autofree char *huge = g_strnfill(256, 's');
	g_assert_false(iproto_chap_account_set_secret(&acct, huge, 256, NULL));
	g_assert_true(iproto_chap_account_set_secret(&acct, "exactly12byt", 12, NULL));
	iproto_chap_account_clear(&acct);
	g_assert_cmpuint(acct.secret_len, ==, 0);

	/* the target's challenge too short / too long / malformed */
	static const char *const bad[] = { "CHAP_C=0x01020304", NULL, "CHAP_C=0xnothex" };
	g_autofree guint8 *long_chal = g_malloc0(IPROTO_CHAP_CHALLENGE_MAX + 1);
	g_autofree char *long_enc = iproto_text_encode_binary(long_chal, IPROTO_CHAP_CHALLENGE_MAX + 1, IPROTO_BINARY_HEX);
	g_autofree char *long_kv = g_strconcat("CHAP_C=", long_enc, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(IProtoChapInitiator) c = iproto_chap_initiator_new(NULL, 0, "host1", SECRET, 16, NULL);
		g_autoptr(IProtoTextList) a = iproto_text_list_new();
		iproto_chap_initiator_start(c, a);
		g_autoptr(IProtoTextList) in = kv("CHAP_A=5", "CHAP_I=1", bad[i] ? bad[i] : long_kv, NULL);
		g_autoptr(IProtoTextList) out = iproto_text_list_new();
		g_autoptr(GError) e = NULL;
		g_assert_false(iproto_chap_initiator_step(c, in, out, &e));
		g_assert_error(e, IPROTO_ERROR, IPROTO_ERROR_AUTH);
	}
	/* an algorithm we did not offer, and a CHAP_I out of range */
	static const IProtoChapAlg md5 = IPROTO_CHAP_MD5;
	g_autoptr(IProtoChapInitiator) c = iproto_chap_initiator_new(&md5, 1, "host1", SECRET, 16, NULL);
	g_autoptr(IProtoTextList) a = iproto_text_list_new();
	iproto_chap_initiator_start(c, a);
	g_assert_cmpstr(iproto_text_list_get(a, "CHAP_A"), ==, "5");
	g_autoptr(IProtoTextList) in = kv("CHAP_A=7", "CHAP_I=1", "CHAP_C=" CHALLENGE_HEX, NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(GError) e2 = NULL;
	g_assert_false(iproto_chap_initiator_step(c, in, out, &e2));
	g_assert_error(e2, IPROTO_ERROR, IPROTO_ERROR_AUTH_ALGORITHM);
	g_autoptr(IProtoChapInitiator) d = iproto_chap_initiator_new(&md5, 1, "host1", SECRET, 16, NULL);
	iproto_chap_initiator_start(d, a);
	g_autoptr(IProtoTextList) in2 = kv("CHAP_A=5", "CHAP_I=256", "CHAP_C=" CHALLENGE_HEX, NULL);
	g_assert_false(iproto_chap_initiator_step(d, in2, out, NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/chap/known-answers", test_known_answers);
	g_test_add_func("/chap/initiator/known-answers", test_initiator_known_answers);
	g_test_add_func("/chap/target/algorithms-encodings", test_target_all_algorithms_encodings);
	g_test_add_func("/chap/target/algorithm-choice", test_target_algorithm_choice);
	g_test_add_func("/chap/target/wrong-response", test_target_wrong_response_and_unknown_name);
	g_test_add_func("/chap/target/protocol-errors", test_target_protocol_errors);
	g_test_add_func("/chap/mutual", test_mutual);
	g_test_add_func("/chap/target/mutual-known-answer", test_target_mutual_known_answer);
	g_test_add_func("/chap/mutual-failures", test_mutual_failures);
	g_test_add_func("/chap/reflection", test_reflection_refused);
	g_test_add_func("/chap/limits", test_secret_and_challenge_limits);
	return g_test_run();
}
