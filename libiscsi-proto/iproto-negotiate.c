/* The negotiation engine (RFC 7143 sec. 6.2): answers the peer's offers and
 * checks the peer's answers to ours, driven by the key table. */
#include "config.h"
#include <string.h>
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-negotiate-fields.h"
#include "libiscsi-proto/iproto-text-values.h"

/* Unknown keys remembered per login for the duplicate rule; more distinct
 * unknown keys than this is abuse, not negotiation. */
#define MAX_UNKNOWN_KEYS 64
/* RFC 3720 sec. 3.2.6.1: iSCSI names are at most 223 bytes. */
#define NAME_MAX_BYTES 223

/* Per key: what we sent and what we received in this login (or text
 * sequence for 'seen'). */
enum {
	SENT = 1 << 0,     /* we offered, declared or answered it */
	WAITING = 1 << 1,  /* we offered it and await the answer */
	SEEN = 1 << 2,     /* the peer sent it */
	EXPLICIT = 1 << 3, /* its value was negotiated, not a default */
};

struct _IProtoNeg {
	IProtoRole role;
	IProtoNegConfig cfg;
	gboolean leading;
	IProtoSessionParams sess;
	IProtoConnParams conn;
	guint8 state[IPROTO_KEY_COUNT];
	char *offered[IPROTO_KEY_COUNT]; /* our offered value, to check answers */
	char *declared[IPROTO_KEY_COUNT]; /* the peer's declaration, to spot repeats */
	GHashTable *unknown_seen;
	gboolean first_done; /* the first key list of this connection was received */
};

IProtoNeg *iproto_neg_new(IProtoRole role, const IProtoNegConfig *cfg, gboolean leading,
			  const IProtoSessionParams *session)
{
	g_return_val_if_fail(role == IPROTO_ROLE_TARGET || role == IPROTO_ROLE_INITIATOR, NULL);
	IProtoNeg *neg = g_new0(IProtoNeg, 1);
	neg->role = role;
	neg->cfg = *cfg;
	neg->leading = leading;
	if (!leading && session)
		iproto_session_params_copy(&neg->sess, session);
	else
		iproto_session_params_init(&neg->sess);
	/* What we know from configuration before the peer says anything. */
	if (role == IPROTO_ROLE_INITIATOR) {
		if (leading)
			neg->sess.session_type = cfg->session.session_type;
	} else {
		g_free(neg->sess.target_alias);
		neg->sess.target_alias = g_strdup(cfg->session.target_alias);
		neg->sess.tpgt = cfg->session.tpgt;
	}
	iproto_conn_params_init(&neg->conn);
	neg->conn.max_recv_dsl = cfg->max_recv_dsl;
	neg->unknown_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return neg;
}

void iproto_neg_free(IProtoNeg *neg)
{
	if (!neg)
		return;
	iproto_session_params_clear(&neg->sess);
	for (guint i = 0; i < IPROTO_KEY_COUNT; i++) {
		g_free(neg->offered[i]);
		g_free(neg->declared[i]);
	}
	g_hash_table_unref(neg->unknown_seen);
	g_free(neg);
}

const IProtoSessionParams *iproto_neg_session(const IProtoNeg *neg)
{
	return &neg->sess;
}

const IProtoConnParams *iproto_neg_conn(const IProtoNeg *neg)
{
	return &neg->conn;
}

IProtoAuthMethod iproto_neg_auth_method(const IProtoNeg *neg)
{
	return neg->conn.auth_method;
}

gboolean iproto_neg_waiting(const IProtoNeg *neg)
{
	for (guint i = 0; i < IPROTO_KEY_COUNT; i++)
		if (neg->state[i] & WAITING)
			return TRUE;
	return FALSE;
}

void iproto_neg_begin_text(IProtoNeg *neg)
{
	for (guint i = 0; i < IPROTO_KEY_COUNT; i++)
		neg->state[i] &= (guint8) ~(SEEN | SENT | WAITING);
	g_hash_table_remove_all(neg->unknown_seen);
}

