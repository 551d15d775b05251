/* BHS/AHS encoding and decoding (RFC 7143 sec. 11).  Each PDU type has one
 * decode and one encode function that read and write the RFC's byte
 * offsets; a table maps opcodes to them. */
#include "config.h"
#include <string.h>
#include "iproto-pdu.h"
#include "iproto-bytes.h"
#include "iproto-error.h"
#include "iproto-opcode.h"

/* Byte 1 flag bits shared by several PDUs (sec. 11.2.1). */
#define F_BIT 0x80u
#define I_BIT 0x40u    /* byte 0 */
#define OPCODE_MASK 0x3fu

/* ---- decoders: b is the 48-byte BHS --------------------------------- */

static void dec_nop_out(IProtoPdu *p, const uint8_t *b)
{
	IProtoNopOut *x = &p->u.nop_out;
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->cmdsn = iproto_get_be32(b + 24);
	x->expstatsn = iproto_get_be32(b + 28);
}

static void dec_nop_in(IProtoPdu *p, const uint8_t *b)
{
	IProtoNopIn *x = &p->u.nop_in;
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
}

static void dec_scsi_cmd(IProtoPdu *p, const uint8_t *b)
{
	IProtoScsiCmd *x = &p->u.scsi_cmd;
	x->final = b[1] & F_BIT;
	x->read = b[1] & 0x40;
	x->write = b[1] & 0x20;
	x->attr = b[1] & 0x07;
	x->lun = iproto_get_be64(b + 8);
	x->edtl = iproto_get_be32(b + 20);
	x->cmdsn = iproto_get_be32(b + 24);
	x->expstatsn = iproto_get_be32(b + 28);
	memcpy(x->cdb, b + 32, IPROTO_CDB_BHS_LEN);
	x->cdb_len = IPROTO_CDB_BHS_LEN;
}

static void dec_scsi_rsp(IProtoPdu *p, const uint8_t *b)
{
	IProtoScsiRsp *x = &p->u.scsi_rsp;
	x->bidi_overflow = b[1] & 0x10;
	x->bidi_underflow = b[1] & 0x08;
	x->overflow = b[1] & 0x04;
	x->underflow = b[1] & 0x02;
	x->response = b[2];
	x->status = b[3];
	x->snack_tag = iproto_get_be32(b + 20);
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
	x->expdatasn = iproto_get_be32(b + 36);
	x->bidi_residual = iproto_get_be32(b + 40);
	x->residual = iproto_get_be32(b + 44);
}

static void dec_tmf_req(IProtoPdu *p, const uint8_t *b)
{
	IProtoTmfReq *x = &p->u.tmf_req;
	x->function = b[1] & 0x7f;
	x->lun = iproto_get_be64(b + 8);
	x->rtt = iproto_get_be32(b + 20);
	x->cmdsn = iproto_get_be32(b + 24);
	x->expstatsn = iproto_get_be32(b + 28);
	x->refcmdsn = iproto_get_be32(b + 32);
	x->expdatasn = iproto_get_be32(b + 36);
}

static void dec_tmf_rsp(IProtoPdu *p, const uint8_t *b)
{
	IProtoTmfRsp *x = &p->u.tmf_rsp;
	x->response = b[2];
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
}

static void dec_data_out(IProtoPdu *p, const uint8_t *b)
{
	IProtoDataOut *x = &p->u.data_out;
	x->final = b[1] & F_BIT;
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->expstatsn = iproto_get_be32(b + 28);
	x->datasn = iproto_get_be32(b + 36);
	x->buffer_offset = iproto_get_be32(b + 40);
}

static void dec_data_in(IProtoPdu *p, const uint8_t *b)
{
	IProtoDataIn *x = &p->u.data_in;
	x->final = b[1] & F_BIT;
	x->ack = b[1] & 0x40;
	x->overflow = b[1] & 0x04;
	x->underflow = b[1] & 0x02;
	x->has_status = b[1] & 0x01;
	x->status = x->has_status ? b[3] : 0; /* reserved unless S=1 (sec. 11.7.4) */
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
	x->datasn = iproto_get_be32(b + 36);
	x->buffer_offset = iproto_get_be32(b + 40);
	x->residual = iproto_get_be32(b + 44);
}

