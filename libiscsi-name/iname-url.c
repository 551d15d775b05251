/* iSCSI URLs, parsed the way libiscsi's iscsi_parse_url() reads them (so
 * that any URL that works with iscsi-ls, iscsi-inq or qemu-img works here):
 * the query is cut at the first '?', the credentials end at the first '@',
 * the secret follows the first '%' of the credentials (or, without '%', the
 * first ':'), and only the target name is percent-decoded.
 *
 * Secrets never reach an error message: no error quotes the URL or any part
 * of it that could hold a mistyped secret. */
#include "config.h"
#include "libiscsi-name/iname-url.h"
#include "libiscsi-name/iname-hostport.h"
#include "libiscsi-name/iname-name.h"

#include <string.h>

/* libiscsi's LUN is an int; SAM flat addressing reaches 16383 and tgt
 * allows more, so accept what fits 16 bits. */
#define URL_LUN_MAX 65535

static void set_url_error(GError **error, const char *msg)
{
	g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_URL, "iSCSI URL: %s", msg);
}

/* Which bytes a credential may hold so that the URL reads back the same:
 * printable ASCII or UTF-8, never '@' or '?' (they end the credentials), and
 * in a name never '%' (it starts the secret).  Query values may hold
 * anything printable but '&'. */
typedef enum { FIELD_USER, FIELD_SECRET, FIELD_QUERY } FieldKind;

static gboolean field_ok(const char *s, gsize len, FieldKind kind)
{
	if (len == 0)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		guint8 c = (guint8) s[i];
		if (c <= 0x20 || c == 0x7f)
			return FALSE;
		if (kind == FIELD_QUERY ? c == '&' : (c == '@' || c == '?'))
			return FALSE;
		if (kind == FIELD_USER && c == '%')
			return FALSE;
	}
	return TRUE;
}

/* RFC 3986 percent-decoding, strict: "%" must be followed by two hex
 * digits and may not produce NUL. */
