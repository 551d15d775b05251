/* TargetAddress values (RFC 7143 sec. 13.8): host[:port][,portal-group-tag],
 * as SendTargets answers and login redirections carry them. */
#include "config.h"
#include "libiscsi-name/iname-address.h"
#include "libiscsi-name/iname-hostport.h"

#include <string.h>

/* A text value is at most 255 bytes (RFC 7143 sec. 6.1); leave room for
 * peers that stretch it, refuse anything longer. */
#define ADDRESS_MAX 512

gboolean iname_target_address_parse(const char *s, guint16 default_port,
				    INameTargetAddress *out, GError **error)
{
	memset(out, 0, sizeof *out);
	out->tpgt = -1;
	if (!s || !*s) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_ADDRESS, "empty TargetAddress");
		return FALSE;
	}
	gsize len = strnlen(s, ADDRESS_MAX + 1);
	if (len > ADDRESS_MAX) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_ADDRESS,
			    "TargetAddress longer than %d bytes", ADDRESS_MAX);
		return FALSE;
	}
	/* The tag follows the first ',' after the host (an IPv6 literal has
	 * no ',' but may not be searched before its ']'). */
	const char *from = s;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close)
			from = close;
	}
	const char *comma = strchr(from, ',');
	gsize hplen = comma ? (gsize) (comma - s) : len;
	gint32 tpgt = -1;
	if (comma) {
		guint32 v;
		if (!iname_parse_uint(comma + 1, len - hplen - 1, 5, 65535, &v)) {
			g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_ADDRESS,
				    "portal group tag must be a number from 0 to 65535 (RFC 7143 sec. 13.9)");
			return FALSE;
		}
		tpgt = (gint32) v;
	}
	gboolean bracketed;
	if (!iname_hostport_parse(s, hplen, default_port, INAME_ERROR_BAD_ADDRESS,
				  &out->host, &out->port, &bracketed, error))
		return FALSE;
	out->tpgt = tpgt;
	return TRUE;
}

void iname_target_address_clear(INameTargetAddress *a)
{
	if (!a)
		return;
	g_clear_pointer(&a->host, g_free);
	a->port = 0;
	a->tpgt = -1;
}

char *iname_target_address_format(const INameTargetAddress *a)
{
	GString *out = g_string_new(NULL);
	iname_hostport_append(out, a->host ? a->host : "", a->port, TRUE);
	if (a->tpgt >= 0)
		g_string_append_printf(out, ",%d", (int) a->tpgt);
	return g_string_free(out, FALSE);
}
