/* control-server.h: itn-targetd's control API, as main.c uses it.
 *
 * The service (control-service.h) is served peer-to-peer on a Unix socket
 * with GDBusServer, so that a storage box needs no bus daemon
 * (`--control PATH`, default TGT_CONTROL_DEFAULT_SOCKET, mode 0660: the
 * socket's owner and group may control the daemon), and also under the
 * name org.itnexus.Target1 on the system bus when one runs (failure to
 * reach or own it is only a debug message).  Object path
 * /org/itnexus/Target1 on both.
 *
 * main.c:
 *   TgtConfigSource src = { 0 };
 *   TgtConfig *cfg = tgt_config_xml_load (path, &src, &error);   (-c FILE)
 *   ... engine = tgt_engine_new (cfg, ...); tgt_engine_start (...);
 *   TgtControl *ctl = tgt_control_new (engine, path ? &src : NULL);
 *   tgt_control_listen (ctl, control_path, &error);
 *   g_unix_signal_add (SIGHUP, ...) -> tgt_control_reload (ctl, &error);
 *   ... tgt_control_free (ctl) before tgt_engine_free (engine).
 */
#ifndef ITN_CONTROL_SERVER_H
#define ITN_CONTROL_SERVER_H

#include <glib.h>

#include "target/config-xml.h"
#include "target/tgt-engine.h"

G_BEGIN_DECLS

#define TGT_CONTROL_DEFAULT_SOCKET "/run/itnexus/targetd.sock"
#define TGT_CONTROL_BUS_NAME "org.itnexus.Target1"
#define TGT_CONTROL_OBJECT_PATH "/org/itnexus/Target1"

typedef struct TgtControl TgtControl;

/* src: where the configuration came from (NULL when started from flags:
 * changes are applied but not written anywhere).  Copied. */
TgtControl *tgt_control_new (TgtEngine *engine, const TgtConfigSource *src);

/* Listen on socket_path (NULL: the default), creating its directory, and
 * try the system bus.  A stale socket left by a dead daemon is replaced; a
 * live one is an error (another itn-targetd answers there). */
gboolean tgt_control_listen (TgtControl *c, const char *socket_path, GError **error);

/* SIGHUP: re-read the configuration file and apply the difference. */
gboolean tgt_control_reload (TgtControl *c, GError **error);

/* Stops listening, removes the socket, closes client connections. */
void tgt_control_free (TgtControl *c);

G_END_DECLS

#endif /* ITN_CONTROL_SERVER_H */
