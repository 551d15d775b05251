/* Login and logout on a blocking socket (internal). */
#pragma once
#include "itni-private.h"
#include "itni-wire.h"
#include "libiscsi-proto/iproto-negotiate.h"

typedef struct {
	const ItniConfig *cfg;
	gboolean discovery;
	guint8 isid[6];
	guint16 tsih;            /* 0: new session (or reinstatement) */
	guint16 cid;
	guint32 itt;
	gboolean leading;
	const IProtoSessionParams *session; /* non-leading: what the leading login agreed */
	guint32 cmdsn;           /* CmdSN carried by the login requests */
	guint32 exp_statsn, exp_cmdsn, max_cmdsn; /* out */
	guint16 tsih_out;
	ItniParams params;       /* out */
	IProtoSessionParams session_out; /* out, leading only */
	char *redirect;          /* out: TargetAddress of a redirection */
	gboolean redirect_permanent; /* out: status 0x0102, not 0x0101 */
} ItniLogin;

gboolean itni_login(ItniWire *w, ItniLogin *l, GError **error);
gboolean itni_logout(ItniWire *w, guint16 cid, guint8 reason, guint32 cmdsn, guint32 exp_statsn,
		     GError **error);
