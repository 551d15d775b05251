/* login-private.h: state of one connection's login, shared by
 * login-core.c (PDU checks, text, failures), login-first.c (session type,
 * target, session lookup, policy) and login-negotiate.c (stages, CHAP,
 * negotiation, the step into full feature phase). */
#pragma once
#include "target/conn-core.h"
#include "target/tgt-config.h"
#include "libiscsi-proto/iproto-chap.h"
#include "libiscsi-proto/iproto-negotiate.h"
#include "libiscsi-proto/iproto-text.h"

G_BEGIN_DECLS

struct TgtLogin {
  IProtoTextAccum *accum;
  IProtoNeg *neg;
  IProtoChapTarget *chap;
  gboolean started;             /* first request seen */
  guint8 isid[6];
  guint16 tsih;
  guint16 cid;
  guint32 itt;
  guint32 cmdsn;
  guint stage;                  /* CSG the next request must carry */
  gint32 tpgt_value;            /* TargetPortalGroupTag we declare */
  gboolean discovery;
  TgtTarget *target;            /* normal sessions */
  TgtSession *join;             /* TSIH != 0: the session joined */
  TgtConfig *cfg;               /* config snapshot for this login */
  const TgtConfigAuth *auth;    /* policy inside cfg */
  gboolean auth_required;
  gboolean authenticated;
  gboolean mrdsl_declared;      /* our MaxRecvDataSegmentLength was sent */
  char *initiator_name;
  char *target_name;
  char *target_alias;
  GByteArray *out;              /* response text not yet sent (C=1) */
  gsize out_off;
  gboolean out_transit;
  guint8 out_nsg;
  IProtoPdu fail_pdu;           /* delayed failure (throttle) */
  gint64 fail_at;
};

void login_fill_response (TgtConn *c, IProtoPdu *r, const IProtoPdu *req);
/* Answers with a failure status and closes (maybe delayed). */
void login_fail (TgtConn *c, guint16 status, const IProtoPdu *req);
gboolean login_delayed (const TgtConn *c);
void login_send_text (TgtConn *c, IProtoPdu *r, const GByteArray *text);
void login_send_more (TgtConn *c, IProtoPdu *r);

/* login-first.c: FALSE when the login failed (answered). */
gboolean login_first_request (TgtConn *c, const IProtoPdu *pdu, const IProtoTextList *in);
/* login-negotiate.c */
void login_negotiate (TgtConn *c, const IProtoPdu *pdu, const IProtoTextList *in);

G_END_DECLS
