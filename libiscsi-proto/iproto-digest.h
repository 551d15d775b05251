/* CRC32C header and data digests (RFC 7143 sec. 13.1, Appendix B.4).
 *
 * ISA-L's crc32_iscsi() neither inverts its seed nor its result, so the
 * iSCSI CRC is ~crc32_iscsi(buf, len, 0xffffffff); chaining passes the raw
 * (un-inverted) value of one call as the seed of the next.  These helpers
 * hide that.  The digest goes on the wire least significant byte first
 * (Appendix B.4: 32 zero bytes give 0x8a9136aa, sent as aa 36 91 8a). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <glib.h>

G_BEGIN_DECLS

#define IPROTO_CRC32C_INIT 0xffffffffu

/* Running state: start with IPROTO_CRC32C_INIT, update, then finish. */
uint32_t iproto_crc32c_update(uint32_t state, const void *buf, size_t len);
static inline uint32_t iproto_crc32c_finish(uint32_t state)
{
	return ~state;
}
/* One-shot CRC32C of a buffer. */
uint32_t iproto_crc32c(const void *buf, size_t len);
/* CRC32C over an iovec list followed by pad zero bytes (data digest covers
 * the data segment and its padding, sec. 11.1). */
uint32_t iproto_crc32c_iov(const struct iovec *iov, unsigned n_iov, unsigned pad);

/* The digest as it goes on the wire (little-endian byte order). */
static inline void iproto_digest_put(uint8_t out[4], uint32_t crc)
{
	out[0] = (uint8_t) crc;
	out[1] = (uint8_t) (crc >> 8);
	out[2] = (uint8_t) (crc >> 16);
	out[3] = (uint8_t) (crc >> 24);
}
static inline uint32_t iproto_digest_get(const uint8_t in[4])
{
	return (uint32_t) in[0] | (uint32_t) in[1] << 8 | (uint32_t) in[2] << 16 | (uint32_t) in[3] << 24;
}

G_END_DECLS
