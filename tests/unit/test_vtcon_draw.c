/* The console's drawing layer (ui/vtcon-draw.c): colour mapping to what a
 * terminal has, and what lands in a curses window. Curses runs on a
 * terminal description with /dev/null as the terminal; the window's cells
 * are read back with mvwin_wch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <cmocka.h>

#include "vtcon-draw.h"
#include "vtcon.h"

static SCREEN *scr;
static FILE *out, *in;

static int
curses_up(void **state)
{
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", out, in);
	if (scr == NULL)
		return -1;
	start_color();
	use_default_colors();
	return 0;
}

static int
curses_down(void **state)
{
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return 0;
}

static int
number(const char *rgb_or_idx, int ncolors, bool *bright)
{
	VTermColor c;
	unsigned r, g, b, i;

	if (sscanf(rgb_or_idx, "%u,%u,%u", &r, &g, &b) == 3)
		vterm_color_rgb(&c, (uint8_t)r, (uint8_t)g, (uint8_t)b);
	else {
		sscanf(rgb_or_idx, "%u", &i);
		vterm_color_indexed(&c, (uint8_t)i);
	}
	return vtcon_color_number(&c, ncolors, bright);
}

static void
colour_numbers(void **state)
{
	bool bright;
	VTermColor def = { .type = VTERM_COLOR_DEFAULT_FG | VTERM_COLOR_RGB };

	assert_int_equal(vtcon_color_number(&def, 256, &bright), -1);
	/* indexed: kept where the terminal has them */
	assert_int_equal(number("1", 8, &bright), 1);
	assert_false(bright);
	assert_int_equal(number("9", 8, &bright), 1);
	assert_true(bright);
	assert_int_equal(number("9", 16, &bright), 9);
	assert_false(bright);
	assert_int_equal(number("200", 256, &bright), 200);
	/* 256-colour entries on fewer colours: the nearest of what there is */
	assert_int_equal(number("196", 16, &bright), 9);
	assert_int_equal(number("196", 8, &bright), 1);
	assert_true(bright);
	assert_int_equal(number("232", 16, &bright), 0);
	/* RGB: cube or grey ramp on 256, ANSI on 16 and 8 */
	assert_int_equal(number("255,0,0", 256, &bright), 196);
	assert_int_equal(number("0,0,255", 256, &bright), 21);
	assert_int_equal(number("128,128,128", 256, &bright), 244);
	assert_int_equal(number("0,205,0", 16, &bright), 2);
	assert_int_equal(number("250,250,250", 16, &bright), 15);
	assert_int_equal(number("250,250,250", 8, &bright), 7);
	assert_true(bright);
	/* direct colour terminals get the RGB value itself */
	assert_int_equal(number("1,2,3", VTCON_COLORS_DIRECT, &bright), 0x010203);
	assert_int_equal(number("196", VTCON_COLORS_DIRECT, &bright), 0xff0000);
}

/* The characters (base, then marks), attributes and pair at y, x of win. */
static void
cell_at(WINDOW *win, int y, int x, wchar_t wc[CCHARW_MAX + 1], attr_t *attrs, int *pair)
{
	cchar_t cc;
	short spair;

	*pair = 0;
	assert_int_equal(mvwin_wch(win, y, x, &cc), OK);
	assert_int_equal(getcchar(&cc, wc, attrs, &spair, pair), OK);
}

/* The character, attributes and pair colours at y, x of win. */
static wchar_t
at(WINDOW *win, int y, int x, attr_t *attrs, int *fg, int *bg)
{
	wchar_t wc[CCHARW_MAX + 1];
	int pair;

	cell_at(win, y, x, wc, attrs, &pair);
	assert_int_equal(extended_pair_content(pair, fg, bg), OK);
	*attrs &= ~A_COLOR;
	return wc[0];
}

static void
feed(struct vtcon *vc, const char *s)
{
	vtcon_feed(vc, s, strlen(s));
}