static gboolean is_discovery(const IProtoNeg *neg)
{
	return neg->sess.session_type == IPROTO_SESSION_DISCOVERY;
}

/* Our value for a negotiable key, as text (the offer a proposer sends, the
 * limit an acceptor applies).  Lists are in our order of preference. */
static char *our_value(IProtoNeg *neg, const IProtoKeyDef *def)
{
	IProtoSessionParams *cs = &neg->cfg.session;
	guint32 *u;
	gboolean *b;

	switch (def->id) {
	case IPROTO_KEY_HEADER_DIGEST:
		return g_strdup(neg->cfg.header_digest);
	case IPROTO_KEY_DATA_DIGEST:
		return g_strdup(neg->cfg.data_digest);
	case IPROTO_KEY_AUTH_METHOD:
		return g_strdup(neg->cfg.auth_method);
	case IPROTO_KEY_TASK_REPORTING:
		return g_strdup(iproto_neg_task_reporting_name(cs->task_reporting));
	case IPROTO_KEY_MAX_RECV_DATA_SEGMENT_LENGTH:
		return g_strdup_printf("%u", neg->cfg.max_recv_dsl);
	default:
		break;
	}
	if ((u = iproto_neg_field_u32(cs, def->id)))
		return g_strdup_printf("%u", *u);
	if ((b = iproto_neg_field_bool(cs, def->id)))
		return g_strdup(iproto_text_bool_str(*b));
	return g_strdup(def->def); /* e.g. RDMAExtensions: we never want RDMA */
}

static IProtoDigest digest_from(const char *v)
{
	return strcmp(v, "CRC32C") == 0 ? IPROTO_DIGEST_CRC32C : IPROTO_DIGEST_NONE;
}

/* Stores a negotiated (or declared) value that has already been checked. */
static void apply(IProtoNeg *neg, const IProtoKeyDef *def, const char *value)
{
	guint32 *u;
	gboolean *b;
	guint64 n = 0;

	neg->state[def->id] |= EXPLICIT;
	if ((u = iproto_neg_field_u32(&neg->sess, def->id))) {
		iproto_text_parse_number(value, def->max, &n, NULL);
		*u = (guint32) n;
		return;
	}
	if ((b = iproto_neg_field_bool(&neg->sess, def->id))) {
		iproto_text_parse_bool(value, b);
		return;
	}
	switch (def->id) {
	case IPROTO_KEY_HEADER_DIGEST:
		neg->conn.header_digest = digest_from(value);
		break;
	case IPROTO_KEY_DATA_DIGEST:
		neg->conn.data_digest = digest_from(value);
		break;
	case IPROTO_KEY_AUTH_METHOD:
		neg->conn.auth_method = strcmp(value, "CHAP") == 0 ? IPROTO_AUTH_CHAP : IPROTO_AUTH_NONE;
		break;
	case IPROTO_KEY_TASK_REPORTING:
		iproto_neg_task_reporting_parse(value, &neg->sess.task_reporting);
		break;
	default:
		break;
	}
}

/* A macro so every message stays a checked literal format. */
#define fail(error, code, fmt, key) (g_set_error((error), IPROTO_ERROR, (code), fmt, (key)), FALSE)

/* A light check of an iSCSI name (sec. 4.2.7); the daemons normalize and
 * validate fully with libiscsi-name. */
static gboolean name_plausible(const char *v)
{
	gsize n = strlen(v);
	return n >= 4 && n <= NAME_MAX_BYTES &&
	       (g_str_has_prefix(v, "iqn.") || g_str_has_prefix(v, "eui.") || g_str_has_prefix(v, "naa."));
}

