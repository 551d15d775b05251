/* ANA_ERROR: the analyzer's GError domain. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

#define ANA_ERROR (ana_error_quark())
GQuark ana_error_quark(void);

typedef enum {
	ANA_ERROR_OPEN,       /* capture file or interface cannot be opened */
	ANA_ERROR_FILTER,     /* the BPF filter does not compile */
	ANA_ERROR_LINKTYPE,   /* a link layer we cannot parse */
	ANA_ERROR_DAMAGED,    /* the capture file is damaged */
} AnaError;

G_END_DECLS
