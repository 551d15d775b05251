/* itnctl perf: a load generator on one LUN through the asynchronous API,
 * QD commands always in flight, for a fixed time; prints IOPS, MB/s and the
 * client CPU time per I/O (getrusage). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "cmd-io.h"

#define PERF_USAGE "itnctl [--json] perf URL [--random] [--write] [--qd N] [--bs SIZE] [--seconds N] [--connections N] [--threads N]"

typedef struct Perf Perf;

typedef struct {
	Perf *p;
	struct iovec iov;
	guint64 rnd;
} Slot;

struct Perf {
	ItniSession *s;
	guint64 lun;
	guint32 bs_blocks;
	guint64 span_blocks;   /* where I/O may go */
	gboolean random, write;
	gint64 end;
	gint stop;             /* atomic: no new submissions */
	gint inflight;
	guint64 ios;           /* atomic adds */
	guint64 seq;           /* next sequential slot, atomic */
	gint failed;
	GError *error;
	GMutex lock;
	gboolean drained;
};

static void submit(Slot *sl);

static void done(ItniTask *t, gpointer data)
{
	Slot *sl = data;
	Perf *p = sl->p;
	GError *e = itni_task_to_error(t);
	if (e) {
		g_mutex_lock(&p->lock);
		if (!p->error)
			p->error = e;
		else
			g_error_free(e);
		g_mutex_unlock(&p->lock);
		g_atomic_int_set(&p->stop, TRUE);
	} else {
		__atomic_add_fetch(&p->ios, 1, __ATOMIC_RELAXED);
	}
	if (!g_atomic_int_get(&p->stop) && g_get_monotonic_time() < p->end) {
		submit(sl);
		return;
	}
	g_atomic_int_set(&p->stop, TRUE);
	if (g_atomic_int_dec_and_test(&p->inflight))
		g_atomic_int_set(&p->drained, TRUE);
}

