/* Per-connection iSCSI analysis, see ana-iscsi-conn.h. */
#include "config.h"
#include "analyzer/ana-iscsi-conn.h"
#include "analyzer/ana-names.h"
#include "analyzer/ana-pdu-fields.h"
#include "analyzer/ana-stream.h"
#include "libiscsi-proto/iproto-cdb-names.h"
#include "libiscsi-proto/iproto-login.h"
#include "libiscsi-proto/iproto-text.h"
#include <string.h>

/* Outstanding tasks followed per connection; beyond this the capture is
 * not believable (MaxCmdSN windows are far smaller). */
#define MAX_TASKS 65536u

enum { I2T = 0, T2I = 1 };

typedef struct {
	double start;
	char *cdb;              /* SCSI commands: CDB name for latency; else NULL */
	bool scsi;
	bool unsure;            /* Data-In may have been lost in a gap */
	uint32_t next_datasn, next_offset;
} Task;

struct AnaIscsiConn {
	AnaContext *ctx;
	char *flow[2];
	AnaStream *stream[2];
	IProtoTextAccum *accum[2];
	double now;
	int dir;                /* direction being fed */
	bool login_seen;        /* the connection's first Login Request was captured */
	bool hd, dd;            /* digests the target answered */
	bool data_in_order;     /* DataPDUInOrder (sec. 13.19, default Yes) */
	bool cmdsn_known, statsn_known;
	bool commands_lost;     /* a gap hit the initiator's direction */
	uint32_t next_cmdsn;    /* CmdSN the next non-immediate command must carry */
	uint32_t next_statsn;   /* StatSN the target must use next */
	GHashTable *tasks;      /* ITT -> Task */
	bool tasks_full_said;
};

static void task_free(gpointer p)
{
	Task *t = p;

	g_free(t->cdb);
	g_free(t);
}

static void on_pdu(const AnaPduView *v, gpointer user_data);
static void on_event(AnaStreamEvent ev, const char *message, gpointer user_data);

AnaIscsiConn *ana_iscsi_conn_new(AnaContext *ctx, const char *flow_i2t, const char *flow_t2i)
{
	static const AnaStreamFuncs funcs = { on_pdu, on_event };
	AnaIscsiConn *c = g_new0(AnaIscsiConn, 1);

	c->ctx = ctx;
	c->flow[I2T] = g_strdup(flow_i2t);
	c->flow[T2I] = g_strdup(flow_t2i);
	c->stream[I2T] = ana_stream_new(IPROTO_SENDER_INITIATOR, &funcs, c);
	c->stream[T2I] = ana_stream_new(IPROTO_SENDER_TARGET, &funcs, c);
	c->accum[I2T] = iproto_text_accum_new(0);
	c->accum[T2I] = iproto_text_accum_new(0);
	c->data_in_order = true;
	c->tasks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, task_free);
	return c;
}

void ana_iscsi_conn_free(AnaIscsiConn *c)
{
	if (!c)
		return;
	for (int d = 0; d < 2; d++) {
		g_free(c->flow[d]);
		ana_stream_free(c->stream[d]);
		iproto_text_accum_free(c->accum[d]);
	}
	g_hash_table_unref(c->tasks);
	g_free(c);
}

static void forget_after_gap(AnaIscsiConn *c);

static void on_event(AnaStreamEvent ev, const char *message, gpointer user_data)
{
	AnaIscsiConn *c = user_data;
	static const char *const kinds[] = {
		[ANA_STREAM_GAP] = "gap", [ANA_STREAM_RESYNC] = "resync",
		[ANA_STREAM_BAD_HEADER] = "bad-header", [ANA_STREAM_HEADER_DIGEST] = "header-digest",
		[ANA_STREAM_TRUNCATED] = "truncated",
	};
	g_autoptr(AnaRecord) r = ana_record_new("event", c->now, c->flow[c->dir]);

	ana_record_str(r, "event", message);
	ana_record_str(r, "type", kinds[ev]);
	switch (ev) {
	case ANA_STREAM_RESYNC:
		c->ctx->stats.resyncs++;
		break;
	case ANA_STREAM_HEADER_DIGEST:
		c->ctx->stats.digest_errors++;
		ana_record_error(r, "header digest error");
		forget_after_gap(c);   /* a PDU is lost as surely as in a gap */
		break;
	case ANA_STREAM_BAD_HEADER:
		ana_record_error(r, "not a valid PDU");
		forget_after_gap(c);
		break;
	default:
		break;
	}
	ana_context_emit(c->ctx, r);
}