static char *pct_decode(const char *s, gsize len)
{
	GString *out = g_string_sized_new(len);
	for (gsize i = 0; i < len; i++) {
		if (s[i] != '%') {
			g_string_append_c(out, s[i]);
			continue;
		}
		if (i + 2 >= len || !g_ascii_isxdigit(s[i + 1]) || !g_ascii_isxdigit(s[i + 2])) {
			g_string_free(out, TRUE);
			return NULL;
		}
		char c = (char) (g_ascii_xdigit_value(s[i + 1]) << 4 | g_ascii_xdigit_value(s[i + 2]));
		if (c == '\0') {
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append_c(out, c);
		i += 2;
	}
	return g_string_free(out, FALSE);
}

/* The query arguments libiscsi understands, as a table. */
typedef enum { ARG_DIGEST, ARG_STRING, ARG_SECRET, ARG_AUTH } ArgKind;

static const struct {
	const char *key;
	ArgKind kind;
	gsize offset; /* of the field in INameUrl */
} url_args[] = {
	{ "header_digest", ARG_DIGEST, G_STRUCT_OFFSET(INameUrl, header_digest_crc32c) },
	{ "data_digest", ARG_DIGEST, G_STRUCT_OFFSET(INameUrl, data_digest_crc32c) },
	{ "target_user", ARG_STRING, G_STRUCT_OFFSET(INameUrl, target_user) },
	{ "target_password", ARG_SECRET, G_STRUCT_OFFSET(INameUrl, target_secret) },
	{ "auth", ARG_AUTH, G_STRUCT_OFFSET(INameUrl, auth) },
	{ "force_usn", ARG_STRING, G_STRUCT_OFFSET(INameUrl, force_usn) },
};

/* CHAP algorithms by the names libiscsi's auth= takes (IANA CHAP_A 5-8). */
static const char *const auth_names[] = { "md5", "sha1", "sha-256", "sha3-256" };

static gboolean parse_arg(INameUrl *u, const char *item, gsize len, guint *seen, GError **error)
{
	const char *eq = memchr(item, '=', len);
	if (!eq) {
		set_url_error(error, "query argument without '=value'");
		return FALSE;
	}
	gsize klen = (gsize) (eq - item);
	const char *val = eq + 1;
	gsize vlen = len - klen - 1;
	for (gsize i = 0; i < G_N_ELEMENTS(url_args); i++) {
		if (strlen(url_args[i].key) != klen || memcmp(url_args[i].key, item, klen) != 0)
			continue;
		if (*seen & (1u << i)) {
			g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_URL,
				    "iSCSI URL: argument %s given twice", url_args[i].key);
			return FALSE;
		}
		*seen |= 1u << i;
		gpointer field = G_STRUCT_MEMBER_P(u, url_args[i].offset);
		switch (url_args[i].kind) {
		case ARG_DIGEST:
			if (vlen == 6 && memcmp(val, "crc32c", 6) == 0)
				*(gboolean *) field = TRUE;
			else if (vlen == 4 && memcmp(val, "none", 4) == 0)
				*(gboolean *) field = FALSE;
			else {
				g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_URL,
					    "iSCSI URL: %s must be crc32c or none", url_args[i].key);
				return FALSE;
			}
			return TRUE;
		case ARG_AUTH:
			for (gsize a = 0; a < G_N_ELEMENTS(auth_names); a++) {
				if (strlen(auth_names[a]) == vlen && memcmp(auth_names[a], val, vlen) == 0) {
					*(char **) field = g_strdup(auth_names[a]);
					return TRUE;
				}
			}
			set_url_error(error, "auth must be md5, sha1, sha-256 or sha3-256");
			return FALSE;
		case ARG_STRING:
		case ARG_SECRET:
			if (!field_ok(val, vlen, FIELD_QUERY)) {
				g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_URL,
					    "iSCSI URL: %s is empty or holds a space or control character",
					    url_args[i].key);
				return FALSE;
			}
			*(char **) field = g_strndup(val, vlen);
			return TRUE;
		}
	}
	/* libiscsi ignores unknown arguments; a misspelt header_digest would
	 * then silently run without digests, so refuse them. */
	g_autofree char *key = g_strndup(item, MIN(klen, 32));
	gboolean printable = TRUE;
	for (const char *k = key; *k; k++)
		printable &= g_ascii_isgraph(*k);
	if (printable && klen > 0)
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_URL,
			    "iSCSI URL: unknown argument '%s'", key);
	else
		set_url_error(error, "unknown argument");
	return FALSE;
}

static gboolean parse_query(INameUrl *u, const char *q, GError **error)
{
	guint seen = 0;
	while (TRUE) {
		const char *amp = strchr(q, '&');
		gsize len = amp ? (gsize) (amp - q) : strlen(q);
		if (len == 0) {
			set_url_error(error, "empty query argument");
			return FALSE;
		}
		if (!parse_arg(u, q, len, &seen, error))
			return FALSE;
		if (!amp)
			return TRUE;
		q = amp + 1;
	}
}

/* "user[%secret]" or, as libiscsi also reads it, "user:secret". */
static gboolean parse_credentials(INameUrl *u, const char *s, gsize len, GError **error)
{
	const char *sep = memchr(s, '%', len);
	if (!sep)
		sep = memchr(s, ':', len);
	gsize ulen = sep ? (gsize) (sep - s) : len;
	gsize slen = sep ? len - ulen - 1 : 0;
	if (ulen == 0) {
		set_url_error(error, "credentials before '@' without a user name");
		return FALSE;
	}
	if (!field_ok(s, ulen, FIELD_USER) || (slen > 0 && !field_ok(sep + 1, slen, FIELD_SECRET))) {
		set_url_error(error, "user name or secret holds a space or control character");
		return FALSE;
	}
	u->user = g_strndup(s, ulen);
	/* "user%@host": a user whose secret comes from elsewhere. */
	if (slen > 0)
		u->secret = g_strndup(sep + 1, slen);
	return TRUE;
}

