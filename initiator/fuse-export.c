/* FUSE low-level export of LUNs (libfuse3, multi-threaded). */
#include "config.h"

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include "fuse-export.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROOT_INO FUSE_ROOT_ID
/* Transfers per request: with max_write at 1 MiB the kernel sends large
 * writes; reads are split at max_read. */
#define MAX_IO (1024u * 1024u)

typedef struct {
	fuse_ino_t ino;
	fuse_ino_t parent;
	gboolean dir;
	char *name;
	ItniSession *s;        /* files */
	guint64 lun;
	ItniCapacity cap;
	GMutex rmw;            /* serialises partial-block writes */
} Node;

struct ItndFuse {
	char *dir;
	gboolean direct_io;
	struct fuse_session *se;
	GThread *thread;
	GRWLock lock;          /* guards nodes */
	GPtrArray *nodes;      /* Node*, index = ino - 2 */
	time_t started;
};

static Node *node_get(ItndFuse *f, fuse_ino_t ino)
{
	if (ino < 2 || ino - 2 >= f->nodes->len)
		return NULL;
	return f->nodes->pdata[ino - 2];
}

static void fill_attr(ItndFuse *f, fuse_ino_t ino, const Node *n, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_ino = ino;
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_atime = st->st_mtime = st->st_ctime = f->started;
	if (!n || n->dir) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else {
		st->st_mode = S_IFREG | 0600;
		st->st_nlink = 1;
		st->st_size = (off_t) (n->cap.n_blocks * n->cap.block_size);
		st->st_blksize = (blksize_t) MAX(n->cap.block_size, 4096u);
		st->st_blocks = st->st_size / 512;
	}
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	conn->max_write = MAX_IO;
	conn->max_readahead = MAX_IO;
	/* Write-back caching would let the kernel merge small writes but
	 * hide errors until fsync; keep writes synchronous. */
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	ItndFuse *f = fuse_req_userdata(req);
	g_rw_lock_reader_lock(&f->lock);
	for (guint i = 0; i < f->nodes->len; i++) {
		Node *n = f->nodes->pdata[i];
		if (n && n->parent == parent && strcmp(n->name, name) == 0) {
			struct fuse_entry_param e = { .ino = n->ino, .attr_timeout = 1, .entry_timeout = 1 };
			fill_attr(f, n->ino, n, &e.attr);
			g_rw_lock_reader_unlock(&f->lock);
			fuse_reply_entry(req, &e);
			return;
		}
	}
	g_rw_lock_reader_unlock(&f->lock);
	fuse_reply_err(req, ENOENT);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	ItndFuse *f = fuse_req_userdata(req);
	g_rw_lock_reader_lock(&f->lock);
	Node *n = node_get(f, ino);
	if (ino != ROOT_INO && !n) {
		g_rw_lock_reader_unlock(&f->lock);
		fuse_reply_err(req, ENOENT);
		return;
	}
	struct stat st;
	fill_attr(f, ino, n, &st);
	g_rw_lock_reader_unlock(&f->lock);
	fuse_reply_attr(req, &st, 1);
}

/* A LUN has a fixed size: truncation (dd without conv=notrunc opens with
 * O_TRUNC) is accepted and changes nothing. */
