/* The GError domain of libiscsi-name.  Messages name the rule that was
 * broken; they never echo URL credentials (secrets stay out of errors). */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

#define INAME_ERROR (iname_error_quark())
GQuark iname_error_quark(void);

typedef enum {
	INAME_ERROR_EMPTY,            /* empty name */
	INAME_ERROR_TOO_LONG,         /* > INAME_MAX_LEN bytes after normalization */
	INAME_ERROR_BAD_TYPE,         /* not iqn., eui. or naa. */
	INAME_ERROR_BAD_DATE,         /* iqn. date not a real yyyy-mm */
	INAME_ERROR_BAD_DOMAIN,       /* iqn. naming authority malformed */
	INAME_ERROR_BAD_HEX,          /* eui./naa. not 16 (or 32) hex digits */
	INAME_ERROR_PROHIBITED_CHAR,  /* RFC 3722 sec. 6 prohibited output */
	INAME_ERROR_STRINGPREP,       /* other stringprep failure (bidi, unassigned) */
	INAME_ERROR_BAD_URL,          /* iSCSI URL malformed */
	INAME_ERROR_BAD_ADDRESS,      /* TargetAddress malformed */
	INAME_ERROR_BAD_UTF8,         /* input is not UTF-8 */
	INAME_ERROR_MACHINE_ID,       /* no machine id to derive a name from */
	INAME_ERROR_SECRETS_FILE,     /* secrets file not private to its owner */
} INameError;

G_END_DECLS