/* A declaration from the peer (result NONE): recorded, never answered. */
static gboolean take_declaration(IProtoNeg *neg, const IProtoKeyDef *def, const char *value, GError **error)
{
	guint64 n = 0;

	switch (def->type) {
	case IPROTO_KEY_TYPE_NAME:
		if (!name_plausible(value))
			return fail(error, IPROTO_ERROR_KEY_VALUE, "%s is not an iSCSI name (RFC 7143 sec. 4.2.7)",
				    def->name);
		break;
	case IPROTO_KEY_TYPE_ENUM:
		if (!iproto_text_list_has_item(def->values, value))
			return fail(error, IPROTO_ERROR_KEY_VALUE, "%s has an undefined value (RFC 7143 sec. 13.21)",
				    def->name);
		break;
	case IPROTO_KEY_TYPE_NUMERIC:
		if (!iproto_text_parse_number(value, def->max, &n, NULL) || n < def->min)
			return fail(error, IPROTO_ERROR_KEY_VALUE, "%s is out of range", def->name);
		break;
	case IPROTO_KEY_TYPE_STRING:
		/* sec. 6.1: text values are UTF-8; daemons log and show aliases */
		if (!g_utf8_validate(value, -1, NULL))
			return fail(error, IPROTO_ERROR_KEY_VALUE, "%s is not valid UTF-8 (RFC 7143 sec. 6.1)", def->name);
		break;
	default:
		break;
	}
	switch (def->id) {
	case IPROTO_KEY_TARGET_NAME:
		g_free(neg->sess.target_name);
		neg->sess.target_name = g_strdup(value);
		break;
	case IPROTO_KEY_INITIATOR_NAME:
		g_free(neg->sess.initiator_name);
		neg->sess.initiator_name = g_strdup(value);
		break;
	case IPROTO_KEY_TARGET_ALIAS:
		g_free(neg->sess.target_alias);
		neg->sess.target_alias = g_strdup(value);
		break;
	case IPROTO_KEY_INITIATOR_ALIAS:
		g_free(neg->sess.initiator_alias);
		neg->sess.initiator_alias = g_strdup(value);
		break;
	case IPROTO_KEY_SESSION_TYPE:
		neg->sess.session_type = strcmp(value, "Discovery") == 0 ? IPROTO_SESSION_DISCOVERY : IPROTO_SESSION_NORMAL;
		break;
	case IPROTO_KEY_TARGET_PORTAL_GROUP_TAG:
		neg->sess.tpgt = (gint32) n;
		break;
	case IPROTO_KEY_MAX_RECV_DATA_SEGMENT_LENGTH:
		/* sec. 13.12: the peer's declaration limits what we send. */
		neg->conn.max_send_dsl = (guint32) n;
		break;
	default:
		break; /* TargetAddress, X#NodeArchitecture: the caller reads them from the list */
	}
	neg->state[def->id] |= EXPLICIT;
	return TRUE;
}

/* First acceptable value of the offered list (sec. 6.2.1), or NULL.  Values
 * we do not understand are skipped. */
static char *pick_from_list(const char *offer, const char *ours, const char *defined)
{
	g_auto(GStrv) items = g_strsplit(offer, ",", 64);
	for (guint i = 0; items[i]; i++)
		if (iproto_text_list_has_item(defined, items[i]) && iproto_text_list_has_item(ours, items[i]))
			return g_strdup(items[i]);
	return NULL;
}

/* The answer to a negotiable offer from the peer (sec. 6.2.2), NULL meaning
 * "Reject". */
static char *answer_offer(IProtoNeg *neg, const IProtoKeyDef *def, const char *value)
{
	g_autofree char *ours = our_value(neg, def);
	guint64 theirs, mine;
	gboolean tb, mb;

	switch (def->result) {
	case IPROTO_KEY_RESULT_MIN:
	case IPROTO_KEY_RESULT_MAX:
		if (!iproto_text_parse_number(value, def->max, &theirs, NULL) || theirs < def->min)
			return NULL;
		iproto_text_parse_number(ours, def->max, &mine, NULL);
		if (def->result == IPROTO_KEY_RESULT_MIN)
			return g_strdup_printf("%" G_GUINT64_FORMAT, MIN(theirs, mine));
		return g_strdup_printf("%" G_GUINT64_FORMAT, MAX(theirs, mine));
	case IPROTO_KEY_RESULT_AND:
	case IPROTO_KEY_RESULT_OR:
		if (!iproto_text_parse_bool(value, &tb))
			return NULL;
		iproto_text_parse_bool(ours, &mb);
		return g_strdup(iproto_text_bool_str(def->result == IPROTO_KEY_RESULT_AND ? (tb && mb) : (tb || mb)));
	case IPROTO_KEY_RESULT_LIST:
		return pick_from_list(value, ours, def->values);
	default:
		return NULL;
	}
}

