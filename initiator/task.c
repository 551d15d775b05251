/* Tasks: submission (ITT slots, the CmdSN window of RFC 7143 sec. 4.2.2.1,
 * spreading over connections), immediate and unsolicited data (sec.
 * 13.10, 13.11, 13.14), Data-Out for R2Ts (sec. 11.7, 11.8), completion. */
#include "config.h"

#include "itni-session-private.h"
#include "libiscsi-proto/iproto-sna.h"

#include <string.h>

/* Sense key UNIT ATTENTION in fixed (70h/71h) or descriptor (72h/73h)
 * sense data (SPC-4 sec. 4.5). */
static gboolean itni_sense_is_unit_attention(const guint8 *sense, gsize len)
{
	if (len < 3)
		return FALSE;
	guint8 code = sense[0] & 0x7f;
	guint8 key = code >= 0x72 ? sense[1] & 0x0f : sense[2] & 0x0f;
	return key == 0x06;
}

static ItniTask *task_alloc(ItniSession *s)
{
	g_mutex_lock(&s->lock);
	ItniTask *t = s->free_tasks;
	if (t)
		s->free_tasks = t->next;
	g_mutex_unlock(&s->lock);
	if (!t)
		t = g_new(ItniTask, 1);
	memset(t, 0, G_STRUCT_OFFSET(ItniTask, iov));
	t->s = s;
	t->slot = G_MAXUINT;
	return t;
}

static void task_release(ItniTask *t)
{
	ItniSession *s = t->s;
	g_clear_error(&t->error);
	g_mutex_lock(&s->lock);
	t->next = s->free_tasks;
	s->free_tasks = t;
	g_mutex_unlock(&s->lock);
}

void itni_session_free_tasks(ItniSession *s)
{
	for (ItniTask *t = s->free_tasks, *n; t; t = n) {
		n = t->next;
		g_free(t);
	}
	s->free_tasks = NULL;
}

ItniTask *itni_session_lookup(ItniSession *s, guint32 itt)
{
	guint slot = itt & 0xffffu;
	if (slot >= ITNI_MAX_TASKS)
		return NULL;
	ItniTask *t = g_atomic_pointer_get(&s->slots[slot]);
	return t && t->itt == itt ? t : NULL;
}

/* The connection with the fewest outstanding tasks. */
static ItniConn *pick_conn(ItniSession *s)
{
	ItniConn *best = NULL;
	gint low = G_MAXINT;
	for (guint i = 0; i < s->n_conns; i++) {
		guint k = (s->rr + i) % s->n_conns;
		ItniConn *c = s->conns[k];
		gint o = g_atomic_int_get(&c->outstanding);
		if (!g_atomic_int_get(&c->dead) && o < low) {
			low = o;
			best = c;
		}
	}
	s->rr++;
	return best;
}

static guint find_slot(ItniSession *s)
{
	for (guint i = 0; i < ITNI_MAX_TASKS; i++) {
		guint k = (s->next_slot + i) % ITNI_MAX_TASKS;
		if (!s->slots[k]) {
			s->next_slot = k + 1;
			return k;
		}
	}
	return G_MAXUINT;
}

/* Send a SCSI Command with its immediate data and unsolicited Data-Out
 * (called with s->lock held so commands leave in CmdSN order). */
