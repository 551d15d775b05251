/* itnctl inquiry, readcap, read, write: one LUN over iSCSI, synchronously
 * through the initiator library; plus the option and login helpers the
 * other initiator commands share (cmd-io.h). */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-commands.h"
#include "cli-output.h"
#include "cmd-io.h"

/* ---- shared helpers ---- */

gboolean cli_io_common_option(int argc, char **argv, int *i, CliTargetOpts *o, const char *usage, int *rc)
{
	const char *a = argv[*i];
	const char **value = NULL;
	if (strcmp(a, "--json") == 0)
		return TRUE;
	if (strcmp(a, "--secrets") == 0)
		value = &o->secrets;
	else if (strcmp(a, "--initiator-name") == 0)
		value = &o->initiator;
	else if (strcmp(a, "--connections") == 0) {
		if (*i + 1 >= argc) {
			*rc = cli_usage(usage, "%s needs a value", a);
			return TRUE;
		}
		char *end;
		unsigned long n = strtoul(argv[++*i], &end, 10);
		if (*end || n < 1 || n > 16)
			*rc = cli_usage(usage, "--connections takes 1..16");
		o->connections = (guint) n;
		return TRUE;
	}
	if (!value)
		return FALSE;
	if (*i + 1 >= argc) {
		*rc = cli_usage(usage, "%s needs a value", a);
		return TRUE;
	}
	*value = argv[++*i];
	return TRUE;
}

/* Size suffixes, powers of 1024. */
static const struct {
	char suffix;
	int shift;
} size_suffixes[] = {
	{ 'k', 10 }, { 'K', 10 }, { 'm', 20 }, { 'M', 20 }, { 'g', 30 }, { 'G', 30 }, { 't', 40 }, { 'T', 40 },
};

gboolean cli_parse_size(const char *s, guint64 *out)
{
	char *end;
	errno = 0;
	guint64 v = g_ascii_strtoull(s, &end, 10);
	if (end == s || errno)
		return FALSE;
	int shift = 0;
	if (*end) {
		guint i = 0;
		while (i < G_N_ELEMENTS(size_suffixes) && size_suffixes[i].suffix != *end)
			i++;
		if (i == G_N_ELEMENTS(size_suffixes))
			return FALSE;
		shift = size_suffixes[i].shift;
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
		if (*end)
			return FALSE;
	}
	if (shift && v > (G_MAXUINT64 >> shift))
		return FALSE;
	*out = v << shift;
	return TRUE;
}

ItniConfig *cli_io_config(const CliTargetOpts *o, gboolean need_target, GError **error)
{
	g_autoptr(ItniConfig) cfg = itni_config_new();
	if (!itni_config_set_url(cfg, o->url, error))
		return NULL;
	if (need_target && !itni_config_get_target(cfg)) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "the URL names no target: iscsi://host[:port]/TARGET-IQN/LUN");
		return NULL;
	}
	if (o->secrets && !itni_config_load_secrets(cfg, o->secrets, error))
		return NULL;
	itni_config_apply_environment(cfg);
	if (o->initiator)
		itni_config_set_initiator_name(cfg, o->initiator);
	if (o->connections)
		itni_config_set_connections(cfg, o->connections);
	/* A command line tool: fail fast instead of waiting two minutes
	 * for a target that went away. */
	itni_config_set_replacement_timeout(cfg, 10000);
	return g_steal_pointer(&cfg);
}

ItniSession *cli_io_login(ItniContext *ctx, const ItniConfig *cfg, GError **error)
{
	ItniSession *s = itni_session_new(ctx, cfg);
	if (!itni_session_login_sync(s, error)) {
		itni_session_free(s);
		return NULL;
	}
	return s;
}

int cli_io_lun(const ItniConfig *cfg)
{
	return itni_config_get_lun(cfg);
}

/* Chunk size for read/write/dd: large enough to amortise a round trip,
 * small enough for a pipe. */
#define CHUNK (1024u * 1024u)

static gboolean write_all(int fd, const guint8 *p, gsize n, GError **error)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "write: %s", g_strerror(errno));
			return FALSE;
		}
		p += w;
		n -= (gsize) w;
	}
	return TRUE;
}

