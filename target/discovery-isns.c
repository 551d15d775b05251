/* discovery-isns.c: the target's iSNS registration (discovery-isns.h). */
#include "config.h"

#include "target/discovery-isns.h"
#include "target/portal-addresses.h"
#include "discovery/isns-client.h"

#include <string.h>

struct TgtIsns {
  IDiscIsnsClient *client;
  char *server;
};

/* The addresses to register for portal p: its own, or for a wildcard
 * portal the host's real addresses (portal-addresses.h), the one toward
 * the iSNS server first.  Strings are kept in keep until the client has
 * copied them. */
static GPtrArray *
portal_addresses (TgtIsns *isns, const TgtConfigPortal *p, GPtrArray *keep)
{
  GPtrArray *list;
  if (tgt_portal_is_wildcard (p->host))
    list = tgt_portal_addresses (p->host, isns->server);
  else
    {
      list = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (list, g_strdup (p->host));
    }
  g_ptr_array_add (keep, list);
  return list;
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
  GPtrArray *keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  /* Addresses per portal group, in portal order (one array per portal). */
  GPtrArray *addrs = g_ptr_array_new ();
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[i];
      for (guint j = 0; j < pg->portals->len; j++)
        {
          const TgtConfigPortal *p = pg->portals->pdata[j];
          GPtrArray *list = portal_addresses (isns, p, keep);
          g_ptr_array_add (addrs, list);
          for (guint a = 0; a < list->len; a++)
            {
              IDiscIsnsPortal ip = { list->pdata[a], p->port };
              g_array_append_val (portals, ip);
            }
        }
    }
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      const TgtConfigTarget *t = cfg->targets->pdata[i];
      IDiscIsnsNode n = { t->iqn, t->alias, IDISC_NODE_TARGET };
      g_array_append_val (nodes, n);
      guint portal_no = 0;
      for (guint k = 0; k < cfg->portal_groups->len; k++)
        {
          const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[k];
          for (guint j = 0; j < pg->portals->len; j++, portal_no++)
            {
              if (!tgt_config_target_in_group (t, pg->tpgt))
                continue;
              const TgtConfigPortal *p = pg->portals->pdata[j];
              GPtrArray *list = addrs->pdata[portal_no];
              for (guint a = 0; a < list->len; a++)
                {
                  IDiscIsnsPortalGroup g = { t->iqn, list->pdata[a], p->port, pg->tpgt };
                  g_array_append_val (pgs, g);
                }
            }
        }
    }
  idisc_isns_client_set_portals (isns->client, (IDiscIsnsPortal *) portals->data, portals->len);
  idisc_isns_client_set_nodes (isns->client, (IDiscIsnsNode *) nodes->data, nodes->len);
  idisc_isns_client_set_portal_groups (isns->client, (IDiscIsnsPortalGroup *) pgs->data, pgs->len);
  g_array_unref (portals);
  g_array_unref (nodes);
  g_array_unref (pgs);
  g_ptr_array_unref (addrs);
  g_ptr_array_unref (keep);
}

TgtIsns *
tgt_isns_new (const char *server, const TgtConfig *cfg, GError **error)
{
  TgtIsns *isns = g_new0 (TgtIsns, 1);
  isns->server = g_strdup (server);
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
      g_free (isns->server);
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
  g_free (isns->server);
  g_free (isns);
}
