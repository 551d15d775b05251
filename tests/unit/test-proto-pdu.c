/* PDU codec: every PDU type of RFC 7143 sec. 11 encoded and compared with a
 * hand-assembled byte array laid out as in the RFC figures (4 bytes a row),
 * then decoded back and compared field by field; plus malformed headers. */
#include "config.h"
#include <string.h>
#include <glib.h>
#include "libiscsi-proto/iproto-pdu.h"
#include "libiscsi-proto/iproto-opcode.h"
#include "libiscsi-proto/iproto-error.h"

/* Shared field values, distinct so that a swapped field shows. */
#define LUN1 0x0001000000000000ull
#define ITT 0x11223344u
#define TTT 0x55667788u
#define CMDSN 0x0a0b0c0du
#define EXPSTATSN 0x01020304u
#define STATSN 0x21222324u
#define EXPCMDSN 0x31323334u
#define MAXCMDSN 0x41424344u

#define B_LUN1 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
#define B_ZERO8 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
#define B_ITT 0x11, 0x22, 0x33, 0x44
#define B_TTT 0x55, 0x66, 0x77, 0x88
#define B_CMDSN 0x0a, 0x0b, 0x0c, 0x0d
#define B_EXPSTATSN 0x01, 0x02, 0x03, 0x04
#define B_STATSN 0x21, 0x22, 0x23, 0x24
#define B_EXPCMDSN 0x31, 0x32, 0x33, 0x34
#define B_MAXCMDSN 0x41, 0x42, 0x43, 0x44
#define B_FF 0xff, 0xff, 0xff, 0xff
#define B_0 0x00, 0x00, 0x00, 0x00

/* Encode pdu, compare with the expected bytes, decode them and compare the
 * result with pdu (whose total_ahs_len the caller set to the AHS size). */
