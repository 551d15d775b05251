/* Incremental PDU receive parser (see iproto-recv.h for the contract).
 *
 * States: HEADER (collecting BHS + AHS + header digest in the staging
 * buffer), DATA (data segment into its destination, then padding and data
 * digest into `tail`), DONE (a PDU was handed out; the next poll or want
 * releases it), ERROR (fatal). */
#include "config.h"
#include <string.h>
#include "iproto-recv.h"
#include "iproto-digest.h"
#include "iproto-error.h"
#include "iproto-opcode.h"

#define HDR_MAX (IPROTO_BHS_LEN + IPROTO_AHS_MAX_LEN + IPROTO_DIGEST_LEN)
#define DEFAULT_READAHEAD 4096u

typedef enum { ST_HEADER, ST_DATA, ST_DONE, ST_ERROR } State;
typedef enum { W_DATA, W_TAIL, W_STAGE } WantKind;

struct IProtoRecv {
	IProtoRecvConfig cfg;
	State state;

	/* staging buffer: bytes [s_start, s_end) are received, not parsed */
	uint8_t *stage;
	size_t stage_cap, s_start, s_end;

	/* the current PDU's header (BHS + AHS) and its decoding */
	uint8_t hdr[IPROTO_BHS_LEN + IPROTO_AHS_MAX_LEN];
	size_t hdr_len;
	IProtoPdu pdu;

	/* data segment destination and progress */
	struct iovec dest[IPROTO_RECV_MAX_DEST];
	unsigned n_dest, dest_idx;
	size_t dest_off, data_got;
	bool dest_internal;
	uint8_t *buf;            /* internal data buffer, grown, never shrunk */
	size_t buf_cap;

	/* padding + data digest (whether this PDU has one is fixed when its
	 * header is parsed, even if digests are switched meanwhile) */
	uint8_t tail[8];
	unsigned pad, tail_len, tail_got;
	bool tail_digest;

	/* what the last want() offered, for commit() */
	WantKind want_kind[IPROTO_RECV_MAX_WANT];
	size_t want_len[IPROTO_RECV_MAX_WANT];
	unsigned n_want;

	uint8_t bad[IPROTO_BHS_LEN];
	bool have_bad, can_continue;
	GError *fatal;
};

IProtoRecv *iproto_recv_new(const IProtoRecvConfig *config)
{
	IProtoRecv *r = g_new0(IProtoRecv, 1);
	r->cfg = *config;
	if (r->cfg.max_ahs_len == 0 || r->cfg.max_ahs_len > IPROTO_AHS_MAX_LEN)
		r->cfg.max_ahs_len = IPROTO_AHS_MAX_LEN;
	if (r->cfg.max_data_len > IPROTO_DATA_MAX_LEN)
		r->cfg.max_data_len = IPROTO_DATA_MAX_LEN;
	if (r->cfg.readahead == 0)
		r->cfg.readahead = DEFAULT_READAHEAD;
	if (r->cfg.readahead < IPROTO_BHS_LEN)
		r->cfg.readahead = IPROTO_BHS_LEN;
	/* room for a whole header plus the read-ahead */
	r->stage_cap = MAX((size_t) r->cfg.readahead, (size_t) HDR_MAX) + HDR_MAX;
	r->stage = g_malloc(r->stage_cap);
	r->state = ST_HEADER;
	return r;
}

void iproto_recv_free(IProtoRecv *r)
{
	if (!r)
		return;
	g_clear_error(&r->fatal);
	g_free(r->stage);
	g_free(r->buf);
	g_free(r);
}

void iproto_recv_set_digests(IProtoRecv *r, bool header_digest, bool data_digest)
{
	r->cfg.header_digest = header_digest;
	r->cfg.data_digest = data_digest;
}

void iproto_recv_set_max_data_len(IProtoRecv *r, uint32_t max_data_len)
{
	r->cfg.max_data_len = MIN(max_data_len, IPROTO_DATA_MAX_LEN);
}

