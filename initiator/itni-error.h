/* ITNI_ERROR: the GError domain of the itnexus initiator library.
 *
 * Codes are stable (append only): applications switch on them.  Messages
 * never contain CHAP secrets. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

#define ITNI_ERROR (itni_error_quark())
GQuark itni_error_quark(void);

typedef enum {
	ITNI_ERROR_FAILED = 0,       /* anything without a better code */
	ITNI_ERROR_INVALID_ARGUMENT, /* the caller passed a bad value */
	ITNI_ERROR_CONNECT,          /* TCP connect to the portal failed */
	ITNI_ERROR_PROTOCOL,         /* the target broke RFC 7143 */
	ITNI_ERROR_AUTH,             /* authentication failed (login status 0x0201, bad CHAP) */
	ITNI_ERROR_AUTHORIZATION,    /* not allowed (login status 0x0202) */
	ITNI_ERROR_NOT_FOUND,        /* target or LUN does not exist (0x0203, 0x0204) */
	ITNI_ERROR_LOGIN,            /* any other login failure (status in the message) */
	ITNI_ERROR_TIMEOUT,          /* no answer in time / replacement timeout expired */
	ITNI_ERROR_CONNECTION_LOST,  /* the connection went away and recovery is off */
	ITNI_ERROR_SCSI,             /* the command ended with a non-GOOD SCSI status */
	ITNI_ERROR_ABORTED,          /* task aborted by task management or logout */
	ITNI_ERROR_CLOSED,           /* session logged out or freed */
} ItniError;

G_END_DECLS
