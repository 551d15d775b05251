/* SCSI conveniences over itni_scsi_submit(): block I/O, INQUIRY, READ
 * CAPACITY (16), REPORT LUNS, SYNCHRONIZE CACHE, UNMAP, task management, and
 * the synchronous wrappers (SPC-4, SBC-3). */
#include "config.h"

#include "itni-private.h"
#include "libiscsi-proto/iproto-bytes.h"
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-sense.h"

#include <string.h>

guint8 itni_task_get_sense_key(ItniTask *t)
{
	IProtoSense sense;
	if (t->status != ITNI_STATUS_CHECK_CONDITION || !t->sense_len ||
	    !iproto_sense_parse(t->sense, t->sense_len, &sense, NULL))
		return 0;
	return sense.key;
}

guint16 itni_task_get_asc_ascq(ItniTask *t)
{
	IProtoSense sense;
	if (t->status != ITNI_STATUS_CHECK_CONDITION || !t->sense_len ||
	    !iproto_sense_parse(t->sense, t->sense_len, &sense, NULL))
		return 0;
	return sense.asc;
}

/* SAM-5 status names for messages. */
static const struct {
	guint8 status;
	const char *name;
} status_names[] = {
	{ 0x00, "GOOD" },
	{ 0x02, "CHECK CONDITION" },
	{ 0x04, "CONDITION MET" },
	{ 0x08, "BUSY" },
	{ 0x18, "RESERVATION CONFLICT" },
	{ 0x28, "TASK SET FULL" },
	{ 0x30, "ACA ACTIVE" },
	{ 0x40, "TASK ABORTED" },
};

GError *itni_task_to_error(ItniTask *t)
{
	if (t->error)
		return g_error_copy(t->error);
	if (t->status == ITNI_STATUS_GOOD)
		return NULL;
	const char *name = "unknown status";
	for (guint i = 0; i < G_N_ELEMENTS(status_names); i++)
		if (status_names[i].status == t->status)
			name = status_names[i].name;
	IProtoSense sense;
	if (t->status == ITNI_STATUS_CHECK_CONDITION && t->sense_len &&
	    iproto_sense_parse(t->sense, t->sense_len, &sense, NULL)) {
		const char *asc = iproto_sense_asc_name(sense.asc);
		return g_error_new(ITNI_ERROR, ITNI_ERROR_SCSI, "%s: %s, %s (%02x/%02x/%02x)", name,
				   iproto_sense_key_name(sense.key), asc ? asc : "unknown ASC", sense.key,
				   sense.asc >> 8, sense.asc & 0xff);
	}
	return g_error_new(ITNI_ERROR, ITNI_ERROR_SCSI, "SCSI status %s (0x%02x)", name, t->status);
}

void itni_read_async(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks, const struct iovec *iov,
		     guint iovcnt, ItniTaskFunc done, gpointer user_data)
{
	guint8 cdb[16];
	gsize n = iproto_cdb_build_read(cdb, 16, lba, nblocks, FALSE);
	itni_scsi_submit(s, lun, cdb, n, ITNI_DIR_READ, iov, iovcnt, done, user_data);
}

void itni_write_async(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks, gboolean fua,
		      const struct iovec *iov, guint iovcnt, ItniTaskFunc done, gpointer user_data)
{
	guint8 cdb[16];
	gsize n = iproto_cdb_build_write(cdb, 16, lba, nblocks, fua);
	itni_scsi_submit(s, lun, cdb, n, ITNI_DIR_WRITE, iov, iovcnt, done, user_data);
}

/* A synchronous call: the callback fills this and flags it done. */
typedef struct {
	gboolean done;
	GMutex lock;
	GCond cond;
	GError *error;
	gsize transferred;
	guint8 tmf_response;
} SyncWait;

static void sync_done(ItniTask *t, gpointer data)
{
	SyncWait *w = data;
	w->error = itni_task_to_error(t);
	w->transferred = t->dir == ITNI_DIR_READ ? t->data_in : t->xfer_len;
	if (t->residual > 0 && t->dir == ITNI_DIR_WRITE)
		w->transferred -= MIN(w->transferred, (gsize) t->residual);
	w->tmf_response = t->response;
	g_mutex_lock(&w->lock);
	g_atomic_int_set(&w->done, TRUE);
	g_cond_signal(&w->cond);
	g_mutex_unlock(&w->lock);
}

static gboolean sync_wait(ItniSession *s, SyncWait *w, GError **error)
{
	if (s->ctx->n_threads) {
		g_mutex_lock(&w->lock);
		while (!g_atomic_int_get(&w->done))
			g_cond_wait(&w->cond, &w->lock);
		g_mutex_unlock(&w->lock);
	} else {
		itni_context_run_until(s->ctx, &w->done, -1);
	}
	g_mutex_clear(&w->lock);
	g_cond_clear(&w->cond);
	if (w->error) {
		g_propagate_error(error, w->error);
		return FALSE;
	}
	return TRUE;
}

