/* The negotiation engine (RFC 7143 sec. 6.2, 12, 13), one object per
 * connection login (and reused for Text negotiation in full feature phase),
 * usable by both roles:
 *
 *  - as acceptor it answers every key the peer offers: the negotiated value,
 *    NotUnderstood for unknown keys, Reject for unacceptable values,
 *    Irrelevant where the RFC says so (sec. 6.2, 6.2.1, 6.2.2);
 *  - as proposer it builds our offers and checks the answers (an answer
 *    outside what we offered is an error; Reject, NotUnderstood and
 *    Irrelevant keep the default).
 *
 * Both happen in iproto_neg_receive(): a key we offered and have not had an
 * answer for is an answer; any other key is an offer (or a declaration).
 *
 * Typical target login (see doc/negotiation.md):
 *     neg = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, leading, session_or_NULL);
 *     for each complete request key list (see IProtoTextAccum):
 *         iproto_neg_receive(neg, phase, req, resp, &err)   -> login status on error
 *         [security phase, AuthMethod=CHAP: iproto_chap_target_step(...)]
 *         iproto_neg_offer(neg, phase, resp)                 -> our declarations
 *         transit allowed only if !iproto_neg_waiting(neg)
 *     iproto_neg_finish(neg, &err); then read iproto_neg_session()/_conn().
 *
 * Errors are IPROTO_ERROR codes; iproto_neg_login_status() maps them to the
 * Login Response status the target must send (0x0200, 0x0201, 0x0207).
 * Keys answered Reject/NotUnderstood/Irrelevant are not errors. */
#pragma once
#include <glib.h>
#include "libiscsi-proto/iproto-keys.h"
#include "libiscsi-proto/iproto-recv.h" /* IProtoRole */
#include "libiscsi-proto/iproto-text.h"

G_BEGIN_DECLS

typedef enum {
	IPROTO_DIGEST_NONE,
	IPROTO_DIGEST_CRC32C,
} IProtoDigest;

typedef enum {
	IPROTO_SESSION_NORMAL,
	IPROTO_SESSION_DISCOVERY,
} IProtoSessionType;

typedef enum {
	IPROTO_TASK_REPORTING_RFC3720,
	IPROTO_TASK_REPORTING_RESPONSE_FENCE,
	IPROTO_TASK_REPORTING_FAST_ABORT,
} IProtoTaskReporting;

typedef enum {
	IPROTO_AUTH_UNSET,   /* AuthMethod not negotiated (yet) */
	IPROTO_AUTH_NONE,
	IPROTO_AUTH_CHAP,
	IPROTO_AUTH_REJECT,  /* no common method: the login must fail with 0x0201 */
} IProtoAuthMethod;

/* Session-wide parameters (RFC 7143 sec. 13), RFC defaults after init. */
typedef struct {
	guint32 max_connections;          /* 13.2,  1..65535, default 1 */
	gboolean initial_r2t;             /* 13.10, default Yes */
	gboolean immediate_data;          /* 13.11, default Yes */
	guint32 max_burst_length;         /* 13.13, 512..2^24-1, default 262144 */
	guint32 first_burst_length;       /* 13.14, 512..2^24-1, default 65536 */
	guint32 default_time2wait;        /* 13.15, 0..3600, default 2 */
	guint32 default_time2retain;      /* 13.16, 0..3600, default 20 */
	guint32 max_outstanding_r2t;      /* 13.17, 1..65535, default 1 */
	gboolean data_pdu_in_order;       /* 13.18, default Yes */
	gboolean data_sequence_in_order;  /* 13.19, default Yes */
	guint32 error_recovery_level;     /* 13.20, 0..2, default 0 */
	IProtoSessionType session_type;   /* 13.21, default Normal */
	IProtoTaskReporting task_reporting; /* 13.23, default RFC3720 */
	guint32 protocol_level;           /* 13.24, 0..31, default 1 */
	char *target_name;                /* 13.4 (NULL until known) */
	char *initiator_name;             /* 13.5 */
	char *target_alias;               /* 13.6 */
	char *initiator_alias;            /* 13.7 */
	gint32 tpgt;                      /* 13.9, -1 until known */
} IProtoSessionParams;

/* Connection-only parameters. */
typedef struct {
	IProtoDigest header_digest;       /* 13.1 */
	IProtoDigest data_digest;
	/* 13.12: MaxRecvDataSegmentLength is declarative per direction. */
	guint32 max_recv_dsl;             /* what we declared: the most we accept */
	guint32 max_send_dsl;             /* what the peer declared: the most we may send (default 8192) */
	IProtoAuthMethod auth_method;     /* 12.1 */
} IProtoConnParams;

