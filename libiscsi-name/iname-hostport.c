/* host[:port], shared by iSCSI URLs and TargetAddress values (RFC 7143
 * sec. 13.8: a DNS name, a dotted-decimal IPv4 address, or an IPv6 address
 * in brackets as RFC 3986 writes IP literals). */
#include "config.h"
#include "libiscsi-name/iname-hostport.h"
#include "libiscsi-name/iname-error.h"

#include <arpa/inet.h>
#include <string.h>

#define ZONE_MAX 64

gboolean iname_parse_uint(const char *s, gsize len, guint max_digits, guint32 max, guint32 *out)
{
	if (len == 0 || len > max_digits)
		return FALSE;
	guint64 v = 0;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit(s[i]))
			return FALSE;
		v = v * 10 + (guint64) (s[i] - '0');
	}
	if (v > max)
		return FALSE;
	*out = (guint32) v;
	return TRUE;
}

/* DNS names and IPv4 addresses: letters, digits, '-', '.', and '_' (found
 * in service and lab host names).  Validity of the name itself is the
 * resolver's business. */
static gboolean dns_host_ok(const char *h, gsize len)
{
	if (len == 0 || len > INAME_HOST_MAX)
		return FALSE;
	for (gsize i = 0; i < len; i++)
		if (!g_ascii_isalnum(h[i]) && h[i] != '-' && h[i] != '.' && h[i] != '_')
			return FALSE;
	return TRUE;
}

/* An IPv6 address, optionally with "%zone" (an interface name), as libiscsi
 * takes it inside the brackets. */
static gboolean ipv6_host_ok(const char *h, gsize len)
{
	if (len == 0 || len > INAME_HOST_MAX)
		return FALSE;
	const char *pct = memchr(h, '%', len);
	gsize alen = pct ? (gsize) (pct - h) : len;
	if (pct) {
		gsize zlen = len - alen - 1;
		if (zlen == 0 || zlen > ZONE_MAX)
			return FALSE;
		for (gsize i = 0; i < zlen; i++)
			if (!g_ascii_isalnum(pct[1 + i]) && !strchr("-._", pct[1 + i]))
				return FALSE;
	}
	char addr[INET6_ADDRSTRLEN + 1];
	if (alen >= sizeof addr)
		return FALSE;
	memcpy(addr, h, alen);
	addr[alen] = '\0';
	struct in6_addr a6;
	return inet_pton(AF_INET6, addr, &a6) == 1;
}

gboolean iname_host_is_valid(const char *host)
{
	if (!host)
		return FALSE;
	gsize len = strlen(host);
	return memchr(host, ':', len) ? ipv6_host_ok(host, len) : dns_host_ok(host, len);
}

gboolean iname_hostport_parse(const char *s, gsize len, guint16 default_port, int code,
			      char **host, guint16 *port, gboolean *bracketed, GError **error)
{
	const char *h;
	gsize hlen;
	const char *after;
	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close) {
			g_set_error(error, INAME_ERROR, code, "IPv6 address without a closing ']'");
			return FALSE;
		}
		h = s + 1;
		hlen = (gsize) (close - h);
		if (!ipv6_host_ok(h, hlen)) {
			g_set_error(error, INAME_ERROR, code, "malformed IPv6 address in brackets");
			return FALSE;
		}
		after = close + 1;
		*bracketed = TRUE;
	} else {
		const char *colon = memchr(s, ':', len);
		h = s;
		hlen = colon ? (gsize) (colon - s) : len;
		if (colon && memchr(colon + 1, ':', len - hlen - 1)) {
			g_set_error(error, INAME_ERROR, code,
				    "an IPv6 address must be written in brackets, e.g. [::1]:3260");
			return FALSE;
		}
		if (hlen == 0) {
			g_set_error(error, INAME_ERROR, code, "no host name or address");
			return FALSE;
		}
		if (!dns_host_ok(h, hlen)) {
			g_set_error(error, INAME_ERROR, code,
				    "malformed host: use a DNS name, an IPv4 address or a bracketed IPv6 address");
			return FALSE;
		}
		after = s + hlen;
		*bracketed = FALSE;
	}

	gsize rest = len - (gsize) (after - s);
	guint16 p = default_port;
	if (rest > 0) {
		guint32 v;
		if (after[0] != ':') {
			g_set_error(error, INAME_ERROR, code, "unexpected text after the IPv6 address");
			return FALSE;
		}
		if (!iname_parse_uint(after + 1, rest - 1, 5, 65535, &v) || v == 0) {
			g_set_error(error, INAME_ERROR, code, "port must be a number from 1 to 65535");
			return FALSE;
		}
		p = (guint16) v;
	}
	*host = g_strndup(h, hlen);
	*port = p;
	return TRUE;
}

void iname_hostport_append(GString *out, const char *host, guint16 port, gboolean with_port)
{
	if (strchr(host, ':'))
		g_string_append_printf(out, "[%s]", host);
	else
		g_string_append(out, host);
	if (with_port)
		g_string_append_printf(out, ":%u", (unsigned) port);
}