static void roundtrip(const IProtoPdu *pdu, const uint8_t *expect, size_t len)
{
	uint8_t buf[512];
	GError *err = NULL;

	g_assert_cmpuint(iproto_pdu_header_len(pdu), ==, len);
	size_t n = iproto_pdu_encode(pdu, buf, sizeof buf, &err);
	g_assert_no_error(err);
	g_assert_cmpmem(buf, n, expect, len);
	g_assert_cmpuint(iproto_bhs_ahs_len(buf), ==, len - IPROTO_BHS_LEN);
	g_assert_cmpuint(iproto_bhs_data_len(buf), ==, pdu->data_len);

	IProtoPdu back;
	g_assert_true(iproto_pdu_decode(&back, expect, len, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(back.opcode, ==, pdu->opcode);
	g_assert_cmpuint(back.immediate, ==, pdu->immediate);
	g_assert_cmpuint(back.data_len, ==, pdu->data_len);
	g_assert_cmpuint(back.total_ahs_len, ==, len - IPROTO_BHS_LEN);
	g_assert_cmphex(back.itt, ==, pdu->itt);
	if (pdu->opcode == IPROTO_OP_SCSI_CMD && pdu->u.scsi_cmd.ext_cdb) {
		/* the decoded pointer points into the header bytes */
		const IProtoScsiCmd *a = &pdu->u.scsi_cmd, *b = &back.u.scsi_cmd;
		g_assert_cmpuint(a->cdb_len, ==, b->cdb_len);
		g_assert_cmpmem(a->ext_cdb, a->cdb_len - 16, b->ext_cdb, b->cdb_len - 16);
		g_assert_true(b->ext_cdb >= expect && b->ext_cdb < expect + len);
		back.u.scsi_cmd.ext_cdb = a->ext_cdb;
	}
	back.total_ahs_len = pdu->total_ahs_len;
	g_assert_cmpmem(&back.u, sizeof back.u, &pdu->u, sizeof pdu->u);
}

static void test_nop_out(void)
{
	static const uint8_t b[48] = {
		0x40, 0x80, 0x00, 0x00, /* I, opcode 0x00; F */
		0x00, 0x00, 0x00, 0x08, /* DataSegmentLength 8 (ping data) */
		B_LUN1, B_ITT, B_FF,    /* TTT 0xffffffff: not a ping answer */
		B_CMDSN, B_EXPSTATSN, B_0, B_0, B_0, B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_NOP_OUT);
	p.immediate = true;
	p.data_len = 8;
	p.itt = ITT;
	p.u.nop_out = (IProtoNopOut) { .lun = LUN1, .ttt = 0xffffffffu, .cmdsn = CMDSN, .expstatsn = EXPSTATSN };
	roundtrip(&p, b, sizeof b);
}

static void test_nop_in(void)
{
	static const uint8_t b[48] = {
		0x20, 0x80, 0x00, 0x00, B_0, B_LUN1, B_FF, B_TTT,
		B_STATSN, B_EXPCMDSN, B_MAXCMDSN, B_0, B_0, B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_NOP_IN);
	p.itt = 0xffffffffu;
	p.u.nop_in = (IProtoNopIn) { LUN1, TTT, STATSN, EXPCMDSN, MAXCMDSN };
	roundtrip(&p, b, sizeof b);
}

static void test_scsi_cmd(void)
{
	static const uint8_t b[48] = {
		0x01, 0xa1, 0x00, 0x00, /* F W, ATTR simple */
		0x00, 0x00, 0x02, 0x00, /* 512 bytes of immediate data */
		B_LUN1, B_ITT,
		0x00, 0x00, 0x10, 0x00, /* EDTL 4096 */
		B_CMDSN, B_EXPSTATSN,
		0x2a, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, /* WRITE (10) LBA 16 */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 8 blocks */
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_SCSI_CMD);
	p.data_len = 512;
	p.itt = ITT;
	IProtoScsiCmd *c = &p.u.scsi_cmd;
	c->final = c->write = true;
	c->attr = IPROTO_ATTR_SIMPLE;
	c->lun = LUN1;
	c->edtl = 4096;
	c->cmdsn = CMDSN;
	c->expstatsn = EXPSTATSN;
	memcpy(c->cdb, b + 32, 16);
	roundtrip(&p, b, sizeof b);

	uint8_t cdb[IPROTO_CDB_MAX_LEN];
	g_assert_cmpuint(iproto_scsi_cmd_cdb(c, cdb), ==, 16);
	g_assert_cmpmem(cdb, 16, b + 32, 16);
}

/* A 32-byte CDB (Extended CDB AHS) on a bidirectional command (second AHS). */
static void test_scsi_cmd_ahs(void)
{
	static const uint8_t b[48 + 28] = {
		0x01, 0xe2, 0x00, 0x00, /* F R W, ATTR ordered */
		0x07, 0x00, 0x00, 0x00, /* TotalAHSLength 7 words */
		B_LUN1, B_ITT, 0x00, 0x00, 0x02, 0x00, B_CMDSN, B_EXPSTATSN,
		0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, /* variable-length CDB */
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		/* Extended CDB AHS: AHSLength 17 = 32 - 15, type 1, reserved */
		0x00, 0x11, 0x01, 0x00,
		0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
		0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
		/* Bidirectional Read EDTL AHS: AHSLength 5, type 2 */
		0x00, 0x05, 0x02, 0x00, 0x00, 0x00, 0x20, 0x00,
	};
	static const uint8_t ext[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
					 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f };
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_SCSI_CMD);
	p.itt = ITT;
	p.total_ahs_len = 28;
	IProtoScsiCmd *c = &p.u.scsi_cmd;
	c->final = c->read = c->write = true;
	c->attr = IPROTO_ATTR_ORDERED;
	c->lun = LUN1;
	c->edtl = 512;
	c->cmdsn = CMDSN;
	c->expstatsn = EXPSTATSN;
	memcpy(c->cdb, b + 32, 16);
	c->cdb_len = 32;
	c->ext_cdb = ext;
	c->has_bidi_read_len = true;
	c->bidi_read_len = 0x2000;
	roundtrip(&p, b, sizeof b);

	uint8_t cdb[IPROTO_CDB_MAX_LEN];
	g_assert_cmpuint(iproto_scsi_cmd_cdb(c, cdb), ==, 32);
	g_assert_cmpmem(cdb + 16, 16, ext, 16);

	/* a 17-byte CDB needs one byte + 3 padding in the AHS */
	c->cdb_len = 17;
	c->has_bidi_read_len = false;
	g_assert_cmpuint(iproto_pdu_header_len(&p), ==, 48 + 8);
	/* too long or without bytes: refused */
	c->cdb_len = IPROTO_CDB_MAX_LEN + 1;
	GError *err = NULL;
	uint8_t buf[512];
	g_assert_cmpuint(iproto_pdu_encode(&p, buf, sizeof buf, &err), ==, 0);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT);
	g_clear_error(&err);
	c->cdb_len = 20;
	c->ext_cdb = NULL;
	g_assert_cmpuint(iproto_pdu_encode(&p, buf, sizeof buf, &err), ==, 0);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT);
	g_clear_error(&err);
}