/* Checks the peer's answer to our offer; an answer outside what the result
 * function allows is a protocol error (sec. 6.2). */
static gboolean check_answer(IProtoNeg *neg, const IProtoKeyDef *def, const char *value, GError **error)
{
	const char *offer = neg->offered[def->id];
	guint64 a, o;
	gboolean ab, ob;
	gboolean ok = FALSE;

	neg->state[def->id] &= (guint8) ~WAITING;
	/* sec. 6.2: Reject, NotUnderstood and Irrelevant leave the key at its
	 * default (AuthMethod without a common method fails the login). */
	if (!strcmp(value, "Reject") || !strcmp(value, "NotUnderstood") || !strcmp(value, "Irrelevant")) {
		if (def->id == IPROTO_KEY_AUTH_METHOD)
			neg->conn.auth_method = IPROTO_AUTH_REJECT;
		return TRUE;
	}
	switch (def->result) {
	case IPROTO_KEY_RESULT_MIN:
		ok = iproto_text_parse_number(value, def->max, &a, NULL) && a >= def->min &&
		     iproto_text_parse_number(offer, def->max, &o, NULL) && a <= o;
		break;
	case IPROTO_KEY_RESULT_MAX:
		ok = iproto_text_parse_number(value, def->max, &a, NULL) &&
		     iproto_text_parse_number(offer, def->max, &o, NULL) && a >= o;
		break;
	case IPROTO_KEY_RESULT_AND:
		ok = iproto_text_parse_bool(value, &ab) && iproto_text_parse_bool(offer, &ob) && (ob || !ab);
		break;
	case IPROTO_KEY_RESULT_OR:
		ok = iproto_text_parse_bool(value, &ab) && iproto_text_parse_bool(offer, &ob) && (!ob || ab);
		break;
	case IPROTO_KEY_RESULT_LIST:
		ok = !strchr(value, ',') && iproto_text_list_has_item(offer, value);
		break;
	default:
		break;
	}
	if (!ok)
		return fail(error, IPROTO_ERROR_NEGOTIATION, "answer to %s is outside what was offered (RFC 7143 sec. 6.2)",
			    def->name);
	apply(neg, def, value);
	return TRUE;
}

static gboolean is_answer_word(const char *v)
{
	return !strcmp(v, "Reject") || !strcmp(v, "NotUnderstood") || !strcmp(v, "Irrelevant");
}

enum { DUP_ERROR = -1, DUP_REPEAT = 0, DUP_NEW = 1 };

/* Duplicate rule (sec. 6.2): each key at most once per negotiation.  One
 * exception for interoperability: libiscsi sends its declarations
 * (InitiatorName, TargetName, SessionType, InitiatorAlias) again in the
 * operational stage after CHAP; the same declaration with the same value
 * changes nothing, so it is ignored rather than failed. */