/* Release a delivered PDU: the next one starts. */
static void release(IProtoRecv *r)
{
	if (r->state == ST_DONE)
		r->state = ST_HEADER;
}

static size_t header_bytes_needed(const IProtoRecv *r)
{
	size_t avail = r->s_end - r->s_start;
	if (avail < IPROTO_BHS_LEN)
		return IPROTO_BHS_LEN - avail;
	size_t need = IPROTO_BHS_LEN + iproto_bhs_ahs_len(r->stage + r->s_start) +
		      (r->cfg.header_digest ? IPROTO_DIGEST_LEN : 0);
	return need > avail ? need - avail : 0;
}

/* Offer staging space: at least what the next header needs, up to the
 * read-ahead; compact first if the free end is too small. */
static void want_stage(IProtoRecv *r, struct iovec *iov, unsigned *n)
{
	size_t avail = r->s_end - r->s_start;
	size_t len = MAX(header_bytes_needed(r), r->cfg.readahead > avail ? r->cfg.readahead - avail : 0);
	if (len == 0)
		len = IPROTO_BHS_LEN;
	if (avail == 0)
		r->s_start = r->s_end = 0;
	else if (r->stage_cap - r->s_end < len) {
		memmove(r->stage, r->stage + r->s_start, avail);
		r->s_start = 0;
		r->s_end = avail;
	}
	len = MIN(len, r->stage_cap - r->s_end);
	if (len == 0)
		return;
	iov[*n].iov_base = r->stage + r->s_end;
	iov[*n].iov_len = len;
	r->want_kind[*n] = W_STAGE;
	r->want_len[*n] = len;
	(*n)++;
}

static void drain_stage(IProtoRecv *r);

unsigned iproto_recv_want(IProtoRecv *r, struct iovec *iov, unsigned max_iov)
{
	unsigned n = 0;
	bool complete = true; /* every remaining data/tail byte was offered */

	release(r);
	max_iov = MIN(max_iov, IPROTO_RECV_MAX_WANT);
	r->n_want = 0;
	if (r->state == ST_ERROR || max_iov == 0)
		return 0;
	if (r->state == ST_DATA) {
		/* bytes read ahead with the header come first, even if the
		 * caller did not poll after setting the destination */
		drain_stage(r);
		size_t left = r->pdu.data_len - r->data_got;
		unsigned i = r->dest_idx;
		size_t off = r->dest_off;
		while (left > 0 && i < r->n_dest && n < max_iov) {
			size_t len = MIN(r->dest[i].iov_len - off, left);
			if (len) {
				iov[n].iov_base = (uint8_t *) r->dest[i].iov_base + off;
				iov[n].iov_len = len;
				r->want_kind[n] = W_DATA;
				r->want_len[n] = len;
				n++;
				left -= len;
			}
			i++;
			off = 0;
		}
		if (left > 0)
			complete = false;
		if (complete && r->tail_got < r->tail_len && n < max_iov) {
			iov[n].iov_base = r->tail + r->tail_got;
			iov[n].iov_len = r->tail_len - r->tail_got;
			r->want_kind[n] = W_TAIL;
			r->want_len[n] = iov[n].iov_len;
			n++;
		} else if (r->tail_got < r->tail_len) {
			complete = false;
		}
	}
	/* Staged bytes must come after the whole current data segment.  With
	 * the minimal read-ahead nothing past the current PDU is read, so a
	 * caller can hand the socket over between PDUs (n == 0 only when the
	 * caller has not polled a finished PDU yet). */
	if (complete && n < max_iov && (r->state != ST_DATA || r->cfg.readahead > IPROTO_BHS_LEN || n == 0))
		want_stage(r, iov, &n);
	r->n_want = n;
	return n;
}

