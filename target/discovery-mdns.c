/* discovery-mdns.c: the target's DNS-SD announcement (discovery-mdns.h). */
#include "config.h"

#include "target/discovery-mdns.h"
#include "discovery/mdns-publish.h"

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

/* One service per target, portal group and distinct port: DNS-SD gives a
 * service one port (RFC 6763 sec. 5, SRV), and a group whose portals share
 * a port is one service (the addresses come from the host's A records).
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
              gboolean dup = FALSE;
              for (guint s = first; s < services->len && !dup; s++)
                {
                  const IDiscMdnsService *o = &g_array_index (services, IDiscMdnsService, s);
                  dup = o->port == port && o->txt.tpgt == pg->tpgt;
                }
              if (dup)
                continue;
              IDiscMdnsService s = { IDISC_MDNS_ISCSI, t->iqn, port,
                                     { t->iqn, pg->tpgt,
                                       t->auth.accounts->len > 0 ? IDISC_MDNS_AUTH_CHAP : IDISC_MDNS_AUTH_NONE } };
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
