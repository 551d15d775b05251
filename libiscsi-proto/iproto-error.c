/* The IPROTO_ERROR quark (see iproto-error.h). */
#include "config.h"
#include "iproto-error.h"

G_DEFINE_QUARK(iproto-error-quark, iproto_error)
