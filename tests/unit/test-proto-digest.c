/* CRC32C digests: the RFC 7143 Appendix B.4 vectors, ISA-L's seed
 * convention, chaining, iovec + padding, and the wire byte order. */
#include "config.h"
#include <string.h>
#include <glib.h>
#include <isa-l/crc.h>
#include "libiscsi-proto/iproto-digest.h"

/* Appendix B.4: each CRC is shown as the bytes sent on the wire. */
typedef struct {
	const char *name;
	uint8_t data[48];
	size_t len;
	uint8_t wire[4];
} Vector;

static Vector vectors[5];

static void setup_vectors(void)
{
	vectors[0] = (Vector) { "32 bytes of zeros", { 0 }, 32, { 0xaa, 0x36, 0x91, 0x8a } };
	vectors[1] = (Vector) { "32 bytes of ones", { 0 }, 32, { 0x43, 0xab, 0xa8, 0x62 } };
	memset(vectors[1].data, 0xff, 32);
	vectors[2] = (Vector) { "32 incrementing bytes", { 0 }, 32, { 0x4e, 0x79, 0xdd, 0x46 } };
	vectors[3] = (Vector) { "32 decrementing bytes", { 0 }, 32, { 0x5c, 0xdb, 0x3f, 0x11 } };
	for (int i = 0; i < 32; i++) {
		vectors[2].data[i] = (uint8_t) i;
		vectors[3].data[i] = (uint8_t) (31 - i);
	}
	/* An iSCSI SCSI Read (10) Command PDU */
	static const uint8_t read10[48] = {
		0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	vectors[4] = (Vector) { "SCSI Read (10) command PDU", { 0 }, 48, { 0x56, 0x3a, 0x96, 0xd9 } };
	memcpy(vectors[4].data, read10, 48);
}

static void test_rfc_vectors(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(vectors); i++) {
		const Vector *v = &vectors[i];
		uint8_t wire[4];
		iproto_digest_put(wire, iproto_crc32c(v->data, v->len));
		g_test_message("%s", v->name);
		g_assert_cmpmem(wire, 4, v->wire, 4);
		g_assert_cmphex(iproto_digest_get(v->wire), ==, iproto_crc32c(v->data, v->len));
	}
	/* The integer value: least significant byte first on the wire. */
	g_assert_cmphex(iproto_crc32c(vectors[0].data, 32), ==, 0x8a9136aa);
}

static void test_chaining(void)
{
	const Vector *v = &vectors[4];
	for (size_t split = 0; split <= v->len; split++) {
		uint32_t s = IPROTO_CRC32C_INIT;
		s = iproto_crc32c_update(s, v->data, split);
		s = iproto_crc32c_update(s, v->data + split, v->len - split);
		g_assert_cmphex(iproto_crc32c_finish(s), ==, iproto_crc32c(v->data, v->len));
	}
	/* empty input: CRC32C of nothing is 0 */
	g_assert_cmphex(iproto_crc32c("", 0), ==, 0);
}

static void test_iov_and_padding(void)
{
	/* 5 data bytes + 3 pad zeros == CRC of the 8-byte padded buffer */
	uint8_t padded[8] = { 'h', 'e', 'l', 'l', 'o', 0, 0, 0 };
	struct iovec iov[2] = { { padded, 2 }, { padded + 2, 3 } };
	g_assert_cmphex(iproto_crc32c_iov(iov, 2, 3), ==, iproto_crc32c(padded, 8));
	g_assert_cmphex(iproto_crc32c_iov(iov, 2, 0), ==, iproto_crc32c(padded, 5));
	g_assert_cmphex(iproto_crc32c_iov(NULL, 0, 0), ==, 0);
}

static void test_large_buffer(void)
{
	/* ISA-L's optimised paths (>= 256 bytes, folding) agree with a
	 * byte-at-a-time chain. */
	gsize n = 1 << 20;
	g_autofree uint8_t *buf = g_malloc(n);
	for (gsize i = 0; i < n; i++)
		buf[i] = (uint8_t) (i * 131 + (i >> 9));
	uint32_t s = IPROTO_CRC32C_INIT;
	for (gsize off = 0; off < n; off += 4093)
		s = iproto_crc32c_update(s, buf + off, MIN(4093, n - off));
	g_assert_cmphex(iproto_crc32c_finish(s), ==, iproto_crc32c(buf, n));
}

/* What iproto-digest.h relies on: ISA-L's crc32_iscsi uses its seed as is
 * and does not invert the result, so the iSCSI CRC is the complement of
 * crc32_iscsi(buf, len, 0xffffffff), and a raw result chains as the next
 * seed. */
static void test_isal_convention(void)
{
	uint8_t zeros[32] = { 0 };
	g_assert_cmphex(crc32_iscsi(zeros, 32, 0xffffffffu), ==, (uint32_t) ~0x8a9136aau);
	g_assert_cmphex(crc32_iscsi(zeros, 0, 0xffffffffu), ==, 0xffffffffu);
	unsigned int half = crc32_iscsi(zeros, 16, 0xffffffffu);
	g_assert_cmphex(crc32_iscsi(zeros + 16, 16, half), ==, (uint32_t) ~0x8a9136aau);
	/* seed 0 without inversion is a different (non-iSCSI) CRC */
	g_assert_cmphex(crc32_iscsi(zeros, 32, 0), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	setup_vectors();
	g_test_add_func("/proto/digest/rfc7143-b4", test_rfc_vectors);
	g_test_add_func("/proto/digest/isal-convention", test_isal_convention);
	g_test_add_func("/proto/digest/chaining", test_chaining);
	g_test_add_func("/proto/digest/iov-padding", test_iov_and_padding);
	g_test_add_func("/proto/digest/large", test_large_buffer);
	return g_test_run();
}
