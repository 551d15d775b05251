/* iSCSI names: the RFC 3720 sec. 3.2.6 structure, the RFC 3722 stringprep
 * profile (case folding, NFKC, prohibited output, bidi), lenient acceptance
 * of peers' names, and the 223-byte limit counted after normalization. */
#include "config.h"
#include <string.h>
#include "libiscsi-name/iname.h"

#define BASE "iqn.2001-04.com.example:" /* 24 bytes */

/* Valid names and their normalized forms. */
static const struct {
	const char *in, *out;
	INameType type;
} valid_names[] = {
	/* RFC 3720 sec. 3.2.6.3.1 and 3.2.6.3.2 examples */
	{ "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
	  "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309", INAME_TYPE_IQN },
	{ "iqn.2001-04.com.example", "iqn.2001-04.com.example", INAME_TYPE_IQN },
	{ "iqn.2001-04.com.example:storage.tape1.sys1.xyz",
	  "iqn.2001-04.com.example:storage.tape1.sys1.xyz", INAME_TYPE_IQN },
	{ "iqn.2001-04.com.example:storage.disk2.sys1.xyz",
	  "iqn.2001-04.com.example:storage.disk2.sys1.xyz", INAME_TYPE_IQN },
	{ "eui.02004567A425678D", "eui.02004567a425678d", INAME_TYPE_EUI },
	/* RFC 3980 sec. 2 examples (64- and 128-bit NAA) */
	{ "naa.52004567BA64678D", "naa.52004567ba64678d", INAME_TYPE_NAA },
	{ "naa.62004567BA64678D0123456789ABCDEF", "naa.62004567ba64678d0123456789abcdef", INAME_TYPE_NAA },
	/* Names real peers use */
	{ "iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test",
	  "iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test", INAME_TYPE_IQN },
	{ "iqn.1984-05.com.dell:powervault.md3000", "iqn.1984-05.com.dell:powervault.md3000", INAME_TYPE_IQN },
	{ "iqn.1993-08.org.debian:01:1a2b3c4d5e6f", "iqn.1993-08.org.debian:01:1a2b3c4d5e6f", INAME_TYPE_IQN },
	/* RFC 3722 sec. 3: case folding (table B.2), including the type */
	{ "IQN.2001-04.COM.Example:Storage", "iqn.2001-04.com.example:storage", INAME_TYPE_IQN },
	{ "EUI.02004567a425678d", "eui.02004567a425678d", INAME_TYPE_EUI },
	{ BASE "stra\xc3\x9f" "e", BASE "strasse", INAME_TYPE_IQN },           /* sharp s -> ss */
	{ BASE "\xe2\x84\xa6", BASE "\xcf\x89", INAME_TYPE_IQN },                /* OHM SIGN -> omega */
	/* RFC 3722 sec. 4: NFKC */
	{ BASE "\xef\xac\x81le", BASE "file", INAME_TYPE_IQN },                 /* fi ligature */
	{ BASE "disk\xef\xbc\x91", BASE "disk1", INAME_TYPE_IQN },              /* fullwidth 1 */
	{ BASE "\xe2\x85\xa0", BASE "i", INAME_TYPE_IQN },                      /* ROMAN NUMERAL ONE */
	{ BASE "e\xcc\x81t\xc3\xa9", BASE "\xc3\xa9t\xc3\xa9", INAME_TYPE_IQN }, /* e + acute composes */
	/* RFC 3722 sec. 3: commonly mapped to nothing (table B.1) */
	{ BASE "a\xc2\xad" "b", BASE "ab", INAME_TYPE_IQN },                    /* soft hyphen */
	{ BASE "a\xe2\x80\x8b" "b", BASE "ab", INAME_TYPE_IQN },                /* zero width space */
	/* non-ASCII is allowed (RFC 3720 sec. 3.2.6.2) */
	{ "iqn.2001-04.com.example:\xe6\x97\xa5\xe6\x9c\xac", "iqn.2001-04.com.example:\xe6\x97\xa5\xe6\x9c\xac", INAME_TYPE_IQN },
	/* dates that exist */
	{ "iqn.1970-01.com.x", "iqn.1970-01.com.x", INAME_TYPE_IQN },
	{ "iqn.9999-12.com.x", "iqn.9999-12.com.x", INAME_TYPE_IQN },
	{ "iqn.2023-02.com.x", "iqn.2023-02.com.x", INAME_TYPE_IQN },
	/* a single-label authority and a ':' string with anything legal */
	{ "iqn.2001-04.com:x", "iqn.2001-04.com:x", INAME_TYPE_IQN },
	{ "iqn.2001-04.com.example:a.b-c:d", "iqn.2001-04.com.example:a.b-c:d", INAME_TYPE_IQN },
};