static int note_seen(IProtoNeg *neg, const IProtoKeyDef *def, const IProtoTextPair *p, GError **error)
{
	if (def) {
		if ((neg->state[def->id] & SEEN) && !(def->flags & IPROTO_KEYF_REPEATABLE)) {
			if (def->result == IPROTO_KEY_RESULT_NONE && g_strcmp0(neg->declared[def->id], p->value) == 0)
				return DUP_REPEAT;
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_KEY_DUPLICATE, "key %s sent twice (RFC 7143 sec. 6.2)",
				    def->name);
			return DUP_ERROR;
		}
		neg->state[def->id] |= SEEN;
		if (def->result == IPROTO_KEY_RESULT_NONE) {
			g_free(neg->declared[def->id]);
			neg->declared[def->id] = g_strdup(p->value);
		}
		return DUP_NEW;
	}
	if (g_hash_table_contains(neg->unknown_seen, p->key)) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_KEY_DUPLICATE, "key %s sent twice (RFC 7143 sec. 6.2)", p->key);
		return DUP_ERROR;
	}
	if (g_hash_table_size(neg->unknown_seen) >= MAX_UNKNOWN_KEYS) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_TEXT_TOO_LONG, "too many unknown keys (last: %s)", p->key);
		return DUP_ERROR;
	}
	g_hash_table_add(neg->unknown_seen, g_strdup(p->key));
	return DUP_NEW;
}

/* Where and from whom the key may come (sec. 12, 13: "Use" and senders). */
static gboolean check_use(IProtoNeg *neg, const IProtoKeyDef *def, IProtoPhase phase, gboolean answer,
			  GError **error)
{
	guint from = neg->role == IPROTO_ROLE_TARGET ? IPROTO_KEYF_FROM_INITIATOR : IPROTO_KEYF_FROM_TARGET;

	if (!answer && !(def->flags & from))
		return fail(error, IPROTO_ERROR_NEGOTIATION, "%s may not be sent by this side (RFC 7143 sec. 13)",
			    def->name);
	if (!(def->phases & phase))
		return fail(error, IPROTO_ERROR_NEGOTIATION, "%s is not allowed in this phase (RFC 7143 sec. 6.3, 13)",
			    def->name);
	if ((def->flags & IPROTO_KEYF_LO) && !neg->leading)
		return fail(error, IPROTO_ERROR_NEGOTIATION,
			    "%s is leading-only and this is not the leading connection (RFC 7143 sec. 13)", def->name);
	return TRUE;
}

static void answer(IProtoNeg *neg, IProtoTextList *out, const IProtoKeyDef *def, const char *key, const char *v)
{
	iproto_text_list_add(out, key, v);
	if (def)
		neg->state[def->id] |= SENT;
}

static gboolean receive_one(IProtoNeg *neg, IProtoPhase phase, const IProtoTextPair *p, IProtoTextList *out,
			    GError **error)
{
	const IProtoKeyDef *def = iproto_key_lookup(p->key);

	int dup = note_seen(neg, def, p, error);
	if (dup != DUP_NEW)
		return dup == DUP_REPEAT;
	if (!def) {
		/* sec. 6.2: unknown keys, X- and X# ones included. */
		answer(neg, out, NULL, p->key, "NotUnderstood");
		return TRUE;
	}
	gboolean is_answer = (neg->state[def->id] & WAITING) != 0;
	/* Some initiators repeat SessionType on every connection; the same
	 * value as the session's is harmless, so it is not an LO violation. */
	if (def->id == IPROTO_KEY_SESSION_TYPE && !neg->leading && neg->role == IPROTO_ROLE_TARGET &&
	    strcmp(p->value, is_discovery(neg) ? "Discovery" : "Normal") == 0)
		return TRUE;
	if (!check_use(neg, def, phase, is_answer, error))
		return FALSE;
	if (strlen(p->value) > iproto_key_value_max(def))
		return fail(error, IPROTO_ERROR_TEXT_TOO_LONG, "value of %s is too long (RFC 7143 sec. 6.1)", def->name);
	if (is_answer)
		return check_answer(neg, def, p->value, error);
	if (is_answer_word(p->value)) {
		/* an answer to a declaration of ours, or to a key the caller handles */
		if ((neg->state[def->id] & SENT) || def->result == IPROTO_KEY_RESULT_CALLER)
			return TRUE;
		/* a declaration that merely looks like an answer is checked as one */
		if (def->result != IPROTO_KEY_RESULT_NONE)
			return fail(error, IPROTO_ERROR_NEGOTIATION,
				    "%s answered although nobody offered it (RFC 7143 sec. 6.2)", def->name);
	}
	if ((def->flags & IPROTO_KEYF_IRR_DISCOVERY) && is_discovery(neg)) {
		answer(neg, out, def, p->key, "Irrelevant");
		return TRUE;
	}
	switch (def->result) {
	case IPROTO_KEY_RESULT_CALLER:
		return TRUE;
	case IPROTO_KEY_RESULT_NONE:
		if (def->type == IPROTO_KEY_TYPE_AUTH) {
			/* items of SRP/Kerberos, which we never agree to */
			answer(neg, out, def, p->key, "NotUnderstood");
			return TRUE;
		}
		return take_declaration(neg, def, p->value, error);
	case IPROTO_KEY_RESULT_REJECT:
		answer(neg, out, def, p->key, "Reject");
		return TRUE;
	case IPROTO_KEY_RESULT_IRRELEVANT:
		answer(neg, out, def, p->key, "Irrelevant");
		return TRUE;
	default:
		break;
	}
	g_autofree char *result = answer_offer(neg, def, p->value);
	if (!result) {
		/* sec. 6.2.1/6.2.2: unacceptable value or no common list item */
		if (def->id == IPROTO_KEY_AUTH_METHOD)
			neg->conn.auth_method = IPROTO_AUTH_REJECT;
		answer(neg, out, def, p->key, "Reject");
		return TRUE;
	}
	apply(neg, def, result);
	answer(neg, out, def, p->key, result);
	return TRUE;
}

