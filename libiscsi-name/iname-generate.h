/* Generating IQNs: iqn.DATE.REVERSED-DOMAIN:SUFFIX (RFC 3720 sec. 3.2.6.3.1). */
#pragma once
#include <glib.h>
#include "libiscsi-name/iname-error.h"

G_BEGIN_DECLS

/* The default month: a fixed constant, so a generated name never changes
 * between runs (the current month would).  See doc/names.md. */
#define INAME_GENERATE_DEFAULT_DATE "2000-01"

/* domain: forward DNS name ("example.com"); NULL: the host's FQDN, or
 * "HOSTNAME.local" when the host name has no dot.
 * date: "YYYY-MM"; NULL: INAME_GENERATE_DEFAULT_DATE.
 * suffix: the part after ':'; NULL: iname_machine_suffix().
 * Returns the normalized, strictly valid name. */
char *iname_generate(const char *domain, const char *date, const char *suffix,
		     GError **error);

/* "itn-" and 12 hex digits of an HMAC-SHA256 keyed with the machine id
 * (/etc/machine-id, else /var/lib/dbus/machine-id): stable on one machine,
 * different between machines, and it does not reveal the machine id. */
char *iname_machine_suffix(GError **error);
/* The same from a given machine id string (tests, containers). */
char *iname_machine_suffix_from_id(const char *machine_id);

G_END_DECLS