static void
draw_cells(void **state)
{
	struct vtcon *vc = vtcon_new(4, 20, 10);
	WINDOW *win = newwin(4, 20, 0, 0);
	struct vtcon_colors map = { .fg = -1, .bg = -1, .ncolors = 256 };
	attr_t a;
	int fg, bg, y, x;

	feed(vc, "\x1b[1;31mA\x1b[0;4mB\x1b[m\xe6\xbc\xa2\x1b[7mR\x1b[m\x1b[3mi\x1b[m");
	feed(vc, "\x1b[38;5;196mX\x1b[38;2;0;0;255;48;5;22mY\x1b[m\r\n\xcd\xb8\xf8.");
	assert_true(vtcon_draw(vc, win, &map));
	/* the cursor is left at the guest's cursor (before mvwin_wch moves it) */
	getyx(win, y, x);
	assert_int_equal(y, 1);
	assert_int_equal(x, 3);
	assert_int_equal(at(win, 0, 0, &a, &fg, &bg), L'A');
	assert_true(a & A_BOLD);
	assert_int_equal(fg, 1);
	assert_int_equal(bg, -1);
	assert_int_equal(at(win, 0, 1, &a, &fg, &bg), L'B');
	assert_true(a & A_UNDERLINE);
	assert_int_equal(fg, -1);
	assert_int_equal(at(win, 0, 2, &a, &fg, &bg), 0x6f22);
	assert_int_equal(at(win, 0, 4, &a, &fg, &bg), L'R');
	assert_true(a & A_REVERSE);
	assert_int_equal(at(win, 0, 5, &a, &fg, &bg), L'i');
	assert_true(a & A_ITALIC);
	assert_int_equal(at(win, 0, 6, &a, &fg, &bg), L'X');
	assert_int_equal(fg, 196);
	assert_int_equal(at(win, 0, 7, &a, &fg, &bg), L'Y');
	assert_int_equal(fg, 21);
	assert_int_equal(bg, 22);
	/* what this libc cannot print (U+0378 is unassigned) is shown as '?'
	 * in the column libvterm gave it; invalid UTF-8 arrives as U+FFFD */
	assert_int_equal(at(win, 1, 0, &a, &fg, &bg), L'?');
	assert_int_equal(at(win, 1, 1, &a, &fg, &bg), 0xfffd);
	assert_int_equal(at(win, 1, 2, &a, &fg, &bg), L'.');
	feed(vc, "\x1b[?25l");
	assert_false(vtcon_draw(vc, win, &map));
	delwin(win);
	vtcon_free(vc);
}

/* A ZWJ sequence (man ZWJ woman ZWJ girl) and a VS16 heart: each glyph
 * in the columns libvterm gave it, without the joiner or the selector,
 * which would make a terminal draw them narrower than the grid. */
static wchar_t
marks_at(WINDOW *win, int y, int x, wchar_t *mark)
{
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	int pair;

	cell_at(win, y, x, wc, &a, &pair);
	*mark = wc[0] ? wc[1] : 0;
	return wc[0];
}

static void
draw_joined_emoji(void **state)
{
	struct vtcon *vc = vtcon_new(2, 20, 10);
	WINDOW *win = newwin(2, 20, 0, 0);
	struct vtcon_colors map = { .fg = -1, .bg = -1, .ncolors = 256 };
	wchar_t mark;
	int y, x;

	feed(vc, "A\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7" "B\r\n");
	feed(vc, "e\xcc\x81\xe2\x9d\xa4\xef\xb8\x8f" "C");
	vtcon_draw(vc, win, &map);
	getyx(win, y, x);
	assert_int_equal(x, 3);
	assert_int_equal(y, 1);
	assert_int_equal(marks_at(win, 0, 0, &mark), L'A');
	assert_int_equal(marks_at(win, 0, 1, &mark), 0x1f468);
	assert_int_equal(mark, 0);
	assert_int_equal(marks_at(win, 0, 3, &mark), 0x1f469);
	assert_int_equal(mark, 0);
	assert_int_equal(marks_at(win, 0, 5, &mark), 0x1f467);
	assert_int_equal(marks_at(win, 0, 7, &mark), L'B');
	/* other combining marks are still drawn */
	assert_int_equal(marks_at(win, 1, 0, &mark), L'e');
	assert_int_equal(mark, 0x301);
	assert_int_equal(marks_at(win, 1, 1, &mark), 0x2764);
	assert_int_equal(mark, 0);
	assert_int_equal(marks_at(win, 1, 2, &mark), L'C');
	delwin(win);
	vtcon_free(vc);
}

