/* BHS/AHS encoding and decoding (RFC 7143 sec. 11).  Each PDU type's BHS
 * layout is a table of fields (byte offset, width or bit mask, struct
 * member); one decoder and one encoder walk it. */
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

/* ---- layouts ----------------------------------------------------------- */

/* Each PDU's BHS is described as data: where each field of its IProto*
 * struct sits (byte offset, and for flags and sub-byte fields the mask and
 * shift), transcribed from the RFC's figures.  One decoder and one encoder
 * walk these tables. */
typedef enum { K_NUM, K_FLAG, K_BITS, K_BYTES } FieldKind;

typedef struct {
	uint8_t kind;     /* FieldKind */
	uint8_t byte;     /* offset in the BHS */
	uint8_t width;    /* bytes (K_NUM, K_BYTES) */
	uint8_t mask;     /* K_FLAG, K_BITS */
	uint8_t shift;    /* K_BITS */
	uint16_t member;  /* offset in IProtoPdu */
} Field;

#define MEMBER(type, m) ((uint16_t) (offsetof(IProtoPdu, u) + offsetof(type, m)))
/* The member's C type must match its width: checked by _Generic. */
#define NUM(type, m, off) \
	{ K_NUM, off, _Generic(((type *) 0)->m, uint8_t: 1, uint16_t: 2, uint32_t: 4, uint64_t: 8), 0, 0, MEMBER(type, m) }
#define FLAG(type, m, off, msk) \
	{ K_FLAG, off, _Generic(((type *) 0)->m, bool: 1), msk, 0, MEMBER(type, m) }
#define BITS(type, m, off, msk, sh) \
	{ K_BITS, off, _Generic(((type *) 0)->m, uint8_t: 1), msk, sh, MEMBER(type, m) }
#define BYTES(type, m, off) { K_BYTES, off, sizeof(((type *) 0)->m), 0, 0, MEMBER(type, m) }