static void dec_r2t(IProtoPdu *p, const uint8_t *b)
{
	IProtoR2T *x = &p->u.r2t;
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
	x->r2tsn = iproto_get_be32(b + 36);
	x->buffer_offset = iproto_get_be32(b + 40);
	x->desired_len = iproto_get_be32(b + 44);
}

static void dec_async(IProtoPdu *p, const uint8_t *b)
{
	IProtoAsyncMsg *x = &p->u.async;
	x->lun = iproto_get_be64(b + 8);
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
	x->event = b[36];
	x->vcode = b[37];
	x->param1 = iproto_get_be16(b + 38);
	x->param2 = iproto_get_be16(b + 40);
	x->param3 = iproto_get_be16(b + 42);
}

static void dec_text_req(IProtoPdu *p, const uint8_t *b)
{
	IProtoTextReq *x = &p->u.text_req;
	x->final = b[1] & F_BIT;
	x->cont = b[1] & 0x40;
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->cmdsn = iproto_get_be32(b + 24);
	x->expstatsn = iproto_get_be32(b + 28);
}

static void dec_text_rsp(IProtoPdu *p, const uint8_t *b)
{
	IProtoTextRsp *x = &p->u.text_rsp;
	x->final = b[1] & F_BIT;
	x->cont = b[1] & 0x40;
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
}

/* Login byte 1: T(0x80) C(0x40) CSG(bits 2-3) NSG(bits 0-1), sec. 11.12. */
static void dec_login_req(IProtoPdu *p, const uint8_t *b)
{
	IProtoLoginReq *x = &p->u.login_req;
	x->transit = b[1] & 0x80;
	x->cont = b[1] & 0x40;
	x->csg = (b[1] >> 2) & 3;
	x->nsg = b[1] & 3;
	x->version_max = b[2];
	x->version_min = b[3];
	memcpy(x->isid, b + 8, 6);
	x->tsih = iproto_get_be16(b + 14);
	x->cid = iproto_get_be16(b + 20);
	x->cmdsn = iproto_get_be32(b + 24);
	x->expstatsn = iproto_get_be32(b + 28);
}

static void dec_login_rsp(IProtoPdu *p, const uint8_t *b)
{
	IProtoLoginRsp *x = &p->u.login_rsp;
	x->transit = b[1] & 0x80;
	x->cont = b[1] & 0x40;
	x->csg = (b[1] >> 2) & 3;
	x->nsg = b[1] & 3;
	x->version_max = b[2];
	x->version_active = b[3];
	memcpy(x->isid, b + 8, 6);
	x->tsih = iproto_get_be16(b + 14);
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
	x->status_class = b[36];
	x->status_detail = b[37];
}

static void dec_logout_req(IProtoPdu *p, const uint8_t *b)
{
	IProtoLogoutReq *x = &p->u.logout_req;
	x->reason = b[1] & 0x7f;
	x->cid = iproto_get_be16(b + 20);
	x->cmdsn = iproto_get_be32(b + 24);
	x->expstatsn = iproto_get_be32(b + 28);
}

static void dec_logout_rsp(IProtoPdu *p, const uint8_t *b)
{
	IProtoLogoutRsp *x = &p->u.logout_rsp;
	x->response = b[2];
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
	x->time2wait = iproto_get_be16(b + 40);
	x->time2retain = iproto_get_be16(b + 42);
}

static void dec_snack(IProtoPdu *p, const uint8_t *b)
{
	IProtoSnackReq *x = &p->u.snack;
	x->type = b[1] & 0x0f;
	x->lun = iproto_get_be64(b + 8);
	x->ttt = iproto_get_be32(b + 20);
	x->expstatsn = iproto_get_be32(b + 28);
	x->begrun = iproto_get_be32(b + 40);
	x->runlength = iproto_get_be32(b + 44);
}

static void dec_reject(IProtoPdu *p, const uint8_t *b)
{
	IProtoReject *x = &p->u.reject;
	x->reason = b[2];
	x->statsn = iproto_get_be32(b + 24);
	x->expcmdsn = iproto_get_be32(b + 28);
	x->maxcmdsn = iproto_get_be32(b + 32);
	x->datasn_r2tsn = iproto_get_be32(b + 36);
}

/* ---- encoders: b is a zeroed 48-byte BHS ------------------------------ */

