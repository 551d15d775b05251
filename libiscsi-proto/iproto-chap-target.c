/* CHAP, target side (RFC 7143 sec. 12.1.3): pick the algorithm, challenge
 * the initiator, verify its response, answer its challenge for mutual CHAP. */
#include "config.h"
#include <string.h>
#include <openssl/crypto.h>
#include "libiscsi-proto/iproto-chap-private.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-text-values.h"

typedef enum {
	TS_WAIT_A,    /* AuthMethod=CHAP agreed; expect CHAP_A */
	TS_WAIT_R,    /* challenge sent; expect CHAP_N, CHAP_R [, CHAP_I, CHAP_C] */
	TS_DONE,
	TS_FAILED,
} TargetState;

struct _IProtoChapTarget {
	IProtoChapAlg allowed[4];
	gsize n_allowed;
	IProtoChapLookupFunc lookup;
	gpointer user_data;
	TargetState state;
	IProtoChapAlg alg;
	guint8 id;
	guint8 challenge[IPROTO_CHAP_CHALLENGE_LEN];
	char *name;
	gboolean mutual;
};

static const IProtoChapAlg all_algs[] = { IPROTO_CHAP_SHA3_256, IPROTO_CHAP_SHA256, IPROTO_CHAP_SHA1,
					  IPROTO_CHAP_MD5 };

IProtoChapTarget *iproto_chap_target_new(const IProtoChapAlg *algs, gsize n_algs, IProtoChapLookupFunc lookup,
					 gpointer user_data)
{
	IProtoChapTarget *t = g_new0(IProtoChapTarget, 1);
	if (!algs || !n_algs) {
		algs = all_algs;
		n_algs = G_N_ELEMENTS(all_algs);
	}
	for (gsize i = 0; i < n_algs && t->n_allowed < G_N_ELEMENTS(t->allowed); i++)
		if (iproto_chap_digest_len(algs[i]))
			t->allowed[t->n_allowed++] = algs[i];
	t->lookup = lookup;
	t->user_data = user_data;
	t->state = TS_WAIT_A;
	return t;
}

void iproto_chap_target_free(IProtoChapTarget *t)
{
	if (!t)
		return;
	g_free(t->name);
	OPENSSL_cleanse(t, sizeof *t);
	g_free(t);
}

gboolean iproto_chap_target_done(const IProtoChapTarget *t)
{
	return t->state == TS_DONE;
}

const char *iproto_chap_target_name(const IProtoChapTarget *t)
{
	return t->state == TS_DONE ? t->name : NULL;
}

gboolean iproto_chap_target_mutual(const IProtoChapTarget *t)
{
	return t->mutual;
}

IProtoChapAlg iproto_chap_target_algorithm(const IProtoChapTarget *t)
{
	return t->alg;
}

static gboolean target_fail(IProtoChapTarget *t, GError **error, int code, const char *msg)
{
	t->state = TS_FAILED;
	g_set_error_literal(error, IPROTO_ERROR, code, msg);
	return FALSE;
}

static gboolean allowed(const IProtoChapTarget *t, IProtoChapAlg alg)
{
	for (gsize i = 0; i < t->n_allowed; i++)
		if (t->allowed[i] == alg)
			return TRUE;
	return FALSE;
}

/* sec. 12.1.3: the target picks from the initiator's CHAP_A list, honouring
 * its order; values it does not know are skipped. */
