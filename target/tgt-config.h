/* tgt-config.h: the in-memory configuration model of itn-targetd.
 *
 * One TgtConfig describes the desired state of the daemon: targets (IQN,
 * alias, LUNs, ACL, CHAP), portal groups (TPGT + listening portals), the
 * discovery CHAP policy, and limits.  It is filled either from flags
 * (tgt-config-flags.c) or from the XML file (config-xml.c, control engineer)
 * and handed to the engine (tgt-engine.h), which copies what it needs: the
 * engine never keeps pointers into a TgtConfig it did not create itself.
 *
 * Ownership: every string and array below is owned by its containing
 * structure and freed by the matching *_free().  Arrays are GPtrArray with a
 * free function set, so g_ptr_array_add() transfers ownership.
 *
 * Secrets: TgtConfigChap.secret is sensitive; never log or print it
 * (design.md "Secrets").  tgt_config_chap_free() wipes it before freeing.
 */
#ifndef ITN_TGT_CONFIG_H
#define ITN_TGT_CONFIG_H

#include <glib.h>

G_BEGIN_DECLS

#define TGT_DEFAULT_PORT 3260
#define TGT_DEFAULT_TPGT 1

/* A CHAP account.  For one-way CHAP the initiator proves it knows `secret`
 * for user name `user` (CHAP_N).  For mutual CHAP the target proves it
 * knows the mutual account's secret and answers with its user name
 * (RFC 7143 sec. 12.1.3). */
typedef struct {
  char *user;
  char *secret;
} TgtConfigChap;

/* Authentication policy of one target, or of discovery sessions.
 * accounts empty -> AuthMethod=None accepted (no CHAP).
 * accounts non-empty -> CHAP required; any listed account may log in.
 * mutual non-NULL -> the target also authenticates itself when the
 * initiator asks for it (and requires the initiator to ask when
 * mutual_required is set). */
typedef struct {
  GPtrArray *accounts;       /* of TgtConfigChap* */
  TgtConfigChap *mutual;     /* NULL: no mutual CHAP */
  gboolean mutual_required;
  /* Allowed CHAP_A algorithms, IANA numbers (5 MD5, 6 SHA-1, 7 SHA-256,
   * 8 SHA3-256); empty array -> all four.  The initiator's order decides
   * among the allowed ones (RFC 7143 sec. 12.1.3 / 6.2 list rule). */
  GArray *algorithms;        /* of guint8 */
} TgtConfigAuth;

/* One listening address.  host is a numeric IPv4/IPv6 address or a name
 * ("0.0.0.0", "::", "127.0.0.1"); IPv6 written without brackets. */
typedef struct {
  char *host;
  guint16 port;
} TgtConfigPortal;

/* A portal group (RFC 7143 sec. 4.4.1): the portals through which a
 * session's connections may arrive, named by TargetPortalGroupTag. */
typedef struct {
  guint16 tpgt;
  GPtrArray *portals;        /* of TgtConfigPortal* */
} TgtConfigPortalGroup;

/* A logical unit.  backstore is the spec string as the user wrote it:
 * "file:PATH" or "mem:SIZE" (SIZE like 64M, 1G); parsed by the SCSI layer. */
typedef struct {
  guint32 lun;
  char *backstore;
  gboolean read_only;
  guint32 block_size;        /* 0: default (512) */
  char *serial;              /* NULL: derived */
} TgtConfigLun;

typedef struct {
  char *iqn;                 /* TargetName, normalized */
  char *alias;               /* TargetAlias or NULL */
  GArray *tpgts;             /* of guint16: portal groups serving it; empty -> all */
  GPtrArray *luns;           /* of TgtConfigLun* */
  /* InitiatorName values allowed to log in (and to see the target in
   * SendTargets).  Empty -> every initiator is allowed. */
  GPtrArray *acl;            /* of char* */
  TgtConfigAuth auth;
} TgtConfigTarget;

/* Limits and the target's offered operational values (RFC 7143 sec. 13).
 * A value here is what the target is willing to accept; negotiation picks
 * the result with the initiator's offer. */
typedef struct {
  guint max_connections;           /* MaxConnections, default 4 */
  guint max_sessions;              /* per target, 0 = unlimited */
  guint queue_depth;               /* commands per session: MaxCmdSN window, default 128 */
  guint max_recv_data_segment_length; /* we declare, default 262144 */
  guint max_burst_length;          /* default 1048576 */
  guint first_burst_length;        /* default 65536 */
  guint max_outstanding_r2t;       /* default 16 */
  gboolean initial_r2t;            /* default FALSE: we allow unsolicited data */
  gboolean immediate_data;         /* default TRUE */
  guint default_time2wait;         /* default 2 */
  guint default_time2retain;       /* default 20 */
  guint error_recovery_level;      /* we support 0 */
  gboolean header_digest_allowed;  /* CRC32C may be negotiated, default TRUE */
  gboolean data_digest_allowed;    /* default TRUE */
  gboolean header_digest_required; /* only CRC32C accepted (None refused), default FALSE */
  gboolean data_digest_required;
  guint nop_in_interval;           /* s between NOP-In pings on idle conns, 0 = off; default 30 */
  guint nop_in_timeout;            /* s to wait for the NOP-Out answer, default 15 */
  guint login_timeout;             /* s for the whole login phase, default 15 */
  guint worker_threads;            /* data path threads, 0 = one per CPU */
  /* Repeated login failures from one address are answered later and
   * later, up to this many ms (default 8000; 0: never delayed). */
  guint login_failure_delay_max_ms;
} TgtConfigLimits;