static void test_valid(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(valid_names); i++) {
		g_autoptr(GError) error = NULL;
		INameType type = 99;
		gboolean warned = TRUE;
		g_autofree char *n = iname_normalize(valid_names[i].in, INAME_STRICT, &type, &warned, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(n, ==, valid_names[i].out);
		g_assert_cmpint(type, ==, valid_names[i].type);
		g_assert_false(warned);
		g_assert_true(iname_validate(valid_names[i].in, INAME_STRICT, NULL));
		/* normalization is idempotent */
		g_autofree char *again = iname_normalize(n, INAME_STRICT, NULL, NULL, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(again, ==, n);
	}
}

/* Invalid names with the error each must give, strict and lenient alike
 * (structure is never relaxed). */
static const struct {
	const char *in;
	INameError code;
} invalid_names[] = {
	{ "", INAME_ERROR_EMPTY },
	{ "\xc2\xad", INAME_ERROR_EMPTY },           /* maps to nothing */
	{ "foo.bar", INAME_ERROR_BAD_TYPE },
	{ "iqn", INAME_ERROR_BAD_TYPE },
	{ "iqn:2001-04.com.x", INAME_ERROR_BAD_TYPE },
	{ "iqn.", INAME_ERROR_BAD_DATE },
	{ "iqn.2001-00.com.x", INAME_ERROR_BAD_DATE },  /* month 00 */
	{ "iqn.2001-13.com.x", INAME_ERROR_BAD_DATE },  /* month 13 */
	{ "iqn.0000-01.com.x", INAME_ERROR_BAD_DATE },  /* year 0000 */
	{ "iqn.1969-12.com.x", INAME_ERROR_BAD_DATE },  /* before any naming authority */
	{ "iqn.2001-4.com.x", INAME_ERROR_BAD_DATE },
	{ "iqn.01-04.com.x", INAME_ERROR_BAD_DATE },
	{ "iqn.2001/04.com.x", INAME_ERROR_PROHIBITED_CHAR },
	{ "iqn.20a1-04.com.x", INAME_ERROR_BAD_DATE },
	{ "iqn.2001-04:com.x", INAME_ERROR_BAD_DATE },
	{ "iqn.2001-04", INAME_ERROR_BAD_DOMAIN },
	{ "iqn.2001-04.", INAME_ERROR_BAD_DOMAIN },
	{ "iqn.2001-04.:x", INAME_ERROR_BAD_DOMAIN },
	{ "iqn.2001-04.com..example", INAME_ERROR_BAD_DOMAIN },
	{ "iqn.2001-04.com.example.:x", INAME_ERROR_BAD_DOMAIN },
	{ "iqn.2001-04.com.example:", INAME_ERROR_BAD_DOMAIN },
	{ "iqn.2001-04.com.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", INAME_ERROR_BAD_DOMAIN },
	{ "eui.02004567A425678", INAME_ERROR_BAD_HEX },    /* 15 digits */
	{ "eui.02004567A425678D0", INAME_ERROR_BAD_HEX },  /* 17 digits */
	{ "eui.02004567A425678G", INAME_ERROR_BAD_HEX },
	{ "eui.", INAME_ERROR_BAD_HEX },
	{ "eui.02004567a425678d:x", INAME_ERROR_BAD_HEX },
	{ "naa.52004567BA64678", INAME_ERROR_BAD_HEX },
	{ "naa.52004567BA64678D00", INAME_ERROR_BAD_HEX }, /* 18: neither 16 nor 32 */
	{ "naa.62004567BA64678D0123456789ABCDE", INAME_ERROR_BAD_HEX },
	/* RFC 3722 sec. 6 prohibited output, never tolerated */
	{ BASE "a b", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "a/b", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "a@b", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "a,b", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "a=b", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "a%b", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "a\tb", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "a\xe3\x80\x82" "b", INAME_ERROR_PROHIBITED_CHAR },   /* IDEOGRAPHIC FULL STOP */
	{ BASE "a\xc2\xa0" "b", INAME_ERROR_PROHIBITED_CHAR },       /* NO-BREAK SPACE */
	{ BASE "a\xef\xbf\xbd", INAME_ERROR_PROHIBITED_CHAR },       /* REPLACEMENT CHARACTER */
	{ BASE "a\xee\x80\x80", INAME_ERROR_PROHIBITED_CHAR },       /* private use U+E000 */
	/* bidi: RandALCat mixed with LCat (RFC 3454 sec. 6) */
	{ BASE "\xd7\x90" "a", INAME_ERROR_STRINGPREP },
	/* not UTF-8 */
	{ BASE "\xff", INAME_ERROR_BAD_UTF8 },
	{ BASE "\xc3", INAME_ERROR_BAD_UTF8 },
};

static void test_invalid(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(invalid_names); i++) {
		for (int lenient = 0; lenient <= 1; lenient++) {
			g_autoptr(GError) error = NULL;
			g_autofree char *n = iname_normalize(invalid_names[i].in,
							     lenient ? INAME_LENIENT : INAME_STRICT,
							     NULL, NULL, &error);
			if (!error || error->code != (int) invalid_names[i].code)
				g_test_message("case %" G_GSIZE_FORMAT " lenient=%d: %s", i, lenient,
					       error ? error->message : "(accepted)");
			g_assert_null(n);
			g_assert_error(error, INAME_ERROR, (int) invalid_names[i].code);
			g_assert_false(iname_validate(invalid_names[i].in, lenient, NULL));
		}
	}
	g_autoptr(GError) error = NULL;
	g_assert_null(iname_normalize(NULL, INAME_STRICT, NULL, NULL, &error));
	g_assert_error(error, INAME_ERROR, INAME_ERROR_EMPTY);
}

