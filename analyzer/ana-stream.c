/* iSCSI PDU framing with resynchronisation, see ana-stream.h. */
#include "config.h"
#include "analyzer/ana-stream.h"
#include "analyzer/ana-reasm.h"  /* ANA_GAP_UNKNOWN */
#include "libiscsi-proto/iproto-digest.h"
#include <string.h>

#define HDR_MAX (IPROTO_BHS_LEN + IPROTO_AHS_MAX_LEN + IPROTO_DIGEST_LEN)

typedef enum { ST_HEADER, ST_DATA, ST_DIGEST, ST_RESYNC } State;

struct AnaStream {
	IProtoSender sender;
	AnaStreamFuncs funcs;
	gpointer user_data;
	bool hd, dd;              /* digests for the next header */
	bool cur_hd, cur_dd;      /* digests of the PDU in progress */
	State state;
	uint64_t offset;          /* stream offset of the next byte fed */
	uint64_t pdu_offset;
	uint8_t hdr[HDR_MAX];
	size_t hdr_have, hdr_need;
	IProtoPdu pdu;
	uint32_t data_left;       /* data + padding bytes still to come */
	uint32_t data_got;
	uint32_t crc;
	GByteArray *data;         /* first ANA_STREAM_KEEP_DATA data bytes */
	uint8_t digest[IPROTO_DIGEST_LEN];
	size_t digest_have;
	bool data_lost;
	GByteArray *scan;         /* bytes being searched for a BHS */
	uint64_t skipped;         /* bytes skipped in this resync */
	bool skip_unknown;        /* ... plus an unknown number lost */
};

AnaStream *ana_stream_new(IProtoSender sender, const AnaStreamFuncs *funcs, gpointer user_data)
{
	AnaStream *s = g_new0(AnaStream, 1);

	s->sender = sender;
	s->funcs = *funcs;
	s->user_data = user_data;
	s->data = g_byte_array_new();
	s->scan = g_byte_array_new();
	return s;
}

void ana_stream_free(AnaStream *s)
{
	if (!s)
		return;
	g_byte_array_unref(s->data);
	g_byte_array_unref(s->scan);
	g_free(s);
}

void ana_stream_set_digests(AnaStream *s, bool header_digest, bool data_digest)
{
	s->hd = header_digest;
	s->dd = data_digest;
}

