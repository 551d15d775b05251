/* iSCSI URLs as libiscsi and QEMU write them: fields, defaults, IPv6,
 * credentials, query arguments, portal URLs, round trips through the
 * formatter, and errors that never carry a secret. */
#include "config.h"
#include <string.h>
#include "libiscsi-name/iname.h"

#define T "iqn.2001-04.com.example:storage"

typedef struct {
	const char *url;
	const char *user, *secret, *host;
	guint16 port;
	const char *target;
	int lun;
	gboolean ipv6, hd, dd;
	const char *target_user, *target_secret, *auth, *force_usn;
	const char *canonical;         /* format(parse(url), TRUE); NULL: same as url */
	const char *public_form;       /* format(parse(url), FALSE); NULL: same as canonical */
} UrlCase;

static const UrlCase url_cases[] = {
	{ "iscsi://127.0.0.1/" T "/1", NULL, NULL, "127.0.0.1", 3260, T, 1 },
	{ "iscsi://127.0.0.1:3261/" T "/0", NULL, NULL, "127.0.0.1", 3261, T, 0 },
	{ "iscsi://127.0.0.1:3260/" T "/0", NULL, NULL, "127.0.0.1", 3260, T, 0,
	  .canonical = "iscsi://127.0.0.1/" T "/0" },
	{ "iscsi://storage.example.com/" T "/65535", NULL, NULL, "storage.example.com", 3260, T, 65535 },
	/* credentials as libiscsi's README writes them */
	{ "iscsi://ronnie%secret@10.1.1.27/" T "/1", "ronnie", "secret", "10.1.1.27", 3260, T, 1,
	  .public_form = "iscsi://ronnie@10.1.1.27/" T "/1" },
	{ "iscsi://ronnie@10.1.1.27/" T "/1", "ronnie", NULL, "10.1.1.27", 3260, T, 1 },
	/* libiscsi also splits at ':' when there is no '%' */
	{ "iscsi://ronnie:secret@host/" T "/2", "ronnie", "secret", "host", 3260, T, 2,
	  .canonical = "iscsi://ronnie%secret@host/" T "/2", .public_form = "iscsi://ronnie@host/" T "/2" },
	/* a CHAP name that is itself an IQN keeps its ':' thanks to '%' */
	{ "iscsi://iqn.2001-04.com.example:init%s3cr3t@host/" T "/0", "iqn.2001-04.com.example:init", "s3cr3t",
	  "host", 3260, T, 0, .public_form = "iscsi://iqn.2001-04.com.example:init%@host/" T "/0" },
	{ "iscsi://iqn.2001-04.com.example:init%@host/" T "/0", "iqn.2001-04.com.example:init", NULL,
	  "host", 3260, T, 0 },
	/* secrets with '/', '%', '+', '=' (base64) */
	{ "iscsi://u%a/b+c=%d@host/" T "/0", "u", "a/b+c=%d", "host", 3260, T, 0,
	  .public_form = "iscsi://u@host/" T "/0" },
	/* IPv6 */
	{ "iscsi://[::1]/" T "/0", NULL, NULL, "::1", 3260, T, 0, .ipv6 = TRUE },
	{ "iscsi://[::1]:3262/" T "/0", NULL, NULL, "::1", 3262, T, 0, .ipv6 = TRUE },
	{ "iscsi://[fec0::1]/" T "/0", NULL, NULL, "fec0::1", 3260, T, 0, .ipv6 = TRUE },
	{ "iscsi://u%pw42@[fe80::1%eth0]:3260/" T "/7", "u", "pw42", "fe80::1%eth0", 3260, T, 7, .ipv6 = TRUE,
	  .canonical = "iscsi://u%pw42@[fe80::1%eth0]/" T "/7", .public_form = "iscsi://u@[fe80::1%eth0]/" T "/7" },
	/* query arguments */
	{ "iscsi://h/" T "/1?header_digest=crc32c", NULL, NULL, "h", 3260, T, 1, .hd = TRUE },
	{ "iscsi://h/" T "/1?header_digest=crc32c&data_digest=crc32c", NULL, NULL, "h", 3260, T, 1,
	  .hd = TRUE, .dd = TRUE },
	{ "iscsi://h/" T "/1?header_digest=none&data_digest=none", NULL, NULL, "h", 3260, T, 1,
	  .canonical = "iscsi://h/" T "/1" },
	{ "iscsi://u%s3c@h/" T "/1?target_user=tu&target_password=tp99&auth=sha-256", "u", "s3c", "h", 3260, T, 1,
	  .target_user = "tu", .target_secret = "tp99", .auth = "sha-256",
	  .public_form = "iscsi://u@h/" T "/1?target_user=tu&auth=sha-256" },
	{ "iscsi://h/" T "/1?auth=md5", NULL, NULL, "h", 3260, T, 1, .auth = "md5" },
	{ "iscsi://h/" T "/1?auth=sha1", NULL, NULL, "h", 3260, T, 1, .auth = "sha1" },
	{ "iscsi://h/" T "/1?auth=sha3-256", NULL, NULL, "h", 3260, T, 1, .auth = "sha3-256" },
	{ "iscsi://h/" T "/1?force_usn=ABC123", NULL, NULL, "h", 3260, T, 1, .force_usn = "ABC123" },
	{ "iscsi://h/" T "/1?data_digest=crc32c&header_digest=crc32c", NULL, NULL, "h", 3260, T, 1,
	  .hd = TRUE, .dd = TRUE, .canonical = "iscsi://h/" T "/1?header_digest=crc32c&data_digest=crc32c" },
	/* the target is percent-decoded (and only the target), then normalized */
	{ "iscsi://h/iqn.2001-04.com.example%3Astorage/1", NULL, NULL, "h", 3260, T, 1,
	  .canonical = "iscsi://h/" T "/1" },
	/* ... and written back as given, which peers comparing byte for byte need */
	{ "iscsi://h/IQN.2001-04.COM.EXAMPLE:STORAGE/1", NULL, NULL, "h", 3260, T, 1 },
	{ "ISCSI://h/" T "/1", NULL, NULL, "h", 3260, T, 1, .canonical = "iscsi://h/" T "/1" },
	/* portal URLs (discovery) */
	{ "iscsi://127.0.0.1", NULL, NULL, "127.0.0.1", 3260, NULL, -1 },
	{ "iscsi://127.0.0.1/", NULL, NULL, "127.0.0.1", 3260, NULL, -1, .canonical = "iscsi://127.0.0.1" },
	{ "iscsi://127.0.0.1:3270", NULL, NULL, "127.0.0.1", 3270, NULL, -1 },
	{ "iscsi://[::1]:3270/", NULL, NULL, "::1", 3270, NULL, -1, .ipv6 = TRUE, .canonical = "iscsi://[::1]:3270" },
	{ "iscsi://u%s3c@h", "u", "s3c", "h", 3260, NULL, -1, .public_form = "iscsi://u@h" },
	{ "iscsi://h/?header_digest=crc32c", NULL, NULL, "h", 3260, NULL, -1, .hd = TRUE,
	  .canonical = "iscsi://h?header_digest=crc32c" },
};