static void enc_nop_out(const IProtoPdu *p, uint8_t *b)
{
	const IProtoNopOut *x = &p->u.nop_out;
	b[1] = F_BIT;
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 24, x->cmdsn);
	iproto_put_be32(b + 28, x->expstatsn);
}

static void enc_nop_in(const IProtoPdu *p, uint8_t *b)
{
	const IProtoNopIn *x = &p->u.nop_in;
	b[1] = F_BIT;
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
}

static void enc_scsi_cmd(const IProtoPdu *p, uint8_t *b)
{
	const IProtoScsiCmd *x = &p->u.scsi_cmd;
	b[1] = (uint8_t) ((x->final ? F_BIT : 0) | (x->read ? 0x40 : 0) | (x->write ? 0x20 : 0) | (x->attr & 7));
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->edtl);
	iproto_put_be32(b + 24, x->cmdsn);
	iproto_put_be32(b + 28, x->expstatsn);
	memcpy(b + 32, x->cdb, IPROTO_CDB_BHS_LEN);
}

static void enc_scsi_rsp(const IProtoPdu *p, uint8_t *b)
{
	const IProtoScsiRsp *x = &p->u.scsi_rsp;
	b[1] = (uint8_t) (F_BIT | (x->bidi_overflow ? 0x10 : 0) | (x->bidi_underflow ? 0x08 : 0) |
			  (x->overflow ? 0x04 : 0) | (x->underflow ? 0x02 : 0));
	b[2] = x->response;
	b[3] = x->status;
	iproto_put_be32(b + 20, x->snack_tag);
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
	iproto_put_be32(b + 36, x->expdatasn);
	iproto_put_be32(b + 40, x->bidi_residual);
	iproto_put_be32(b + 44, x->residual);
}

static void enc_tmf_req(const IProtoPdu *p, uint8_t *b)
{
	const IProtoTmfReq *x = &p->u.tmf_req;
	b[1] = (uint8_t) (F_BIT | (x->function & 0x7f));
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->rtt);
	iproto_put_be32(b + 24, x->cmdsn);
	iproto_put_be32(b + 28, x->expstatsn);
	iproto_put_be32(b + 32, x->refcmdsn);
	iproto_put_be32(b + 36, x->expdatasn);
}

static void enc_tmf_rsp(const IProtoPdu *p, uint8_t *b)
{
	const IProtoTmfRsp *x = &p->u.tmf_rsp;
	b[1] = F_BIT;
	b[2] = x->response;
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
}

static void enc_data_out(const IProtoPdu *p, uint8_t *b)
{
	const IProtoDataOut *x = &p->u.data_out;
	b[1] = x->final ? F_BIT : 0;
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 28, x->expstatsn);
	iproto_put_be32(b + 36, x->datasn);
	iproto_put_be32(b + 40, x->buffer_offset);
}

static void enc_data_in(const IProtoPdu *p, uint8_t *b)
{
	const IProtoDataIn *x = &p->u.data_in;
	b[1] = (uint8_t) ((x->final ? F_BIT : 0) | (x->ack ? 0x40 : 0) | (x->overflow ? 0x04 : 0) |
			  (x->underflow ? 0x02 : 0) | (x->has_status ? 0x01 : 0));
	b[3] = x->has_status ? x->status : 0;
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
	iproto_put_be32(b + 36, x->datasn);
	iproto_put_be32(b + 40, x->buffer_offset);
	iproto_put_be32(b + 44, x->residual);
}

static void enc_r2t(const IProtoPdu *p, uint8_t *b)
{
	const IProtoR2T *x = &p->u.r2t;
	b[1] = F_BIT;
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
	iproto_put_be32(b + 36, x->r2tsn);
	iproto_put_be32(b + 40, x->buffer_offset);
	iproto_put_be32(b + 44, x->desired_len);
}

static void enc_async(const IProtoPdu *p, uint8_t *b)
{
	const IProtoAsyncMsg *x = &p->u.async;
	b[1] = F_BIT;
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
	b[36] = x->event;
	b[37] = x->vcode;
	iproto_put_be16(b + 38, x->param1);
	iproto_put_be16(b + 40, x->param2);
	iproto_put_be16(b + 42, x->param3);
}

