/* Node records of itn-initiatord: the file initiator.xml (-c FILE), one
 * <node> per target with its portal, CHAP secrets file, connections per
 * session, sessions per target and auto-connect, and whether to find
 * targets over mDNS (<discover>).  The file is the desired
 * state: edits through the control API are written back atomically; a
 * discovery adds records for new targets and never changes what a user set
 * on an existing one. */
#pragma once
#include <glib.h>

typedef struct {
	char *target;
	char *portal;          /* host[:port] */
	char *secrets;         /* path of a 0600 secrets file, or NULL */
	guint connections, sessions;
	gboolean auto_connect;
	gboolean discovered;   /* created by discovery, not by a user */
} ItndRecord;

typedef struct {
	char *path;            /* NULL: records from flags only, not saved */
	char *initiator_name;  /* <initiator name=...>, or NULL */
	gboolean discover_mdns; /* <discover source="mdns">: --discover mdns */
	char **discover_match;  /* its <match iqn="GLOB"/>s, or NULL: every target */
	GPtrArray *records;    /* ItndRecord* */
} ItndRecords;

/* Largest initiator.xml read: far beyond any real set of records, small
 * enough that a wrong path (a disk image) is refused before it is read. */
#define ITND_RECORDS_FILE_MAX (4 * 1024 * 1024)

/* Load (a missing file is an empty set); errors name file and line and
 * what was expected.  The tree is walked and validated against
 * data/initiator.rng. */
ItndRecords *itnd_records_load(const char *path, GError **error);
/* The same from memory (name for messages; the result has no path). */
ItndRecords *itnd_records_parse(const char *data, gsize len, const char *name, GError **error);
void itnd_records_free(ItndRecords *r);
gboolean itnd_records_save(ItndRecords *r, GError **error);
ItndRecord *itnd_records_find(ItndRecords *r, const char *target);
/* Add a record for a discovered target unless one exists; TRUE if added. */
gboolean itnd_records_add_discovered(ItndRecords *r, const char *target, const char *portal);
/* Set one field by name (auto-connect, connections, sessions, portal,
 * secrets) from text. */
gboolean itnd_record_set(ItndRecord *rec, const char *key, const char *value, GError **error);
/* The iSCSI URL (without secrets) to log in to a record's target. */
char *itnd_record_url(const ItndRecord *rec);
