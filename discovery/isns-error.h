/* The GError domain of the discovery library (IDISC_ERROR).  iSNS status
 * codes travel in IDiscIsnsStatus; these codes are for local failures. */
#pragma once
#include <glib.h>

#define IDISC_ERROR (idisc_error_quark())
GQuark idisc_error_quark(void);

typedef enum {
	IDISC_ERROR_MALFORMED,     /* bytes that break RFC 4171 framing or TLV rules */
	IDISC_ERROR_TOO_LARGE,     /* a bound of ours was exceeded */
	IDISC_ERROR_STATUS,        /* the server answered a non-zero iSNS status */
	IDISC_ERROR_PROTOCOL,      /* an answer that does not fit the request */
	IDISC_ERROR_INVALID,       /* a bad argument from the caller */
	IDISC_ERROR_CLOSED,        /* the peer closed the connection */
	IDISC_ERROR_TIMEOUT,
	IDISC_ERROR_UNAVAILABLE,   /* a local service we need (avahi-daemon) is not reachable */
} IDiscError;
