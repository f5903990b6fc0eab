/*
 * test_console.c: the cleaner that makes a raw console log safe for a
 * terminal: text, newlines and UTF-8 stay; escape sequences, CR and other
 * control bytes go, also when split across reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "console.h"

/* Cleans s in one go, and again one byte at a time: both must agree. */
static void
check(const char *s, size_t n, const char *want)
{
	struct console_clean c;
	char out[512], out2[512];
	size_t o, o2 = 0;

	console_clean_init(&c);
	o = console_clean(&c, s, n, out);
	out[o] = '\0';
	assert_string_equal(out, want);
	console_clean_init(&c);
	for (size_t i = 0; i < n; i++)
		o2 += console_clean(&c, s + i, 1, out2 + o2);
	out2[o2] = '\0';
	assert_string_equal(out2, want);
}

#define CHECK(lit, want) check(lit, sizeof lit - 1, want)

static void
text_and_newlines(void **state)
{
	CHECK("tiny login: abc\r\n", "tiny login: abc\n");
	CHECK("a\tb\n", "a\tb\n");
	CHECK("x\x07y\x08z\x7f", "xyz");
}

static void
escapes(void **state)
{
	CHECK("\x1b[2J\x1b[1;31m" "red\x1b[0m", "red");
	CHECK("\x1b]0;title\x07" "after", "after");
	CHECK("\x1b]0;title\x1b\\" "after", "after");
	CHECK("\x1bPq#0;2;0;0;0\x1b\\" "x", "x");
	CHECK("\x1b(B" "plain", "plain");
	CHECK("\x1b" "cX", "X");
	CHECK("a\x1b[?25l" "b", "ab");
}

static void
utf8(void **state)
{
	CHECK("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* invalid: lone continuation, truncated sequence, overlong, C1 */
	CHECK("a\x80" "b", "ab");
	CHECK("a\xe2\x82" "b", "ab");
	CHECK("\xc0\xaf" "x", "x");
	CHECK("\xc2\x9b" "1m", "1m");
	CHECK("\xe2\x82\n", "\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_and_newlines),
		cmocka_unit_test(escapes),
		cmocka_unit_test(utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
