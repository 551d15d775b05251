/* The table of every login/text key: RFC 7143 sec. 12 (security) and
 * sec. 13 (operational), the obsoleted marker keys (sec. 13.25), the iSER
 * keys of RFC 7145 sec. 6, and X#NodeArchitecture (sec. 13.26).  One row per
 * key says how it is typed, how its result is computed, its range or values,
 * its default, in which phases and on which connections it may appear, who
 * may send it and when it is irrelevant.  The negotiation engine is driven by
 * this table; it holds no per-key code apart from the few cross-key rules. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	IPROTO_KEY_AUTH_METHOD,
	IPROTO_KEY_CHAP_A,
	IPROTO_KEY_CHAP_I,
	IPROTO_KEY_CHAP_C,
	IPROTO_KEY_CHAP_N,
	IPROTO_KEY_CHAP_R,
	IPROTO_KEY_SRP_U,
	IPROTO_KEY_TARGET_AUTH,
	IPROTO_KEY_SRP_G,
	IPROTO_KEY_SRP_S,
	IPROTO_KEY_SRP_A,
	IPROTO_KEY_SRP_B,
	IPROTO_KEY_SRP_M,
	IPROTO_KEY_SRP_HM,
	IPROTO_KEY_KRB_AP_REQ,
	IPROTO_KEY_KRB_AP_REP,
	IPROTO_KEY_HEADER_DIGEST,
	IPROTO_KEY_DATA_DIGEST,
	IPROTO_KEY_MAX_CONNECTIONS,
	IPROTO_KEY_SEND_TARGETS,
	IPROTO_KEY_TARGET_NAME,
	IPROTO_KEY_INITIATOR_NAME,
	IPROTO_KEY_TARGET_ALIAS,
	IPROTO_KEY_INITIATOR_ALIAS,
	IPROTO_KEY_TARGET_ADDRESS,
	IPROTO_KEY_TARGET_PORTAL_GROUP_TAG,
	IPROTO_KEY_INITIAL_R2T,
	IPROTO_KEY_IMMEDIATE_DATA,
	IPROTO_KEY_MAX_RECV_DATA_SEGMENT_LENGTH,
	IPROTO_KEY_MAX_BURST_LENGTH,
	IPROTO_KEY_FIRST_BURST_LENGTH,
	IPROTO_KEY_DEFAULT_TIME2WAIT,
	IPROTO_KEY_DEFAULT_TIME2RETAIN,
	IPROTO_KEY_MAX_OUTSTANDING_R2T,
	IPROTO_KEY_DATA_PDU_IN_ORDER,
	IPROTO_KEY_DATA_SEQUENCE_IN_ORDER,
	IPROTO_KEY_ERROR_RECOVERY_LEVEL,
	IPROTO_KEY_SESSION_TYPE,
	IPROTO_KEY_TASK_REPORTING,
	IPROTO_KEY_PROTOCOL_LEVEL,
	IPROTO_KEY_NODE_ARCHITECTURE,
	IPROTO_KEY_OF_MARKER,
	IPROTO_KEY_IF_MARKER,
	IPROTO_KEY_OF_MARK_INT,
	IPROTO_KEY_IF_MARK_INT,
	IPROTO_KEY_RDMA_EXTENSIONS,
	IPROTO_KEY_INITIATOR_RECV_DSL,
	IPROTO_KEY_TARGET_RECV_DSL,
	IPROTO_KEY_COUNT
} IProtoKeyId;

typedef enum {
	IPROTO_KEY_TYPE_NUMERIC,   /* numerical-value in [min, max] */
	IPROTO_KEY_TYPE_BOOLEAN,   /* Yes | No */
	IPROTO_KEY_TYPE_LIST,      /* list-of-values, proposer's order of preference */
	IPROTO_KEY_TYPE_ENUM,      /* one value of a fixed set (SessionType) */
	IPROTO_KEY_TYPE_STRING,    /* UTF-8 text (aliases, addresses) */
	IPROTO_KEY_TYPE_NAME,      /* iSCSI name (sec. 4.2.7) */
	IPROTO_KEY_TYPE_RANGE,     /* numeric range "a~b" (obsolete *MarkInt) */
	IPROTO_KEY_TYPE_AUTH,      /* authentication item: consumed by the CHAP machines */
} IProtoKeyType;

