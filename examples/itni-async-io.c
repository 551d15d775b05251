/* Example: asynchronous SCSI I/O with scatter-gather buffers through the
 * itnexus initiator library, driven by a GLib main loop.
 *
 *   itni-async-io iscsi://[user%secret@]host[:port]/target-iqn/lun
 *
 * Writes 8 chunks of 64 KiB, each from three separate buffers (an iovec of
 * 3 entries), keeps them all in flight at once, then reads them back into
 * a differently split set of buffers and compares.  The LUN's first 512 KiB
 * are overwritten.  Build against the installed library with
 *   cc itni-async-io.c $(pkg-config --cflags --libs itnexus-initiator glib-2.0) */
#include <stdio.h>
#include <string.h>
#include <itni.h>

#define CHUNKS 8
#define CHUNK (64 * 1024)

typedef struct {
	GMainLoop *loop;
	ItniSession *s;
	guint64 lun;
	guint32 block_size;
	int pending, failed;
	guint8 *out, *in;
	struct iovec wiov[CHUNKS][3], riov[CHUNKS][2];
} Example;

static void done(ItniTask *task, gpointer data)
{
	Example *ex = data;
	GError *e = itni_task_to_error(task);
	if (e) {
		fprintf(stderr, "itni-async-io: %s\n", e->message);
		g_error_free(e);
		ex->failed++;
	}
	if (--ex->pending == 0)
		g_main_loop_quit(ex->loop);
}

/* Submit every chunk at once; completions arrive in any order. */
static void run_all(Example *ex, gboolean write)
{
	guint32 blocks = CHUNK / ex->block_size;
	for (int i = 0; i < CHUNKS; i++) {
		guint64 lba = (guint64) i * blocks;
		ex->pending++;
		if (write)
			itni_write_async(ex->s, ex->lun, lba, blocks, FALSE, ex->wiov[i], 3, done, ex);
		else
			itni_read_async(ex->s, ex->lun, lba, blocks, ex->riov[i], 2, done, ex);
	}
	g_main_loop_run(ex->loop);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: itni-async-io iscsi://[user%%secret@]host[:port]/target-iqn/lun\n");
		return 2;
	}
	GError *e = NULL;
	ItniConfig *cfg = itni_config_new();
	if (!itni_config_set_url(cfg, argv[1], &e) || itni_config_get_lun(cfg) < 0) {
		fprintf(stderr, "itni-async-io: %s\n", e ? e->message : "the URL needs a LUN");
		return 2;
	}
	itni_config_apply_environment(cfg);

	/* No library threads: the GLib main loop drives the I/O through the
	 * context's GSource, and every callback runs in this thread. */
	ItniContext *ctx = itni_context_new(0);
	GSource *src = itni_context_create_source(ctx);
	g_source_attach(src, NULL);

	Example ex = { .loop = g_main_loop_new(NULL, FALSE), .lun = (guint64) itni_config_get_lun(cfg) };
	ex.s = itni_session_new(ctx, cfg);
	ItniCapacity cap;
	if (!itni_session_login_sync(ex.s, &e) || !itni_read_capacity_sync(ex.s, ex.lun, &cap, &e)) {
		fprintf(stderr, "itni-async-io: %s\n", e->message);
		return 1;
	}
	ex.block_size = cap.block_size;
	if (CHUNK % cap.block_size || cap.n_blocks * cap.block_size < (guint64) CHUNKS * CHUNK) {
		fprintf(stderr, "itni-async-io: the LUN is too small or has an odd block size\n");
		return 1;
	}

	ex.out = g_malloc(CHUNKS * CHUNK);
	ex.in = g_malloc0(CHUNKS * CHUNK);
	for (gsize i = 0; i < CHUNKS * CHUNK; i++)
		ex.out[i] = (guint8) (i * 131 + i / 4096);
	/* Writes: each chunk from three pieces of unequal size. */
	for (int i = 0; i < CHUNKS; i++) {
		guint8 *p = ex.out + (gsize) i * CHUNK;
		ex.wiov[i][0] = (struct iovec) { p, 1000 };
		ex.wiov[i][1] = (struct iovec) { p + 1000, 30000 };
		ex.wiov[i][2] = (struct iovec) { p + 31000, CHUNK - 31000 };
		/* Reads: two pieces, split elsewhere. */
		guint8 *q = ex.in + (gsize) i * CHUNK;
		ex.riov[i][0] = (struct iovec) { q, 4097 };
		ex.riov[i][1] = (struct iovec) { q + 4097, CHUNK - 4097 };
	}
	run_all(&ex, TRUE);
	if (!ex.failed)
		run_all(&ex, FALSE);
	int rc = ex.failed ? 1 : memcmp(ex.out, ex.in, CHUNKS * CHUNK) != 0 ? 1 : 0;
	printf("%s: %d chunks of %d bytes written and read back with scatter-gather: %s\n", "itni-async-io",
	       CHUNKS, CHUNK, rc ? "MISMATCH" : "identical");

	itni_session_free(ex.s);
	g_source_destroy(src);
	g_source_unref(src);
	itni_context_free(ctx);
	itni_config_free(cfg);
	g_main_loop_unref(ex.loop);
	g_free(ex.out);
	g_free(ex.in);
	return rc;
}