static void check_case(const UrlCase *c, const INameUrl *u)
{
	g_assert_cmpstr(u->user, ==, c->user);
	g_assert_cmpstr(u->secret, ==, c->secret);
	g_assert_cmpstr(u->host, ==, c->host);
	g_assert_cmpuint(u->port, ==, c->port);
	g_assert_cmpstr(u->target, ==, c->target);
	g_assert_cmpint(u->lun, ==, c->lun);
	g_assert_cmpint(u->ipv6, ==, c->ipv6);
	g_assert_cmpint(u->header_digest_crc32c, ==, c->hd);
	g_assert_cmpint(u->data_digest_crc32c, ==, c->dd);
	g_assert_cmpstr(u->target_user, ==, c->target_user);
	g_assert_cmpstr(u->target_secret, ==, c->target_secret);
	g_assert_cmpstr(u->auth, ==, c->auth);
	g_assert_cmpstr(u->force_usn, ==, c->force_usn);
	g_assert_false(u->target_warned);
	if (c->target) {
		g_autofree char *n = iname_normalize(u->target_given, INAME_LENIENT, NULL, NULL, NULL);
		g_assert_cmpstr(n, ==, u->target);
	} else {
		g_assert_null(u->target_given);
	}
}

static void test_parse_and_format(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(url_cases); i++) {
		const UrlCase *c = &url_cases[i];
		g_test_message("%s", c->url);
		g_autoptr(GError) error = NULL;
		g_autoptr(INameUrl) u = iname_url_parse(c->url, &error);
		g_assert_no_error(error);
		check_case(c, u);

		const char *canonical = c->canonical ? c->canonical : c->url;
		g_autofree char *f = iname_url_format(u, TRUE);
		g_assert_cmpstr(f, ==, canonical);
		g_autofree char *pub = iname_url_format(u, FALSE);
		g_assert_cmpstr(pub, ==, c->public_form ? c->public_form : canonical);
		if (c->secret)
			g_assert_null(strstr(pub, c->secret));

		/* the round trip gives the same fields */
		g_autoptr(INameUrl) again = iname_url_parse(f, &error);
		g_assert_no_error(error);
		check_case(c, again);
		/* and the public form parses to the same, minus the secrets */
		g_autoptr(INameUrl) pubu = iname_url_parse(pub, &error);
		g_assert_no_error(error);
		g_assert_null(pubu->secret);
		g_assert_null(pubu->target_secret);
		g_assert_cmpstr(pubu->user, ==, c->user);
		g_assert_cmpstr(pubu->target, ==, c->target);
	}
}

