/* Login phase helpers: stages, the CSG/NSG/T/C rules (RFC 7143 sec. 6.3,
 * 11.12, 11.13) and the Login Response status table (sec. 11.13.5). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/* The only version the RFC defines (sec. 11.12.4). */
#define IPROTO_VERSION 0x00

/* CSG/NSG codes (sec. 11.12.3); 2 is reserved. */
typedef enum {
	IPROTO_STAGE_SECURITY = 0,
	IPROTO_STAGE_OPERATIONAL = 1,
	IPROTO_STAGE_FULL_FEATURE = 3,
} IProtoLoginStage;

/* "SecurityNegotiation", "LoginOperationalNegotiation", "FullFeaturePhase",
 * or "Reserved" for 2 and out-of-range values. */
const char *iproto_login_stage_name(unsigned stage);

/* Checks one Login Request's stage fields: CSG must be 0 or 1, NSG (when
 * T=1) must be 1 or 3 and greater than CSG (sec. 6.3: stages only move
 * forward), T and C must not both be set (sec. 11.12.2).  Errors are
 * IPROTO_ERROR_PDU_FORMAT (a target answers 0x0200 Initiator error). */
gboolean iproto_login_check_stages(bool transit, bool cont, unsigned csg, unsigned nsg, GError **error);

/* Status-Class (sec. 11.13.5). */
enum {
	IPROTO_LOGIN_CLASS_SUCCESS = 0,
	IPROTO_LOGIN_CLASS_REDIRECT = 1,
	IPROTO_LOGIN_CLASS_INITIATOR_ERROR = 2,
	IPROTO_LOGIN_CLASS_TARGET_ERROR = 3,
};

/* Status-Class << 8 | Status-Detail (sec. 11.13.5). */
typedef enum {
	IPROTO_LOGIN_SUCCESS = 0x0000,
	IPROTO_LOGIN_TARGET_MOVED_TEMPORARILY = 0x0101,
	IPROTO_LOGIN_TARGET_MOVED_PERMANENTLY = 0x0102,
	IPROTO_LOGIN_INITIATOR_ERROR = 0x0200,
	IPROTO_LOGIN_AUTH_FAILURE = 0x0201,
	IPROTO_LOGIN_AUTHORIZATION_FAILURE = 0x0202,
	IPROTO_LOGIN_NOT_FOUND = 0x0203,
	IPROTO_LOGIN_TARGET_REMOVED = 0x0204,
	IPROTO_LOGIN_UNSUPPORTED_VERSION = 0x0205,
	IPROTO_LOGIN_TOO_MANY_CONNECTIONS = 0x0206,
	IPROTO_LOGIN_MISSING_PARAMETER = 0x0207,
	IPROTO_LOGIN_CANT_INCLUDE_IN_SESSION = 0x0208,
	IPROTO_LOGIN_SESSION_TYPE_UNSUPPORTED = 0x0209,
	IPROTO_LOGIN_SESSION_DOES_NOT_EXIST = 0x020a,
	IPROTO_LOGIN_INVALID_DURING_LOGIN = 0x020b,
	IPROTO_LOGIN_TARGET_ERROR = 0x0300,
	IPROTO_LOGIN_SERVICE_UNAVAILABLE = 0x0301,
	IPROTO_LOGIN_OUT_OF_RESOURCES = 0x0302,
} IProtoLoginStatus;

typedef struct {
	uint16_t status;       /* IProtoLoginStatus */
	const char *name;      /* the RFC's short name, e.g. "Authentication failure" */
	const char *description; /* one sentence for logs and itnctl */
} IProtoLoginStatusInfo;

/* NULL for a code outside the RFC's table. */
const IProtoLoginStatusInfo *iproto_login_status_info(uint8_t status_class, uint8_t status_detail);
/* A human string for any code; unknown codes give "Unknown status". */
const char *iproto_login_status_string(uint8_t status_class, uint8_t status_detail);

static inline uint8_t iproto_login_status_class(IProtoLoginStatus s)
{
	return (uint8_t) (s >> 8);
}
static inline uint8_t iproto_login_status_detail(IProtoLoginStatus s)
{
	return (uint8_t) s;
}

G_END_DECLS
