/* Helper for initiator-coalesce-targetd.sh: receive coalescing (conn.c)
 * under a deep queue must never hold back an answer.
 *
 * Phase 1 keeps 32 reads of 4 KiB in flight for a while, every one checked
 * against a pattern written first: the connection measures its receive
 * rate and starts asking the kernel to wake it only for several answers at
 * once.  Phase 2 then replaces every completed read by one past the end of
 * the LUN: each of those is answered by a SCSI Response with sense data and
 * no Data-In, far less than the queue was expected to bring, so only the
 * coalescing tick can deliver them.  All must complete, quickly, with
 * ILLEGAL REQUEST.  Phase 3 checks that good reads still work afterwards.
 *   initiator-coalesce URL   (exit 0 and TAP lines on stdout) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "initiator/itni.h"

#define QD 32
#define IO_BLOCKS 8
#define AREA_BLOCKS 2048
#define BAD_IOS 640

typedef struct Run Run;
typedef struct {
	Run *r;
	guint i;
	guint8 *buf;
	struct iovec iov;
	guint64 lba;
} Slot;

struct Run {
	ItniSession *s;
	guint64 lun, n_blocks;
	guint32 bs;
	const guint8 *pattern;
	gint64 phase1_end;
	guint phase;          /* 1: good reads, 2: bad reads, 3: good reads */
	guint inflight;
	guint good, bad_left, bad_done, bad_ok, mismatches, other_errors;
	gboolean drained;
	Slot slot[QD];
};

static int n_test;

static void tap(gboolean ok, const char *what)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++n_test, what);
}

static void submit(Run *r, guint i);

static void done(ItniTask *t, gpointer data)
{
	Slot *sl = data;
	Run *r = sl->r;
	guint i = sl->i;
	r->inflight--;
	if (r->slot[i].lba >= r->n_blocks) {
		r->bad_done++;
		/* SBC-3: LOGICAL BLOCK ADDRESS OUT OF RANGE, sense key 5. */
		if (itni_task_get_status(t) == ITNI_STATUS_CHECK_CONDITION && itni_task_get_sense_key(t) == 0x05)
			r->bad_ok++;
		else
			r->other_errors++;
	} else {
		GError *e = itni_task_to_error(t);
		if (e) {
			printf("# read failed: %s\n", e->message);
			g_error_free(e);
			r->other_errors++;
		} else if (memcmp(r->slot[i].buf, r->pattern + r->slot[i].lba * r->bs, (gsize) IO_BLOCKS * r->bs)) {
			r->mismatches++;
		} else {
			r->good++;
		}
	}
	if (r->phase == 1 && g_get_monotonic_time() >= r->phase1_end)
		r->phase = 2;
	if (r->phase == 2 && !r->bad_left)
		r->phase = 0;
	if (r->phase)
		submit(r, i);
	if (!r->inflight)
		r->drained = TRUE;
}

static void submit(Run *r, guint i)
{
	if (r->phase == 2) {
		r->bad_left--;
		r->slot[i].lba = r->n_blocks; /* the first block past the end */
	} else {
		r->slot[i].lba = g_random_int_range(0, AREA_BLOCKS / IO_BLOCKS) * (guint64) IO_BLOCKS;
	}
	r->slot[i].iov = (struct iovec) { r->slot[i].buf, (gsize) IO_BLOCKS * r->bs };
	r->inflight++;
	itni_read_async(r->s, r->lun, r->slot[i].lba, IO_BLOCKS, &r->slot[i].iov, 1, done, &r->slot[i]);
}

/* Run one phase until every read in flight has come back or limit_ms has
 * passed; returns the time it took. */
static gint64 run_phase(ItniContext *ctx, Run *r, guint phase, int limit_ms)
{
	gint64 start = g_get_monotonic_time();
	r->phase = phase;
	r->drained = FALSE;
	for (guint i = 0; i < QD; i++)
		submit(r, i);
	itni_context_run_until(ctx, &r->drained, limit_ms);
	return g_get_monotonic_time() - start;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	ItniConfig *cfg = itni_config_new();
	if (!itni_config_set_url(cfg, argv[1], NULL) || itni_config_get_lun(cfg) < 0)
		return 2;
	ItniContext *ctx = itni_context_new(0);
	ItniSession *s = itni_session_new(ctx, cfg);
	GError *e = NULL;
	ItniCapacity cap;
	printf("1..6\n");
	if (!itni_session_login_sync(s, &e) || !itni_read_capacity_sync(s, (guint64) itni_config_get_lun(cfg), &cap, &e)) {
		printf("Bail out! %s\n", e->message);
		return 1;
	}
	Run r = { .s = s, .lun = (guint64) itni_config_get_lun(cfg), .n_blocks = cap.n_blocks, .bs = cap.block_size };
	if (r.n_blocks < AREA_BLOCKS) {
		printf("Bail out! the LUN is too small\n");
		return 1;
	}
	gsize area = (gsize) AREA_BLOCKS * r.bs;
	g_autofree guint8 *pattern = g_malloc(area);
	for (gsize i = 0; i < area; i++)
		pattern[i] = (guint8) (i * 31 + i / 512);
	struct iovec w = { pattern, area };
	tap(itni_write_sync(s, r.lun, 0, AREA_BLOCKS, &w, 1, &e), "a 1 MiB pattern is written");
	r.pattern = pattern;
	for (guint i = 0; i < QD; i++)
		r.slot[i] = (Slot) { .r = &r, .i = i, .buf = g_malloc((gsize) IO_BLOCKS * r.bs) };

	/* Phase 1 flows into phase 2 without draining, so the bad reads meet
	 * a connection that is coalescing. */
	r.bad_left = BAD_IOS;
	r.phase1_end = g_get_monotonic_time() + 500 * 1000;
	gint64 t12 = run_phase(ctx, &r, 1, 20000);
	printf("# phase 1: %u good reads; phase 2: %u of %d bad reads back, %.0f ms in all\n", r.good,
	       r.bad_done, BAD_IOS, (double) t12 / 1000.0);
	tap(r.good > 1000 && !r.mismatches, "32 reads of 4 KiB in flight return the pattern");
	tap(r.bad_done == BAD_IOS, "every read past the end comes back");
	tap(r.bad_ok == BAD_IOS && !r.other_errors, "each with CHECK CONDITION, ILLEGAL REQUEST");
	/* 20 rounds of 32 answers; one coalescing tick (2 ms) per round would
	 * be 40 ms; a wait for data that never comes would be the 20 s limit. */
	tap(t12 < 500 * 1000 + 3000 * 1000, "they come back without waiting for data that never comes");

	guint before = r.good;
	r.phase1_end = g_get_monotonic_time() + 200 * 1000;
	r.bad_left = 0;
	run_phase(ctx, &r, 1, 20000);
	tap(r.good > before && !r.mismatches && !r.other_errors, "good reads work again afterwards");

	for (guint i = 0; i < QD; i++)
		g_free(r.slot[i].buf);
	itni_session_free(s);
	itni_context_free(ctx);
	itni_config_free(cfg);
	return 0;
}