static void enc_text_req(const IProtoPdu *p, uint8_t *b)
{
	const IProtoTextReq *x = &p->u.text_req;
	b[1] = (uint8_t) ((x->final ? F_BIT : 0) | (x->cont ? 0x40 : 0));
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 24, x->cmdsn);
	iproto_put_be32(b + 28, x->expstatsn);
}

static void enc_text_rsp(const IProtoPdu *p, uint8_t *b)
{
	const IProtoTextRsp *x = &p->u.text_rsp;
	b[1] = (uint8_t) ((x->final ? F_BIT : 0) | (x->cont ? 0x40 : 0));
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
}

static uint8_t login_flags(bool transit, bool cont, uint8_t csg, uint8_t nsg)
{
	return (uint8_t) ((transit ? 0x80 : 0) | (cont ? 0x40 : 0) | (csg & 3) << 2 | (nsg & 3));
}

static void enc_login_req(const IProtoPdu *p, uint8_t *b)
{
	const IProtoLoginReq *x = &p->u.login_req;
	b[1] = login_flags(x->transit, x->cont, x->csg, x->nsg);
	b[2] = x->version_max;
	b[3] = x->version_min;
	memcpy(b + 8, x->isid, 6);
	iproto_put_be16(b + 14, x->tsih);
	iproto_put_be16(b + 20, x->cid);
	iproto_put_be32(b + 24, x->cmdsn);
	iproto_put_be32(b + 28, x->expstatsn);
}

static void enc_login_rsp(const IProtoPdu *p, uint8_t *b)
{
	const IProtoLoginRsp *x = &p->u.login_rsp;
	b[1] = login_flags(x->transit, x->cont, x->csg, x->nsg);
	b[2] = x->version_max;
	b[3] = x->version_active;
	memcpy(b + 8, x->isid, 6);
	iproto_put_be16(b + 14, x->tsih);
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
	b[36] = x->status_class;
	b[37] = x->status_detail;
}

static void enc_logout_req(const IProtoPdu *p, uint8_t *b)
{
	const IProtoLogoutReq *x = &p->u.logout_req;
	b[1] = (uint8_t) (F_BIT | (x->reason & 0x7f));
	iproto_put_be16(b + 20, x->cid);
	iproto_put_be32(b + 24, x->cmdsn);
	iproto_put_be32(b + 28, x->expstatsn);
}

static void enc_logout_rsp(const IProtoPdu *p, uint8_t *b)
{
	const IProtoLogoutRsp *x = &p->u.logout_rsp;
	b[1] = F_BIT;
	b[2] = x->response;
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
	iproto_put_be16(b + 40, x->time2wait);
	iproto_put_be16(b + 42, x->time2retain);
}

static void enc_snack(const IProtoPdu *p, uint8_t *b)
{
	const IProtoSnackReq *x = &p->u.snack;
	b[1] = (uint8_t) (F_BIT | (x->type & 0x0f));
	iproto_put_be64(b + 8, x->lun);
	iproto_put_be32(b + 20, x->ttt);
	iproto_put_be32(b + 28, x->expstatsn);
	iproto_put_be32(b + 40, x->begrun);
	iproto_put_be32(b + 44, x->runlength);
}

static void enc_reject(const IProtoPdu *p, uint8_t *b)
{
	const IProtoReject *x = &p->u.reject;
	b[1] = F_BIT;
	b[2] = x->reason;
	iproto_put_be32(b + 24, x->statsn);
	iproto_put_be32(b + 28, x->expcmdsn);
	iproto_put_be32(b + 32, x->maxcmdsn);
	iproto_put_be32(b + 36, x->datasn_r2tsn);
}

typedef struct {
	void (*decode)(IProtoPdu *p, const uint8_t *b);
	void (*encode)(const IProtoPdu *p, uint8_t *b);
} Codec;