/* Move k data bytes' worth of the destination cursor. */
static void dest_advance(IProtoRecv *r, size_t k)
{
	r->data_got += k;
	while (k > 0 && r->dest_idx < r->n_dest) {
		size_t room = r->dest[r->dest_idx].iov_len - r->dest_off;
		size_t take = MIN(room, k);
		r->dest_off += take;
		k -= take;
		if (r->dest_off == r->dest[r->dest_idx].iov_len) {
			r->dest_idx++;
			r->dest_off = 0;
		}
	}
}

void iproto_recv_commit(IProtoRecv *r, size_t n)
{
	for (unsigned i = 0; i < r->n_want && n > 0; i++) {
		size_t k = MIN(n, r->want_len[i]);
		switch (r->want_kind[i]) {
		case W_DATA:
			dest_advance(r, k);
			break;
		case W_TAIL:
			r->tail_got += (unsigned) k;
			break;
		case W_STAGE:
			r->s_end += k;
			break;
		}
		n -= k;
	}
	r->n_want = 0;
}

static IProtoRecvStatus fail(IProtoRecv *r, GError *err, bool recoverable, GError **error)
{
	if (recoverable) {
		r->can_continue = true;
		r->state = ST_HEADER;
		g_propagate_error(error, err);
	} else {
		r->can_continue = false;
		r->state = ST_ERROR;
		r->fatal = err;
		if (error)
			*error = g_error_copy(err);
	}
	return IPROTO_RECV_ERROR;
}

static void set_internal_dest(IProtoRecv *r, size_t len)
{
	if (r->buf_cap < len) {
		/* len was checked against max_data_len before we get here */
		g_free(r->buf);
		r->buf = g_malloc(len);
		r->buf_cap = len;
	}
	r->dest[0].iov_base = r->buf;
	r->dest[0].iov_len = len;
	r->n_dest = 1;
	r->dest_internal = true;
}

static IProtoRecvStatus parse_header(IProtoRecv *r, GError **error)
{
	size_t avail = r->s_end - r->s_start;
	if (avail < IPROTO_BHS_LEN)
		return IPROTO_RECV_AGAIN;
	const uint8_t *bhs = r->stage + r->s_start;
	memcpy(r->bad, bhs, IPROTO_BHS_LEN);
	r->have_bad = true;

	/* Limits first: nothing below depends on an unchecked length. */
	size_t ahs = iproto_bhs_ahs_len(bhs);
	if (ahs > r->cfg.max_ahs_len)
		return fail(r, g_error_new(IPROTO_ERROR, IPROTO_ERROR_PDU_TOO_LONG,
					   "TotalAHSLength of %zu bytes exceeds the limit of %u",
					   ahs, r->cfg.max_ahs_len), false, error);
	uint32_t dlen = iproto_bhs_data_len(bhs);
	if (dlen > r->cfg.max_data_len)
		return fail(r, g_error_new(IPROTO_ERROR, IPROTO_ERROR_PDU_TOO_LONG,
					   "%s with a %u-byte data segment exceeds MaxRecvDataSegmentLength %u",
					   iproto_opcode_name(bhs[0] & 0x3f), dlen, r->cfg.max_data_len),
			    false, error);
	size_t hlen = IPROTO_BHS_LEN + ahs;
	size_t need = hlen + (r->cfg.header_digest ? IPROTO_DIGEST_LEN : 0);
	if (avail < need)
		return IPROTO_RECV_AGAIN;

	if (r->cfg.header_digest) {
		uint32_t want = iproto_digest_get(bhs + hlen);
		uint32_t got = iproto_crc32c(bhs, hlen);
		if (want != got)
			return fail(r, g_error_new(IPROTO_ERROR, IPROTO_ERROR_HEADER_DIGEST,
						   "header digest mismatch on %s (received 0x%08x, computed 0x%08x)",
						   iproto_opcode_name(bhs[0] & 0x3f), want, got), false, error);
	}
	memcpy(r->hdr, bhs, hlen);
	r->hdr_len = hlen;
	r->s_start += need;

	GError *err = NULL;
	if (!iproto_pdu_decode(&r->pdu, r->hdr, hlen, &err))
		return fail(r, err, false, error);
	const IProtoOpcodeInfo *info = iproto_opcode_info(r->pdu.opcode);
	if ((r->cfg.role == IPROTO_ROLE_TARGET && info->sender != IPROTO_SENDER_INITIATOR) ||
	    (r->cfg.role == IPROTO_ROLE_INITIATOR && info->sender != IPROTO_SENDER_TARGET))
		return fail(r, g_error_new(IPROTO_ERROR, IPROTO_ERROR_PDU_OPCODE,
					   "%s received by the %s", info->name,
					   r->cfg.role == IPROTO_ROLE_TARGET ? "target" : "initiator"),
			    false, error);

	if (dlen == 0) {
		r->state = ST_DONE;
		return IPROTO_RECV_PDU;
	}
	set_internal_dest(r, dlen);
	r->dest_idx = 0;
	r->dest_off = 0;
	r->data_got = 0;
	r->pad = iproto_pad_len(dlen);
	r->tail_digest = r->cfg.data_digest;
	r->tail_len = r->pad + (r->tail_digest ? IPROTO_DIGEST_LEN : 0);
	r->tail_got = 0;
	r->state = ST_DATA;
	return IPROTO_RECV_HEADER;
}

