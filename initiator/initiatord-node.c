/* A node of itn-initiatord: log in its sessions (retrying until the target
 * answers), find the LUNs (REPORT LUNS, INQUIRY, READ CAPACITY) and publish
 * the disks in the FUSE tree. */
#include "config.h"

#include "initiatord.h"

#define RETRY_FIRST_MS 500
#define RETRY_MAX_MS 30000

ItndNode *itnd_node_new(ItndDaemon *d, ItniConfig *cfg, guint sessions, gboolean auto_connect)
{
	static gint last_id;
	ItndNode *n = g_new0(ItndNode, 1);
	n->d = d;
	n->id = (guint) g_atomic_int_add(&last_id, 1) + 1;
	n->cfg = cfg;
	n->sessions = MAX(sessions, 1);
	n->auto_connect = auto_connect;
	n->live = g_ptr_array_new();
	n->origin = "connect";
	return n;
}

ItniConfig *itnd_node_config_new(const char *url, const char *secrets, const char *initiator, guint connections,
				 GError **error)
{
	g_autoptr(ItniConfig) cfg = itni_config_new();
	if (!itni_config_set_url(cfg, url, error) || (secrets && !itni_config_load_secrets(cfg, secrets, error)))
		return NULL;
	itni_config_apply_environment(cfg);
	itni_config_set_connections(cfg, connections);
	if (initiator)
		itni_config_set_initiator_name(cfg, initiator);
	return g_steal_pointer(&cfg);
}

void itnd_node_add(ItndDaemon *d, ItndNode *n)
{
	g_mutex_lock(&d->lock);
	g_ptr_array_add(d->nodes, n);
	g_mutex_unlock(&d->lock);
	itnd_node_start(n);
}

gboolean itnd_node_remove(ItndDaemon *d, ItndNode *n)
{
	g_mutex_lock(&d->lock);
	gboolean had = g_ptr_array_remove(d->nodes, n);
	g_mutex_unlock(&d->lock);
	if (had)
		itnd_node_free(n);
	return had;
}

gboolean itnd_node_remove_id(ItndDaemon *d, guint id)
{
	ItndNode *found = NULL;
	g_mutex_lock(&d->lock);
	for (guint i = 0; i < d->nodes->len && !found; i++) {
		ItndNode *n = g_ptr_array_index(d->nodes, i);
		if (n->id == id)
			found = g_ptr_array_steal_index(d->nodes, i);
	}
	g_mutex_unlock(&d->lock);
	if (found)
		itnd_node_free(found);
	return found != NULL;
}

/* Publish every direct-access LUN of the session (SPC-4 peripheral device
 * type 0; tgt's LUN 0 is a controller and stays out). */
static void publish(ItndNode *n, ItniSession *s)
{
	GError *e = NULL;
	g_autoptr(GArray) luns = NULL;
	const char *target = itni_config_get_target(n->cfg);
	if (!itni_report_luns_sync(s, &luns, &e)) {
		g_warning("%s: REPORT LUNS failed: %s", target, e->message);
		g_clear_error(&e);
		return;
	}
	for (guint i = 0; i < luns->len; i++) {
		guint64 lun = g_array_index(luns, guint64, i);
		ItniInquiry inq;
		ItniCapacity cap;
		if (!itni_inquiry_sync(s, lun, &inq, &e) || inq.peripheral_type != 0 ||
		    inq.peripheral_qualifier != 0 || !itni_read_capacity_sync(s, lun, &cap, &e)) {
			if (e)
				g_warning("%s LUN %" G_GUINT64_FORMAT ": %s", target, lun, e->message);
			g_clear_error(&e);
			continue;
		}
		g_message("%s: LUN %" G_GUINT64_FORMAT " %s %s, %" G_GUINT64_FORMAT " bytes", target, lun,
			  inq.vendor, inq.product, cap.n_blocks * cap.block_size);
		if (n->d->fuse)
			itnd_fuse_add_lun(n->d->fuse, target, lun, s, &cap);
	}
}

