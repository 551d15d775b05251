/* Negotiated parameter structures: RFC defaults, copies, configuration
 * checks, the map from key to structure field, and the login status for a
 * negotiation error. */
#include "config.h"
#include <stddef.h>
#include <string.h>
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-negotiate-fields.h"
#include "libiscsi-proto/iproto-text-values.h"

/* Numeric and boolean session keys and the IProtoSessionParams field that
 * holds each: one table serves defaults, configuration limits and results. */
static const struct {
	IProtoKeyId id;
	gsize offset;
	gboolean is_bool;
} session_fields[] = {
	{ IPROTO_KEY_MAX_CONNECTIONS, offsetof(IProtoSessionParams, max_connections), FALSE },
	{ IPROTO_KEY_INITIAL_R2T, offsetof(IProtoSessionParams, initial_r2t), TRUE },
	{ IPROTO_KEY_IMMEDIATE_DATA, offsetof(IProtoSessionParams, immediate_data), TRUE },
	{ IPROTO_KEY_MAX_BURST_LENGTH, offsetof(IProtoSessionParams, max_burst_length), FALSE },
	{ IPROTO_KEY_FIRST_BURST_LENGTH, offsetof(IProtoSessionParams, first_burst_length), FALSE },
	{ IPROTO_KEY_DEFAULT_TIME2WAIT, offsetof(IProtoSessionParams, default_time2wait), FALSE },
	{ IPROTO_KEY_DEFAULT_TIME2RETAIN, offsetof(IProtoSessionParams, default_time2retain), FALSE },
	{ IPROTO_KEY_MAX_OUTSTANDING_R2T, offsetof(IProtoSessionParams, max_outstanding_r2t), FALSE },
	{ IPROTO_KEY_DATA_PDU_IN_ORDER, offsetof(IProtoSessionParams, data_pdu_in_order), TRUE },
	{ IPROTO_KEY_DATA_SEQUENCE_IN_ORDER, offsetof(IProtoSessionParams, data_sequence_in_order), TRUE },
	{ IPROTO_KEY_ERROR_RECOVERY_LEVEL, offsetof(IProtoSessionParams, error_recovery_level), FALSE },
	{ IPROTO_KEY_PROTOCOL_LEVEL, offsetof(IProtoSessionParams, protocol_level), FALSE },
};

guint32 *iproto_neg_field_u32(IProtoSessionParams *p, IProtoKeyId id)
{
	for (guint i = 0; i < G_N_ELEMENTS(session_fields); i++)
		if (session_fields[i].id == id && !session_fields[i].is_bool)
			return (guint32 *) ((char *) p + session_fields[i].offset);
	return NULL;
}

gboolean *iproto_neg_field_bool(IProtoSessionParams *p, IProtoKeyId id)
{
	for (guint i = 0; i < G_N_ELEMENTS(session_fields); i++)
		if (session_fields[i].id == id && session_fields[i].is_bool)
			return (gboolean *) ((char *) p + session_fields[i].offset);
	return NULL;
}

/* TaskReporting values in IProtoTaskReporting order (sec. 13.23). */
static const char *const task_reporting_names[] = { "RFC3720", "ResponseFence", "FastAbort" };

const char *iproto_neg_task_reporting_name(IProtoTaskReporting t)
{
	return (guint) t < G_N_ELEMENTS(task_reporting_names) ? task_reporting_names[t] : "RFC3720";
}

gboolean iproto_neg_task_reporting_parse(const char *s, IProtoTaskReporting *t)
{
	for (guint i = 0; i < G_N_ELEMENTS(task_reporting_names); i++)
		if (strcmp(s, task_reporting_names[i]) == 0) {
			*t = (IProtoTaskReporting) i;
			return TRUE;
		}
	return FALSE;
}

void iproto_session_params_init(IProtoSessionParams *p)
{
	memset(p, 0, sizeof *p);
	/* Every default comes from the key table (RFC 7143 sec. 13). */
	for (guint i = 0; i < G_N_ELEMENTS(session_fields); i++) {
		const IProtoKeyDef *def = iproto_key_get(session_fields[i].id);
		if (session_fields[i].is_bool)
			iproto_text_parse_bool(def->def, iproto_neg_field_bool(p, def->id));
		else
			*iproto_neg_field_u32(p, def->id) = (guint32) g_ascii_strtoull(def->def, NULL, 10);
	}
	p->session_type = IPROTO_SESSION_NORMAL;
	p->task_reporting = IPROTO_TASK_REPORTING_RFC3720;
	p->tpgt = -1;
}

