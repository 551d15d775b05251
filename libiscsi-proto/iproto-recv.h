/* Incremental receive parser for iSCSI PDUs (RFC 7143 sec. 11).
 *
 * Two ways to feed it:
 *
 * Pull (daemons, zero copy).  The parser says where the next bytes go:
 *
 *   for (;;) {
 *       struct iovec iov[IPROTO_RECV_MAX_WANT];
 *       unsigned n = iproto_recv_want(r, iov, IPROTO_RECV_MAX_WANT);
 *       ssize_t got = readv(fd, iov, n);          // or recvmsg
 *       if (got <= 0) ...;
 *       iproto_recv_commit(r, got);
 *       for (;;) {
 *           switch (iproto_recv_poll(r, &err)) {
 *           case IPROTO_RECV_AGAIN:  goto read_more;
 *           case IPROTO_RECV_HEADER: // BHS decoded, data segment follows:
 *               pdu = iproto_recv_pdu(r);         // e.g. a Data-Out
 *               iproto_recv_set_data_iov(r, dest, n_dest);  // optional
 *               continue;
 *           case IPROTO_RECV_PDU:    handle(iproto_recv_pdu(r), ...); continue;
 *           case IPROTO_RECV_ERROR:  see below
 *           }
 *       }
 *   }
 *
 * Header bytes are read into an internal staging buffer of `readahead`
 * bytes, so one readv() can take several small PDUs.  When a data segment
 * follows, want() points at the remaining data destination first (the
 * caller's iovecs, or an internal buffer reused from PDU to PDU), then at
 * the padding/digest, then at the staging buffer: bulk data lands in its
 * final place; only bytes that arrived in the staging buffer together with
 * a header are copied (at most readahead bytes).  readahead = 48
 * (IPROTO_BHS_LEN) avoids even that, at the cost of one more readv per PDU,
 * and never reads past the end of the current PDU (so the socket can change
 * hands between PDUs, e.g. after login).
 *
 * Push (tests, fuzzing, captures): iproto_recv_push() copies bytes in and
 * calls a function for every complete PDU.
 *
 * Limits are checked before any allocation: TotalAHSLength against
 * max_ahs_len, DataSegmentLength against max_data_len (our declared
 * MaxRecvDataSegmentLength, sec. 13.12).  Errors:
 *   IPROTO_ERROR_HEADER_DIGEST  the connection must be dropped (sec. 7.8);
 *   IPROTO_ERROR_DATA_DIGEST    the PDU was consumed; send a Reject (reason
 *                               0x02, sec. 11.17) and keep going: the next
 *                               poll continues with the next PDU;
 *   IPROTO_ERROR_PDU_FORMAT, _PDU_OPCODE, _PDU_TOO_LONG  protocol errors;
 *                               the stream cannot be resynchronised: send a
 *                               Reject if you like, then close.
 * After any error iproto_recv_bad_header() gives the offending BHS, the data
 * segment of a Reject (sec. 11.17.3).  Only DATA_DIGEST is recoverable
 * (iproto_recv_can_continue()). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <glib.h>
#include "iproto-pdu.h"

G_BEGIN_DECLS

/* Most iovecs want() returns: data destination entries + tail + staging. */
#define IPROTO_RECV_MAX_WANT 68u
/* Most destination iovecs set_data_iov() accepts. */
#define IPROTO_RECV_MAX_DEST 64u

/* Which PDUs we accept: a target receives initiator opcodes only, an
 * initiator target opcodes only (sec. 11.2.1.2); ANY for analyzers. */
typedef enum {
	IPROTO_ROLE_TARGET,
	IPROTO_ROLE_INITIATOR,
	IPROTO_ROLE_ANY,
} IProtoRole;

