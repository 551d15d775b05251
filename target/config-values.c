/* config-values.c: tables and checks shared by the file form, the writer and
 * the control API (config-values.h). */
#include "config.h"

#include "target/config-values.h"
#include "target/backstore.h"

#include <stddef.h>
#include <string.h>

#define LIMIT_UINT(n, field, lo, hi) \
  { n, offsetof (TgtConfigLimits, field), TGT_LIMIT_UINT, lo, hi }
#define LIMIT_BOOL(n, field) \
  { n, offsetof (TgtConfigLimits, field), TGT_LIMIT_BOOL, 0, 1 }

/* Ranges: RFC 7143 sec. 13.2 (MaxConnections 1..65535), 13.12
 * (MaxRecvDataSegmentLength 512..2^24-1), 13.13/13.14 (MaxBurstLength,
 * FirstBurstLength 512..2^24-1), 13.15/13.16 (Time2Wait/Time2Retain
 * 0..3600), 13.17 (MaxOutstandingR2T 1..65535), 13.20 (ErrorRecoveryLevel
 * 0..2).  The others are the daemon's own: queue depth is the CmdSN window
 * (sec. 4.2.2.1) a session gets. */
const TgtConfigLimitField tgt_config_limit_fields[] = {
  LIMIT_UINT ("max-connections", max_connections, 1, 65535),
  LIMIT_UINT ("max-sessions", max_sessions, 0, 65535),
  LIMIT_UINT ("queue-depth", queue_depth, 1, 65536),
  LIMIT_UINT ("max-recv-data-segment-length", max_recv_data_segment_length, 512, 16777215),
  LIMIT_UINT ("max-burst-length", max_burst_length, 512, 16777215),
  LIMIT_UINT ("first-burst-length", first_burst_length, 512, 16777215),
  LIMIT_UINT ("max-outstanding-r2t", max_outstanding_r2t, 1, 65535),
  LIMIT_BOOL ("initial-r2t", initial_r2t),
  LIMIT_BOOL ("immediate-data", immediate_data),
  LIMIT_UINT ("default-time2wait", default_time2wait, 0, 3600),
  LIMIT_UINT ("default-time2retain", default_time2retain, 0, 3600),
  LIMIT_UINT ("error-recovery-level", error_recovery_level, 0, 2),
  LIMIT_BOOL ("header-digest", header_digest_allowed),
  LIMIT_BOOL ("data-digest", data_digest_allowed),
  LIMIT_UINT ("nop-in-interval", nop_in_interval, 0, 3600),
  LIMIT_UINT ("nop-in-timeout", nop_in_timeout, 1, 3600),
  LIMIT_UINT ("login-timeout", login_timeout, 1, 3600),
  LIMIT_UINT ("worker-threads", worker_threads, 0, 256),
  /* RFC 7143 sec. 9.2.1 leaves guessing defences to the target: repeated
   * failed logins from one address wait up to this long (0: never). */
  LIMIT_UINT ("login-failure-delay-max-ms", login_failure_delay_max_ms, 0, 60000),
};
const guint tgt_config_n_limit_fields = G_N_ELEMENTS (tgt_config_limit_fields);

const TgtConfigLimitField *
tgt_config_limit_field_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tgt_config_limit_fields); i++)
    if (strcmp (tgt_config_limit_fields[i].name, name) == 0)
      return &tgt_config_limit_fields[i];
  return NULL;
}

guint
tgt_config_limit_get (const TgtConfigLimits *limits, const TgtConfigLimitField *f)
{
  const char *base = (const char *) limits + f->offset;
  if (f->type == TGT_LIMIT_BOOL)
    {
      gboolean b;
      memcpy (&b, base, sizeof b);
      return b ? 1 : 0;
    }
  guint v;
  memcpy (&v, base, sizeof v);
  return v;
}

gboolean
tgt_config_limit_set (TgtConfigLimits *limits, const TgtConfigLimitField *f, guint64 value, GError **error)
{
  char *base = (char *) limits + f->offset;
  if (value < f->min || value > f->max)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "%s: %" G_GUINT64_FORMAT " is outside %u..%u",
                   f->name, value, f->min, f->max);
      return FALSE;
    }
  if (f->type == TGT_LIMIT_BOOL)
    {
      gboolean b = value != 0;
      memcpy (base, &b, sizeof b);
    }
  else
    {
      guint v = (guint) value;
      memcpy (base, &v, sizeof v);
    }
  return TRUE;
}

/* IANA "iSCSI Parameters", CHAP_A registry; names as libiscsi's auth= URL
 * argument spells them. */
static const struct {
  guint8 id;
  const char *name;
} chap_algorithms[] = {
  { 5, "md5" },
  { 6, "sha1" },
  { 7, "sha-256" },
  { 8, "sha3-256" },
};

const char *
tgt_config_chap_algorithm_name (guint8 id)
{
  for (guint i = 0; i < G_N_ELEMENTS (chap_algorithms); i++)
    if (chap_algorithms[i].id == id)
      return chap_algorithms[i].name;
  return NULL;
}

gboolean
tgt_config_chap_algorithm_parse (const char *name, guint8 *id_out)
{
  for (guint i = 0; i < G_N_ELEMENTS (chap_algorithms); i++)
    if (g_ascii_strcasecmp (chap_algorithms[i].name, name) == 0)
      {
        *id_out = chap_algorithms[i].id;
        return TRUE;
      }
  return FALSE;
}

gboolean
tgt_config_secret_check (const char *scope, const char *user, const char *secret, GError **error)
{
  gsize n = secret != NULL ? strlen (secret) : 0;
  /* RFC 7143 sec. 9.2.1: secrets of at least 96 bits when nothing else
   * protects the link; 255 bytes is the largest text value a secret can be
   * derived from in practice (sec. 6.1).  The length, never the value. */
  if (n < TGT_CONFIG_SECRET_MIN || n > TGT_CONFIG_SECRET_MAX)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID,
                   "%s: CHAP secret of user '%s' is %" G_GSIZE_FORMAT " bytes; it must be %d to %d (RFC 7143 sec. 9.2.1)",
                   scope, user, n, TGT_CONFIG_SECRET_MIN, TGT_CONFIG_SECRET_MAX);
      return FALSE;
    }
  return TRUE;
}

gboolean
tgt_config_backstore_check (const char *spec, GError **error)
{
  guint64 size;
  /* The sizes the SCSI layer will open (backstore-spec.c), checked now so
   * that a file or a control call is refused before anything changes. */
  if ((g_str_has_prefix (spec, "file:") && spec[5] != '\0' && strchr (spec, '\n') == NULL)
      || (g_str_has_prefix (spec, "mem:") && tgt_backstore_parse_size (spec + 4, &size, NULL)))
    return TRUE;
  g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID,
               "backstore '%s': expected file:PATH or mem:SIZE (SIZE in bytes or with K, M, G, T)", spec);
  return FALSE;
}