static const struct {
	const char *url;
	const char *fragment; /* expected in the message */
} bad_urls[] = {
	{ "", "iscsi://" },
	{ "http://h/" T "/0", "iscsi://" },
	{ "iscsi:/h/" T "/0", "iscsi://" },
	{ "iser://h/" T "/0", "iser" },
	{ "iscsi://", "host" },
	{ "iscsi:///" T "/0", "host" },
	{ "iscsi://h/" T, "LUN" },
	{ "iscsi://h/" T "/", "LUN" },
	{ "iscsi://h/" T "/x", "LUN" },
	{ "iscsi://h/" T "/-1", "LUN" },
	{ "iscsi://h/" T "/+1", "LUN" },
	{ "iscsi://h/" T "/ 1", "LUN" },
	{ "iscsi://h/" T "/65536", "LUN" },
	{ "iscsi://h/" T "/1/2", "LUN" },
	{ "iscsi://h//1", "target" },
	{ "iscsi://h/foo/1", "target name" },
	{ "iscsi://h/" T "%zz/1", "percent" },
	{ "iscsi://h/" T "%00/1", "percent" },
	{ "iscsi://h/" T "%4/1", "percent" },
	{ "iscsi://h:0/" T "/1", "port" },
	{ "iscsi://h:65536/" T "/1", "port" },
	{ "iscsi://h:/" T "/1", "port" },
	{ "iscsi://h:32a/" T "/1", "port" },
	{ "iscsi://::1/" T "/1", "brackets" },
	{ "iscsi://[::1/" T "/1", "']'" },
	{ "iscsi://[::g]/" T "/1", "IPv6" },
	{ "iscsi://[1.2.3.4]/" T "/1", "IPv6" },
	{ "iscsi://[::1]x/" T "/1", "after" },
	{ "iscsi://h h/" T "/1", "host" },
	{ "iscsi://@h/" T "/1", "user" },
	{ "iscsi://%secret@h/" T "/1", "user" },
	{ "iscsi://u%se cret@h/" T "/1", "secret" },
	{ "iscsi://h/" T "/1?", "empty" },
	{ "iscsi://h/" T "/1?header_digest=crc32c&", "empty" },
	{ "iscsi://h/" T "/1?header_digest", "=value" },
	{ "iscsi://h/" T "/1?header_digest=md5", "crc32c or none" },
	{ "iscsi://h/" T "/1?data_digest=", "crc32c or none" },
	{ "iscsi://h/" T "/1?auth=sha512", "auth" },
	{ "iscsi://h/" T "/1?header_digets=crc32c", "unknown argument 'header_digets'" },
	{ "iscsi://h/" T "/1?iser=1", "unknown argument" },
	{ "iscsi://h/" T "/1?auth=md5&auth=md5", "twice" },
	{ "iscsi://h/" T "/1?target_user=", "target_user" },
	{ "iscsi://h/" T "/1?target_password=a b", "target_password" },
	{ "iscsi://h/" T "/1\xff", "UTF-8" },
};

