/* Generated IQNs (RFC 3720 sec. 3.2.6.3.1): iqn.DATE.REVERSED-DOMAIN:SUFFIX.
 *
 * Every part defaults to something stable, so one machine generates the
 * same name on every run: the date is a fixed month, the domain is the
 * host's, and the suffix is derived from the machine id. */
#include "config.h"
#include "libiscsi-name/iname-generate.h"
#include "libiscsi-name/iname-name.h"
#include "libiscsi-name/iname-structure.h"

#include <string.h>

/* machine-id(5) files, in the order systemd reads them. */
static const char *const machine_id_files[] = { "/etc/machine-id", "/var/lib/dbus/machine-id" };

/* machine-id(5) asks applications not to expose the id itself, but a keyed
 * hash of it; this is the application key. */
#define SUFFIX_HMAC_MESSAGE "itnexus iSCSI name"
#define SUFFIX_HEX_DIGITS 12

char *iname_machine_suffix_from_id(const char *machine_id)
{
	g_autofree char *mac = g_compute_hmac_for_string(G_CHECKSUM_SHA256,
							 (const guchar *) machine_id, strlen(machine_id),
							 SUFFIX_HMAC_MESSAGE, -1);
	return g_strdup_printf("itn-%.*s", SUFFIX_HEX_DIGITS, mac);
}

char *iname_machine_suffix(GError **error)
{
	for (gsize i = 0; i < G_N_ELEMENTS(machine_id_files); i++) {
		g_autofree char *contents = NULL;
		gsize len = 0;
		if (!g_file_get_contents(machine_id_files[i], &contents, &len, NULL))
			continue;
		g_strstrip(contents);
		/* 32 lowercase hex digits; anything else is not a machine id */
		gboolean ok = strlen(contents) == 32;
		for (const char *p = contents; ok && *p; p++)
			ok = g_ascii_isxdigit(*p);
		if (ok)
			return iname_machine_suffix_from_id(contents);
	}
	g_set_error(error, INAME_ERROR, INAME_ERROR_MACHINE_ID,
		    "no machine id in /etc/machine-id or /var/lib/dbus/machine-id; give a suffix");
	return NULL;
}

/* The host's DNS name, lowercased, with characters a naming authority
 * cannot hold replaced by '-'; "HOST.local" (its mDNS name) when the host
 * name has no domain. */
static char *host_domain(void)
{
	g_autofree char *h = g_ascii_strdown(g_get_host_name(), -1);
	for (char *p = h; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-')
			*p = '-';
	if (strchr(h, '.'))
		return g_steal_pointer(&h);
	return g_strconcat(h, ".local", NULL);
}

/* "example.com" -> "com.example"; empty labels are dropped. */
static char *reverse_domain(const char *domain)
{
	g_auto(GStrv) labels = g_strsplit(domain, ".", -1);
	GString *out = g_string_new(NULL);
	for (gint i = (gint) g_strv_length(labels) - 1; i >= 0; i--) {
		if (!labels[i][0])
			continue;
		if (out->len)
			g_string_append_c(out, '.');
		g_string_append(out, labels[i]);
	}
	return g_string_free(out, FALSE);
}

char *iname_generate(const char *domain, const char *date, const char *suffix, GError **error)
{
	if (!date)
		date = INAME_GENERATE_DEFAULT_DATE;
	if (strlen(date) != 7) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DATE, "date must be YYYY-MM");
		return NULL;
	}
	if (!iname_check_date(date, error))
		return NULL;

	g_autofree char *own_domain = domain ? NULL : host_domain();
	g_autofree char *reversed = reverse_domain(domain ? domain : own_domain);
	if (!reversed[0]) {
		g_set_error(error, INAME_ERROR, INAME_ERROR_BAD_DOMAIN, "empty domain");
		return NULL;
	}
	g_autofree char *own_suffix = NULL;
	if (!suffix) {
		own_suffix = iname_machine_suffix(error);
		if (!own_suffix)
			return NULL;
		suffix = own_suffix;
	}
	g_autofree char *name = g_strdup_printf("iqn.%s.%s:%s", date, reversed, suffix);
	/* What the suite creates is strict (RFC 3722 without exceptions). */
	return iname_normalize(name, INAME_STRICT, NULL, NULL, error);
}