/* sec. 13.4, 13.5: the first Login Request of every connection names the
 * initiator and, for a normal session, the target. */
static gboolean check_first_request(IProtoNeg *neg, const IProtoTextList *in, GError **error)
{
	if (!iproto_text_list_get(in, "InitiatorName"))
		return fail(error, IPROTO_ERROR_KEY_MISSING, "%s missing from the first Login Request (RFC 7143 sec. 13.5)",
			    "InitiatorName");
	if (!is_discovery(neg) && !iproto_text_list_get(in, "TargetName"))
		return fail(error, IPROTO_ERROR_KEY_MISSING, "%s missing from the first Login Request (RFC 7143 sec. 13.4)",
			    "TargetName");
	return TRUE;
}

/* Rules that depend on several keys, applied to the answers of one batch. */
static void adjust_burst_answers(IProtoNeg *neg, IProtoTextList *out, gboolean fbl_answered)
{
	IProtoSessionParams *s = &neg->sess;
	if (!fbl_answered || is_discovery(neg))
		return;
	/* sec. 13.14: FirstBurstLength is Irrelevant when InitialR2T=Yes and
	 * ImmediateData=No. */
	if (s->initial_r2t && !s->immediate_data) {
		iproto_text_list_set(out, "FirstBurstLength", "Irrelevant");
		return;
	}
	/* sec. 13.14: FirstBurstLength MUST NOT exceed MaxBurstLength; keys in
	 * one batch can arrive in either order, so clamp our answer (a lower
	 * value is always a valid minimum). */
	if (s->first_burst_length > s->max_burst_length) {
		s->first_burst_length = s->max_burst_length;
		char buf[16];
		g_snprintf(buf, sizeof buf, "%u", s->first_burst_length);
		iproto_text_list_set(out, "FirstBurstLength", buf);
	}
}

