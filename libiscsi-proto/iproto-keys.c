/* The key table: one row per key of RFC 7143 sec. 12 and 13, the obsoleted
 * marker keys and the iSER keys (RFC 7145 sec. 6). */
#include "config.h"
#include <string.h>
#include "libiscsi-proto/iproto-keys.h"
#include "libiscsi-proto/iproto-text.h"

#define SEC IPROTO_PHASE_SECURITY
#define OPN IPROTO_PHASE_OPERATIONAL
#define LOGIN IPROTO_PHASE_LOGIN
#define ANY IPROTO_PHASE_ANY
#define FFP IPROTO_PHASE_FFP

#define LO IPROTO_KEYF_LO
#define SW IPROTO_KEYF_SESSION
#define FI IPROTO_KEYF_FROM_INITIATOR
#define FT IPROTO_KEYF_FROM_TARGET
#define FB IPROTO_KEYF_FROM_BOTH
#define IRRD IPROTO_KEYF_IRR_DISCOVERY
#define IRRB IPROTO_KEYF_IRR_BURST
#define REP IPROTO_KEYF_REPEATABLE
#define BIG IPROTO_KEYF_LARGE
#define OBS IPROTO_KEYF_OBSOLETE

#define T(x) IPROTO_KEY_TYPE_##x
#define R(x) IPROTO_KEY_RESULT_##x
#define K(x) IPROTO_KEY_##x

/* 2^24 - 1: the largest data segment length a BHS can carry (sec. 13.12). */
#define DSL_MAX 16777215