/* sec. 11.18 */
static const Field nop_out[] = {
	NUM(IProtoNopOut, lun, 8), NUM(IProtoNopOut, ttt, 20),
	NUM(IProtoNopOut, cmdsn, 24), NUM(IProtoNopOut, expstatsn, 28),
};
/* sec. 11.19 */
static const Field nop_in[] = {
	NUM(IProtoNopIn, lun, 8), NUM(IProtoNopIn, ttt, 20), NUM(IProtoNopIn, statsn, 24),
	NUM(IProtoNopIn, expcmdsn, 28), NUM(IProtoNopIn, maxcmdsn, 32),
};
/* sec. 11.3: byte 1 = F R W . . ATTR(3) */
static const Field scsi_cmd[] = {
	FLAG(IProtoScsiCmd, final, 1, 0x80), FLAG(IProtoScsiCmd, read, 1, 0x40),
	FLAG(IProtoScsiCmd, write, 1, 0x20), BITS(IProtoScsiCmd, attr, 1, 0x07, 0),
	NUM(IProtoScsiCmd, lun, 8), NUM(IProtoScsiCmd, edtl, 20), NUM(IProtoScsiCmd, cmdsn, 24),
	NUM(IProtoScsiCmd, expstatsn, 28), BYTES(IProtoScsiCmd, cdb, 32),
};
/* sec. 11.4: byte 1 = 1 . . o u O U . */
static const Field scsi_rsp[] = {
	FLAG(IProtoScsiRsp, bidi_overflow, 1, 0x10), FLAG(IProtoScsiRsp, bidi_underflow, 1, 0x08),
	FLAG(IProtoScsiRsp, overflow, 1, 0x04), FLAG(IProtoScsiRsp, underflow, 1, 0x02),
	NUM(IProtoScsiRsp, response, 2), NUM(IProtoScsiRsp, status, 3),
	NUM(IProtoScsiRsp, snack_tag, 20), NUM(IProtoScsiRsp, statsn, 24),
	NUM(IProtoScsiRsp, expcmdsn, 28), NUM(IProtoScsiRsp, maxcmdsn, 32),
	NUM(IProtoScsiRsp, expdatasn, 36), NUM(IProtoScsiRsp, bidi_residual, 40),
	NUM(IProtoScsiRsp, residual, 44),
};
/* sec. 11.5: byte 1 = 1 Function(7) */
static const Field tmf_req[] = {
	BITS(IProtoTmfReq, function, 1, 0x7f, 0), NUM(IProtoTmfReq, lun, 8), NUM(IProtoTmfReq, rtt, 20),
	NUM(IProtoTmfReq, cmdsn, 24), NUM(IProtoTmfReq, expstatsn, 28),
	NUM(IProtoTmfReq, refcmdsn, 32), NUM(IProtoTmfReq, expdatasn, 36),
};
/* sec. 11.6 */
static const Field tmf_rsp[] = {
	NUM(IProtoTmfRsp, response, 2), NUM(IProtoTmfRsp, statsn, 24),
	NUM(IProtoTmfRsp, expcmdsn, 28), NUM(IProtoTmfRsp, maxcmdsn, 32),
};
/* sec. 11.7.1: byte 1 = F */
static const Field data_out[] = {
	FLAG(IProtoDataOut, final, 1, 0x80), NUM(IProtoDataOut, lun, 8), NUM(IProtoDataOut, ttt, 20),
	NUM(IProtoDataOut, expstatsn, 28), NUM(IProtoDataOut, datasn, 36),
	NUM(IProtoDataOut, buffer_offset, 40),
};
/* sec. 11.7.1: byte 1 = F A . . . O U S; status in byte 3 */
static const Field data_in[] = {
	FLAG(IProtoDataIn, final, 1, 0x80), FLAG(IProtoDataIn, ack, 1, 0x40),
	FLAG(IProtoDataIn, overflow, 1, 0x04), FLAG(IProtoDataIn, underflow, 1, 0x02),
	FLAG(IProtoDataIn, has_status, 1, 0x01), NUM(IProtoDataIn, status, 3),
	NUM(IProtoDataIn, lun, 8), NUM(IProtoDataIn, ttt, 20), NUM(IProtoDataIn, statsn, 24),
	NUM(IProtoDataIn, expcmdsn, 28), NUM(IProtoDataIn, maxcmdsn, 32), NUM(IProtoDataIn, datasn, 36),
	NUM(IProtoDataIn, buffer_offset, 40), NUM(IProtoDataIn, residual, 44),
};
/* sec. 11.8 */
static const Field r2t[] = {
	NUM(IProtoR2T, lun, 8), NUM(IProtoR2T, ttt, 20), NUM(IProtoR2T, statsn, 24),
	NUM(IProtoR2T, expcmdsn, 28), NUM(IProtoR2T, maxcmdsn, 32), NUM(IProtoR2T, r2tsn, 36),
	NUM(IProtoR2T, buffer_offset, 40), NUM(IProtoR2T, desired_len, 44),
};
/* sec. 11.9 */
static const Field async_msg[] = {
	NUM(IProtoAsyncMsg, lun, 8), NUM(IProtoAsyncMsg, statsn, 24), NUM(IProtoAsyncMsg, expcmdsn, 28),
	NUM(IProtoAsyncMsg, maxcmdsn, 32), NUM(IProtoAsyncMsg, event, 36), NUM(IProtoAsyncMsg, vcode, 37),
	NUM(IProtoAsyncMsg, param1, 38), NUM(IProtoAsyncMsg, param2, 40), NUM(IProtoAsyncMsg, param3, 42),
};
/* sec. 11.10: byte 1 = F C */
static const Field text_req[] = {
	FLAG(IProtoTextReq, final, 1, 0x80), FLAG(IProtoTextReq, cont, 1, 0x40),
	NUM(IProtoTextReq, lun, 8), NUM(IProtoTextReq, ttt, 20),
	NUM(IProtoTextReq, cmdsn, 24), NUM(IProtoTextReq, expstatsn, 28),
};
/* sec. 11.11 */
static const Field text_rsp[] = {
	FLAG(IProtoTextRsp, final, 1, 0x80), FLAG(IProtoTextRsp, cont, 1, 0x40),
	NUM(IProtoTextRsp, lun, 8), NUM(IProtoTextRsp, ttt, 20), NUM(IProtoTextRsp, statsn, 24),
	NUM(IProtoTextRsp, expcmdsn, 28), NUM(IProtoTextRsp, maxcmdsn, 32),
};
/* sec. 11.12: byte 1 = T C . . CSG(2) NSG(2) */
static const Field login_req[] = {
	FLAG(IProtoLoginReq, transit, 1, 0x80), FLAG(IProtoLoginReq, cont, 1, 0x40),
	BITS(IProtoLoginReq, csg, 1, 0x0c, 2), BITS(IProtoLoginReq, nsg, 1, 0x03, 0),
	NUM(IProtoLoginReq, version_max, 2), NUM(IProtoLoginReq, version_min, 3),
	BYTES(IProtoLoginReq, isid, 8), NUM(IProtoLoginReq, tsih, 14), NUM(IProtoLoginReq, cid, 20),
	NUM(IProtoLoginReq, cmdsn, 24), NUM(IProtoLoginReq, expstatsn, 28),
};
/* sec. 11.13 */
static const Field login_rsp[] = {
	FLAG(IProtoLoginRsp, transit, 1, 0x80), FLAG(IProtoLoginRsp, cont, 1, 0x40),
	BITS(IProtoLoginRsp, csg, 1, 0x0c, 2), BITS(IProtoLoginRsp, nsg, 1, 0x03, 0),
	NUM(IProtoLoginRsp, version_max, 2), NUM(IProtoLoginRsp, version_active, 3),
	BYTES(IProtoLoginRsp, isid, 8), NUM(IProtoLoginRsp, tsih, 14), NUM(IProtoLoginRsp, statsn, 24),
	NUM(IProtoLoginRsp, expcmdsn, 28), NUM(IProtoLoginRsp, maxcmdsn, 32),
	NUM(IProtoLoginRsp, status_class, 36), NUM(IProtoLoginRsp, status_detail, 37),
};
/* sec. 11.14: byte 1 = 1 ReasonCode(7) */
static const Field logout_req[] = {
	BITS(IProtoLogoutReq, reason, 1, 0x7f, 0), NUM(IProtoLogoutReq, cid, 20),
	NUM(IProtoLogoutReq, cmdsn, 24), NUM(IProtoLogoutReq, expstatsn, 28),
};
/* sec. 11.15 */
static const Field logout_rsp[] = {
	NUM(IProtoLogoutRsp, response, 2), NUM(IProtoLogoutRsp, statsn, 24),
	NUM(IProtoLogoutRsp, expcmdsn, 28), NUM(IProtoLogoutRsp, maxcmdsn, 32),
	NUM(IProtoLogoutRsp, time2wait, 40), NUM(IProtoLogoutRsp, time2retain, 42),
};
/* sec. 11.16: byte 1 = 1 . . . Type(4) */
static const Field snack[] = {
	BITS(IProtoSnackReq, type, 1, 0x0f, 0), NUM(IProtoSnackReq, lun, 8), NUM(IProtoSnackReq, ttt, 20),
	NUM(IProtoSnackReq, expstatsn, 28), NUM(IProtoSnackReq, begrun, 40),
	NUM(IProtoSnackReq, runlength, 44),
};
/* sec. 11.17 */
static const Field reject[] = {
	NUM(IProtoReject, reason, 2), NUM(IProtoReject, statsn, 24), NUM(IProtoReject, expcmdsn, 28),
	NUM(IProtoReject, maxcmdsn, 32), NUM(IProtoReject, datasn_r2tsn, 36),
};

