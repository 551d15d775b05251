#include "config.h"
#include "itni-error.h"

G_DEFINE_QUARK(itni-error-quark, itni_error)
