/* iSCSI URLs as libiscsi and QEMU write them:
 *
 *   iscsi://[user[%secret]@]host[:port][/target/lun][?arg=value&...]
 *
 * host is a DNS name, an IPv4 address or a bracketed IPv6 address (with an
 * optional %zone inside the brackets, as libiscsi passes it through).
 * Without /target/lun (or with only a trailing /) the URL names a portal,
 * as discovery uses it.  Query arguments: header_digest and data_digest
 * (crc32c|none), target_user, target_password, auth
 * (md5|sha1|sha-256|sha3-256) and force_usn; any other argument is an error
 * (a typo must not silently weaken a session).  Only the target part is
 * percent-decoded, as in libiscsi. */
#pragma once
#include <glib.h>
#include "libiscsi-name/iname-error.h"

G_BEGIN_DECLS

#define INAME_DEFAULT_PORT 3260
/* Longer URLs are refused before parsing. */
#define INAME_URL_MAX 2048

typedef struct {
	char *user;          /* CHAP name the initiator presents, or NULL */
	char *secret;        /* its secret, or NULL */
	char *target_user;   /* mutual CHAP: the target's name, or NULL */
	char *target_secret; /* mutual CHAP: the target's secret, or NULL */
	char *host;          /* without brackets */
	guint16 port;        /* INAME_DEFAULT_PORT when absent */
	char *target;        /* normalized target name; NULL for a portal URL */
	int lun;             /* -1 when absent */
	gboolean header_digest_crc32c;
	gboolean data_digest_crc32c;
	char *auth;          /* md5, sha1, sha-256, sha3-256 or NULL */
	gboolean ipv6;       /* host was written in brackets */
	/* Added beyond the first API: */
	char *force_usn;     /* force_usn= value, or NULL */
	gboolean target_warned; /* target accepted only leniently */
	/* The target as written (percent-decoded, not normalized), or NULL.
	 * Compare with target; send this one, as libiscsi does: some targets
	 * (tgt) look names up byte for byte, not in normalized form. */
	char *target_given;
} INameUrl;

/* Parses a LUN URL or a portal URL (target NULL, lun -1). */
INameUrl *iname_url_parse(const char *url, GError **error);
/* The same, but a target and a LUN are required. */
INameUrl *iname_url_parse_lun(const char *url, GError **error);
/* The same, but only a portal is allowed (no target, no LUN). */
INameUrl *iname_url_parse_portal(const char *url, GError **error);
void iname_url_free(INameUrl *u);

/* Fills the credentials the URL left out from the variables libiscsi
 * reads: LIBISCSI_CHAP_USERNAME, LIBISCSI_CHAP_PASSWORD,
 * LIBISCSI_CHAP_TARGET_USERNAME, LIBISCSI_CHAP_TARGET_PASSWORD, so scripts
 * need not put secrets on a command line.  What the URL gives wins, as in
 * libiscsi.  envp: an environment as g_get_environ() returns it, or NULL
 * for the process environment.  Empty values are ignored. */
void iname_url_apply_environment(INameUrl *u, const char *const *envp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(INameUrl, iname_url_free)

/* Formats u so that iname_url_parse() gives it back (the target as
 * target_given when set, else target).  Without
 * include_secrets the secrets are left out entirely (for logs and --json).
 * Returns NULL only for a hand-built INameUrl holding a field the URL syntax
 * cannot express (e.g. a secret with '@' or '?', see doc/names.md). */
char *iname_url_format(const INameUrl *u, gboolean include_secrets);

G_END_DECLS
