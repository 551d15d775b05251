/* CHAP, initiator side (RFC 7143 sec. 12.1.3): offer algorithms, answer the
 * target's challenge, and for mutual CHAP challenge the target and verify. */
#include "config.h"
#include <string.h>
#include <openssl/crypto.h>
#include "libiscsi-proto/iproto-chap-private.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-text-values.h"

typedef enum {
	IS_START,   /* CHAP_A not sent yet */
	IS_WAIT_C,  /* expect CHAP_A, CHAP_I, CHAP_C */
	IS_WAIT_R,  /* mutual: expect CHAP_N, CHAP_R */
	IS_DONE,
	IS_FAILED,
} InitiatorState;

struct _IProtoChapInitiator {
	IProtoChapAlg prefs[4];
	gsize n_prefs;
	char *name;
	guint8 secret[IPROTO_CHAP_SECRET_MAX];
	gsize secret_len;
	gboolean mutual;
	char *expected_name;
	guint8 mutual_secret[IPROTO_CHAP_SECRET_MAX];
	gsize mutual_secret_len;
	InitiatorState state;
	IProtoChapAlg alg;
	guint8 id;
	guint8 challenge[IPROTO_CHAP_CHALLENGE_LEN];
};

/* SHA-256 (7) is left out of the default: tgt reads CHAP_A=7 as SHA-1 and
 * would fail the login; callers that know their target ask for it. */
static const IProtoChapAlg default_prefs[] = { IPROTO_CHAP_SHA3_256, IPROTO_CHAP_SHA1, IPROTO_CHAP_MD5 };

IProtoChapInitiator *iproto_chap_initiator_new(const IProtoChapAlg *prefs, gsize n_prefs, const char *name,
					       const void *secret, gsize secret_len, GError **error)
{
	if (!name || !*name || strlen(name) > 255) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT, "CHAP name must be 1..255 bytes");
		return NULL;
	}
	if (!iproto_chap_secret_check(secret_len, error))
		return NULL;
	IProtoChapInitiator *c = g_new0(IProtoChapInitiator, 1);
	if (!prefs || !n_prefs) {
		prefs = default_prefs;
		n_prefs = G_N_ELEMENTS(default_prefs);
	}
	for (gsize i = 0; i < n_prefs && c->n_prefs < G_N_ELEMENTS(c->prefs); i++)
		if (iproto_chap_digest_len(prefs[i]))
			c->prefs[c->n_prefs++] = prefs[i];
	if (!c->n_prefs) {
		g_free(c);
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_AUTH_ALGORITHM, "no supported CHAP algorithm given");
		return NULL;
	}
	c->name = g_strdup(name);
	memcpy(c->secret, secret, secret_len);
	c->secret_len = secret_len;
	return c;
}

void iproto_chap_initiator_free(IProtoChapInitiator *c)
{
	if (!c)
		return;
	g_free(c->name);
	g_free(c->expected_name);
	OPENSSL_cleanse(c, sizeof *c);
	g_free(c);
}

gboolean iproto_chap_initiator_set_mutual(IProtoChapInitiator *c, const char *expected_name, const void *secret,
					  gsize secret_len, GError **error)
{
	if (!iproto_chap_secret_check(secret_len, error))
		return FALSE;
	if (iproto_chap_same_secret(c->secret, c->secret_len, secret, secret_len)) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
			    "the target's CHAP secret must differ from the initiator's (RFC 7143 sec. 12.1.3)");
		return FALSE;
	}
	g_free(c->expected_name);
	c->expected_name = g_strdup(expected_name);
	memcpy(c->mutual_secret, secret, secret_len);
	c->mutual_secret_len = secret_len;
	c->mutual = TRUE;
	return TRUE;
}

void iproto_chap_initiator_start(IProtoChapInitiator *c, IProtoTextList *out)
{
	GString *list = g_string_new(NULL);
	for (gsize i = 0; i < c->n_prefs; i++)
		g_string_append_printf(list, "%s%d", i ? "," : "", c->prefs[i]);
	iproto_text_list_add(out, "CHAP_A", list->str);
	g_string_free(list, TRUE);
	c->state = IS_WAIT_C;
}

gboolean iproto_chap_initiator_done(const IProtoChapInitiator *c)
{
	return c->state == IS_DONE;
}

IProtoChapAlg iproto_chap_initiator_algorithm(const IProtoChapInitiator *c)
{
	return c->alg;
}

static gboolean init_fail(IProtoChapInitiator *c, GError **error, int code, const char *msg)
{
	c->state = IS_FAILED;
	g_set_error_literal(error, IPROTO_ERROR, code, msg);
	return FALSE;
}