/* "/target/lun", "/" or "". */
static gboolean parse_path(INameUrl *u, const char *p, GError **error)
{
	if (p[0] == '\0' || (p[0] == '/' && p[1] == '\0'))
		return TRUE;
	const char *t = p + 1;
	const char *slash = strchr(t, '/');
	if (!slash || slash == t) {
		set_url_error(error, slash ? "empty target name" : "a target needs a LUN: iscsi://host/target/lun");
		return FALSE;
	}
	guint32 lun;
	if (!iname_parse_uint(slash + 1, strlen(slash + 1), 5, URL_LUN_MAX, &lun)) {
		set_url_error(error, "LUN must be a number from 0 to 65535 after the target name");
		return FALSE;
	}
	g_autofree char *decoded = pct_decode(t, (gsize) (slash - t));
	if (!decoded) {
		set_url_error(error, "bad percent-encoding in the target name");
		return FALSE;
	}
	g_autoptr(GError) nerr = NULL;
	u->target = iname_normalize(decoded, INAME_LENIENT, NULL, &u->target_warned, &nerr);
	if (!u->target) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_URL, "iSCSI URL: target name: %s",
			    nerr->message);
		return FALSE;
	}
	u->target_given = g_steal_pointer(&decoded);
	u->lun = (int) lun;
	return TRUE;
}

INameUrl *iname_url_parse(const char *url, GError **error)
{
	if (!url) {
		set_url_error(error, "empty");
		return NULL;
	}
	gsize len = strnlen(url, INAME_URL_MAX + 1);
	if (len > INAME_URL_MAX) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_URL,
			    "iSCSI URL longer than %d bytes", INAME_URL_MAX);
		return NULL;
	}
	if (!g_utf8_validate(url, (gssize) len, NULL)) {
		set_url_error(error, "not valid UTF-8");
		return NULL;
	}
	if (g_ascii_strncasecmp(url, "iser://", 7) == 0) {
		set_url_error(error, "iser:// (iSCSI over RDMA) is not supported");
		return NULL;
	}
	if (g_ascii_strncasecmp(url, "iscsi://", 8) != 0) {
		set_url_error(error, "must start with iscsi://, as in iscsi://[user[%secret]@]host[:port]/target/lun");
		return NULL;
	}

	g_autoptr(INameUrl) u = g_new0(INameUrl, 1);
	u->lun = -1;
	u->port = INAME_DEFAULT_PORT;
	g_autofree char *rest = g_strdup(url + 8);
	char *q = strchr(rest, '?');
	if (q) {
		*q++ = '\0';
		if (!parse_query(u, q, error))
			return NULL;
	}
	char *auth = rest;
	char *at = strchr(rest, '@');
	if (at) {
		if (!parse_credentials(u, rest, (gsize) (at - rest), error))
			return NULL;
		auth = at + 1;
	}
	char *slash = strchr(auth, '/');
	gsize hplen = slash ? (gsize) (slash - auth) : strlen(auth);
	if (!iname_hostport_parse(auth, hplen, INAME_DEFAULT_PORT, INAME_ERROR_BAD_URL,
				  &u->host, &u->port, &u->ipv6, error)) {
		g_prefix_error(error, "iSCSI URL: ");
		return NULL;
	}
	if (!parse_path(u, auth + hplen, error))
		return NULL;
	return g_steal_pointer(&u);
}

INameUrl *iname_url_parse_lun(const char *url, GError **error)
{
	g_autoptr(INameUrl) u = iname_url_parse(url, error);
	if (u && !u->target) {
		set_url_error(error, "needs a target and a LUN: iscsi://host[:port]/target/lun");
		return NULL;
	}
	return g_steal_pointer(&u);
}

INameUrl *iname_url_parse_portal(const char *url, GError **error)
{
	g_autoptr(INameUrl) u = iname_url_parse(url, error);
	if (u && u->target) {
		set_url_error(error, "names a LUN where a portal is expected: iscsi://host[:port]");
		return NULL;
	}
	return g_steal_pointer(&u);
}

/* The environment variables libiscsi takes credentials from. */
static const struct {
	const char *var;
	gsize offset;
} env_credentials[] = {
	{ "LIBISCSI_CHAP_USERNAME", G_STRUCT_OFFSET(INameUrl, user) },
	{ "LIBISCSI_CHAP_PASSWORD", G_STRUCT_OFFSET(INameUrl, secret) },
	{ "LIBISCSI_CHAP_TARGET_USERNAME", G_STRUCT_OFFSET(INameUrl, target_user) },
	{ "LIBISCSI_CHAP_TARGET_PASSWORD", G_STRUCT_OFFSET(INameUrl, target_secret) },
};