static void test_scsi_rsp(void)
{
	static const uint8_t b[48] = {
		0x21, 0x82, 0x00, 0x02, /* U; Response completed; CHECK CONDITION */
		0x00, 0x00, 0x00, 0x14, B_ZERO8, B_ITT,
		B_0,                    /* SNACK Tag */
		B_STATSN, B_EXPCMDSN, B_MAXCMDSN,
		0x00, 0x00, 0x00, 0x05, /* ExpDataSN */
		B_0,                    /* Bidirectional Read Residual Count */
		0x00, 0x00, 0x02, 0x00, /* Residual Count */
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_SCSI_RSP);
	p.data_len = 20;
	p.itt = ITT;
	p.u.scsi_rsp = (IProtoScsiRsp) { .underflow = true, .response = IPROTO_RSP_COMPLETED, .status = 0x02,
					 .statsn = STATSN, .expcmdsn = EXPCMDSN, .maxcmdsn = MAXCMDSN,
					 .expdatasn = 5, .residual = 512 };
	roundtrip(&p, b, sizeof b);

	static const uint8_t b2[48] = {
		0x21, 0x9c, 0x01, 0x00, /* o u O; target failure */
		B_0, B_ZERO8, B_ITT, 0x00, 0x00, 0x00, 0x09, B_STATSN, B_EXPCMDSN, B_MAXCMDSN,
		B_0, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20,
	};
	iproto_pdu_init(&p, IPROTO_OP_SCSI_RSP);
	p.itt = ITT;
	p.u.scsi_rsp = (IProtoScsiRsp) { .bidi_overflow = true, .bidi_underflow = true, .overflow = true,
					 .response = IPROTO_RSP_TARGET_FAILURE, .snack_tag = 9,
					 .statsn = STATSN, .expcmdsn = EXPCMDSN, .maxcmdsn = MAXCMDSN,
					 .bidi_residual = 16, .residual = 32 };
	roundtrip(&p, b2, sizeof b2);
}

static void test_tmf(void)
{
	static const uint8_t req[48] = {
		0x42, 0x81, 0x00, 0x00, /* I, ABORT TASK */
		B_0, B_LUN1, B_ITT,
		0x99, 0x88, 0x77, 0x66, /* Referenced Task Tag */
		B_CMDSN, B_EXPSTATSN,
		0x0a, 0x0b, 0x0c, 0x00, /* RefCmdSN */
		0x00, 0x00, 0x00, 0x03, /* ExpDataSN */
		B_0, B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_TMF_REQ);
	p.immediate = true;
	p.itt = ITT;
	p.u.tmf_req = (IProtoTmfReq) { IPROTO_TMF_ABORT_TASK, LUN1, 0x99887766u, CMDSN, EXPSTATSN, 0x0a0b0c00u, 3 };
	roundtrip(&p, req, sizeof req);

	static const uint8_t rsp[48] = {
		0x22, 0x80, 0x01, 0x00, /* Response: task does not exist */
		B_0, B_ZERO8, B_ITT, B_0, B_STATSN, B_EXPCMDSN, B_MAXCMDSN, B_0, B_0, B_0,
	};
	iproto_pdu_init(&p, IPROTO_OP_TMF_RSP);
	p.itt = ITT;
	p.u.tmf_rsp = (IProtoTmfRsp) { IPROTO_TMF_RSP_NO_TASK, STATSN, EXPCMDSN, MAXCMDSN };
	roundtrip(&p, rsp, sizeof rsp);
}

