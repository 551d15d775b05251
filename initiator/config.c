/* ItniConfig: portal, target, names, secrets and session options. */
#include "config.h"

#include "itni-private.h"
#include "libiscsi-name/iname.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Strongest first; SHA-256 (7) left out on purpose, see itni-config.h. */
static const ItniChapAlgorithm default_algs[] = { ITNI_CHAP_SHA3_256, ITNI_CHAP_SHA1, ITNI_CHAP_MD5 };

ItniConfig *itni_config_new(void)
{
	ItniConfig *c = g_new0(ItniConfig, 1);
	c->port = 3260;
	c->lun = -1;
	c->connections = 1;
	c->replacement_timeout_ms = 120000;
	c->nop_interval_ms = 5000;
	c->n_algs = G_N_ELEMENTS(default_algs);
	memcpy(c->algs, default_algs, sizeof default_algs);
	return c;
}

static void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		g_free(s);
	}
}

ItniConfig *itni_config_copy(const ItniConfig *src)
{
	ItniConfig *c = g_memdup2(src, sizeof *src);
	c->host = g_strdup(src->host);
	c->target = g_strdup(src->target);
	c->initiator_name = g_strdup(src->initiator_name);
	c->user = g_strdup(src->user);
	c->secret = g_strdup(src->secret);
	c->target_user = g_strdup(src->target_user);
	c->target_secret = g_strdup(src->target_secret);
	return c;
}

void itni_config_free(ItniConfig *c)
{
	if (!c)
		return;
	g_free(c->host);
	g_free(c->target);
	g_free(c->initiator_name);
	g_free(c->user);
	secret_free(c->secret);
	g_free(c->target_user);
	secret_free(c->target_secret);
	g_free(c);
}

gboolean itni_config_equal(const ItniConfig *a, const ItniConfig *b)
{
	/* Field by field: the struct has padding and pointers. */
	return g_strcmp0(a->host, b->host) == 0 && a->port == b->port && g_strcmp0(a->target, b->target) == 0 &&
	       a->lun == b->lun && g_strcmp0(a->initiator_name, b->initiator_name) == 0 &&
	       g_strcmp0(a->user, b->user) == 0 && g_strcmp0(a->secret, b->secret) == 0 &&
	       g_strcmp0(a->target_user, b->target_user) == 0 && g_strcmp0(a->target_secret, b->target_secret) == 0 &&
	       a->n_algs == b->n_algs && memcmp(a->algs, b->algs, a->n_algs * sizeof a->algs[0]) == 0 &&
	       a->algs_explicit == b->algs_explicit && a->header_digest == b->header_digest &&
	       a->data_digest == b->data_digest && a->connections == b->connections &&
	       a->replacement_timeout_ms == b->replacement_timeout_ms && a->nop_interval_ms == b->nop_interval_ms &&
	       a->session_index == b->session_index;
}

static void set_str(char **dst, const char *v)
{
	g_free(*dst);
	*dst = g_strdup(v);
}

static void set_secret(char **dst, const char *v)
{
	secret_free(*dst);
	*dst = g_strdup(v);
}

/* The URL's auth= names (libiscsi's spelling). */
static const struct {
	const char *name;
	ItniChapAlgorithm alg;
} auth_names[] = {
	{ "md5", ITNI_CHAP_MD5 },
	{ "sha1", ITNI_CHAP_SHA1 },
	{ "sha-1", ITNI_CHAP_SHA1 },
	{ "sha-256", ITNI_CHAP_SHA256 },
	{ "sha256", ITNI_CHAP_SHA256 },
	{ "sha3-256", ITNI_CHAP_SHA3_256 },
};