void iname_url_apply_environment(INameUrl *u, const char *const *envp)
{
	char **own = envp ? NULL : g_get_environ();
	const char *const *env = envp ? envp : (const char *const *) own;
	for (gsize i = 0; i < G_N_ELEMENTS(env_credentials); i++) {
		char **field = G_STRUCT_MEMBER_P(u, env_credentials[i].offset);
		const char *value = g_environ_getenv((char **) env, env_credentials[i].var);
		if (!*field && value && value[0])
			*field = g_strdup(value);
	}
	g_strfreev(own);
}

void iname_url_free(INameUrl *u)
{
	if (!u)
		return;
	g_free(u->user);
	if (u->secret)
		memset(u->secret, 0, strlen(u->secret));
	g_free(u->secret);
	g_free(u->target_user);
	if (u->target_secret)
		memset(u->target_secret, 0, strlen(u->target_secret));
	g_free(u->target_secret);
	g_free(u->host);
	g_free(u->target);
	g_free(u->target_given);
	g_free(u->auth);
	g_free(u->force_usn);
	g_free(u);
}

/* Target names are percent-encoded where a raw byte would end the target
 * or be read as an escape. */
static void append_target(GString *out, const char *t)
{
	for (const guint8 *p = (const guint8 *) t; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f || strchr("%/?@&#", *p))
			g_string_append_printf(out, "%%%02X", *p);
		else
			g_string_append_c(out, (char) *p);
	}
}

static gboolean query_field_ok(const char *s)
{
	return !s || field_ok(s, strlen(s), FIELD_QUERY);
}

static void append_arg(GString *out, gboolean *first, const char *key, const char *value)
{
	g_string_append_printf(out, "%c%s=%s", *first ? '?' : '&', key, value);
	*first = FALSE;
}

char *iname_url_format(const INameUrl *u, gboolean include_secrets)
{
	const char *secret = include_secrets ? u->secret : NULL;
	const char *tsecret = include_secrets ? u->target_secret : NULL;
	if (!iname_host_is_valid(u->host)
	    || (u->user && !field_ok(u->user, strlen(u->user), FIELD_USER))
	    || (secret && (!u->user || !field_ok(secret, strlen(secret), FIELD_SECRET)))
	    || !query_field_ok(u->target_user) || !query_field_ok(tsecret)
	    || !query_field_ok(u->force_usn)
	    || (u->target && (!u->target[0] || u->lun < 0 || u->lun > URL_LUN_MAX))
	    || (u->target_given && (!u->target || !u->target_given[0]))
	    || (u->port == 0))
		return NULL;
	if (u->auth) {
		gboolean known = FALSE;
		for (gsize a = 0; a < G_N_ELEMENTS(auth_names); a++)
			known |= strcmp(u->auth, auth_names[a]) == 0;
		if (!known)
			return NULL;
	}

	GString *out = g_string_new("iscsi://");
	if (u->user) {
		g_string_append(out, u->user);
		if (secret)
			g_string_append_printf(out, "%%%s", secret);
		else if (strchr(u->user, ':'))
			/* Without '%' libiscsi would split "iqn...:x" at ':'. */
			g_string_append_c(out, '%');
		g_string_append_c(out, '@');
	}
	iname_hostport_append(out, u->host, u->port, u->port != INAME_DEFAULT_PORT);
	if (u->target) {
		g_string_append_c(out, '/');
		append_target(out, u->target_given ? u->target_given : u->target);
		g_string_append_printf(out, "/%d", u->lun);
	}
	gboolean first = TRUE;
	if (u->header_digest_crc32c)
		append_arg(out, &first, "header_digest", "crc32c");
	if (u->data_digest_crc32c)
		append_arg(out, &first, "data_digest", "crc32c");
	if (u->target_user)
		append_arg(out, &first, "target_user", u->target_user);
	if (tsecret)
		append_arg(out, &first, "target_password", tsecret);
	if (u->auth)
		append_arg(out, &first, "auth", u->auth);
	if (u->force_usn)
		append_arg(out, &first, "force_usn", u->force_usn);
	return g_string_free(out, FALSE);
}
