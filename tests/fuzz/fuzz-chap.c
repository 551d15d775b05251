/* Fuzz target: CHAP value decoding and both CHAP state machines.
 *
 * Input: byte 0 picks the mode; the rest is split at 0xff bytes into key
 * lists ("k=v\0k=v\0"), each fed as one Login PDU's keys.  Mode 0 feeds the
 * target machine (after a valid CHAP_A step when bit 1 of byte 0 is set),
 * mode 1 the initiator machine (with mutual CHAP when bit 2 is set); every
 * value is also run through the binary and numeric decoders. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "libiscsi-proto/iproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean lookup(const char *name, IProtoChapAccount *acct, gpointer user_data)
{
	if (strcmp(name, "host1") != 0)
		return FALSE;
	iproto_chap_account_set_secret(acct, "initiator-secret-1", 18, NULL);
	iproto_chap_account_set_mutual(acct, "iqn.2026-01.fuzz:tgt", "target-secret-22", 16, NULL);
	return TRUE;
}

static void decode_values(const IProtoTextList *l)
{
	for (guint i = 0; i < iproto_text_list_length(l); i++) {
		const char *v = iproto_text_list_nth(l, i)->value;
		gsize n;
		guint64 num;
		g_free(iproto_text_decode_binary(v, IPROTO_CHAP_CHALLENGE_MAX, &n, NULL));
		iproto_text_parse_number(v, G_MAXUINT64, &num, NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	data++;
	size--;

	IProtoChapTarget *t = NULL;
	IProtoChapInitiator *c = NULL;
	IProtoTextList *out = iproto_text_list_new();
	if (mode & 1) {
		c = iproto_chap_initiator_new(NULL, 0, "host1", "initiator-secret-1", 18, NULL);
		if (mode & 4)
			iproto_chap_initiator_set_mutual(c, mode & 8 ? "iqn.2026-01.fuzz:tgt" : NULL, "target-secret-22",
							 16, NULL);
		iproto_chap_initiator_start(c, out);
	} else {
		t = iproto_chap_target_new(NULL, 0, lookup, NULL);
		if (mode & 2) {
			IProtoTextList *a = iproto_text_list_new();
			iproto_text_list_add(a, "CHAP_A", "7,5");
			iproto_chap_target_step(t, a, out, NULL);
			iproto_text_list_free(a);
		}
	}

	size_t start = 0;
	while (start <= size) {
		const uint8_t *end = memchr(data + start, 0xff, size - start);
		size_t n = end ? (size_t) (end - (data + start)) : size - start;
		IProtoTextList *in = iproto_text_list_new();
		if (iproto_text_list_parse(in, data + start, n, NULL)) {
			decode_values(in);
			GError *err = NULL;
			if (c)
				iproto_chap_initiator_step(c, in, out, &err);
			else
				iproto_chap_target_step(t, in, out, &err);
			g_clear_error(&err);
		}
		iproto_text_list_free(in);
		start += n + 1;
		if (!end)
			break;
	}
	iproto_text_list_free(out);
	iproto_chap_target_free(t);
	iproto_chap_initiator_free(c);
	return 0;
}