gboolean itni_config_set_url(ItniConfig *c, const char *url, GError **error)
{
	GError *e = NULL;
	g_autoptr(INameUrl) u = iname_url_parse(url, &e);
	if (!u) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s", e->message);
		g_error_free(e);
		return FALSE;
	}
	if (u->auth) {
		ItniChapAlgorithm alg = 0;
		for (guint i = 0; i < G_N_ELEMENTS(auth_names); i++)
			if (g_ascii_strcasecmp(u->auth, auth_names[i].name) == 0)
				alg = auth_names[i].alg;
		if (!alg) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "unknown CHAP algorithm '%s' in URL (md5, sha1, sha-256, sha3-256)", u->auth);
			return FALSE;
		}
		itni_config_set_chap_algorithms(c, &alg, 1);
	}
	set_str(&c->host, u->host);
	c->port = u->port;
	set_str(&c->target, u->target);
	c->lun = u->lun;
	if (u->user)
		set_str(&c->user, u->user);
	if (u->secret)
		set_secret(&c->secret, u->secret);
	if (u->target_user)
		set_str(&c->target_user, u->target_user);
	if (u->target_secret)
		set_secret(&c->target_secret, u->target_secret);
	c->header_digest = u->header_digest_crc32c;
	c->data_digest = u->data_digest_crc32c;
	return TRUE;
}

/* ITN_CHAP_* first (ours), then LIBISCSI_CHAP_* (libiscsi's names). */
static const char *env2(const char *ours, const char *theirs)
{
	const char *v = g_getenv(ours);
	return v && *v ? v : g_getenv(theirs);
}

void itni_config_apply_environment(ItniConfig *c)
{
	const char *v;
	if (!c->user && (v = env2("ITN_CHAP_USERNAME", "LIBISCSI_CHAP_USERNAME")))
		set_str(&c->user, v);
	if (!c->secret && (v = env2("ITN_CHAP_PASSWORD", "LIBISCSI_CHAP_PASSWORD")))
		set_secret(&c->secret, v);
	if (!c->target_user && (v = env2("ITN_CHAP_TARGET_USERNAME", "LIBISCSI_CHAP_TARGET_USERNAME")))
		set_str(&c->target_user, v);
	if (!c->target_secret && (v = env2("ITN_CHAP_TARGET_PASSWORD", "LIBISCSI_CHAP_TARGET_PASSWORD")))
		set_secret(&c->target_secret, v);
}

gboolean itni_config_load_secrets(ItniConfig *c, const char *path, GError **error)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return FALSE;
	}
	GError *e = NULL;
	if (!iname_secrets_file_check(path, &st, &e)) {
		close(fd);
		g_set_error_literal(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, e->message);
		g_error_free(e);
		return FALSE;
	}
	if (st.st_size > 65536) {
		close(fd);
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: too large for a secrets file", path);
		return FALSE;
	}
	char buf[65537];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: %s", path, g_strerror(errno));
		return FALSE;
	}
	gboolean ok = itni_config_parse_secrets(c, buf, (gsize) n, path, error);
	explicit_bzero(buf, sizeof buf);
	return ok;
}

/* The table of keys a secrets file may hold. */
static const struct {
	const char *key;
	gsize offset;
	gboolean secret;
} secret_keys[] = {
	{ "username", G_STRUCT_OFFSET(ItniConfig, user), FALSE },
	{ "password", G_STRUCT_OFFSET(ItniConfig, secret), TRUE },
	{ "target_username", G_STRUCT_OFFSET(ItniConfig, target_user), FALSE },
	{ "target_password", G_STRUCT_OFFSET(ItniConfig, target_secret), TRUE },
};

