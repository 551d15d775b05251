/* PDU assembly as an iovec list, without copying data (RFC 7143 sec. 11.1).
 *
 * An IProtoIov holds, for up to IPROTO_IOV_MAX_PDUS PDUs, the encoded header
 * bytes (BHS + AHS + header digest) and the padding + data digest bytes, plus
 * a fixed array of struct iovec that references them and the caller's data
 * buffers in wire order:
 *
 *   [hdr0][data0 iov...][pad0+ddigest0][hdr1][data1 iov...]...
 *
 * so a sender writes a PDU, or a whole train of PDUs (e.g. every Data-In of a
 * READ plus its SCSI Response), with one sendmsg()/writev().  Data buffers
 * are referenced, never copied: they must stay valid and unchanged until the
 * bytes are sent.  Partial writes are handled by iproto_iov_advance().
 *
 * Typical use:
 *   IProtoIov *v = g_new(IProtoIov, 1);  // or embed in the connection
 *   iproto_iov_init(v, hdigest, ddigest);
 *   iproto_iov_add(v, &pdu, data_iov, n, &err);   // repeat while it fits
 *   while (iproto_iov_pending_bytes(v)) {
 *       ssize_t n = iproto_iov_send(v, fd);         // sendmsg, MSG_NOSIGNAL
 *       if (n < 0) { if (n == -EAGAIN) wait POLLOUT; else fail; }
 *   }
 *   iproto_iov_clear(v);
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <glib.h>
#include "iproto-pdu.h"

G_BEGIN_DECLS

/* Well below IOV_MAX (1024 on Linux) so one array always fits a sendmsg. */
#define IPROTO_IOV_MAX_ENTRIES 256u
#define IPROTO_IOV_MAX_PDUS 32u
/* BHS + the AHS we can emit (Extended CDB for a 260-byte CDB: 248 bytes;
 * Bidirectional length: 8 bytes) + header digest. */
#define IPROTO_IOV_HDR_MAX (IPROTO_BHS_LEN + 256u + IPROTO_DIGEST_LEN)

typedef struct {
	uint8_t hdr[IPROTO_IOV_HDR_MAX];
	uint8_t tail[8];         /* up to 3 pad bytes + data digest */
} IProtoIovSlot;

typedef struct {
	struct iovec iov[IPROTO_IOV_MAX_ENTRIES];
	unsigned n_iov;          /* entries filled */
	unsigned cur;            /* first entry not completely sent */
	size_t pending;          /* bytes not yet sent */
	unsigned n_pdus;
	bool header_digest, data_digest;
	IProtoIovSlot slot[IPROTO_IOV_MAX_PDUS];
} IProtoIov;

void iproto_iov_init(IProtoIov *v, bool header_digest, bool data_digest);
/* Forget all PDUs (sent or not); keeps the digest settings.  Digests may
 * be switched (after login) only on an empty IProtoIov. */
void iproto_iov_clear(IProtoIov *v);
void iproto_iov_set_digests(IProtoIov *v, bool header_digest, bool data_digest);

/* True if a PDU whose data comes in n_data buffers fits. */
bool iproto_iov_fits(const IProtoIov *v, unsigned n_data);

/* Append one PDU.  pdu->data_len is ignored: the sum of the data iovecs is
 * used (zero-length entries are skipped).  Fails with IPROTO_ERROR_NO_SPACE
 * when the PDU does not fit (v is unchanged), or with
 * IPROTO_ERROR_INVALID_ARGUMENT when it cannot be encoded. */
gboolean iproto_iov_add(IProtoIov *v, const IProtoPdu *pdu,
		       const struct iovec *data, unsigned n_data, GError **error);
/* Same, with the data in one buffer (may be NULL when len is 0). */
gboolean iproto_iov_add_buf(IProtoIov *v, const IProtoPdu *pdu,
			   const void *data, size_t len, GError **error);

/* The iovecs still to send (from the first unsent byte). */
const struct iovec *iproto_iov_pending(const IProtoIov *v, unsigned *n_iov);
static inline size_t iproto_iov_pending_bytes(const IProtoIov *v)
{
	return v->pending;
}
/* Mark n bytes as sent (n <= pending).  Returns true when all are sent. */
bool iproto_iov_advance(IProtoIov *v, size_t n);

/* One sendmsg(fd, pending iovecs, MSG_NOSIGNAL) and advance.  Returns the
 * byte count written, or -errno (e.g. -EAGAIN on a non-blocking socket). */
ssize_t iproto_iov_send(IProtoIov *v, int fd);

G_END_DECLS