static void test_login(void)
{
	static const uint8_t req[48] = {
		0x43, 0x87, 0x00, 0x00, /* I; T, CSG 1, NSG 3; Version-max/min 0 */
		0x00, 0x00, 0x01, 0x00, /* 256 bytes of keys */
		0x80, 0x12, 0x34, 0x56, 0x78, 0x9a, /* ISID */
		0x00, 0x00,             /* TSIH 0: new session */
		B_ITT,
		0x00, 0x01, 0x00, 0x00, /* CID 1 */
		B_CMDSN, B_EXPSTATSN, B_0, B_0, B_0, B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_LOGIN_REQ);
	g_assert_true(p.immediate);
	p.data_len = 256;
	p.itt = ITT;
	p.u.login_req = (IProtoLoginReq) { .transit = true, .csg = 1, .nsg = 3,
					   .isid = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a },
					   .cid = 1, .cmdsn = CMDSN, .expstatsn = EXPSTATSN };
	roundtrip(&p, req, sizeof req);

	static const uint8_t rsp[48] = {
		0x23, 0x40, 0x00, 0x00, /* C, CSG 0, NSG 0; Version-max, Version-active */
		0x00, 0x00, 0x00, 0x40,
		0x80, 0x12, 0x34, 0x56, 0x78, 0x9a, 0x01, 0x02, /* ISID, TSIH 0x0102 */
		B_ITT, B_0, B_STATSN, B_EXPCMDSN, B_MAXCMDSN,
		0x02, 0x01, 0x00, 0x00, /* Status-Class 2, Detail 1 */
		B_0, B_0,
	};
	iproto_pdu_init(&p, IPROTO_OP_LOGIN_RSP);
	p.data_len = 64;
	p.itt = ITT;
	p.u.login_rsp = (IProtoLoginRsp) { .cont = true, .isid = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a },
					   .tsih = 0x0102, .statsn = STATSN, .expcmdsn = EXPCMDSN,
					   .maxcmdsn = MAXCMDSN, .status_class = 2, .status_detail = 1 };
	roundtrip(&p, rsp, sizeof rsp);
}

static void test_text(void)
{
	static const uint8_t req[48] = {
		0x04, 0x40, 0x00, 0x00, /* C=1, F=0 */
		0x00, 0x00, 0x20, 0x00, B_ZERO8, B_ITT, B_FF, B_CMDSN, B_EXPSTATSN,
		B_0, B_0, B_0, B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_TEXT_REQ);
	p.data_len = 8192;
	p.itt = ITT;
	p.u.text_req = (IProtoTextReq) { .cont = true, .ttt = 0xffffffffu, .cmdsn = CMDSN, .expstatsn = EXPSTATSN };
	roundtrip(&p, req, sizeof req);

	static const uint8_t rsp[48] = {
		0x24, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, B_ZERO8, B_ITT, B_FF,
		B_STATSN, B_EXPCMDSN, B_MAXCMDSN, B_0, B_0, B_0,
	};
	iproto_pdu_init(&p, IPROTO_OP_TEXT_RSP);
	p.data_len = 16;
	p.itt = ITT;
	p.u.text_rsp = (IProtoTextRsp) { .final = true, .ttt = 0xffffffffu, .statsn = STATSN,
					 .expcmdsn = EXPCMDSN, .maxcmdsn = MAXCMDSN };
	roundtrip(&p, rsp, sizeof rsp);
}