static const Codec codecs[64] = {
	[IPROTO_OP_NOP_OUT] = { dec_nop_out, enc_nop_out },
	[IPROTO_OP_SCSI_CMD] = { dec_scsi_cmd, enc_scsi_cmd },
	[IPROTO_OP_TMF_REQ] = { dec_tmf_req, enc_tmf_req },
	[IPROTO_OP_LOGIN_REQ] = { dec_login_req, enc_login_req },
	[IPROTO_OP_TEXT_REQ] = { dec_text_req, enc_text_req },
	[IPROTO_OP_DATA_OUT] = { dec_data_out, enc_data_out },
	[IPROTO_OP_LOGOUT_REQ] = { dec_logout_req, enc_logout_req },
	[IPROTO_OP_SNACK_REQ] = { dec_snack, enc_snack },
	[IPROTO_OP_NOP_IN] = { dec_nop_in, enc_nop_in },
	[IPROTO_OP_SCSI_RSP] = { dec_scsi_rsp, enc_scsi_rsp },
	[IPROTO_OP_TMF_RSP] = { dec_tmf_rsp, enc_tmf_rsp },
	[IPROTO_OP_LOGIN_RSP] = { dec_login_rsp, enc_login_rsp },
	[IPROTO_OP_TEXT_RSP] = { dec_text_rsp, enc_text_rsp },
	[IPROTO_OP_DATA_IN] = { dec_data_in, enc_data_in },
	[IPROTO_OP_LOGOUT_RSP] = { dec_logout_rsp, enc_logout_rsp },
	[IPROTO_OP_R2T] = { dec_r2t, enc_r2t },
	[IPROTO_OP_ASYNC_MSG] = { dec_async, enc_async },
	[IPROTO_OP_REJECT] = { dec_reject, enc_reject },
};

/* ---- public ------------------------------------------------------------ */

void iproto_pdu_init(IProtoPdu *pdu, IProtoOpcode opcode)
{
	memset(pdu, 0, sizeof *pdu);
	pdu->opcode = (uint8_t) opcode;
	switch (opcode) {
	case IPROTO_OP_LOGIN_REQ:
		pdu->immediate = true; /* sec. 11.12: Login is always immediate */
		break;
	case IPROTO_OP_ASYNC_MSG:
	case IPROTO_OP_REJECT:
		pdu->itt = IPROTO_RESERVED_TAG; /* sec. 11.9, 11.17 */
		break;
	case IPROTO_OP_SCSI_CMD:
		pdu->u.scsi_cmd.cdb_len = IPROTO_CDB_BHS_LEN;
		break;
	default:
		break;
	}
}

static size_t ext_cdb_ahs_len(const IProtoScsiCmd *c)
{
	if (c->cdb_len <= IPROTO_CDB_BHS_LEN)
		return 0;
	/* AHSLength(2) AHSType(1) reserved(1) then CDB bytes 16.., padded */
	size_t n = 4u + (c->cdb_len - IPROTO_CDB_BHS_LEN);
	return n + iproto_pad_len((uint32_t) n);
}

size_t iproto_pdu_header_len(const IProtoPdu *pdu)
{
	size_t len = IPROTO_BHS_LEN;
	if (pdu->opcode == IPROTO_OP_SCSI_CMD) {
		len += ext_cdb_ahs_len(&pdu->u.scsi_cmd);
		if (pdu->u.scsi_cmd.has_bidi_read_len)
			len += 8;
	}
	return len;
}

size_t iproto_pdu_encode(const IProtoPdu *pdu, uint8_t *buf, size_t cap, GError **error)
{
	if (pdu->opcode >= 64 || !codecs[pdu->opcode].encode) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
			    "cannot encode opcode 0x%02x", pdu->opcode);
		return 0;
	}
	if (pdu->data_len > IPROTO_DATA_MAX_LEN) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
			    "data segment of %u bytes exceeds the 24-bit DataSegmentLength", pdu->data_len);
		return 0;
	}
	if (pdu->opcode == IPROTO_OP_SCSI_CMD) {
		const IProtoScsiCmd *c = &pdu->u.scsi_cmd;
		if (c->cdb_len > IPROTO_CDB_MAX_LEN || (c->cdb_len > IPROTO_CDB_BHS_LEN && !c->ext_cdb)) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
				    "CDB length %u is invalid", c->cdb_len);
			return 0;
		}
	}
	size_t len = iproto_pdu_header_len(pdu);
	if (cap < len) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
			    "header needs %zu bytes, buffer has %zu", len, cap);
		return 0;
	}
	memset(buf, 0, len);
	codecs[pdu->opcode].encode(pdu, buf);
	const IProtoOpcodeInfo *info = iproto_opcode_info(pdu->opcode);
	buf[0] = (uint8_t) (pdu->opcode | (info->may_be_immediate && pdu->immediate ? I_BIT : 0));
	buf[4] = (uint8_t) ((len - IPROTO_BHS_LEN) / 4);
	iproto_put_be24(buf + 5, pdu->data_len);
	iproto_put_be32(buf + 16, pdu->itt);

	/* AHS (sec. 11.2.2): Extended CDB first, then the bidirectional
	 * read length. */
	uint8_t *a = buf + IPROTO_BHS_LEN;
	if (pdu->opcode == IPROTO_OP_SCSI_CMD) {
		const IProtoScsiCmd *c = &pdu->u.scsi_cmd;
		size_t ext = ext_cdb_ahs_len(c);
		if (ext) {
			/* AHSLength counts the reserved byte: CDBLength - 15 */
			iproto_put_be16(a, (uint16_t) (c->cdb_len - 15));
			a[2] = IPROTO_AHS_EXTENDED_CDB;
			memcpy(a + 4, c->ext_cdb, c->cdb_len - IPROTO_CDB_BHS_LEN);
			a += ext;
		}
		if (c->has_bidi_read_len) {
			iproto_put_be16(a, 5);
			a[2] = IPROTO_AHS_BIDI_READ_LEN;
			iproto_put_be32(a + 4, c->bidi_read_len);
		}
	}
	return len;
}