static void send_scsi(ItniTask *t, ItniConn *c)
{
	ItniSession *s = t->s;
	IProtoPdu pdu;
	iproto_pdu_init(&pdu, IPROTO_OP_SCSI_CMD);
	pdu.itt = t->itt;
	IProtoScsiCmd *cmd = &pdu.u.scsi_cmd;
	cmd->attr = IPROTO_ATTR_SIMPLE;
	cmd->lun = iproto_lun_encode((guint16) t->lun);
	cmd->edtl = (guint32) t->xfer_len;
	cmd->cmdsn = t->cmdsn;
	memcpy(cmd->cdb, t->cdb, t->cdb_len);
	cmd->read = t->dir == ITNI_DIR_READ;
	cmd->write = t->dir == ITNI_DIR_WRITE;
	gsize imm = 0, unsol = 0;
	if (t->dir == ITNI_DIR_WRITE) {
		/* sec. 13.14: unsolicited data (immediate + Data-Out without
		 * R2T) is limited by FirstBurstLength. */
		gsize burst = MIN(t->xfer_len, c->p.first_burst);
		if (c->p.immediate_data)
			imm = MIN(burst, c->p.max_send_dsl);
		if (!c->p.initial_r2t)
			unsol = burst - imm;
	}
	cmd->final = unsol == 0;
	pdu.data_len = (guint32) imm;
	itni_conn_send(c, &pdu, t->iov, t->iovcnt, 0, imm);
	if (unsol)
		itni_task_send_data_out(t, c, IPROTO_RESERVED_TAG, (guint32) imm, (guint32) unsol);
	c->commands++;
	(void) s;
}

void itni_task_send_data_out(ItniTask *t, ItniConn *c, guint32 ttt, guint32 offset, guint32 len)
{
	guint32 datasn = 0, end = offset + len;
	/* Each PDU carries at most the target's MaxRecvDataSegmentLength
	 * (sec. 13.12); DataSN counts within this sequence (sec. 11.7.5). */
	while (offset < end) {
		guint32 n = MIN(end - offset, c->p.max_send_dsl);
		IProtoPdu pdu;
		iproto_pdu_init(&pdu, IPROTO_OP_DATA_OUT);
		pdu.itt = t->itt;
		pdu.data_len = n;
		pdu.u.data_out.lun = iproto_lun_encode((guint16) t->lun);
		pdu.u.data_out.ttt = ttt;
		pdu.u.data_out.datasn = datasn++;
		pdu.u.data_out.buffer_offset = offset;
		pdu.u.data_out.final = offset + n == end;
		itni_conn_send(c, &pdu, t->iov, t->iovcnt, offset, n);
		offset += n;
	}
}

static void send_tmf(ItniTask *t, ItniConn *c)
{
	IProtoPdu pdu;
	iproto_pdu_init(&pdu, IPROTO_OP_TMF_REQ);
	pdu.immediate = TRUE;
	pdu.itt = t->itt;
	pdu.u.tmf_req.function = t->tmf_function;
	pdu.u.tmf_req.lun = iproto_lun_encode((guint16) t->lun);
	pdu.u.tmf_req.rtt = IPROTO_RESERVED_TAG;
	pdu.u.tmf_req.cmdsn = t->cmdsn;
	pdu.u.tmf_req.refcmdsn = t->cmdsn;
	itni_conn_send(c, &pdu, NULL, 0, 0, 0);
}

/* Issue as many pending tasks as slots, window and connections allow.
 * Called with s->lock held. */
static void issue_locked(ItniSession *s)
{
	while (s->pend_head && s->state == ITNI_SESSION_LOGGED_IN) {
		ItniTask *t = s->pend_head;
		gboolean immediate = t->kind != ITNI_TASK_SCSI;
		/* sec. 4.2.2.1: a non-immediate command is sent only while
		 * CmdSN <= MaxCmdSN. */
		if (!immediate && !iproto_sna_le(s->cmdsn, s->max_cmdsn))
			return;
		ItniConn *c = pick_conn(s);
		guint slot = find_slot(s);
		if (!c || slot == G_MAXUINT)
			return;
		s->pend_head = t->next;
		if (!s->pend_head)
			s->pend_tail = NULL;
		t->next = NULL;
		s->gen = (guint16) (s->gen + 1);
		/* ITT: generation in the high half, slot in the low half;
		 * 0xffffffff is never produced (slot < 1024). */
		t->itt = (guint32) (s->gen & 0x7fff) << 16 | slot;
		t->slot = slot;
		t->conn = c;
		t->data_in = 0;
		t->cmdsn = s->cmdsn;
		if (!immediate)
			s->cmdsn++;
		g_atomic_pointer_set(&s->slots[slot], t);
		s->n_active++;
		g_atomic_int_inc(&c->outstanding);
		/* What the answer likely weighs: a header, plus the data of a
		 * read (capped so the sum stays far from overflow). */
		t->expect_in = (gint) IPROTO_BHS_LEN +
			       (t->dir == ITNI_DIR_READ ? (gint) MIN(t->xfer_len, ITNI_EXPECT_CAP) : 0);
		g_atomic_int_add(&c->expect_in, t->expect_in);
		if (t->kind == ITNI_TASK_TMF)
			send_tmf(t, c);
		else
			send_scsi(t, c);
	}
}

