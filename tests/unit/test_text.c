/* Unit tests: name checks, sanitising, size and number parsing, string
 * copies, and a library table that cannot be loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "name.h"
#include "sanitize.h"
#include "util.h"

static void
name_accepts_good(void **state)
{
	struct err e;
	char max[NAME_MAX_LEN + 1];

	assert_int_equal(name_check("r1", "node name", &e), 0);
	assert_int_equal(name_check("Router-1.core_a", "node name", &e), 0);
	assert_int_equal(name_check("9", "node name", &e), 0);
	memset(max, 'a', NAME_MAX_LEN);
	max[NAME_MAX_LEN] = '\0';
	assert_int_equal(name_check(max, "node name", &e), 0);
}

static void
name_refuses_bad(void **state)
{
	struct err e;
	static const char *bad[] = {
		"", "-r1", ".hidden", "_x", "a/b", "../x", "a b", "a\tb", "a\nb", "a\x1b[2Jb",
		"a\x7f", "caf\xc3\xa9", "a\xff", "a:b", "a,b", "a=b", "a;b", "a$b", "a`b",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(name_check(bad[i], "node name", &e), -1);
		assert_non_null(strstr(e.msg, "node name"));
		/* the message never carries the raw control byte */
		for (const char *p = e.msg; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f);
	}
	assert_int_equal(name_check("a/b", "node name", &e), -1);
	assert_non_null(strstr(e.msg, "'/'"));
	assert_int_equal(name_check("a\x01", "image name", &e), -1);
	assert_non_null(strstr(e.msg, "control character"));
}

static void
name_refuses_huge(void **state)
{
	struct err e;
	char *big = malloc(10001);

	memset(big, 'x', 10000);
	big[10000] = '\0';
	assert_int_equal(name_check(big, "node name", &e), -1);
	assert_non_null(strstr(e.msg, "10000 bytes"));
	assert_true(strlen(e.msg) < 200);
	big[NAME_MAX_LEN + 1] = '\0';
	assert_int_equal(name_check(big, "node name", &e), -1);
	free(big);
}

static void
sanitize_escapes(void **state)
{
	char *s;

	s = sanitize("plain", 5);
	assert_string_equal(s, "plain");
	free(s);
	s = sanitize("a\x1b[31mb", 7);
	assert_string_equal(s, "a\\x1b[31mb");
	free(s);
	s = sanitize("caf\xc3\xa9 \xe6\xbc\xa2", 9);
	assert_string_equal(s, "caf\xc3\xa9 \xe6\xbc\xa2");
	free(s);
	/* invalid UTF-8: lone continuation, overlong, surrogate, C1 control */
	s = sanitize("\x80\xc0\xaf\xed\xa0\x80\xc2\x9b", 8);
	assert_string_equal(s, "\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xc2\\x9b");
	free(s);
	s = sanitize("a\\b\nc", 5);
	assert_string_equal(s, "a\\\\b\\x0ac");
	free(s);
	s = sanitize("nul\0x", 5);
	assert_string_equal(s, "nul\\x00x");
	free(s);
}

static void
sanitize_truncates_whole(void **state)
{
	char buf[8];

	sanitize_to("ab\x1b" "cdef", 7, buf, sizeof buf);
	/* "ab\x1b" is 6 bytes; "c" fits; never half an escape */
	assert_string_equal(buf, "ab\\x1bc");
	sanitize_to("\x1b\x1b", 2, buf, 6);
	assert_string_equal(buf, "\\x1b");
}

static void
sizes_parse(void **state)
{
	uint64_t v;
	long l;

	assert_int_equal(parse_size("512", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(parse_size("64G", &v), 0);
	assert_int_equal(v, 64ull << 30);
	assert_int_equal(parse_size("2TiB", &v), 0);
	assert_int_equal(v, 2ull << 40);
	assert_int_equal(parse_size("1M", &v), 0);
	assert_int_equal(v, 1ull << 20);
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("-1", &v), -1);
	assert_int_equal(parse_size("12Q", &v), -1);
	assert_int_equal(parse_size("99999999999999999999", &v), -1);
	assert_int_equal(parse_size("99999999999T", &v), -1);
	assert_int_equal(parse_int("42", 1, 64, &l), 0);
	assert_int_equal(l, 42);
	assert_int_equal(parse_int("65", 1, 64, &l), -1);
	assert_int_equal(parse_int("4x", 1, 64, &l), -1);
	assert_int_equal(parse_int("", 1, 64, &l), -1);
}

static void
copies_cut_and_join(void **state)
{
	char buf[6];
	char *p = path_join("/lab/overlays", "n1.qcow2");

	str_copy(buf, sizeof buf, "abc");
	assert_string_equal(buf, "abc");
	str_copy(buf, sizeof buf, "abcdefgh");
	assert_string_equal(buf, "abcde");
	str_copy(buf, sizeof buf, NULL);
	assert_string_equal(buf, "");
	assert_string_equal(p, "/lab/overlays/n1.qcow2");
	free(p);
}

/* A library that is not installed: every caller gets the same reason,
 * and the load is tried once. */
static int missing_loads;
static void missing_load(void);
static struct dl_once missing_once = DL_ONCE(missing_load);

static void
missing_load(void)
{
	missing_loads++;
	if (dl_open("libsandlab-none.so.0", &missing_once.err) != NULL)
		missing_once.ok = 1;
}

static void
dl_once_says_why(void **state)
{
	struct err e = { "" };

	assert_int_equal(dl_once(&missing_once, &e), -1);
	assert_non_null(strstr(e.msg, "cannot load libsandlab-none.so.0: "));
	assert_int_equal(dl_once(&missing_once, NULL), -1);
	assert_int_equal(missing_loads, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_accepts_good),
		cmocka_unit_test(name_refuses_bad),
		cmocka_unit_test(name_refuses_huge),
		cmocka_unit_test(sanitize_escapes),
		cmocka_unit_test(sanitize_truncates_whole),
		cmocka_unit_test(sizes_parse),
		cmocka_unit_test(copies_cut_and_join),
		cmocka_unit_test(dl_once_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
