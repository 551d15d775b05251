/* The GError domain of libiscsi-name. */
#include "config.h"
#include "libiscsi-name/iname-error.h"

G_DEFINE_QUARK(iname-error-quark, iname_error)
