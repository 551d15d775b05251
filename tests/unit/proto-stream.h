/* Helpers shared by the PDU tests: flatten an IProtoIov into the bytes a
 * writev() would send, and a set of sample PDUs that cover the shapes the
 * receive parser must handle (login text, immediate data with padding, a
 * large Data-Out, a Text PDU with the C bit, a PDU without data, a long CDB
 * in an AHS, a Data-In). */
#pragma once
#include <string.h>
#include <glib.h>
#include "libiscsi-proto/iproto-iov.h"

static inline GByteArray *stream_flatten(const IProtoIov *v)
{
	unsigned n;
	const struct iovec *iov = iproto_iov_pending(v, &n);
	GByteArray *out = g_byte_array_new();
	for (unsigned i = 0; i < n; i++)
		g_byte_array_append(out, iov[i].iov_base, (guint) iov[i].iov_len);
	return out;
}

typedef struct {
	IProtoPdu pdu;
	uint8_t *data;
	size_t len;
} SamplePdu;

#define N_SAMPLES 7
static const uint8_t sample_ext_cdb[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
					    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f };

static inline uint8_t *sample_bytes(size_t len, unsigned seed)
{
	uint8_t *d = g_malloc(len);
	for (size_t i = 0; i < len; i++)
		d[i] = (uint8_t) (i * 7 + seed + (i >> 8));
	return d;
}

static inline void sample_pdus(SamplePdu s[N_SAMPLES])
{
	static const char login_keys[] = "InitiatorName=iqn.2026-01.org.example:host\0"
					 "TargetName=iqn.2026-01.org.example:disk\0"
					 "SessionType=Normal\0AuthMethod=None\0";
	memset(s, 0, sizeof(SamplePdu) * N_SAMPLES);

	iproto_pdu_init(&s[0].pdu, IPROTO_OP_LOGIN_REQ);
	s[0].pdu.itt = 1;
	s[0].pdu.u.login_req = (IProtoLoginReq) { .transit = true, .csg = 0, .nsg = 1,
						  .isid = { 0x80, 0, 0, 0x01, 0, 0x01 }, .cid = 1 };
	s[0].len = sizeof login_keys - 1;
	s[0].data = g_memdup2(login_keys, s[0].len);

	iproto_pdu_init(&s[1].pdu, IPROTO_OP_SCSI_CMD);
	s[1].pdu.itt = 2;
	s[1].pdu.u.scsi_cmd.final = s[1].pdu.u.scsi_cmd.write = true;
	s[1].pdu.u.scsi_cmd.attr = IPROTO_ATTR_SIMPLE;
	s[1].pdu.u.scsi_cmd.lun = 1ull << 48;
	s[1].pdu.u.scsi_cmd.edtl = 1001;
	s[1].pdu.u.scsi_cmd.cmdsn = 7;
	s[1].pdu.u.scsi_cmd.cdb[0] = 0x2a;
	s[1].len = 1001; /* 3 bytes of padding */
	s[1].data = sample_bytes(s[1].len, 1);

	iproto_pdu_init(&s[2].pdu, IPROTO_OP_DATA_OUT);
	s[2].pdu.itt = 2;
	s[2].pdu.u.data_out = (IProtoDataOut) { .final = true, .lun = 1ull << 48, .ttt = 0x77,
						.datasn = 0, .buffer_offset = 1001 };
	s[2].len = 8192;
	s[2].data = sample_bytes(s[2].len, 2);

	iproto_pdu_init(&s[3].pdu, IPROTO_OP_TEXT_REQ);
	s[3].pdu.itt = 3;
	s[3].pdu.u.text_req = (IProtoTextReq) { .cont = true, .ttt = 0xffffffffu, .cmdsn = 8 };
	s[3].len = 30;
	s[3].data = g_memdup2("SendTargets=All\0X-com.example=", 30);

	iproto_pdu_init(&s[4].pdu, IPROTO_OP_NOP_OUT);
	s[4].pdu.immediate = true;
	s[4].pdu.itt = 4;
	s[4].pdu.u.nop_out = (IProtoNopOut) { .ttt = 0xffffffffu, .cmdsn = 9 };

	iproto_pdu_init(&s[5].pdu, IPROTO_OP_SCSI_CMD);
	s[5].pdu.itt = 5;
	s[5].pdu.u.scsi_cmd.final = s[5].pdu.u.scsi_cmd.read = true;
	s[5].pdu.u.scsi_cmd.edtl = 512;
	s[5].pdu.u.scsi_cmd.cdb[0] = 0x7f;
	s[5].pdu.u.scsi_cmd.cdb_len = 32;
	s[5].pdu.u.scsi_cmd.ext_cdb = sample_ext_cdb;

	iproto_pdu_init(&s[6].pdu, IPROTO_OP_DATA_IN);
	s[6].pdu.itt = 5;
	s[6].pdu.u.data_in = (IProtoDataIn) { .final = true, .has_status = true, .ttt = 0xffffffffu,
					      .statsn = 3, .expcmdsn = 10, .maxcmdsn = 41 };
	s[6].len = 512;
	s[6].data = sample_bytes(s[6].len, 6);

	for (int i = 0; i < N_SAMPLES; i++)
		s[i].pdu.data_len = (uint32_t) s[i].len;
}

static inline void sample_free(SamplePdu s[N_SAMPLES])
{
	for (int i = 0; i < N_SAMPLES; i++)
		g_free(s[i].data);
}

/* The wire bytes of samples [first, first + n). */
static inline GByteArray *sample_stream(const SamplePdu *s, unsigned n, bool hd, bool dd)
{
	IProtoIov *v = g_new(IProtoIov, 1);
	iproto_iov_init(v, hd, dd);
	for (unsigned i = 0; i < n; i++) {
		GError *err = NULL;
		g_assert_true(iproto_iov_add_buf(v, &s[i].pdu, s[i].data, s[i].len, &err));
		g_assert_no_error(err);
	}
	GByteArray *out = stream_flatten(v);
	g_free(v);
	return out;
}
