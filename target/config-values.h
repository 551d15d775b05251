/* config-values.h: the values of itn-targetd's configuration that more than
 * one form reads or writes: the file (config-xml.c, config-write.c), the
 * control API (control-*.c) and itnctl.  One table each, so that a limit or
 * an algorithm name is spelled in one place. */
#ifndef ITN_CONFIG_VALUES_H
#define ITN_CONFIG_VALUES_H

#include <glib.h>

#include "target/tgt-config.h"

G_BEGIN_DECLS

/* The limits of <limits> and of the control API's Get/SetLimits, one row
 * per TgtConfigLimits field: one table for the parser, the writer and
 * D-Bus.  Ranges follow RFC 7143 sec. 13. */
typedef enum { TGT_LIMIT_UINT, TGT_LIMIT_BOOL } TgtLimitType;

typedef struct {
  const char *name;      /* attribute / D-Bus key */
  gsize offset;          /* into TgtConfigLimits */
  TgtLimitType type;
  guint min, max;        /* TGT_LIMIT_UINT only */
} TgtConfigLimitField;

extern const TgtConfigLimitField tgt_config_limit_fields[];
extern const guint tgt_config_n_limit_fields;

const TgtConfigLimitField *tgt_config_limit_field_find (const char *name);
guint tgt_config_limit_get (const TgtConfigLimits *limits, const TgtConfigLimitField *f);
/* Range-checked; the message names the field and the allowed range. */
gboolean tgt_config_limit_set (TgtConfigLimits *limits, const TgtConfigLimitField *f, guint64 value,
                               GError **error);

/* CHAP_A algorithm names as written in target.xml and by libiscsi's auth=
 * URL argument, and their IANA numbers (5 MD5, 6 SHA-1, 7 SHA-256,
 * 8 SHA3-256). */
const char *tgt_config_chap_algorithm_name (guint8 id);
gboolean tgt_config_chap_algorithm_parse (const char *name, guint8 *id_out);

/* RFC 7143 sec. 9.2.1 / 12.1.3: CHAP secrets of 12 to 255 bytes. */
#define TGT_CONFIG_SECRET_MIN 12
#define TGT_CONFIG_SECRET_MAX 255
/* Checks a secret for account `user` of `scope`; the message never quotes
 * the secret. */
gboolean tgt_config_secret_check (const char *scope, const char *user, const char *secret, GError **error);

/* Checks a backstore spec: "file:PATH" or "mem:SIZE[K|M|G|T]". */
gboolean tgt_config_backstore_check (const char *spec, GError **error);

G_END_DECLS

#endif /* ITN_CONFIG_VALUES_H */
