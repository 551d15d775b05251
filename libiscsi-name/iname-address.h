/* TargetAddress values, RFC 7143 sec. 13.8:
 *   domainname[:port][,portal-group-tag]
 * where domainname is a DNS name, an IPv4 address or a bracketed IPv6
 * address. */
#pragma once
#include <glib.h>
#include "libiscsi-name/iname-error.h"

G_BEGIN_DECLS

typedef struct {
	char *host;   /* without brackets */
	guint16 port;
	gint32 tpgt;  /* 0..65535, or -1 when absent */
} INameTargetAddress;

gboolean iname_target_address_parse(const char *s, guint16 default_port,
				    INameTargetAddress *out, GError **error);
void iname_target_address_clear(INameTargetAddress *a);
/* Always writes the port; the tag only when present. */
char *iname_target_address_format(const INameTargetAddress *a);

G_END_DECLS
