/* The SCSI target device of one iSCSI target: its LUN table, its I_T
 * nexuses, LUN addressing (SAM-5 4.7) and the effects of task management. */
#include "config.h"
#include "target/scsi-internal.h"

G_DEFINE_QUARK(tgt-scsi-error-quark, tgt_scsi_error)

static void lun_free(TgtLun *lun);

TgtScsiTarget *tgt_scsi_target_new(const char *target_name)
{
	TgtScsiTarget *t = g_new0(TgtScsiTarget, 1);

	t->ref = 1;
	t->name = g_strdup(target_name);
	g_rw_lock_init(&t->lock);
	t->luns = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify) tgt_scsi_lun_unref);
	t->nexus_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return t;
}

TgtScsiTarget *tgt_scsi_target_ref(TgtScsiTarget *t)
{
	g_atomic_int_inc(&t->ref);
	return t;
}

void tgt_scsi_target_unref(TgtScsiTarget *t)
{
	if (!t || !g_atomic_int_dec_and_test(&t->ref))
		return;
	g_hash_table_destroy(t->luns);
	g_hash_table_destroy(t->nexus_keys);
	g_rw_lock_clear(&t->lock);
	g_free(t->name);
	g_free(t);
}

const char *tgt_scsi_target_name(const TgtScsiTarget *t)
{
	return t->name;
}

gboolean tgt_scsi_lun_decode(guint64 field, guint *lun)
{
	/* SAM-5 4.7.x: only the first level is used; the rest must be zero */
	if (field & G_GUINT64_CONSTANT(0x0000ffffffffffff))
		return FALSE;
	guint8 b0 = (guint8) (field >> 56), b1 = (guint8) (field >> 48);

	switch (b0 >> 6) {
	case 0: /* peripheral device addressing, bus identifier 0 */
		if (b0 != 0)
			return FALSE;
		*lun = b1;
		return TRUE;
	case 1: /* flat space addressing */
		*lun = (guint) (b0 & 0x3f) << 8 | b1;
		return TRUE;
	default:
		return FALSE;
	}
}

guint64 tgt_scsi_lun_encode(guint lun)
{
	if (lun < 256)
		return (guint64) lun << 48;
	return (guint64) (0x4000 | (lun & 0x3fff)) << 48;
}

/* The NAA IEEE Registered Extended designator (SPC-4 7.8.6.6.4): NAA 6, an
 * IEEE company id, and a vendor specific identifier derived from the target
 * name and LUN, so it is stable across restarts. */
static void make_naa(TgtLun *lun, const char *target_name)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize dlen = sizeof digest;
	char lun_text[16];

	g_snprintf(lun_text, sizeof lun_text, "/%u", lun->lun);
	g_checksum_update(c, (const guchar *) target_name, -1);
	g_checksum_update(c, (const guchar *) lun_text, -1);
	g_checksum_get_digest(c, digest, &dlen);
	g_checksum_free(c);
	/* NAA=6, company id 0x000000 (none registered), 100 bits derived */
	lun->naa[0] = 0x60;
	lun->naa[1] = 0x00;
	lun->naa[2] = 0x00;
	lun->naa[3] = (guint8) (0x00 | (digest[0] & 0x0f));
	memcpy(lun->naa + 4, digest + 1, 12);
}

static gboolean lun_set_size(TgtLun *lun, guint64 bytes, GError **error)
{
	lun->nblocks = bytes >> lun->block_shift;
	if (lun->nblocks == 0) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID,
			    "backstore %s is smaller than one %u-byte block", lun->bs->description, lun->block_size);
		return FALSE;
	}
	return TRUE;
}

