/* iSNS addresses: always 16 bytes on the wire, IPv4 as the IPv4-mapped IPv6
 * address ::ffff:a.b.c.d (RFC 4171 sec. 6.3.1). */
#pragma once
#include <glib.h>
#include <gio/gio.h>

#define IDISC_ADDR_LEN 16

/* Text (IPv4 or IPv6 literal) to the wire form. */
gboolean idisc_addr_parse(const char *text, guint8 out[IDISC_ADDR_LEN]);
/* Wire form to text; IPv4-mapped addresses print as IPv4. */
char *idisc_addr_format(const guint8 addr[IDISC_ADDR_LEN]);
/* From / to GInetAddress (IPv4 ones mapped / unmapped). */
void idisc_addr_from_inet(GInetAddress *inet, guint8 out[IDISC_ADDR_LEN]);
GInetAddress *idisc_addr_to_inet(const guint8 addr[IDISC_ADDR_LEN]);
