/* file:PATH backstore: a regular file (sparse is fine) or a block device.
 * pread/pwrite at explicit offsets, so any number of threads share one fd.
 * FUA writes use pwritev2(RWF_DSYNC) so data is stable before status is sent
 * (SBC-3 5.40: FUA); UNMAP punches holes (fallocate PUNCH_HOLE|KEEP_SIZE),
 * which read back as zeros, and SEEK_DATA/SEEK_HOLE report them. */
#include "config.h"
#include "target/backstore.h"
#include "target/scsi.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

typedef struct {
	TgtBackstore base;
	int fd;
	gboolean is_blockdev;
} FileStore;

static inline FileStore *file(TgtBackstore *b)
{
	return (FileStore *) b;
}

static int file_read(TgtBackstore *b, void *buf, gsize len, guint64 off)
{
	guint8 *p = buf;

	while (len > 0) {
		ssize_t n = pread(file(b)->fd, p, len, (off_t) off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			/* the file shrank under us: what is not there reads as zeros */
			memset(p, 0, len);
			return 0;
		}
		p += n;
		off += (guint64) n;
		len -= (gsize) n;
	}
	return 0;
}

static int file_write(TgtBackstore *b, const void *buf, gsize len, guint64 off, gboolean fua)
{
	FileStore *f = file(b);
	const guint8 *p = buf;

	while (len > 0) {
		struct iovec iov = { .iov_base = (void *) p, .iov_len = len };
		ssize_t n = pwritev2(f->fd, &iov, 1, (off_t) off, fua ? RWF_DSYNC : 0);

		if (n < 0 && errno == EOPNOTSUPP && fua) {
			/* a kernel or filesystem without RWF_DSYNC: write, then flush */
			n = pwrite(f->fd, p, len, (off_t) off);
			if (n >= 0 && fdatasync(f->fd) != 0)
				return -errno;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		off += (guint64) n;
		len -= (gsize) n;
	}
	return 0;
}

static int file_flush(TgtBackstore *b)
{
	return fdatasync(file(b)->fd) == 0 ? 0 : -errno;
}

static int file_unmap(TgtBackstore *b, guint64 off, guint64 len)
{
	if (len == 0)
		return 0;
	if (fallocate(file(b)->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t) off, (off_t) len) != 0)
		return -errno;
	return 0;
}

static int file_status(TgtBackstore *b, guint64 off, gboolean *mapped, guint64 *run)
{
	FileStore *f = file(b);
	guint64 end = b->size;

	if (f->is_blockdev) {
		*mapped = TRUE;
		*run = end - off;
		return 0;
	}
	off_t data = lseek(f->fd, (off_t) off, SEEK_DATA);

	if (data < 0) {
		if (errno == ENXIO) { /* no data from off to EOF */
			*mapped = FALSE;
			*run = end - off;
			return 0;
		}
		if (errno == EINVAL) { /* no hole reporting here: all mapped */
			*mapped = TRUE;
			*run = end - off;
			return 0;
		}
		return -errno;
	}
	if ((guint64) data > off) {
		*mapped = FALSE;
		*run = MIN((guint64) data, end) - off;
		return 0;
	}
	off_t hole = lseek(f->fd, (off_t) off, SEEK_HOLE);

	if (hole < 0)
		return -errno;
	*mapped = TRUE;
	*run = MAX(MIN((guint64) hole, end), off + 1) - off;
	return 0;
}

static int file_get_size(TgtBackstore *b, guint64 *size)
{
	FileStore *f = file(b);
	struct stat st;

	if (fstat(f->fd, &st) != 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes;

		if (ioctl(f->fd, BLKGETSIZE64, &bytes) != 0)
			return -errno;
		*size = bytes;
	} else {
		*size = (guint64) st.st_size;
	}
	return 0;
}

static void file_close(TgtBackstore *b)
{
	close(file(b)->fd);
	g_free(b);
}

static const TgtBackstoreOps file_ops = {
	.direct = NULL,
	.read = file_read,
	.write = file_write,
	.flush = file_flush,
	.unmap = file_unmap,
	.status = file_status,
	.get_size = file_get_size,
	.close = file_close,
};

TgtBackstore *tgt_backstore_file_new(const char *path, gboolean read_only, GError **error)
{
	int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_IO, "cannot open %s: %s", path, g_strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_INVALID,
			    "%s is not a regular file or a block device", path);
		close(fd);
		return NULL;
	}
	FileStore *f = g_new0(FileStore, 1);

	f->base.ops = &file_ops;
	f->base.read_only = read_only;
	f->fd = fd;
	f->is_blockdev = S_ISBLK(st.st_mode);
	int rc = file_get_size(&f->base, &f->base.size);

	if (rc != 0 || f->base.size == 0) {
		g_set_error(error, TGT_SCSI_ERROR, TGT_SCSI_ERROR_IO, "cannot use %s: %s", path,
			    rc ? g_strerror(-rc) : "size is zero");
		file_close(&f->base);
		return NULL;
	}
	/* Hole punching on a regular file needs filesystem support; a block
	 * device discards.  Probe with an empty-range-free test: punching 0
	 * bytes is EINVAL everywhere, so trust the filesystem type instead and
	 * let a failing UNMAP report the error. */
	f->base.can_unmap = !read_only;
	f->base.unmap_granularity = st.st_blksize > 0 ? (guint32) st.st_blksize : 4096;
	if (f->base.unmap_granularity < 512 || f->base.unmap_granularity > 1024 * 1024)
		f->base.unmap_granularity = 4096;
	return &f->base;
}