static void test_data(void)
{
	static const uint8_t out[48] = {
		0x05, 0x80, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, B_LUN1, B_ITT, B_TTT,
		B_0, B_EXPSTATSN, B_0,
		0x00, 0x00, 0x00, 0x03, /* DataSN */
		0x00, 0x00, 0x60, 0x00, /* Buffer Offset */
		B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_DATA_OUT);
	p.data_len = 8192;
	p.itt = ITT;
	p.u.data_out = (IProtoDataOut) { .final = true, .lun = LUN1, .ttt = TTT, .expstatsn = EXPSTATSN,
					 .datasn = 3, .buffer_offset = 0x6000 };
	roundtrip(&p, out, sizeof out);

	static const uint8_t in[48] = {
		0x25, 0x83, 0x00, 0x00, /* F U S, status GOOD */
		0x00, 0x00, 0x10, 0x00, B_LUN1, B_ITT, B_FF, B_STATSN, B_EXPCMDSN, B_MAXCMDSN,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x80,
	};
	iproto_pdu_init(&p, IPROTO_OP_DATA_IN);
	p.data_len = 4096;
	p.itt = ITT;
	p.u.data_in = (IProtoDataIn) { .final = true, .underflow = true, .has_status = true, .lun = LUN1,
				       .ttt = 0xffffffffu, .statsn = STATSN, .expcmdsn = EXPCMDSN,
				       .maxcmdsn = MAXCMDSN, .datasn = 1, .buffer_offset = 4096, .residual = 128 };
	roundtrip(&p, in, sizeof in);

	static const uint8_t in_ack[48] = {
		0x25, 0x44, 0x00, 0x00, /* A O, no status (byte 3 reserved) */
		0x00, 0x00, 0x00, 0x04, B_LUN1, B_ITT, B_TTT, B_0, B_EXPCMDSN, B_MAXCMDSN,
		B_0, B_0, 0x00, 0x00, 0x00, 0x07,
	};
	iproto_pdu_init(&p, IPROTO_OP_DATA_IN);
	p.data_len = 4;
	p.itt = ITT;
	p.u.data_in = (IProtoDataIn) { .ack = true, .overflow = true, .lun = LUN1, .ttt = TTT,
				       .expcmdsn = EXPCMDSN, .maxcmdsn = MAXCMDSN, .residual = 7 };
	roundtrip(&p, in_ack, sizeof in_ack);
}

static void test_r2t(void)
{
	static const uint8_t b[48] = {
		0x31, 0x80, 0x00, 0x00, B_0, B_LUN1, B_ITT, B_TTT, B_STATSN, B_EXPCMDSN, B_MAXCMDSN,
		0x00, 0x00, 0x00, 0x02, /* R2TSN */
		0x00, 0x01, 0x00, 0x00, /* Buffer Offset */
		0x00, 0x04, 0x00, 0x00, /* Desired Data Transfer Length */
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_R2T);
	p.itt = ITT;
	p.u.r2t = (IProtoR2T) { LUN1, TTT, STATSN, EXPCMDSN, MAXCMDSN, 2, 0x10000, 0x40000 };
	roundtrip(&p, b, sizeof b);
}

static void test_async(void)
{
	static const uint8_t b[48] = {
		0x32, 0x80, 0x00, 0x00, B_0, B_LUN1, B_FF, B_0, B_STATSN, B_EXPCMDSN, B_MAXCMDSN,
		0x01, 0x00, 0x00, 0x05, /* AsyncEvent 1 (logout request), VCode, Parameter1 */
		0x00, 0x02, 0x00, 0x14, /* Parameter2, Parameter3 */
		B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_ASYNC_MSG);
	g_assert_cmphex(p.itt, ==, 0xffffffffu);
	p.u.async = (IProtoAsyncMsg) { LUN1, STATSN, EXPCMDSN, MAXCMDSN, IPROTO_ASYNC_LOGOUT_REQUEST, 0, 5, 2, 20 };
	roundtrip(&p, b, sizeof b);
}