gboolean tgt_scsi_target_add_lun(TgtScsiTarget *t, guint lun_no, const TgtLunSpec *spec, GError **error)
{
	guint32 bsize = spec->block_size ? spec->block_size : 512;

	if (lun_no > TGT_SCSI_MAX_LUN) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID, "LUN %u is above %u", lun_no, TGT_SCSI_MAX_LUN);
		return FALSE;
	}
	if (bsize != 512 && bsize != 4096) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID, "block size %u: use 512 or 4096", bsize);
		return FALSE;
	}
	if (spec->product && strlen(spec->product) > 16) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID, "product \"%s\" is longer than 16 bytes", spec->product);
		return FALSE;
	}
	TgtBackstore *bs = tgt_backstore_open(spec->backstore, spec->read_only, error);

	if (!bs)
		return FALSE;
	TgtLun *lun = g_new0(TgtLun, 1);

	lun->ref = 1;
	lun->lun = lun_no;
	lun->target = t;
	lun->bs = bs;
	lun->block_size = bsize;
	lun->block_shift = bsize == 4096 ? 12 : 9;
	lun->read_only = spec->read_only;
	lun->product = g_strdup(spec->product ? spec->product : TGT_PRODUCT);
	make_naa(lun, t->name);
	lun->serial = spec->serial ? g_strndup(spec->serial, 64)
				   : g_strdup_printf("%02x%02x%02x%02x%02x%02x%02x%02x", lun->naa[8], lun->naa[9],
						     lun->naa[10], lun->naa[11], lun->naa[12], lun->naa[13],
						     lun->naa[14], lun->naa[15]);
	g_rw_lock_init(&lun->io_lock);
	g_mutex_init(&lun->lock);
	lun->nexus_state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	lun->pr_regs = g_ptr_array_new();
	tgt_scsi_mode_init(lun);
	if (!lun_set_size(lun, bs->size, error)) {
		lun_free(lun);
		return FALSE;
	}

	g_rw_lock_writer_lock(&t->lock);
	if (g_hash_table_contains(t->luns, GUINT_TO_POINTER(lun_no))) {
		g_rw_lock_writer_unlock(&t->lock);
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_EXISTS, "LUN %u exists", lun_no);
		lun_free(lun);
		return FALSE;
	}
	/* Nexuses that exist now see this LUN from power on. */
	GHashTableIter it;
	gpointer key;

	g_hash_table_iter_init(&it, t->nexus_keys);
	while (g_hash_table_iter_next(&it, &key, NULL))
		tgt_scsi_ua_queue(lun, key, IPROTO_ASC_POWER_ON_RESET);
	/* SPC-4 6.33: the other LUNs tell every nexus the inventory changed */
	GHashTableIter li;
	gpointer other;

	g_hash_table_iter_init(&li, t->luns);
	while (g_hash_table_iter_next(&li, NULL, &other))
		tgt_scsi_ua_queue_all(other, NULL, IPROTO_ASC_REPORTED_LUNS_DATA_CHANGED);
	g_hash_table_insert(t->luns, GUINT_TO_POINTER(lun_no), lun);
	g_rw_lock_writer_unlock(&t->lock);
	return TRUE;
}

gboolean tgt_scsi_target_remove_lun(TgtScsiTarget *t, guint lun_no, GError **error)
{
	g_rw_lock_writer_lock(&t->lock);
	gboolean found = g_hash_table_remove(t->luns, GUINT_TO_POINTER(lun_no));

	if (found) {
		GHashTableIter li;
		gpointer other;

		g_hash_table_iter_init(&li, t->luns);
		while (g_hash_table_iter_next(&li, NULL, &other))
			tgt_scsi_ua_queue_all(other, NULL, IPROTO_ASC_REPORTED_LUNS_DATA_CHANGED);
	}
	g_rw_lock_writer_unlock(&t->lock);
	if (!found)
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_NOT_FOUND, "no LUN %u", lun_no);
	return found;
}

gboolean tgt_scsi_target_rescan_lun(TgtScsiTarget *t, guint lun_no, GError **error)
{
	TgtLun *lun = tgt_scsi_target_get_lun(t, lun_no);
	guint64 size;

	if (!lun) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_NOT_FOUND, "no LUN %u", lun_no);
		return FALSE;
	}
	int rc = lun->bs->ops->get_size(lun->bs, &size);
	gboolean ok = rc == 0;

	if (!ok) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_IO, "cannot size %s: %s", lun->bs->description,
			    g_strerror(-rc));
	} else if (size >> lun->block_shift != lun->nblocks && size >> lun->block_shift > 0) {
		g_mutex_lock(&lun->lock);
		lun->bs->size = size;
		lun->nblocks = size >> lun->block_shift;
		g_mutex_unlock(&lun->lock);
		/* SBC-3 4.?: CAPACITY DATA HAS CHANGED for every nexus */
		tgt_scsi_ua_queue_all(lun, NULL, IPROTO_ASC_CAPACITY_DATA_CHANGED);
	}
	tgt_scsi_lun_unref(lun);
	return ok;
}

static int cmp_uint(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *) a, y = *(const guint *) b;

	return x < y ? -1 : x > y;
}

guint *tgt_scsi_target_list_luns(TgtScsiTarget *t, guint *n_luns)
{
	g_rw_lock_reader_lock(&t->lock);
	guint n = g_hash_table_size(t->luns), i = 0;
	guint *v = g_new(guint, n + 1);
	GHashTableIter it;
	gpointer key;

	g_hash_table_iter_init(&it, t->luns);
	while (g_hash_table_iter_next(&it, &key, NULL))
		v[i++] = GPOINTER_TO_UINT(key);
	g_rw_lock_reader_unlock(&t->lock);
	qsort(v, n, sizeof *v, cmp_uint);
	*n_luns = n;
	return v;
}

