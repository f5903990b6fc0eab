/* Unit tests: the theme file parser (shipped themes, errors, a bounded
 * fuzz with hostile input), colour down-sampling, the config file parser
 * and the dashboard state file parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "themefile.h"
#include "uistate.h"

/* A complete theme text with every role set to `value`. */
static char *
theme_all(const char *value)
{
	size_t cap = 4096, n = 0;
	char *s = malloc(cap);

	for (int i = 0; i < ROLE_COUNT; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s = %s\n", themefile_role_name(i), value);
	return s;
}

static void
parses_shipped_themes(void **state)
{
	static const char *names[] = { "default", "light", "high-contrast", "monochrome" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[256], *buf = NULL;
		size_t len;
		struct theme_style st[ROLE_COUNT];
		struct err e;

		snprintf(path, sizeof path, "themes/%s", names[i]);
		assert_int_equal(config_read_file(path, 65536, &buf, &len, &e), 0);
		if (themefile_parse(buf, len, st, &e) != 0)
			fail_msg("%s: %s", names[i], e.msg);
		free(buf);
		if (strcmp(names[i], "monochrome") == 0) {
			/* The file and the built-in fallback agree. */
			for (int r = 0; r < ROLE_COUNT; r++) {
				assert_int_equal(st[r].attrs, themefile_mono(r).attrs);
				assert_int_equal(st[r].fg, THEME_DEFAULT_COLOR);
				assert_int_equal(st[r].bg, THEME_DEFAULT_COLOR);
			}
		}
	}
}

static void
parses_colours_and_attrs(void **state)
{
	struct theme_style st[ROLE_COUNT];
	struct err e;
	char *t = theme_all("bright-red #00ff00 bold underline  # comment");

	assert_int_equal(themefile_parse(t, strlen(t), st, &e), 0);
	assert_int_equal(st[ROLE_NORMAL].fg, 9);
	assert_int_equal(st[ROLE_NORMAL].bg, 46);
	assert_int_equal(st[ROLE_NORMAL].attrs, THEME_BOLD | THEME_UNDERLINE);
	free(t);
	t = theme_all("255 default none");
	assert_int_equal(themefile_parse(t, strlen(t), st, &e), 0);
	assert_int_equal(st[ROLE_STATUS].fg, 255);
	assert_int_equal(st[ROLE_STATUS].bg, THEME_DEFAULT_COLOR);
	free(t);
}

static void
refuses_bad_themes(void **state)
{
	struct theme_style st[ROLE_COUNT];
	struct err e;
	char *t = theme_all("red blue");
	char buf[8192];

	/* A missing role. */
	assert_int_equal(themefile_parse("normal = red blue\n", 18, st, &e), -1);
	assert_non_null(strstr(e.msg, "missing"));
	/* Unknown role, bad colour, bad attribute, twice, too long, NUL. */
	snprintf(buf, sizeof buf, "%sbogus = red blue\n", t);
	assert_int_equal(themefile_parse(buf, strlen(buf), st, &e), -1);
	assert_non_null(strstr(e.msg, "unknown role"));
	snprintf(buf, sizeof buf, "normal = 256 blue\n%s", t);
	assert_int_equal(themefile_parse(buf, strlen(buf), st, &e), -1);
	assert_non_null(strstr(e.msg, "line 1: bad colour"));
	snprintf(buf, sizeof buf, "normal = red blue blink\n%s", t);
	assert_int_equal(themefile_parse(buf, strlen(buf), st, &e), -1);
	assert_non_null(strstr(e.msg, "bad attribute"));
	snprintf(buf, sizeof buf, "%snormal = red blue\n", t);
	assert_int_equal(themefile_parse(buf, strlen(buf), st, &e), -1);
	assert_non_null(strstr(e.msg, "twice"));
	memset(buf, 'x', 1000);
	assert_int_equal(themefile_parse(buf, 1000, st, &e), -1);
	assert_non_null(strstr(e.msg, "longer"));
	assert_int_equal(themefile_parse("normal\0= red", 12, st, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	/* The message never carries control bytes from the input. */
	assert_int_equal(themefile_parse("\033]0;x\007 = red blue\n", 18, st, &e), -1);
	for (const char *p = e.msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
	free(t);
}

/* Random bytes, random mutations of a good theme: never crashes, and a
 * result is either a full theme or a message. */
static void
fuzz_theme_parser(void **state)
{
	char *good = theme_all("bright-white #102030 bold");
	size_t glen = strlen(good);
	unsigned seed = 12345;
	struct theme_style st[ROLE_COUNT];
	struct err e;

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 1200);
		char *buf = malloc(len + glen + 1);

		if (round % 2 == 0) {
			for (size_t i = 0; i < len; i++)
				buf[i] = (char)(rand_r(&seed) & 0xff);
		} else {
			memcpy(buf, good, glen);
			len = glen;
			for (int k = 0; k < 1 + rand_r(&seed) % 8; k++)
				buf[rand_r(&seed) % glen] = (char)(rand_r(&seed) & 0xff);
		}
		e.msg[0] = '\0';
		if (themefile_parse(buf, len, st, &e) != 0)
			assert_true(e.msg[0] != '\0');
		else
			for (int r = 0; r < ROLE_COUNT; r++)
				assert_true(st[r].fg >= -1 && st[r].fg <= 255 && st[r].bg >= -1 && st[r].bg <= 255);
		free(buf);
	}
	free(good);
}

static void
downsamples_colours(void **state)
{
	int bold;

	assert_int_equal(themefile_downsample(196, 256, &bold), 196);
	/* direct colour: 0xRRGGBB from 8 up, the ANSI numbers below */
	assert_int_equal(themefile_downsample(196, THEMEFILE_DIRECT, &bold), 0xff0000);
	assert_int_equal(themefile_downsample(244, THEMEFILE_DIRECT, &bold), 0x808080);
	assert_int_equal(themefile_downsample(12, THEMEFILE_DIRECT, &bold), 0x5c5cff);
	assert_int_equal(themefile_downsample(3, THEMEFILE_DIRECT, &bold), 3);
	assert_int_equal(themefile_downsample(16, THEMEFILE_DIRECT, &bold), 0);
	assert_int_equal(bold, 0);
	assert_int_equal(bold, 0);
	/* Pure red in the cube is bright red; on 8 colours, red and bold. */
	assert_int_equal(themefile_downsample(196, 16, &bold), 9);
	assert_int_equal(themefile_downsample(196, 8, &bold), 1);
	assert_int_equal(bold, 1);
	assert_int_equal(themefile_downsample(2, 8, &bold), 2);
	assert_int_equal(bold, 0);
	assert_int_equal(themefile_downsample(THEME_DEFAULT_COLOR, 8, &bold), THEME_DEFAULT_COLOR);
	/* Greys go to black, grey or white. */
	assert_int_equal(themefile_downsample(232, 16, &bold), 0);
	assert_int_equal(themefile_downsample(255, 16, &bold), 7);
	assert_int_equal(themefile_downsample(231, 16, &bold), 15);
	assert_int_equal(themefile_rgb_to_256(0, 0, 0), 16);
	assert_int_equal(themefile_rgb_to_256(255, 255, 255), 231);
}

static void
parses_config(void **state)
{
	struct config c;
	struct err e;
	const char *good = "# mine\n theme = light \nconsole_escape=C-g\n";

	memset(&c, 0, sizeof c);
	assert_int_equal(config_parse(good, strlen(good), &c, &e), 0);
	assert_string_equal(c.theme, "light");
	assert_string_equal(c.console_escape, "C-g");
	assert_int_equal(config_parse("colour = red\n", 13, &c, &e), -1);
	assert_non_null(strstr(e.msg, "line 1: unknown setting"));
	assert_int_equal(config_parse("theme = a b\n", 12, &c, &e), -1);
	assert_int_equal(config_parse("theme =\n", 8, &c, &e), -1);
	assert_int_equal(config_parse("theme = \033[2J\n", 13, &c, &e), -1);
}

static void
parses_uistate(void **state)
{
	struct uistate s;
	const char *text = "# x\nconsole 0123abcd-0000-4000-8000-000000000001\n"
	    "console bad\nconsole 0123abcd-0000-4000-8000-000000000001\n"
	    "console 0123abcd-0000-4000-8000-000000000002\n"
	    "zoom 0123abcd-0000-4000-8000-000000000002\nrubbish\0more";

	uistate_parse(text, strlen(text) + 5, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.consoles[1], "0123abcd-0000-4000-8000-000000000002");
	assert_int_equal(s.zoom, 1);
	uistate_parse("", 0, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.zoom, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_shipped_themes),
		cmocka_unit_test(parses_colours_and_attrs),
		cmocka_unit_test(refuses_bad_themes),
		cmocka_unit_test(fuzz_theme_parser),
		cmocka_unit_test(downsamples_colours),
		cmocka_unit_test(parses_config),
		cmocka_unit_test(parses_uistate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