static void test_logout(void)
{
	static const uint8_t req[48] = {
		0x46, 0x81, 0x00, 0x00, /* I; reason: close the connection */
		B_0, B_ZERO8, B_ITT,
		0x00, 0x07, 0x00, 0x00, /* CID 7 */
		B_CMDSN, B_EXPSTATSN, B_0, B_0, B_0, B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_LOGOUT_REQ);
	p.immediate = true;
	p.itt = ITT;
	p.u.logout_req = (IProtoLogoutReq) { IPROTO_LOGOUT_CLOSE_CONNECTION, 7, CMDSN, EXPSTATSN };
	roundtrip(&p, req, sizeof req);

	static const uint8_t rsp[48] = {
		0x26, 0x80, 0x01, 0x00, /* CID not found */
		B_0, B_ZERO8, B_ITT, B_0, B_STATSN, B_EXPCMDSN, B_MAXCMDSN, B_0,
		0x00, 0x02, 0x00, 0x14, /* Time2Wait 2, Time2Retain 20 */
		B_0,
	};
	iproto_pdu_init(&p, IPROTO_OP_LOGOUT_RSP);
	p.itt = ITT;
	p.u.logout_rsp = (IProtoLogoutRsp) { IPROTO_LOGOUT_RSP_CID_NOT_FOUND, STATSN, EXPCMDSN, MAXCMDSN, 2, 20 };
	roundtrip(&p, rsp, sizeof rsp);
}

static void test_snack(void)
{
	static const uint8_t b[48] = {
		0x10, 0x81, 0x00, 0x00, /* Type 1: status SNACK */
		B_0, B_LUN1, B_ITT, B_TTT, B_0, B_EXPSTATSN, B_0, B_0,
		0x00, 0x00, 0x00, 0x07, /* BegRun */
		0x00, 0x00, 0x00, 0x02, /* RunLength */
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_SNACK_REQ);
	p.itt = ITT;
	p.u.snack = (IProtoSnackReq) { IPROTO_SNACK_STATUS, LUN1, TTT, EXPSTATSN, 7, 2 };
	roundtrip(&p, b, sizeof b);
}

static void test_reject(void)
{
	static const uint8_t b[48] = {
		0x3f, 0x80, 0x04, 0x00, /* Reason: protocol error */
		0x00, 0x00, 0x00, 0x30, /* the 48-byte rejected header */
		B_ZERO8, B_FF, B_0, B_STATSN, B_EXPCMDSN, B_MAXCMDSN,
		0x00, 0x00, 0x00, 0x09, B_0, B_0,
	};
	IProtoPdu p;
	iproto_pdu_init(&p, IPROTO_OP_REJECT);
	p.data_len = 48;
	p.u.reject = (IProtoReject) { IPROTO_REJECT_PROTOCOL_ERROR, STATSN, EXPCMDSN, MAXCMDSN, 9 };
	roundtrip(&p, b, sizeof b);
}

/* The I bit is only encoded for initiator opcodes; reserved bits ignored. */
static void test_ignored_bits(void)
{
	IProtoPdu p;
	uint8_t buf[48];
	iproto_pdu_init(&p, IPROTO_OP_R2T);
	p.immediate = true;
	g_assert_cmpuint(iproto_pdu_encode(&p, buf, sizeof buf, NULL), ==, 48);
	g_assert_cmphex(buf[0], ==, 0x31);
	buf[0] |= 0x40;     /* I on a target PDU */
	buf[2] = 0xff;      /* reserved bytes 2-3 and 44..: ignored (sec. 11) */
	buf[3] = 0xff;
	IProtoPdu q;
	g_assert_true(iproto_pdu_decode(&q, buf, 48, NULL));
	g_assert_false(q.immediate);
	g_assert_cmpmem(&q.u, sizeof q.u, &p.u, sizeof p.u);
}

static void expect_decode_error(const uint8_t *hdr, size_t len, int code)
{
	IProtoPdu p;
	GError *err = NULL;
	g_assert_false(iproto_pdu_decode(&p, hdr, len, &err));
	g_assert_error(err, IPROTO_ERROR, code);
	g_test_message("expected error: %s", err->message);
	g_error_free(err);
}

