/* discovery-isns.c: the target's iSNS registration (discovery-isns.h). */
#include "config.h"

#include "target/discovery-isns.h"
#include "discovery/isns-client.h"

#include <string.h>

struct TgtIsns {
  IDiscIsnsClient *client;
};

static gboolean
is_wildcard (const char *host)
{
  return strcmp (host, "0.0.0.0") == 0 || strcmp (host, "::") == 0;
}

/* A portal bound to a wildcard address is registered with the loopback
 * address of its family: iSNS needs a concrete address (RFC 4171
 * sec. 6.5.1), and the host's addresses are not known here. */
static const char *
portal_address (const TgtConfigPortal *p)
{
  if (!is_wildcard (p->host))
    return p->host;
  return strchr (p->host, ':') != NULL ? "::1" : "127.0.0.1";
}

static void
on_registered (IDiscIsnsClient *c, gpointer data)
{
  g_info ("iSNS: registered (entity %s)", idisc_isns_client_get_entity_id (c));
}

static void
on_failed (IDiscIsnsClient *c, const char *reason, gpointer data)
{
  g_warning ("iSNS: registration failed: %s (retrying)", reason);
}

static void
describe (TgtIsns *isns, const TgtConfig *cfg)
{
  GArray *portals = g_array_new (FALSE, TRUE, sizeof (IDiscIsnsPortal));
  GArray *nodes = g_array_new (FALSE, TRUE, sizeof (IDiscIsnsNode));
  GArray *pgs = g_array_new (FALSE, TRUE, sizeof (IDiscIsnsPortalGroup));
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[i];
      for (guint j = 0; j < pg->portals->len; j++)
        {
          const TgtConfigPortal *p = pg->portals->pdata[j];
          IDiscIsnsPortal ip = { portal_address (p), p->port };
          g_array_append_val (portals, ip);
        }
    }
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      const TgtConfigTarget *t = cfg->targets->pdata[i];
      IDiscIsnsNode n = { t->iqn, t->alias, IDISC_NODE_TARGET };
      g_array_append_val (nodes, n);
      for (guint k = 0; k < cfg->portal_groups->len; k++)
        {
          const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[k];
          if (!tgt_config_target_in_group (t, pg->tpgt))
            continue;
          for (guint j = 0; j < pg->portals->len; j++)
            {
              const TgtConfigPortal *p = pg->portals->pdata[j];
              IDiscIsnsPortalGroup g = { t->iqn, portal_address (p), p->port, pg->tpgt };
              g_array_append_val (pgs, g);
            }
        }
    }
  idisc_isns_client_set_portals (isns->client, (IDiscIsnsPortal *) portals->data, portals->len);
  idisc_isns_client_set_nodes (isns->client, (IDiscIsnsNode *) nodes->data, nodes->len);
  idisc_isns_client_set_portal_groups (isns->client, (IDiscIsnsPortalGroup *) pgs->data, pgs->len);
  g_array_unref (portals);
  g_array_unref (nodes);
  g_array_unref (pgs);
}

TgtIsns *
tgt_isns_new (const char *server, const TgtConfig *cfg, GError **error)
{
  TgtIsns *isns = g_new0 (TgtIsns, 1);
  isns->client = idisc_isns_client_new (server, NULL, 0);
  /* ESI (RFC 4171 sec. 6.3.4): the server polls the portal at this
   * interval and drops the entity after missed answers. */
  if (cfg->isns_esi_interval != 0)
    idisc_isns_client_set_esi (isns->client, NULL, 0, cfg->isns_esi_interval);
  g_signal_connect (isns->client, "registered", G_CALLBACK (on_registered), NULL);
  g_signal_connect (isns->client, "failed", G_CALLBACK (on_failed), NULL);
  describe (isns, cfg);
  if (!idisc_isns_client_start (isns->client, error))
    {
      g_object_unref (isns->client);
      g_free (isns);
      return NULL;
    }
  return isns;
}

void
tgt_isns_update (TgtIsns *isns, const TgtConfig *cfg)
{
  if (isns != NULL)
    describe (isns, cfg);
}

void
tgt_isns_free (TgtIsns *isns)
{
  if (isns == NULL)
    return;
  idisc_isns_client_stop (isns->client, TRUE);
  g_object_unref (isns->client);
  g_free (isns);
}