static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi)
{
	op_getattr(req, ino, fi);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	ItndFuse *f = fuse_req_userdata(req);
	g_autofree char *buf = g_malloc(size);
	size_t used = 0;
	off_t idx = 0;
	g_rw_lock_reader_lock(&f->lock);
	/* Entries: ".", "..", then the children; off counts them. */
	for (guint i = 0; i < f->nodes->len + 2; i++) {
		Node *n = i >= 2 ? f->nodes->pdata[i - 2] : NULL;
		if (i >= 2 && (!n || n->parent != ino))
			continue;
		idx++;
		if (idx <= off)
			continue;
		struct stat st = { 0 };
		st.st_ino = n ? n->ino : ino;
		st.st_mode = n && !n->dir ? S_IFREG : S_IFDIR;
		const char *name = i == 0 ? "." : i == 1 ? ".." : n->name;
		size_t need = fuse_add_direntry(req, buf + used, size - used, name, &st, idx);
		if (need > size - used)
			break;
		used += need;
	}
	g_rw_lock_reader_unlock(&f->lock);
	fuse_reply_buf(req, buf, used);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	ItndFuse *f = fuse_req_userdata(req);
	g_rw_lock_reader_lock(&f->lock);
	Node *n = node_get(f, ino);
	gboolean ok = n && !n->dir;
	g_rw_lock_reader_unlock(&f->lock);
	if (!ok) {
		fuse_reply_err(req, n ? EISDIR : ENOENT);
		return;
	}
	fi->direct_io = f->direct_io;
	fi->keep_cache = 0;
	fuse_reply_open(req, fi);
}

static int errno_of(const GError *e)
{
	if (e->domain != ITNI_ERROR)
		return EIO;
	switch (e->code) {
	case ITNI_ERROR_TIMEOUT:
		return ETIMEDOUT;
	case ITNI_ERROR_INVALID_ARGUMENT:
		return EINVAL;
	case ITNI_ERROR_CLOSED:
		return ENXIO;
	default:
		return EIO;
	}
}

/* Nodes are never freed while mounted (removed ones become NULL slots),
 * so a pointer taken under the lock stays valid. */
static Node *file_node(ItndFuse *f, fuse_ino_t ino)
{
	g_rw_lock_reader_lock(&f->lock);
	Node *n = node_get(f, ino);
	g_rw_lock_reader_unlock(&f->lock);
	return n && !n->dir && n->s ? n : NULL;
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	ItndFuse *f = fuse_req_userdata(req);
	Node *n = file_node(f, ino);
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	guint64 bs = n->cap.block_size, end = n->cap.n_blocks * bs;
	if ((guint64) off >= end || !size) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	size = (size_t) MIN((guint64) size, end - (guint64) off);
	guint64 first = (guint64) off / bs, last = ((guint64) off + size + bs - 1) / bs;
	gsize span = (gsize) ((last - first) * bs);
	g_autofree guint8 *buf = g_malloc(span);
	struct iovec iov = { buf, span };
	GError *e = NULL;
	if (!itni_read_sync(n->s, n->lun, first, (guint32) (last - first), &iov, 1, &e)) {
		g_warning("read %s: %s", n->name, e->message);
		fuse_reply_err(req, errno_of(e));
		g_error_free(e);
		return;
	}
	fuse_reply_buf(req, (char *) buf + ((guint64) off - first * bs), size);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *data, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	ItndFuse *f = fuse_req_userdata(req);
	Node *n = file_node(f, ino);
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	guint64 bs = n->cap.block_size, end = n->cap.n_blocks * bs;
	if ((guint64) off + size > end) {
		fuse_reply_err(req, ENOSPC);
		return;
	}
	GError *e = NULL;
	gboolean ok;
	if ((guint64) off % bs == 0 && size % bs == 0) {
		/* The common case: whole blocks, sent from FUSE's buffer. */
		struct iovec iov = { (void *) data, size };
		ok = itni_write_sync(n->s, n->lun, (guint64) off / bs, (guint32) (size / bs), &iov, 1, &e);
	} else {
		/* Partial blocks: read, patch, write, under a lock so two
		 * partial writes to one block do not undo each other. */
		guint64 first = (guint64) off / bs, last = ((guint64) off + size + bs - 1) / bs;
		gsize span = (gsize) ((last - first) * bs);
		g_autofree guint8 *buf = g_malloc(span);
		struct iovec iov = { buf, span };
		g_mutex_lock(&n->rmw);
		ok = itni_read_sync(n->s, n->lun, first, (guint32) (last - first), &iov, 1, &e);
		if (ok) {
			memcpy(buf + ((guint64) off - first * bs), data, size);
			ok = itni_write_sync(n->s, n->lun, first, (guint32) (last - first), &iov, 1, &e);
		}
		g_mutex_unlock(&n->rmw);
	}
	if (!ok) {
		g_warning("write %s: %s", n->name, e->message);
		fuse_reply_err(req, errno_of(e));
		g_error_free(e);
		return;
	}
	fuse_reply_write(req, size);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	ItndFuse *f = fuse_req_userdata(req);
	Node *n = file_node(f, ino);
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	GError *e = NULL;
	if (!itni_sync_cache_sync(n->s, n->lun, &e)) {
		g_warning("fsync %s: %s", n->name, e->message);
		fuse_reply_err(req, errno_of(e));
		g_error_free(e);
		return;
	}
	fuse_reply_err(req, 0);
}