static gboolean choose_algorithm(IProtoChapTarget *t, const char *list)
{
	g_auto(GStrv) items = g_strsplit(list, ",", 32);
	for (guint i = 0; items[i]; i++) {
		guint64 n;
		if (iproto_text_parse_number(items[i], 255, &n, NULL) && allowed(t, (IProtoChapAlg) n)) {
			t->alg = (IProtoChapAlg) n;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean send_challenge(IProtoChapTarget *t, const char *a, IProtoTextList *out, GError **error)
{
	if (!choose_algorithm(t, a))
		return target_fail(t, error, IPROTO_ERROR_AUTH_ALGORITHM,
				   "no CHAP algorithm in common (RFC 7143 sec. 12.1.3)");
	if (!iproto_chap_random(&t->id, 1, error) || !iproto_chap_random(t->challenge, sizeof t->challenge, error)) {
		t->state = TS_FAILED;
		return FALSE;
	}
	iproto_chap_remember_challenge(TRUE, t->challenge);
	iproto_text_list_add_uint(out, "CHAP_A", t->alg);
	iproto_text_list_add_uint(out, "CHAP_I", t->id);
	iproto_chap_add_binary(out, "CHAP_C", t->challenge, sizeof t->challenge);
	t->state = TS_WAIT_R;
	return TRUE;
}

/* Answers the initiator's challenge with the target's own credential. */
static gboolean answer_mutual(IProtoChapTarget *t, const IProtoChapAccount *acct, const char *i_value,
			      const char *c_value, IProtoTextList *out, GError **error)
{
	guint8 id, resp[IPROTO_CHAP_DIGEST_MAX];
	g_autofree guint8 *chal = NULL;
	gsize chal_len;

	if (!iproto_chap_take_challenge(i_value, c_value, &id, &chal, &chal_len, error)) {
		t->state = TS_FAILED;
		return FALSE;
	}
	/* sec. 12.1.3: a challenge equal to one we sent (on this connection
	 * or another) is a reflection attack. */
	if (iproto_chap_is_reflected(TRUE, chal, chal_len))
		return target_fail(t, error, IPROTO_ERROR_AUTH, "CHAP challenge reflected back to the target");
	if (!acct->has_mutual)
		return target_fail(t, error, IPROTO_ERROR_AUTH, "mutual CHAP requested but not configured");
	/* One secret for both directions would let a peer reflect it. */
	if (iproto_chap_same_secret(acct->secret, acct->secret_len, acct->mutual_secret, acct->mutual_secret_len))
		return target_fail(t, error, IPROTO_ERROR_AUTH, "mutual CHAP secret equals the initiator's secret");
	if (!iproto_chap_compute(t->alg, id, acct->mutual_secret, acct->mutual_secret_len, chal, chal_len, resp,
				 error)) {
		t->state = TS_FAILED;
		return FALSE;
	}
	iproto_text_list_add(out, "CHAP_N", acct->mutual_name);
	iproto_chap_add_binary(out, "CHAP_R", resp, iproto_chap_digest_len(t->alg));
	OPENSSL_cleanse(resp, sizeof resp);
	t->mutual = TRUE;
	return TRUE;
}

static gboolean check_response(IProtoChapTarget *t, const IProtoTextList *in, IProtoTextList *out, GError **error)
{
	const char *n = iproto_text_list_get(in, "CHAP_N");
	const char *r = iproto_text_list_get(in, "CHAP_R");
	const char *i = iproto_text_list_get(in, "CHAP_I");
	const char *c = iproto_text_list_get(in, "CHAP_C");

	if (!n || !r || iproto_text_list_get(in, "CHAP_A") || (!i != !c))
		return target_fail(t, error, IPROTO_ERROR_AUTH, "expected CHAP_N and CHAP_R (RFC 7143 sec. 12.1.3)");

	gsize r_len = 0;
	g_autofree guint8 *resp = iproto_text_decode_binary(r, IPROTO_CHAP_DIGEST_MAX, &r_len, NULL);
	IProtoChapAccount acct;
	memset(&acct, 0, sizeof acct);
	gboolean known = resp && t->lookup && strlen(n) <= 255 && t->lookup(n, &acct, t->user_data) &&
			 acct.secret_len >= IPROTO_CHAP_SECRET_MIN && acct.secret_len <= IPROTO_CHAP_SECRET_MAX;
	if (!known) {
		/* Same work and the same answer as for a wrong response, so the
		 * reply reveals nothing about which names exist. */
		memset(&acct, 0, sizeof acct);
		iproto_chap_random(acct.secret, 16, NULL);
		acct.secret_len = 16;
	}
	gboolean ok = iproto_chap_verify(t->alg, t->id, acct.secret, acct.secret_len, t->challenge,
					 sizeof t->challenge, resp, resp ? r_len : 0) &&
		      known;
	if (!ok) {
		iproto_chap_account_clear(&acct);
		return target_fail(t, error, IPROTO_ERROR_AUTH, "CHAP authentication failed");
	}
	g_free(t->name);
	t->name = g_strdup(n);
	gboolean done = !i || answer_mutual(t, &acct, i, c, out, error);
	iproto_chap_account_clear(&acct);
	if (!done)
		return FALSE;
	t->state = TS_DONE;
	return TRUE;
}

gboolean iproto_chap_target_step(IProtoChapTarget *t, const IProtoTextList *in, IProtoTextList *out,
				 GError **error)
{
	const char *a = iproto_text_list_get(in, "CHAP_A");

	switch (t->state) {
	case TS_WAIT_A:
		if (!a) {
			if (iproto_chap_has_keys(in))
				return target_fail(t, error, IPROTO_ERROR_AUTH, "expected CHAP_A first (RFC 7143 sec. 12.1.3)");
			return TRUE; /* nothing for CHAP in this request */
		}
		if (iproto_text_list_get(in, "CHAP_R") || iproto_text_list_get(in, "CHAP_N"))
			return target_fail(t, error, IPROTO_ERROR_AUTH, "unexpected CHAP keys with CHAP_A");
		return send_challenge(t, a, out, error);
	case TS_WAIT_R:
		if (!iproto_chap_has_keys(in))
			return TRUE;
		return check_response(t, in, out, error);
	case TS_DONE:
		if (iproto_chap_has_keys(in))
			return target_fail(t, error, IPROTO_ERROR_AUTH, "CHAP keys after authentication completed");
		return TRUE;
	case TS_FAILED:
	default:
		return target_fail(t, error, IPROTO_ERROR_AUTH, "CHAP authentication failed");
	}
}
