/* RFC 3722: the stringprep profile for iSCSI names, applied through libidn's
 * "iSCSI" profile (case folding per RFC 3454 table B.2, NFKC, the prohibited
 * output of RFC 3722 sec. 6, bidi checks of RFC 3454 sec. 6).
 *
 * ASCII is classified first with a table, so that a prohibited ASCII
 * character gets a precise error naming it, and so that lenient mode can
 * accept the punctuation deployed peers put into their names. */
#include "config.h"
#include "libiscsi-name/iname-stringprep.h"

#include <stdlib.h>
#include <string.h>
#include <stringprep.h>

typedef enum {
	ASCII_FORBIDDEN = 0, /* control, space, URL and key=value delimiters */
	ASCII_OK,            /* a-z 0-9 - . : (RFC 3720 sec. 3.2.6.2) */
	ASCII_UPPER,         /* A-Z: case-folded to a-z by the profile */
	ASCII_LENIENT,       /* prohibited by RFC 3722, accepted from peers */
} AsciiClass;

/* Characters not listed are ASCII_FORBIDDEN.  The lenient set leaves out
 * everything that delimits a name somewhere in iSCSI: '/', '?', '@', '%',
 * '#', '&' in URLs, ',' and '[' ']' in TargetAddress, '=' in text keys,
 * quotes and backslashes in config files and shells. */
static const guint8 ascii_class[128] = {
	['-'] = ASCII_OK, ['.'] = ASCII_OK, [':'] = ASCII_OK,
	['0' ... '9'] = ASCII_OK,
	['a' ... 'z'] = ASCII_OK,
	['A' ... 'Z'] = ASCII_UPPER,
	['_'] = ASCII_LENIENT, ['~'] = ASCII_LENIENT, ['+'] = ASCII_LENIENT,
	['!'] = ASCII_LENIENT, ['$'] = ASCII_LENIENT, ['('] = ASCII_LENIENT,
	[')'] = ASCII_LENIENT, ['*'] = ASCII_LENIENT, [';'] = ASCII_LENIENT,
	['^'] = ASCII_LENIENT,
};

static void set_char_error(GError **error, guint8 c)
{
	if (c >= 0x21 && c < 0x7f)
		g_set_error(error, INAME_ERROR, INAME_ERROR_PROHIBITED_CHAR,
			    "character '%c' (U+%04X) is not allowed in an iSCSI name (RFC 3722 sec. 6)",
			    c, c);
	else
		g_set_error(error, INAME_ERROR, INAME_ERROR_PROHIBITED_CHAR,
			    "character U+%04X is not allowed in an iSCSI name (RFC 3722 sec. 6)", c);
}

/* One stringprep run.  Names are stored strings, so unassigned code points
 * are refused (RFC 3454 sec. 7); a name from a peer is a query, where they
 * may pass, so lenient mode retries without that check. */
static char *prep_segment(const char *in, INameFlags flags, gboolean *warned, GError **error)
{
	char *out = NULL;
	int rc = stringprep_profile(in, &out, "iSCSI", STRINGPREP_NO_UNASSIGNED);
	if (rc == STRINGPREP_CONTAINS_UNASSIGNED && (flags & INAME_LENIENT)) {
		*warned = TRUE;
		rc = stringprep_profile(in, &out, "iSCSI", 0);
	}
	if (rc == STRINGPREP_OK) {
		char *copy = g_strdup(out);
		free(out);
		return copy;
	}
	free(out);
	switch (rc) {
	case STRINGPREP_CONTAINS_PROHIBITED:
		g_set_error(error, INAME_ERROR, INAME_ERROR_PROHIBITED_CHAR,
			    "name contains a character prohibited in iSCSI names (RFC 3722 sec. 6)");
		break;
	case STRINGPREP_CONTAINS_UNASSIGNED:
		g_set_error(error, INAME_ERROR, INAME_ERROR_STRINGPREP,
			    "name contains a code point unassigned in Unicode 3.2 (RFC 3722 sec. 9)");
		break;
	case STRINGPREP_BIDI_BOTH_L_AND_RAL:
	case STRINGPREP_BIDI_LEADTRAIL_NOT_RAL:
	case STRINGPREP_BIDI_CONTAINS_PROHIBITED:
		g_set_error(error, INAME_ERROR, INAME_ERROR_STRINGPREP,
			    "name breaks the bidirectional text rules (RFC 3722 sec. 7, RFC 3454 sec. 6)");
		break;
	default:
		g_set_error(error, INAME_ERROR, INAME_ERROR_STRINGPREP,
			    "stringprep failed: %s", stringprep_strerror(rc));
		break;
	}
	return NULL;
}

char *iname_stringprep(const char *name, INameFlags flags, gboolean *warned, GError **error)
{
	gboolean lenient_chars = FALSE;
	for (const guint8 *p = (const guint8 *) name; *p; p++) {
		if (*p >= 0x80)
			continue;
		switch (ascii_class[*p]) {
		case ASCII_OK:
		case ASCII_UPPER:
			break;
		case ASCII_LENIENT:
			if (!(flags & INAME_LENIENT)) {
				set_char_error(error, *p);
				return NULL;
			}
			lenient_chars = TRUE;
			break;
		default:
			set_char_error(error, *p);
			return NULL;
		}
	}
	if (!lenient_chars)
		return prep_segment(name, flags, warned, error);

	/* The profile prohibits the tolerated punctuation, so prepare the runs
	 * between those characters one by one and keep the punctuation as it
	 * is: case folding and NFKC never change ASCII punctuation. */
	*warned = TRUE;
	GString *out = g_string_sized_new(strlen(name));
	const char *run = name;
	for (const char *p = name;; p++) {
		guint8 c = (guint8) *p;
		if (c != 0 && !(c < 0x80 && ascii_class[c] == ASCII_LENIENT))
			continue;
		if (p > run) {
			g_autofree char *seg_in = g_strndup(run, (gsize) (p - run));
			g_autofree char *seg = prep_segment(seg_in, flags, warned, error);
			if (!seg) {
				g_string_free(out, TRUE);
				return NULL;
			}
			g_string_append(out, seg);
		}
		if (c == 0)
			break;
		g_string_append_c(out, (char) c);
		run = p + 1;
	}
	return g_string_free(out, FALSE);
}
