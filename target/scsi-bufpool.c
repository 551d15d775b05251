/* The data buffer pool: power-of-two size classes from 4 KiB to
 * TGT_SCSI_MAX_XFER, each a small stack of free buffers under its own mutex.
 * In steady state every command reuses a buffer; nothing is allocated. */
#include "config.h"
#include "target/scsi.h"
#include <stdlib.h>

#define MIN_SHIFT 12
#define MAX_SHIFT 24 /* one class above TGT_SCSI_MAX_XFER for EXTENDED COPY chunks */
#define N_CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define CACHE_SMALL 256 /* free buffers kept per class up to 64 KiB */
#define CACHE_LARGE 32

typedef struct {
	GMutex lock;
	guint n;
	gpointer free[CACHE_SMALL];
} SizeClass;

static SizeClass classes[N_CLASSES];

static guint class_of(gsize size)
{
	guint c = 0;

	while (((gsize) 1 << (MIN_SHIFT + c)) < size)
		c++;
	return c;
}

static guint cache_cap(guint c)
{
	return MIN_SHIFT + c <= 16 ? CACHE_SMALL : CACHE_LARGE;
}

gpointer tgt_scsi_buf_get(gsize size, gsize *real_size)
{
	if (size > ((gsize) 1 << MAX_SHIFT)) {
		/* not a pooled size (callers never ask for more; be safe anyway) */
		*real_size = size;
		return g_malloc(size);
	}
	guint c = class_of(size);
	SizeClass *sc = &classes[c];
	gpointer p = NULL;

	*real_size = (gsize) 1 << (MIN_SHIFT + c);
	g_mutex_lock(&sc->lock);
	if (sc->n > 0)
		p = sc->free[--sc->n];
	g_mutex_unlock(&sc->lock);
	if (!p && posix_memalign(&p, 4096, *real_size) != 0)
		g_error("out of memory allocating a %zu byte I/O buffer", *real_size);
	return p;
}

void tgt_scsi_buf_put(gpointer buf, gsize real_size)
{
	if (!buf)
		return;
	if (real_size > ((gsize) 1 << MAX_SHIFT)) {
		g_free(buf);
		return;
	}
	guint c = class_of(real_size);
	SizeClass *sc = &classes[c];

	g_mutex_lock(&sc->lock);
	if (sc->n < cache_cap(c)) {
		sc->free[sc->n++] = buf;
		buf = NULL;
	}
	g_mutex_unlock(&sc->lock);
	free(buf);
}
