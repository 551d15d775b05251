/* The control node name this machine uses by default (RFC 4171 sec. 5.6.1):
 * itn-isnsd trusts it when no --control-node is given, and itnctl uses it
 * as its source when no --source is given, so that on one machine the
 * administrator's tool may manage discovery domains out of the box. */
#pragma once
#include <glib.h>

char *idisc_isns_default_control_name(GError **error);
