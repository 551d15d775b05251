/* Persistent reservations (SPC-4 5.12, 6.15, 6.16) and the access check of
 * every command against SPC-2 and persistent reservations. */
#include "config.h"
#include "target/scsi-internal.h"

/* PR types, SPC-4 table 173 */
enum {
	PR_WE = 1, PR_EA = 3, PR_WE_RO = 5, PR_EA_RO = 6, PR_WE_AR = 7, PR_EA_AR = 8,
};

static gboolean type_valid(guint8 t)
{
	return t == PR_WE || t == PR_EA || t == PR_WE_RO || t == PR_EA_RO || t == PR_WE_AR || t == PR_EA_AR;
}

static gboolean type_exclusive_access(guint8 t)
{
	return t == PR_EA || t == PR_EA_RO || t == PR_EA_AR;
}

static gboolean type_registrants(guint8 t) /* RO and AR types */
{
	return t == PR_WE_RO || t == PR_EA_RO || t == PR_WE_AR || t == PR_EA_AR;
}

static gboolean type_all_regs(guint8 t)
{
	return t == PR_WE_AR || t == PR_EA_AR;
}

/* With lun->lock held. */
static TgtPrReg *find_reg(TgtLun *lun, const char *key)
{
	for (guint i = 0; i < lun->pr_regs->len; i++) {
		TgtPrReg *r = lun->pr_regs->pdata[i];

		if (strcmp(r->key, key) == 0)
			return r;
	}
	return NULL;
}

static void update_reserved(TgtLun *lun)
{
	g_atomic_int_set(&lun->reserved, lun->spc2_holder || lun->pr_type);
}

static void reg_free(TgtPrReg *r)
{
	g_free(r->key);
	g_free(r->port_name);
	g_free(r);
}

static gboolean is_holder(TgtLun *lun, TgtPrReg *r)
{
	return r && lun->pr_type && (lun->pr_all_regs || lun->pr_holder == r);
}

static void release_pr(TgtLun *lun)
{
	lun->pr_type = 0;
	lun->pr_holder = NULL;
	lun->pr_all_regs = FALSE;
	update_reserved(lun);
}

/* Removes a registration (lock held); a holder takes the reservation
 * with it unless all registrants hold it and others remain. */
static void unregister(TgtLun *lun, TgtPrReg *r, GPtrArray *ua_released)
{
	gboolean was_holder = is_holder(lun, r);

	g_ptr_array_remove(lun->pr_regs, r);
	if (was_holder && (!lun->pr_all_regs || lun->pr_regs->len == 0)) {
		guint8 type = lun->pr_type;

		release_pr(lun);
		/* SPC-4 5.12.11.2.?: RO/AR types tell the remaining registrants */
		if (type_registrants(type) && ua_released)
			for (guint i = 0; i < lun->pr_regs->len; i++)
				g_ptr_array_add(ua_released, g_strdup(((TgtPrReg *) lun->pr_regs->pdata[i])->key));
	}
	reg_free(r);
}

gboolean tgt_scsi_pr_check(TgtScsiCmd *cmd, const TgtScsiOp *op)
{
	TgtLun *lun = cmd->priv.lun;
	const char *me = cmd->nexus->key;
	gboolean ok = TRUE;

	g_mutex_lock(&lun->lock);
	if (lun->spc2_holder) {
		/* SPC-2 5.5.1: everything but a few commands conflicts */
		ok = strcmp(lun->spc2_holder, me) == 0 || (op->flags & TGT_OP_SPC2_ALLOWED);
	} else if (lun->pr_type) {
		TgtPrReg *r = find_reg(lun, me);
		gboolean privileged = is_holder(lun, r) || (r && type_registrants(lun->pr_type));

		switch (op->pr_class) {
		case TGT_PR_ALLOWED:
		case TGT_PR_OWN:
			break;
		case TGT_PR_READ:
			ok = privileged || !type_exclusive_access(lun->pr_type);
			break;
		default:
			ok = privileged;
			break;
		}
	}
	g_mutex_unlock(&lun->lock);
	return ok;
}

void tgt_scsi_pr_nexus_lost(TgtLun *lun, const char *nexus_key)
{
	/* SPC-2 reservations end with the I_T nexus; persistent ones do not */
	g_mutex_lock(&lun->lock);
	if (lun->spc2_holder && strcmp(lun->spc2_holder, nexus_key) == 0) {
		g_clear_pointer(&lun->spc2_holder, g_free);
		update_reserved(lun);
	}
	g_mutex_unlock(&lun->lock);
}

