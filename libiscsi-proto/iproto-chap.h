/* CHAP for iSCSI (RFC 7143 sec. 12.1.3, RFC 1994): the four digest
 * algorithms of IANA's registry, the response computation, and one small
 * state machine per role, driven by key lists so that the target daemon and
 * the initiator share them.
 *
 *   initiator                          target
 *   CHAP_A=<A1,A2,...>          ->
 *                               <-     CHAP_A=<A> CHAP_I=<I> CHAP_C=<C>
 *   CHAP_N=<N> CHAP_R=<R>
 *   [CHAP_I=<I> CHAP_C=<C>]     ->     (mutual: the target answers)
 *                               <-     [CHAP_N=<N> CHAP_R=<R>]
 *
 * R = H(I || secret || C), I one byte.  Secrets never appear in errors. */
#pragma once
#include <glib.h>
#include "libiscsi-proto/iproto-text.h"

G_BEGIN_DECLS

/* IANA "PPP Authentication Algorithms" numbers used by CHAP_A. */
typedef enum {
	IPROTO_CHAP_MD5 = 5,
	IPROTO_CHAP_SHA1 = 6,
	IPROTO_CHAP_SHA256 = 7,
	IPROTO_CHAP_SHA3_256 = 8,
} IProtoChapAlg;

/* sec. 9.2.1 / 12.1.3: CHAP secrets of at least 96 bits over unprotected links. */
#define IPROTO_CHAP_SECRET_MIN 12
#define IPROTO_CHAP_SECRET_MAX 255
/* Challenges we accept: shorter ones are guessable, longer ones are abuse. */
#define IPROTO_CHAP_CHALLENGE_MIN 8
#define IPROTO_CHAP_CHALLENGE_MAX 1024
/* Challenges we send. */
#define IPROTO_CHAP_CHALLENGE_LEN 32
#define IPROTO_CHAP_DIGEST_MAX 32

/* Digest length in bytes, 0 for an unknown algorithm. */
gsize iproto_chap_digest_len(IProtoChapAlg alg);
/* "MD5", "SHA-1", "SHA-256", "SHA3-256" (the names libiscsi URLs use), or NULL. */
const char *iproto_chap_alg_name(IProtoChapAlg alg);
/* Accepts those names (case-insensitive, also "sha1", "sha256") or the number. */
gboolean iproto_chap_alg_from_string(const char *s, IProtoChapAlg *alg);

/* R = H(id || secret || challenge) into out (iproto_chap_digest_len bytes),
 * through OpenSSL's EVP API. */
gboolean iproto_chap_compute(IProtoChapAlg alg, guint8 id, const guint8 *secret, gsize secret_len,
			     const guint8 *challenge, gsize challenge_len, guint8 *out, GError **error);

/* Secret length rule (IPROTO_ERROR_AUTH with a message without the secret). */
gboolean iproto_chap_secret_check(gsize secret_len, GError **error);

/* A CHAP account as the target's lookup callback returns it.  Fixed buffers so
 * nothing is allocated and everything is wiped by iproto_chap_account_clear. */
typedef struct {
	guint8 secret[IPROTO_CHAP_SECRET_MAX];
	gsize secret_len;
	gboolean has_mutual;  /* the target may authenticate itself to this initiator */
	char mutual_name[256];
	guint8 mutual_secret[IPROTO_CHAP_SECRET_MAX];
	gsize mutual_secret_len;
} IProtoChapAccount;

gboolean iproto_chap_account_set_secret(IProtoChapAccount *a, const void *secret, gsize len, GError **error);
gboolean iproto_chap_account_set_mutual(IProtoChapAccount *a, const char *name, const void *secret,
					gsize len, GError **error);
void iproto_chap_account_clear(IProtoChapAccount *a);

/* Looks up CHAP_N.  Returns FALSE for an unknown name; the state machine then
 * fails exactly as for a wrong response, so answers never reveal which
 * accounts exist. */
typedef gboolean (*IProtoChapLookupFunc)(const char *name, IProtoChapAccount *account, gpointer user_data);

/* Target side.  algs: the algorithms the target allows (NULL/0: all four);
 * the initiator's CHAP_A order decides among them (sec. 12.1.3). */
typedef struct _IProtoChapTarget IProtoChapTarget;

IProtoChapTarget *iproto_chap_target_new(const IProtoChapAlg *algs, gsize n_algs, IProtoChapLookupFunc lookup,
					 gpointer user_data);
void iproto_chap_target_free(IProtoChapTarget *t);
/* Feeds the keys of one security-stage Login Request (after AuthMethod=CHAP
 * was agreed); non-CHAP keys are ignored.  Appends the answer to out.
 * FALSE with IPROTO_ERROR_AUTH / _AUTH_ALGORITHM: answer 0x0201. */
gboolean iproto_chap_target_step(IProtoChapTarget *t, const IProtoTextList *in, IProtoTextList *out,
				 GError **error);
/* TRUE once the initiator is authenticated (and, if it asked, the target
 * answered its challenge): only then may the security stage end. */
gboolean iproto_chap_target_done(const IProtoChapTarget *t);
/* The authenticated CHAP_N (for logs and ACLs), NULL before done. */
const char *iproto_chap_target_name(const IProtoChapTarget *t);
gboolean iproto_chap_target_mutual(const IProtoChapTarget *t);
IProtoChapAlg iproto_chap_target_algorithm(const IProtoChapTarget *t);

/* Initiator side.  prefs: CHAP_A offer, strongest first.  NULL/0 gives 8,6,5:
 * SHA-256 (7) only when asked, because tgt reads 7 as SHA-1 and the login
 * would fail against it. */
typedef struct _IProtoChapInitiator IProtoChapInitiator;

IProtoChapInitiator *iproto_chap_initiator_new(const IProtoChapAlg *prefs, gsize n_prefs, const char *name,
					       const void *secret, gsize secret_len, GError **error);
void iproto_chap_initiator_free(IProtoChapInitiator *c);
/* Ask the target to authenticate itself (mutual CHAP).  expected_name: the
 * CHAP_N the target must answer with, or NULL to accept any. */
gboolean iproto_chap_initiator_set_mutual(IProtoChapInitiator *c, const char *expected_name, const void *secret,
					  gsize secret_len, GError **error);
/* Appends CHAP_A=<prefs> (send it once AuthMethod=CHAP was agreed). */
void iproto_chap_initiator_start(IProtoChapInitiator *c, IProtoTextList *out);
/* Feeds the keys of one Login Response; appends our next keys to out.
 * FALSE with IPROTO_ERROR_AUTH*: drop the connection (sec. 12.1.3). */
gboolean iproto_chap_initiator_step(IProtoChapInitiator *c, const IProtoTextList *in, IProtoTextList *out,
				    GError **error);
/* TRUE once our response is sent (and, with mutual CHAP, the target's
 * answer verified). */
gboolean iproto_chap_initiator_done(const IProtoChapInitiator *c);
IProtoChapAlg iproto_chap_initiator_algorithm(const IProtoChapInitiator *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(IProtoChapTarget, iproto_chap_target_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IProtoChapInitiator, iproto_chap_initiator_free)

G_END_DECLS
