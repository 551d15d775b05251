/* iSNS protocol constants (RFC 4171).  Values, not bit positions: the RFC
 * numbers bitmap bits MSB-first (bit 0 = MSB), the constants below are the
 * resulting integer values as they travel on the wire. */
#pragma once
#include <glib.h>

/* RFC 4171 sec. 5.1: the 12-byte PDU header. */
#define IDISC_ISNS_HDR_LEN        12
#define IDISC_ISNS_VERSION        0x0001
/* The PDU Length field is 16 bits (sec. 5.1.3). */
#define IDISC_ISNS_MAX_PDU_PAYLOAD 65535u
/* The TCP port assigned to iSNS (sec. 8). */
#define IDISC_ISNS_DEFAULT_PORT   3205

/* Sec. 5.1.4: flags. */
enum {
	IDISC_ISNS_FLAG_CLIENT  = 0x8000,
	IDISC_ISNS_FLAG_SERVER  = 0x4000,
	IDISC_ISNS_FLAG_AUTH    = 0x2000,
	IDISC_ISNS_FLAG_REPLACE = 0x1000,
	IDISC_ISNS_FLAG_LAST    = 0x0800,
	IDISC_ISNS_FLAG_FIRST   = 0x0400,
};

/* Sec. 4.1.3: function IDs.  Responses have bit 0x8000 set. */
typedef enum {
	IDISC_ISNS_DEV_ATTR_REG   = 0x0001,
	IDISC_ISNS_DEV_ATTR_QRY   = 0x0002,
	IDISC_ISNS_DEV_GET_NEXT   = 0x0003,
	IDISC_ISNS_DEV_DEREG      = 0x0004,
	IDISC_ISNS_SCN_REG        = 0x0005,
	IDISC_ISNS_SCN_DEREG      = 0x0006,
	IDISC_ISNS_SCN_EVENT      = 0x0007,
	IDISC_ISNS_SCN            = 0x0008,
	IDISC_ISNS_DD_REG         = 0x0009,
	IDISC_ISNS_DD_DEREG       = 0x000A,
	IDISC_ISNS_DDS_REG        = 0x000B,
	IDISC_ISNS_DDS_DEREG      = 0x000C,
	IDISC_ISNS_ESI            = 0x000D,
	IDISC_ISNS_HEARTBEAT      = 0x000E,
	IDISC_ISNS_RQST_DOM_ID    = 0x0011,
	IDISC_ISNS_RLSE_DOM_ID    = 0x0012,
	IDISC_ISNS_GET_DOM_ID     = 0x0013,
	IDISC_ISNS_RESPONSE       = 0x8000,
} IDiscIsnsFunction;

/* Sec. 5.4: status codes. */
typedef enum {
	IDISC_ISNS_OK                        = 0,
	IDISC_ISNS_UNKNOWN_ERROR             = 1,
	IDISC_ISNS_MSG_FORMAT_ERROR          = 2,
	IDISC_ISNS_INVALID_REGISTRATION      = 3,
	IDISC_ISNS_INVALID_QUERY             = 5,
	IDISC_ISNS_SOURCE_UNKNOWN            = 6,
	IDISC_ISNS_SOURCE_ABSENT             = 7,
	IDISC_ISNS_SOURCE_UNAUTHORIZED       = 8,
	IDISC_ISNS_NO_SUCH_ENTRY             = 9,
	IDISC_ISNS_VERSION_NOT_SUPPORTED     = 10,
	IDISC_ISNS_INTERNAL_ERROR            = 11,
	IDISC_ISNS_BUSY                      = 12,
	IDISC_ISNS_OPTION_NOT_UNDERSTOOD     = 13,
	IDISC_ISNS_INVALID_UPDATE            = 14,
	IDISC_ISNS_MSG_NOT_SUPPORTED         = 15,
	IDISC_ISNS_SCN_EVENT_REJECTED        = 16,
	IDISC_ISNS_SCN_REG_REJECTED          = 17,
	IDISC_ISNS_ATTR_NOT_IMPLEMENTED      = 18,
	IDISC_ISNS_FC_DOMAIN_ID_NOT_AVAIL    = 19,
	IDISC_ISNS_FC_DOMAIN_ID_NOT_ALLOC    = 20,
	IDISC_ISNS_ESI_NOT_AVAILABLE         = 21,
	IDISC_ISNS_INVALID_DEREGISTRATION    = 22,
	IDISC_ISNS_REG_FEATURE_NOT_SUPPORTED = 23,
} IDiscIsnsStatus;

/* Sec. 6.1: attribute tags this suite knows (iSCSI side; FC tags are
 * recognized by the attribute table only to answer status 18). */