gboolean tgt_scsi_target_lun_info(TgtScsiTarget *t, guint lun_no, guint64 *size_bytes, guint32 *block_size)
{
	TgtLun *lun = tgt_scsi_target_get_lun(t, lun_no);

	if (!lun)
		return FALSE;
	if (size_bytes)
		*size_bytes = lun->nblocks << lun->block_shift;
	if (block_size)
		*block_size = lun->block_size;
	tgt_scsi_lun_unref(lun);
	return TRUE;
}

TgtLun *tgt_scsi_target_get_lun(TgtScsiTarget *t, guint lun_no)
{
	g_rw_lock_reader_lock(&t->lock);
	TgtLun *lun = g_hash_table_lookup(t->luns, GUINT_TO_POINTER(lun_no));

	if (lun)
		tgt_scsi_lun_ref(lun);
	g_rw_lock_reader_unlock(&t->lock);
	return lun;
}

TgtLun *tgt_scsi_lun_ref(TgtLun *lun)
{
	g_atomic_int_inc(&lun->ref);
	return lun;
}

static void lun_free(TgtLun *lun)
{
	tgt_scsi_pr_free(lun);
	g_hash_table_destroy(lun->nexus_state);
	g_mutex_clear(&lun->lock);
	g_rw_lock_clear(&lun->io_lock);
	tgt_backstore_close(lun->bs);
	g_free(lun->product);
	g_free(lun->serial);
	g_free(lun);
}

void tgt_scsi_lun_unref(TgtLun *lun)
{
	if (lun && g_atomic_int_dec_and_test(&lun->ref))
		lun_free(lun);
}

/* ---- nexuses ---- */

static GPtrArray *all_luns(TgtScsiTarget *t)
{
	GPtrArray *v = g_ptr_array_new_with_free_func((GDestroyNotify) tgt_scsi_lun_unref);
	GHashTableIter it;
	gpointer lun;

	g_rw_lock_reader_lock(&t->lock);
	g_hash_table_iter_init(&it, t->luns);
	while (g_hash_table_iter_next(&it, NULL, &lun))
		g_ptr_array_add(v, tgt_scsi_lun_ref(lun));
	g_rw_lock_reader_unlock(&t->lock);
	return v;
}

TgtNexus *tgt_scsi_nexus_new(TgtScsiTarget *t, const char *initiator_name, const guint8 isid[6], guint16 tpgt)
{
	TgtNexus *n = g_new0(TgtNexus, 1);

	n->target = tgt_scsi_target_ref(t);
	g_mutex_init(&n->lock);
	n->initiator_name = g_strdup(initiator_name);
	memcpy(n->isid, isid, 6);
	n->tpgt = tpgt;
	n->rtpi = tpgt ? tpgt : 1;
	/* RFC 7143 sec. 4.4.1 / SPC-4 7.6.4.6: iSCSI initiator port name */
	n->port_name = g_strdup_printf("%s,i,0x%02x%02x%02x%02x%02x%02x", initiator_name,
				       isid[0], isid[1], isid[2], isid[3], isid[4], isid[5]);
	n->key = g_strdup_printf("%s|%u", n->port_name, n->rtpi);

	g_rw_lock_writer_lock(&t->lock);
	guint count = GPOINTER_TO_UINT(g_hash_table_lookup(t->nexus_keys, n->key));

	g_hash_table_insert(t->nexus_keys, g_strdup(n->key), GUINT_TO_POINTER(count + 1));
	g_rw_lock_writer_unlock(&t->lock);

	/* A nexus the LUN has never seen starts with POWER ON, RESET, OR BUS
	 * DEVICE RESET OCCURRED (SAM-5 6.3.1); a returning one keeps its state. */
	GPtrArray *luns = all_luns(t);

	for (guint i = 0; i < luns->len; i++) {
		TgtLun *lun = luns->pdata[i];

		g_mutex_lock(&lun->lock);
		gboolean known = tgt_scsi_lun_nexus_state(lun, n->key, FALSE) != NULL;

		g_mutex_unlock(&lun->lock);
		if (!known)
			tgt_scsi_ua_queue(lun, n->key, IPROTO_ASC_POWER_ON_RESET);
	}
	g_ptr_array_unref(luns);
	return n;
}