gboolean itni_scsi_sync(ItniSession *s, guint64 lun, const guint8 *cdb, gsize cdb_len, ItniDirection dir,
			const struct iovec *iov, guint iovcnt, gsize *transferred, GError **error)
{
	SyncWait w = { 0 };
	g_mutex_init(&w.lock);
	g_cond_init(&w.cond);
	itni_scsi_submit(s, lun, cdb, cdb_len, dir, iov, iovcnt, sync_done, &w);
	gboolean ok = sync_wait(s, &w, error);
	if (transferred)
		*transferred = w.transferred;
	return ok;
}

static gboolean simple_sync(ItniSession *s, guint64 lun, const guint8 *cdb, gsize cdb_len, ItniDirection dir,
			    void *buf, gsize len, gsize *got, GError **error)
{
	struct iovec iov = { buf, len };
	return itni_scsi_sync(s, lun, cdb, cdb_len, dir, len ? &iov : NULL, len ? 1 : 0, got, error);
}

gboolean itni_test_unit_ready_sync(ItniSession *s, guint64 lun, GError **error)
{
	guint8 cdb[16];
	gsize n = iproto_cdb_build_test_unit_ready(cdb);
	return simple_sync(s, lun, cdb, n, ITNI_DIR_NONE, NULL, 0, NULL, error);
}

gboolean itni_inquiry_page_sync(ItniSession *s, guint64 lun, gboolean evpd, guint8 page, guint8 *buf,
				gsize len, gsize *got, GError **error)
{
	guint8 cdb[16];
	gsize n = iproto_cdb_build_inquiry(cdb, evpd, page, (guint16) MIN(len, 0xffff));
	return simple_sync(s, lun, cdb, n, ITNI_DIR_READ, buf, MIN(len, 0xffff), got, error);
}

/* Copy a space-padded ASCII field, trimmed. */
static void ascii_field(char *dst, gsize cap, const guint8 *src, gsize len)
{
	gsize n = MIN(len, cap - 1);
	for (gsize i = 0; i < n; i++)
		dst[i] = g_ascii_isprint(src[i]) ? (char) src[i] : ' ';
	dst[n] = 0;
	g_strchomp(dst);
}

gboolean itni_inquiry_sync(ItniSession *s, guint64 lun, ItniInquiry *out, GError **error)
{
	guint8 buf[96] = { 0 };
	gsize got = 0;
	memset(out, 0, sizeof *out);
	if (!itni_inquiry_page_sync(s, lun, FALSE, 0, buf, sizeof buf, &got, error))
		return FALSE;
	if (got < 36) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "short INQUIRY data (%zu bytes)", got);
		return FALSE;
	}
	/* SPC-4 sec. 6.6.2, standard INQUIRY data. */
	out->peripheral_qualifier = buf[0] >> 5;
	out->peripheral_type = buf[0] & 0x1f;
	out->removable = (buf[1] & 0x80) != 0;
	out->version = buf[2];
	ascii_field(out->vendor, sizeof out->vendor, buf + 8, 8);
	ascii_field(out->product, sizeof out->product, buf + 16, 16);
	ascii_field(out->revision, sizeof out->revision, buf + 32, 4);
	/* Unit serial number VPD page 0x80 (SPC-4 sec. 7.8.15), if any. */
	guint8 vpd[255 + 4];
	if (itni_inquiry_page_sync(s, lun, TRUE, 0x80, vpd, sizeof vpd, &got, NULL) && got >= 4 && vpd[1] == 0x80) {
		gsize len = MIN((gsize) iproto_get_be16(vpd + 2), got - 4);
		ascii_field(out->serial, sizeof out->serial, vpd + 4, len);
		g_strchug(out->serial);
	}
	return TRUE;
}

gboolean itni_read_capacity_sync(ItniSession *s, guint64 lun, ItniCapacity *out, GError **error)
{
	guint8 cdb[16], buf[32] = { 0 };
	gsize n = iproto_cdb_build_read_capacity16(cdb, sizeof buf), got = 0;
	if (!simple_sync(s, lun, cdb, n, ITNI_DIR_READ, buf, sizeof buf, &got, error))
		return FALSE;
	if (got < 12) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "short READ CAPACITY data (%zu bytes)", got);
		return FALSE;
	}
	/* SBC-3 sec. 5.16.2: last LBA, block length, LBPME/LBPRZ in byte 14. */
	out->n_blocks = iproto_get_be64(buf) + 1;
	out->block_size = iproto_get_be32(buf + 8);
	out->thin = got >= 15 && (buf[14] & 0x80);
	out->zeroes = got >= 15 && (buf[14] & 0x40);
	if (!out->block_size) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "READ CAPACITY reports a block size of 0");
		return FALSE;
	}
	return TRUE;
}

