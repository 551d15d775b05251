/* Backstores: where a LUN's blocks live.  Two kinds, chosen by the spec
 * string: "file:PATH" (regular file or block device, backstore-file.c) and
 * "mem:SIZE" (one anonymous mapping, backstore-mem.c).  All calls may run
 * concurrently from several threads; offsets and lengths are in bytes and
 * already checked against the size by the SCSI layer. */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <sys/uio.h>

G_BEGIN_DECLS

typedef struct TgtBackstore TgtBackstore;

typedef struct {
	/* A pointer straight into the store for [off, off+len), or NULL when the
	 * kind has no such mapping (then read() is used). */
	guint8 *(*direct)(TgtBackstore *b, guint64 off, gsize len);
	/* 0 or -errno.  Short reads past EOF of a file read as zeros. */
	int (*read)(TgtBackstore *b, void *buf, gsize len, guint64 off);
	/* fua: the data is on stable storage when this returns (SBC-3 5.40). */
	int (*write)(TgtBackstore *b, const void *buf, gsize len, guint64 off, gboolean fua);
	int (*flush)(TgtBackstore *b);
	/* Deallocate [off, off+len); afterwards the range reads as zeros. */
	int (*unmap)(TgtBackstore *b, guint64 off, guint64 len);
	/* Provisioning status at off: *mapped, and how many bytes from off share
	 * it (at least 1, at most to the end).  0 or -errno. */
	int (*status)(TgtBackstore *b, guint64 off, gboolean *mapped, guint64 *run);
	/* Current size in bytes (a file may have grown); 0 or -errno. */
	int (*get_size)(TgtBackstore *b, guint64 *size);
	void (*close)(TgtBackstore *b);
} TgtBackstoreOps;

struct TgtBackstore {
	const TgtBackstoreOps *ops;
	guint64 size;              /* bytes */
	gboolean read_only;
	gboolean can_unmap;        /* UNMAP deallocates (LBPU/LBPWS) */
	guint32 unmap_granularity; /* bytes: whole granules become holes */
	char *description;         /* for logs: "file:/path", "mem:64M" */
};

/* Opens a backstore from "file:PATH" or "mem:SIZE". */
TgtBackstore *tgt_backstore_open(const char *spec, gboolean read_only, GError **error);
void tgt_backstore_close(TgtBackstore *b);

/* "4096", "64K", "64M", "1G", "2T" (binary multiples) -> bytes. */
gboolean tgt_backstore_parse_size(const char *text, guint64 *bytes, GError **error);

/* Implementations, used by tgt_backstore_open(). */
TgtBackstore *tgt_backstore_mem_new(guint64 size, GError **error);
TgtBackstore *tgt_backstore_file_new(const char *path, gboolean read_only, GError **error);

G_END_DECLS
