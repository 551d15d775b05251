/* CRC32C digests through ISA-L (see iproto-digest.h for the conventions). */
#include "config.h"
#include <limits.h>
#include <isa-l/crc.h>
#include "iproto-digest.h"

uint32_t iproto_crc32c_update(uint32_t state, const void *buf, size_t len)
{
	/* crc32_iscsi takes an int length and a non-const pointer (it does not
	 * write through it); feed huge buffers in INT_MAX slices. */
	unsigned char *p = (unsigned char *) (uintptr_t) buf;
	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int) len;
		state = crc32_iscsi(p, n, state);
		p += n;
		len -= (size_t) n;
	}
	return state;
}

uint32_t iproto_crc32c(const void *buf, size_t len)
{
	return iproto_crc32c_finish(iproto_crc32c_update(IPROTO_CRC32C_INIT, buf, len));
}

uint32_t iproto_crc32c_iov(const struct iovec *iov, unsigned n_iov, unsigned pad)
{
	static const uint8_t zeros[4];
	uint32_t state = IPROTO_CRC32C_INIT;

	for (unsigned i = 0; i < n_iov; i++)
		state = iproto_crc32c_update(state, iov[i].iov_base, iov[i].iov_len);
	if (pad)
		state = iproto_crc32c_update(state, zeros, pad > 4 ? 4 : pad);
	return iproto_crc32c_finish(state);
}