/* ---- text keys (Login and Text PDUs, sec. 6.1) ---- */

static bool is_yes(const char *v)
{
	return v && strcmp(v, "Yes") == 0;
}

/* The target's answers are the negotiated values (sec. 6.2). */
static void learn_keys(AnaIscsiConn *c, const IProtoTextList *l)
{
	const char *v;

	if ((v = iproto_text_list_get(l, "HeaderDigest")))
		c->hd = strcmp(v, "CRC32C") == 0;
	if ((v = iproto_text_list_get(l, "DataDigest")))
		c->dd = strcmp(v, "CRC32C") == 0;
	if ((v = iproto_text_list_get(l, "DataPDUInOrder")))
		c->data_in_order = is_yes(v);
}

static void text_keys(AnaIscsiConn *c, AnaRecord *r, const AnaPduView *v, bool cont)
{
	g_autoptr(IProtoTextList) list = NULL;
	g_autoptr(GError) err = NULL;
	size_t len = v->pdu->data_len;

	if (v->data_lost || v->data_kept < len) {
		iproto_text_accum_reset(c->accum[c->dir]);
		if (len)
			ana_record_error(r, "text data not captured whole");
		return;
	}
	switch (iproto_text_accum_feed(c->accum[c->dir], v->data, len, cont, &list, &err)) {
	case IPROTO_TEXT_ACCUM_ERROR:
		ana_record_error(r, "text keys: %s", err->message);
		return;
	case IPROTO_TEXT_ACCUM_MORE:
		return;
	case IPROTO_TEXT_ACCUM_DONE:
		break;
	}
	if (iproto_text_list_length(list) > 0) {
		g_autoptr(GPtrArray) shown = ana_text_display(list);
		ana_record_list(r, "keys", shown);
	}
	if (c->dir == T2I && v->pdu->opcode == IPROTO_OP_LOGIN_RSP)
		learn_keys(c, list);
}

/* ---- tasks ---- */

static void task_start(AnaIscsiConn *c, AnaRecord *r, const IProtoPdu *p, const char *cdb)
{
	Task *t;

	if (p->itt == IPROTO_RESERVED_TAG)
		return;
	if (g_hash_table_contains(c->tasks, GUINT_TO_POINTER(p->itt)) && p->opcode == IPROTO_OP_SCSI_CMD)
		ana_record_error(r, "ITT 0x%x reused while its command is outstanding", p->itt);
	if (g_hash_table_size(c->tasks) >= MAX_TASKS) {
		if (!c->tasks_full_said)
			ana_record_error(r, "more than %u outstanding tasks: no longer followed", MAX_TASKS);
		c->tasks_full_said = true;
		return;
	}
	t = g_new0(Task, 1);
	t->start = c->now;
	t->scsi = p->opcode == IPROTO_OP_SCSI_CMD;
	t->cdb = g_strdup(cdb);
	g_hash_table_replace(c->tasks, GUINT_TO_POINTER(p->itt), t);
}

static void task_done(AnaIscsiConn *c, uint32_t itt)
{
	Task *t = g_hash_table_lookup(c->tasks, GUINT_TO_POINTER(itt));

	if (!t)
		return;
	if (t->scsi) {
		c->ctx->stats.completed++;
		ana_stats_latency(&c->ctx->stats, t->cdb ? t->cdb : "other", c->now - t->start);
	}
	g_hash_table_remove(c->tasks, GUINT_TO_POINTER(itt));
}

