/* discovery-sendtargets.c: the SendTargets answer (discovery-sendtargets.h). */
#include "config.h"

#include "target/discovery-sendtargets.h"
#include "target/portal-addresses.h"

#include <string.h>

static void
add_target (const TgtConfig *cfg, const TgtConfigTarget *t, const char *local_host, guint16 local_port,
            IProtoTextList *out)
{
  iproto_text_list_add (out, "TargetName", t->iqn);
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[i];
      if (!tgt_config_target_in_group (t, pg->tpgt))
        continue;
      for (guint j = 0; j < pg->portals->len; j++)
        {
          const TgtConfigPortal *p = pg->portals->pdata[j];
          const char *host = tgt_portal_is_wildcard (p->host) && local_host != NULL ? local_host : p->host;
          guint port = p->port != 0 ? p->port : local_port;
          /* sec. 13.8: domainname[:port][,portal-group-tag]; an IPv6
           * literal goes in brackets. */
          g_autofree char *addr = strchr (host, ':') != NULL && host[0] != '['
                                      ? g_strdup_printf ("[%s]:%u,%u", host, port, pg->tpgt)
                                      : g_strdup_printf ("%s:%u,%u", host, port, pg->tpgt);
          iproto_text_list_add (out, "TargetAddress", addr);
        }
    }
}

void
discovery_send_targets (const TgtConfig *cfg, const char *initiator, const char *value, const char *current,
                        const char *local_host, guint16 local_port, IProtoTextList *out)
{
  for (guint i = 0; i < cfg->targets->len; i++)
    {
      const TgtConfigTarget *t = cfg->targets->pdata[i];
      gboolean wanted;
      if (current != NULL)
        /* In a normal session only the session's target is reported
         * (sec. 13.3: All is for discovery sessions). */
        wanted = g_ascii_strcasecmp (t->iqn, current) == 0
                 && (value[0] == '\0' || strcmp (value, "All") == 0 || g_ascii_strcasecmp (value, t->iqn) == 0);
      else
        wanted = strcmp (value, "All") == 0 || g_ascii_strcasecmp (value, t->iqn) == 0;
      /* Only targets this initiator may log in to (RFC 3721 sec. 3.2). */
      if (wanted && tgt_config_target_allows (t, initiator))
        add_target (cfg, t, local_host, local_port, out);
    }
}
