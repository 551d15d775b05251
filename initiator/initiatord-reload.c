/* SIGHUP: re-read initiator.xml and apply the difference (design brief: "a
 * reload applies the difference without dropping sessions the change does
 * not touch").
 *
 * Only nodes that came from records take part; sessions from --connect and
 * from the control API's Login are left alone.  Per record target:
 *   gone, or auto-connect now off       -> log out (the LUN files go)
 *   login settings differ               -> log out, log in again
 *   the same                            -> untouched (same TSIH, same TCP
 *                                          connections, I/O keeps going)
 *   new with auto-connect, no node yet  -> log in
 * "Login settings" is everything the node's ItniConfig holds (portal,
 * names, the secrets file's contents, connections) plus sessions per
 * target. */
#include "config.h"

#include "initiatord.h"

typedef struct {
	GPtrArray *out;   /* ItndNode* to log out and free */
	GPtrArray *in;    /* ItndNode* to start */
	guint kept;
} Plan;

/* What a record of the new file asks of an existing node (d->lock held). */
static void plan_node(ItndDaemon *d, ItndRecords *fresh, ItndNode *n, Plan *p)
{
	ItndRecord *rec = itnd_records_find(fresh, n->record);
	if (!rec || !rec->auto_connect) {
		g_message("reload: %s: %s, logging out", n->record, rec ? "auto-connect is off" : "record removed");
		g_ptr_array_add(p->out, n);
		return;
	}
	GError *e = NULL;
	ItndNode *want = itnd_node_from_record(d, fresh, rec, &e);
	if (!want) {
		/* Say why, but do not drop a working session over a secrets
		 * file we cannot read now. */
		g_warning("reload: %s: %s; its session is left as it is", n->record, e->message);
		g_error_free(e);
		p->kept++;
		return;
	}
	if (itni_config_equal(want->cfg, n->cfg) && want->sessions == n->sessions) {
		itnd_node_free(want);
		p->kept++;
		return;
	}
	g_message("reload: %s: login settings changed, logging in again", n->record);
	g_ptr_array_add(p->out, n);
	g_ptr_array_add(p->in, want);
}

static gboolean has_node(GPtrArray *nodes, const char *target)
{
	for (guint i = 0; i < nodes->len; i++) {
		ItndNode *n = nodes->pdata[i];
		if (n->record && g_strcmp0(n->record, target) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean itnd_reload(ItndDaemon *d, GError **error)
{
	g_mutex_lock(&d->lock);
	g_autofree char *path = g_strdup(d->records->path);
	g_mutex_unlock(&d->lock);
	if (!path) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "no configuration file (-c) to reload");
		return FALSE;
	}
	ItndRecords *fresh = itnd_records_load(path, error);
	if (!fresh)
		return FALSE;
	g_message("reload: %s", path);

	Plan p = { g_ptr_array_new(), g_ptr_array_new(), 0 };
	g_mutex_lock(&d->lock);
	for (guint i = 0; i < d->nodes->len; i++) {
		ItndNode *n = d->nodes->pdata[i];
		if (n->record)
			plan_node(d, fresh, n, &p);
	}
	for (guint i = 0; i < p.out->len; i++)
		g_ptr_array_remove(d->nodes, p.out->pdata[i]);
	guint changed = p.in->len;
	for (guint i = 0; i < fresh->records->len; i++) {
		ItndRecord *rec = fresh->records->pdata[i];
		if (!rec->auto_connect || has_node(d->nodes, rec->target) || has_node(p.in, rec->target))
			continue;
		GError *e = NULL;
		ItndNode *n = itnd_node_from_record(d, fresh, rec, &e);
		if (!n) {
			g_warning("reload: %s: %s", rec->target, e->message);
			g_error_free(e);
			continue;
		}
		g_message("reload: %s: new record, logging in", rec->target);
		g_ptr_array_add(p.in, n);
	}
	ItndRecords *old = d->records;
	d->records = fresh;
	g_mutex_unlock(&d->lock);
	itnd_records_free(old);

	/* Logouts first (outside the lock: they wait for the target), so a
	 * changed record's new sessions do not meet the old ones. */
	for (guint i = 0; i < p.out->len; i++)
		itnd_node_free(p.out->pdata[i]);
	for (guint i = 0; i < p.in->len; i++) {
		ItndNode *n = p.in->pdata[i];
		g_mutex_lock(&d->lock);
		g_ptr_array_add(d->nodes, n);
		g_mutex_unlock(&d->lock);
		itnd_node_start(n);
	}
	g_message("reload: done: %u logged out, %u changed, %u new, %u untouched", p.out->len - changed, changed,
		  p.in->len - changed, p.kept);
	g_ptr_array_free(p.out, TRUE);
	g_ptr_array_free(p.in, TRUE);
	return TRUE;
}
