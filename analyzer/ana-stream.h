/* iSCSI PDU framing of one reassembled byte stream (RFC 7143 sec. 11.1):
 * BHS, AHS, header digest, data segment, padding, data digest.
 *
 * Unlike a daemon's receive parser this one never gives up.  Data segments
 * are streamed (only the first keep_data bytes are held, the rest are only
 * digested), so a hostile DataSegmentLength costs no memory.  After a gap
 * in the capture or a header that cannot be a PDU it scans byte by byte for
 * a plausible BHS (defined opcode sent by this side, a header the decoder
 * accepts, a modest data length, a matching header digest when digests are
 * on, and another such header right after the PDU it announces) and
 * carries on from there, saying how many bytes it skipped.
 * Decoding is libiscsi-proto's (iproto_pdu_decode); this file only frames. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "libiscsi-proto/iproto-opcode.h"
#include "libiscsi-proto/iproto-pdu.h"

G_BEGIN_DECLS

/* Data bytes held per PDU for decoding (text keys, sense, Reject header). */
#define ANA_STREAM_KEEP_DATA (64u * 1024u)
/* A resynchronisation candidate must announce no more data than this. */
#define ANA_STREAM_RESYNC_MAX_DATA (256u * 1024u)

typedef struct {
	const IProtoPdu *pdu;
	const uint8_t *hdr;      /* BHS + AHS */
	size_t hdr_len;
	const uint8_t *data;     /* the first data_kept bytes of the data segment */
	size_t data_kept;
	uint64_t offset;         /* stream offset of the BHS */
	bool hdigest;            /* a header digest was present (and matched) */
	bool ddigest;            /* a data digest was present */
	bool ddigest_ok;         /* ... and matched */
	bool data_lost;          /* a capture gap fell inside the data segment */
} AnaPduView;

typedef enum {
	ANA_STREAM_GAP,          /* bytes missing from the capture */
	ANA_STREAM_RESYNC,       /* framing found again after skipping bytes */
	ANA_STREAM_BAD_HEADER,   /* a header that is not a valid PDU */
	ANA_STREAM_HEADER_DIGEST,/* header digest mismatch: framing not trusted */
	ANA_STREAM_TRUNCATED,    /* the stream ended inside a PDU */
} AnaStreamEvent;

typedef struct {
	void (*pdu)(const AnaPduView *view, gpointer user_data);
	/* message is a complete sentence without the flow. */
	void (*event)(AnaStreamEvent ev, const char *message, gpointer user_data);
} AnaStreamFuncs;

typedef struct AnaStream AnaStream;

/* sender: who sends on this direction (checked for every opcode), or 0
 * when unknown. */
AnaStream *ana_stream_new(IProtoSender sender, const AnaStreamFuncs *funcs, gpointer user_data);
void ana_stream_free(AnaStream *s);
/* Digests negotiated at login (sec. 13.1), from the next PDU header on. */
void ana_stream_set_digests(AnaStream *s, bool header_digest, bool data_digest);
void ana_stream_feed(AnaStream *s, const uint8_t *buf, size_t len);
/* missing bytes were lost before the next feed (ANA_GAP_UNKNOWN if not
 * known). */
void ana_stream_gap(AnaStream *s, uint64_t missing);
/* The stream ended: reports a PDU cut short. */
void ana_stream_end(AnaStream *s);

typedef enum { ANA_BHS_NO, ANA_BHS_YES, ANA_BHS_NEED_MORE } AnaBhsVerdict;
/* Could buf (len bytes available) start a PDU sent by sender?  The header
 * must decode and announce a modest length, and the header after that PDU
 * must decode too (at_end: the stream has ended, so a PDU that reaches it
 * needs no successor). */
AnaBhsVerdict ana_stream_plausible(IProtoSender sender, bool header_digest, bool data_digest,
				   const uint8_t *buf, size_t len, bool at_end);

G_END_DECLS
