/* reload-file.c: re-read target.xml and apply the difference
 * (reload-file.h). */
#include "config.h"

#include "target/reload-file.h"

#include "target/reload-diff.h"

gboolean
tgt_reload_from_file (TgtEngine *engine, TgtConfigSource *src, GPtrArray **changes_out, GError **error)
{
  if (src == NULL || src->path == NULL)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_NOT_FOUND, "no configuration file to reload (started from flags)");
      return FALSE;
    }
  TgtConfigSource next_src = { 0 };
  TgtConfig *next = tgt_config_xml_load (src->path, &next_src, error);
  if (next == NULL)
    return FALSE;
  GPtrArray *changes = tgt_reload_diff (tgt_engine_config (engine), next);
  /* The engine keeps every session the difference does not concern; an
   * unchanged file is not applied at all. */
  gboolean ok = changes->len == 0 || tgt_engine_apply (engine, next, error);
  tgt_config_free (next);
  if (ok)
    {
      tgt_config_source_clear (src);
      *src = next_src;
    }
  else
    tgt_config_source_clear (&next_src);
  if (ok && changes_out != NULL)
    *changes_out = changes;
  else
    g_ptr_array_unref (changes);
  return ok;
}