typedef struct {
  GPtrArray *targets;              /* of TgtConfigTarget* */
  GPtrArray *portal_groups;        /* of TgtConfigPortalGroup* */
  TgtConfigAuth discovery_auth;    /* CHAP policy of discovery sessions */
  TgtConfigLimits limits;
  char *isns_server;               /* "ADDR[:PORT]" or NULL */
  guint isns_esi_interval;         /* seconds between ESIs asked of the server; 0 = 20 */
  gboolean mdns;                   /* announce _iscsi._tcp (discovery-mdns.h) */
} TgtConfig;

/* Constructors set defaults; *_free accept NULL. */
TgtConfig *tgt_config_new (void);
void tgt_config_free (TgtConfig *cfg);
TgtConfig *tgt_config_copy (const TgtConfig *cfg);
void tgt_config_limits_init (TgtConfigLimits *limits);

TgtConfigTarget *tgt_config_target_new (const char *iqn);
void tgt_config_target_free (TgtConfigTarget *t);
TgtConfigTarget *tgt_config_target_copy (const TgtConfigTarget *t);

TgtConfigLun *tgt_config_lun_new (guint32 lun, const char *backstore);
void tgt_config_lun_free (TgtConfigLun *l);
TgtConfigLun *tgt_config_lun_copy (const TgtConfigLun *l);

TgtConfigChap *tgt_config_chap_new (const char *user, const char *secret);
void tgt_config_chap_free (TgtConfigChap *c);
TgtConfigChap *tgt_config_chap_copy (const TgtConfigChap *c);

TgtConfigPortalGroup *tgt_config_portal_group_new (guint16 tpgt);
void tgt_config_portal_group_free (TgtConfigPortalGroup *pg);
TgtConfigPortal *tgt_config_portal_new (const char *host, guint16 port);
void tgt_config_portal_free (TgtConfigPortal *p);

void tgt_config_auth_init (TgtConfigAuth *auth);
void tgt_config_auth_clear (TgtConfigAuth *auth);
void tgt_config_auth_copy_into (TgtConfigAuth *dst, const TgtConfigAuth *src);

/* Lookups; NULL if absent. */
TgtConfigTarget *tgt_config_find_target (const TgtConfig *cfg, const char *iqn);
TgtConfigLun *tgt_config_target_find_lun (const TgtConfigTarget *t, guint32 lun);
TgtConfigPortalGroup *tgt_config_find_portal_group (const TgtConfig *cfg, guint16 tpgt);
/* TRUE if the target is served through portal group tpgt. */
gboolean tgt_config_target_in_group (const TgtConfigTarget *t, guint16 tpgt);
/* TRUE if initiator_name may log in to / discover the target. */
gboolean tgt_config_target_allows (const TgtConfigTarget *t, const char *initiator_name);

/* Semantic checks shared by the flag and file forms: at least one portal,
 * unique target names, unique LUN numbers per target, unique TPGTs, secret
 * lengths (RFC 7143 sec. 9.2.1: at least 12 bytes; at most 255), sane
 * limits.  Error messages never contain a secret. */
gboolean tgt_config_validate (const TgtConfig *cfg, GError **error);

/* Parse "HOST:PORT", "[V6]:PORT", "HOST" (default port) into a portal. */
TgtConfigPortal *tgt_config_portal_parse (const char *spec, GError **error);

/* The flags-only form (tgt-config-flags.c): options for GOptionContext and
 * the conversion to a TgtConfig. */
typedef struct {
  char **listen;             /* --listen ADDR[:PORT], repeatable */
  char *target;              /* --target IQN */
  char *alias;               /* --alias TEXT */
  char **luns;               /* --lun file:PATH|mem:SIZE, repeatable */
  char *chap;                /* --chap USER:SECRET */
  char *chap_file;           /* --chap-file PATH: "USER:SECRET" line, mode 0600 */
  char *mutual_chap;         /* --mutual-chap USER:SECRET */
  char *mutual_chap_file;    /* --mutual-chap-file PATH */
  char *discovery_chap;      /* --discovery-chap USER:SECRET */
  char **allow;              /* --allow INITIATOR-IQN, repeatable */
  int max_connections;       /* --max-connections N */
  int queue_depth;           /* --queue-depth N */
  int threads;               /* --threads N */
  char *isns;                /* --isns ADDR[:PORT] */
  int isns_esi_interval;     /* --isns-esi-interval S */
  gboolean read_only;        /* --read-only: all LUNs */
  char *digest;              /* --digest none|allow|header|data|both (require CRC32C) */
  gboolean mdns;             /* --mdns: announce _iscsi._tcp through avahi-daemon */
} TgtConfigFlags;

GOptionGroup *tgt_config_flags_option_group (TgtConfigFlags *flags);
/* Environment: ITN_CHAP ("USER:SECRET"), ITN_MUTUAL_CHAP, used when the
 * matching flags are absent. */
TgtConfig *tgt_config_from_flags (const TgtConfigFlags *flags, GError **error);
void tgt_config_flags_clear (TgtConfigFlags *flags);

/* TGT_ERROR: the daemon's error domain (doc/hacking.md). */
#define TGT_ERROR (tgt_error_quark ())
GQuark tgt_error_quark (void);

typedef enum {
  TGT_ERROR_INVALID,         /* bad configuration value */
  TGT_ERROR_NOT_FOUND,       /* no such target/LUN/account/session */
  TGT_ERROR_EXISTS,          /* duplicate */
  TGT_ERROR_IO,              /* backstore or socket */
  TGT_ERROR_PERMISSION,      /* secrets file readable by others */
  TGT_ERROR_BUSY,            /* in use (e.g. LUN with sessions) */
  TGT_ERROR_FAILED,
} TgtError;

G_END_DECLS

#endif /* ITN_TGT_CONFIG_H */