typedef struct {
	const Field *fields;
	unsigned n_fields;
	uint8_t byte1;    /* bits the RFC fixes to 1 in byte 1 (the F bit of single-PDU types) */
} Layout;

#define LAYOUT(f, b1) { f, G_N_ELEMENTS(f), b1 }
static const Layout layouts[64] = {
	[IPROTO_OP_NOP_OUT] = LAYOUT(nop_out, F_BIT),
	[IPROTO_OP_SCSI_CMD] = LAYOUT(scsi_cmd, 0),
	[IPROTO_OP_TMF_REQ] = LAYOUT(tmf_req, F_BIT),
	[IPROTO_OP_LOGIN_REQ] = LAYOUT(login_req, 0),
	[IPROTO_OP_TEXT_REQ] = LAYOUT(text_req, 0),
	[IPROTO_OP_DATA_OUT] = LAYOUT(data_out, 0),
	[IPROTO_OP_LOGOUT_REQ] = LAYOUT(logout_req, F_BIT),
	[IPROTO_OP_SNACK_REQ] = LAYOUT(snack, F_BIT),
	[IPROTO_OP_NOP_IN] = LAYOUT(nop_in, F_BIT),
	[IPROTO_OP_SCSI_RSP] = LAYOUT(scsi_rsp, F_BIT),
	[IPROTO_OP_TMF_RSP] = LAYOUT(tmf_rsp, F_BIT),
	[IPROTO_OP_LOGIN_RSP] = LAYOUT(login_rsp, 0),
	[IPROTO_OP_TEXT_RSP] = LAYOUT(text_rsp, 0),
	[IPROTO_OP_DATA_IN] = LAYOUT(data_in, 0),
	[IPROTO_OP_LOGOUT_RSP] = LAYOUT(logout_rsp, F_BIT),
	[IPROTO_OP_R2T] = LAYOUT(r2t, F_BIT),
	[IPROTO_OP_ASYNC_MSG] = LAYOUT(async_msg, F_BIT),
	[IPROTO_OP_REJECT] = LAYOUT(reject, F_BIT),
};

