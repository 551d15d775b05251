/* Fuzz target: the text accumulator (C bit) and the negotiation engine as
 * acceptor on arbitrary key lists (RFC 7143 sec. 6.1, 6.2).
 *
 * Input: byte 0 chooses role, leading/non-leading, phase and discovery;
 * byte 1 the PDU data segment size; the rest is the text, fed to the
 * accumulator in chunks with C=1 and a last chunk with C=0.  Whatever the
 * engine answers must encode to a text that parses back. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include "libiscsi-proto/iproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const IProtoPhase phases[] = { IPROTO_PHASE_SECURITY, IPROTO_PHASE_OPERATIONAL, IPROTO_PHASE_FFP,
				      IPROTO_PHASE_OPERATIONAL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t mode = data[0];
	size_t chunk = (size_t) data[1] + 1;
	data += 2;
	size -= 2;

	IProtoNegConfig cfg;
	iproto_neg_config_init(&cfg);
	cfg.session.tpgt = 1;
	cfg.session.target_alias = "fuzz";
	cfg.session.initiator_name = "iqn.2026-01.fuzz:init";
	cfg.session.target_name = "iqn.2026-01.fuzz:tgt";
	cfg.header_digest = "CRC32C,None";
	cfg.auth_method = mode & 0x20 ? "CHAP" : "CHAP,None";
	if (mode & 0x40)
		cfg.session.session_type = IPROTO_SESSION_DISCOVERY;
	IProtoRole role = mode & 1 ? IPROTO_ROLE_INITIATOR : IPROTO_ROLE_TARGET;
	gboolean leading = !(mode & 2);
	IProtoPhase phase = phases[(mode >> 2) & 3];

	IProtoSessionParams sess;
	iproto_session_params_init(&sess);
	IProtoNeg *neg = iproto_neg_new(role, &cfg, leading, &sess);
	IProtoTextAccum *acc = iproto_text_accum_new(mode & 0x10 ? 4096 : 0);
	IProtoTextList *out = iproto_text_list_new();
	if (role == IPROTO_ROLE_INITIATOR)
		iproto_neg_offer(neg, phase, out);

	size_t off = 0;
	do {
		size_t n = size - off < chunk ? size - off : chunk;
		gboolean more = off + n < size;
		IProtoTextList *in = NULL;
		GError *err = NULL;
		IProtoTextAccumStatus st = iproto_text_accum_feed(acc, data + off, n, more, &in, &err);
		off += n;
		if (st == IPROTO_TEXT_ACCUM_DONE) {
			if (iproto_neg_receive(neg, phase, in, out, &err)) {
				iproto_neg_offer(neg, phase, out);
				iproto_neg_finish(neg, NULL);
			} else {
				(void) iproto_neg_login_status(err);
			}
			iproto_text_list_free(in);
		}
		g_clear_error(&err);
	} while (off < size);

	/* Our own answers are always well-formed text. */
	GByteArray *enc = iproto_text_list_encode(out);
	IProtoTextList *back = iproto_text_list_new();
	if (!iproto_text_list_parse(back, enc->data, enc->len, NULL))
		abort();
	if (iproto_text_list_length(back) != iproto_text_list_length(out))
		abort();
	iproto_text_list_free(back);
	g_byte_array_unref(enc);

	iproto_text_list_free(out);
	iproto_text_accum_free(acc);
	iproto_neg_free(neg);
	iproto_session_params_clear(&sess);
	return 0;
}