/* Copy k bytes from the staging buffer into the data destination. */
static void stage_to_dest(IProtoRecv *r, size_t k)
{
	const uint8_t *src = r->stage + r->s_start;
	r->s_start += k;
	r->data_got += k;
	while (k > 0 && r->dest_idx < r->n_dest) {
		struct iovec *d = &r->dest[r->dest_idx];
		size_t take = MIN(d->iov_len - r->dest_off, k);
		memcpy((uint8_t *) d->iov_base + r->dest_off, src, take);
		src += take;
		k -= take;
		r->dest_off += take;
		if (r->dest_off == d->iov_len) {
			r->dest_idx++;
			r->dest_off = 0;
		}
	}
}

static uint32_t data_crc(const IProtoRecv *r)
{
	uint32_t state = IPROTO_CRC32C_INIT;
	size_t left = r->pdu.data_len;
	for (unsigned i = 0; i < r->n_dest && left > 0; i++) {
		size_t len = MIN(r->dest[i].iov_len, left);
		state = iproto_crc32c_update(state, r->dest[i].iov_base, len);
		left -= len;
	}
	/* the digest covers the padding bytes as received (sec. 11.1) */
	state = iproto_crc32c_update(state, r->tail, r->pad);
	return iproto_crc32c_finish(state);
}

/* Move bytes that were read ahead into the staging buffer to where they
 * belong: the data destination, then padding/digest. */
static void drain_stage(IProtoRecv *r)
{
	size_t avail = r->s_end - r->s_start;
	size_t k = MIN(avail, (size_t) (r->pdu.data_len - r->data_got));
	if (k)
		stage_to_dest(r, k);
	avail -= k;
	if (r->data_got == r->pdu.data_len && r->tail_got < r->tail_len && avail) {
		k = MIN(avail, (size_t) (r->tail_len - r->tail_got));
		memcpy(r->tail + r->tail_got, r->stage + r->s_start, k);
		r->s_start += k;
		r->tail_got += (unsigned) k;
	}
}

static IProtoRecvStatus parse_data(IProtoRecv *r, GError **error)
{
	drain_stage(r);
	if (r->data_got < r->pdu.data_len || r->tail_got < r->tail_len)
		return IPROTO_RECV_AGAIN;

	if (r->tail_digest) {
		uint32_t want = iproto_digest_get(r->tail + r->pad);
		uint32_t got = data_crc(r);
		if (want != got)
			return fail(r, g_error_new(IPROTO_ERROR, IPROTO_ERROR_DATA_DIGEST,
						   "data digest mismatch on %s (received 0x%08x, computed 0x%08x)",
						   iproto_opcode_name(r->pdu.opcode), want, got), true, error);
	}
	r->state = ST_DONE;
	return IPROTO_RECV_PDU;
}

