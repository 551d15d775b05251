/* CHAP algorithms and the response computation (RFC 1994 sec. 4.1, RFC 7143
 * sec. 12.1.3), through OpenSSL's EVP API. */
#include "config.h"
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "libiscsi-proto/iproto-chap-private.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-text-values.h"

/* IANA "PPP Authentication Algorithms" rows iSCSI uses, with the OpenSSL
 * algorithm names that implement them. */
static const struct {
	IProtoChapAlg alg;
	const char *name;     /* as libiscsi URLs spell it (?auth=) */
	const char *evp_name; /* EVP_MD_fetch name */
	gsize len;
} chap_algs[] = {
	{ IPROTO_CHAP_MD5, "MD5", "MD5", 16 },
	{ IPROTO_CHAP_SHA1, "SHA-1", "SHA1", 20 },
	{ IPROTO_CHAP_SHA256, "SHA-256", "SHA2-256", 32 },
	{ IPROTO_CHAP_SHA3_256, "SHA3-256", "SHA3-256", 32 },
};

static gint find_alg(IProtoChapAlg alg)
{
	for (guint i = 0; i < G_N_ELEMENTS(chap_algs); i++)
		if (chap_algs[i].alg == alg)
			return (gint) i;
	return -1;
}

gsize iproto_chap_digest_len(IProtoChapAlg alg)
{
	gint i = find_alg(alg);
	return i < 0 ? 0 : chap_algs[i].len;
}

const char *iproto_chap_alg_name(IProtoChapAlg alg)
{
	gint i = find_alg(alg);
	return i < 0 ? NULL : chap_algs[i].name;
}

gboolean iproto_chap_alg_from_string(const char *s, IProtoChapAlg *alg)
{
	static const struct {
		const char *alias;
		IProtoChapAlg alg;
	} aliases[] = { { "sha1", IPROTO_CHAP_SHA1 }, { "sha256", IPROTO_CHAP_SHA256 }, { "sha3", IPROTO_CHAP_SHA3_256 } };
	guint64 n;

	for (guint i = 0; i < G_N_ELEMENTS(chap_algs); i++)
		if (g_ascii_strcasecmp(s, chap_algs[i].name) == 0) {
			*alg = chap_algs[i].alg;
			return TRUE;
		}
	for (guint i = 0; i < G_N_ELEMENTS(aliases); i++)
		if (g_ascii_strcasecmp(s, aliases[i].alias) == 0) {
			*alg = aliases[i].alg;
			return TRUE;
		}
	if (iproto_text_parse_number(s, 255, &n, NULL) && find_alg((IProtoChapAlg) n) >= 0) {
		*alg = (IProtoChapAlg) n;
		return TRUE;
	}
	return FALSE;
}

gboolean iproto_chap_compute(IProtoChapAlg alg, guint8 id, const guint8 *secret, gsize secret_len,
			     const guint8 *challenge, gsize challenge_len, guint8 *out, GError **error)
{
	gint i = find_alg(alg);
	if (i < 0) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_AUTH_ALGORITHM, "CHAP algorithm %d is not supported", alg);
		return FALSE;
	}
	EVP_MD *md = EVP_MD_fetch(NULL, chap_algs[i].evp_name, NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	/* RFC 1994 sec. 4.1: the hash of Identifier, secret, Challenge. */
	gboolean ok = md && ctx && EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, &id, 1) &&
		      EVP_DigestUpdate(ctx, secret, secret_len) && EVP_DigestUpdate(ctx, challenge, challenge_len) &&
		      EVP_DigestFinal_ex(ctx, out, &len) && len == chap_algs[i].len;
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	if (!ok)
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_AUTH_ALGORITHM, "%s digest unavailable in OpenSSL",
			    chap_algs[i].name);
	return ok;
}

gboolean iproto_chap_secret_check(gsize secret_len, GError **error)
{
	if (secret_len < IPROTO_CHAP_SECRET_MIN || secret_len > IPROTO_CHAP_SECRET_MAX) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_AUTH,
			    "CHAP secret must be %d to %d bytes long (RFC 7143 sec. 9.2.1)", IPROTO_CHAP_SECRET_MIN,
			    IPROTO_CHAP_SECRET_MAX);
		return FALSE;
	}
	return TRUE;
}

gboolean iproto_chap_account_set_secret(IProtoChapAccount *a, const void *secret, gsize len, GError **error)
{
	if (!iproto_chap_secret_check(len, error))
		return FALSE;
	memcpy(a->secret, secret, len);
	a->secret_len = len;
	return TRUE;
}

gboolean iproto_chap_account_set_mutual(IProtoChapAccount *a, const char *name, const void *secret, gsize len,
					GError **error)
{
	if (!name || !*name || strlen(name) >= sizeof a->mutual_name) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT, "mutual CHAP name must be 1..%d bytes",
			    (int) sizeof a->mutual_name - 1);
		return FALSE;
	}
	if (!iproto_chap_secret_check(len, error))
		return FALSE;
	g_strlcpy(a->mutual_name, name, sizeof a->mutual_name);
	memcpy(a->mutual_secret, secret, len);
	a->mutual_secret_len = len;
	a->has_mutual = TRUE;
	return TRUE;
}

