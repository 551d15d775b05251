/* control-service.h: the methods of org.itnexus.Target1
 * (data/org.itnexus.Target1.xml) on top of the engine.
 *
 * Every change follows one path: copy the configuration in effect, apply
 * one operation (control-ops.h), check the whole (tgt_config_validate),
 * apply it live (tgt_engine_apply), write it back to the file
 * (config-write.h) and emit Changed.  If the write fails, the engine is put
 * back to the previous configuration and the caller gets the error: the
 * file and the running daemon never disagree.  SIGHUP takes the same
 * route from the file's side (reload-file.h).
 *
 * The service is transport-agnostic: control-server.c exports its
 * skeleton on each peer-to-peer connection and on the system bus. */
#ifndef ITN_CONTROL_SERVICE_H
#define ITN_CONTROL_SERVICE_H

#include <gio/gio.h>

#include "target/config-xml.h"
#include "target/tgt-engine.h"

G_BEGIN_DECLS

typedef struct TgtControlService TgtControlService;

/* src (nullable: started from flags, nothing is written back) is copied. */
TgtControlService *tgt_control_service_new (TgtEngine *engine, const TgtConfigSource *src);
void tgt_control_service_free (TgtControlService *s);

GDBusInterfaceSkeleton *tgt_control_service_skeleton (TgtControlService *s);

/* Re-read the file and apply the difference; logs what changed. */
gboolean tgt_control_service_reload (TgtControlService *s, GError **error);

G_END_DECLS

#endif /* ITN_CONTROL_SERVICE_H */