typedef struct {
	IProtoRole role;
	uint32_t max_data_len;   /* MaxRecvDataSegmentLength we declared; 8192 during login */
	uint32_t max_ahs_len;    /* bytes; 0 means IPROTO_AHS_MAX_LEN */
	uint32_t readahead;      /* staging buffer for headers; 0 means 4096; 48 = exact reads */
	bool header_digest, data_digest;
} IProtoRecvConfig;

typedef enum {
	IPROTO_RECV_AGAIN,   /* need more bytes: want(), read, commit() */
	IPROTO_RECV_HEADER,  /* header decoded, data segment follows */
	IPROTO_RECV_PDU,     /* a complete PDU is available */
	IPROTO_RECV_ERROR,
} IProtoRecvStatus;

typedef struct IProtoRecv IProtoRecv;

IProtoRecv *iproto_recv_new(const IProtoRecvConfig *config);
void iproto_recv_free(IProtoRecv *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IProtoRecv, iproto_recv_free)

/* Take effect from the next PDU header parsed, so call them when handling
 * the PDU after which they change (e.g. digests after the final Login
 * Response; sec. 13.1). */
void iproto_recv_set_digests(IProtoRecv *r, bool header_digest, bool data_digest);
void iproto_recv_set_max_data_len(IProtoRecv *r, uint32_t max_data_len);

/* Pull API. */
unsigned iproto_recv_want(IProtoRecv *r, struct iovec *iov, unsigned max_iov);
void iproto_recv_commit(IProtoRecv *r, size_t n);
IProtoRecvStatus iproto_recv_poll(IProtoRecv *r, GError **error);

/* After IPROTO_RECV_HEADER: read the data segment (exactly
 * iproto_recv_pdu(r)->data_len bytes; the iovecs may hold more) straight
 * into these buffers.  The array is copied; the buffers must stay valid
 * until IPROTO_RECV_PDU (or an error).  FALSE if the iovecs are too short
 * or too many (the internal buffer is used then). */
gboolean iproto_recv_set_data_iov(IProtoRecv *r, const struct iovec *iov, unsigned n_iov);

/* After IPROTO_RECV_HEADER or IPROTO_RECV_PDU: the decoded header. */
const IProtoPdu *iproto_recv_pdu(const IProtoRecv *r);
/* The raw header (BHS + AHS) of the current PDU, *len set to its length. */
const uint8_t *iproto_recv_header(const IProtoRecv *r, size_t *len);
/* After IPROTO_RECV_PDU: the data segment when it went to the internal
 * buffer (valid until the next poll), NULL when it went to the caller's
 * iovecs or is empty. */
const uint8_t *iproto_recv_data(const IProtoRecv *r);

/* After IPROTO_RECV_ERROR: the 48-byte BHS of the offending PDU (NULL if
 * the error happened before a whole BHS arrived), and whether parsing may
 * go on (only after a data digest error). */
const uint8_t *iproto_recv_bad_header(const IProtoRecv *r);
bool iproto_recv_can_continue(const IProtoRecv *r);

/* True between PDUs with no byte of a next PDU received yet: at end of
 * stream anything else is a truncated PDU (IPROTO_ERROR_TRUNCATED for whoever
 * reports it), and only then may the byte stream change hands. */
bool iproto_recv_idle(const IProtoRecv *r);

/* Push API: called for each complete PDU; data is the data segment (from
 * the internal buffer).  Return FALSE to stop. */
typedef gboolean (*IProtoRecvFunc)(const IProtoPdu *pdu, const uint8_t *hdr, size_t hdr_len,
				   const uint8_t *data, size_t data_len, gpointer user_data);
/* Feed len bytes.  Returns TRUE when all bytes were consumed (a trailing
 * partial PDU is kept for the next call); FALSE on error or when func
 * returned FALSE, *consumed (may be NULL) then says how far it got. */
gboolean iproto_recv_push(IProtoRecv *r, const void *buf, size_t len, IProtoRecvFunc func,
			  gpointer user_data, size_t *consumed, GError **error);

G_END_DECLS
