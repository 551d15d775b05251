/* iSNS address conversions (RFC 4171 sec. 6.3.1). */
#include "config.h"
#include <string.h>
#include "discovery/isns-addr.h"

static const guint8 v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void idisc_addr_from_inet(GInetAddress *inet, guint8 out[IDISC_ADDR_LEN])
{
	const guint8 *bytes = g_inet_address_to_bytes(inet);
	if (g_inet_address_get_family(inet) == G_SOCKET_FAMILY_IPV4) {
		memcpy(out, v4_mapped_prefix, sizeof v4_mapped_prefix);
		memcpy(out + 12, bytes, 4);
	} else {
		memcpy(out, bytes, IDISC_ADDR_LEN);
	}
}

gboolean idisc_addr_parse(const char *text, guint8 out[IDISC_ADDR_LEN])
{
	g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(text);
	if (!inet)
		return FALSE;
	idisc_addr_from_inet(inet, out);
	return TRUE;
}

GInetAddress *idisc_addr_to_inet(const guint8 addr[IDISC_ADDR_LEN])
{
	if (memcmp(addr, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0)
		return g_inet_address_new_from_bytes(addr + 12, G_SOCKET_FAMILY_IPV4);
	return g_inet_address_new_from_bytes(addr, G_SOCKET_FAMILY_IPV6);
}

char *idisc_addr_format(const guint8 addr[IDISC_ADDR_LEN])
{
	g_autoptr(GInetAddress) inet = idisc_addr_to_inet(addr);
	return g_inet_address_to_string(inet);
}
