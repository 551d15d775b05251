/* login-core.h: the login phase of a connection (RFC 7143 sec. 6.3, 11.12,
 * 11.13): stage transitions, target and session lookup, authentication
 * (CHAP through libiscsi-proto's state machine), operational negotiation
 * (libiscsi-proto's engine, acceptor role), and the step into full feature
 * phase with a new or existing session. */
#pragma once
#include "target/conn-core.h"

G_BEGIN_DECLS

/* One Login Request PDU (worker thread). */
void login_receive (TgtConn *c, const IProtoPdu *pdu, const guint8 *hdr, gsize hdr_len, const guint8 *data,
                    gsize data_len);
void login_free (TgtLogin *l);
/* Tick: a delayed failure response is due (login-throttle.c). */
void login_tick (TgtConn *c, gint64 now);

/* Failed logins per source address (login-throttle.c).  After a few
 * failures in a row the failure answer is delayed, doubling up to a cap,
 * which slows down guessing of names and secrets. */
gint64 login_throttle_delay (TgtEngine *e, const char *peer);
void login_throttle_fail (TgtEngine *e, const char *peer);
void login_throttle_ok (TgtEngine *e, const char *peer);

G_END_DECLS
