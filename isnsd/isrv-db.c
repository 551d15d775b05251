/* The iSNS server's SQLite object store (see isrv-db.h). */
#include "config.h"
#include <sqlite3.h>
#include <errno.h>
#include <string.h>
#include "isnsd/isrv-db.h"

G_DEFINE_QUARK(isrv-error-quark, isrv_error)

enum {
	S_FIND, S_LOAD_OBJ, S_LOAD_ATTRS, S_INSERT, S_DELETE_OBJ, S_DELETE_ATTRS,
	S_DEL_TAG, S_INS_ATTR, S_HAS_VALUE, S_MAX_SEQ, S_DEL_VALUE, S_LIST, S_CHILDREN,
	S_WITH_VALUE, S_WITH_TAG, S_NEXT, S_COUNT, S_COUNTER_GET, S_COUNTER_SET,
	S_N
};

static const char *const sql_text[S_N] = {
	[S_FIND] = "SELECT id FROM obj WHERE type=?1 AND key=?2",
	[S_LOAD_OBJ] = "SELECT type, entity FROM obj WHERE id=?1",
	[S_LOAD_ATTRS] = "SELECT tag, value FROM attr WHERE obj=?1 ORDER BY tag, seq",
	[S_INSERT] = "INSERT INTO obj(type, key, entity) VALUES(?1, ?2, ?3)",
	[S_DELETE_OBJ] = "DELETE FROM obj WHERE id=?1",
	[S_DELETE_ATTRS] = "DELETE FROM attr WHERE obj=?1",
	[S_DEL_TAG] = "DELETE FROM attr WHERE obj=?1 AND tag=?2",
	[S_INS_ATTR] = "INSERT OR REPLACE INTO attr(obj, tag, seq, value) VALUES(?1, ?2, ?3, ?4)",
	[S_HAS_VALUE] = "SELECT 1 FROM attr WHERE obj=?1 AND tag=?2 AND value=?3",
	[S_MAX_SEQ] = "SELECT COALESCE(MAX(seq), -1) FROM attr WHERE obj=?1 AND tag=?2",
	[S_DEL_VALUE] = "DELETE FROM attr WHERE obj=?1 AND tag=?2 AND value=?3",
	[S_LIST] = "SELECT id FROM obj WHERE type=?1 ORDER BY id",
	[S_CHILDREN] = "SELECT id FROM obj WHERE entity=?1 AND type=?2 ORDER BY id",
	/* Both go through the attribute index (the planner would otherwise
	 * walk every object of the type: O(n) per registration). */
	[S_WITH_VALUE] = "SELECT a.obj FROM attr a INDEXED BY attr_value "
			 "WHERE a.tag=?2 AND a.value=?3 AND (SELECT type FROM obj WHERE id=a.obj)=?1 "
			 "ORDER BY a.obj",
	[S_WITH_TAG] = "SELECT DISTINCT a.obj FROM attr a INDEXED BY attr_value "
		       "WHERE a.tag=?2 AND (SELECT type FROM obj WHERE id=a.obj)=?1 ORDER BY a.obj",
	[S_NEXT] = "SELECT id FROM obj WHERE type=?1 AND id>?2 ORDER BY id LIMIT 1",
	[S_COUNT] = "SELECT COUNT(*) FROM obj WHERE type=?1",
	[S_COUNTER_GET] = "SELECT value FROM counter WHERE name=?1",
	[S_COUNTER_SET] = "INSERT OR REPLACE INTO counter(name, value) VALUES(?1, ?2)",
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS obj("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  type INTEGER NOT NULL,"
	"  key BLOB NOT NULL,"
	"  entity INTEGER,"
	"  UNIQUE(type, key));"
	"CREATE INDEX IF NOT EXISTS obj_entity ON obj(entity, type);"
	"CREATE TABLE IF NOT EXISTS attr("
	"  obj INTEGER NOT NULL, tag INTEGER NOT NULL, seq INTEGER NOT NULL,"
	"  value BLOB NOT NULL, PRIMARY KEY(obj, tag, seq)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS attr_value ON attr(tag, value);"
	"CREATE TABLE IF NOT EXISTS counter(name TEXT PRIMARY KEY, value INTEGER NOT NULL);";

struct IsrvDb {
	sqlite3 *h;
	sqlite3_stmt *st[S_N];
	int depth;          /* begin/commit nesting */
	int savepoints;
	gboolean dirty;
	gboolean failed;
};

static gboolean exec(IsrvDb *db, const char *sql, GError **error)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		g_set_error(error, ISRV_ERROR, ISRV_ERROR_DB, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return FALSE;
	}
	return TRUE;
}

static IsrvDb *open_path(const char *path, GError **error)
{
	IsrvDb *db = g_new0(IsrvDb, 1);
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		g_set_error(error, ISRV_ERROR, ISRV_ERROR_DB, "cannot open database %s: %s", path,
			    db->h ? sqlite3_errmsg(db->h) : "out of memory");
		isrv_db_close(db);
		return NULL;
	}
	/* WAL + synchronous=FULL: a commit is on disk (WAL fsynced) when it
	 * returns, so an answer sent after the batch commit describes durable
	 * state even across power loss.  Checkpoints run automatically. */
	/* Savepoints keep their statement journals in memory (a temp file
	 * costs a write per page); a larger cache and rarer checkpoints keep
	 * the writes per commit close to the pages really changed. */
	if (!exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
		      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=8192;",
		  error) ||
	    !exec(db, schema, error)) {
		isrv_db_close(db);
		return NULL;
	}
	for (int i = 0; i < S_N; i++) {
		if (sqlite3_prepare_v3(db->h, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &db->st[i],
				       NULL) != SQLITE_OK) {
			g_set_error(error, ISRV_ERROR, ISRV_ERROR_DB, "database: %s",
				    sqlite3_errmsg(db->h));
			isrv_db_close(db);
			return NULL;
		}
	}
	return db;
}

