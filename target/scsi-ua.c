/* Unit attention conditions (SAM-5 5.14), kept per LUN and per I_T nexus
 * identity so they survive the session that will report them. */
#include "config.h"
#include "target/scsi-internal.h"

TgtLunNexusState *tgt_scsi_lun_nexus_state(TgtLun *lun, const char *nexus_key, gboolean create)
{
	TgtLunNexusState *st = g_hash_table_lookup(lun->nexus_state, nexus_key);

	if (!st && create) {
		st = g_new0(TgtLunNexusState, 1);
		g_hash_table_insert(lun->nexus_state, g_strdup(nexus_key), st);
	}
	return st;
}

/* With lun->lock held. */
static void queue_locked(TgtLun *lun, TgtLunNexusState *st, guint16 asc)
{
	for (guint i = 0; i < st->n_ua; i++)
		if (st->ua[i] == asc)
			return; /* already pending: report it once */
	if (st->n_ua == TGT_MAX_UA) {
		/* SAM-5 5.14: when the queue overflows, the oldest is reported as
		 * is and the newest is lost; keep the most informative (oldest). */
		return;
	}
	st->ua[st->n_ua++] = asc;
	g_atomic_int_inc(&lun->ua_pending);
}

void tgt_scsi_ua_queue(TgtLun *lun, const char *nexus_key, guint16 asc)
{
	g_mutex_lock(&lun->lock);
	queue_locked(lun, tgt_scsi_lun_nexus_state(lun, nexus_key, TRUE), asc);
	g_mutex_unlock(&lun->lock);
}

void tgt_scsi_ua_queue_all(TgtLun *lun, const char *except_key, guint16 asc)
{
	GHashTableIter it;
	gpointer key, st;

	g_mutex_lock(&lun->lock);
	g_hash_table_iter_init(&it, lun->nexus_state);
	while (g_hash_table_iter_next(&it, &key, &st))
		if (!except_key || strcmp(key, except_key) != 0)
			queue_locked(lun, st, asc);
	g_mutex_unlock(&lun->lock);
}

static void remove_at(TgtLun *lun, TgtLunNexusState *st, guint i)
{
	memmove(st->ua + i, st->ua + i + 1, (st->n_ua - i - 1) * sizeof st->ua[0]);
	st->n_ua--;
	g_atomic_int_dec_and_test(&lun->ua_pending);
}

guint16 tgt_scsi_ua_pop(TgtLun *lun, const char *nexus_key)
{
	guint16 asc = 0;

	g_mutex_lock(&lun->lock);
	TgtLunNexusState *st = tgt_scsi_lun_nexus_state(lun, nexus_key, FALSE);

	if (st && st->n_ua) {
		asc = st->ua[0];
		remove_at(lun, st, 0);
	}
	g_mutex_unlock(&lun->lock);
	return asc;
}

void tgt_scsi_ua_clear(TgtLun *lun, const char *nexus_key, guint16 asc)
{
	g_mutex_lock(&lun->lock);
	TgtLunNexusState *st = tgt_scsi_lun_nexus_state(lun, nexus_key, FALSE);

	for (guint i = 0; st && i < st->n_ua;) {
		if (st->ua[i] == asc)
			remove_at(lun, st, i);
		else
			i++;
	}
	g_mutex_unlock(&lun->lock);
}
