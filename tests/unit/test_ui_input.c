/* The key decoder (ui/input.c, libtickit's input layer): terminal bytes in,
 * struct input_key out, under the TERMs the tests use; key names parsed
 * into the same struct; a lone ESC held for its wait time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "input.h"

static struct input_key got[16];
static int ngot;

static void
collect(void *user, const struct input_key *k)
{
	(void)user;
	assert_true(ngot < 16);
	got[ngot++] = *k;
}

/* Pushes s and checks it gave exactly one key, equal to the named one. */
static void
expect_named(struct input *in, const char *s, const char *name)
{
	struct input_key want;

	ngot = 0;
	input_push(in, s, strlen(s));
	assert_int_equal(ngot, 1);
	assert_int_equal(input_key_parse(name, &want), 0);
	if (!input_key_equal(&got[0], &want))
		fail_msg("\"%s\" is not %s (type %d, modifiers %d)", s, name, got[0].type, got[0].modifiers);
}

static void
keys_under(const char *term)
{
	static const char sgr[] = "\033[<0;40;5M\033[<0;40;5m\033[<64;40;5M";
	struct input *in = input_new(term, collect, NULL);

	assert_non_null(in);
	expect_named(in, "\033[A", "Up");
	expect_named(in, "\033[1;5D", "C-Left");
	expect_named(in, "\033x", "M-x");
	expect_named(in, "\033OP", "F1");
	expect_named(in, "\033[15~", "F5");
	expect_named(in, "\003", "C-c");
	expect_named(in, "\r", "Enter");
	expect_named(in, "\177", "Backspace");
	expect_named(in, "\033[Z", "S-Tab");
	expect_named(in, "\303\251", "é");
	expect_named(in, "\035", "C-]");
	expect_named(in, "\007", "C-g");
	expect_named(in, "?", "?");
	expect_named(in, "\t", "Tab");
	expect_named(in, "\033[5~", "PageUp");

	/* SGR mouse: a press, its release, a wheel turn; 0-based cells. */
	ngot = 0;
	input_push(in, sgr, strlen(sgr));
	assert_int_equal(ngot, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(got[i].type, INPUT_TYPE_MOUSE);
		assert_int_equal(got[i].mouse.line, 4);
		assert_int_equal(got[i].mouse.col, 39);
	}
	assert_int_equal(got[0].mouse.ev, INPUT_MOUSE_PRESS);
	assert_int_equal(got[0].mouse.button, 1);
	assert_int_equal(got[1].mouse.ev, INPUT_MOUSE_RELEASE);
	assert_int_equal(got[2].mouse.ev, INPUT_MOUSE_WHEEL);
	assert_int_equal(got[2].mouse.button, INPUT_WHEEL_UP);

	/* Reports and unknown sequences give no key. */
	ngot = 0;
	input_push(in, "\033[?1;2c\033[99;99~", strlen("\033[?1;2c\033[99;99~"));
	assert_int_equal(ngot, 0);
	input_free(in);
}

static void
keys_xterm_256color(void **state)
{
	(void)state;
	keys_under("xterm-256color");
}

static void
keys_tmux_256color(void **state)
{
	(void)state;
	keys_under("tmux-256color");
}

static void
keys_screen_256color(void **state)
{
	(void)state;
	keys_under("screen-256color");
}

static void
keys_linux(void **state)
{
	(void)state;
	keys_under("linux");
}

/* libtickit 0.4.3 aborts on a terminfo entry without the output strings
 * it requires: that may not stop the dashboard, which ncurses can draw on
 * such terminals. (A type with no entry at all falls back to xterm; not
 * tested here, as libtickit leaks the TickitTerm it fails to build, and
 * ncurses refuses such a TERM anyway.) */
static void
terminals_libtickit_would_refuse(void **state)
{
	static const char *const terms[] = { "vt100", "vt220", "ansi", "dumb" };

	(void)state;
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
		struct input *in = input_new(terms[i], collect, NULL);

		assert_non_null(in);
		expect_named(in, "\033[A", "Up");
		expect_named(in, "\035", "C-]");
		input_free(in);
	}
}

static void
lone_escape_waits(void **state)
{
	struct input *in = input_new("xterm-256color", collect, NULL);
	struct timespec ts = { 0, 0 };
	struct input_key esc;
	int ms;

	(void)state;
	assert_int_equal(input_timeout(in), -1);
	ngot = 0;
	input_push(in, "\033", 1);
	assert_int_equal(ngot, 0);
	ms = input_timeout(in);
	assert_true(ms > 0 && ms <= 1000);
	/* Checked early, it is still held. */
	input_check(in);
	assert_int_equal(ngot, 0);
	ts.tv_nsec = (long)(ms + 20) * 1000000L;
	nanosleep(&ts, NULL);
	assert_int_equal(input_timeout(in), 0);
	input_check(in);
	assert_int_equal(ngot, 1);
	assert_int_equal(input_key_parse("Escape", &esc), 0);
	assert_true(input_key_equal(&got[0], &esc));
	assert_int_equal(input_timeout(in), -1);

	/* An ESC split from the rest of its sequence is joined to it. */
	ngot = 0;
	input_push(in, "\033", 1);
	input_push(in, "[B", 2);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].type, INPUT_TYPE_KEYSYM);
	assert_int_equal(got[0].code.sym, INPUT_SYM_DOWN);
	assert_int_equal(input_timeout(in), -1);
	input_free(in);
}

static void
names(void **state)
{
	struct input_key k, l;

	(void)state;
	assert_int_equal(input_key_parse("C-]", &k), 0);
	assert_int_equal(k.type, INPUT_TYPE_UNICODE);
	assert_int_equal(k.code.codepoint, ']');
	assert_int_equal(k.modifiers, INPUT_MOD_CTRL);
	/* Alt as libtermkey wrote it and as libtickit does. */
	assert_int_equal(input_key_parse("A-x", &k), 0);
	assert_int_equal(input_key_parse("M-x", &l), 0);
	assert_true(input_key_equal(&k, &l));
	assert_int_equal(input_key_parse("C--", &k), 0);
	assert_int_equal(k.code.codepoint, '-');
	assert_int_equal(input_key_parse("F12", &k), 0);
	assert_int_equal(k.type, INPUT_TYPE_FUNCTION);
	assert_int_equal(k.code.number, 12);
	assert_int_equal(input_key_parse("F", &k), 0);
	assert_int_equal(k.type, INPUT_TYPE_UNICODE);
	assert_int_equal(input_key_parse("S-Tab", &k), 0);
	assert_int_equal(k.code.sym, INPUT_SYM_TAB);
	assert_int_equal(k.modifiers, INPUT_MOD_SHIFT);
	assert_int_equal(input_key_parse("G", &k), 0);
	assert_int_equal(input_key_parse("g", &l), 0);
	assert_false(input_key_equal(&k, &l));
	assert_int_equal(input_key_parse("Ctrl-x", &k), -1);
	assert_int_equal(input_key_parse("C-", &k), -1);
	assert_int_equal(input_key_parse("", &k), -1);
	assert_int_equal(input_key_parse("Up Down", &k), -1);
	assert_int_equal(input_key_parse("X-y", &k), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_xterm_256color),
		cmocka_unit_test(keys_tmux_256color),
		cmocka_unit_test(keys_screen_256color),
		cmocka_unit_test(keys_linux),
		cmocka_unit_test(terminals_libtickit_would_refuse),
		cmocka_unit_test(lone_escape_waits),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
