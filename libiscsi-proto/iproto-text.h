/* Text keys on the wire: the key=value lists carried in the data segment of
 * Login and Text PDUs (RFC 7143 sec. 6.1), and the accumulator that joins the
 * data segments of successive PDUs while their C (continue) bit is set.
 *
 * A data segment is a sequence of "key=value" strings, each followed by one
 * NUL byte.  With C=1 a pair may be split across PDUs, so nothing is parsed
 * until the PDU with C=0 arrives.  Every limit is checked before memory is
 * taken for the input. */
#pragma once
#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* sec. 6.1: "Key names MUST NOT exceed 63 bytes." */
#define IPROTO_TEXT_KEY_MAX 63
/* sec. 6.1: a simple-value is at most 255 bytes unless a key says otherwise. */
#define IPROTO_TEXT_VALUE_MAX 255
/* Keys whose values are large-binary-values (CHAP_C, CHAP_R) may be longer;
 * we cap their encoded form at 8192 bytes, the amount of key=value data that
 * sec. 6.1 says every implementation must be able to receive. */
#define IPROTO_TEXT_LARGE_VALUE_MAX 8192
/* Default cap on one text sequence joined across C=1 PDUs: sec. 6.1 asks for
 * at least 8192 bytes, and 64 KiB when long authentication items are used. */
#define IPROTO_TEXT_DEFAULT_LIMIT (64 * 1024)

typedef struct {
	char *key;
	char *value;
} IProtoTextPair;

/* An ordered list of key=value pairs (order matters: list negotiation and
 * the duplicate rule of sec. 6.2 follow the order on the wire). */
typedef struct _IProtoTextList IProtoTextList;

IProtoTextList *iproto_text_list_new(void);
void iproto_text_list_free(IProtoTextList *list);
void iproto_text_list_clear(IProtoTextList *list);
guint iproto_text_list_length(const IProtoTextList *list);
const IProtoTextPair *iproto_text_list_nth(const IProtoTextList *list, guint i);
/* The value of the first pair named key (case-sensitive, sec. 6.1), or NULL. */
const char *iproto_text_list_get(const IProtoTextList *list, const char *key);
/* Appends a pair (copies both strings). */
void iproto_text_list_add(IProtoTextList *list, const char *key, const char *value);
void iproto_text_list_add_uint(IProtoTextList *list, const char *key, guint64 value);
/* Replaces the value of the first pair named key; appends if absent. */
void iproto_text_list_set(IProtoTextList *list, const char *key, const char *value);

/* Parses one complete text (all pairs NUL-terminated) and appends the pairs
 * to list.  Checks the key syntax and length (sec. 6.1) and caps values at
 * IPROTO_TEXT_LARGE_VALUE_MAX; per-key value limits are the negotiation
 * engine's business.  Errors: IPROTO_ERROR_TEXT_FORMAT,
 * IPROTO_ERROR_TEXT_TOO_LONG. */
gboolean iproto_text_list_parse(IProtoTextList *list, const uint8_t *data, gsize len,
				GError **error);

/* Encodes the list as "k=v\0k=v\0..." (the form of a data segment). */
GByteArray *iproto_text_list_encode(const IProtoTextList *list);

/* Splits an encoded text of total bytes into data segments of at most max
 * bytes (the peer's MaxRecvDataSegmentLength).  Returns the length of the
 * chunk that starts at *offset, advances *offset, and sets *more to the C bit
 * the PDU carrying that chunk must have (sec. 6.1: C=1 while more follows). */
gsize iproto_text_next_chunk(gsize total, gsize *offset, gsize max, gboolean *more);

/* Joins the data segments of Login/Text PDUs until one arrives with C=0. */
typedef struct _IProtoTextAccum IProtoTextAccum;

typedef enum {
	IPROTO_TEXT_ACCUM_ERROR = -1,  /* error set: limit exceeded or malformed text */
	IPROTO_TEXT_ACCUM_MORE = 0,    /* C=1: answer with an empty PDU and wait */
	IPROTO_TEXT_ACCUM_DONE = 1,    /* C=0: *out holds the parsed list (caller frees) */
} IProtoTextAccumStatus;

/* limit: the most bytes one text sequence may hold (0 = IPROTO_TEXT_DEFAULT_LIMIT). */
IProtoTextAccum *iproto_text_accum_new(gsize limit);
void iproto_text_accum_free(IProtoTextAccum *acc);
/* Drops a partial text (e.g. after an error or a new negotiation). */
void iproto_text_accum_reset(IProtoTextAccum *acc);
/* Bytes held while waiting for C=0. */
gsize iproto_text_accum_pending(const IProtoTextAccum *acc);
/* Feeds the data segment of one PDU; cont is its C bit.  After DONE or
 * ERROR the accumulator is empty and ready for the next sequence. */
IProtoTextAccumStatus iproto_text_accum_feed(IProtoTextAccum *acc, const uint8_t *data, gsize len,
					     gboolean cont, IProtoTextList **out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(IProtoTextList, iproto_text_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IProtoTextAccum, iproto_text_accum_free)

G_END_DECLS