static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
			 struct fuse_file_info *fi)
{
	ItndFuse *f = fuse_req_userdata(req);
	Node *n = file_node(f, ino);
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	guint64 bs = n->cap.block_size;
	/* Preallocation: every block of a LUN exists already. */
	if (mode == 0) {
		fuse_reply_err(req, (guint64) off + (guint64) len <= n->cap.n_blocks * bs ? 0 : ENOSPC);
		return;
	}
	if (mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) || !n->cap.thin) {
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	/* Only whole blocks can be unmapped; the edges are left alone
	 * (SBC-3 sec. 5.28 works in logical blocks). */
	guint64 first = ((guint64) off + bs - 1) / bs, last = ((guint64) off + (guint64) len) / bs;
	GError *e = NULL;
	for (guint64 lba = first; lba < last;) {
		guint32 n_blocks = (guint32) MIN(last - lba, (guint64) 1 << 22);
		if (!itni_unmap_sync(n->s, n->lun, lba, n_blocks, &e)) {
			fuse_reply_err(req, errno_of(e));
			g_error_free(e);
			return;
		}
		lba += n_blocks;
	}
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv = { .f_bsize = 4096, .f_frsize = 4096, .f_namemax = 255 };
	fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops ops = {
	.init = op_init,
	.lookup = op_lookup,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readdir = op_readdir,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.flush = op_flush,
	.fsync = op_fsync,
	.fallocate = op_fallocate,
	.statfs = op_statfs,
};

ItndFuse *itnd_fuse_new(const char *dir, gboolean direct_io, GError **error)
{
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_FAILED, "cannot create %s: %s", dir, g_strerror(errno));
		return NULL;
	}
	ItndFuse *f = g_new0(ItndFuse, 1);
	f->dir = g_strdup(dir);
	f->direct_io = direct_io;
	f->nodes = g_ptr_array_new();
	f->started = time(NULL);
	g_rw_lock_init(&f->lock);
	char *argv[] = { "itn-initiatord", "-o", "default_permissions", "-o", "fsname=itnexus", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(5, argv);
	f->se = fuse_session_new(&args, &ops, sizeof ops, f);
	fuse_opt_free_args(&args);
	if (!f->se || fuse_session_mount(f->se, dir) != 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_FAILED, "cannot mount FUSE at %s (is /dev/fuse there?)", dir);
		itnd_fuse_free(f);
		return NULL;
	}
	return f;
}

static gpointer fuse_thread(gpointer data)
{
	ItndFuse *f = data;
	struct fuse_loop_config *cfg = fuse_loop_cfg_create();
	fuse_loop_cfg_set_max_threads(cfg, 16);
	fuse_loop_cfg_set_idle_threads(cfg, 4);
	fuse_session_loop_mt(f->se, cfg);
	fuse_loop_cfg_destroy(cfg);
	return NULL;
}

void itnd_fuse_start(ItndFuse *f)
{
	f->thread = g_thread_new("itnd-fuse", fuse_thread, f);
}