static void test_bad(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(bad_urls); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(INameUrl) u = iname_url_parse(bad_urls[i].url, &error);
		g_autofree char *shown = g_strescape(bad_urls[i].url, NULL);
		g_test_message("%s -> %s", shown, error ? error->message : "(accepted)");
		g_assert_null(u);
		g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_URL);
		g_assert_nonnull(strstr(error->message, bad_urls[i].fragment));
	}
	g_autoptr(GError) error = NULL;
	g_assert_null(iname_url_parse(NULL, &error));
	g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_URL);
	g_clear_error(&error);
	/* bounded before parsing */
	g_autofree char *tail = g_strnfill(INAME_URL_MAX, 'a');
	g_autofree char *huge = g_strconcat("iscsi://", tail, NULL);
	g_assert_null(iname_url_parse(huge, &error));
	g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_URL);
}

/* Mistyped URLs put the secret where the host or port should be; the
 * error must still not show it. */
static void test_secret_never_in_errors(void)
{
	static const char *const leaks[] = {
		"iscsi://user:SeCrEt99/" T "/0",          /* '@' forgotten: secret read as port */
		"iscsi://user%SeCrEt99/" T "/0",          /* '@' forgotten: '%' in host */
		"iscsi://user%SeCrEt99@h:SeCrEt99/" T "/0",
		"iscsi://user%SeCrEt99@h/" T "/1?target_password=SeCrEt99&header_digest=SeCrEt99",
		"iscsi://user%SeCrEt99@h/" T "/1?target_password=SeCrEt99&SeCrEt99",
		"iscsi://user%SeCrEt99@h/SeCrEt99/1",
		"iscsi://user%SeCrEt99@[SeCrEt99]/" T "/1",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(leaks); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(INameUrl) u = iname_url_parse(leaks[i], &error);
		g_assert_null(u);
		g_assert_nonnull(error);
		g_test_message("%s", error->message);
		g_assert_null(strstr(error->message, "SeCrEt99"));
		g_assert_null(strstr(error->message, "secret99"));
	}
}

static void test_parse_kinds(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(INameUrl) lun = iname_url_parse_lun("iscsi://h/" T "/3", &error);
	g_assert_no_error(error);
	g_assert_cmpint(lun->lun, ==, 3);
	g_assert_null(iname_url_parse_lun("iscsi://h", &error));
	g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_URL);
	g_clear_error(&error);
	g_autoptr(INameUrl) portal = iname_url_parse_portal("iscsi://h:3261/", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(portal->port, ==, 3261);
	g_assert_null(iname_url_parse_portal("iscsi://h/" T "/3", &error));
	g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_URL);
}