void tgt_scsi_nexus_free(TgtNexus *n)
{
	if (!n)
		return;
	TgtScsiTarget *t = n->target;
	GPtrArray *luns = all_luns(t);

	g_rw_lock_writer_lock(&t->lock);
	guint count = GPOINTER_TO_UINT(g_hash_table_lookup(t->nexus_keys, n->key));

	if (count > 1)
		g_hash_table_insert(t->nexus_keys, g_strdup(n->key), GUINT_TO_POINTER(count - 1));
	else
		g_hash_table_remove(t->nexus_keys, n->key);
	g_rw_lock_writer_unlock(&t->lock);

	/* Only the last session of this identity ends the I_T nexus. */
	if (count <= 1) {
		for (guint i = 0; i < luns->len; i++) {
			TgtLun *lun = luns->pdata[i];

			tgt_scsi_pr_nexus_lost(lun, n->key);
			g_mutex_lock(&lun->lock);
			TgtLunNexusState *st = tgt_scsi_lun_nexus_state(lun, n->key, FALSE);
			gboolean forget = g_hash_table_size(lun->nexus_state) > TGT_MAX_NEXUS_STATE;

			if (st && forget) {
				/* too many identities remembered: drop this one */
				for (guint u = 0; u < st->n_ua; u++)
					g_atomic_int_dec_and_test(&lun->ua_pending);
				g_hash_table_remove(lun->nexus_state, n->key);
			} else if (st) {
				st->prevent = FALSE;
			}
			g_mutex_unlock(&lun->lock);
			if (!forget)
				tgt_scsi_ua_queue(lun, n->key, IPROTO_ASC_I_T_NEXUS_LOSS);
		}
	}
	g_ptr_array_unref(luns);
	tgt_scsi_target_unref(t);
	g_mutex_clear(&n->lock);
	g_free(n->initiator_name);
	g_free(n->port_name);
	g_free(n->key);
	g_free(n);
}

const char *tgt_scsi_nexus_initiator_port(const TgtNexus *n)
{
	return n->port_name;
}

/* ---- task management ---- */

void tgt_scsi_lun_reset_state(TgtLun *lun)
{
	g_mutex_lock(&lun->lock);
	/* SPC-4 5.8.2 / 6.13: a LU reset releases RESERVE(6/10) reservations and
	 * PREVENT state; SPC-4 7.5.3: mode parameters revert to saved values */
	if (lun->spc2_holder) {
		g_clear_pointer(&lun->spc2_holder, g_free);
		if (!lun->pr_type)
			g_atomic_int_set(&lun->reserved, 0);
	}
	GHashTableIter it;
	gpointer st;

	g_hash_table_iter_init(&it, lun->nexus_state);
	while (g_hash_table_iter_next(&it, NULL, &st))
		((TgtLunNexusState *) st)->prevent = FALSE;
	lun->mode = lun->mode_saved;
	g_atomic_int_set(&lun->stopped, 0);
	g_mutex_unlock(&lun->lock);
}

void tgt_scsi_task_set_cleared(TgtScsiTarget *t, guint64 lun_field, TgtNexus *from,
			       TgtNexus *const *others_with_tasks, guint n_others)
{
	guint lun_no;
	TgtLun *lun = tgt_scsi_lun_decode(lun_field, &lun_no) ? tgt_scsi_target_get_lun(t, lun_no) : NULL;

	if (!lun)
		return;
	for (guint i = 0; i < n_others; i++)
		if (others_with_tasks[i] != from)
			tgt_scsi_ua_queue(lun, others_with_tasks[i]->key, IPROTO_ASC_COMMANDS_CLEARED_BY_ANOTHER_INITIATOR);
	tgt_scsi_lun_unref(lun);
}

gboolean tgt_scsi_lun_reset(TgtScsiTarget *t, guint64 lun_field, TgtNexus *from)
{
	guint lun_no;
	TgtLun *lun = tgt_scsi_lun_decode(lun_field, &lun_no) ? tgt_scsi_target_get_lun(t, lun_no) : NULL;

	if (!lun)
		return FALSE;
	tgt_scsi_lun_reset_state(lun);
	tgt_scsi_ua_queue_all(lun, from ? from->key : NULL, IPROTO_ASC_BUS_DEVICE_RESET);
	tgt_scsi_lun_unref(lun);
	return TRUE;
}

void tgt_scsi_target_reset(TgtScsiTarget *t, gboolean cold, TgtNexus *from)
{
	GPtrArray *luns = all_luns(t);

	for (guint i = 0; i < luns->len; i++) {
		TgtLun *lun = luns->pdata[i];

		tgt_scsi_lun_reset_state(lun);
		if (cold)
			tgt_scsi_ua_queue_all(lun, NULL, IPROTO_ASC_POWER_ON_OCCURRED);
		else
			tgt_scsi_ua_queue_all(lun, from ? from->key : NULL, IPROTO_ASC_BUS_DEVICE_RESET);
	}
	g_ptr_array_unref(luns);
}
