/* mem:SIZE backstore: one anonymous mapping.  Reads hand out pointers into
 * it (zero copy).  UNMAP gives whole pages back to the kernel with
 * MADV_DONTNEED, after which they read as zeros (so LBPRZ=1 is honest), and
 * a bitmap of deallocated pages answers GET LBA STATUS.  A page never written
 * counts as deallocated: it has no memory behind it either. */
#include "config.h"
#include "target/backstore.h"
#include "target/scsi.h"
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u
/* No larger than the address space we are willing to reserve. */
#define MEM_MAX (G_GUINT64_CONSTANT(1) << 42)

typedef struct {
	TgtBackstore base;
	guint8 *ram;
	guint64 npages;
	_Atomic uint64_t *holes; /* bit set: page deallocated */
} MemStore;

static inline MemStore *mem(TgtBackstore *b)
{
	return (MemStore *) b;
}

static inline gboolean is_hole(MemStore *m, guint64 page)
{
	return (atomic_load_explicit(&m->holes[page / 64], memory_order_relaxed) >> (page % 64)) & 1;
}

static void mark_pages(MemStore *m, guint64 first, guint64 last, gboolean hole)
{
	for (guint64 p = first; p <= last; p++) {
		uint64_t bit = UINT64_C(1) << (p % 64);

		/* Most writes land on pages already allocated: read first, so the
		 * common case does not bounce the cache line between threads. */
		if (is_hole(m, p) == hole)
			continue;
		if (hole)
			atomic_fetch_or_explicit(&m->holes[p / 64], bit, memory_order_relaxed);
		else
			atomic_fetch_and_explicit(&m->holes[p / 64], ~bit, memory_order_relaxed);
	}
}

static guint8 *mem_direct(TgtBackstore *b, guint64 off, gsize len)
{
	return mem(b)->ram + off;
}

static int mem_read(TgtBackstore *b, void *buf, gsize len, guint64 off)
{
	memcpy(buf, mem(b)->ram + off, len);
	return 0;
}

static int mem_write(TgtBackstore *b, const void *buf, gsize len, guint64 off, gboolean fua)
{
	MemStore *m = mem(b);

	if (len == 0)
		return 0;
	mark_pages(m, off / PAGE, (off + len - 1) / PAGE, FALSE);
	memcpy(m->ram + off, buf, len);
	return 0;
}

static int mem_flush(TgtBackstore *b)
{
	return 0; /* RAM is as stable as this store gets */
}

static int mem_unmap(TgtBackstore *b, guint64 off, guint64 len)
{
	MemStore *m = mem(b);
	guint64 end = off + len;
	guint64 first = (off + PAGE - 1) / PAGE, last = end / PAGE; /* whole pages [first, last) */

	if (len == 0)
		return 0;
	if (first >= last) {
		memset(m->ram + off, 0, len);
		return 0;
	}
	memset(m->ram + off, 0, first * PAGE - off);
	memset(m->ram + last * PAGE, 0, end - last * PAGE);
	mark_pages(m, first, last - 1, TRUE);
	/* A private anonymous mapping reads as zeros after MADV_DONTNEED; should
	 * the kernel refuse, zeroing by hand keeps LBPRZ true. */
	if (madvise(m->ram + first * PAGE, (last - first) * PAGE, MADV_DONTNEED) != 0)
		memset(m->ram + first * PAGE, 0, (last - first) * PAGE);
	return 0;
}

static int mem_status(TgtBackstore *b, guint64 off, gboolean *mapped, guint64 *run)
{
	MemStore *m = mem(b);
	guint64 p = off / PAGE;
	gboolean hole = is_hole(m, p);
	guint64 q = p + 1;

	/* scan at most 1 GiB: the caller asks again for the rest */
	while (q < m->npages && q - p < (1u << 18) && is_hole(m, q) == hole)
		q++;
	*mapped = !hole;
	*run = MIN(q * PAGE, b->size) - off;
	return 0;
}

static int mem_get_size(TgtBackstore *b, guint64 *size)
{
	*size = b->size;
	return 0;
}

static void mem_close(TgtBackstore *b)
{
	MemStore *m = mem(b);

	munmap(m->ram, m->npages * PAGE);
	g_free(m->holes);
	g_free(m);
}

static const TgtBackstoreOps mem_ops = {
	.direct = mem_direct,
	.read = mem_read,
	.write = mem_write,
	.flush = mem_flush,
	.unmap = mem_unmap,
	.status = mem_status,
	.get_size = mem_get_size,
	.close = mem_close,
};

TgtBackstore *tgt_backstore_mem_new(guint64 size, GError **error)
{
	if (size < PAGE || size > MEM_MAX) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID,
			    "mem: size %" G_GUINT64_FORMAT " out of range (4K..4T)", size);
		return NULL;
	}
	guint64 npages = (size + PAGE - 1) / PAGE;
	void *ram = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (ram == MAP_FAILED) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_IO,
			    "mem: cannot map %" G_GUINT64_FORMAT " bytes: %s", size, g_strerror(errno));
		return NULL;
	}
	MemStore *m = g_new0(MemStore, 1);

	m->base.ops = &mem_ops;
	m->base.size = size;
	m->base.can_unmap = TRUE;
	m->base.unmap_granularity = PAGE;
	m->ram = ram;
	m->npages = npages;
	m->holes = g_new(_Atomic uint64_t, (npages + 63) / 64);
	for (guint64 i = 0; i < (npages + 63) / 64; i++)
		atomic_init(&m->holes[i], ~UINT64_C(0));
	return &m->base;
}
