/* Fuzz target for iSNS: PDU reassembly, TLV decoding and the server's
 * request handling on an in-memory database; every answer is decoded
 * again.  The input is a byte stream as a client would send it. */
#include "config.h"
#include <stdint.h>
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"
#include "isnsd/isrv-core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(GBytes *answer)
{
	g_autoptr(IDiscReassembler) r = idisc_reassembler_new(64 << 20);
	gsize n;
	const guint8 *d = g_bytes_get_data(answer, &n);
	idisc_reassembler_feed(r, d, n);
	IDiscMessage m = { 0 };
	guint32 st;
	if (idisc_reassembler_next(r, &m, &st, NULL) != IDISC_REASM_MESSAGE)
		g_error("the server produced an answer it cannot read back");
	g_autoptr(IDiscTlvList) l = idisc_tlv_list_decode(m.payload, TRUE, NULL);
	if (!l)
		g_error("the server produced a malformed answer");
	idisc_message_clear(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	IsrvConfig cfg;
	isrv_config_init(&cfg);
	char *ctl[] = { (char *) "iqn.2024-01.test.lab:admin", NULL };
	cfg.control_nodes = ctl;
	IsrvDb *db = isrv_db_open_memory(NULL);
	IsrvCore *core = isrv_core_new(&cfg, db);
	IDiscReassembler *r = idisc_reassembler_new(1 << 20);
	/* Two feeds, so that a split inside a header or TLV is exercised. */
	size_t half = size / 2;
	for (int part = 0; part < 2; part++) {
		if (part == 0)
			idisc_reassembler_feed(r, data, half);
		else
			idisc_reassembler_feed(r, data + half, size - half);
		IDiscMessage m = { 0 };
		guint32 status;
		IDiscReasmResult rr;
		isrv_db_begin(db, NULL);
		while ((rr = idisc_reassembler_next(r, &m, &status, NULL)) != IDISC_REASM_NEED_MORE &&
		       rr != IDISC_REASM_FATAL) {
			GBytes *answer = rr == IDISC_REASM_MESSAGE ? isrv_core_handle(core, &m)
								   : isrv_core_reject(core, m.function, m.xid, status);
			if (answer) {
				check_answer(answer);
				g_bytes_unref(answer);
			}
			idisc_message_clear(&m);
		}
		isrv_db_commit(db, NULL);
		if (rr == IDISC_REASM_FATAL)
			break;
	}
	idisc_reassembler_free(r);
	isrv_core_free(core);
	isrv_db_close(db);
	return 0;
}