size_t iproto_bhs_ahs_len(const uint8_t bhs[IPROTO_BHS_LEN])
{
	return (size_t) bhs[4] * 4u;
}

uint32_t iproto_bhs_data_len(const uint8_t bhs[IPROTO_BHS_LEN])
{
	return iproto_get_be24(bhs + 5);
}

static gboolean decode_ahs(IProtoPdu *pdu, const uint8_t *a, size_t len, GError **error)
{
	IProtoScsiCmd *c = &pdu->u.scsi_cmd;
	bool has_ext = false;

	while (len > 0) {
		if (len < 4) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
				    "AHS truncated: %zu bytes left", len);
			return FALSE;
		}
		size_t ahs_len = iproto_get_be16(a);
		uint8_t type = a[2] & 0x3f; /* bits 0-1 (MSB) reserved */
		/* the AHS-specific field starts at byte 3 and is ahs_len long,
		 * then padded to 4 bytes */
		size_t total = 3 + ahs_len;
		total += (4 - (total & 3)) & 3;
		if (ahs_len == 0 || total > len) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
				    "AHS length %zu does not fit the %zu AHS bytes left", ahs_len, len);
			return FALSE;
		}
		if (pdu->opcode != IPROTO_OP_SCSI_CMD && type < 60) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
				    "AHS type %u on a %s PDU", type, iproto_opcode_name(pdu->opcode));
			return FALSE;
		}
		switch (type) {
		case IPROTO_AHS_EXTENDED_CDB: /* sec. 11.2.2.3 */
			if (has_ext || ahs_len < 2 || ahs_len - 1 + IPROTO_CDB_BHS_LEN > IPROTO_CDB_MAX_LEN) {
				g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
					    "bad Extended CDB AHS (length %zu)", ahs_len);
				return FALSE;
			}
			has_ext = true;
			c->ext_cdb = a + 4;
			c->cdb_len = (uint16_t) (IPROTO_CDB_BHS_LEN + ahs_len - 1);
			break;
		case IPROTO_AHS_BIDI_READ_LEN: /* sec. 11.2.2.4 */
			if (c->has_bidi_read_len || ahs_len != 5) {
				g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
					    "bad Bidirectional Read Expected Data Transfer Length AHS (length %zu)",
					    ahs_len);
				return FALSE;
			}
			c->has_bidi_read_len = true;
			c->bidi_read_len = iproto_get_be32(a + 4);
			break;
		default:
			/* 60-63 are for non-iSCSI extensions and may be
			 * ignored; everything else is reserved. */
			if (type < 60) {
				g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
					    "reserved AHS type %u", type);
				return FALSE;
			}
			break;
		}
		a += total;
		len -= total;
	}
	return TRUE;
}