void iproto_chap_account_clear(IProtoChapAccount *a)
{
	OPENSSL_cleanse(a, sizeof *a);
}

gboolean iproto_chap_same_secret(const guint8 *a, gsize alen, const guint8 *b, gsize blen)
{
	return alen == blen && CRYPTO_memcmp(a, b, alen) == 0;
}

gboolean iproto_chap_random(guint8 *buf, gsize len, GError **error)
{
	if (RAND_bytes(buf, (int) len) != 1) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_FAILED, "no random bytes for a CHAP challenge");
		return FALSE;
	}
	return TRUE;
}

gboolean iproto_chap_verify(IProtoChapAlg alg, guint8 id, const guint8 *secret, gsize secret_len,
			    const guint8 *challenge, gsize challenge_len, const guint8 *response, gsize response_len)
{
	guint8 expect[IPROTO_CHAP_DIGEST_MAX];
	gsize n = iproto_chap_digest_len(alg);
	if (!iproto_chap_compute(alg, id, secret, secret_len, challenge, challenge_len, expect, NULL))
		return FALSE;
	/* Constant time, so a wrong response leaks nothing through timing. */
	gboolean ok = response_len == n && CRYPTO_memcmp(expect, response, n) == 0;
	OPENSSL_cleanse(expect, sizeof expect);
	return ok;
}

void iproto_chap_add_binary(IProtoTextList *out, const char *key, const guint8 *data, gsize len)
{
	g_autofree char *v = iproto_text_encode_binary(data, len, IPROTO_BINARY_HEX);
	iproto_text_list_add(out, key, v);
}

gboolean iproto_chap_take_challenge(const char *i_value, const char *c_value, guint8 *id, guint8 **challenge,
				    gsize *challenge_len, GError **error)
{
	guint64 n;
	if (!iproto_text_parse_number(i_value, 255, &n, NULL)) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_AUTH, "malformed CHAP_I (RFC 7143 sec. 12.1.3)");
		return FALSE;
	}
	*id = (guint8) n;
	*challenge = iproto_text_decode_binary(c_value, IPROTO_CHAP_CHALLENGE_MAX, challenge_len, NULL);
	if (!*challenge || *challenge_len < IPROTO_CHAP_CHALLENGE_MIN) {
		g_clear_pointer(challenge, g_free);
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_AUTH,
			    "CHAP_C must be a binary value of %d to %d bytes (RFC 7143 sec. 12.1.3)",
			    IPROTO_CHAP_CHALLENGE_MIN, IPROTO_CHAP_CHALLENGE_MAX);
		return FALSE;
	}
	return TRUE;
}

gboolean iproto_chap_has_keys(const IProtoTextList *in)
{
	for (guint i = 0; i < iproto_text_list_length(in); i++)
		if (g_str_has_prefix(iproto_text_list_nth(in, i)->key, "CHAP_"))
			return TRUE;
	return FALSE;
}

/* Challenges this process sent recently, over all connections, one ring
 * per role: a peer that hands one of them back as its own challenge wants
 * us to compute the answer it needs elsewhere (sec. 12.1.3: "Responders
 * MUST check for this condition").  Per role, so a target and an initiator
 * in one process (tests, loopback tools) do not see each other's challenges
 * as reflections. */
#define RECENT_CHALLENGES 64
typedef struct {
	guint8 c[RECENT_CHALLENGES][IPROTO_CHAP_CHALLENGE_LEN];
	guint next, count;
} Recent;
static GMutex recent_lock;
static Recent recent[2];

void iproto_chap_remember_challenge(gboolean target_role, const guint8 *challenge)
{
	Recent *r = &recent[target_role ? 1 : 0];
	g_mutex_lock(&recent_lock);
	memcpy(r->c[r->next], challenge, IPROTO_CHAP_CHALLENGE_LEN);
	r->next = (r->next + 1) % RECENT_CHALLENGES;
	if (r->count < RECENT_CHALLENGES)
		r->count++;
	g_mutex_unlock(&recent_lock);
}

gboolean iproto_chap_is_reflected(gboolean target_role, const guint8 *challenge, gsize len)
{
	const Recent *r = &recent[target_role ? 1 : 0];
	gboolean hit = FALSE;
	if (len != IPROTO_CHAP_CHALLENGE_LEN)
		return FALSE; /* ours always have this length */
	g_mutex_lock(&recent_lock);
	for (guint i = 0; i < r->count; i++)
		hit |= CRYPTO_memcmp(r->c[i], challenge, len) == 0;
	g_mutex_unlock(&recent_lock);
	return hit;
}