typedef enum {
	IPROTO_KEY_RESULT_NONE,        /* declarative: no answer (sec. 6.2) */
	IPROTO_KEY_RESULT_MIN,         /* numeric minimum (sec. 6.2.2) */
	IPROTO_KEY_RESULT_MAX,         /* numeric maximum */
	IPROTO_KEY_RESULT_AND,         /* boolean AND */
	IPROTO_KEY_RESULT_OR,          /* boolean OR */
	IPROTO_KEY_RESULT_LIST,        /* first value of the offer the acceptor supports (sec. 6.2.1) */
	IPROTO_KEY_RESULT_REJECT,      /* obsoleted key: always answered Reject (sec. 13.25) */
	IPROTO_KEY_RESULT_IRRELEVANT,  /* iSER-only key on a non-iSER connection (RFC 7145 sec. 6) */
	IPROTO_KEY_RESULT_CALLER,      /* handled by the caller (CHAP_*, SendTargets) */
} IProtoKeyResult;

/* Phases a key may appear in (a mask; the negotiation engine takes one). */
typedef enum {
	IPROTO_PHASE_SECURITY = 1 << 0,     /* login, CSG=0 */
	IPROTO_PHASE_OPERATIONAL = 1 << 1,  /* login, CSG=1 */
	IPROTO_PHASE_FFP = 1 << 2,          /* Text requests in full feature phase */
} IProtoPhase;
#define IPROTO_PHASE_LOGIN (IPROTO_PHASE_SECURITY | IPROTO_PHASE_OPERATIONAL)
#define IPROTO_PHASE_ANY (IPROTO_PHASE_LOGIN | IPROTO_PHASE_FFP)

typedef enum {
	IPROTO_KEYF_LO = 1 << 0,              /* leading connection only */
	IPROTO_KEYF_SESSION = 1 << 1,         /* session-wide scope (else connection-only) */
	IPROTO_KEYF_FROM_INITIATOR = 1 << 2,  /* the initiator may send it */
	IPROTO_KEYF_FROM_TARGET = 1 << 3,     /* the target may send it */
	IPROTO_KEYF_IRR_DISCOVERY = 1 << 4,   /* Irrelevant when SessionType=Discovery */
	IPROTO_KEYF_IRR_BURST = 1 << 5,       /* Irrelevant when InitialR2T=Yes and ImmediateData=No */
	IPROTO_KEYF_REPEATABLE = 1 << 6,      /* may be sent more than once (TargetAddress) */
	IPROTO_KEYF_LARGE = 1 << 7,           /* large-binary-value: up to IPROTO_TEXT_LARGE_VALUE_MAX */
	IPROTO_KEYF_OBSOLETE = 1 << 8,        /* obsoleted by RFC 7143 */
} IProtoKeyFlags;
#define IPROTO_KEYF_FROM_BOTH (IPROTO_KEYF_FROM_INITIATOR | IPROTO_KEYF_FROM_TARGET)

typedef struct {
	IProtoKeyId id;
	const char *name;
	IProtoKeyType type;
	IProtoKeyResult result;
	guint64 min, max;       /* NUMERIC and RANGE */
	const char *values;     /* LIST and ENUM: the values the RFC defines, comma-separated */
	const char *def;        /* default value as text, NULL if none */
	guint phases;           /* IProtoPhase mask */
	guint flags;            /* IProtoKeyFlags */
	const char *rfc;        /* where the rule comes from, e.g. "RFC 7143 sec. 13.13" */
} IProtoKeyDef;

/* Exact, case-sensitive lookup (sec. 6.1).  NULL for unknown keys, including
 * X- and X# private/public extension keys we do not implement: those are
 * answered NotUnderstood (sec. 6.2, 13.22). */
const IProtoKeyDef *iproto_key_lookup(const char *name);
const IProtoKeyDef *iproto_key_get(IProtoKeyId id);
/* X-<reversed domain> or X#<IANA name> (sec. 6.1, 13.22). */
gboolean iproto_key_is_extension(const char *name);
/* key-name syntax of sec. 6.1: 1..63 of letters, digits, '.', '-', '+', '@', '_'
 * (and '#', which the X# extension keys of sec. 13.22 need). */
gboolean iproto_key_name_valid(const char *name, gsize len);
/* Initialize-only (IO, sec. 13): negotiable during login only, never in a
 * full feature phase Text exchange; in the table that is a row whose phases
 * lack IPROTO_PHASE_FFP. */
static inline gboolean iproto_key_initial_only(const IProtoKeyDef *def)
{
	return !(def->phases & IPROTO_PHASE_FFP);
}
/* The longest value the key accepts (255, or 8192 for large-binary-values). */
gsize iproto_key_value_max(const IProtoKeyDef *def);

G_END_DECLS