gboolean iproto_neg_receive(IProtoNeg *neg, IProtoPhase phase, const IProtoTextList *in, IProtoTextList *out,
			    GError **error)
{
	g_return_val_if_fail(phase == IPROTO_PHASE_SECURITY || phase == IPROTO_PHASE_OPERATIONAL ||
				     phase == IPROTO_PHASE_FFP,
			     FALSE);

	if (!neg->first_done && neg->role == IPROTO_ROLE_TARGET && phase != IPROTO_PHASE_FFP) {
		/* SessionType comes first: it decides which keys are required. */
		const char *st = iproto_text_list_get(in, "SessionType");
		if (neg->leading && st && strcmp(st, "Discovery") == 0)
			neg->sess.session_type = IPROTO_SESSION_DISCOVERY;
		if (!check_first_request(neg, in, error))
			return FALSE;
	}
	neg->first_done = TRUE;

	guint fbl_sent_before = neg->state[IPROTO_KEY_FIRST_BURST_LENGTH] & SENT;
	for (guint i = 0; i < iproto_text_list_length(in); i++)
		if (!receive_one(neg, phase, iproto_text_list_nth(in, i), out, error))
			return FALSE;
	gboolean fbl_answered = !fbl_sent_before && (neg->state[IPROTO_KEY_FIRST_BURST_LENGTH] & SENT) &&
				iproto_text_list_get(out, "FirstBurstLength") &&
				!(neg->state[IPROTO_KEY_FIRST_BURST_LENGTH] & WAITING);
	adjust_burst_answers(neg, out, fbl_answered);
	return TRUE;
}

static void send_key(IProtoNeg *neg, const IProtoKeyDef *def, const char *value, gboolean wait, IProtoTextList *out)
{
	iproto_text_list_add(out, def->name, value);
	neg->state[def->id] |= SENT;
	if (wait) {
		neg->state[def->id] |= WAITING;
		g_free(neg->offered[def->id]);
		neg->offered[def->id] = g_strdup(value);
	}
}

static gboolean untouched(const IProtoNeg *neg, IProtoKeyId id)
{
	return !(neg->state[id] & (SENT | SEEN));
}

static void declare(IProtoNeg *neg, IProtoKeyId id, const char *value, IProtoTextList *out)
{
	/* Both sides declare some keys (MaxRecvDataSegmentLength), so what
	 * the peer declared does not stop our own declaration. */
	if (value && !(neg->state[id] & SENT))
		send_key(neg, iproto_key_get(id), value, FALSE, out);
}

/* Keys whose RFC default is what everybody uses: offered only when we want
 * something else, so old peers are not asked about keys they do not know. */
static gboolean offer_only_if_changed(IProtoKeyId id)
{
	return id == IPROTO_KEY_TASK_REPORTING || id == IPROTO_KEY_PROTOCOL_LEVEL || id == IPROTO_KEY_RDMA_EXTENSIONS;
}

static void offer_initiator(IProtoNeg *neg, IProtoPhase phase, IProtoTextList *out)
{
	const IProtoSessionParams *cs = &neg->cfg.session;

	if (phase == IPROTO_PHASE_FFP)
		return;
	/* sec. 13.4, 13.5, 13.21: names and session type in the first request. */
	declare(neg, IPROTO_KEY_INITIATOR_NAME, cs->initiator_name, out);
	if (cs->session_type == IPROTO_SESSION_NORMAL)
		declare(neg, IPROTO_KEY_TARGET_NAME, cs->target_name, out);
	if (neg->leading)
		declare(neg, IPROTO_KEY_SESSION_TYPE,
			cs->session_type == IPROTO_SESSION_DISCOVERY ? "Discovery" : "Normal", out);
	declare(neg, IPROTO_KEY_INITIATOR_ALIAS, cs->initiator_alias, out);
	if (phase == IPROTO_PHASE_OPERATIONAL) {
		g_autofree char *mrdsl = g_strdup_printf("%u", neg->cfg.max_recv_dsl);
		declare(neg, IPROTO_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, mrdsl, out);
	}
	for (guint id = 0; id < IPROTO_KEY_COUNT; id++) {
		const IProtoKeyDef *def = iproto_key_get(id);
		if (!(def->phases & phase) || !(def->flags & IPROTO_KEYF_FROM_INITIATOR) || !untouched(neg, id))
			continue;
		if (def->result < IPROTO_KEY_RESULT_MIN || def->result > IPROTO_KEY_RESULT_LIST)
			continue;
		if ((def->flags & IPROTO_KEYF_LO) && !neg->leading)
			continue;
		if ((def->flags & IPROTO_KEYF_IRR_DISCOVERY) && is_discovery(neg))
			continue;
		g_autofree char *v = our_value(neg, def);
		if (offer_only_if_changed(id) && g_strcmp0(v, def->def) == 0)
			continue;
		send_key(neg, def, v, TRUE, out);
	}
}

