/* Fuzz target: the DNS-SD TXT decoder of discovery/mdns-txt.c, for both
 * service kinds.  The input is a TXT record in wire form (RFC 6763
 * sec. 6.1), as avahi hands it to mdns-browse.c.  Invariants:
 *  - an accepted _iscsi._tcp record has a valid name and tpgt 0..65535;
 *  - what was accepted encodes, packs and decodes again to the same keys
 *    (so a browser and a publisher agree on every record either accepts).
 * Seed corpus: tests/fuzz/corpus/fuzz-mdns-txt/, one record per file. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "discovery/mdns-txt.h"
#include "libiscsi-name/iname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(IDiscMdnsKind kind, const IDiscMdnsTxt *t)
{
	GError *e = NULL;
	char **strings = idisc_mdns_txt_encode(kind, t, &e);
	if (!strings) {
		/* A lenient name (from a peer) may be one we would not publish. */
		if (kind == IDISC_MDNS_ISCSI && !iname_validate(t->iqn, INAME_STRICT, NULL)) {
			g_error_free(e);
			return;
		}
		g_error("an accepted TXT record does not encode: %s", e->message);
	}
	GBytes *packed = idisc_mdns_txt_pack((const char *const *) strings, &e);
	if (!packed)
		g_error("encoded TXT strings do not pack: %s", e->message);
	gsize n;
	const guint8 *d = g_bytes_get_data(packed, &n);
	IDiscMdnsTxt again;
	if (!idisc_mdns_txt_decode(kind, d, n, &again, &e))
		g_error("a packed TXT record does not decode: %s", e->message);
	if (g_strcmp0(again.iqn, t->iqn) != 0 || again.tpgt != t->tpgt || again.auth != t->auth)
		g_error("TXT round trip changed the keys");
	idisc_mdns_txt_clear(&again);
	g_bytes_unref(packed);
	g_strfreev(strings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int k = 0; k < 2; k++) {
		IDiscMdnsKind kind = k ? IDISC_MDNS_ISNS : IDISC_MDNS_ISCSI;
		IDiscMdnsTxt t;
		GError *e = NULL;
		if (!idisc_mdns_txt_decode(kind, data, size, &t, &e)) {
			if (!e || !e->message[0] || t.iqn)
				g_error("a refused TXT record left no reason or a name behind");
			g_error_free(e);
			continue;
		}
		if (kind == IDISC_MDNS_ISCSI &&
		    (!t.iqn || strlen(t.iqn) > INAME_MAX_LEN || t.tpgt < 0 || t.tpgt > 65535))
			g_error("an accepted _iscsi._tcp record breaks its own rules");
		round_trip(kind, &t);
		idisc_mdns_txt_clear(&t);
	}
	return 0;
}