IsrvDb *isrv_db_open(const char *dir, GError **error)
{
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, ISRV_ERROR, ISRV_ERROR_IO, "cannot create %s: %s", dir,
			    g_strerror(errno));
		return NULL;
	}
	g_autofree char *path = g_build_filename(dir, "isns.db", NULL);
	return open_path(path, error);
}

IsrvDb *isrv_db_open_memory(GError **error)
{
	return open_path(":memory:", error);
}

void isrv_db_close(IsrvDb *db)
{
	if (!db)
		return;
	for (int i = 0; i < S_N; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	g_free(db);
}

gboolean isrv_db_begin(IsrvDb *db, GError **error)
{
	if (db->depth++ > 0)
		return TRUE;
	db->dirty = FALSE;
	if (!exec(db, "BEGIN IMMEDIATE", error)) {
		db->depth = 0;
		return FALSE;
	}
	return TRUE;
}

gboolean isrv_db_commit(IsrvDb *db, GError **error)
{
	g_return_val_if_fail(db->depth > 0, FALSE);
	if (--db->depth > 0)
		return TRUE;
	if (!exec(db, "COMMIT", error)) {
		exec(db, "ROLLBACK", NULL);
		return FALSE;
	}
	return TRUE;
}

void isrv_db_rollback(IsrvDb *db)
{
	if (db->depth == 0)
		return;
	db->depth = 0;
	db->savepoints = 0;
	exec(db, "ROLLBACK", NULL);
}

gboolean isrv_db_in_batch(IsrvDb *db)
{
	return db->depth > 0;
}

void isrv_db_savepoint(IsrvDb *db)
{
	db->failed = FALSE;
	db->savepoints++;
	exec(db, "SAVEPOINT msg", NULL);
}

void isrv_db_release(IsrvDb *db)
{
	if (db->savepoints == 0)
		return;
	db->savepoints--;
	exec(db, "RELEASE msg", NULL);
}

void isrv_db_rollback_to(IsrvDb *db)
{
	if (db->savepoints == 0)
		return;
	db->savepoints--;
	exec(db, "ROLLBACK TO msg; RELEASE msg", NULL);
}

gboolean isrv_db_dirty(IsrvDb *db)
{
	return db->dirty;
}

gboolean isrv_db_failed(IsrvDb *db)
{
	return db->failed;
}

/* Run a write statement; note failure for the message. */
static void run(IsrvDb *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		g_warning("database write failed: %s", sqlite3_errmsg(db->h));
		db->failed = TRUE;
	}
	db->dirty = TRUE;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static gint64 one_int(sqlite3_stmt *st, gint64 dflt)
{
	gint64 v = dflt;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return v;
}

static void ids_of(sqlite3_stmt *st, GArray *ids)
{
	while (sqlite3_step(st) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(st, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

gint64 isrv_db_find(IsrvDb *db, IDiscObjectType type, const guint8 *key, gsize key_len)
{
	sqlite3_stmt *st = db->st[S_FIND];
	sqlite3_bind_int(st, 1, type);
	sqlite3_bind_blob(st, 2, key, (int) key_len, SQLITE_STATIC);
	return one_int(st, 0);
}

static void attr_clear(gpointer p)
{
	g_free(((IsrvAttr *) p)->value);
}

void isrv_object_free(IsrvObject *o)
{
	if (!o)
		return;
	g_array_unref(o->attrs);
	g_free(o);
}

IsrvObject *isrv_db_load(IsrvDb *db, gint64 id)
{
	sqlite3_stmt *st = db->st[S_LOAD_OBJ];
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	IsrvObject *o = g_new0(IsrvObject, 1);
	o->id = id;
	o->type = (IDiscObjectType) sqlite3_column_int(st, 0);
	o->entity = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	o->attrs = g_array_new(FALSE, FALSE, sizeof(IsrvAttr));
	g_array_set_clear_func(o->attrs, attr_clear);
	st = db->st[S_LOAD_ATTRS];
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		IsrvAttr a;
		a.tag = (guint32) sqlite3_column_int64(st, 0);
		a.len = (guint32) sqlite3_column_bytes(st, 1);
		a.value = g_memdup2(sqlite3_column_blob(st, 1), a.len);
		g_array_append_val(o->attrs, a);
	}
	sqlite3_reset(st);
	return o;
}

const IsrvAttr *isrv_object_get(const IsrvObject *o, guint32 tag)
{
	for (guint i = 0; i < o->attrs->len; i++) {
		const IsrvAttr *a = &g_array_index(o->attrs, IsrvAttr, i);
		if (a->tag == tag)
			return a;
	}
	return NULL;
}

guint32 isrv_object_get_u32(const IsrvObject *o, guint32 tag, guint32 dflt)
{
	const IsrvAttr *a = isrv_object_get(o, tag);
	if (!a || a->len != 4)
		return dflt;
	return (guint32) a->value[0] << 24 | (guint32) a->value[1] << 16 | (guint32) a->value[2] << 8 |
	       a->value[3];
}

const char *isrv_object_get_string(const IsrvObject *o, guint32 tag)
{
	const IsrvAttr *a = isrv_object_get(o, tag);
	if (!a || a->len == 0 || !memchr(a->value, 0, a->len))
		return NULL;
	return (const char *) a->value;
}

gint64 isrv_db_insert(IsrvDb *db, IDiscObjectType type, const guint8 *key, gsize key_len,
		      gint64 entity)
{
	sqlite3_stmt *st = db->st[S_INSERT];
	sqlite3_bind_int(st, 1, type);
	sqlite3_bind_blob(st, 2, key, (int) key_len, SQLITE_STATIC);
	if (entity)
		sqlite3_bind_int64(st, 3, entity);
	else
		sqlite3_bind_null(st, 3);
	run(db, st);
	return db->failed ? 0 : sqlite3_last_insert_rowid(db->h);
}

void isrv_db_delete(IsrvDb *db, gint64 id)
{
	sqlite3_stmt *st = db->st[S_DELETE_ATTRS];
	sqlite3_bind_int64(st, 1, id);
	run(db, st);
	st = db->st[S_DELETE_OBJ];
	sqlite3_bind_int64(st, 1, id);
	run(db, st);
}

void isrv_db_unset_attr(IsrvDb *db, gint64 id, guint32 tag)
{
	sqlite3_stmt *st = db->st[S_DEL_TAG];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, tag);
	run(db, st);
}

static void insert_attr(IsrvDb *db, gint64 id, guint32 tag, gint64 seq, const guint8 *value,
			guint32 len)
{
	sqlite3_stmt *st = db->st[S_INS_ATTR];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, tag);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_blob(st, 4, len ? (const void *) value : "", (int) len, SQLITE_STATIC);
	run(db, st);
}

void isrv_db_set_attr(IsrvDb *db, gint64 id, guint32 tag, const guint8 *value, guint32 len)
{
	/* Single-valued attributes live at seq 0: one statement replaces. */
	insert_attr(db, id, tag, 0, value, len);
}

void isrv_db_set_u32(IsrvDb *db, gint64 id, guint32 tag, guint32 v)
{
	guint8 b[4] = { (guint8) (v >> 24), (guint8) (v >> 16), (guint8) (v >> 8), (guint8) v };
	isrv_db_set_attr(db, id, tag, b, 4);
}

gboolean isrv_db_add_value(IsrvDb *db, gint64 id, guint32 tag, const guint8 *value, guint32 len)
{
	sqlite3_stmt *st = db->st[S_HAS_VALUE];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, tag);
	sqlite3_bind_blob(st, 3, value, (int) len, SQLITE_STATIC);
	if (one_int(st, 0))
		return FALSE;
	st = db->st[S_MAX_SEQ];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, tag);
	gint64 seq = one_int(st, -1) + 1;
	insert_attr(db, id, tag, seq, value, len);
	return TRUE;
}

