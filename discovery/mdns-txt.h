/* The DNS-SD TXT record of itnexus services (design.md "Discovery").
 *
 * Targets publish _iscsi._tcp, one service per target and portal group,
 * with the keys txtvers=1, iqn=<target name>, tpgt=<tag>, auth=none|chap;
 * the iSNS server publishes _isns._tcp with txtvers=1 only.  Service names
 * follow RFC 6763 sec. 7 (the RFC 6335 service name with '_' and _tcp).
 *
 * A TXT record is handled in its wire form (RFC 6763 sec. 6.1: a sequence
 * of strings, each a length byte and that many bytes), because that is
 * what arrives from the network and what a fuzz target can feed. */
#pragma once
#include <glib.h>
#include "discovery/isns-error.h"

G_BEGIN_DECLS

#define IDISC_MDNS_TYPE_ISCSI "_iscsi._tcp"
#define IDISC_MDNS_TYPE_ISNS "_isns._tcp"
/* The version of our key set (RFC 6763 sec. 6.7). */
#define IDISC_MDNS_TXTVERS 1
/* RFC 6763 sec. 6.2: a TXT record up to 8900 bytes still fits a single
 * Ethernet jumbo frame; anything larger is refused unread. */
#define IDISC_MDNS_TXT_MAX 8900

typedef enum {
	IDISC_MDNS_ISCSI, /* _iscsi._tcp: an iSCSI target portal group */
	IDISC_MDNS_ISNS,  /* _isns._tcp: an iSNS server */
} IDiscMdnsKind;

typedef enum {
	IDISC_MDNS_AUTH_NONE,
	IDISC_MDNS_AUTH_CHAP,
} IDiscMdnsAuth;

/* What our keys say.  For IDISC_MDNS_ISNS only txtvers is used (iqn NULL,
 * tpgt -1). */
typedef struct {
	char *iqn;          /* normalized (RFC 3722) */
	gint32 tpgt;        /* 0..65535 */
	IDiscMdnsAuth auth;
} IDiscMdnsTxt;

/* "_iscsi._tcp" or "_isns._tcp". */
const char *idisc_mdns_kind_type(IDiscMdnsKind kind);
/* "iscsi" or "isns", for tables and JSON. */
const char *idisc_mdns_kind_name(IDiscMdnsKind kind);
/* "none" or "chap". */
const char *idisc_mdns_auth_name(IDiscMdnsAuth auth);

/* The key=value strings to publish, txtvers first (sec. 6.5), as a
 * NULL-terminated g_strfreev() array; NULL with IDISC_ERROR_INVALID when
 * the iqn is not a valid iSCSI name or tpgt is out of range. */
char **idisc_mdns_txt_encode(IDiscMdnsKind kind, const IDiscMdnsTxt *txt, GError **error);

/* Those strings in the wire form (sec. 6.1: none gives one empty string);
 * NULL with IDISC_ERROR_TOO_LARGE when a string exceeds 255 bytes or the
 * whole exceeds IDISC_MDNS_TXT_MAX. */
GBytes *idisc_mdns_txt_pack(const char *const *strings, GError **error);

/* Reads a TXT record in wire form.  Keys are case-insensitive, the first
 * occurrence of a key counts and unknown keys are ignored (sec. 6.4).
 * txtvers must be 1 where present; for IDISC_MDNS_ISCSI it, iqn, tpgt and
 * auth must be present and valid (an iSNS server with no TXT is usable).  Fills *out (free with idisc_mdns_txt_clear()) or
 * returns FALSE with IDISC_ERROR_MALFORMED / IDISC_ERROR_TOO_LARGE and a
 * message naming the key and the rule. */
gboolean idisc_mdns_txt_decode(IDiscMdnsKind kind, const guint8 *rdata, gsize len, IDiscMdnsTxt *out,
			       GError **error);

void idisc_mdns_txt_clear(IDiscMdnsTxt *txt);

G_END_DECLS