enum {
	IDISC_TAG_DELIMITER          = 0,
	IDISC_TAG_ENTITY_ID          = 1,
	IDISC_TAG_ENTITY_PROTOCOL    = 2,
	IDISC_TAG_MGMT_IP            = 3,
	IDISC_TAG_TIMESTAMP          = 4,
	IDISC_TAG_PROTOCOL_VERSION   = 5,
	IDISC_TAG_REG_PERIOD         = 6,
	IDISC_TAG_ENTITY_INDEX       = 7,
	IDISC_TAG_ENTITY_NEXT_INDEX  = 8,
	IDISC_TAG_ENTITY_ISAKMP      = 11,
	IDISC_TAG_ENTITY_CERT        = 12,
	IDISC_TAG_PORTAL_IP          = 16,
	IDISC_TAG_PORTAL_PORT        = 17,
	IDISC_TAG_PORTAL_SYM_NAME    = 18,
	IDISC_TAG_ESI_INTERVAL       = 19,
	IDISC_TAG_ESI_PORT           = 20,
	IDISC_TAG_PORTAL_INDEX       = 22,
	IDISC_TAG_SCN_PORT           = 23,
	IDISC_TAG_PORTAL_NEXT_INDEX  = 24,
	IDISC_TAG_PORTAL_SEC_BITMAP  = 27,
	IDISC_TAG_PORTAL_ISAKMP1     = 28,
	IDISC_TAG_PORTAL_ISAKMP2     = 29,
	IDISC_TAG_PORTAL_CERT        = 31,
	IDISC_TAG_ISCSI_NAME         = 32,
	IDISC_TAG_NODE_TYPE          = 33,
	IDISC_TAG_ALIAS              = 34,
	IDISC_TAG_SCN_BITMAP         = 35,
	IDISC_TAG_NODE_INDEX         = 36,
	IDISC_TAG_WWNN_TOKEN         = 37,
	IDISC_TAG_NODE_NEXT_INDEX    = 38,
	IDISC_TAG_AUTH_METHOD        = 42,
	IDISC_TAG_PG_ISCSI_NAME      = 48,
	IDISC_TAG_PG_PORTAL_IP       = 49,
	IDISC_TAG_PG_PORTAL_PORT     = 50,
	IDISC_TAG_PG_TAG             = 51,
	IDISC_TAG_PG_INDEX           = 52,
	IDISC_TAG_PG_NEXT_INDEX      = 53,
	IDISC_TAG_FC_PORT_WWPN       = 64,
	IDISC_TAG_FC_NODE_WWNN       = 96,
	IDISC_TAG_DDS_ID             = 2049,
	IDISC_TAG_DDS_SYM_NAME       = 2050,
	IDISC_TAG_DDS_STATUS         = 2051,
	IDISC_TAG_DDS_NEXT_ID        = 2052,
	IDISC_TAG_DD_ID              = 2065,
	IDISC_TAG_DD_SYM_NAME        = 2066,
	IDISC_TAG_DD_MEMBER_INDEX    = 2067,
	IDISC_TAG_DD_MEMBER_NAME     = 2068,
	IDISC_TAG_DD_MEMBER_FC_WWPN  = 2069,
	IDISC_TAG_DD_MEMBER_PORTAL_INDEX = 2070,
	IDISC_TAG_DD_MEMBER_PORTAL_IP    = 2071,
	IDISC_TAG_DD_MEMBER_PORTAL_PORT  = 2072,
	IDISC_TAG_DD_FEATURES        = 2078,
	IDISC_TAG_DD_NEXT_ID         = 2079,
};

/* Sec. 6.4.2: iSCSI Node Type values. */
enum {
	IDISC_NODE_TARGET    = 0x1,
	IDISC_NODE_INITIATOR = 0x2,
	IDISC_NODE_CONTROL   = 0x4,
};

/* Sec. 6.4.4: SCN bitmap values. */
enum {
	IDISC_SCN_DD_MEMBER_ADDED    = 0x01,
	IDISC_SCN_DD_MEMBER_REMOVED  = 0x02,
	IDISC_SCN_OBJECT_UPDATED     = 0x04,
	IDISC_SCN_OBJECT_ADDED       = 0x08,
	IDISC_SCN_OBJECT_REMOVED     = 0x10,
	IDISC_SCN_MGMT_REG           = 0x20,
	IDISC_SCN_TARGET_SELF_ONLY   = 0x40,
	IDISC_SCN_INITIATOR_SELF_ONLY = 0x80,
};

/* Sec. 6.3.1/6.3.3: port values carry the port in the low 16 bits and
 * 0x10000 for UDP. */
#define IDISC_PORT_UDP 0x00010000u

/* Sec. 6.11.1.3: DDS status bit "enabled". */
#define IDISC_DDS_ENABLED 0x1u

/* Names for logs and tools; "unknown" for values outside the tables. */
const char *idisc_isns_function_name(guint16 function);
const char *idisc_isns_status_name(guint32 status);