static void test_malformed(void)
{
	uint8_t h[48 + 16];
	memset(h, 0, sizeof h);

	h[0] = 0x07; /* undefined opcode */
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_OPCODE);
	h[0] = 0x1c; /* vendor specific: not implemented */
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_OPCODE);

	h[0] = IPROTO_OP_R2T;
	h[7] = 4; /* R2T carries no data */
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_FORMAT);
	h[0] = IPROTO_OP_REJECT;
	h[7] = 47; /* Reject must carry a whole header */
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_FORMAT);
	h[7] = 0;

	h[0] = IPROTO_OP_TEXT_REQ;
	h[1] = 0xc0; /* F and C */
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_FORMAT);
	h[0] = IPROTO_OP_TEXT_RSP;
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_FORMAT);
	h[0] = IPROTO_OP_LOGIN_REQ;
	h[1] = 0xc1; /* T and C */
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_FORMAT);
	h[0] = IPROTO_OP_LOGIN_RSP;
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_FORMAT);
	h[0] = IPROTO_OP_SCSI_CMD;
	h[1] = 0x40; /* neither W nor F */
	expect_decode_error(h, 48, IPROTO_ERROR_PDU_FORMAT);
	h[1] = 0x80;

	/* header length must match TotalAHSLength */
	expect_decode_error(h, 47, IPROTO_ERROR_PDU_FORMAT);
	expect_decode_error(h, 52, IPROTO_ERROR_PDU_FORMAT);

	/* AHS: reserved type 0, oversize length, zero length, duplicate
	 * bidi, wrong bidi length, AHS on a PDU that has none */
	h[4] = 2;
	uint8_t *a = h + 48;
	a[0] = 0, a[1] = 5, a[2] = 0;
	expect_decode_error(h, 56, IPROTO_ERROR_PDU_FORMAT);
	a[1] = 9, a[2] = IPROTO_AHS_BIDI_READ_LEN;
	expect_decode_error(h, 56, IPROTO_ERROR_PDU_FORMAT);
	a[1] = 0;
	expect_decode_error(h, 56, IPROTO_ERROR_PDU_FORMAT);
	a[1] = 4; /* AHSLength 4: wrong for type 2 */
	expect_decode_error(h, 56, IPROTO_ERROR_PDU_FORMAT);
	a[1] = 5;
	IProtoPdu p;
	g_assert_true(iproto_pdu_decode(&p, h, 56, NULL));
	g_assert_true(p.u.scsi_cmd.has_bidi_read_len);
	h[4] = 4;
	memcpy(h + 56, a, 8); /* twice */
	expect_decode_error(h, 64, IPROTO_ERROR_PDU_FORMAT);
	a[1] = 1, a[2] = IPROTO_AHS_EXTENDED_CDB; /* an empty extended CDB */
	h[4] = 1;
	expect_decode_error(h, 52, IPROTO_ERROR_PDU_FORMAT);
	a[1] = 5, a[2] = 61; /* vendor AHS types are skipped */
	h[4] = 2;
	g_assert_true(iproto_pdu_decode(&p, h, 56, NULL));
	a[2] = IPROTO_AHS_BIDI_READ_LEN;
	h[0] = IPROTO_OP_NOP_OUT;
	expect_decode_error(h, 56, IPROTO_ERROR_PDU_FORMAT);

	/* encoding an undefined opcode fails */
	iproto_pdu_init(&p, IPROTO_OP_NOP_OUT);
	p.opcode = 0x07;
	GError *err = NULL;
	uint8_t buf[48];
	g_assert_cmpuint(iproto_pdu_encode(&p, buf, sizeof buf, &err), ==, 0);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT);
	g_clear_error(&err);
	p.opcode = IPROTO_OP_NOP_OUT;
	p.data_len = 1u << 24;
	g_assert_cmpuint(iproto_pdu_encode(&p, buf, sizeof buf, &err), ==, 0);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT);
	g_clear_error(&err);
	p.data_len = 0;
	g_assert_cmpuint(iproto_pdu_encode(&p, buf, 47, &err), ==, 0);
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT);
	g_clear_error(&err);
}

