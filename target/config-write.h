/* config-write.h: writing the configuration back to target.xml.
 *
 * The file is the desired state (design: "Configuration and control"):
 * every change made through the control API is written back, atomically,
 * so that a crash leaves either the old file or the new one, never a mix:
 * a temporary file in the same directory, fsync, rename over the old name,
 * fsync of the directory.  The file is regenerated from the model, so
 * comments and formatting of a hand-written file are not kept.
 */
#ifndef ITN_CONFIG_WRITE_H
#define ITN_CONFIG_WRITE_H

#include <glib.h>
#include <sys/types.h>

#include "target/config-xml.h"

G_BEGIN_DECLS

/* target.xml text for cfg.  With secrets_ref (the <secrets file> value),
 * accounts are written without their secrets and *secrets_out receives the
 * text of the secrets file; without it, secrets are written inline and
 * *secrets_out is NULL.  *has_secrets_out (nullable) says whether the
 * returned text holds a secret.  Free both with tgt_config_text_free(). */
char *tgt_config_xml_format (const TgtConfig *cfg, const char *secrets_ref, char **secrets_out,
                             gboolean *has_secrets_out);
/* Wipes (the text may hold secrets) and frees. */
void tgt_config_text_free (char *text);

/* The steps of an atomic write, for tests that stop a write half-way. */
typedef enum {
  TGT_WRITE_STEP_TEMP_WRITTEN,  /* temp file complete, not yet synced */
  TGT_WRITE_STEP_TEMP_SYNCED,   /* fsync(temp) done */
  TGT_WRITE_STEP_RENAMED,       /* rename(temp, path) done */
  TGT_WRITE_STEP_DIR_SYNCED,    /* fsync(directory) done */
} TgtWriteStep;

/* Called after each step with the temporary file's path; returning FALSE
 * makes the write fail there, as a crash would stop it. */
typedef gboolean (*TgtWriteHook) (TgtWriteStep step, const char *tmp_path, gpointer data);

/* Replace PATH by DATA atomically.  The new file gets `mode` and, when it
 * replaces a file, that file's owner and group (when permitted).  A
 * symbolic link at PATH is followed: its target is replaced. */
gboolean tgt_config_write_atomic (const char *path, const char *data, gsize len, mode_t mode, GError **error);
gboolean tgt_config_write_atomic_full (const char *path, const char *data, gsize len, mode_t mode,
                                       TgtWriteHook hook, gpointer hook_data, GError **error);

/* Write cfg back where src says it came from: the secrets file first
 * (mode 0600), then the configuration file (its previous mode, without any
 * group or other permission when it holds secrets inline). */
gboolean tgt_config_save (const TgtConfig *cfg, const TgtConfigSource *src, GError **error);

G_END_DECLS

#endif /* ITN_CONFIG_WRITE_H */