/* Broken only in the character rules: strict refuses, lenient accepts
 * and says so. */
static const struct {
	const char *in, *out;
	INameError strict_code;
} lenient_names[] = {
	{ "iqn.2001-04.com.example:host_01", "iqn.2001-04.com.example:host_01", INAME_ERROR_PROHIBITED_CHAR },
	{ "IQN.2001-04.com.Example:Host_01", "iqn.2001-04.com.example:host_01", INAME_ERROR_PROHIBITED_CHAR },
	{ "iqn.2001-04.com.my_corp:x", "iqn.2001-04.com.my_corp:x", INAME_ERROR_PROHIBITED_CHAR },
	{ "_iqn.2001-04.com.x", NULL, INAME_ERROR_PROHIBITED_CHAR },           /* still needs a type */
	{ BASE "a~b+c", BASE "a~b+c", INAME_ERROR_PROHIBITED_CHAR },
	{ BASE "\xef\xbc\xa1_\xef\xbc\xa2", BASE "a_b", INAME_ERROR_PROHIBITED_CHAR }, /* prep around '_' */
	{ "iqn.2001-04.-com.x", "iqn.2001-04.-com.x", INAME_ERROR_BAD_DOMAIN },
	{ "iqn.2001-04.com-.x", "iqn.2001-04.com-.x", INAME_ERROR_BAD_DOMAIN },
	/* unassigned in Unicode 3.2 (an emoji): refused in stored strings,
	 * tolerated in queries (RFC 3454 sec. 7) */
	{ BASE "\xf0\x9f\x98\x80", BASE "\xf0\x9f\x98\x80", INAME_ERROR_STRINGPREP },
};

static void test_lenient(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(lenient_names); i++) {
		g_autoptr(GError) error = NULL;
		g_assert_null(iname_normalize(lenient_names[i].in, INAME_STRICT, NULL, NULL, &error));
		g_assert_error(error, INAME_ERROR, (int) lenient_names[i].strict_code);
		g_clear_error(&error);
		gboolean warned = FALSE;
		g_autofree char *n = iname_normalize(lenient_names[i].in, INAME_LENIENT, NULL, &warned, &error);
		if (!lenient_names[i].out) {
			g_assert_null(n);
			g_assert_error(error, INAME_ERROR, INAME_ERROR_BAD_TYPE);
			continue;
		}
		g_assert_no_error(error);
		g_assert_cmpstr(n, ==, lenient_names[i].out);
		g_assert_true(warned);
	}
	/* a clean name is not reported */
	gboolean warned = TRUE;
	g_autofree char *n = iname_normalize("iqn.2001-04.com.x:y", INAME_LENIENT, NULL, &warned, NULL);
	g_assert_nonnull(n);
	g_assert_false(warned);
}

/* A name of exactly len bytes: BASE, then 'x' up to len - tail, then tail. */
static char *name_of(gsize len, const char *tail)
{
	GString *s = g_string_new(BASE);
	while (s->len + strlen(tail) < len)
		g_string_append_c(s, 'x');
	g_string_append(s, tail);
	g_assert_cmpuint(s->len, ==, len);
	return g_string_free(s, FALSE);
}

