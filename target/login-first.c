/* login-first.c: what the first Login Request of a connection decides
 * (RFC 7143 sec. 6.3, 6.3.1, 13.4, 13.5, 13.21): the session type, the
 * target, whether this initiator may reach it, which session the
 * connection belongs to, and the negotiation and authentication policy. */
#include "config.h"

#include "target/login-private.h"
#include "target/iscsi-engine.h"
#include "target/session-core.h"
#include "libiscsi-proto/iproto-login.h"

#include <string.h>

/* The CHAP secret lookup by CHAP_N (iproto-chap.h): the policy's
 * accounts, with the mutual credentials when configured. */
static gboolean
chap_lookup (const char *name, IProtoChapAccount *account, gpointer user_data)
{
  const TgtConfigAuth *auth = user_data;
  for (guint i = 0; i < auth->accounts->len; i++)
    {
      const TgtConfigChap *a = auth->accounts->pdata[i];
      if (strcmp (a->user, name) != 0)
        continue;
      if (!iproto_chap_account_set_secret (account, a->secret, strlen (a->secret), NULL))
        return FALSE;
      if (auth->mutual != NULL
          && !iproto_chap_account_set_mutual (account, auth->mutual->user, auth->mutual->secret,
                                              strlen (auth->mutual->secret), NULL))
        return FALSE;
      return TRUE;
    }
  return FALSE;
}

static void
neg_config (TgtLogin *l, IProtoNegConfig *nc)
{
  const TgtConfigLimits *lim = &l->cfg->limits;
  iproto_neg_config_init (nc);
  IProtoSessionParams *p = &nc->session;
  p->max_connections = lim->max_connections;
  p->initial_r2t = lim->initial_r2t;
  p->immediate_data = lim->immediate_data;
  p->max_burst_length = lim->max_burst_length;
  p->first_burst_length = lim->first_burst_length;
  p->default_time2wait = lim->default_time2wait;
  p->default_time2retain = lim->default_time2retain;
  p->max_outstanding_r2t = lim->max_outstanding_r2t;
  /* We deliver and expect data in order (sec. 13.18, 13.19). */
  p->data_pdu_in_order = TRUE;
  p->data_sequence_in_order = TRUE;
  p->error_recovery_level = lim->error_recovery_level;
  p->session_type = l->discovery ? IPROTO_SESSION_DISCOVERY : IPROTO_SESSION_NORMAL;
  /* Strings are borrowed: they live in the login. */
  p->target_name = l->target_name;
  p->target_alias = l->target_alias;
  p->initiator_name = l->initiator_name;
  p->tpgt = l->discovery ? -1 : l->tpgt_value;
  nc->max_recv_dsl = lim->max_recv_data_segment_length;
  nc->header_digest = lim->header_digest_required ? "CRC32C" : lim->header_digest_allowed ? "CRC32C,None" : "None";
  nc->data_digest = lim->data_digest_required ? "CRC32C" : lim->data_digest_allowed ? "CRC32C,None" : "None";
  nc->auth_method = l->auth_required ? "CHAP" : "None";
}

gboolean
login_first_request (TgtConn *c, const IProtoPdu *pdu, const IProtoTextList *in)
{
  TgtLogin *l = c->login;
  TgtEngine *e = c->engine;
  const char *iname = iproto_text_list_get (in, "InitiatorName");
  const char *stype = iproto_text_list_get (in, "SessionType");
  const char *tname = iproto_text_list_get (in, "TargetName");
  /* sec. 13.5: InitiatorName in the first request of every connection. */
  if (iname == NULL || iname[0] == '\0')
    {
      login_fail (c, IPROTO_LOGIN_MISSING_PARAMETER, pdu);
      return FALSE;
    }
  l->initiator_name = g_strdup (iname);
  l->discovery = stype != NULL && strcmp (stype, "Discovery") == 0;
  if (stype != NULL && !l->discovery && strcmp (stype, "Normal") != 0)
    {
      login_fail (c, IPROTO_LOGIN_SESSION_TYPE_UNSUPPORTED, pdu);
      return FALSE;
    }
  l->cfg = engine_config_snapshot (e);
  l->tpgt_value = c->tpgt;
  if (l->discovery)
    l->auth = &l->cfg->discovery_auth;
  else
    {
      /* sec. 13.4: TargetName in the first request of a normal session. */
      if (tname == NULL || tname[0] == '\0')
        {
          login_fail (c, IPROTO_LOGIN_MISSING_PARAMETER, pdu);
          return FALSE;
        }
      l->target = engine_lookup_target (e, tname, c->tpgt);
      const TgtConfigTarget *tc = l->target != NULL ? tgt_config_find_target (l->cfg, l->target->iqn) : NULL;
      if (tc == NULL)
        {
          login_fail (c, IPROTO_LOGIN_NOT_FOUND, pdu);
          return FALSE;
        }
      if (!tgt_config_target_allows (tc, iname))
        {
          login_fail (c, IPROTO_LOGIN_AUTHORIZATION_FAILURE, pdu);
          return FALSE;
        }
      l->auth = &tc->auth;
      l->target_name = g_strdup (tc->iqn);
      l->target_alias = g_strdup (tc->alias);
    }
  l->auth_required = l->auth->accounts->len > 0;

  const IProtoSessionParams *joined = NULL;
  if (l->tsih != 0)
    {
      /* sec. 6.3.1: a non-zero TSIH adds a connection to an existing
       * session, which must match ISID, initiator and target. */
      l->join = engine_session_by_tsih (e, l->tsih);
      if (l->join == NULL || memcmp (l->join->isid, l->isid, 6) != 0
          || g_ascii_strcasecmp (l->join->initiator_name, iname) != 0 || l->join->target != l->target
          || l->join->params.discovery != l->discovery)
        {
          if (l->join != NULL)
            {
              session_unref (l->join);
              l->join = NULL;
            }
          login_fail (c, IPROTO_LOGIN_SESSION_DOES_NOT_EXIST, pdu);
          return FALSE;
        }
      joined = l->join->proto_params;
    }

  IProtoNegConfig nc;
  neg_config (l, &nc);
  l->neg = iproto_neg_new (IPROTO_ROLE_TARGET, &nc, l->tsih == 0, joined);
  if (l->auth_required)
    {
      IProtoChapAlg algs[4];
      gsize n = 0;
      for (guint i = 0; i < l->auth->algorithms->len && n < G_N_ELEMENTS (algs); i++)
        algs[n++] = g_array_index (l->auth->algorithms, guint8, i);
      l->chap = iproto_chap_target_new (n > 0 ? algs : NULL, n, chap_lookup, (gpointer) l->auth);
    }
  return TRUE;
}
