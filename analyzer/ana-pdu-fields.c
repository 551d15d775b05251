/* Fields of a decoded iSCSI PDU, see ana-pdu-fields.h. */
#include "config.h"
#include "analyzer/ana-pdu-fields.h"
#include "analyzer/ana-names.h"
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-cdb-names.h"
#include "libiscsi-proto/iproto-bytes.h"
#include "libiscsi-proto/iproto-keys.h"
#include "libiscsi-proto/iproto-login.h"
#include "libiscsi-proto/iproto-opcode.h"
#include "libiscsi-proto/iproto-sense.h"
#include <string.h>

static void lun(AnaRecord *r, uint64_t field)
{
	int n = iproto_lun_decode(field);

	if (n >= 0)
		ana_record_uint(r, "lun", (uint64_t) n);
	else
		ana_record_hex(r, "lun", field);
}

static void cdb_fields(AnaRecord *r, const IProtoScsiCmd *c)
{
	uint8_t cdb[IPROTO_CDB_MAX_LEN];
	size_t len = iproto_scsi_cmd_cdb(c, cdb);
	const char *name = iproto_cdb_name(cdb, len);
	IProtoCdbRw rw;

	if (name)
		ana_record_str(r, "cdb", name);
	else
		ana_record_hex(r, "cdb", cdb[0]);
	if (iproto_cdb_is_block_transfer(cdb[0]) && iproto_cdb_parse_rw(cdb, len, &rw, NULL)) {
		ana_record_uint(r, "lba", rw.lba);
		ana_record_uint(r, "blocks", rw.blocks);
	}
}

/* SCSI Response data segment: SenseLength, sense data (sec. 11.4.7). */
static void sense_fields(AnaRecord *r, const uint8_t *data, size_t kept)
{
	IProtoSense s;
	size_t slen;
	const char *asc;

	if (kept < 2)
		return;
	slen = iproto_get_be16(data);
	if (slen == 0 || slen > kept - 2) {
		if (slen > kept - 2)
			ana_record_error(r, "SenseLength %zu exceeds the data segment", slen);
		return;
	}
	if (!iproto_sense_parse(data + 2, slen, &s, NULL)) {
		ana_record_error(r, "sense data cannot be parsed");
		return;
	}
	ana_record_str(r, "sense_key", iproto_sense_key_name(s.key));
	ana_record_hex(r, "asc", s.asc);
	asc = iproto_sense_asc_name(s.asc);
	if (asc)
		ana_record_str(r, "asc_name", asc);
}

static void data_pdu(AnaRecord *r, uint32_t ttt, uint32_t datasn, uint32_t offset, uint32_t len)
{
	if (ttt != IPROTO_RESERVED_TAG)
		ana_record_hex(r, "ttt", ttt);
	ana_record_uint(r, "datasn", datasn);
	ana_record_uint(r, "offset", offset);
	ana_record_uint(r, "len", len);
}

static void target_sn(AnaRecord *r, uint32_t statsn, uint32_t expcmdsn, uint32_t maxcmdsn)
{
	ana_record_uint(r, "statsn", statsn);
	ana_record_uint(r, "expcmdsn", expcmdsn);
	ana_record_uint(r, "maxcmdsn", maxcmdsn);
}