static const IProtoKeyDef key_table[IPROTO_KEY_COUNT] = {
	/* id, name, type, result, min, max, values, default, phases, flags, source */
	{ K(AUTH_METHOD), "AuthMethod", T(LIST), R(LIST), 0, 0, "KRB5,SRP,CHAP,None", "None", SEC, FB,
	  "RFC 7143 sec. 12.1" },
	{ K(CHAP_A), "CHAP_A", T(AUTH), R(CALLER), 0, 0, NULL, NULL, SEC, FB, "RFC 7143 sec. 12.1.3" },
	{ K(CHAP_I), "CHAP_I", T(AUTH), R(CALLER), 0, 255, NULL, NULL, SEC, FB, "RFC 7143 sec. 12.1.3" },
	{ K(CHAP_C), "CHAP_C", T(AUTH), R(CALLER), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.3" },
	{ K(CHAP_N), "CHAP_N", T(AUTH), R(CALLER), 0, 0, NULL, NULL, SEC, FB, "RFC 7143 sec. 12.1.3" },
	{ K(CHAP_R), "CHAP_R", T(AUTH), R(CALLER), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.3" },
	/* SRP and Kerberos items: we never agree to those methods, so they
	 * are answered NotUnderstood if a peer sends them anyway. */
	{ K(SRP_U), "SRP_U", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB, "RFC 7143 sec. 12.1.2" },
	{ K(TARGET_AUTH), "TargetAuth", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB, "RFC 7143 sec. 12.1.2" },
	{ K(SRP_G), "SRP_GROUP", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB, "RFC 7143 sec. 12.1.2" },
	{ K(SRP_S), "SRP_s", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.2" },
	{ K(SRP_A), "SRP_A", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.2" },
	{ K(SRP_B), "SRP_B", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.2" },
	{ K(SRP_M), "SRP_M", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.2" },
	{ K(SRP_HM), "SRP_HM", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.2" },
	{ K(KRB_AP_REQ), "KRB_AP_REQ", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.1" },
	{ K(KRB_AP_REP), "KRB_AP_REP", T(AUTH), R(NONE), 0, 0, NULL, NULL, SEC, FB | BIG, "RFC 7143 sec. 12.1.1" },

	{ K(HEADER_DIGEST), "HeaderDigest", T(LIST), R(LIST), 0, 0, "CRC32C,None", "None", OPN, FB,
	  "RFC 7143 sec. 13.1" },
	{ K(DATA_DIGEST), "DataDigest", T(LIST), R(LIST), 0, 0, "CRC32C,None", "None", OPN, FB,
	  "RFC 7143 sec. 13.1" },
	{ K(MAX_CONNECTIONS), "MaxConnections", T(NUMERIC), R(MIN), 1, 65535, NULL, "1", OPN, LO | SW | FB | IRRD,
	  "RFC 7143 sec. 13.2" },
	{ K(SEND_TARGETS), "SendTargets", T(STRING), R(CALLER), 0, 0, NULL, NULL, FFP, SW | FI,
	  "RFC 7143 sec. 13.3" },
	{ K(TARGET_NAME), "TargetName", T(NAME), R(NONE), 0, 0, NULL, NULL, LOGIN, SW | FI, "RFC 7143 sec. 13.4" },
	{ K(INITIATOR_NAME), "InitiatorName", T(NAME), R(NONE), 0, 0, NULL, NULL, LOGIN, SW | FI,
	  "RFC 7143 sec. 13.5" },
	{ K(TARGET_ALIAS), "TargetAlias", T(STRING), R(NONE), 0, 0, NULL, NULL, ANY, SW | FT, "RFC 7143 sec. 13.6" },
	{ K(INITIATOR_ALIAS), "InitiatorAlias", T(STRING), R(NONE), 0, 0, NULL, NULL, ANY, SW | FI,
	  "RFC 7143 sec. 13.7" },
	{ K(TARGET_ADDRESS), "TargetAddress", T(STRING), R(NONE), 0, 0, NULL, NULL, ANY, FT | REP,
	  "RFC 7143 sec. 13.8" },
	{ K(TARGET_PORTAL_GROUP_TAG), "TargetPortalGroupTag", T(NUMERIC), R(NONE), 0, 65535, NULL, NULL, LOGIN,
	  SW | FT, "RFC 7143 sec. 13.9" },
	{ K(INITIAL_R2T), "InitialR2T", T(BOOLEAN), R(OR), 0, 0, NULL, "Yes", OPN, LO | SW | FB | IRRD,
	  "RFC 7143 sec. 13.10" },
	{ K(IMMEDIATE_DATA), "ImmediateData", T(BOOLEAN), R(AND), 0, 0, NULL, "Yes", OPN, LO | SW | FB | IRRD,
	  "RFC 7143 sec. 13.11" },
	{ K(MAX_RECV_DATA_SEGMENT_LENGTH), "MaxRecvDataSegmentLength", T(NUMERIC), R(NONE), 512, DSL_MAX, NULL,
	  "8192", OPN | FFP, FB, "RFC 7143 sec. 13.12" },
	{ K(MAX_BURST_LENGTH), "MaxBurstLength", T(NUMERIC), R(MIN), 512, DSL_MAX, NULL, "262144", OPN,
	  LO | SW | FB | IRRD, "RFC 7143 sec. 13.13" },
	{ K(FIRST_BURST_LENGTH), "FirstBurstLength", T(NUMERIC), R(MIN), 512, DSL_MAX, NULL, "65536", OPN,
	  LO | SW | FB | IRRD | IRRB, "RFC 7143 sec. 13.14" },
	{ K(DEFAULT_TIME2WAIT), "DefaultTime2Wait", T(NUMERIC), R(MAX), 0, 3600, NULL, "2", OPN, LO | SW | FB,
	  "RFC 7143 sec. 13.15" },
	{ K(DEFAULT_TIME2RETAIN), "DefaultTime2Retain", T(NUMERIC), R(MIN), 0, 3600, NULL, "20", OPN, LO | SW | FB,
	  "RFC 7143 sec. 13.16" },
	{ K(MAX_OUTSTANDING_R2T), "MaxOutstandingR2T", T(NUMERIC), R(MIN), 1, 65535, NULL, "1", OPN,
	  LO | SW | FB | IRRD, "RFC 7143 sec. 13.17" },
	{ K(DATA_PDU_IN_ORDER), "DataPDUInOrder", T(BOOLEAN), R(OR), 0, 0, NULL, "Yes", OPN, LO | SW | FB | IRRD,
	  "RFC 7143 sec. 13.18" },
	{ K(DATA_SEQUENCE_IN_ORDER), "DataSequenceInOrder", T(BOOLEAN), R(OR), 0, 0, NULL, "Yes", OPN,
	  LO | SW | FB | IRRD, "RFC 7143 sec. 13.19" },
	{ K(ERROR_RECOVERY_LEVEL), "ErrorRecoveryLevel", T(NUMERIC), R(MIN), 0, 2, NULL, "0", OPN, LO | SW | FB,
	  "RFC 7143 sec. 13.20" },
	{ K(SESSION_TYPE), "SessionType", T(ENUM), R(NONE), 0, 0, "Discovery,Normal", "Normal", LOGIN,
	  LO | SW | FI, "RFC 7143 sec. 13.21" },
	{ K(TASK_REPORTING), "TaskReporting", T(LIST), R(LIST), 0, 0, "RFC3720,ResponseFence,FastAbort", "RFC3720",
	  OPN, LO | SW | FB | IRRD, "RFC 7143 sec. 13.23" },
	{ K(PROTOCOL_LEVEL), "iSCSIProtocolLevel", T(NUMERIC), R(MIN), 0, 31, NULL, "1", OPN, LO | SW | FB,
	  "RFC 7143 sec. 13.24" },
	{ K(NODE_ARCHITECTURE), "X#NodeArchitecture", T(STRING), R(NONE), 0, 0, NULL, NULL, LOGIN, LO | SW | FB,
	  "RFC 7143 sec. 13.26" },
	/* sec. 13.25: markers are obsolete; *Marker SHOULD, *MarkInt MUST be answered Reject. */
	{ K(OF_MARKER), "OFMarker", T(BOOLEAN), R(REJECT), 0, 0, NULL, "No", OPN, FB | OBS, "RFC 7143 sec. 13.25" },
	{ K(IF_MARKER), "IFMarker", T(BOOLEAN), R(REJECT), 0, 0, NULL, "No", OPN, FB | OBS, "RFC 7143 sec. 13.25" },
	{ K(OF_MARK_INT), "OFMarkInt", T(RANGE), R(REJECT), 1, 65535, NULL, "2048", OPN, FB | OBS,
	  "RFC 7143 sec. 13.25" },
	{ K(IF_MARK_INT), "IFMarkInt", T(RANGE), R(REJECT), 1, 65535, NULL, "2048", OPN, FB | OBS,
	  "RFC 7143 sec. 13.25" },
	/* iSER (RFC 7145 sec. 6): we never enable RDMA, so AND with our No,
	 * and the per-direction iSER lengths are Irrelevant. */
	{ K(RDMA_EXTENSIONS), "RDMAExtensions", T(BOOLEAN), R(AND), 0, 0, NULL, "No", OPN, LO | SW | FB,
	  "RFC 7145 sec. 6.3" },
	{ K(INITIATOR_RECV_DSL), "InitiatorRecvDataSegmentLength", T(NUMERIC), R(IRRELEVANT), 512, DSL_MAX, NULL,
	  "8192", OPN, FI, "RFC 7145 sec. 6.5" },
	{ K(TARGET_RECV_DSL), "TargetRecvDataSegmentLength", T(NUMERIC), R(IRRELEVANT), 512, DSL_MAX, NULL, "8192",
	  OPN, FT, "RFC 7145 sec. 6.4" },
};

const IProtoKeyDef *iproto_key_get(IProtoKeyId id)
{
	g_return_val_if_fail((guint) id < IPROTO_KEY_COUNT, NULL);
	return &key_table[id];
}

const IProtoKeyDef *iproto_key_lookup(const char *name)
{
	/* 50 rows: a linear scan is cheaper than building a hash table and
	 * only runs during login. */
	for (guint i = 0; i < G_N_ELEMENTS(key_table); i++)
		if (strcmp(key_table[i].name, name) == 0)
			return &key_table[i];
	return NULL;
}

gboolean iproto_key_is_extension(const char *name)
{
	return name[0] == 'X' && (name[1] == '-' || name[1] == '#');
}

gboolean iproto_key_name_valid(const char *name, gsize len)
{
	if (len == 0 || len > IPROTO_TEXT_KEY_MAX)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		char c = name[i];
		if (!g_ascii_isalnum(c) && !(c && strchr(".-+@_#", c)))
			return FALSE;
		if (c == '#' && !(i == 1 && name[0] == 'X'))
			return FALSE;
	}
	return TRUE;
}

gsize iproto_key_value_max(const IProtoKeyDef *def)
{
	return def && (def->flags & IPROTO_KEYF_LARGE) ? IPROTO_TEXT_LARGE_VALUE_MAX : IPROTO_TEXT_VALUE_MAX;
}