static void enqueue_locked(ItniSession *s, ItniTask *t)
{
	t->next = NULL;
	if (s->pend_tail)
		s->pend_tail->next = t;
	else
		s->pend_head = t;
	s->pend_tail = t;
}

void itni_session_dispatch_pending(ItniSession *s)
{
	g_mutex_lock(&s->lock);
	issue_locked(s);
	g_mutex_unlock(&s->lock);
}

void itni_session_update_window(ItniSession *s, guint32 exp_cmdsn, guint32 max_cmdsn)
{
	/* sec. 4.2.2.1: MaxCmdSN - ExpCmdSN + 1 < 0 (serially) means the
	 * fields are invalid and must be ignored. */
	if (iproto_sna_lt(max_cmdsn, exp_cmdsn - 1))
		return;
	g_mutex_lock(&s->lock);
	gboolean opened = FALSE;
	if (iproto_sna_gt(exp_cmdsn, s->exp_cmdsn))
		s->exp_cmdsn = exp_cmdsn;
	if (iproto_sna_gt(max_cmdsn, s->max_cmdsn)) {
		s->max_cmdsn = max_cmdsn;
		opened = TRUE;
	}
	if (opened && s->pend_head)
		issue_locked(s);
	g_mutex_unlock(&s->lock);
}

static void submit(ItniSession *s, ItniTask *t)
{
	g_mutex_lock(&s->lock);
	if (s->state == ITNI_SESSION_FAILED || s->state == ITNI_SESSION_LOGGED_OUT ||
	    s->state == ITNI_SESSION_IDLE) {
		g_mutex_unlock(&s->lock);
		t->error = g_error_new(ITNI_ERROR, ITNI_ERROR_CLOSED, "the session is %s",
				       itni_session_state_name(s->state));
		t->done(t, t->user_data);
		task_release(t);
		return;
	}
	enqueue_locked(s, t);
	issue_locked(s);
	g_mutex_unlock(&s->lock);
}

void itni_scsi_submit(ItniSession *s, guint64 lun, const guint8 *cdb, gsize cdb_len, ItniDirection dir,
		      const struct iovec *iov, guint iovcnt, ItniTaskFunc done, gpointer user_data)
{
	ItniTask *t = task_alloc(s);
	t->kind = ITNI_TASK_SCSI;
	t->lun = lun;
	t->done = done;
	t->user_data = user_data;
	t->dir = dir;
	if (cdb_len > sizeof t->cdb || iovcnt > ITNI_MAX_IOV) {
		t->error = g_error_new(ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				       "CDB longer than 16 bytes or more than %d buffers", ITNI_MAX_IOV);
		done(t, user_data);
		task_release(t);
		return;
	}
	memcpy(t->cdb, cdb, cdb_len);
	t->cdb_len = (guint8) cdb_len;
	t->iovcnt = iovcnt;
	t->xfer_len = 0;
	for (guint i = 0; i < iovcnt; i++) {
		t->iov[i] = iov[i];
		t->xfer_len += iov[i].iov_len;
	}
	if (!iovcnt)
		t->dir = ITNI_DIR_NONE;
	submit(s, t);
}

