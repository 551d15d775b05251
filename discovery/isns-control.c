/* The default control node name (see isns-control.h). */
#include "config.h"
#include "discovery/isns-control.h"
#include "libiscsi-name/iname.h"

char *idisc_isns_default_control_name(GError **error)
{
	g_autofree char *machine = iname_machine_suffix(error);
	if (!machine)
		return NULL;
	g_autofree char *suffix = g_strdup_printf("%s:isns-control", machine);
	return iname_generate(NULL, NULL, suffix, error);
}
