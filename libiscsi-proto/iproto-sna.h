/* Serial number arithmetic (RFC 1982 with SERIAL_BITS = 32) for CmdSN,
 * StatSN, DataSN, R2TSN and ExpCmdSN/MaxCmdSN comparisons (RFC 7143
 * sec. 4.2.2.1).  Two numbers exactly 2^31 apart are incomparable: every
 * predicate below is false for them, as RFC 1982 sec. 3.2 leaves it undefined. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define IPROTO_SNA_HALF 0x80000000u

/* a < b */
static inline bool iproto_sna_lt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t) (b - a) < IPROTO_SNA_HALF;
}
/* a > b */
static inline bool iproto_sna_gt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t) (a - b) < IPROTO_SNA_HALF;
}
static inline bool iproto_sna_le(uint32_t a, uint32_t b)
{
	return a == b || iproto_sna_lt(a, b);
}
static inline bool iproto_sna_ge(uint32_t a, uint32_t b)
{
	return a == b || iproto_sna_gt(a, b);
}
/* lo <= sn <= hi: the command window check of sec. 4.2.2.1 (a CmdSN outside
 * [ExpCmdSN, MaxCmdSN] is ignored).  MaxCmdSN = ExpCmdSN - 1 means an
 * empty window, for which this returns false. */
static inline bool iproto_sna_in_window(uint32_t sn, uint32_t lo, uint32_t hi)
{
	return iproto_sna_ge(sn, lo) && iproto_sna_le(sn, hi);
}