/* ---- initiator PDUs ---- */

/* sec. 4.2.2.1: non-immediate commands take CmdSN in order; immediate ones
 * carry the next CmdSN without advancing it. */
static void check_cmdsn(AnaIscsiConn *c, AnaRecord *r, const IProtoPdu *p, uint32_t cmdsn)
{
	uint32_t adv = p->immediate ? 0 : 1;

	if (c->cmdsn_known && cmdsn != c->next_cmdsn)
		ana_record_error(r, "CmdSN %u out of order (expected %u)", cmdsn, c->next_cmdsn);
	c->cmdsn_known = true;
	c->next_cmdsn = cmdsn + adv;
}

/* sec. 4.2.2.2: ExpStatSN acknowledges statuses received; it cannot be
 * ahead of the next StatSN the target will use. */
static void check_expstatsn(AnaIscsiConn *c, AnaRecord *r, uint32_t expstatsn)
{
	if (c->statsn_known && (int32_t) (expstatsn - c->next_statsn) > 0)
		ana_record_error(r, "ExpStatSN %u acknowledges a StatSN not yet sent (next is %u)", expstatsn,
				 c->next_statsn);
}

static void initiator_pdu(AnaIscsiConn *c, AnaRecord *r, const AnaPduView *v)
{
	const IProtoPdu *p = v->pdu;

	switch (p->opcode) {
	case IPROTO_OP_LOGIN_REQ:
		/* Login is immediate: its CmdSN is the one the first command
		 * will carry (sec. 11.12.8). */
		if (!c->login_seen) {
			c->login_seen = true;
			c->statsn_known = false;
		}
		c->cmdsn_known = true;
		c->next_cmdsn = p->u.login_req.cmdsn;
		text_keys(c, r, v, p->u.login_req.cont);
		break;
	case IPROTO_OP_SCSI_CMD: {
		uint8_t cdb[IPROTO_CDB_MAX_LEN];
		size_t len = iproto_scsi_cmd_cdb(&p->u.scsi_cmd, cdb);
		const char *name = iproto_cdb_name(cdb, len);
		g_autofree char *hex = name ? NULL : g_strdup_printf("opcode 0x%02x", cdb[0]);

		c->ctx->stats.commands++;
		check_cmdsn(c, r, p, p->u.scsi_cmd.cmdsn);
		check_expstatsn(c, r, p->u.scsi_cmd.expstatsn);
		task_start(c, r, p, name ? name : hex);
		break;
	}
	case IPROTO_OP_NOP_OUT:
		check_cmdsn(c, r, p, p->u.nop_out.cmdsn);
		check_expstatsn(c, r, p->u.nop_out.expstatsn);
		/* A NOP-Out answering a NOP-In (TTT set) gets no answer. */
		if (p->u.nop_out.ttt == IPROTO_RESERVED_TAG)
			task_start(c, r, p, NULL);
		break;
	case IPROTO_OP_TMF_REQ:
		check_cmdsn(c, r, p, p->u.tmf_req.cmdsn);
		check_expstatsn(c, r, p->u.tmf_req.expstatsn);
		task_start(c, r, p, NULL);
		break;
	case IPROTO_OP_TEXT_REQ:
		check_cmdsn(c, r, p, p->u.text_req.cmdsn);
		check_expstatsn(c, r, p->u.text_req.expstatsn);
		task_start(c, r, p, NULL);
		text_keys(c, r, v, p->u.text_req.cont);
		break;
	case IPROTO_OP_LOGOUT_REQ:
		check_cmdsn(c, r, p, p->u.logout_req.cmdsn);
		check_expstatsn(c, r, p->u.logout_req.expstatsn);
		task_start(c, r, p, NULL);
		break;
	case IPROTO_OP_DATA_OUT:
		check_expstatsn(c, r, p->u.data_out.expstatsn);
		break;
	default:
		break;
	}
}

/* ---- target PDUs ---- */

/* sec. 4.2.2.2: every status takes the next StatSN; PDUs that carry no
 * status (R2T, unsolicited NOP-In) show the next one without taking it. */
