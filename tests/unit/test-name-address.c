/* TargetAddress values (RFC 7143 sec. 13.8): host[:port][,tpgt] with DNS
 * names, IPv4 and bracketed IPv6, and their round trip. */
#include "config.h"
#include <string.h>
#include "libiscsi-name/iname.h"

static const struct {
	const char *in;
	const char *host;
	guint16 port;
	gint32 tpgt;
	const char *formatted;
} good[] = {
	{ "127.0.0.1:3260,1", "127.0.0.1", 3260, 1, "127.0.0.1:3260,1" },
	{ "127.0.0.1", "127.0.0.1", 3260, -1, "127.0.0.1:3260" },
	{ "127.0.0.1,7", "127.0.0.1", 3260, 7, "127.0.0.1:3260,7" },
	{ "192.0.2.10:3261", "192.0.2.10", 3261, -1, "192.0.2.10:3261" },
	{ "storage.example.com:860,65535", "storage.example.com", 860, 65535, "storage.example.com:860,65535" },
	{ "storage.example.com,0", "storage.example.com", 3260, 0, "storage.example.com:3260,0" },
	{ "[::1]:3260,1", "::1", 3260, 1, "[::1]:3260,1" },
	{ "[::1]", "::1", 3260, -1, "[::1]:3260" },
	{ "[::1],2", "::1", 3260, 2, "[::1]:3260,2" },
	{ "[2001:db8::5]:3262,3", "2001:db8::5", 3262, 3, "[2001:db8::5]:3262,3" },
	{ "[fe80::1%eth0]:3260,1", "fe80::1%eth0", 3260, 1, "[fe80::1%eth0]:3260,1" },
	{ "[::ffff:192.0.2.1]:3260", "::ffff:192.0.2.1", 3260, -1, "[::ffff:192.0.2.1]:3260" },
	{ "host_1:1", "host_1", 1, -1, "host_1:1" },
};

static void test_good(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autoptr(GError) error = NULL;
		INameTargetAddress a;
		g_assert_true(iname_target_address_parse(good[i].in, 3260, &a, &error));
		g_assert_no_error(error);
		g_assert_cmpstr(a.host, ==, good[i].host);
		g_assert_cmpuint(a.port, ==, good[i].port);
		g_assert_cmpint(a.tpgt, ==, good[i].tpgt);
		g_autofree char *f = iname_target_address_format(&a);
		g_assert_cmpstr(f, ==, good[i].formatted);
		/* round trip */
		INameTargetAddress b;
		g_assert_true(iname_target_address_parse(f, 1, &b, &error));
		g_assert_cmpstr(b.host, ==, a.host);
		g_assert_cmpuint(b.port, ==, a.port);
		g_assert_cmpint(b.tpgt, ==, a.tpgt);
		iname_target_address_clear(&a);
		iname_target_address_clear(&b);
		g_assert_null(a.host);
		g_assert_cmpint(a.tpgt, ==, -1);
	}
	/* the default port is the caller's */
	INameTargetAddress a;
	g_assert_true(iname_target_address_parse("h", 3261, &a, NULL));
	g_assert_cmpuint(a.port, ==, 3261);
	iname_target_address_clear(&a);
	iname_target_address_clear(NULL);
}

static const char *const bad[] = {
	"", ",1", ":3260", "h:", "h:0", "h:65536", "h:-1", "h:+1", "h: 1", "h,", "h,65536", "h,-1", "h,1,2",
	"h,x", "h:3260,", "::1", "::1:3260", "[::1", "[::1]3260", "[::1]:", "[]", "[::1%]", "[g::1]",
	"[1.2.3.4]", "h h", "h/x", "h\t", "h:3260:1", "[::1]:3260,1,2", "\xc3\xa9",
};

static void test_bad(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		INameTargetAddress a;
		g_test_message("'%s'", bad[i]);
		g_assert_false(iname_target_address_parse(bad[i], 3260, &a, &error));
		g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_ADDRESS);
		g_assert_null(a.host);
	}
	g_autoptr(GError) error = NULL;
	INameTargetAddress a;
	g_assert_false(iname_target_address_parse(NULL, 3260, &a, &error));
	g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_ADDRESS);
	g_clear_error(&error);
	g_autofree char *huge = g_strnfill(600, 'a');
	g_assert_false(iname_target_address_parse(huge, 3260, &a, &error));
	g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_ADDRESS);
	/* a 253-byte DNS name is fine, 254 is not */
	g_autofree char *h253 = g_strnfill(253, 'a');
	g_assert_true(iname_target_address_parse(h253, 3260, &a, NULL));
	iname_target_address_clear(&a);
	g_autofree char *h254 = g_strnfill(254, 'a');
	g_assert_false(iname_target_address_parse(h254, 3260, &a, NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/name/address/good", test_good);
	g_test_add_func("/name/address/bad", test_bad);
	return g_test_run();
}
