/* The structure of each iSCSI name type, checked on the normalized name:
 *   iqn.yyyy-mm.reversed.domain[:anything]   RFC 3720 sec. 3.2.6.3.1
 *   eui. + 16 hex digits (EUI-64)           RFC 3720 sec. 3.2.6.3.2
 *   naa. + 16 or 32 hex digits (NAA 64/128) RFC 3980 sec. 2
 * Normalization has already folded case, so hex digits are lowercase here. */
#include "config.h"
#include "libiscsi-name/iname-structure.h"

#include <string.h>

/* Years before 1970 predate every naming authority on the Internet.  The
 * bound is not 1985 (the first .com registration) because deployed names
 * such as iqn.1984-05.com.dell use earlier dates.  Future dates are
 * accepted: validation must not depend on the clock. */
#define IQN_MIN_YEAR 1970
#define DNS_LABEL_MAX 63

gboolean iname_check_date(const char *d, GError **error)
{
	/* "yyyy-mm": four digits, a dash, two digits */
	static const char shape[] = "dddd-dd";
	for (int i = 0; i < 7; i++) {
		gboolean ok = shape[i] == 'd' ? g_ascii_isdigit(d[i]) : d[i] == shape[i];
		if (!ok) {
			g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DATE,
				    "iqn. names need a date yyyy-mm after \"iqn.\" (RFC 3720 sec. 3.2.6.3.1)");
			return FALSE;
		}
	}
	int year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	int month = (d[5] - '0') * 10 + (d[6] - '0');
	if (month < 1 || month > 12) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DATE,
			    "month %02d in the iqn. date does not exist", month);
		return FALSE;
	}
	if (year < IQN_MIN_YEAR) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DATE,
			    "year %04d in the iqn. date predates any naming authority (minimum %d)",
			    year, IQN_MIN_YEAR);
		return FALSE;
	}
	return TRUE;
}

/* The reversed domain name: labels separated by '.', none empty, each at
 * most 63 bytes (RFC 1035 sec. 2.3.4).  A label starting or ending with '-'
 * is a character-rule slip that lenient mode tolerates. */
static gboolean check_domain(const char *dom, gsize len, INameFlags flags, gboolean *warned,
			     GError **error)
{
	if (len == 0) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DOMAIN,
			    "iqn. name has no naming authority after the date");
		return FALSE;
	}
	gsize start = 0;
	for (gsize i = 0; i <= len; i++) {
		if (i < len && dom[i] != '.')
			continue;
		gsize llen = i - start;
		if (llen == 0) {
			g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DOMAIN,
				    "empty label in the naming authority");
			return FALSE;
		}
		if (llen > DNS_LABEL_MAX) {
			g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DOMAIN,
				    "label of %" G_GSIZE_FORMAT " bytes in the naming authority (at most %d)",
				    llen, DNS_LABEL_MAX);
			return FALSE;
		}
		if (dom[start] == '-' || dom[i - 1] == '-') {
			if (!(flags & INAME_LENIENT)) {
				g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DOMAIN,
					    "label in the naming authority starts or ends with '-'");
				return FALSE;
			}
			*warned = TRUE;
		}
		start = i + 1;
	}
	return TRUE;
}

static gboolean check_iqn(const char *rest, INameFlags flags, gboolean *warned, GError **error)
{
	/* iname_check_date() stops at the first byte that breaks the shape,
	 * so a short rest (its NUL) is caught there. */
	if (!iname_check_date(rest, error))
		return FALSE;
	if (rest[7] != '.') {
		g_set_error(error, INAME_ERROR, rest[7] ? INAME_ERROR_BAD_DATE : INAME_ERROR_BAD_DOMAIN,
			    rest[7] ? "the iqn. date must be followed by '.'"
				    : "iqn. name has no naming authority after the date");
		return FALSE;
	}
	const char *dom = rest + 8;
	const char *colon = strchr(dom, ':');
	gsize dlen = colon ? (gsize) (colon - dom) : strlen(dom);
	if (!check_domain(dom, dlen, flags, warned, error))
		return FALSE;
	if (colon && colon[1] == '\0') {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DOMAIN,
			    "nothing follows the ':' after the naming authority");
		return FALSE;
	}
	return TRUE;
}

static gboolean check_hex(const char *rest, gsize n1, gsize n2, const char *type, GError **error)
{
	gsize n = 0;
	while (g_ascii_isxdigit(rest[n]))
		n++;
	if (rest[n] == '\0' && (n == n1 || n == n2))
		return TRUE;
	if (n1 == n2)
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_HEX,
			    "%s names need exactly %" G_GSIZE_FORMAT " hex digits", type, n1);
	else
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_HEX,
			    "%s names need exactly %" G_GSIZE_FORMAT " or %" G_GSIZE_FORMAT " hex digits",
			    type, n1, n2);
	return FALSE;
}

static gboolean check_eui(const char *rest, INameFlags flags, gboolean *warned, GError **error)
{
	return check_hex(rest, 16, 16, "eui.", error);
}

static gboolean check_naa(const char *rest, INameFlags flags, gboolean *warned, GError **error)
{
	return check_hex(rest, 16, 32, "naa.", error);
}

typedef gboolean (*CheckFunc)(const char *rest, INameFlags flags, gboolean *warned, GError **error);

/* RFC 3720 sec. 3.2.6.3 (iqn., eui.) and RFC 3980 (naa.): the type
 * designators. */
static const struct {
	const char prefix[5];
	const char name[4];
	INameType type;
	CheckFunc check;
} name_types[] = {
	{ "iqn.", "iqn", INAME_TYPE_IQN, check_iqn },
	{ "eui.", "eui", INAME_TYPE_EUI, check_eui },
	{ "naa.", "naa", INAME_TYPE_NAA, check_naa },
};

gboolean iname_check_structure(const char *name, INameFlags flags, INameType *type,
			       gboolean *warned, GError **error)
{
	for (gsize i = 0; i < G_N_ELEMENTS(name_types); i++) {
		if (strncmp(name, name_types[i].prefix, 4) != 0)
			continue;
		if (!name_types[i].check(name + 4, flags, warned, error))
			return FALSE;
		*type = name_types[i].type;
		return TRUE;
	}
	g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_TYPE,
		    "an iSCSI name starts with \"iqn.\", \"eui.\" or \"naa.\"");
	return FALSE;
}

const char *iname_type_to_string(INameType type)
{
	for (gsize i = 0; i < G_N_ELEMENTS(name_types); i++)
		if (name_types[i].type == type)
			return name_types[i].name;
	return "unknown";
}
