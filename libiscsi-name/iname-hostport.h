/* Internal: host[:port] as URLs and TargetAddress values both write it.
 * One parser and one formatter serve both. */
#pragma once
#include <glib.h>

/* Longest host accepted: a DNS name (RFC 1035: 253 characters) or an IPv6
 * literal with a zone. */
#define INAME_HOST_MAX 253

/* Parses s[0..len): "name", "1.2.3.4", "[v6]" or "[v6%zone]", each with an
 * optional ":port" (1..65535).  Errors use the code given and never echo
 * the input (in a URL it may hold a mistyped secret). */
gboolean iname_hostport_parse(const char *s, gsize len, guint16 default_port, int code,
			      char **host, guint16 *port, gboolean *bracketed, GError **error);

/* TRUE when host can be written back (a DNS name, IPv4, or IPv6 with an
 * optional zone). */
gboolean iname_host_is_valid(const char *host);

/* Appends host (bracketed when it holds ':') and, if with_port, ":port". */
void iname_hostport_append(GString *out, const char *host, guint16 port, gboolean with_port);

/* Parses a decimal number of 1..max_digits digits, s[0..len), into
 * 0..max.  No signs, no spaces. */
gboolean iname_parse_uint(const char *s, gsize len, guint max_digits, guint32 max, guint32 *out);