void iproto_session_params_init(IProtoSessionParams *p);
void iproto_session_params_clear(IProtoSessionParams *p);
void iproto_session_params_copy(IProtoSessionParams *dst, const IProtoSessionParams *src);
void iproto_conn_params_init(IProtoConnParams *p);

/* What this side is willing to do.  For numeric keys the session fields are
 * our limits (what we offer as proposer, what we clamp to as acceptor); for
 * booleans our preference.  Lists are list-of-values in our order of
 * preference.  Names: the initiator offers initiator_name, target_name (normal
 * sessions), session_type and initiator_alias from here; the target declares
 * target_alias and tpgt (when >= 0).  Strings are borrowed, not copied. */
typedef struct {
	IProtoSessionParams session;
	guint32 max_recv_dsl;        /* our MaxRecvDataSegmentLength declaration */
	const char *header_digest;   /* e.g. "None" (default) or "CRC32C,None" */
	const char *data_digest;
	const char *auth_method;     /* e.g. "None" (default), "CHAP", "CHAP,None" */
} IProtoNegConfig;

/* RFC defaults everywhere, digests "None", AuthMethod "None". */
void iproto_neg_config_init(IProtoNegConfig *cfg);
/* Checks the ranges of every field and FirstBurstLength <= MaxBurstLength. */
gboolean iproto_neg_config_check(const IProtoNegConfig *cfg, GError **error);

typedef struct _IProtoNeg IProtoNeg;

/* role: IPROTO_ROLE_TARGET or IPROTO_ROLE_INITIATOR (the PDU layer's enum).
 * leading: TRUE for the first connection of a session (TSIH 0).  On a
 * non-leading connection pass the session's negotiated parameters: they are
 * copied, LO keys from the peer are errors (sec. 13: LO keys only on the
 * leading connection) and the proposer does not offer them.  cfg is copied
 * (its strings must outlive the object). */
IProtoNeg *iproto_neg_new(IProtoRole role, const IProtoNegConfig *cfg, gboolean leading,
			  const IProtoSessionParams *session);
void iproto_neg_free(IProtoNeg *neg);

/* Processes one complete received key list (after IProtoTextAccum).  Offers
 * from the peer are answered in out; answers to our offers are checked and
 * applied; declarations are recorded.  The first list a target receives must
 * carry InitiatorName and, for normal sessions, TargetName
 * (IPROTO_ERROR_KEY_MISSING otherwise).
 * Errors: IPROTO_ERROR_TEXT_TOO_LONG, _KEY_DUPLICATE, _KEY_VALUE,
 * _KEY_MISSING, _NEGOTIATION (wrong phase, LO key on a non-leading
 * connection, key the sender may not send, answer outside our offer). */
gboolean iproto_neg_receive(IProtoNeg *neg, IProtoPhase phase, const IProtoTextList *in,
			    IProtoTextList *out, GError **error);

/* Appends to out what we still have to say in this phase: as initiator our
 * offers (names and AuthMethod first, then the operational keys), as target
 * our declarations (TargetAlias, TargetPortalGroupTag in the first response
 * of a normal session, MaxRecvDataSegmentLength in the operational phase).
 * Each key is offered once per login. */
void iproto_neg_offer(IProtoNeg *neg, IProtoPhase phase, IProtoTextList *out);

/* Adds one offer of a single key with a caller-chosen value (proposer side,
 * e.g. a Text renegotiation of MaxRecvDataSegmentLength in FFP). */
gboolean iproto_neg_offer_key(IProtoNeg *neg, const char *key, const char *value,
			      IProtoTextList *out, GError **error);

/* TRUE while an offer of ours is unanswered: a side must not leave the stage
 * (T=1) while it waits for answers (sec. 6.2). */
gboolean iproto_neg_waiting(const IProtoNeg *neg);

/* End of login: checks the cross-key rules (FirstBurstLength <=
 * MaxBurstLength, sec. 13.14) and that no offer is unanswered. */
gboolean iproto_neg_finish(IProtoNeg *neg, GError **error);

/* Start a new Text negotiation sequence in full feature phase: forgets which
 * keys were seen, keeps the negotiated values (sec. 6.2 applies per sequence). */
void iproto_neg_begin_text(IProtoNeg *neg);

const IProtoSessionParams *iproto_neg_session(const IProtoNeg *neg);
const IProtoConnParams *iproto_neg_conn(const IProtoNeg *neg);
IProtoAuthMethod iproto_neg_auth_method(const IProtoNeg *neg);

/* The Login Response status (class << 8 | detail) for a negotiation or CHAP
 * error: 0x0201 for authentication, 0x0207 for a missing key, 0x0200 for
 * everything else the initiator got wrong. */
guint16 iproto_neg_login_status(const GError *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(IProtoNeg, iproto_neg_free)

G_END_DECLS
