/* control-errors.c: the TGT_ERROR <-> D-Bus error table (control-errors.h). */
#include "config.h"

#include "target/control-errors.h"

#include <gio/gio.h>

#include "target/tgt-config.h"

static const GDBusErrorEntry entries[] = {
  { TGT_ERROR_INVALID, TGT_CONTROL_DBUS_ERROR_PREFIX "Invalid" },
  { TGT_ERROR_NOT_FOUND, TGT_CONTROL_DBUS_ERROR_PREFIX "NotFound" },
  { TGT_ERROR_EXISTS, TGT_CONTROL_DBUS_ERROR_PREFIX "Exists" },
  { TGT_ERROR_IO, TGT_CONTROL_DBUS_ERROR_PREFIX "IO" },
  { TGT_ERROR_PERMISSION, TGT_CONTROL_DBUS_ERROR_PREFIX "Permission" },
  { TGT_ERROR_BUSY, TGT_CONTROL_DBUS_ERROR_PREFIX "Busy" },
  { TGT_ERROR_FAILED, TGT_CONTROL_DBUS_ERROR_PREFIX "Failed" },
};

void
tgt_control_errors_register (void)
{
  /* The same quark name G_DEFINE_QUARK gives TGT_ERROR in tgt-config.c,
   * so the registered domain is TGT_ERROR itself. */
  static gsize quark = 0;
  g_dbus_error_register_error_domain ("tgt-error-quark", &quark, entries, G_N_ELEMENTS (entries));
  g_assert ((GQuark) quark == TGT_ERROR);
}