gboolean itni_report_luns_sync(ItniSession *s, GArray **luns_out, GError **error)
{
	guint8 cdb[16];
	gsize cap = 8 + 8 * 256, got = 0;
	g_autofree guint8 *buf = g_malloc0(cap);
	gsize n = iproto_cdb_build_report_luns(cdb, 0, (guint32) cap);
	if (!simple_sync(s, 0, cdb, n, ITNI_DIR_READ, buf, cap, &got, error))
		return FALSE;
	if (got < 8) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "short REPORT LUNS data");
		return FALSE;
	}
	/* SPC-4 sec. 6.33: LUN LIST LENGTH, then 8 bytes per LUN. */
	gsize len = MIN((gsize) iproto_get_be32(buf), got - 8);
	GArray *luns = g_array_new(FALSE, FALSE, sizeof(guint64));
	for (gsize off = 8; off + 8 <= len + 8; off += 8) {
		int lun = iproto_lun_decode(iproto_get_be64(buf + off));
		if (lun >= 0) {
			guint64 v = (guint64) lun;
			g_array_append_val(luns, v);
		}
	}
	*luns_out = luns;
	return TRUE;
}

gboolean itni_read_sync(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks, const struct iovec *iov,
			guint iovcnt, GError **error)
{
	guint8 cdb[16];
	gsize n = iproto_cdb_build_read(cdb, 16, lba, nblocks, FALSE);
	return itni_scsi_sync(s, lun, cdb, n, ITNI_DIR_READ, iov, iovcnt, NULL, error);
}

gboolean itni_write_sync(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks, const struct iovec *iov,
			 guint iovcnt, GError **error)
{
	guint8 cdb[16];
	gsize n = iproto_cdb_build_write(cdb, 16, lba, nblocks, FALSE);
	return itni_scsi_sync(s, lun, cdb, n, ITNI_DIR_WRITE, iov, iovcnt, NULL, error);
}

gboolean itni_sync_cache_sync(ItniSession *s, guint64 lun, GError **error)
{
	guint8 cdb[16];
	gsize n = iproto_cdb_build_synchronize_cache(cdb, 10, 0, 0);
	return simple_sync(s, lun, cdb, n, ITNI_DIR_NONE, NULL, 0, NULL, error);
}

gboolean itni_unmap_sync(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks, GError **error)
{
	guint8 cdb[16], params[24];
	guint64 l = lba;
	guint32 b = nblocks;
	gsize plen = iproto_cdb_build_unmap_params(params, &l, &b, 1);
	gsize n = iproto_cdb_build_unmap(cdb, (guint16) plen);
	return simple_sync(s, lun, cdb, n, ITNI_DIR_WRITE, params, plen, NULL, error);
}

/* Task management functions (RFC 7143 sec. 11.5.1) with their names. */
static const struct {
	ItniTmf tmf;
	guint8 function;
	const char *name;
} tmf_table[] = {
	{ ITNI_TMF_ABORT_TASK_SET, IPROTO_TMF_ABORT_TASK_SET, "ABORT TASK SET" },
	{ ITNI_TMF_CLEAR_TASK_SET, IPROTO_TMF_CLEAR_TASK_SET, "CLEAR TASK SET" },
	{ ITNI_TMF_LUN_RESET, IPROTO_TMF_LOGICAL_UNIT_RESET, "LOGICAL UNIT RESET" },
	{ ITNI_TMF_TARGET_WARM_RESET, IPROTO_TMF_TARGET_WARM_RESET, "TARGET WARM RESET" },
};

gboolean itni_task_mgmt_sync(ItniSession *s, ItniTmf function, guint64 lun, GError **error)
{
	guint i = 0;
	while (i < G_N_ELEMENTS(tmf_table) && tmf_table[i].tmf != function)
		i++;
	if (i == G_N_ELEMENTS(tmf_table)) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT, "unknown task management function %d",
			    function);
		return FALSE;
	}
	SyncWait w = { 0 };
	g_mutex_init(&w.lock);
	g_cond_init(&w.cond);
	itni_task_submit_tmf(s, tmf_table[i].function, lun, sync_done, &w);
	if (!sync_wait(s, &w, error))
		return FALSE;
	if (w.tmf_response != IPROTO_TMF_RSP_COMPLETE) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_FAILED, "%s refused by the target (response %u)",
			    tmf_table[i].name, w.tmf_response);
		return FALSE;
	}
	return TRUE;
}
