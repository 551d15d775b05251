/* ItniConfig: everything needed to reach one target and log in to it.
 *
 * Built from an iSCSI URL (the form libiscsi and QEMU use,
 * iscsi://[user[%secret]@]host[:port]/target-iqn[/lun][?query]) and/or set
 * field by field.  A config is a plain value object: it is copied by
 * itni_session_new(), so the caller may free or change it afterwards. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

typedef struct ItniConfig ItniConfig;

/* CHAP algorithms by IANA number (RFC 7143 sec. 12.1.3; IANA "PPP
 * Authentication Algorithms"). */
typedef enum {
	ITNI_CHAP_MD5 = 5,
	ITNI_CHAP_SHA1 = 6,
	ITNI_CHAP_SHA256 = 7,
	ITNI_CHAP_SHA3_256 = 8,
} ItniChapAlgorithm;

ItniConfig *itni_config_new(void);
ItniConfig *itni_config_copy(const ItniConfig *c);
void itni_config_free(ItniConfig *c);
/* TRUE when a login with a would be the same as with b: same portal,
 * target, LUN, names, secrets, CHAP algorithms, digests, connections and
 * timers.  (A daemon uses it to tell a changed record from an untouched
 * one on reload.) */
gboolean itni_config_equal(const ItniConfig *a, const ItniConfig *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ItniConfig, itni_config_free)

/* Fill portal, target, LUN, CHAP names and secrets, digests and the CHAP
 * algorithm (?auth=md5|sha1|sha-256|sha3-256) from a URL.  A portal URL
 * without a target (iscsi://host[:port]) is accepted: it is what discovery
 * needs. */
gboolean itni_config_set_url(ItniConfig *c, const char *url, GError **error);
/* Take CHAP names and secrets from the environment where the config has
 * none: LIBISCSI_CHAP_USERNAME, LIBISCSI_CHAP_PASSWORD,
 * LIBISCSI_CHAP_TARGET_USERNAME, LIBISCSI_CHAP_TARGET_PASSWORD (as
 * libiscsi reads them) and the same names with ITN_CHAP_ (ITN_CHAP_USERNAME,
 * ...), which win over the LIBISCSI_ ones. */
void itni_config_apply_environment(ItniConfig *c);
/* Read secrets from a file of "key = value" lines (username, password,
 * target_username, target_password).  The file must not be readable or
 * writable by group or others (mode 0600 or stricter), else it is refused. */
gboolean itni_config_load_secrets(ItniConfig *c, const char *path, GError **error);

void itni_config_set_portal(ItniConfig *c, const char *host, guint16 port);
void itni_config_set_target(ItniConfig *c, const char *target_iqn);
/* NULL keeps the default: a stable name derived from the machine id. */
void itni_config_set_initiator_name(ItniConfig *c, const char *iqn);
/* One-way CHAP (the target authenticates us): user and secret. */
void itni_config_set_chap(ItniConfig *c, const char *user, const char *secret);
/* Mutual CHAP (we authenticate the target too). */
void itni_config_set_mutual_chap(ItniConfig *c, const char *user, const char *secret);
/* Preference list for CHAP_A, strongest first.  The default is
 * SHA3-256, SHA-1, MD5 (8,6,5): SHA-256 (7) is offered only when asked for,
 * because tgt answers CHAP_A=7 with a SHA-1 digest (it numbers 7 as SHA-1,
 * IANA says SHA-256) and a login offering 7 first would fail there.  When 7
 * is asked for and the target's response has the length of a SHA-1 digest,
 * the login reports that mismatch by name. */
void itni_config_set_chap_algorithms(ItniConfig *c, const ItniChapAlgorithm *algs, guint n);
void itni_config_set_digests(ItniConfig *c, gboolean header_crc32c, gboolean data_crc32c);
/* TCP connections per session (MC/S, RFC 7143 sec. 4.3); default 1. */
void itni_config_set_connections(ItniConfig *c, guint n);
/* How long outstanding commands wait for a lost session to come back
 * before they fail with ITNI_ERROR_TIMEOUT; default 120000 ms; 0 turns
 * recovery off (a lost connection fails commands at once). */
void itni_config_set_replacement_timeout(ItniConfig *c, guint ms);
/* NOP-Out keepalive interval; default 5000 ms, 0 = off. */
void itni_config_set_nop_interval(ItniConfig *c, guint ms);
/* Session index, mixed into the ISID qualifier so that several sessions of
 * one initiator to one target are distinct I_T nexuses (RFC 7143 sec.
 * 4.4.3, 11.12.5); default 0. */
void itni_config_set_session_index(ItniConfig *c, guint16 index);

const char *itni_config_get_host(const ItniConfig *c);
guint16 itni_config_get_port(const ItniConfig *c);
const char *itni_config_get_target(const ItniConfig *c);
const char *itni_config_get_initiator_name(const ItniConfig *c);
/* LUN from the URL, -1 when the URL named none. */
int itni_config_get_lun(const ItniConfig *c);
guint itni_config_get_connections(const ItniConfig *c);

G_END_DECLS