void ana_pdu_fields(AnaRecord *r, const IProtoPdu *p, const uint8_t *data, size_t kept)
{
	const IProtoOpcodeInfo *info = iproto_opcode_info(p->opcode);

	ana_record_str(r, "opcode", iproto_opcode_name(p->opcode));
	if (p->immediate)
		ana_record_str(r, "immediate", "yes");
	if (p->itt != IPROTO_RESERVED_TAG || (info && info->sender == IPROTO_SENDER_INITIATOR))
		ana_record_hex(r, "itt", p->itt);
	switch (p->opcode) {
	case IPROTO_OP_NOP_OUT:
		if (p->u.nop_out.ttt != IPROTO_RESERVED_TAG)
			ana_record_hex(r, "ttt", p->u.nop_out.ttt);
		ana_record_uint(r, "cmdsn", p->u.nop_out.cmdsn);
		ana_record_uint(r, "expstatsn", p->u.nop_out.expstatsn);
		break;
	case IPROTO_OP_NOP_IN:
		if (p->u.nop_in.ttt != IPROTO_RESERVED_TAG)
			ana_record_hex(r, "ttt", p->u.nop_in.ttt);
		target_sn(r, p->u.nop_in.statsn, p->u.nop_in.expcmdsn, p->u.nop_in.maxcmdsn);
		break;
	case IPROTO_OP_SCSI_CMD: {
		const IProtoScsiCmd *c = &p->u.scsi_cmd;
		ana_record_uint(r, "cmdsn", c->cmdsn);
		ana_record_uint(r, "expstatsn", c->expstatsn);
		lun(r, c->lun);
		cdb_fields(r, c);
		ana_record_str(r, "dir", c->read && c->write ? "bidi" : c->read ? "read" : c->write ? "write" : "none");
		ana_record_uint(r, "edtl", c->edtl);
		if (p->data_len)
			ana_record_uint(r, "immediate_data", p->data_len);
		break;
	}
	case IPROTO_OP_SCSI_RSP: {
		const IProtoScsiRsp *s = &p->u.scsi_rsp;
		target_sn(r, s->statsn, s->expcmdsn, s->maxcmdsn);
		if (s->response != IPROTO_RSP_COMPLETED)
			ana_record_str(r, "response", "target failure");
		ana_record_str(r, "status", ana_scsi_status_name(s->status));
		if (s->underflow || s->overflow)
			ana_record_uint(r, s->underflow ? "underflow" : "overflow", s->residual);
		sense_fields(r, data, kept);
		break;
	}
	case IPROTO_OP_TMF_REQ:
		ana_record_str(r, "function", ana_tmf_function_name(p->u.tmf_req.function));
		lun(r, p->u.tmf_req.lun);
		ana_record_hex(r, "rtt", p->u.tmf_req.rtt);
		ana_record_uint(r, "cmdsn", p->u.tmf_req.cmdsn);
		ana_record_uint(r, "expstatsn", p->u.tmf_req.expstatsn);
		break;
	case IPROTO_OP_TMF_RSP:
		target_sn(r, p->u.tmf_rsp.statsn, p->u.tmf_rsp.expcmdsn, p->u.tmf_rsp.maxcmdsn);
		ana_record_str(r, "response", ana_tmf_response_name(p->u.tmf_rsp.response));
		break;
	case IPROTO_OP_DATA_OUT:
		data_pdu(r, p->u.data_out.ttt, p->u.data_out.datasn, p->u.data_out.buffer_offset, p->data_len);
		ana_record_uint(r, "expstatsn", p->u.data_out.expstatsn);
		if (p->u.data_out.final)
			ana_record_str(r, "final", "yes");
		break;
	case IPROTO_OP_DATA_IN: {
		const IProtoDataIn *d = &p->u.data_in;
		data_pdu(r, d->ttt, d->datasn, d->buffer_offset, p->data_len);
		if (d->has_status) {
			target_sn(r, d->statsn, d->expcmdsn, d->maxcmdsn);
			ana_record_str(r, "status", ana_scsi_status_name(d->status));
		} else {
			ana_record_uint(r, "expcmdsn", d->expcmdsn);
			ana_record_uint(r, "maxcmdsn", d->maxcmdsn);
		}
		if (d->final)
			ana_record_str(r, "final", "yes");
		break;
	}
	case IPROTO_OP_R2T:
		ana_record_hex(r, "ttt", p->u.r2t.ttt);
		ana_record_uint(r, "r2tsn", p->u.r2t.r2tsn);
		ana_record_uint(r, "offset", p->u.r2t.buffer_offset);
		ana_record_uint(r, "desired", p->u.r2t.desired_len);
		target_sn(r, p->u.r2t.statsn, p->u.r2t.expcmdsn, p->u.r2t.maxcmdsn);
		break;
	case IPROTO_OP_ASYNC_MSG:
		ana_record_str(r, "event", ana_async_event_name(p->u.async.event));
		target_sn(r, p->u.async.statsn, p->u.async.expcmdsn, p->u.async.maxcmdsn);
		break;
	case IPROTO_OP_TEXT_REQ:
		ana_record_uint(r, "cmdsn", p->u.text_req.cmdsn);
		ana_record_uint(r, "expstatsn", p->u.text_req.expstatsn);
		if (p->u.text_req.cont)
			ana_record_str(r, "continue", "yes");
		break;
	case IPROTO_OP_TEXT_RSP:
		target_sn(r, p->u.text_rsp.statsn, p->u.text_rsp.expcmdsn, p->u.text_rsp.maxcmdsn);
		if (p->u.text_rsp.cont)
			ana_record_str(r, "continue", "yes");
		break;
	case IPROTO_OP_LOGIN_REQ: {
		const IProtoLoginReq *l = &p->u.login_req;
		ana_record_str(r, "csg", iproto_login_stage_name(l->csg));
		if (l->transit)
			ana_record_str(r, "nsg", iproto_login_stage_name(l->nsg));
		ana_record_hex(r, "tsih", l->tsih);
		ana_record_uint(r, "cid", l->cid);
		ana_record_uint(r, "cmdsn", l->cmdsn);
		ana_record_uint(r, "expstatsn", l->expstatsn);
		break;
	}
	case IPROTO_OP_LOGIN_RSP: {
		const IProtoLoginRsp *l = &p->u.login_rsp;
		ana_record_str(r, "csg", iproto_login_stage_name(l->csg));
		if (l->transit)
			ana_record_str(r, "nsg", iproto_login_stage_name(l->nsg));
		ana_record_hex(r, "tsih", l->tsih);
		ana_record_uint(r, "statsn", l->statsn);
		ana_record_str(r, "login_status", iproto_login_status_string(l->status_class, l->status_detail));
		break;
	}
	case IPROTO_OP_LOGOUT_REQ:
		ana_record_str(r, "reason", ana_logout_reason_name(p->u.logout_req.reason));
		ana_record_uint(r, "cid", p->u.logout_req.cid);
		ana_record_uint(r, "cmdsn", p->u.logout_req.cmdsn);
		ana_record_uint(r, "expstatsn", p->u.logout_req.expstatsn);
		break;
	case IPROTO_OP_LOGOUT_RSP:
		target_sn(r, p->u.logout_rsp.statsn, p->u.logout_rsp.expcmdsn, p->u.logout_rsp.maxcmdsn);
		ana_record_str(r, "response", ana_logout_response_name(p->u.logout_rsp.response));
		break;
	case IPROTO_OP_SNACK_REQ:
		ana_record_uint(r, "type", p->u.snack.type);
		ana_record_uint(r, "begrun", p->u.snack.begrun);
		ana_record_uint(r, "runlength", p->u.snack.runlength);
		break;
	case IPROTO_OP_REJECT:
		target_sn(r, p->u.reject.statsn, p->u.reject.expcmdsn, p->u.reject.maxcmdsn);
		ana_record_str(r, "reason", ana_reject_reason_name(p->u.reject.reason));
		/* The data segment is the rejected PDU's header (sec. 11.17). */
		if (kept >= IPROTO_BHS_LEN) {
			ana_record_str(r, "rejected", iproto_opcode_name(data[0] & 0x3f));
			ana_record_hex(r, "rejected_itt", iproto_get_be32(data + 16));
		}
		break;
	}
}

gboolean ana_text_key_secret(const char *key)
{
	const IProtoKeyDef *def = iproto_key_lookup(key);

	/* Unknown keys are shown: private X- keys carry no secret in any
	 * implementation we know, and hiding them would hide what a peer
	 * misunderstood. */
	return def && (def->flags & IPROTO_KEYF_LARGE);
}

GPtrArray *ana_text_display(const IProtoTextList *list)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < iproto_text_list_length(list); i++) {
		const IProtoTextPair *p = iproto_text_list_nth(list, i);

		if (ana_text_key_secret(p->key))
			g_ptr_array_add(out, g_strdup_printf("%s=<hidden, %zu bytes>", p->key, strlen(p->value)));
		else
			g_ptr_array_add(out, g_strdup_printf("%s=%s", p->key, p->value));
	}
	return out;
}