void tgt_scsi_pr_free(TgtLun *lun)
{
	for (guint i = 0; i < lun->pr_regs->len; i++)
		reg_free(lun->pr_regs->pdata[i]);
	g_ptr_array_free(lun->pr_regs, TRUE);
	g_free(lun->spc2_holder);
}

/* ---- PERSISTENT RESERVE IN ---- */

/* iSCSI TransportID, format 01b: name + ",i,0x" + ISID (SPC-4 7.6.4.6) */
static gsize put_transport_id(guint8 *d, const char *port_name)
{
	gsize n = strlen(port_name) + 1, padded = MAX((n + 3) & ~(gsize) 3, (gsize) 20);

	d[0] = 0x40 | 0x05;
	iproto_put_be16(d + 2, (guint16) padded);
	memcpy(d + 4, port_name, n - 1);
	return 4 + padded;
}

void tgt_scsi_exec_pr_in(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint16 alloc = iproto_get_be16(cmd->cdb + 7);
	guint8 sa = cmd->cdb[1] & 0x1f;
	gsize len = 8;
	guint8 *d;

	g_mutex_lock(&lun->lock);
	d = tgt_scsi_cmd_data_in(cmd, 8 + lun->pr_regs->len * (24 + 4 + 260) + 16);
	iproto_put_be32(d, lun->pr_generation);
	switch (sa) {
	case 0: /* READ KEYS */
		for (guint i = 0; i < lun->pr_regs->len; i++, len += 8)
			iproto_put_be64(d + len, ((TgtPrReg *) lun->pr_regs->pdata[i])->res_key);
		iproto_put_be32(d + 4, (guint32) (len - 8));
		break;
	case 1: /* READ RESERVATION */
		if (lun->pr_type) {
			iproto_put_be64(d + 8, lun->pr_all_regs ? 0 : lun->pr_holder->res_key);
			d[21] = lun->pr_type;
			len = 24;
		}
		iproto_put_be32(d + 4, (guint32) (len - 8));
		break;
	case 2: /* REPORT CAPABILITIES, SPC-4 6.15.4 */
		memset(d, 0, 8);
		iproto_put_be16(d, 8);
		d[2] = 0x10;                /* CRH: RESERVE/RELEASE conflict under PR */
		d[3] = 0x80;                /* TMV: the type mask is valid */
		d[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02; /* WR_EX_AR EX_AC_RO WR_EX_RO EX_AC WR_EX */
		d[5] = 0x01;                /* EX_AC_AR */
		break;
	default: /* 3: READ FULL STATUS, SPC-4 6.15.5 */
		for (guint i = 0; i < lun->pr_regs->len; i++) {
			TgtPrReg *r = lun->pr_regs->pdata[i];
			guint8 *e = d + len;

			iproto_put_be64(e, r->res_key);
			e[12] = is_holder(lun, r) ? 0x01 : 0;
			e[13] = is_holder(lun, r) ? lun->pr_type : 0;
			iproto_put_be16(e + 18, r->rtpi);
			gsize tl = put_transport_id(e + 24, r->port_name);

			iproto_put_be32(e + 20, (guint32) tl);
			len += 24 + tl;
		}
		iproto_put_be32(d + 4, (guint32) (len - 8));
		break;
	}
	g_mutex_unlock(&lun->lock);
	tgt_scsi_cmd_data_in_len(cmd, len, alloc);
}

/* ---- PERSISTENT RESERVE OUT ---- */

gboolean tgt_scsi_prep_pr_out(TgtScsiCmd *cmd)
{
	return tgt_scsi_prep_param_list(cmd, 5, 4, 24 + 4 + 256);
}

static void queue_uas(TgtLun *lun, GPtrArray *keys, guint16 asc)
{
	for (guint i = 0; i < keys->len; i++)
		tgt_scsi_ua_queue(lun, keys->pdata[i], asc);
}

/* Removes every registration with res_key `victim` except `keep`; their
 * keys go to `removed`.  Returns how many. */
static guint remove_by_key(TgtLun *lun, guint64 victim, TgtPrReg *keep, GPtrArray *removed)
{
	guint n = 0;

	for (guint i = 0; i < lun->pr_regs->len;) {
		TgtPrReg *r = lun->pr_regs->pdata[i];

		if (r != keep && r->res_key == victim) {
			g_ptr_array_add(removed, g_strdup(r->key));
			if (lun->pr_holder == r)
				lun->pr_holder = NULL;
			g_ptr_array_remove_index(lun->pr_regs, i);
			reg_free(r);
			n++;
		} else {
			i++;
		}
	}
	return n;
}

/* REGISTER AND MOVE: the destination I_T nexus from the TransportID. */
static char *move_destination(TgtScsiCmd *cmd, const guint8 *p, gsize len)
{
	guint32 tl = iproto_get_be32(p + 20);

	if (tl < 24 || 24 + (gsize) tl > len || (p[24] & 0x3f) != 0x05 || (p[24] >> 6) != 1) {
		tgt_scsi_cmd_bad_param(cmd, 24, -1);
		return NULL;
	}
	gsize nl = MIN((gsize) iproto_get_be16(p + 26), (gsize) tl - 4);

	return g_strndup((const char *) p + 28, nl);
}

void tgt_scsi_exec_pr_out(TgtScsiCmd *cmd)
{
	TgtLun *lun = cmd->priv.lun;
	guint8 sa = cmd->cdb[1] & 0x1f, scope = cmd->cdb[2] >> 4, type = cmd->cdb[2] & 0x0f;
	const guint8 *p = cmd->out_buf;
	gsize len = cmd->out_len;
	const char *me = cmd->nexus->key;
	GPtrArray *ua_keys = g_ptr_array_new_with_free_func(g_free);
	guint16 ua_asc = 0;

	if (sa == 7 ? len < 24 : len != 24) {
		/* SPC-4 6.16.3: 24 bytes unless SPEC_I_PT (not supported) */
		tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
		goto out;
	}
	guint64 key = iproto_get_be64(p), sark = iproto_get_be64(p + 8);

	if (sa != 7 && (p[20] & 0x0d)) {
		/* SPEC_I_PT, ALL_TG_PT and APTPL: capabilities we do not report */
		tgt_scsi_cmd_bad_param(cmd, 20, (p[20] & 0x08) ? 3 : (p[20] & 0x04) ? 2 : 0);
		goto out;
	}
	if ((sa == 1 || sa == 4 || sa == 5 || sa == 7) && (scope != 0 || !type_valid(type))) {
		tgt_scsi_cmd_bad_cdb(cmd, 2, scope ? 7 : 3);
		goto out;
	}

	g_mutex_lock(&lun->lock);
	TgtPrReg *r = find_reg(lun, me);

	if (lun->spc2_holder && strcmp(lun->spc2_holder, me) != 0) {
		tgt_scsi_cmd_conflict(cmd);
		goto unlock;
	}
	switch (sa) {
	case 0: /* REGISTER */
	case 6: /* REGISTER AND IGNORE EXISTING KEY */
		if (sa == 0 && (r ? key != r->res_key : key != 0)) {
			tgt_scsi_cmd_conflict(cmd);
			break;
		}
		if (!r && sark && lun->pr_regs->len >= TGT_MAX_PR_REGS) {
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST,
					   IPROTO_ASC_INSUFFICIENT_REGISTRATION_RESOURCES);
			break;
		}
		if (!r && sark) {
			r = g_new0(TgtPrReg, 1);
			r->key = g_strdup(me);
			r->port_name = g_strdup(cmd->nexus->port_name);
			r->rtpi = cmd->nexus->rtpi;
			r->res_key = sark;
			g_ptr_array_add(lun->pr_regs, r);
		} else if (r && sark) {
			r->res_key = sark;
		} else if (r) {
			unregister(lun, r, ua_keys);
			ua_asc = IPROTO_ASC_RESERVATIONS_RELEASED;
		}
		lun->pr_generation++;
		break;
	case 1: /* RESERVE */
		if (!r || key != r->res_key) {
			tgt_scsi_cmd_conflict(cmd);
		} else if (lun->pr_type) {
			/* the holder may repeat its reservation, nobody may change it */
			if (!is_holder(lun, r) || lun->pr_type != type)
				tgt_scsi_cmd_conflict(cmd);
		} else {
			lun->pr_type = type;
			lun->pr_all_regs = type_all_regs(type);
			lun->pr_holder = r;
			update_reserved(lun);
		}
		break;
	case 2: /* RELEASE */
		if (!r || key != r->res_key) {
			tgt_scsi_cmd_conflict(cmd);
		} else if (is_holder(lun, r)) {
			if (scope != 0 || lun->pr_type != type) {
				/* SPC-4 5.12.11.2: INVALID RELEASE OF PERSISTENT RESERVATION */
				tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC(0x26, 0x04));
				break;
			}
			guint8 old = lun->pr_type;

			release_pr(lun);
			if (type_registrants(old)) {
				for (guint i = 0; i < lun->pr_regs->len; i++)
					if (lun->pr_regs->pdata[i] != r)
						g_ptr_array_add(ua_keys, g_strdup(((TgtPrReg *) lun->pr_regs->pdata[i])->key));
				ua_asc = IPROTO_ASC_RESERVATIONS_RELEASED;
			}
		}
		break;
	case 3: /* CLEAR */
		if (!r || key != r->res_key) {
			tgt_scsi_cmd_conflict(cmd);
			break;
		}
		while (lun->pr_regs->len) {
			TgtPrReg *x = g_ptr_array_steal_index(lun->pr_regs, lun->pr_regs->len - 1);

			if (x != r)
				g_ptr_array_add(ua_keys, g_strdup(x->key));
			reg_free(x);
		}
		release_pr(lun);
		ua_asc = IPROTO_ASC_RESERVATIONS_PREEMPTED;
		lun->pr_generation++;
		break;
	case 4: /* PREEMPT */
	case 5: /* PREEMPT AND ABORT: the iSCSI layer aborts the tasks */
		if (!r || key != r->res_key) {
			tgt_scsi_cmd_conflict(cmd);
			break;
		}
		ua_asc = IPROTO_ASC_REGISTRATIONS_PREEMPTED;
		if (lun->pr_type && lun->pr_all_regs && sark == 0) {
			/* SPC-4 5.12.11.4.4: all other registrations go, r reserves */
			for (guint i = 0; i < lun->pr_regs->len;) {
				TgtPrReg *x = lun->pr_regs->pdata[i];

				if (x == r) {
					i++;
					continue;
				}
				g_ptr_array_add(ua_keys, g_strdup(x->key));
				g_ptr_array_remove_index(lun->pr_regs, i);
				reg_free(x);
			}
			lun->pr_type = type;
			lun->pr_all_regs = type_all_regs(type);
			lun->pr_holder = r;
		} else if (lun->pr_type && !lun->pr_all_regs && lun->pr_holder->res_key == sark) {
			/* SPC-4 5.12.11.4.3: preempt the holder and take its place */
			remove_by_key(lun, sark, r, ua_keys);
			lun->pr_type = type;
			lun->pr_all_regs = type_all_regs(type);
			lun->pr_holder = r;
		} else {
			if (sark == 0) {
				tgt_scsi_cmd_bad_param(cmd, 8, -1);
				break;
			}
			if (remove_by_key(lun, sark, r, ua_keys) == 0) {
				tgt_scsi_cmd_conflict(cmd);
				break;
			}
			if (lun->pr_type && !lun->pr_all_regs && !lun->pr_holder)
				release_pr(lun);
		}
		update_reserved(lun);
		lun->pr_generation++;
		break;
	default: { /* 7: REGISTER AND MOVE, SPC-4 5.12.8 */
		if (!r || key != r->res_key || !is_holder(lun, r) || lun->pr_all_regs) {
			tgt_scsi_cmd_conflict(cmd);
			break;
		}
		if (sark == 0) {
			tgt_scsi_cmd_bad_param(cmd, 8, -1);
			break;
		}
		char *port = move_destination(cmd, p, len);

		if (!port)
			break;
		guint16 rtpi = iproto_get_be16(p + 18);
		char *dkey = g_strdup_printf("%s|%u", port, rtpi);
		TgtPrReg *dst = find_reg(lun, dkey);

		if (strcmp(dkey, me) == 0) {
			tgt_scsi_cmd_bad_param(cmd, 24, -1);
			g_free(dkey);
			g_free(port);
			break;
		}
		if (!dst && lun->pr_regs->len >= TGT_MAX_PR_REGS) {
			tgt_scsi_cmd_sense(cmd, IPROTO_SENSE_ILLEGAL_REQUEST,
					   IPROTO_ASC_INSUFFICIENT_REGISTRATION_RESOURCES);
			g_free(dkey);
			g_free(port);
			break;
		}
		if (!dst) {
			dst = g_new0(TgtPrReg, 1);
			dst->key = dkey;
			dst->port_name = port;
			dst->rtpi = rtpi;
			g_ptr_array_add(lun->pr_regs, dst);
		} else {
			g_free(dkey);
			g_free(port);
		}
		dst->res_key = sark;
		lun->pr_holder = dst;
		if (p[17] & 0x02) { /* UNREG */
			g_ptr_array_remove(lun->pr_regs, r);
			reg_free(r);
		}
		lun->pr_generation++;
		break;
	}
	}
unlock:
	g_mutex_unlock(&lun->lock);
	if (ua_asc)
		queue_uas(lun, ua_keys, ua_asc);
out:
	g_ptr_array_unref(ua_keys);
}