static void submit(Slot *sl)
{
	Perf *p = sl->p;
	guint64 n = p->span_blocks / p->bs_blocks, lba;
	if (p->random) {
		/* xorshift64: cheap, per slot, no lock. */
		sl->rnd ^= sl->rnd << 13;
		sl->rnd ^= sl->rnd >> 7;
		sl->rnd ^= sl->rnd << 17;
		lba = (sl->rnd % n) * p->bs_blocks;
	} else {
		lba = (__atomic_fetch_add(&p->seq, 1, __ATOMIC_RELAXED) % n) * p->bs_blocks;
	}
	if (p->write)
		itni_write_async(p->s, p->lun, lba, p->bs_blocks, FALSE, &sl->iov, 1, done, sl);
	else
		itni_read_async(p->s, p->lun, lba, p->bs_blocks, &sl->iov, 1, done, sl);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static gboolean parse_uint(const char *s, guint64 lo, guint64 hi, guint64 *out)
{
	char *end;
	guint64 v = g_ascii_strtoull(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return FALSE;
	*out = v;
	return TRUE;
}

int cli_cmd_perf(int argc, char **argv)
{
	CliTargetOpts o = { 0 };
	gboolean random = FALSE, write = FALSE;
	guint64 qd = 32, bs = 4096, seconds = 10, threads = 0;
	for (int i = 1; i < argc; i++) {
		int rc = CLI_EXIT_OK;
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("usage: %s\n\nKeep --qd commands of --bs bytes in flight for --seconds (default\n"
			       "qd 32, bs 4k, 10 s, sequential reads) and print IOPS, MB/s and the\n"
			       "client CPU time per I/O.  --write overwrites the LUN.\n"
			       "  --threads N   I/O threads (default: 0 with one connection, the\n"
			       "                main thread does the I/O; else 2)\n\n" CLI_IO_COMMON_HELP,
			       PERF_USAGE);
			return CLI_EXIT_OK;
		}
		if (cli_io_common_option(argc, argv, &i, &o, PERF_USAGE, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		if (strcmp(a, "--random") == 0) {
			random = TRUE;
			continue;
		}
		if (strcmp(a, "--write") == 0) {
			write = TRUE;
			continue;
		}
		if (!strcmp(a, "--qd") || !strcmp(a, "--bs") || !strcmp(a, "--seconds") || !strcmp(a, "--threads")) {
			if (i + 1 >= argc)
				return cli_usage(PERF_USAGE, "%s needs a value", a);
			const char *v = argv[++i];
			gboolean ok = !strcmp(a, "--qd") ? parse_uint(v, 1, 1024, &qd) :
				      !strcmp(a, "--bs") ? cli_parse_size(v, &bs) && bs > 0 && bs <= (16u << 20) :
				      !strcmp(a, "--seconds") ? parse_uint(v, 1, 86400, &seconds) :
								parse_uint(v, 0, 16, &threads);
			if (!ok)
				return cli_usage(PERF_USAGE, "bad value '%s' for %s", v, a);
			continue;
		}
		if (a[0] == '-')
			return cli_usage(PERF_USAGE, "unknown option '%s'", a);
		if (o.url)
			return cli_usage(PERF_USAGE, "unexpected argument '%s'", a);
		o.url = a;
	}
	if (!o.url)
		return cli_usage(PERF_USAGE, "perf needs a URL");
	GError *error = NULL;
	g_autoptr(ItniConfig) cfg = cli_io_config(&o, TRUE, &error);
	if (!cfg || itni_config_get_lun(cfg) < 0) {
		int rc = error ? cli_fail_error(error) : cli_usage(PERF_USAGE, "the URL names no LUN");
		g_clear_error(&error);
		return rc;
	}
	if (!threads && itni_config_get_connections(cfg) > 1)
		threads = 2;
	ItniContext *ctx = itni_context_new((guint) threads);
	Perf p = { .lun = (guint64) itni_config_get_lun(cfg), .random = random, .write = write };
	g_mutex_init(&p.lock);
	p.s = cli_io_login(ctx, cfg, &error);
	ItniCapacity cap;
	if (!p.s || !itni_read_capacity_sync(p.s, p.lun, &cap, &error)) {
		int rc = cli_fail_error(error);
		g_error_free(error);
		if (p.s)
			itni_session_free(p.s);
		itni_context_free(ctx);
		return rc;
	}
	if (bs % cap.block_size || bs / cap.block_size > cap.n_blocks) {
		itni_session_free(p.s);
		itni_context_free(ctx);
		return cli_fail("--bs must be a multiple of the block size (%u) and fit the LUN", cap.block_size);
	}
	p.bs_blocks = (guint32) (bs / cap.block_size);
	p.span_blocks = cap.n_blocks;
	Slot *slots = g_new0(Slot, qd);
	/* The data is not looked at: every command uses the same buffer, so
	 * the test measures the transport, not cache misses on QD buffers. */
	guint8 *buf = g_malloc0(bs);
	for (guint64 i = 0; i < qd; i++) {
		slots[i].p = &p;
		slots[i].iov = (struct iovec) { buf, bs };
		slots[i].rnd = 0x9e3779b97f4a7c15ull * (i + 1);
	}
	double cpu0 = cpu_seconds();
	gint64 t0 = g_get_monotonic_time();
	p.end = t0 + (gint64) seconds * G_USEC_PER_SEC;
	p.inflight = (gint) qd;
	for (guint64 i = 0; i < qd; i++)
		submit(&slots[i]);
	itni_context_run_until(ctx, &p.drained, -1);
	double elapsed = (double) (g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	double cpu = cpu_seconds() - cpu0;
	int rc = CLI_EXIT_OK;
	if (p.error) {
		rc = cli_fail_error(p.error);
		g_error_free(p.error);
	} else {
		double iops = (double) p.ios / elapsed;
		double mbps = iops * (double) bs / 1e6;
		double cpu_us = p.ios ? cpu * 1e6 / (double) p.ios : 0;
		guint nconn = itni_session_get_n_connections(p.s);
		if (cli_json) {
			CliJson j;
			cli_json_init(&j);
			cli_json_begin_object(&j, NULL);
			cli_json_string(&j, "pattern", random ? "random" : "sequential");
			cli_json_string(&j, "direction", write ? "write" : "read");
			cli_json_int(&j, "bs", (gint64) bs);
			cli_json_int(&j, "qd", (gint64) qd);
			cli_json_int(&j, "connections", nconn);
			cli_json_double(&j, "seconds", elapsed);
			cli_json_int(&j, "ios", (gint64) p.ios);
			cli_json_double(&j, "iops", iops);
			cli_json_double(&j, "mbps", mbps);
			cli_json_double(&j, "cpu_seconds", cpu);
			cli_json_double(&j, "cpu_us_per_io", cpu_us);
			cli_json_int(&j, "tsih", itni_session_get_tsih(p.s));
			ItniConnectionInfo ci[16];
			guint nc = MIN(itni_session_get_connections(p.s, ci, G_N_ELEMENTS(ci)), G_N_ELEMENTS(ci));
			cli_json_begin_array(&j, "per_connection");
			for (guint k = 0; k < nc; k++) {
				cli_json_begin_object(&j, NULL);
				cli_json_int(&j, "cid", ci[k].cid);
				cli_json_string(&j, "local", ci[k].local);
				cli_json_int(&j, "commands", (gint64) ci[k].commands);
				cli_json_end_object(&j);
			}
			cli_json_end_array(&j);
			cli_json_end_object(&j);
			cli_json_print(&j);
		} else {
			printf("%s %s, bs %" G_GUINT64_FORMAT ", qd %" G_GUINT64_FORMAT ", %u connection(s), %.1f s\n"
			       "IOPS %.0f  MB/s %.1f  client CPU %.2f s (%.1f us per I/O)\n",
			       random ? "random" : "sequential", write ? "write" : "read", bs, qd, nconn, elapsed, iops,
			       mbps, cpu, cpu_us);
		}
	}
	itni_session_free(p.s);
	itni_context_free(ctx);
	g_free(buf);
	g_free(slots);
	g_mutex_clear(&p.lock);
	return rc;
}