static void decode_fields(IProtoPdu *pdu, const uint8_t *b)
{
	const Layout *l = &layouts[pdu->opcode];
	uint8_t *base = (uint8_t *) pdu;
	for (unsigned i = 0; i < l->n_fields; i++) {
		const Field *f = &l->fields[i];
		void *m = base + f->member;
		const uint8_t *p = b + f->byte;
		switch (f->kind) {
		case K_NUM:
			switch (f->width) {
			case 1: *(uint8_t *) m = p[0]; break;
			case 2: *(uint16_t *) m = iproto_get_be16(p); break;
			case 4: *(uint32_t *) m = iproto_get_be32(p); break;
			default: *(uint64_t *) m = iproto_get_be64(p); break;
			}
			break;
		case K_FLAG:
			*(bool *) m = (p[0] & f->mask) != 0;
			break;
		case K_BITS:
			*(uint8_t *) m = (uint8_t) ((p[0] & f->mask) >> f->shift);
			break;
		case K_BYTES:
			memcpy(m, p, f->width);
			break;
		}
	}
	/* sec. 11.7.4: the Data-In status byte is reserved unless S=1 */
	if (pdu->opcode == IPROTO_OP_DATA_IN && !pdu->u.data_in.has_status)
		pdu->u.data_in.status = 0;
}

static void encode_fields(const IProtoPdu *pdu, uint8_t *b)
{
	const Layout *l = &layouts[pdu->opcode];
	const uint8_t *base = (const uint8_t *) pdu;
	b[1] = l->byte1;
	for (unsigned i = 0; i < l->n_fields; i++) {
		const Field *f = &l->fields[i];
		const void *m = base + f->member;
		uint8_t *p = b + f->byte;
		switch (f->kind) {
		case K_NUM:
			switch (f->width) {
			case 1: p[0] = *(const uint8_t *) m; break;
			case 2: iproto_put_be16(p, *(const uint16_t *) m); break;
			case 4: iproto_put_be32(p, *(const uint32_t *) m); break;
			default: iproto_put_be64(p, *(const uint64_t *) m); break;
			}
			break;
		case K_FLAG:
			if (*(const bool *) m)
				p[0] |= f->mask;
			break;
		case K_BITS:
			p[0] |= (uint8_t) ((*(const uint8_t *) m << f->shift) & f->mask);
			break;
		case K_BYTES:
			memcpy(p, m, f->width);
			break;
		}
	}
	if (pdu->opcode == IPROTO_OP_DATA_IN && !pdu->u.data_in.has_status)
		b[3] = 0;
}

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
	if (pdu->opcode >= 64 || !layouts[pdu->opcode].fields) {
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
	encode_fields(pdu, buf);
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
	decode_fields(pdu, hdr);
	if (opcode == IPROTO_OP_SCSI_CMD)
		pdu->u.scsi_cmd.cdb_len = IPROTO_CDB_BHS_LEN;

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
