/* portal-addresses.c: the real addresses behind a wildcard portal
 * (portal-addresses.h). */
#include "config.h"

#include "target/portal-addresses.h"

#include <gio/gio.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The default iSNS port (RFC 4171 sec. 6.1), for a server named without one. */
#define ISNS_PORT 3205

gboolean
tgt_portal_is_wildcard (const char *host)
{
  return strcmp (host, "0.0.0.0") == 0 || strcmp (host, "::") == 0 || host[0] == '\0';
}

/* Numeric form of an IPv4 or IPv6 socket address; FALSE for anything
 * else, loopback and IPv6 link-local. */
static gboolean
usable_address (const struct sockaddr *sa, int family, char *out, gsize len)
{
  if (sa == NULL || sa->sa_family != family)
    return FALSE;
  if (family == AF_INET)
    {
      const struct in_addr *a = &((const struct sockaddr_in *) sa)->sin_addr;
      if ((ntohl (a->s_addr) >> 24) == 127)
        return FALSE;
      return inet_ntop (AF_INET, a, out, len) != NULL;
    }
  const struct in6_addr *a6 = &((const struct sockaddr_in6 *) sa)->sin6_addr;
  if (IN6_IS_ADDR_LOOPBACK (a6) || IN6_IS_ADDR_LINKLOCAL (a6) || IN6_IS_ADDR_V4MAPPED (a6))
    return FALSE;
  return inet_ntop (AF_INET6, a6, out, len) != NULL;
}

/* The source address the kernel picks toward server, which is the one
 * the iSNS client's TCP connection to it has (its getsockname()): a
 * connected UDP socket asks the routing table without sending anything,
 * and works before and whether or not that connection is up.  A server
 * given by name is resolved here (startup and reload, main thread). */
static gboolean
address_toward (const char *server, int family, char *out, gsize len)
{
  if (server == NULL)
    return FALSE;
  g_autoptr (GSocketConnectable) na = g_network_address_parse (server, ISNS_PORT, NULL);
  if (na == NULL)
    return FALSE;
  g_autoptr (GSocketAddressEnumerator) en = g_socket_connectable_enumerate (na);
  for (;;)
    {
      g_autoptr (GSocketAddress) ga = g_socket_address_enumerator_next (en, NULL, NULL);
      if (ga == NULL)
        return FALSE;
      if (g_socket_address_get_family (ga) != (GSocketFamily) family)
        continue;
      struct sockaddr_storage ss;
      if (!g_socket_address_to_native (ga, &ss, sizeof ss, NULL))
        continue;
      int fd = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return FALSE;
      struct sockaddr_storage local;
      socklen_t sl = sizeof local;
      gboolean ok = connect (fd, (struct sockaddr *) &ss, (socklen_t) g_socket_address_get_native_size (ga)) == 0
                    && getsockname (fd, (struct sockaddr *) &local, &sl) == 0
                    && usable_address ((struct sockaddr *) &local, family, out, len);
      close (fd);
      if (ok)
        return TRUE;
    }
}

static void
add_unique (GPtrArray *list, const char *addr)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (list->pdata[i], addr) == 0)
      return;
  g_ptr_array_add (list, g_strdup (addr));
}

GPtrArray *
tgt_portal_addresses (const char *wildcard, const char *server)
{
  int family = strchr (wildcard, ':') != NULL ? AF_INET6 : AF_INET;
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  char buf[INET6_ADDRSTRLEN];
  if (address_toward (server, family, buf, sizeof buf))
    add_unique (list, buf);
  struct ifaddrs *ifs = NULL;
  if (getifaddrs (&ifs) == 0)
    {
      for (struct ifaddrs *i = ifs; i != NULL; i = i->ifa_next)
        if ((i->ifa_flags & IFF_UP) != 0 && (i->ifa_flags & IFF_LOOPBACK) == 0
            && usable_address (i->ifa_addr, family, buf, sizeof buf))
          add_unique (list, buf);
      freeifaddrs (ifs);
    }
  if (list->len == 0)
    g_ptr_array_add (list, g_strdup (family == AF_INET6 ? "::1" : "127.0.0.1"));
  return list;
}
