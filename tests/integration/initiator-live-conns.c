/* Helper for initiator-live-conns-targetd.sh: connections added to and
 * removed from a logged-in session while I/O runs (MC/S, RFC 7143 sec.
 * 4.3), with the data checked after every change.
 *   initiator-live-conns URL   (exit 0 and TAP lines on stdout) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "initiator/itni.h"

static int n_test;

static void tap(gboolean ok, const char *what)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++n_test, what);
}

/* Write a pattern to 64 blocks per round over the given number of
 * rounds, then read it back. */
static gboolean round_trip(ItniSession *s, guint64 lun, guint32 bs, guint seed)
{
	const guint32 blocks = 64;
	gsize len = (gsize) blocks * bs;
	g_autofree guint8 *out = g_malloc(len), *in = g_malloc0(len);
	for (gsize i = 0; i < len; i++)
		out[i] = (guint8) (i * 7 + seed);
	for (guint r = 0; r < 16; r++) {
		struct iovec w = { out, len }, rd = { in, len };
		GError *e = NULL;
		if (!itni_write_sync(s, lun, (guint64) r * blocks, blocks, &w, 1, &e) ||
		    !itni_read_sync(s, lun, (guint64) r * blocks, blocks, &rd, 1, &e)) {
			printf("# %s\n", e->message);
			g_error_free(e);
			return FALSE;
		}
		if (memcmp(out, in, len) != 0)
			return FALSE;
	}
	return TRUE;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	ItniConfig *cfg = itni_config_new();
	if (!itni_config_set_url(cfg, argv[1], NULL))
		return 2;
	itni_config_set_connections(cfg, 2);
	/* Short keepalive so the test sees NOP-Out/NOP-In exchanges. */
	itni_config_set_nop_interval(cfg, 200);
	ItniContext *ctx = itni_context_new(2);
	ItniSession *s = itni_session_new(ctx, cfg);
	GError *e = NULL;
	printf("1..9\n");
	if (!itni_session_login_sync(s, &e)) {
		printf("Bail out! login: %s\n", e->message);
		return 1;
	}
	guint64 lun = (guint64) itni_config_get_lun(cfg);
	ItniCapacity cap;
	if (!itni_read_capacity_sync(s, lun, &cap, &e)) {
		printf("Bail out! readcap: %s\n", e->message);
		return 1;
	}
	guint16 tsih = itni_session_get_tsih(s);
	tap(itni_session_get_n_connections(s) == 2, "logged in with 2 connections");
	tap(round_trip(s, lun, cap.block_size, 1), "data intact over 2 connections");
	gboolean added = itni_session_add_connection_sync(s, &e);
	if (!added) {
		printf("# %s\n", e->message);
		g_clear_error(&e);
	}
	tap(added && itni_session_get_n_connections(s) == 3 && itni_session_get_tsih(s) == tsih,
	    "a third connection joins the same session (same TSIH)");
	tap(round_trip(s, lun, cap.block_size, 2), "data intact over 3 connections");
	ItniConnectionInfo ci[4];
	itni_session_get_connections(s, ci, 4);
	gboolean removed = itni_session_remove_connection_sync(s, ci[0].cid, &e);
	if (!removed) {
		printf("# %s\n", e->message);
		g_clear_error(&e);
	}
	tap(removed && itni_session_get_n_connections(s) == 2, "a connection is removed (logout reason 1)");
	tap(round_trip(s, lun, cap.block_size, 3), "data intact after the removal");
	guint n = itni_session_get_connections(s, ci, 4);
	gboolean all_used = n == 2;
	for (guint i = 0; i < n; i++)
		all_used = all_used && ci[i].commands > 0;
	tap(all_used, "the remaining connections both carried commands");
	/* Idle for several keepalive intervals: the NOP pings are answered
	 * and the session stays up. */
	g_usleep(1500 * 1000);
	tap(itni_session_get_state(s) == ITNI_SESSION_LOGGED_IN && itni_session_get_recoveries(s) == 0 &&
	    round_trip(s, lun, cap.block_size, 4), "idle with NOP keepalive: still logged in, no recovery");
	gboolean reset = itni_task_mgmt_sync(s, ITNI_TMF_LUN_RESET, lun, &e);
	if (!reset) {
		printf("# %s\n", e->message);
		g_clear_error(&e);
	}
	/* The UNIT ATTENTION the reset leaves is retried away. */
	tap(reset && round_trip(s, lun, cap.block_size, 5), "LOGICAL UNIT RESET completes and I/O goes on");
	itni_session_free(s);
	itni_context_free(ctx);
	itni_config_free(cfg);
	return 0;
}
