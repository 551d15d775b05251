/* The iSNS server's database: SQLite in WAL mode with synchronous=FULL, a
 * generic object store shaped by the attribute table (discovery/isns-attrs.h):
 * one row per object (type, key, owning entity) and one row per attribute
 * value.  Every change happens inside a batch transaction, each message in
 * its own savepoint, so a failed message rolls back exactly its changes and
 * the batch is made durable with one commit (one fsync) before any answer of
 * the batch is sent. */
#pragma once
#include <glib.h>
#include "discovery/isns-attrs.h"

#define ISRV_ERROR (isrv_error_quark())
GQuark isrv_error_quark(void);
typedef enum { ISRV_ERROR_DB, ISRV_ERROR_CONFIG, ISRV_ERROR_IO } IsrvError;

typedef struct IsrvDb IsrvDb;

/* One attribute value of an object. */
typedef struct {
	guint32 tag;
	guint32 len;
	guint8 *value;   /* owned, padded wire form */
} IsrvAttr;

typedef struct {
	gint64 id;       /* the object's index (sec. 6.1: server assigned) */
	IDiscObjectType type;
	gint64 entity;   /* owning entity, 0 for entities, DDs and DDSs */
	GArray *attrs;   /* IsrvAttr sorted by tag, then insertion order */
} IsrvObject;

void isrv_object_free(IsrvObject *o);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IsrvObject, isrv_object_free)
const IsrvAttr *isrv_object_get(const IsrvObject *o, guint32 tag);
guint32 isrv_object_get_u32(const IsrvObject *o, guint32 tag, guint32 dflt);
const char *isrv_object_get_string(const IsrvObject *o, guint32 tag);

/* Open (creating) DIR/isns.db. */
IsrvDb *isrv_db_open(const char *dir, GError **error);
/* ":memory:" database for tests and the fuzz target. */
IsrvDb *isrv_db_open_memory(GError **error);
void isrv_db_close(IsrvDb *db);

/* Batches and messages.  begin/commit nest: only the outermost commits. */
gboolean isrv_db_begin(IsrvDb *db, GError **error);
gboolean isrv_db_commit(IsrvDb *db, GError **error);
void isrv_db_rollback(IsrvDb *db);
gboolean isrv_db_in_batch(IsrvDb *db);
void isrv_db_savepoint(IsrvDb *db);
void isrv_db_release(IsrvDb *db);
void isrv_db_rollback_to(IsrvDb *db);
/* Did anything change since the batch began? */
gboolean isrv_db_dirty(IsrvDb *db);
/* A failed statement inside a message: set by every write helper. */
gboolean isrv_db_failed(IsrvDb *db);

/* Objects.  KEY is the concatenation of the key attributes' wire values. */
gint64 isrv_db_find(IsrvDb *db, IDiscObjectType type, const guint8 *key, gsize key_len);
IsrvObject *isrv_db_load(IsrvDb *db, gint64 id);
gint64 isrv_db_insert(IsrvDb *db, IDiscObjectType type, const guint8 *key, gsize key_len,
		      gint64 entity);
void isrv_db_delete(IsrvDb *db, gint64 id);
/* Replace the value(s) of a single-valued attribute. */
void isrv_db_set_attr(IsrvDb *db, gint64 id, guint32 tag, const guint8 *value, guint32 len);
void isrv_db_set_u32(IsrvDb *db, gint64 id, guint32 tag, guint32 v);
void isrv_db_unset_attr(IsrvDb *db, gint64 id, guint32 tag);
/* Multi-valued attributes (DD and DDS members): add if absent. */
gboolean isrv_db_add_value(IsrvDb *db, gint64 id, guint32 tag, const guint8 *value, guint32 len);
gboolean isrv_db_remove_value(IsrvDb *db, gint64 id, guint32 tag, const guint8 *value, guint32 len);

/* Object IDs into IDS (gint64), ascending. */
void isrv_db_list(IsrvDb *db, IDiscObjectType type, GArray *ids);
void isrv_db_children(IsrvDb *db, gint64 entity, IDiscObjectType type, GArray *ids);
/* Objects of TYPE holding attribute TAG = VALUE. */
void isrv_db_with_value(IsrvDb *db, IDiscObjectType type, guint32 tag, const guint8 *value,
			guint32 len, GArray *ids);
/* Objects of TYPE that have attribute TAG at all. */
void isrv_db_with_tag(IsrvDb *db, IDiscObjectType type, guint32 tag, GArray *ids);
/* The first object of TYPE with an ID above AFTER, or 0. */
gint64 isrv_db_next(IsrvDb *db, IDiscObjectType type, gint64 after);
gint64 isrv_db_count(IsrvDb *db, IDiscObjectType type);

/* Persistent counters (entity ID numbers, DD and DDS IDs). */
guint32 isrv_db_counter_next(IsrvDb *db, const char *name);
