/* iovec PDU assembly (see iproto-iov.h). */
#include "config.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "iproto-iov.h"
#include "iproto-digest.h"
#include "iproto-error.h"

void iproto_iov_init(IProtoIov *v, bool header_digest, bool data_digest)
{
	v->header_digest = header_digest;
	v->data_digest = data_digest;
	iproto_iov_clear(v);
}

void iproto_iov_clear(IProtoIov *v)
{
	v->n_iov = 0;
	v->cur = 0;
	v->pending = 0;
	v->n_pdus = 0;
}

void iproto_iov_set_digests(IProtoIov *v, bool header_digest, bool data_digest)
{
	v->header_digest = header_digest;
	v->data_digest = data_digest;
}

bool iproto_iov_fits(const IProtoIov *v, unsigned n_data)
{
	/* header + data + tail */
	return v->n_pdus < IPROTO_IOV_MAX_PDUS && n_data <= IPROTO_IOV_MAX_ENTRIES - 2 &&
	       v->n_iov + n_data + 2 <= IPROTO_IOV_MAX_ENTRIES;
}

static inline void push(IProtoIov *v, void *base, size_t len)
{
	v->iov[v->n_iov].iov_base = base;
	v->iov[v->n_iov].iov_len = len;
	v->n_iov++;
	v->pending += len;
}

gboolean iproto_iov_add(IProtoIov *v, const IProtoPdu *pdu,
			const struct iovec *data, unsigned n_data, GError **error)
{
	if (!iproto_iov_fits(v, n_data)) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_NO_SPACE,
			    "PDU train full (%u PDUs, %u iovecs)", v->n_pdus, v->n_iov);
		return FALSE;
	}
	size_t data_len = 0;
	for (unsigned i = 0; i < n_data; i++)
		data_len += data[i].iov_len;
	if (data_len > IPROTO_DATA_MAX_LEN) {
		g_set_error(error, IPROTO_ERROR, IPROTO_ERROR_INVALID_ARGUMENT,
			    "data segment of %zu bytes exceeds the 24-bit DataSegmentLength", data_len);
		return FALSE;
	}

	IProtoIovSlot *slot = &v->slot[v->n_pdus];
	IProtoPdu copy = *pdu;
	copy.data_len = (uint32_t) data_len;
	size_t hlen = iproto_pdu_encode(&copy, slot->hdr, IPROTO_IOV_HDR_MAX - IPROTO_DIGEST_LEN, error);
	if (hlen == 0)
		return FALSE;
	/* Header digest over BHS + AHS (sec. 11.1, 13.1). */
	if (v->header_digest) {
		iproto_digest_put(slot->hdr + hlen, iproto_crc32c(slot->hdr, hlen));
		hlen += IPROTO_DIGEST_LEN;
	}
	v->n_pdus++;
	push(v, slot->hdr, hlen);
	for (unsigned i = 0; i < n_data; i++)
		if (data[i].iov_len)
			push(v, data[i].iov_base, data[i].iov_len);

	/* Padding to 4 bytes, then the data digest over data + padding; both
	 * only when there is a data segment (sec. 11.1). */
	if (data_len) {
		unsigned pad = iproto_pad_len((uint32_t) data_len);
		size_t tlen = pad;
		memset(slot->tail, 0, pad);
		if (v->data_digest) {
			iproto_digest_put(slot->tail + pad, iproto_crc32c_iov(data, n_data, pad));
			tlen += IPROTO_DIGEST_LEN;
		}
		if (tlen)
			push(v, slot->tail, tlen);
	}
	return TRUE;
}

gboolean iproto_iov_add_buf(IProtoIov *v, const IProtoPdu *pdu,
			    const void *data, size_t len, GError **error)
{
	struct iovec one = { .iov_base = (void *) (uintptr_t) data, .iov_len = len };
	return iproto_iov_add(v, pdu, &one, len ? 1 : 0, error);
}

const struct iovec *iproto_iov_pending(const IProtoIov *v, unsigned *n_iov)
{
	*n_iov = v->n_iov - v->cur;
	return v->iov + v->cur;
}

bool iproto_iov_advance(IProtoIov *v, size_t n)
{
	g_return_val_if_fail(n <= v->pending, v->pending == 0);
	v->pending -= n;
	while (n > 0 && v->cur < v->n_iov) {
		struct iovec *e = &v->iov[v->cur];
		if (n < e->iov_len) {
			/* partially sent entry: move its start */
			e->iov_base = (uint8_t *) e->iov_base + n;
			e->iov_len -= n;
			return false;
		}
		n -= e->iov_len;
		v->cur++;
	}
	/* skip entries emptied exactly at the boundary */
	while (v->cur < v->n_iov && v->iov[v->cur].iov_len == 0)
		v->cur++;
	return v->pending == 0;
}

ssize_t iproto_iov_send(IProtoIov *v, int fd)
{
	unsigned n;
	const struct iovec *iov = iproto_iov_pending(v, &n);
	if (n == 0)
		return 0;
	struct msghdr msg = { .msg_iov = (struct iovec *) (uintptr_t) iov, .msg_iovlen = n };
	ssize_t r;
	do
		r = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	iproto_iov_advance(v, (size_t) r);
	return r;
}
