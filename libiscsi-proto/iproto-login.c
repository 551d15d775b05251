/* Login stages and the Login Response status table (RFC 7143 sec. 6.3,
 * 11.12, 11.13.5). */
#include "config.h"
#include "iproto-login.h"
#include "iproto-error.h"

static const char *const stage_names[4] = {
	[IPROTO_STAGE_SECURITY] = "SecurityNegotiation",
	[IPROTO_STAGE_OPERATIONAL] = "LoginOperationalNegotiation",
	[2] = "Reserved",
	[IPROTO_STAGE_FULL_FEATURE] = "FullFeaturePhase",
};

const char *iproto_login_stage_name(unsigned stage)
{
	return stage < G_N_ELEMENTS(stage_names) ? stage_names[stage] : "Reserved";
}

gboolean iproto_login_check_stages(bool transit, bool cont, unsigned csg, unsigned nsg, GError **error)
{
	/* sec. 11.12.2: "If the T bit is set to 1, the C bit MUST be 0". */
	if (transit && cont) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
			    "Login with both T (transit) and C (continue) set");
		return FALSE;
	}
	/* A login request is always in a negotiation stage (sec. 6.3). */
	if (csg != IPROTO_STAGE_SECURITY && csg != IPROTO_STAGE_OPERATIONAL) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
			    "Login with CSG %u (%s): must be 0 or 1", csg, iproto_login_stage_name(csg));
		return FALSE;
	}
	/* NSG is only meaningful with T=1 (sec. 11.12.3); stages only go
	 * forward, and 2 is reserved. */
	if (transit && (nsg == 2 || nsg > IPROTO_STAGE_FULL_FEATURE || nsg <= csg)) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
			    "Login transit from %s to %s is not allowed",
			    iproto_login_stage_name(csg), iproto_login_stage_name(nsg));
		return FALSE;
	}
	return TRUE;
}

/* sec. 11.13.5; descriptions paraphrase the RFC's table. */
static const IProtoLoginStatusInfo status_table[] = {
	{ IPROTO_LOGIN_SUCCESS, "Success", "login is proceeding OK" },
	{ IPROTO_LOGIN_TARGET_MOVED_TEMPORARILY, "Target moved temporarily",
	  "the requested target has moved temporarily to the address given in TargetAddress" },
	{ IPROTO_LOGIN_TARGET_MOVED_PERMANENTLY, "Target moved permanently",
	  "the requested target has moved permanently to the address given in TargetAddress" },
	{ IPROTO_LOGIN_INITIATOR_ERROR, "Initiator error", "miscellaneous initiator error" },
	{ IPROTO_LOGIN_AUTH_FAILURE, "Authentication failure", "the initiator could not be authenticated" },
	{ IPROTO_LOGIN_AUTHORIZATION_FAILURE, "Authorization failure",
	  "the initiator is not allowed access to the given target" },
	{ IPROTO_LOGIN_NOT_FOUND, "Not found", "the requested target name does not exist here" },
	{ IPROTO_LOGIN_TARGET_REMOVED, "Target removed",
	  "the target has been removed and no forwarding address is provided" },
	{ IPROTO_LOGIN_UNSUPPORTED_VERSION, "Unsupported version",
	  "the requested iSCSI version range is not supported by the target" },
	{ IPROTO_LOGIN_TOO_MANY_CONNECTIONS, "Too many connections",
	  "too many connections on this session ID" },
	{ IPROTO_LOGIN_MISSING_PARAMETER, "Missing parameter", "a required parameter is missing" },
	{ IPROTO_LOGIN_CANT_INCLUDE_IN_SESSION, "Can't include in session",
	  "the target does not support session spanning to this connection (address)" },
	{ IPROTO_LOGIN_SESSION_TYPE_UNSUPPORTED, "Session type not supported",
	  "the target does not support this type of session or not from this initiator" },
	{ IPROTO_LOGIN_SESSION_DOES_NOT_EXIST, "Session does not exist",
	  "an attempt was made to add a connection to a non-existent session" },
	{ IPROTO_LOGIN_INVALID_DURING_LOGIN, "Invalid request type during login",
	  "an invalid request type was sent during login" },
	{ IPROTO_LOGIN_TARGET_ERROR, "Target error", "the target hardware or software encountered an error" },
	{ IPROTO_LOGIN_SERVICE_UNAVAILABLE, "Service unavailable",
	  "the iSCSI service or target is not currently operational" },
	{ IPROTO_LOGIN_OUT_OF_RESOURCES, "Out of resources",
	  "the target has insufficient session, connection or other resources" },
};

const IProtoLoginStatusInfo *iproto_login_status_info(uint8_t status_class, uint8_t status_detail)
{
	uint16_t code = (uint16_t) (status_class << 8 | status_detail);
	for (size_t i = 0; i < G_N_ELEMENTS(status_table); i++)
		if (status_table[i].status == code)
			return &status_table[i];
	return NULL;
}

const char *iproto_login_status_string(uint8_t status_class, uint8_t status_detail)
{
	const IProtoLoginStatusInfo *info = iproto_login_status_info(status_class, status_detail);
	return info ? info->name : "Unknown status";
}