gboolean itni_config_parse_secrets(ItniConfig *c, const char *data, gsize len, const char *name, GError **error)
{
	if (len > 65536) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: too large for a secrets file", name);
		return FALSE;
	}
	/* A private NUL-terminated copy, wiped afterwards. */
	char *buf = g_malloc(len + 1);
	memcpy(buf, data, len);
	buf[len] = 0;
	if (memchr(buf, 0, len)) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "%s: NUL byte in a secrets file", name);
		explicit_bzero(buf, len);
		g_free(buf);
		return FALSE;
	}
	gboolean ok = TRUE;
	int lineno = 0;
	for (char *line = buf, *next; line && ok; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		g_strstrip(line);
		if (!*line || *line == '#')
			continue;
		char *eq = strchr(line, '=');
		if (!eq) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "%s:%d: expected 'key = value'", name, lineno);
			ok = FALSE;
			break;
		}
		*eq = 0;
		char *key = g_strstrip(line), *val = g_strstrip(eq + 1);
		guint i = 0;
		while (i < G_N_ELEMENTS(secret_keys) && strcmp(key, secret_keys[i].key) != 0)
			i++;
		if (i == G_N_ELEMENTS(secret_keys)) {
			/* The key may be a mistyped secret: do not quote it
			 * beyond its first characters. */
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "%s:%d: unknown key (username, password, target_username, target_password)",
				    name, lineno);
			ok = FALSE;
			break;
		}
		char **dst = G_STRUCT_MEMBER_P(c, secret_keys[i].offset);
		if (secret_keys[i].secret)
			set_secret(dst, val);
		else
			set_str(dst, val);
	}
	explicit_bzero(buf, len);
	g_free(buf);
	return ok;
}

void itni_config_set_portal(ItniConfig *c, const char *host, guint16 port)
{
	set_str(&c->host, host);
	c->port = port ? port : 3260;
}

void itni_config_set_target(ItniConfig *c, const char *target_iqn)
{
	set_str(&c->target, target_iqn);
}

void itni_config_set_initiator_name(ItniConfig *c, const char *iqn)
{
	set_str(&c->initiator_name, iqn);
}

void itni_config_set_chap(ItniConfig *c, const char *user, const char *secret)
{
	set_str(&c->user, user);
	set_secret(&c->secret, secret);
}

void itni_config_set_mutual_chap(ItniConfig *c, const char *user, const char *secret)
{
	set_str(&c->target_user, user);
	set_secret(&c->target_secret, secret);
}

void itni_config_set_chap_algorithms(ItniConfig *c, const ItniChapAlgorithm *algs, guint n)
{
	c->n_algs = MIN(n, G_N_ELEMENTS(c->algs));
	memcpy(c->algs, algs, c->n_algs * sizeof *algs);
	c->algs_explicit = TRUE;
}

void itni_config_set_digests(ItniConfig *c, gboolean header_crc32c, gboolean data_crc32c)
{
	c->header_digest = header_crc32c;
	c->data_digest = data_crc32c;
}

void itni_config_set_connections(ItniConfig *c, guint n)
{
	c->connections = CLAMP(n, 1, ITNI_MAX_CONNECTIONS);
}

void itni_config_set_replacement_timeout(ItniConfig *c, guint ms)
{
	c->replacement_timeout_ms = ms;
}

void itni_config_set_nop_interval(ItniConfig *c, guint ms)
{
	c->nop_interval_ms = ms;
}

void itni_config_set_session_index(ItniConfig *c, guint16 index)
{
	c->session_index = index;
}

const char *itni_config_get_host(const ItniConfig *c)
{
	return c->host;
}

guint16 itni_config_get_port(const ItniConfig *c)
{
	return c->port;
}

const char *itni_config_get_target(const ItniConfig *c)
{
	return c->target;
}

/* The default initiator name: stable per machine (libiscsi-name derives
 * the suffix from /etc/machine-id). */
const char *itni_config_get_initiator_name(const ItniConfig *c)
{
	static char *fallback;
	if (c->initiator_name)
		return c->initiator_name;
	if (g_once_init_enter(&fallback)) {
		char *n = iname_generate("itnexus.org", NULL, NULL, NULL);
		if (!n)
			n = g_strdup("iqn.2000-01.org.itnexus:initiator");
		g_once_init_leave(&fallback, n);
	}
	return fallback;
}

int itni_config_get_lun(const ItniConfig *c)
{
	return c->lun;
}

guint itni_config_get_connections(const ItniConfig *c)
{
	return c->connections;
}