static gsize read_full(int fd, guint8 *p, gsize n, GError **error)
{
	gsize got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "read: %s", g_strerror(errno));
			return G_MAXSIZE;
		}
		if (r == 0)
			break;
		got += (gsize) r;
	}
	return got;
}

gboolean cli_io_lun_to_fd(ItniSession *s, guint64 lun, const ItniCapacity *cap, guint64 offset, guint64 length,
			  int fd, guint64 *done, GError **error)
{
	guint64 size = cap->n_blocks * cap->block_size;
	if (offset > size) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
			    "offset %" G_GUINT64_FORMAT " is beyond the end of the LUN (%" G_GUINT64_FORMAT " bytes)",
			    offset, size);
		return FALSE;
	}
	length = MIN(length, size - offset);
	guint32 bs = cap->block_size;
	g_autofree guint8 *buf = g_malloc(CHUNK + bs);
	guint64 pos = offset, end = offset + length;
	*done = 0;
	while (pos < end) {
		guint64 lba = pos / bs;
		guint64 skip = pos % bs;
		guint64 want = MIN(end - pos + skip, CHUNK);
		guint32 blocks = (guint32) ((want + bs - 1) / bs);
		struct iovec iov = { buf, (gsize) blocks * bs };
		if (!itni_read_sync(s, lun, lba, blocks, &iov, 1, error))
			return FALSE;
		gsize n = (gsize) MIN(want - skip, end - pos);
		if (!write_all(fd, buf + skip, n, error))
			return FALSE;
		pos += n;
		*done += n;
	}
	return TRUE;
}

gboolean cli_io_fd_to_lun(ItniSession *s, guint64 lun, const ItniCapacity *cap, guint64 offset, guint64 limit,
			  int fd, guint64 *done, GError **error)
{
	guint64 size = cap->n_blocks * cap->block_size;
	guint32 bs = cap->block_size;
	g_autofree guint8 *buf = g_malloc(CHUNK + 2 * bs);
	guint64 pos = offset;
	*done = 0;
	for (;;) {
		guint64 head = pos % bs;
		guint64 lba = pos / bs;
		gsize room = (gsize) MIN((guint64) CHUNK, limit - *done);
		if (!room)
			break;
		gsize got = read_full(fd, buf + head, room, error);
		if (got == G_MAXSIZE)
			return FALSE;
		if (!got)
			break;
		if (pos + got > size) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_INVALID_ARGUMENT,
				    "the data does not fit: the LUN ends at %" G_GUINT64_FORMAT " bytes", size);
			return FALSE;
		}
		guint64 span = head + got;
		guint32 blocks = (guint32) ((span + bs - 1) / bs);
		/* Partial first or last block: read it first so the bytes
		 * around the new data are kept. */
		if (head) {
			g_autofree guint8 *tmp = g_malloc(bs);
			struct iovec iov = { tmp, bs };
			if (!itni_read_sync(s, lun, lba, 1, &iov, 1, error))
				return FALSE;
			memcpy(buf, tmp, head);
		}
		if (span % bs) {
			g_autofree guint8 *tmp = g_malloc(bs);
			struct iovec iov = { tmp, bs };
			if (!itni_read_sync(s, lun, lba + blocks - 1, 1, &iov, 1, error))
				return FALSE;
			guint64 tail_at = span % bs;
			memcpy(buf + (gsize) (blocks - 1) * bs + tail_at, tmp + tail_at, bs - tail_at);
		}
		struct iovec iov = { buf, (gsize) blocks * bs };
		if (!itni_write_sync(s, lun, lba, blocks, &iov, 1, error))
			return FALSE;
		pos += got;
		*done += got;
		if (got < room)
			break;
	}
	return TRUE;
}

/* ---- rows: table or JSON ---- */

struct CliRows {
	CliJson j;
	CliTable *t;
	guint ncols, col;
	char *cells[CLI_ROWS_MAX_COLS];
};