/* The daemon is shutting down, or this node is being removed. */
static gboolean node_stopping(ItndNode *n)
{
	return g_atomic_int_get(&n->d->stopping) || g_atomic_int_get(&n->stop);
}

static gpointer node_thread(gpointer data)
{
	ItndNode *n = data;
	guint delay = RETRY_FIRST_MS;
	const char *target = itni_config_get_target(n->cfg);
	for (guint k = 0; k < n->sessions && !node_stopping(n);) {
		g_autoptr(ItniConfig) cfg = itni_config_copy(n->cfg);
		itni_config_set_session_index(cfg, (guint16) k);
		ItniSession *s = itni_session_new(n->d->ctx, cfg);
		GError *e = NULL;
		if (!itni_session_login_sync(s, &e)) {
			g_warning("%s: login failed: %s (retrying in %u ms)", target, e->message, delay);
			g_error_free(e);
			itni_session_free(s);
			for (guint w = 0; w < delay && !node_stopping(n); w += 50)
				g_usleep(50000);
			delay = MIN(delay * 2, RETRY_MAX_MS);
			continue;
		}
		g_message("%s: logged in, session %u, TSIH %u, %u connection(s)", target, k,
			  itni_session_get_tsih(s), itni_session_get_n_connections(s));
		g_mutex_lock(&n->d->lock);
		g_ptr_array_add(n->live, s);
		g_mutex_unlock(&n->d->lock);
		/* The files are served by the first session; further sessions
		 * are further I_T nexuses for the same LUNs. */
		if (k == 0)
			publish(n, s);
		k++;
		delay = RETRY_FIRST_MS;
	}
	return NULL;
}

ItniSession *itnd_node_login_once(ItndNode *n, GError **error)
{
	ItniSession *s = itni_session_new(n->d->ctx, n->cfg);
	if (!itni_session_login_sync(s, error)) {
		itni_session_free(s);
		return NULL;
	}
	g_mutex_lock(&n->d->lock);
	g_ptr_array_add(n->live, s);
	g_mutex_unlock(&n->d->lock);
	publish(n, s);
	return s;
}

ItndNode *itnd_node_from_record(ItndDaemon *d, const ItndRecords *records, const ItndRecord *rec,
				GError **error)
{
	const char *initiator = d->initiator_flag ? d->initiator_flag : records->initiator_name;
	g_autofree char *url = itnd_record_url(rec);
	ItniConfig *cfg = itnd_node_config_new(url, rec->secrets, initiator, rec->connections, error);
	if (!cfg)
		return NULL;
	ItndNode *n = itnd_node_new(d, cfg, rec->sessions, rec->auto_connect);
	n->record = g_strdup(rec->target);
	n->origin = "config";
	return n;
}

void itnd_nodes_start_records(ItndDaemon *d)
{
	for (guint i = 0; i < d->records->records->len; i++) {
		ItndRecord *rec = d->records->records->pdata[i];
		if (!rec->auto_connect)
			continue;
		GError *e = NULL;
		ItndNode *n = itnd_node_from_record(d, d->records, rec, &e);
		if (!n) {
			g_warning("%s: %s", rec->target, e->message);
			g_error_free(e);
			continue;
		}
		itnd_node_add(d, n);
	}
}

void itnd_node_start(ItndNode *n)
{
	n->thread = g_thread_new("itnd-node", node_thread, n);
}

void itnd_node_free(ItndNode *n)
{
	g_atomic_int_set(&n->stop, TRUE);
	if (n->thread)
		g_thread_join(n->thread);
	for (guint i = 0; i < n->live->len; i++) {
		ItniSession *s = n->live->pdata[i];
		if (n->d->fuse)
			itnd_fuse_remove_session(n->d->fuse, s);
		itni_session_free(s);
	}
	g_ptr_array_free(n->live, TRUE);
	itni_config_free(n->cfg);
	g_free(n->record);
	g_free(n);
}