static void offer_target(IProtoNeg *neg, IProtoPhase phase, IProtoTextList *out)
{
	if (phase == IPROTO_PHASE_FFP)
		return;
	declare(neg, IPROTO_KEY_TARGET_ALIAS, neg->cfg.session.target_alias, out);
	/* sec. 13.9: the portal group tag goes in the first response of a
	 * normal session's connection. */
	if (neg->cfg.session.tpgt >= 0 && !is_discovery(neg)) {
		char tag[8];
		g_snprintf(tag, sizeof tag, "%d", neg->cfg.session.tpgt);
		declare(neg, IPROTO_KEY_TARGET_PORTAL_GROUP_TAG, tag, out);
	}
	if (phase == IPROTO_PHASE_OPERATIONAL) {
		g_autofree char *mrdsl = g_strdup_printf("%u", neg->cfg.max_recv_dsl);
		declare(neg, IPROTO_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, mrdsl, out);
	}
}

void iproto_neg_offer(IProtoNeg *neg, IProtoPhase phase, IProtoTextList *out)
{
	if (neg->role == IPROTO_ROLE_INITIATOR)
		offer_initiator(neg, phase, out);
	else
		offer_target(neg, phase, out);
}

gboolean iproto_neg_offer_key(IProtoNeg *neg, const char *key, const char *value, IProtoTextList *out,
			      GError **error)
{
	const IProtoKeyDef *def = iproto_key_lookup(key);
	if (!def || def->result == IPROTO_KEY_RESULT_CALLER || def->type == IPROTO_KEY_TYPE_AUTH)
		return fail(error, IPROTO_ERROR_INVALID_ARGUMENT, "%s cannot be offered through the engine", key);
	if (!untouched(neg, def->id))
		return fail(error, IPROTO_ERROR_KEY_DUPLICATE, "%s was already negotiated in this sequence", key);
	gboolean wait = def->result >= IPROTO_KEY_RESULT_MIN && def->result <= IPROTO_KEY_RESULT_LIST;
	send_key(neg, def, value, wait, out);
	if (def->id == IPROTO_KEY_MAX_RECV_DATA_SEGMENT_LENGTH) {
		guint64 n;
		if (iproto_text_parse_number(value, def->max, &n, NULL) && n >= def->min)
			neg->conn.max_recv_dsl = (guint32) n;
	}
	return TRUE;
}

gboolean iproto_neg_finish(IProtoNeg *neg, GError **error)
{
	IProtoSessionParams *s = &neg->sess;

	for (guint id = 0; id < IPROTO_KEY_COUNT; id++)
		if (neg->state[id] & WAITING)
			return fail(error, IPROTO_ERROR_NEGOTIATION, "offer of %s was never answered (RFC 7143 sec. 6.2)",
				    iproto_key_get(id)->name);
	if (is_discovery(neg) || (s->initial_r2t && !s->immediate_data))
		return TRUE;
	if (s->first_burst_length > s->max_burst_length) {
		/* A default FirstBurstLength above a negotiated MaxBurstLength
		 * follows it down; two explicit values in conflict are an error
		 * (sec. 13.14). */
		if (neg->state[IPROTO_KEY_FIRST_BURST_LENGTH] & EXPLICIT)
			return fail(error, IPROTO_ERROR_NEGOTIATION, "%s exceeds MaxBurstLength (RFC 7143 sec. 13.14)",
				    "FirstBurstLength");
		s->first_burst_length = s->max_burst_length;
	}
	return TRUE;
}