gboolean isrv_db_remove_value(IsrvDb *db, gint64 id, guint32 tag, const guint8 *value, guint32 len)
{
	sqlite3_stmt *st = db->st[S_DEL_VALUE];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, tag);
	sqlite3_bind_blob(st, 3, value, (int) len, SQLITE_STATIC);
	run(db, st);
	return sqlite3_changes(db->h) > 0;
}

void isrv_db_list(IsrvDb *db, IDiscObjectType type, GArray *ids)
{
	sqlite3_stmt *st = db->st[S_LIST];
	sqlite3_bind_int(st, 1, type);
	ids_of(st, ids);
}

void isrv_db_children(IsrvDb *db, gint64 entity, IDiscObjectType type, GArray *ids)
{
	sqlite3_stmt *st = db->st[S_CHILDREN];
	sqlite3_bind_int64(st, 1, entity);
	sqlite3_bind_int(st, 2, type);
	ids_of(st, ids);
}

void isrv_db_with_value(IsrvDb *db, IDiscObjectType type, guint32 tag, const guint8 *value,
			guint32 len, GArray *ids)
{
	sqlite3_stmt *st = db->st[S_WITH_VALUE];
	sqlite3_bind_int(st, 1, type);
	sqlite3_bind_int64(st, 2, tag);
	sqlite3_bind_blob(st, 3, len ? (const void *) value : "", (int) len, SQLITE_STATIC);
	ids_of(st, ids);
}

void isrv_db_with_tag(IsrvDb *db, IDiscObjectType type, guint32 tag, GArray *ids)
{
	sqlite3_stmt *st = db->st[S_WITH_TAG];
	sqlite3_bind_int(st, 1, type);
	sqlite3_bind_int64(st, 2, tag);
	ids_of(st, ids);
}

gint64 isrv_db_next(IsrvDb *db, IDiscObjectType type, gint64 after)
{
	sqlite3_stmt *st = db->st[S_NEXT];
	sqlite3_bind_int(st, 1, type);
	sqlite3_bind_int64(st, 2, after);
	return one_int(st, 0);
}

gint64 isrv_db_count(IsrvDb *db, IDiscObjectType type)
{
	sqlite3_stmt *st = db->st[S_COUNT];
	sqlite3_bind_int(st, 1, type);
	return one_int(st, 0);
}

guint32 isrv_db_counter_next(IsrvDb *db, const char *name)
{
	sqlite3_stmt *st = db->st[S_COUNTER_GET];
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	gint64 v = one_int(st, 0) + 1;
	st = db->st[S_COUNTER_SET];
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	run(db, st);
	return (guint32) v;
}