static void check_statsn(AnaIscsiConn *c, AnaRecord *r, uint32_t statsn, bool advances)
{
	if (c->statsn_known && statsn != c->next_statsn)
		ana_record_error(r, "StatSN %u out of order (expected %u)", statsn, c->next_statsn);
	c->statsn_known = true;
	c->next_statsn = statsn + (advances ? 1 : 0);
}

/* A response must answer a command we saw, when we saw the connection
 * from its login. */
static Task *check_itt(AnaIscsiConn *c, AnaRecord *r, uint32_t itt)
{
	Task *t = g_hash_table_lookup(c->tasks, GUINT_TO_POINTER(itt));

	if (!t && c->login_seen && !c->commands_lost)
		ana_record_error(r, "response for unknown ITT 0x%x", itt);
	return t;
}

static void data_in(AnaIscsiConn *c, AnaRecord *r, const IProtoPdu *p)
{
	const IProtoDataIn *d = &p->u.data_in;
	Task *t = check_itt(c, r, p->itt);

	if (d->has_status)
		check_statsn(c, r, d->statsn, true);
	if (!t)
		return;
	/* sec. 11.7.4: DataSN counts the Data-In PDUs of a command from 0. */
	if (!t->unsure && d->datasn != t->next_datasn)
		ana_record_error(r, "DataSN %u out of order (expected %u)", d->datasn, t->next_datasn);
	/* sec. 11.7.5 with DataPDUInOrder=Yes: offsets increase without holes. */
	if (!t->unsure && c->data_in_order && d->buffer_offset != t->next_offset)
		ana_record_error(r, "Buffer Offset %u out of order (expected %u)", d->buffer_offset,
				 t->next_offset);
	t->unsure = false;
	t->next_datasn = d->datasn + 1;
	t->next_offset = d->buffer_offset + p->data_len;
	if (d->has_status)
		task_done(c, p->itt);
}

static void login_rsp(AnaIscsiConn *c, AnaRecord *r, const AnaPduView *v)
{
	const IProtoLoginRsp *l = &v->pdu->u.login_rsp;

	/* The first Login Response sets the connection's StatSN (sec.
	 * 11.13.4); targets differ on whether later ones advance it, so
	 * each one re-seeds the expectation. */
	c->statsn_known = true;
	c->next_statsn = l->statsn + 1;
	text_keys(c, r, v, l->cont);
	if (l->status_class == IPROTO_LOGIN_CLASS_SUCCESS && l->transit && l->nsg == IPROTO_STAGE_FULL_FEATURE) {
		/* Digests start with the first PDU after the final Login
		 * Response, in both directions (sec. 13.1). */
		ana_stream_set_digests(c->stream[I2T], c->hd, c->dd);
		ana_stream_set_digests(c->stream[T2I], c->hd, c->dd);
		ana_record_str(r, "header_digest", c->hd ? "CRC32C" : "None");
		ana_record_str(r, "data_digest", c->dd ? "CRC32C" : "None");
	}
}