/* A target name from a peer that breaks only the character rules. */
static void test_lenient_target(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(INameUrl) u = iname_url_parse("iscsi://h/iqn.2001-04.com.example:Disk_1/0", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(u->target, ==, "iqn.2001-04.com.example:disk_1");
	g_assert_cmpstr(u->target_given, ==, "iqn.2001-04.com.example:Disk_1");
	g_assert_true(u->target_warned);
	g_autofree char *f = iname_url_format(u, TRUE);
	g_assert_cmpstr(f, ==, "iscsi://h/iqn.2001-04.com.example:Disk_1/0");
	/* without the given form, the normalized one is written */
	g_clear_pointer(&u->target_given, g_free);
	g_autofree char *n = iname_url_format(u, TRUE);
	g_assert_cmpstr(n, ==, "iscsi://h/iqn.2001-04.com.example:disk_1/0");
}

/* Hand-built URLs: what can be written is written so that it reads back;
 * what cannot is refused with NULL. */
static void test_format_built(void)
{
	INameUrl u = { .host = (char *) "h", .port = 3260, .lun = -1 };
	g_autofree char *portal = iname_url_format(&u, TRUE);
	g_assert_cmpstr(portal, ==, "iscsi://h");

	/* a target holding URL delimiters is percent-encoded */
	u.target = (char *) "a/b?c%d@e&f#g h";
	u.lun = 0;
	g_autofree char *enc = iname_url_format(&u, TRUE);
	g_assert_cmpstr(enc, ==, "iscsi://h/a%2Fb%3Fc%25d%40e%26f%23g%20h/0");

	INameUrl bad = u;
	bad.target = (char *) T;
	bad.secret = (char *) "a@b";
	bad.user = (char *) "u";
	g_assert_null(iname_url_format(&bad, TRUE));
	/* without secrets it does not matter what they hold */
	g_autofree char *pub = iname_url_format(&bad, FALSE);
	g_assert_cmpstr(pub, ==, "iscsi://u@h/" T "/0");
	bad.secret = (char *) "s";
	bad.user = NULL;
	g_assert_null(iname_url_format(&bad, TRUE));   /* a secret needs a user */
	bad = u;
	bad.target = (char *) T;
	bad.user = (char *) "a%b";
	g_assert_null(iname_url_format(&bad, TRUE));
	bad = u;
	bad.target = (char *) T;
	bad.target_secret = (char *) "a&b";
	g_assert_null(iname_url_format(&bad, TRUE));
	bad = u;
	bad.auth = (char *) "sha512";
	g_assert_null(iname_url_format(&bad, TRUE));
	bad = u;
	bad.host = (char *) "a b";
	g_assert_null(iname_url_format(&bad, TRUE));
	bad = u;
	bad.port = 0;
	g_assert_null(iname_url_format(&bad, TRUE));
	bad = u;
	bad.lun = -1;
	g_assert_null(iname_url_format(&bad, TRUE));   /* a target needs a LUN */
}

/* Credentials from libiscsi's environment variables fill what the URL
 * left out; the URL wins. */
static void test_environment(void)
{
	char **env = g_environ_setenv(NULL, "LIBISCSI_CHAP_USERNAME", "envuser", TRUE);
	env = g_environ_setenv(env, "LIBISCSI_CHAP_PASSWORD", "envsecret", TRUE);
	env = g_environ_setenv(env, "LIBISCSI_CHAP_TARGET_USERNAME", "envtu", TRUE);
	env = g_environ_setenv(env, "LIBISCSI_CHAP_TARGET_PASSWORD", "", TRUE);

	g_autoptr(INameUrl) a = iname_url_parse("iscsi://h/" T "/0", NULL);
	iname_url_apply_environment(a, (const char *const *) env);
	g_assert_cmpstr(a->user, ==, "envuser");
	g_assert_cmpstr(a->secret, ==, "envsecret");
	g_assert_cmpstr(a->target_user, ==, "envtu");
	g_assert_null(a->target_secret);          /* empty values are ignored */

	g_autoptr(INameUrl) b = iname_url_parse("iscsi://urluser%urlsecret@h/" T "/0?target_user=urltu", NULL);
	iname_url_apply_environment(b, (const char *const *) env);
	g_assert_cmpstr(b->user, ==, "urluser");
	g_assert_cmpstr(b->secret, ==, "urlsecret");
	g_assert_cmpstr(b->target_user, ==, "urltu");

	/* "user%@host": the URL names the user, the environment the secret */
	g_autoptr(INameUrl) c = iname_url_parse("iscsi://urluser%@h/" T "/0", NULL);
	iname_url_apply_environment(c, (const char *const *) env);
	g_assert_cmpstr(c->user, ==, "urluser");
	g_assert_cmpstr(c->secret, ==, "envsecret");
	g_strfreev(env);

	/* NULL: the process environment */
	g_setenv("LIBISCSI_CHAP_PASSWORD", "procsecret", TRUE);
	g_autoptr(INameUrl) d = iname_url_parse("iscsi://u@h/" T "/0", NULL);
	iname_url_apply_environment(d, NULL);
	g_assert_cmpstr(d->secret, ==, "procsecret");
	g_unsetenv("LIBISCSI_CHAP_PASSWORD");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/name/url/parse-and-format", test_parse_and_format);
	g_test_add_func("/name/url/bad", test_bad);
	g_test_add_func("/name/url/secret-never-in-errors", test_secret_never_in_errors);
	g_test_add_func("/name/url/kinds", test_parse_kinds);
	g_test_add_func("/name/url/lenient-target", test_lenient_target);
	g_test_add_func("/name/url/format-built", test_format_built);
	g_test_add_func("/name/url/environment", test_environment);
	return g_test_run();
}
