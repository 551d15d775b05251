/* control-errors.h: TGT_ERROR codes as D-Bus errors.
 *
 * A GError with domain TGT_ERROR returned from a control method reaches the
 * client as "org.itnexus.Target1.Error.<Name>" with the message, and a
 * client that registered the same table (itnctl does) gets the GError back
 * with its code.  The table is the one place these names are spelled. */
#ifndef ITN_CONTROL_ERRORS_H
#define ITN_CONTROL_ERRORS_H

#include <glib.h>

G_BEGIN_DECLS

#define TGT_CONTROL_DBUS_ERROR_PREFIX "org.itnexus.Target1.Error."

/* Idempotent; call before the first method call is answered or made. */
void tgt_control_errors_register (void);

G_END_DECLS

#endif /* ITN_CONTROL_ERRORS_H */
