/*
 * test_expect.c: the send/expect engine: patterns match across reads and
 * through escape sequences, what follows a match is kept for the next
 * pattern, a chatty guest cannot grow the window without bound, the
 * "last lines" tail, the escapes of `sandlab send`, and conwait over
 * socket pairs: a match, a console that closes, a deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <unistd.h>

#include "conwait.h"
#include "expect.h"

#define FEED(x, s) expect_feed((x), (s), strlen(s))

static void
matches_across_reads_and_escapes(void **state)
{
	struct expect x;
	struct err e;

	expect_init(&x);
	assert_int_equal(expect_set(&x, "tiny login: $", &e), 0);
	assert_int_equal(FEED(&x, "\033[2J\033[1;1Hti"), 0);
	assert_int_equal(FEED(&x, "ny \033[1mlog"), 0);
	assert_int_equal(FEED(&x, "in\033[0m: "), 1);
	assert_string_equal(x.match, "tiny login: ");
	/* Cleared once matched: more text does not match again. */
	assert_int_equal(FEED(&x, "tiny login: "), 0);
	expect_free(&x);
}

static void
keeps_text_after_a_match(void **state)
{
	struct expect x;
	struct err e;

	expect_init(&x);
	assert_int_equal(expect_set(&x, "^linux# ", &e), 0);
	/* The echo and the next prompt arrive in the same read as the match. */
	assert_int_equal(FEED(&x, "boot\r\nlinux# ping\r\n3 packets, 0% packet loss\r\nlinux# "), 1);
	assert_int_equal(expect_set(&x, "([0-9]+)% packet loss", &e), 0);
	assert_int_equal(expect_try(&x), 1);
	assert_string_equal(x.match, "0% packet loss");
	/* ^ matches at a line start (REG_NEWLINE); the rest is still there. */
	assert_int_equal(expect_set(&x, "^linux# $", &e), 0);
	assert_int_equal(expect_try(&x), 1);
	expect_free(&x);
}

static void
no_false_match(void **state)
{
	struct expect x;
	struct err e;

	expect_init(&x);
	assert_int_equal(expect_set(&x, "^ready$", &e), 0);
	assert_int_equal(FEED(&x, "not ready\r\nready-ish\r\n"), 0);
	assert_int_equal(FEED(&x, "\033]0;ready\007"), 0);   /* a title is not output */
	assert_int_equal(FEED(&x, "ready\r\n"), 1);
	expect_free(&x);
}

static void
bad_regex(void **state)
{
	struct expect x;
	struct err e;

	expect_init(&x);
	assert_int_equal(expect_set(&x, "(", &e), -1);
	assert_non_null(strstr(e.msg, "bad regular expression"));
	assert_int_equal(expect_valid("a{1", &e), -1);
	assert_int_equal(expect_valid("a|b", &e), 0);
	assert_int_equal(FEED(&x, "anything"), 0);
	expect_free(&x);
}

static void
window_is_bounded(void **state)
{
	struct expect x;
	struct err e;
	char line[100];

	expect_init(&x);
	assert_int_equal(expect_set(&x, "never", &e), 0);
	memset(line, 'a', sizeof line - 2);
	line[sizeof line - 2] = '\n';
	line[sizeof line - 1] = '\0';
	for (int i = 0; i < 5000; i++)
		assert_int_equal(FEED(&x, line), 0);
	assert_true(x.len <= EXPECT_WINDOW);
	assert_int_equal(FEED(&x, "at last: never"), 1);
	expect_free(&x);
}

static void
tail_lines(void **state)
{
	struct expect x;
	char *t;

	expect_init(&x);
	FEED(&x, "one\r\ntwo\r\nthree\r\nfour\r\n");
	t = expect_tail(&x, 2);
	assert_string_equal(t, "three\nfour");
	free(t);
	FEED(&x, "partial");
	t = expect_tail(&x, 2);
	assert_string_equal(t, "four\npartial");
	free(t);
	t = expect_tail(&x, 100);
	assert_string_equal(t, "one\ntwo\nthree\nfour\npartial");
	free(t);
	expect_free(&x);
}

static void
unescape(void **state)
{
	struct err e;
	char *out;
	size_t len;

	assert_int_equal(expect_unescape("a\\r\\n\\t\\\\\\x41\\x00z\\e", &out, &len, &e), 0);
	assert_int_equal(len, 9);
	assert_memory_equal(out, "a\r\n\t\\A\0z\033", 9);
	free(out);
	assert_int_equal(expect_unescape("plain", &out, &len, &e), 0);
	assert_string_equal(out, "plain");
	free(out);
	assert_int_equal(expect_unescape("\\x4", &out, &len, &e), -1);
	assert_non_null(strstr(e.msg, "two hex digits"));
	assert_int_equal(expect_unescape("\\q", &out, &len, &e), -1);
	assert_non_null(strstr(e.msg, "unknown escape \\q"));
	assert_int_equal(expect_unescape("end\\", &out, &len, &e), -1);
}

static void
conwait_three(void **state)
{
	int a[2], b[2], c[2];
	struct conwait w[3];
	struct err e;
	int64_t t0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, c), 0);
	conwait_init(&w[0], "a", a[0]);
	conwait_init(&w[1], "b", b[0]);
	conwait_init(&w[2], "c", c[0]);
	for (int i = 0; i < 3; i++)
		assert_int_equal(expect_set(&w[i].x, "login: $", &e), 0);
	/* a matches, b's keeper goes away, c prints something else. */
	assert_int_equal(write(a[1], "\033[1mtiny login: ", 17), 17);
	assert_int_equal(write(b[1], "booting\r\n", 9), 9);
	close(b[1]);
	assert_int_equal(write(c[1], "no prompt here\r\n", 16), 16);
	t0 = mono_ms();
	assert_int_equal(conwait_run(w, 3, t0 + 300, 0, NULL, NULL), 2);
	assert_true(mono_ms() - t0 >= 290);
	assert_int_equal(w[0].state, CONWAIT_MATCHED);
	assert_string_equal(w[0].x.match, "login: ");
	assert_int_equal(w[1].state, CONWAIT_GONE);
	assert_int_equal(w[2].state, CONWAIT_TIMEOUT);
	char *t = expect_tail(&w[2].x, 3);
	assert_string_equal(t, "no prompt here");
	free(t);
	/* Text already kept matches the next pattern without a read. */
	assert_int_equal(write(c[1], "login: \r\nx\r\n", 13), 13);
	w[2].state = CONWAIT_WAITING;
	assert_int_equal(conwait_run(&w[2], 1, mono_ms() + 5000, 0, NULL, NULL), 0);
	assert_int_equal(expect_set(&w[2].x, "^x$", &e), 0);
	w[2].state = CONWAIT_WAITING;
	assert_int_equal(conwait_run(&w[2], 1, mono_ms() + 100, 0, NULL, NULL), 0);
	for (int i = 0; i < 3; i++)
		conwait_free(&w[i]);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(c[0]);
	close(c[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_across_reads_and_escapes),
		cmocka_unit_test(keeps_text_after_a_match),
		cmocka_unit_test(no_false_match),
		cmocka_unit_test(bad_regex),
		cmocka_unit_test(window_is_bounded),
		cmocka_unit_test(tail_lines),
		cmocka_unit_test(unescape),
		cmocka_unit_test(conwait_three),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
