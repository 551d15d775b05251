/* Names of iSNS functions (RFC 4171 sec. 4.1.3) and status codes (sec. 5.4),
 * for logs, tools and error messages. */
#include "config.h"
#include "discovery/isns-proto.h"
#include "discovery/isns-error.h"

G_DEFINE_QUARK(idisc-error-quark, idisc_error)

static const char *const function_names[] = {
	[IDISC_ISNS_DEV_ATTR_REG] = "DevAttrReg",
	[IDISC_ISNS_DEV_ATTR_QRY] = "DevAttrQry",
	[IDISC_ISNS_DEV_GET_NEXT] = "DevGetNext",
	[IDISC_ISNS_DEV_DEREG]    = "DevDereg",
	[IDISC_ISNS_SCN_REG]      = "SCNReg",
	[IDISC_ISNS_SCN_DEREG]    = "SCNDereg",
	[IDISC_ISNS_SCN_EVENT]    = "SCNEvent",
	[IDISC_ISNS_SCN]          = "SCN",
	[IDISC_ISNS_DD_REG]       = "DDReg",
	[IDISC_ISNS_DD_DEREG]     = "DDDereg",
	[IDISC_ISNS_DDS_REG]      = "DDSReg",
	[IDISC_ISNS_DDS_DEREG]    = "DDSDereg",
	[IDISC_ISNS_ESI]          = "ESI",
	[IDISC_ISNS_HEARTBEAT]    = "Heartbeat",
	[IDISC_ISNS_RQST_DOM_ID]  = "RqstDomId",
	[IDISC_ISNS_RLSE_DOM_ID]  = "RlseDomId",
	[IDISC_ISNS_GET_DOM_ID]   = "GetDomId",
};

static const char *const status_names[] = {
	[IDISC_ISNS_OK]                        = "Successful",
	[IDISC_ISNS_UNKNOWN_ERROR]             = "Unknown Error",
	[IDISC_ISNS_MSG_FORMAT_ERROR]          = "Message Format Error",
	[IDISC_ISNS_INVALID_REGISTRATION]      = "Invalid Registration",
	[4]                                    = "Reserved",
	[IDISC_ISNS_INVALID_QUERY]             = "Invalid Query",
	[IDISC_ISNS_SOURCE_UNKNOWN]            = "Source Unknown",
	[IDISC_ISNS_SOURCE_ABSENT]             = "Source Absent",
	[IDISC_ISNS_SOURCE_UNAUTHORIZED]       = "Source Unauthorized",
	[IDISC_ISNS_NO_SUCH_ENTRY]             = "No Such Entry",
	[IDISC_ISNS_VERSION_NOT_SUPPORTED]     = "Version Not Supported",
	[IDISC_ISNS_INTERNAL_ERROR]            = "Internal Error",
	[IDISC_ISNS_BUSY]                      = "Busy",
	[IDISC_ISNS_OPTION_NOT_UNDERSTOOD]     = "Option Not Understood",
	[IDISC_ISNS_INVALID_UPDATE]            = "Invalid Update",
	[IDISC_ISNS_MSG_NOT_SUPPORTED]         = "Message (FUNCTION_ID) Not Supported",
	[IDISC_ISNS_SCN_EVENT_REJECTED]        = "SCN Event Rejected",
	[IDISC_ISNS_SCN_REG_REJECTED]          = "SCN Registration Rejected",
	[IDISC_ISNS_ATTR_NOT_IMPLEMENTED]      = "Attribute Not Implemented",
	[IDISC_ISNS_FC_DOMAIN_ID_NOT_AVAIL]    = "FC_DOMAIN_ID Not Available",
	[IDISC_ISNS_FC_DOMAIN_ID_NOT_ALLOC]    = "FC_DOMAIN_ID Not Allocated",
	[IDISC_ISNS_ESI_NOT_AVAILABLE]         = "ESI Not Available",
	[IDISC_ISNS_INVALID_DEREGISTRATION]    = "Invalid Deregistration",
	[IDISC_ISNS_REG_FEATURE_NOT_SUPPORTED] = "Registration Feature Not Supported",
};

const char *idisc_isns_function_name(guint16 function)
{
	guint16 f = function & ~IDISC_ISNS_RESPONSE;
	if (f < G_N_ELEMENTS(function_names) && function_names[f])
		return function_names[f];
	return "unknown";
}

const char *idisc_isns_status_name(guint32 status)
{
	if (status < G_N_ELEMENTS(status_names) && status_names[status])
		return status_names[status];
	return "unknown status";
}