static void test_opcode_table(void)
{
	unsigned defined = 0;
	for (unsigned op = 0; op < 64; op++) {
		const IProtoOpcodeInfo *info = iproto_opcode_info((uint8_t) op);
		if (!info) {
			g_assert_cmpstr(iproto_opcode_name((uint8_t) op), ==, "Unknown");
			continue;
		}
		defined++;
		g_assert_cmpuint(info->opcode, ==, op);
		/* sec. 11.2.1.2: initiator opcodes below 0x20 */
		g_assert_cmpuint(info->sender, ==, op < 0x20 ? IPROTO_SENDER_INITIATOR : IPROTO_SENDER_TARGET);
		g_assert_true(!info->may_be_immediate || op < 0x20);
		g_assert_cmpstr(iproto_opcode_name((uint8_t) op), ==, info->name);
	}
	g_assert_cmpuint(defined, ==, 18);
	g_assert_cmpstr(iproto_opcode_name(IPROTO_OP_SCSI_CMD), ==, "SCSI Command");
	g_assert_cmpuint(iproto_opcode_info(IPROTO_OP_SCSI_RSP)->data, ==, IPROTO_DATA_SENSE);
	g_assert_cmpuint(iproto_opcode_info(IPROTO_OP_REJECT)->data, ==, IPROTO_DATA_HEADER);
	g_assert_cmpuint(iproto_opcode_info(IPROTO_OP_R2T)->data, ==, IPROTO_DATA_NONE);
	g_assert_cmpuint(iproto_opcode_info(IPROTO_OP_DATA_OUT)->data, ==, IPROTO_DATA_ANY);
	g_assert_true(iproto_opcode_info(IPROTO_OP_SCSI_CMD)->allows_ahs);
	g_assert_null(iproto_opcode_info(64));
	g_assert_null(iproto_opcode_info(0xff));
}

static void test_lun(void)
{
	g_assert_cmphex(iproto_lun_encode(0), ==, 0);
	g_assert_cmphex(iproto_lun_encode(1), ==, LUN1);
	g_assert_cmphex(iproto_lun_encode(255), ==, 0x00ff000000000000ull);
	g_assert_cmphex(iproto_lun_encode(256), ==, 0x4100000000000000ull);
	g_assert_cmphex(iproto_lun_encode(16383), ==, 0x7fff000000000000ull);
	for (unsigned lun = 0; lun < 16384; lun += 7)
		g_assert_cmpint(iproto_lun_decode(iproto_lun_encode((uint16_t) lun)), ==, (int) lun);
	g_assert_cmpint(iproto_lun_decode(0x0001000100000000ull), ==, -1); /* second level */
	g_assert_cmpint(iproto_lun_decode(0x8001000000000000ull), ==, -1); /* logical unit addressing */
	g_assert_cmpint(iproto_lun_decode(0x0101000000000000ull), ==, -1); /* bus 1 */
	g_assert_cmpuint(iproto_pad_len(0), ==, 0);
	g_assert_cmpuint(iproto_pad_len(1), ==, 3);
	g_assert_cmpuint(iproto_pad_len(6), ==, 2);
	g_assert_cmpuint(iproto_pad_len(8191), ==, 1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/proto/pdu/nop-out", test_nop_out);
	g_test_add_func("/proto/pdu/nop-in", test_nop_in);
	g_test_add_func("/proto/pdu/scsi-cmd", test_scsi_cmd);
	g_test_add_func("/proto/pdu/scsi-cmd-ahs", test_scsi_cmd_ahs);
	g_test_add_func("/proto/pdu/scsi-rsp", test_scsi_rsp);
	g_test_add_func("/proto/pdu/tmf", test_tmf);
	g_test_add_func("/proto/pdu/login", test_login);
	g_test_add_func("/proto/pdu/text", test_text);
	g_test_add_func("/proto/pdu/data", test_data);
	g_test_add_func("/proto/pdu/r2t", test_r2t);
	g_test_add_func("/proto/pdu/async", test_async);
	g_test_add_func("/proto/pdu/logout", test_logout);
	g_test_add_func("/proto/pdu/snack", test_snack);
	g_test_add_func("/proto/pdu/reject", test_reject);
	g_test_add_func("/proto/pdu/ignored-bits", test_ignored_bits);
	g_test_add_func("/proto/pdu/malformed", test_malformed);
	g_test_add_func("/proto/pdu/opcode-table", test_opcode_table);
	g_test_add_func("/proto/pdu/lun", test_lun);
	return g_test_run();
}
