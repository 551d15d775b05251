/* Internal to the CHAP state machines: helpers both roles share. */
#pragma once
#include <openssl/rand.h>
#include "libiscsi-proto/iproto-chap.h"

G_BEGIN_DECLS

gboolean iproto_chap_same_secret(const guint8 *a, gsize alen, const guint8 *b, gsize blen);
gboolean iproto_chap_random(guint8 *buf, gsize len, GError **error);
/* Constant-time check of a response against H(id || secret || challenge). */
gboolean iproto_chap_verify(IProtoChapAlg alg, guint8 id, const guint8 *secret, gsize secret_len,
			    const guint8 *challenge, gsize challenge_len, const guint8 *response, gsize response_len);
/* Appends key=0x<hex>. */
void iproto_chap_add_binary(IProtoTextList *out, const char *key, const guint8 *data, gsize len);
/* Parses CHAP_I (decimal, 0x, 0b) and decodes CHAP_C within the challenge
 * length limits. */
gboolean iproto_chap_take_challenge(const char *i_value, const char *c_value, guint8 *id, guint8 **challenge,
				    gsize *challenge_len, GError **error);
/* Reflection defence: remember each challenge we send (IPROTO_CHAP_CHALLENGE_LEN
 * bytes) and refuse any of them coming back from a peer. */
void iproto_chap_remember_challenge(gboolean target_role, const guint8 *challenge);
gboolean iproto_chap_is_reflected(gboolean target_role, const guint8 *challenge, gsize len);
/* Does the list hold any CHAP_* key? */
gboolean iproto_chap_has_keys(const IProtoTextList *in);

G_END_DECLS