static void assert_too_long(const char *name)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *n = iname_normalize(name, INAME_LENIENT, NULL, NULL, &error);
	g_assert_null(n);
	g_assert_error(error, INAME_ERROR, INAME_ERROR_TOO_LONG);
}

static void assert_len(const char *name, gsize expect)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *n = iname_normalize(name, INAME_STRICT, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(strlen(n), ==, expect);
}

static void test_length(void)
{
	/* plain ASCII: 223 passes, 224 does not (RFC 3720 sec. 3.2.6.1) */
	g_autofree char *a223 = name_of(223, "");
	g_autofree char *a224 = name_of(224, "");
	assert_len(a223, 223);
	assert_too_long(a224);

	/* two-byte UTF-8 at the end: the bytes count, not the characters */
	g_autofree char *e223 = name_of(223, "\xc3\xa9");
	g_autofree char *e224 = name_of(224, "\xc3\xa9");
	assert_len(e223, 223);
	assert_too_long(e224);

	/* counted after normalization: longer input that shrinks passes */
	GString *s = g_string_new(BASE);
	for (int i = 0; i < 10; i++)
		g_string_append(s, "\xef\xbc\xa1");   /* FULLWIDTH A (3 bytes) -> a (1 byte) */
	while (s->len < 223 + 20)
		g_string_append_c(s, 'x');
	g_autofree char *fw = g_string_free(s, FALSE);
	assert_len(fw, 223);
	/* soft hyphens vanish */
	s = g_string_new(BASE);
	while (s->len < 222)
		g_string_append_c(s, 'y');
	g_string_append(s, "\xc2\xad\xc2\xad\xc2\xad" "z");
	g_autofree char *soft = g_string_free(s, FALSE);
	g_assert_cmpuint(strlen(soft), ==, 229);
	assert_len(soft, 223);

	/* ... and input that grows fails: U+0149 (2 bytes) folds to U+02BC n (3 bytes) */
	g_autofree char *grow_ok = name_of(222, "\xc5\x89");
	assert_len(grow_ok, 223);
	g_autofree char *grow = name_of(223, "\xc5\x89");
	assert_too_long(grow);
	/* sharp s: 2 bytes in, "ss" 2 bytes out */
	g_autofree char *ss = name_of(223, "\xc3\x9f");
	assert_len(ss, 223);

	/* input beyond INAME_INPUT_MAX is refused before any work */
	g_autofree char *huge = g_strnfill(INAME_INPUT_MAX + 1, 'x');
	assert_too_long(huge);
}

static void test_equal(void)
{
	g_assert_true(iname_equal("iqn.2001-04.com.example:x", "IQN.2001-04.COM.EXAMPLE:X"));
	g_assert_true(iname_equal("eui.02004567A425678D", "eui.02004567a425678d"));
	g_assert_true(iname_equal(BASE "\xef\xac\x81", BASE "fi"));
	g_assert_true(iname_equal(BASE "a_b", BASE "A_B"));   /* lenient forms compare too */
	g_assert_false(iname_equal(BASE "a", BASE "b"));
	g_assert_false(iname_equal("foo", "foo"));            /* invalid never equal */
	g_assert_false(iname_equal(NULL, BASE "a"));
	g_assert_cmpstr(iname_type_to_string(INAME_TYPE_IQN), ==, "iqn");
	g_assert_cmpstr(iname_type_to_string(INAME_TYPE_EUI), ==, "eui");
	g_assert_cmpstr(iname_type_to_string(INAME_TYPE_NAA), ==, "naa");
}

/* Error messages name the rule; they quote at most one character. */
static void test_messages(void)
{
	g_autoptr(GError) error = NULL;
	g_assert_false(iname_validate(BASE "host_1", INAME_STRICT, &error));
	g_assert_nonnull(strstr(error->message, "'_'"));
	g_assert_nonnull(strstr(error->message, "RFC 3722"));
	g_clear_error(&error);
	g_assert_false(iname_validate("iqn.2001-13.com.x", INAME_STRICT, &error));
	g_assert_nonnull(strstr(error->message, "month 13"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/name/normalize/valid", test_valid);
	g_test_add_func("/name/normalize/invalid", test_invalid);
	g_test_add_func("/name/normalize/lenient", test_lenient);
	g_test_add_func("/name/normalize/length", test_length);
	g_test_add_func("/name/normalize/equal", test_equal);
	g_test_add_func("/name/normalize/messages", test_messages);
	return g_test_run();
}