CliRows *cli_rows_new(const char *array_key, const char *const *headers)
{
	CliRows *r = g_new0(CliRows, 1);
	while (r->ncols < CLI_ROWS_MAX_COLS && headers[r->ncols])
		r->ncols++;
	if (cli_json) {
		cli_json_init(&r->j);
		cli_json_begin_object(&r->j, NULL);
		cli_json_begin_array(&r->j, array_key);
	} else {
		const char *h[CLI_ROWS_MAX_COLS] = { 0 };
		memcpy(h, headers, r->ncols * sizeof *h);
		r->t = cli_table_new(r->ncols, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
	}
	return r;
}

void cli_rows_begin(CliRows *r)
{
	r->col = 0;
	if (cli_json)
		cli_json_begin_object(&r->j, NULL);
}

void cli_rows_str(CliRows *r, const char *key, const char *value)
{
	if (cli_json)
		cli_json_string(&r->j, key, value);
	else if (r->col < r->ncols)
		r->cells[r->col++] = g_strdup(value);
}

void cli_rows_int(CliRows *r, const char *key, gint64 value)
{
	if (cli_json)
		cli_json_int(&r->j, key, value);
	else if (r->col < r->ncols)
		r->cells[r->col++] = g_strdup_printf("%" G_GINT64_FORMAT, value);
}

void cli_rows_bool(CliRows *r, const char *key, gboolean value)
{
	if (cli_json)
		cli_json_bool(&r->j, key, value);
	else if (r->col < r->ncols)
		r->cells[r->col++] = g_strdup(value ? "yes" : "no");
}

void cli_rows_end(CliRows *r)
{
	if (cli_json) {
		cli_json_end_object(&r->j);
		return;
	}
	char **c = r->cells;
	for (guint i = r->col; i < r->ncols; i++)
		c[i] = g_strdup("");
	/* cli_table_add reads exactly ncols cells; the rest are ignored. */
	cli_table_add(r->t, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
	for (guint i = 0; i < r->ncols; i++)
		g_clear_pointer(&c[i], g_free);
}

void cli_rows_print(CliRows *r)
{
	if (cli_json) {
		cli_json_end_array(&r->j);
		cli_json_end_object(&r->j);
		cli_json_print(&r->j);
	} else {
		cli_table_print(r->t);
	}
	g_free(r);
}

/* ---- the commands ---- */

#define INQUIRY_USAGE "itnctl [--json] inquiry URL [--secrets FILE] [--initiator-name IQN]"
#define READCAP_USAGE "itnctl [--json] readcap URL [--secrets FILE] [--initiator-name IQN]"
#define READ_USAGE "itnctl read URL [--offset N] [--length N] [--secrets FILE] [--initiator-name IQN]"
#define WRITE_USAGE "itnctl [--json] write URL [--offset N] [--length N] [--secrets FILE] [--initiator-name IQN]"

typedef struct {
	CliTargetOpts t;
	const char *offset, *length;
} IoArgs;

static int parse_io_args(int argc, char **argv, const char *usage, gboolean with_range, IoArgs *a)
{
	for (int i = 1; i < argc; i++) {
		int rc = CLI_EXIT_OK;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s\n\n" CLI_IO_COMMON_HELP, usage);
			return -1;
		}
		if (cli_io_common_option(argc, argv, &i, &a->t, usage, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		const char **value = NULL;
		if (with_range && strcmp(argv[i], "--offset") == 0)
			value = &a->offset;
		else if (with_range && strcmp(argv[i], "--length") == 0)
			value = &a->length;
		if (value) {
			if (i + 1 >= argc)
				return cli_usage(usage, "%s needs a value", argv[i]);
			*value = argv[++i];
			continue;
		}
		if (argv[i][0] == '-')
			return cli_usage(usage, "unknown option '%s'", argv[i]);
		if (a->t.url)
			return cli_usage(usage, "unexpected argument '%s'", argv[i]);
		a->t.url = argv[i];
	}
	if (!a->t.url)
		return cli_usage(usage, "%s needs a URL", argv[0]);
	return CLI_EXIT_OK;
}

/* Parse, log in, and hand over; returns the exit code on failure. */
typedef struct {
	ItniContext *ctx;
	ItniConfig *cfg;
	ItniSession *s;
	int lun;
} IoSetup;

static void io_teardown(IoSetup *io)
{
	itni_session_free(io->s);
	itni_context_free(io->ctx);
	itni_config_free(io->cfg);
	memset(io, 0, sizeof *io);
}

static int io_setup(IoArgs *a, const char *usage, gboolean need_lun, IoSetup *io)
{
	GError *error = NULL;
	io->cfg = cli_io_config(&a->t, TRUE, &error);
	if (!io->cfg) {
		int rc = cli_fail_error(error);
		g_error_free(error);
		return rc;
	}
	io->lun = cli_io_lun(io->cfg);
	if (need_lun && io->lun < 0) {
		io_teardown(io);
		return cli_usage(usage, "the URL names no LUN: iscsi://host[:port]/TARGET-IQN/LUN");
	}
	io->ctx = itni_context_new(0);
	io->s = cli_io_login(io->ctx, io->cfg, &error);
	if (!io->s) {
		int rc = cli_fail_error(error);
		g_error_free(error);
		io_teardown(io);
		return rc;
	}
	return CLI_EXIT_OK;
}

static const char *const peripheral_types[] = {
	[0x00] = "disk", [0x01] = "tape", [0x05] = "cd/dvd", [0x07] = "optical",
	[0x08] = "changer", [0x0c] = "controller", [0x0d] = "enclosure",
};

static const char *peripheral_name(guint8 t)
{
	return t < G_N_ELEMENTS(peripheral_types) && peripheral_types[t] ? peripheral_types[t] : "other";
}

int cli_cmd_inquiry(int argc, char **argv)
{
	IoArgs a = { 0 };
	int rc = parse_io_args(argc, argv, INQUIRY_USAGE, FALSE, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	IoSetup io = { 0 };
	if ((rc = io_setup(&a, INQUIRY_USAGE, FALSE, &io)))
		return rc;
	GError *error = NULL;
	g_autoptr(GArray) luns = NULL;
	if (io.lun >= 0) {
		luns = g_array_new(FALSE, FALSE, sizeof(guint64));
		guint64 l = (guint64) io.lun;
		g_array_append_val(luns, l);
	} else if (!itni_report_luns_sync(io.s, &luns, &error)) {
		rc = cli_fail_error(error);
		g_error_free(error);
		io_teardown(&io);
		return rc;
	}
	CliJson j;
	CliTable *t = NULL;
	if (cli_json) {
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_string(&j, "target", itni_config_get_target(io.cfg));
		cli_json_begin_array(&j, "luns");
	} else {
		t = cli_table_new(7, "LUN", "TYPE", "VENDOR", "PRODUCT", "REVISION", "SERIAL", "REMOVABLE");
	}
	for (guint i = 0; i < luns->len && !rc; i++) {
		guint64 lun = g_array_index(luns, guint64, i);
		ItniInquiry inq;
		if (!itni_inquiry_sync(io.s, lun, &inq, &error)) {
			rc = cli_fail("LUN %" G_GUINT64_FORMAT ": %s", lun, error->message);
			g_clear_error(&error);
			break;
		}
		if (cli_json) {
			cli_json_begin_object(&j, NULL);
			cli_json_int(&j, "lun", (gint64) lun);
			cli_json_int(&j, "peripheral_type", inq.peripheral_type);
			cli_json_string(&j, "type", peripheral_name(inq.peripheral_type));
			cli_json_string(&j, "vendor", inq.vendor);
			cli_json_string(&j, "product", inq.product);
			cli_json_string(&j, "revision", inq.revision);
			cli_json_string(&j, "serial", inq.serial);
			cli_json_bool(&j, "removable", inq.removable);
			cli_json_end_object(&j);
		} else {
			g_autofree char *l = g_strdup_printf("%" G_GUINT64_FORMAT, lun);
			cli_table_add(t, l, peripheral_name(inq.peripheral_type), inq.vendor, inq.product, inq.revision,
				      inq.serial, inq.removable ? "yes" : "no");
		}
	}
	if (cli_json) {
		cli_json_end_array(&j);
		cli_json_end_object(&j);
		if (!rc)
			cli_json_print(&j);
		else
			g_string_free(j.out, TRUE);
	} else if (!rc) {
		cli_table_print(t);
	}
	io_teardown(&io);
	return rc;
}

int cli_cmd_readcap(int argc, char **argv)
{
	IoArgs a = { 0 };
	int rc = parse_io_args(argc, argv, READCAP_USAGE, FALSE, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	IoSetup io = { 0 };
	if ((rc = io_setup(&a, READCAP_USAGE, TRUE, &io)))
		return rc;
	GError *error = NULL;
	ItniCapacity cap;
	if (!itni_read_capacity_sync(io.s, (guint64) io.lun, &cap, &error)) {
		rc = cli_fail_error(error);
		g_error_free(error);
	} else if (cli_json) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_int(&j, "lun", io.lun);
		cli_json_int(&j, "blocks", (gint64) cap.n_blocks);
		cli_json_int(&j, "block_size", cap.block_size);
		cli_json_int(&j, "bytes", (gint64) (cap.n_blocks * cap.block_size));
		cli_json_bool(&j, "thin_provisioning", cap.thin);
		cli_json_bool(&j, "unmapped_reads_zero", cap.zeroes);
		cli_json_end_object(&j);
		cli_json_print(&j);
	} else {
		CliTable *t = cli_table_new(5, "LUN", "BLOCKS", "BLOCK SIZE", "BYTES", "THIN");
		g_autofree char *l = g_strdup_printf("%d", io.lun);
		g_autofree char *b = g_strdup_printf("%" G_GUINT64_FORMAT, cap.n_blocks);
		g_autofree char *bs = g_strdup_printf("%u", cap.block_size);
		g_autofree char *by = g_strdup_printf("%" G_GUINT64_FORMAT, cap.n_blocks * cap.block_size);
		cli_table_add(t, l, b, bs, by, cap.thin ? "yes" : "no");
		cli_table_print(t);
	}
	io_teardown(&io);
	return rc;
}

static int parse_range(const char *s, const char *what, const char *usage, guint64 *out)
{
	if (s && !cli_parse_size(s, out))
		return cli_usage(usage, "bad %s '%s' (bytes, or with k/M/G/T)", what, s);
	return CLI_EXIT_OK;
}

/* read and write: the same shape, the direction differs. */
static int transfer(int argc, char **argv, const char *usage, gboolean to_lun)
{
	IoArgs a = { 0 };
	int rc = parse_io_args(argc, argv, usage, TRUE, &a);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	guint64 offset = 0, length = G_MAXUINT64;
	if ((rc = parse_range(a.offset, "offset", usage, &offset)) ||
	    (rc = parse_range(a.length, "length", usage, &length)))
		return rc;
	IoSetup io = { 0 };
	if ((rc = io_setup(&a, usage, TRUE, &io)))
		return rc;
	GError *error = NULL;
	ItniCapacity cap;
	guint64 done = 0, lun = (guint64) io.lun;
	gboolean ok = itni_read_capacity_sync(io.s, lun, &cap, &error);
	if (ok && to_lun)
		ok = cli_io_fd_to_lun(io.s, lun, &cap, offset, length, STDIN_FILENO, &done, &error) &&
		     itni_sync_cache_sync(io.s, lun, &error);
	else if (ok)
		ok = cli_io_lun_to_fd(io.s, lun, &cap, offset, length, STDOUT_FILENO, &done, &error);
	if (!ok) {
		rc = cli_fail_error(error);
		g_error_free(error);
	} else if (cli_json && to_lun) {
		CliJson j;
		cli_json_init(&j);
		cli_json_begin_object(&j, NULL);
		cli_json_int(&j, "offset", (gint64) offset);
		cli_json_int(&j, "bytes", (gint64) done);
		cli_json_end_object(&j);
		cli_json_print(&j);
	}
	io_teardown(&io);
	return rc;
}

int cli_cmd_read(int argc, char **argv)
{
	return transfer(argc, argv, READ_USAGE, FALSE);
}

int cli_cmd_write(int argc, char **argv)
{
	return transfer(argc, argv, WRITE_USAGE, TRUE);
}