static void
draw_only_damage(void **state)
{
	struct vtcon *vc = vtcon_new(3, 10, 10);
	WINDOW *win = newwin(3, 10, 0, 0);
	struct vtcon_colors map = { .fg = -1, .bg = -1, .ncolors = 256 };
	attr_t a;
	int fg, bg;

	feed(vc, "one\r\ntwo\r\nsix");
	vtcon_draw(vc, win, &map);
	assert_false(vtcon_is_dirty(vc));
	mvwaddstr(win, 2, 0, "XXX"); /* something else painted over row 2 */
	feed(vc, "\x1b[1;1HONE");
	vtcon_draw(vc, win, &map);
	assert_int_equal(at(win, 0, 0, &a, &fg, &bg), L'O');
	assert_int_equal(at(win, 2, 0, &a, &fg, &bg), L'X'); /* not damaged, not painted */
	vtcon_invalidate(vc);
	vtcon_draw(vc, win, &map);
	assert_int_equal(at(win, 2, 0, &a, &fg, &bg), L's');
	/* the scrolled-back view shows history and hides the cursor */
	feed(vc, "\x1b[3;1H\r\nten");
	assert_int_equal(vtcon_scroll(vc, 1), 1);
	assert_false(vtcon_draw(vc, win, &map));
	assert_int_equal(at(win, 0, 0, &a, &fg, &bg), L'O');
	assert_int_equal(at(win, 1, 0, &a, &fg, &bg), L't');
	delwin(win);
	vtcon_free(vc);
}

static void
draw_few_colours(void **state)
{
	struct vtcon *vc = vtcon_new(2, 10, 0);
	WINDOW *win = newwin(3, 12, 0, 0);
	struct vtcon_colors eight = { .fg = 7, .bg = 0, .ncolors = 8 };
	struct vtcon_colors mono = { .fg = -1, .bg = -1, .ncolors = 0 };
	attr_t a;
	int fg, bg;

	feed(vc, "\x1b[91mZ\x1b[m\x1b[7mr\x1b[m");
	vtcon_draw(vc, win, &eight);
	assert_int_equal(at(win, 0, 0, &a, &fg, &bg), L'Z');
	assert_true(a & A_BOLD);
	assert_int_equal(fg, 1);
	assert_int_equal(bg, 0);
	assert_int_equal(at(win, 0, 1, &a, &fg, &bg), L'r');
	assert_int_equal(fg, 7); /* the default colours come from the map */
	vtcon_invalidate(vc);
	vtcon_draw(vc, win, &mono);
	assert_int_equal(at(win, 0, 0, &a, &fg, &bg), L'Z');
	assert_false(a & A_BOLD);
	assert_int_equal(at(win, 0, 1, &a, &fg, &bg), L'r');
	assert_true(a & A_REVERSE);
	/* a window larger than the console is cleared around it */
	assert_int_equal(at(win, 2, 11, &a, &fg, &bg), L' ');
	delwin(win);
	vtcon_free(vc);
}

/* A window smaller than the guest's screen is a viewport on it: cells
 * from (top, left) on, a wide character cut by the left edge becomes a
 * blank in its column, and the cursor is found relative to the view. */
static void
draw_viewport(void **state)
{
	struct vtcon *vc = vtcon_new(24, 80, 0);
	WINDOW *win = newwin(4, 10, 0, 0);
	struct vtcon_colors map = { .fg = -1, .bg = -1, .ncolors = 256 };
	attr_t a;
	int fg, bg, y, x;

	feed(vc, "\x1b[3;3Habcdefghijklmnop\x1b[4;4H\xe6\xbc\xa2xyz\x1b[24;80HZ\x1b[5;7H");
	assert_true(vtcon_draw_at(vc, win, &map, 2, 4));
	getyx(win, y, x);
	assert_int_equal(y, 2);   /* guest row 4, col 6 */
	assert_int_equal(x, 2);
	assert_int_equal(at(win, 0, 0, &a, &fg, &bg), L'c');
	assert_int_equal(at(win, 0, 9, &a, &fg, &bg), L'l');
	/* the wide character takes guest columns 3 and 4: only its right
	 * half is in view, drawn as a blank so the columns stay in place */
	assert_int_equal(at(win, 1, 0, &a, &fg, &bg), L' ');
	assert_int_equal(at(win, 1, 1, &a, &fg, &bg), L'x');
	/* the cursor out of view is not shown */
	feed(vc, "\x1b[24;1H");
	assert_false(vtcon_draw_at(vc, win, &map, 2, 4));
	/* the corner of the guest's screen, at the view's bottom right */
	vtcon_invalidate(vc);
	vtcon_draw_at(vc, win, &map, 20, 70);
	assert_int_equal(at(win, 3, 9, &a, &fg, &bg), L'Z');
	delwin(win);
	vtcon_free(vc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(colour_numbers),
		cmocka_unit_test(draw_cells),
		cmocka_unit_test(draw_joined_emoji),
		cmocka_unit_test(draw_only_damage),
		cmocka_unit_test(draw_few_colours),
		cmocka_unit_test(draw_viewport),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, curses_up, curses_down);
}