void iproto_session_params_clear(IProtoSessionParams *p)
{
	g_clear_pointer(&p->target_name, g_free);
	g_clear_pointer(&p->initiator_name, g_free);
	g_clear_pointer(&p->target_alias, g_free);
	g_clear_pointer(&p->initiator_alias, g_free);
}

void iproto_session_params_copy(IProtoSessionParams *dst, const IProtoSessionParams *src)
{
	*dst = *src;
	dst->target_name = g_strdup(src->target_name);
	dst->initiator_name = g_strdup(src->initiator_name);
	dst->target_alias = g_strdup(src->target_alias);
	dst->initiator_alias = g_strdup(src->initiator_alias);
}

void iproto_conn_params_init(IProtoConnParams *p)
{
	memset(p, 0, sizeof *p);
	p->header_digest = IPROTO_DIGEST_NONE;
	p->data_digest = IPROTO_DIGEST_NONE;
	p->max_recv_dsl = 8192; /* sec. 13.12 default, both directions */
	p->max_send_dsl = 8192;
	p->auth_method = IPROTO_AUTH_UNSET;
}

void iproto_neg_config_init(IProtoNegConfig *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	iproto_session_params_init(&cfg->session);
	cfg->max_recv_dsl = 8192;
	cfg->header_digest = "None";
	cfg->data_digest = "None";
	cfg->auth_method = "None";
}

static gboolean list_within(const char *list, const char *allowed)
{
	if (!list || !*list)
		return FALSE;
	g_auto(GStrv) items = g_strsplit(list, ",", -1);
	for (guint i = 0; items[i]; i++)
		if (!iproto_text_list_has_item(allowed, items[i]))
			return FALSE;
	return TRUE;
}

static gboolean check_list(const char *what, const char *list, const char *allowed, GError **error)
{
	if (list_within(list, allowed))
		return TRUE;
	g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT, "%s must be a list of %s", what, allowed);
	return FALSE;
}

gboolean iproto_neg_config_check(const IProtoNegConfig *cfg, GError **error)
{
	IProtoSessionParams *s = (IProtoSessionParams *) &cfg->session;

	for (guint i = 0; i < G_N_ELEMENTS(session_fields); i++) {
		const IProtoKeyDef *def = iproto_key_get(session_fields[i].id);
		if (session_fields[i].is_bool)
			continue;
		guint32 v = *iproto_neg_field_u32(s, def->id);
		if (v < def->min || v > def->max) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
				    "%s=%u is outside %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT " (%s)", def->name, v,
				    def->min, def->max, def->rfc);
			return FALSE;
		}
	}
	if (s->first_burst_length > s->max_burst_length) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
			    "FirstBurstLength exceeds MaxBurstLength (RFC 7143 sec. 13.14)");
		return FALSE;
	}
	if (cfg->max_recv_dsl < 512 || cfg->max_recv_dsl > 16777215) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
			    "MaxRecvDataSegmentLength must be 512..16777215 (RFC 7143 sec. 13.12)");
		return FALSE;
	}
	return check_list("HeaderDigest", cfg->header_digest, "CRC32C,None", error) &&
	       check_list("DataDigest", cfg->data_digest, "CRC32C,None", error) &&
	       check_list("AuthMethod", cfg->auth_method, "CHAP,None", error);
}

guint16 iproto_neg_login_status(const GError *error)
{
	if (!error || error->domain != IPROTO_ERROR)
		return 0x0300; /* target error: not something the initiator did */
	switch (error->code) {
	case IPROTO_ERROR_AUTH:
	case IPROTO_ERROR_AUTH_ALGORITHM:
		return 0x0201; /* authentication failure */
	case IPROTO_ERROR_KEY_MISSING:
		return 0x0207; /* missing parameter */
	default:
		return 0x0200; /* initiator error */
	}
}