static gboolean answer_challenge(IProtoChapInitiator *c, const IProtoTextList *in, IProtoTextList *out,
				 GError **error)
{
	const char *a = iproto_text_list_get(in, "CHAP_A");
	const char *i = iproto_text_list_get(in, "CHAP_I");
	const char *ch = iproto_text_list_get(in, "CHAP_C");
	guint64 n;
	guint8 id, resp[IPROTO_CHAP_DIGEST_MAX];
	g_autofree guint8 *chal = NULL;
	gsize chal_len;

	if (!a || !i || !ch)
		return init_fail(c, error, IPROTO_ERROR_AUTH, "target did not send CHAP_A, CHAP_I and CHAP_C");
	/* sec. 12.1.3: A must be one of the algorithms we proposed. */
	gboolean offered = FALSE;
	if (iproto_text_parse_number(a, 255, &n, NULL))
		for (gsize k = 0; k < c->n_prefs; k++)
			offered |= c->prefs[k] == (IProtoChapAlg) n;
	if (!offered)
		return init_fail(c, error, IPROTO_ERROR_AUTH_ALGORITHM, "target chose a CHAP algorithm we did not offer");
	c->alg = (IProtoChapAlg) n;
	if (!iproto_chap_take_challenge(i, ch, &id, &chal, &chal_len, error)) {
		c->state = IS_FAILED;
		return FALSE;
	}
	/* A challenge we sent on another connection, handed back to us. */
	if (iproto_chap_is_reflected(FALSE, chal, chal_len))
		return init_fail(c, error, IPROTO_ERROR_AUTH, "CHAP challenge reflected back to the initiator");
	if (!iproto_chap_compute(c->alg, id, c->secret, c->secret_len, chal, chal_len, resp, error)) {
		c->state = IS_FAILED;
		return FALSE;
	}
	iproto_text_list_add(out, "CHAP_N", c->name);
	iproto_chap_add_binary(out, "CHAP_R", resp, iproto_chap_digest_len(c->alg));
	OPENSSL_cleanse(resp, sizeof resp);
	if (!c->mutual) {
		c->state = IS_DONE;
		return TRUE;
	}
	/* Our challenge must never equal the target's (sec. 12.1.3). */
	do {
		if (!iproto_chap_random(&c->id, 1, error) ||
		    !iproto_chap_random(c->challenge, sizeof c->challenge, error)) {
			c->state = IS_FAILED;
			return FALSE;
		}
	} while (chal_len == sizeof c->challenge && memcmp(chal, c->challenge, chal_len) == 0);
	iproto_chap_remember_challenge(FALSE, c->challenge);
	iproto_text_list_add_uint(out, "CHAP_I", c->id);
	iproto_chap_add_binary(out, "CHAP_C", c->challenge, sizeof c->challenge);
	c->state = IS_WAIT_R;
	return TRUE;
}

static gboolean check_target(IProtoChapInitiator *c, const IProtoTextList *in, GError **error)
{
	const char *n = iproto_text_list_get(in, "CHAP_N");
	const char *r = iproto_text_list_get(in, "CHAP_R");
	gsize r_len = 0;

	if (!n || !r)
		return init_fail(c, error, IPROTO_ERROR_AUTH, "target did not answer the mutual CHAP challenge");
	g_autofree guint8 *resp = iproto_text_decode_binary(r, IPROTO_CHAP_DIGEST_MAX, &r_len, NULL);
	gboolean ok = resp &&
		      iproto_chap_verify(c->alg, c->id, c->mutual_secret, c->mutual_secret_len, c->challenge,
					 sizeof c->challenge, resp, r_len) &&
		      (!c->expected_name || strcmp(n, c->expected_name) == 0);
	if (!ok)
		return init_fail(c, error, IPROTO_ERROR_AUTH, "the target failed mutual CHAP authentication");
	c->state = IS_DONE;
	return TRUE;
}

gboolean iproto_chap_initiator_step(IProtoChapInitiator *c, const IProtoTextList *in, IProtoTextList *out,
				    GError **error)
{
	switch (c->state) {
	case IS_START:
		if (iproto_chap_has_keys(in))
			return init_fail(c, error, IPROTO_ERROR_AUTH, "CHAP keys before CHAP_A was sent");
		return TRUE;
	case IS_WAIT_C:
		if (!iproto_chap_has_keys(in))
			return TRUE;
		return answer_challenge(c, in, out, error);
	case IS_WAIT_R:
		if (!iproto_chap_has_keys(in))
			return TRUE;
		return check_target(c, in, error);
	case IS_DONE:
		if (iproto_chap_has_keys(in))
			return init_fail(c, error, IPROTO_ERROR_AUTH, "CHAP keys after authentication completed");
		return TRUE;
	case IS_FAILED:
	default:
		return init_fail(c, error, IPROTO_ERROR_AUTH, "CHAP authentication failed");
	}
}