static void event(AnaStream *s, AnaStreamEvent ev, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void event(AnaStream *s, AnaStreamEvent ev, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	s->funcs.event(ev, msg, s->user_data);
}

static bool sender_ok(IProtoSender sender, const IProtoOpcodeInfo *info)
{
	return sender == 0 || info->sender == sender;
}

/* Byte 1 bit 7 is a fixed 1 in these PDUs (RFC 7143 sec. 11.4, 11.5,
 * 11.6, 11.8, 11.9, 11.14-11.19); receivers need not check it, but a
 * search for a header should: runs of zero bytes would otherwise look
 * like NOP-Outs. */
static bool fixed_bit_ok(const uint8_t *bhs)
{
	switch (bhs[0] & 0x3f) {
	case IPROTO_OP_NOP_OUT: case IPROTO_OP_NOP_IN: case IPROTO_OP_TMF_REQ: case IPROTO_OP_TMF_RSP:
	case IPROTO_OP_SCSI_RSP: case IPROTO_OP_R2T: case IPROTO_OP_ASYNC_MSG: case IPROTO_OP_REJECT:
	case IPROTO_OP_LOGOUT_REQ: case IPROTO_OP_LOGOUT_RSP: case IPROTO_OP_SNACK_REQ:
		return (bhs[1] & 0x80) != 0;
	}
	return true;
}

/* One header: *total gets the whole PDU's length on the wire. */
static AnaBhsVerdict one_header(IProtoSender sender, bool header_digest, bool data_digest,
				const uint8_t *buf, size_t len, size_t *total)
{
	const IProtoOpcodeInfo *info;
	IProtoPdu pdu;
	size_t ahs, need;

	if (len < 1)
		return ANA_BHS_NEED_MORE;
	/* Byte 0: bit 7 reserved, bit 6 the I bit, which only initiator
	 * opcodes may set (sec. 11.2.1.1). */
	if (buf[0] & 0x80)
		return ANA_BHS_NO;
	info = iproto_opcode_info(buf[0] & 0x3f);
	if (!info || !sender_ok(sender, info))
		return ANA_BHS_NO;
	if ((buf[0] & 0x40) && !info->may_be_immediate)
		return ANA_BHS_NO;
	if (len < 2)
		return ANA_BHS_NEED_MORE;
	if (!fixed_bit_ok(buf))
		return ANA_BHS_NO;
	if (len < IPROTO_BHS_LEN)
		return ANA_BHS_NEED_MORE;
	if (iproto_bhs_data_len(buf) > ANA_STREAM_RESYNC_MAX_DATA)
		return ANA_BHS_NO;
	ahs = iproto_bhs_ahs_len(buf);
	need = IPROTO_BHS_LEN + ahs + (header_digest ? IPROTO_DIGEST_LEN : 0);
	if (len < need)
		return ANA_BHS_NEED_MORE;
	if (header_digest &&
	    iproto_crc32c(buf, IPROTO_BHS_LEN + ahs) != iproto_digest_get(buf + IPROTO_BHS_LEN + ahs))
		return ANA_BHS_NO;
	if (!iproto_pdu_decode(&pdu, buf, IPROTO_BHS_LEN + ahs, NULL))
		return ANA_BHS_NO;
	*total = need + pdu.data_len + iproto_pad_len(pdu.data_len) +
		 (data_digest && pdu.data_len ? IPROTO_DIGEST_LEN : 0);
	return ANA_BHS_YES;
}

AnaBhsVerdict ana_stream_plausible(IProtoSender sender, bool header_digest, bool data_digest,
				   const uint8_t *buf, size_t len, bool at_end)
{
	size_t total = 0, next_total;
	AnaBhsVerdict v = one_header(sender, header_digest, data_digest, buf, len, &total);

	if (v != ANA_BHS_YES)
		return at_end && v == ANA_BHS_NEED_MORE ? ANA_BHS_NO : v;
	/* Without digests 48 bytes that decode are weak evidence: the PDU
	 * they announce must be followed by another header that decodes.  At
	 * the end of the stream a candidate that claims more bytes than are
	 * left cannot be checked that way, and a real PDU there would be one
	 * the capture cut: take it only if it ends exactly at the end. */
	if (len < total)
		return at_end ? ANA_BHS_NO : ANA_BHS_NEED_MORE;
	if (len == total)
		return at_end ? ANA_BHS_YES : ANA_BHS_NEED_MORE;
	v = one_header(sender, header_digest, data_digest, buf + total, len - total, &next_total);
	if (v == ANA_BHS_NEED_MORE)
		return at_end ? ANA_BHS_YES : ANA_BHS_NEED_MORE;
	return v;
}

static void emit(AnaStream *s)
{
	AnaPduView v = {
		.pdu = &s->pdu,
		.hdr = s->hdr,
		.hdr_len = IPROTO_BHS_LEN + s->pdu.total_ahs_len,
		.data = s->data->data,
		.data_kept = MIN(s->data->len, s->pdu.data_len),
		.offset = s->pdu_offset,
		.hdigest = s->cur_hd,
		.ddigest = s->cur_dd && s->pdu.data_len > 0,
		.data_lost = s->data_lost,
	};

	if (v.ddigest)
		v.ddigest_ok = !s->data_lost &&
			       iproto_crc32c_finish(s->crc) == iproto_digest_get(s->digest);
	s->state = ST_HEADER;
	s->hdr_have = 0;
	s->funcs.pdu(&v, s->user_data);
}

/* The header in s->hdr is not a PDU: the search starts again at its
 * second byte.  The caller puts those bytes back (put_back()) once it has
 * dropped what it consumed. */
static void start_resync(AnaStream *s)
{
	s->skipped = 1;
	s->skip_unknown = false;
	s->state = ST_RESYNC;
}

/* After start_resync(): the scan buffer starts with the bad header's tail. */
static void put_back(AnaStream *s)
{
	size_t n = s->hdr_have - 1;

	g_byte_array_prepend(s->scan, s->hdr + 1, (guint) n);
	s->offset -= n;
	s->hdr_have = 0;
}

static void header_done(AnaStream *s)
{
	size_t hlen = IPROTO_BHS_LEN + iproto_bhs_ahs_len(s->hdr);
	g_autoptr(GError) err = NULL;

	if (s->cur_hd) {
		uint32_t want = iproto_digest_get(s->hdr + hlen);
		uint32_t got = iproto_crc32c(s->hdr, hlen);

		if (want != got) {
			/* sec. 7.8: a header digest error leaves the framing in doubt. */
			event(s, ANA_STREAM_HEADER_DIGEST,
			      "header digest mismatch on %s at stream offset %" G_GUINT64_FORMAT
			      " (received 0x%08x, computed 0x%08x)",
			      iproto_opcode_name(s->hdr[0] & 0x3f), s->pdu_offset, want, got);
			start_resync(s);
			return;
		}
	}
	if (!iproto_pdu_decode(&s->pdu, s->hdr, hlen, &err)) {
		event(s, ANA_STREAM_BAD_HEADER, "invalid PDU header at stream offset %" G_GUINT64_FORMAT ": %s",
		      s->pdu_offset, err->message);
		start_resync(s);
		return;
	}
	g_byte_array_set_size(s->data, 0);
	s->data_lost = false;
	s->data_got = 0;
	s->digest_have = 0;
	s->crc = IPROTO_CRC32C_INIT;
	if (s->pdu.data_len == 0) {
		emit(s);
		return;
	}
	s->data_left = s->pdu.data_len + iproto_pad_len(s->pdu.data_len);
	s->state = ST_DATA;
}

/* Consume bytes of the current PDU; returns how many were used (0 only
 * when the stream must resynchronise). */
static size_t step(AnaStream *s, const uint8_t *p, size_t n)
{
	size_t take;

	switch (s->state) {
	case ST_HEADER:
		if (s->hdr_have == 0) {
			s->pdu_offset = s->offset;
			s->cur_hd = s->hd;
			s->cur_dd = s->dd;
			s->hdr_need = IPROTO_BHS_LEN;
		}
		take = MIN(s->hdr_need - s->hdr_have, n);
		memcpy(s->hdr + s->hdr_have, p, take);
		s->hdr_have += take;
		if (s->hdr_have == IPROTO_BHS_LEN && s->hdr_need == IPROTO_BHS_LEN) {
			const IProtoOpcodeInfo *info = iproto_opcode_info(s->hdr[0] & 0x3f);

			if (!info || !sender_ok(s->sender, info) || (s->hdr[0] & 0x80)) {
				event(s, ANA_STREAM_BAD_HEADER,
				      "no %s PDU at stream offset %" G_GUINT64_FORMAT " (opcode byte 0x%02x)",
				      s->sender == IPROTO_SENDER_TARGET ? "target" : "initiator",
				      s->pdu_offset, s->hdr[0]);
				start_resync(s);
				return take;
			}
			s->hdr_need = IPROTO_BHS_LEN + iproto_bhs_ahs_len(s->hdr) +
				      (s->cur_hd ? IPROTO_DIGEST_LEN : 0);
		}
		if (s->hdr_have == s->hdr_need)
			header_done(s);
		return take;
	case ST_DATA:
		take = MIN(s->data_left, n);
		s->crc = iproto_crc32c_update(s->crc, p, take);
		if (!s->data_lost && s->data->len < ANA_STREAM_KEEP_DATA && s->data_got < s->pdu.data_len) {
			size_t keep = MIN(MIN(take, ANA_STREAM_KEEP_DATA - s->data->len),
					  s->pdu.data_len - s->data_got);
			g_byte_array_append(s->data, p, (guint) keep);
		}
		s->data_got += (uint32_t) take;
		s->data_left -= (uint32_t) take;
		if (s->data_left == 0) {
			if (s->cur_dd)
				s->state = ST_DIGEST;
			else
				emit(s);
		}
		return take;
	case ST_DIGEST:
		take = MIN(IPROTO_DIGEST_LEN - s->digest_have, n);
		memcpy(s->digest + s->digest_have, p, take);
		s->digest_have += take;
		if (s->digest_have == IPROTO_DIGEST_LEN)
			emit(s);
		return take;
	case ST_RESYNC:
		break;
	}
	return 0;
}

static void report_resync(AnaStream *s)
{
	if (s->skip_unknown)
		event(s, ANA_STREAM_RESYNC,
		      "resynchronised on a %s BHS at stream offset %" G_GUINT64_FORMAT
		      " after skipping %" G_GUINT64_FORMAT " bytes (and an unknown number lost)",
		      iproto_opcode_name(s->scan->data[0] & 0x3f), s->offset, s->skipped);
	else
		event(s, ANA_STREAM_RESYNC,
		      "resynchronised on a %s BHS at stream offset %" G_GUINT64_FORMAT
		      " after skipping %" G_GUINT64_FORMAT " bytes",
		      iproto_opcode_name(s->scan->data[0] & 0x3f), s->offset, s->skipped);
}

/* Work through s->scan: search while resynchronising, frame otherwise.
 * Leaves at most one incomplete candidate header in it. */
static void drain_scan(AnaStream *s, bool at_end)
{
	size_t pos = 0;

	while (pos < s->scan->len) {
		if (s->state == ST_RESYNC) {
			AnaBhsVerdict v = ana_stream_plausible(s->sender, s->hd, s->dd, s->scan->data + pos,
							       s->scan->len - pos, at_end);
			if (v == ANA_BHS_NEED_MORE)
				break;
			if (v == ANA_BHS_NO) {
				pos++;
				s->offset++;
				s->skipped++;
				continue;
			}
			g_byte_array_remove_range(s->scan, 0, (guint) pos);
			pos = 0;
			report_resync(s);
			s->state = ST_HEADER;
			s->hdr_have = 0;
		}
		size_t used = step(s, s->scan->data + pos, s->scan->len - pos);
		pos += used;
		s->offset += used;
		if (s->state == ST_RESYNC) {
			g_byte_array_remove_range(s->scan, 0, (guint) pos);
			pos = 0;
			put_back(s);
		}
	}
	g_byte_array_remove_range(s->scan, 0, (guint) pos);
}

void ana_stream_feed(AnaStream *s, const uint8_t *buf, size_t len)
{
	while (len > 0 && s->state != ST_RESYNC && s->scan->len == 0) {
		size_t used = step(s, buf, len);
		buf += used;
		len -= used;
		s->offset += used;
		if (s->state == ST_RESYNC)
			put_back(s);
	}
	g_byte_array_append(s->scan, buf, (guint) len);
	drain_scan(s, false);
}

static const char *current_name(const AnaStream *s)
{
	return iproto_opcode_name(s->hdr[0] & 0x3f);
}

void ana_stream_gap(AnaStream *s, uint64_t missing)
{
	if (missing == 0)
		return;
	if (s->state == ST_DATA && missing != ANA_GAP_UNKNOWN && missing < s->data_left) {
		/* The hole is inside a data segment: the framing still holds,
		 * only the data (and its digest) cannot be checked. */
		event(s, ANA_STREAM_GAP,
		      "%" G_GUINT64_FORMAT " bytes missing from the capture inside the data segment of a %s"
		      " at stream offset %" G_GUINT64_FORMAT "; framing kept",
		      missing, current_name(s), s->pdu_offset);
		s->data_left -= (uint32_t) missing;
		s->data_got += (uint32_t) missing;
		s->data_lost = true;
		s->offset += missing;
		return;
	}
	if (missing == ANA_GAP_UNKNOWN && s->offset == 0)
		event(s, ANA_STREAM_GAP, "capture begins mid-connection; searching for a BHS");
	else if (missing == ANA_GAP_UNKNOWN)
		event(s, ANA_STREAM_GAP, "bytes missing from the capture at stream offset %" G_GUINT64_FORMAT
		      "; searching for a BHS", s->offset);
	else
		event(s, ANA_STREAM_GAP, "%" G_GUINT64_FORMAT " bytes missing from the capture at stream offset %"
		      G_GUINT64_FORMAT "; searching for a BHS", missing, s->offset);
	if ((s->state == ST_HEADER && s->hdr_have > 0) || s->state == ST_DATA || s->state == ST_DIGEST)
		event(s, ANA_STREAM_TRUNCATED, "%s at stream offset %" G_GUINT64_FORMAT " cut by the gap",
		      current_name(s), s->pdu_offset);
	if (s->state != ST_RESYNC) {
		s->skipped = 0;
		s->skip_unknown = false;
	}
	/* Bytes held for a candidate header now precede a hole: useless. */
	s->skipped += s->scan->len;
	g_byte_array_set_size(s->scan, 0);
	s->state = ST_RESYNC;
	s->hdr_have = 0;
	if (missing == ANA_GAP_UNKNOWN)
		s->skip_unknown = true;
	else
		s->offset += missing;
}

void ana_stream_end(AnaStream *s)
{
	/* The last PDU of a stream has no successor to vouch for it. */
	if (s->state == ST_RESYNC && s->scan->len > 0)
		drain_scan(s, true);
	if ((s->state == ST_HEADER && s->hdr_have > 0) || s->state == ST_DATA || s->state == ST_DIGEST)
		event(s, ANA_STREAM_TRUNCATED, "stream ended inside a %s at stream offset %" G_GUINT64_FORMAT,
		      current_name(s), s->pdu_offset);
	else if (s->state == ST_RESYNC)
		event(s, ANA_STREAM_TRUNCATED, "stream ended while searching for a BHS; %" G_GUINT64_FORMAT
		      " bytes skipped", s->skipped + s->scan->len);
	g_byte_array_set_size(s->scan, 0);
	s->state = ST_HEADER;
	s->hdr_have = 0;
}