static void target_pdu(AnaIscsiConn *c, AnaRecord *r, const AnaPduView *v)
{
	const IProtoPdu *p = v->pdu;

	switch (p->opcode) {
	case IPROTO_OP_LOGIN_RSP:
		login_rsp(c, r, v);
		break;
	case IPROTO_OP_SCSI_RSP:
		check_statsn(c, r, p->u.scsi_rsp.statsn, true);
		if (check_itt(c, r, p->itt))
			task_done(c, p->itt);
		break;
	case IPROTO_OP_DATA_IN:
		data_in(c, r, p);
		break;
	case IPROTO_OP_R2T:
		check_statsn(c, r, p->u.r2t.statsn, false);
		check_itt(c, r, p->itt);
		break;
	case IPROTO_OP_NOP_IN:
		if (p->itt == IPROTO_RESERVED_TAG) {
			check_statsn(c, r, p->u.nop_in.statsn, false);
		} else {
			check_statsn(c, r, p->u.nop_in.statsn, true);
			if (check_itt(c, r, p->itt))
				task_done(c, p->itt);
		}
		break;
	case IPROTO_OP_TMF_RSP:
		check_statsn(c, r, p->u.tmf_rsp.statsn, true);
		if (check_itt(c, r, p->itt))
			task_done(c, p->itt);
		break;
	case IPROTO_OP_TEXT_RSP:
		check_statsn(c, r, p->u.text_rsp.statsn, true);
		check_itt(c, r, p->itt);
		text_keys(c, r, v, p->u.text_rsp.cont);
		if (p->u.text_rsp.final)
			task_done(c, p->itt);
		break;
	case IPROTO_OP_LOGOUT_RSP:
		check_statsn(c, r, p->u.logout_rsp.statsn, true);
		if (check_itt(c, r, p->itt))
			task_done(c, p->itt);
		break;
	case IPROTO_OP_ASYNC_MSG:
		check_statsn(c, r, p->u.async.statsn, true);
		break;
	case IPROTO_OP_REJECT:
		check_statsn(c, r, p->u.reject.statsn, true);
		ana_record_error(r, "target rejected a PDU: %s", ana_reject_reason_name(p->u.reject.reason));
		break;
	default:
		break;
	}
}

static void on_pdu(const AnaPduView *v, gpointer user_data)
{
	AnaIscsiConn *c = user_data;
	g_autoptr(AnaRecord) r = ana_record_new("pdu", c->now, c->flow[c->dir]);

	c->ctx->stats.pdus[v->pdu->opcode & 0x3f]++;
	ana_pdu_fields(r, v->pdu, v->data, v->data_kept);
	if (v->hdigest)
		ana_record_str(r, "hdigest", "ok");
	if (v->ddigest && v->data_lost)
		ana_record_str(r, "ddigest", "unchecked");
	else if (v->ddigest && v->ddigest_ok)
		ana_record_str(r, "ddigest", "ok");
	else if (v->ddigest) {
		c->ctx->stats.digest_errors++;
		ana_record_str(r, "ddigest", "mismatch");
		ana_record_error(r, "data digest mismatch");
	}
	if (c->dir == I2T)
		initiator_pdu(c, r, v);
	else
		target_pdu(c, r, v);
	ana_context_emit(c->ctx, r);
}

/* What a hole in the capture makes unknowable: the sequence numbers of
 * that direction, commands (initiator side) and Data-In order (target). */
static void forget_after_gap(AnaIscsiConn *c)
{
	GHashTableIter it;
	gpointer v;

	if (c->dir == I2T) {
		c->cmdsn_known = false;
		c->commands_lost = true;
		return;
	}
	c->statsn_known = false;
	g_hash_table_iter_init(&it, c->tasks);
	while (g_hash_table_iter_next(&it, NULL, &v))
		((Task *) v)->unsure = true;
}

void ana_iscsi_conn_bytes(AnaIscsiConn *c, bool from_initiator, double t, const uint8_t *data,
			  size_t len, uint64_t gap)
{
	c->now = t;
	c->dir = from_initiator ? I2T : T2I;
	if (gap) {
		forget_after_gap(c);
		ana_stream_gap(c->stream[c->dir], gap);
	}
	ana_stream_feed(c->stream[c->dir], data, len);
}

void ana_iscsi_conn_end(AnaIscsiConn *c, double t)
{
	guint open;

	c->now = t;
	for (int d = 0; d < 2; d++) {
		c->dir = d;
		ana_stream_end(c->stream[d]);
	}
	open = g_hash_table_size(c->tasks);
	if (open) {
		g_autoptr(AnaRecord) r = ana_record_new("event", t, c->flow[I2T]);
		g_autofree char *msg = g_strdup_printf("%u tasks without a response when the connection ended", open);

		ana_record_str(r, "event", msg);
		ana_record_str(r, "type", "unanswered");
		ana_context_emit(c->ctx, r);
		g_hash_table_remove_all(c->tasks);
	}
}