static gboolean check_flags(const IProtoPdu *pdu, GError **error)
{
	switch (pdu->opcode) {
	case IPROTO_OP_TEXT_REQ:
		/* sec. 11.10.2: C=1 requires F=0 */
		if (pdu->u.text_req.final && pdu->u.text_req.cont)
			goto both;
		break;
	case IPROTO_OP_TEXT_RSP:
		/* sec. 11.11.2: likewise */
		if (pdu->u.text_rsp.final && pdu->u.text_rsp.cont)
			goto both;
		break;
	case IPROTO_OP_LOGIN_REQ:
		/* sec. 11.12.2: T=1 requires C=0 */
		if (pdu->u.login_req.transit && pdu->u.login_req.cont)
			goto both;
		break;
	case IPROTO_OP_LOGIN_RSP:
		if (pdu->u.login_rsp.transit && pdu->u.login_rsp.cont)
			goto both;
		break;
	case IPROTO_OP_SCSI_CMD:
		/* sec. 11.3.1: "Setting both the W and the F bit to 0 is an error" */
		if (!pdu->u.scsi_cmd.write && !pdu->u.scsi_cmd.final) {
			g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
				    "SCSI Command with both W and F clear");
			return FALSE;
		}
		break;
	default:
		break;
	}
	return TRUE;
both:
	g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
		    "%s with both the final/transit and continue bits set", iproto_opcode_name(pdu->opcode));
	return FALSE;
}

gboolean iproto_pdu_decode(IProtoPdu *pdu, const uint8_t *hdr, size_t hdr_len, GError **error)
{
	if (hdr_len < IPROTO_BHS_LEN || hdr_len != IPROTO_BHS_LEN + iproto_bhs_ahs_len(hdr)) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
			    "header of %zu bytes does not match its TotalAHSLength", hdr_len);
		return FALSE;
	}
	uint8_t opcode = hdr[0] & OPCODE_MASK;
	const IProtoOpcodeInfo *info = iproto_opcode_info(opcode);
	if (!info) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_OPCODE,
			    "unknown opcode 0x%02x", opcode);
		return FALSE;
	}
	memset(pdu, 0, sizeof *pdu);
	pdu->opcode = opcode;
	pdu->immediate = info->may_be_immediate && (hdr[0] & I_BIT);
	pdu->total_ahs_len = (uint16_t) iproto_bhs_ahs_len(hdr);
	pdu->data_len = iproto_bhs_data_len(hdr);
	pdu->itt = iproto_get_be32(hdr + 16);
	codecs[opcode].decode(pdu, hdr);

	if (info->data == IPROTO_DATA_NONE && pdu->data_len != 0) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
			    "%s with a %u-byte data segment (must be empty)", info->name, pdu->data_len);
		return FALSE;
	}
	if (info->data == IPROTO_DATA_HEADER && pdu->data_len < IPROTO_BHS_LEN) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_PDU_FORMAT,
			    "Reject with a %u-byte data segment (must hold a 48-byte header)", pdu->data_len);
		return FALSE;
	}
	if (!check_flags(pdu, error))
		return FALSE;
	return decode_ahs(pdu, hdr + IPROTO_BHS_LEN, hdr_len - IPROTO_BHS_LEN, error);
}

size_t iproto_scsi_cmd_cdb(const IProtoScsiCmd *cmd, uint8_t out[IPROTO_CDB_MAX_LEN])
{
	memcpy(out, cmd->cdb, IPROTO_CDB_BHS_LEN);
	if (cmd->cdb_len <= IPROTO_CDB_BHS_LEN || !cmd->ext_cdb)
		return IPROTO_CDB_BHS_LEN;
	size_t len = MIN(cmd->cdb_len, IPROTO_CDB_MAX_LEN);
	memcpy(out + IPROTO_CDB_BHS_LEN, cmd->ext_cdb, len - IPROTO_CDB_BHS_LEN);
	return len;
}

/* SAM-5 sec. 4.7: address method in the top two bits of byte 0; 00b is
 * peripheral device addressing (bus 0, LUN in byte 1), 01b flat space
 * (14-bit LUN in bytes 0-1). */
uint64_t iproto_lun_encode(uint16_t lun)
{
	if (lun < 256)
		return (uint64_t) lun << 48;
	return (uint64_t) (0x4000u | (lun & 0x3fffu)) << 48;
}

int iproto_lun_decode(uint64_t field)
{
	if (field & 0xffffffffffffull)
		return -1; /* multi-level LUNs are not ours */
	unsigned top = (unsigned) (field >> 48);
	switch (top >> 14) {
	case 0:
		return (top >> 8) == 0 ? (int) (top & 0xff) : -1;
	case 1:
		return (int) (top & 0x3fff);
	default:
		return -1;
	}
}
