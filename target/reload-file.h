/* reload-file.h: SIGHUP: re-read the configuration file and apply the
 * difference (design: "A reload applies the difference without dropping
 * sessions the change does not touch").
 *
 * A file that does not load (syntax, schema, semantics, permissions)
 * changes nothing: the daemon keeps serving the configuration in effect
 * and the error says why the reload was refused. */
#ifndef ITN_RELOAD_FILE_H
#define ITN_RELOAD_FILE_H

#include <glib.h>

#include "target/config-xml.h"
#include "target/tgt-engine.h"

G_BEGIN_DECLS

/* Loads src->path, applies it to the engine, updates *src (the secrets file
 * may have changed).  *changes_out (nullable) receives the differences in
 * words (reload-diff.h); an empty list means the file matched. */
gboolean tgt_reload_from_file (TgtEngine *engine, TgtConfigSource *src, GPtrArray **changes_out, GError **error);

G_END_DECLS

#endif /* ITN_RELOAD_FILE_H */
