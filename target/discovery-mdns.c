/* discovery-mdns.c: the target's DNS-SD announcement (discovery-mdns.h). */
#include "config.h"

#include "target/discovery-mdns.h"
#include "discovery/mdns-publish.h"

#include <gio/gio.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

struct TgtMdns {
  IDiscMdnsPublisher *publisher;
  guint16 bound_port;
};

static void
on_event (IDiscMdnsPublishEvent event, const char *message, gpointer data)
{
  if (event == IDISC_MDNS_PUBLISH_ESTABLISHED)
    g_info ("mDNS: announced %s", message);
  else
    g_warning ("mDNS: %s", message);
}

/* Where a portal can be announced: -1 nowhere (loopback: mDNS is for the
 * link, RFC 6762 sec. 1), 0 on every interface (a wildcard address, or a
 * name we do not resolve here), else the index of the one interface that
 * holds the portal's address, so that peers on other links are not sent
 * to an address they cannot reach. */
static int
portal_scope (const char *host)
{
  g_autoptr (GInetAddress) want = g_inet_address_new_from_string (host);
  if (want == NULL || g_inet_address_get_is_any (want))
    return 0;
  if (g_inet_address_get_is_loopback (want))
    return -1;
  struct ifaddrs *list = NULL;
  if (getifaddrs (&list) != 0)
    return 0;
  int index = 0;
  for (struct ifaddrs *i = list; i != NULL && index == 0; i = i->ifa_next)
    {
      if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
        continue;
      gsize len = i->ifa_addr->sa_family == AF_INET ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6);
      g_autoptr (GSocketAddress) sa = g_socket_address_new_from_native (i->ifa_addr, len);
      if (sa != NULL && g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa)), want))
        index = (int) if_nametoindex (i->ifa_name);
    }
  freeifaddrs (list);
  return index;
}

/* One service per target, portal group and distinct port: DNS-SD gives a
 * service one port (RFC 6763 sec. 5, SRV), and a group whose portals share
 * a port is one service (the addresses come from the host's A records),
 * limited to the portal's interface when it is bound to one address.
 * The instance name is the target name; the tag and port are added when a
 * target has more than one service, so that the names stay distinct. */
static void
describe (TgtMdns *m, const TgtConfig *cfg)
{
  GArray *services = g_array_new (FALSE, TRUE, sizeof (IDiscMdnsService));
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      const TgtConfigTarget *t = cfg->targets->pdata[i];
      guint first = services->len;
      for (guint k = 0; k < cfg->portal_groups->len; k++)
        {
          const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[k];
          if (!tgt_config_target_in_group (t, pg->tpgt))
            continue;
          for (guint j = 0; j < pg->portals->len; j++)
            {
              const TgtConfigPortal *p = pg->portals->pdata[j];
              guint16 port = p->port != 0 ? p->port : m->bound_port;
              int scope = portal_scope (p->host);
              if (scope < 0)
                {
                  g_info ("mDNS: %s on loopback portal %s is not announced", t->iqn, p->host);
                  continue;
                }
              gboolean dup = FALSE;
              for (guint s = first; s < services->len && !dup; s++)
                {
                  const IDiscMdnsService *o = &g_array_index (services, IDiscMdnsService, s);
                  dup = o->port == port && o->txt.tpgt == pg->tpgt && (o->ifindex == 0 || o->ifindex == scope);
                }
              if (dup)
                continue;
              IDiscMdnsService s = { IDISC_MDNS_ISCSI, t->iqn, port,
                                     { t->iqn, pg->tpgt,
                                       t->auth.accounts->len > 0 ? IDISC_MDNS_AUTH_CHAP : IDISC_MDNS_AUTH_NONE },
                                     scope };
              g_array_append_val (services, s);
            }
        }
      /* The distinguishing part goes first so that the 63-byte cut of a
       * long name keeps it. */
      for (guint s = first; services->len - first > 1 && s < services->len; s++)
        {
          IDiscMdnsService *o = &g_array_index (services, IDiscMdnsService, s);
          char *name = g_strdup_printf ("tpgt %d port %u %s", o->txt.tpgt, o->port, t->iqn);
          g_ptr_array_add (names, name);
          o->name = name;
        }
    }
  g_autoptr (GError) error = NULL;
  if (!idisc_mdns_publisher_set (m->publisher, (IDiscMdnsService *) services->data, services->len, &error))
    g_warning ("mDNS: not announced: %s", error->message);
  g_array_unref (services);
  g_ptr_array_unref (names);
}

TgtMdns *
tgt_mdns_new (const TgtConfig *cfg, guint16 bound_port)
{
  TgtMdns *m = g_new0 (TgtMdns, 1);
  m->bound_port = bound_port;
  m->publisher = idisc_mdns_publisher_new (NULL, on_event, NULL);
  describe (m, cfg);
  return m;
}

void
tgt_mdns_update (TgtMdns *m, const TgtConfig *cfg)
{
  if (m != NULL)
    describe (m, cfg);
}

void
tgt_mdns_free (TgtMdns *m)
{
  if (m == NULL)
    return;
  idisc_mdns_publisher_free (m->publisher);
  g_free (m);
}