IProtoRecvStatus iproto_recv_poll(IProtoRecv *r, GError **error)
{
	release(r);
	switch (r->state) {
	case ST_HEADER:
		r->can_continue = false;
		return parse_header(r, error);
	case ST_DATA:
		return parse_data(r, error);
	case ST_ERROR:
		if (error)
			*error = g_error_copy(r->fatal);
		return IPROTO_RECV_ERROR;
	case ST_DONE:
		break;
	}
	g_return_val_if_reached(IPROTO_RECV_ERROR);
}

gboolean iproto_recv_set_data_iov(IProtoRecv *r, const struct iovec *iov, unsigned n_iov)
{
	if (r->state != ST_DATA || r->data_got != 0 || n_iov > IPROTO_RECV_MAX_DEST)
		return FALSE;
	size_t total = 0;
	for (unsigned i = 0; i < n_iov; i++)
		total += iov[i].iov_len;
	if (total < r->pdu.data_len)
		return FALSE;
	memcpy(r->dest, iov, n_iov * sizeof *iov);
	r->n_dest = n_iov;
	r->dest_idx = 0;
	r->dest_off = 0;
	r->dest_internal = false;
	return TRUE;
}

const IProtoPdu *iproto_recv_pdu(const IProtoRecv *r)
{
	return &r->pdu;
}

const uint8_t *iproto_recv_header(const IProtoRecv *r, size_t *len)
{
	*len = r->hdr_len;
	return r->hdr;
}

const uint8_t *iproto_recv_data(const IProtoRecv *r)
{
	if (r->state != ST_DONE || !r->dest_internal || r->pdu.data_len == 0)
		return NULL;
	return r->buf;
}

const uint8_t *iproto_recv_bad_header(const IProtoRecv *r)
{
	return r->have_bad ? r->bad : NULL;
}

bool iproto_recv_can_continue(const IProtoRecv *r)
{
	return r->can_continue;
}

bool iproto_recv_idle(const IProtoRecv *r)
{
	return (r->state == ST_HEADER || r->state == ST_DONE) && r->s_start == r->s_end;
}

gboolean iproto_recv_push(IProtoRecv *r, const void *buf, size_t len, IProtoRecvFunc func,
			  gpointer user_data, size_t *consumed, GError **error)
{
	const uint8_t *in = buf;
	size_t off = 0;
	gboolean ok = TRUE;

	for (;;) {
		IProtoRecvStatus st = iproto_recv_poll(r, error);
		if (st == IPROTO_RECV_HEADER)
			continue; /* the internal buffer takes the data */
		if (st == IPROTO_RECV_PDU) {
			size_t hlen;
			const uint8_t *hdr = iproto_recv_header(r, &hlen);
			const uint8_t *data = iproto_recv_data(r);
			if (!func(&r->pdu, hdr, hlen, data, data ? r->pdu.data_len : 0, user_data)) {
				ok = FALSE;
				break;
			}
			continue;
		}
		if (st == IPROTO_RECV_ERROR) {
			ok = FALSE;
			break;
		}
		if (off == len)
			break;
		struct iovec iov[IPROTO_RECV_MAX_WANT];
		unsigned n = iproto_recv_want(r, iov, IPROTO_RECV_MAX_WANT);
		size_t copied = 0;
		for (unsigned i = 0; i < n && off + copied < len; i++) {
			size_t k = MIN(iov[i].iov_len, len - off - copied);
			memcpy(iov[i].iov_base, in + off + copied, k);
			copied += k;
		}
		iproto_recv_commit(r, copied);
		off += copied;
	}
	if (consumed)
		*consumed = off;
	return ok;
}