void itni_task_submit_tmf(ItniSession *s, guint8 function, guint64 lun, ItniTaskFunc done, gpointer user_data)
{
	ItniTask *t = task_alloc(s);
	t->kind = ITNI_TASK_TMF;
	t->lun = lun;
	t->tmf_function = function;
	t->done = done;
	t->user_data = user_data;
	t->iovcnt = 0;
	t->xfer_len = 0;
	/* Task management jumps the queue (it is immediate, sec. 11.5). */
	g_mutex_lock(&s->lock);
	t->next = s->pend_head;
	s->pend_head = t;
	if (!s->pend_tail)
		s->pend_tail = t;
	issue_locked(s);
	g_mutex_unlock(&s->lock);
}

/* Remove t from the active set; FALSE if it is no longer active there (a
 * late answer after recovery requeued it). */
static gboolean deactivate_locked(ItniSession *s, ItniTask *t)
{
	if (t->slot >= ITNI_MAX_TASKS || s->slots[t->slot] != t)
		return FALSE;
	g_atomic_pointer_set(&s->slots[t->slot], NULL);
	t->slot = G_MAXUINT;
	s->n_active--;
	if (t->conn) {
		g_atomic_int_add(&t->conn->outstanding, -1);
		g_atomic_int_add(&t->conn->expect_in, -t->expect_in);
	}
	t->expect_in = 0;
	return TRUE;
}

void itni_task_complete(ItniTask *t)
{
	ItniSession *s = t->s;
	g_mutex_lock(&s->lock);
	gboolean ok = deactivate_locked(s, t);
	/* A UNIT ATTENTION (after power on, reset, a reinstated session...)
	 * reports an event, not a problem with this command: issue it again,
	 * a few times, as SAM-5 sec. 5.14 allows. */
	if (ok && t->kind == ITNI_TASK_SCSI && t->status == ITNI_STATUS_CHECK_CONDITION &&
	    t->retries < 4 && itni_sense_is_unit_attention(t->sense, t->sense_len)) {
		t->retries++;
		t->status = 0;
		t->sense_len = 0;
		t->conn = NULL;
		enqueue_locked(s, t);
		issue_locked(s);
		ok = FALSE;
	}
	g_mutex_unlock(&s->lock);
	if (!ok)
		return;
	t->done(t, t->user_data);
	task_release(t);
	if (s->pend_head)
		itni_session_dispatch_pending(s);
}

void itni_session_requeue_all(ItniSession *s)
{
	/* Active tasks go back to the front of the queue in CmdSN order
	 * (slot order is close enough: the target saw none of them
	 * complete). */
	ItniTask *head = NULL, *tail = NULL;
	for (guint i = 0; i < ITNI_MAX_TASKS; i++) {
		ItniTask *t = s->slots[i];
		if (!t)
			continue;
		deactivate_locked(s, t);
		t->conn = NULL;
		t->status = 0;
		t->sense_len = 0;
		g_clear_error(&t->error);
		t->next = NULL;
		if (tail)
			tail->next = t;
		else
			head = t;
		tail = t;
	}
	if (head) {
		tail->next = s->pend_head;
		s->pend_head = head;
		if (!s->pend_tail)
			s->pend_tail = tail;
	}
}

void itni_session_fail_all(ItniSession *s, ItniError code, const char *message)
{
	g_mutex_lock(&s->lock);
	itni_session_requeue_all(s);
	ItniTask *list = s->pend_head;
	s->pend_head = s->pend_tail = NULL;
	g_mutex_unlock(&s->lock);
	for (ItniTask *t = list, *n; t; t = n) {
		n = t->next;
		t->error = g_error_new_literal(ITNI_ERROR, code, message);
		t->done(t, t->user_data);
		task_release(t);
	}
}

/* ---- accessors for callbacks ---- */

const GError *itni_task_get_error(ItniTask *t)
{
	return t->error;
}

guint8 itni_task_get_status(ItniTask *t)
{
	return t->status;
}

const guint8 *itni_task_get_sense(ItniTask *t, gsize *len)
{
	if (len)
		*len = t->sense_len;
	return t->sense_len ? t->sense : NULL;
}

gint64 itni_task_get_residual(ItniTask *t)
{
	return t->residual;
}

guint8 itni_task_get_tmf_response(ItniTask *t)
{
	return t->response;
}
