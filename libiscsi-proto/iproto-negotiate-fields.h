/* Internal to the negotiation engine: where each key's value lives. */
#pragma once
#include "libiscsi-proto/iproto-negotiate.h"

G_BEGIN_DECLS

/* The guint32 / gboolean field of p that holds key id, or NULL. */
guint32 *iproto_neg_field_u32(IProtoSessionParams *p, IProtoKeyId id);
gboolean *iproto_neg_field_bool(IProtoSessionParams *p, IProtoKeyId id);
const char *iproto_neg_task_reporting_name(IProtoTaskReporting t);
gboolean iproto_neg_task_reporting_parse(const char *s, IProtoTaskReporting *t);

G_END_DECLS