void itnd_fuse_stop(ItndFuse *f)
{
	if (!f->se)
		return;
	fuse_session_exit(f->se);
	/* Unmounting wakes the threads blocked reading /dev/fuse. */
	fuse_session_unmount(f->se);
	if (f->thread)
		g_thread_join(f->thread);
	f->thread = NULL;
}

void itnd_fuse_free(ItndFuse *f)
{
	if (!f)
		return;
	if (f->se) {
		itnd_fuse_stop(f);
		fuse_session_destroy(f->se);
	}
	for (guint i = 0; i < f->nodes->len; i++) {
		Node *n = f->nodes->pdata[i];
		if (n) {
			g_free(n->name);
			g_mutex_clear(&n->rmw);
			g_free(n);
		}
	}
	g_ptr_array_free(f->nodes, TRUE);
	g_rw_lock_clear(&f->lock);
	g_free(f->dir);
	g_free(f);
}

static Node *add_node(ItndFuse *f, fuse_ino_t parent, const char *name, gboolean dir)
{
	for (guint i = 0; i < f->nodes->len; i++) {
		Node *n = f->nodes->pdata[i];
		if (n && n->parent == parent && strcmp(n->name, name) == 0)
			return n;
	}
	Node *n = g_new0(Node, 1);
	n->ino = f->nodes->len + 2;
	n->parent = parent;
	n->dir = dir;
	n->name = g_strdup(name);
	g_mutex_init(&n->rmw);
	g_ptr_array_add(f->nodes, n);
	return n;
}

void itnd_fuse_add_lun(ItndFuse *f, const char *target, guint64 lun, ItniSession *s, const ItniCapacity *cap)
{
	g_rw_lock_writer_lock(&f->lock);
	Node *d = add_node(f, ROOT_INO, target, TRUE);
	g_autofree char *name = g_strdup_printf("lun%" G_GUINT64_FORMAT, lun);
	Node *n = add_node(f, d->ino, name, FALSE);
	n->s = s;
	n->lun = lun;
	n->cap = *cap;
	g_rw_lock_writer_unlock(&f->lock);
}

void itnd_fuse_remove_session(ItndFuse *f, ItniSession *s)
{
	g_rw_lock_writer_lock(&f->lock);
	/* Slots stay (inode numbers are indices); the files disappear. */
	for (guint i = 0; i < f->nodes->len; i++) {
		Node *n = f->nodes->pdata[i];
		if (n && n->s == s) {
			n->s = NULL;
			n->parent = 0;
		}
	}
	/* A target directory with no LUN left goes too (it comes back, as a
	 * new inode, when a session publishes there again). */
	for (guint i = 0; i < f->nodes->len; i++) {
		Node *d = f->nodes->pdata[i];
		if (!d || !d->dir || d->parent != ROOT_INO)
			continue;
		gboolean used = FALSE;
		for (guint k = 0; k < f->nodes->len && !used; k++) {
			Node *n = f->nodes->pdata[k];
			used = n && n->parent == d->ino;
		}
		if (!used)
			d->parent = 0;
	}
	g_rw_lock_writer_unlock(&f->lock);
}

GVariant *itnd_fuse_list(ItndFuse *f)
{
	GVariantBuilder b;
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(stts)"));
	g_rw_lock_reader_lock(&f->lock);
	for (guint i = 0; i < f->nodes->len; i++) {
		Node *n = f->nodes->pdata[i];
		if (!n || n->dir || !n->s)
			continue;
		Node *dir = node_get(f, n->parent);
		g_autofree char *path = g_build_filename(f->dir, dir ? dir->name : "", n->name, NULL);
		g_variant_builder_add(&b, "(stts)", dir ? dir->name : "", n->lun, n->cap.n_blocks * n->cap.block_size,
				      path);
	}
	g_rw_lock_reader_unlock(&f->lock);
	return g_variant_new("(a(stts))", &b);
}
