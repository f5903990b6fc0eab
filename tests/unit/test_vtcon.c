/* The console's terminal model (ui/vtcon.c, ui/scrollback.c) and key
 * encoding (ui/vtcon-key.c): guest bytes in, cells, scrollback, damage,
 * title and cursor out; keys in, the bytes a guest's mode requires out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanitize.h"
#include "scrollback.h"
#include "utf8.h"
#include "vtcon-key.h"
#include "vtcon.h"

/* Bytes the terminal sent to the "guest". */
static char sent[4096];
static size_t nsent;

static void
capture(const char *bytes, size_t len, void *arg)
{
	(void)arg;
	assert_true(nsent + len < sizeof sent);
	memcpy(sent + nsent, bytes, len);
	nsent += len;
}

static struct vtcon *
console(int rows, int cols, int sb)
{
	struct vtcon *vc = vtcon_new(rows, cols, sb);

	vtcon_set_output(vc, capture, NULL);
	nsent = 0;
	return vc;
}

static void
feed(struct vtcon *vc, const char *s)
{
	vtcon_feed(vc, s, strlen(s));
}

/* Text of a line, for assertions. */
static const char *
text(struct vtcon *vc, int line)
{
	static char buf[1024];

	if (vtcon_line_text(vc, line, buf, sizeof buf) < 0)
		return "<none>";
	return buf;
}

static const struct vtcon_cell *
cell(struct vtcon *vc, int row, int col)
{
	static struct vtcon_cell cells[256];

	assert_int_equal(vtcon_line(vc, row, cells, 256), 0);
	return &cells[col];
}

/* --- keys --- */

static struct input_key
key_unicode(long cp, int mods)
{
	struct input_key k = { .type = INPUT_TYPE_UNICODE, .code.codepoint = cp, .modifiers = mods };

	return k;
}

static struct input_key
key_sym(enum input_sym sym, int mods)
{
	struct input_key k = { .type = INPUT_TYPE_KEYSYM, .code.sym = sym, .modifiers = mods };

	return k;
}

static struct input_key
key_fn(int n)
{
	struct input_key k = { .type = INPUT_TYPE_FUNCTION, .code.number = n };

	return k;
}

/* Sends key and checks the exact bytes that left. */
static void
expect_key(struct vtcon *vc, struct input_key key, const char *want, size_t wantlen)
{
	nsent = 0;
	assert_true(vtcon_key(vc, &key));
	assert_int_equal(nsent, wantlen);
	assert_memory_equal(sent, want, wantlen);
}
#define EXPECT_KEY(vc, key, lit) expect_key(vc, key, lit, sizeof(lit) - 1)

static void
keys_cursor_modes(void **state)
{
	struct vtcon *vc = console(24, 80, 0);

	EXPECT_KEY(vc, key_sym(INPUT_SYM_UP, 0), "\x1b[A");
	feed(vc, "\x1b[?1h"); /* DECCKM: application cursor keys */
	EXPECT_KEY(vc, key_sym(INPUT_SYM_UP, 0), "\x1bOA");
	/* with a modifier the CSI form is used in either mode */
	EXPECT_KEY(vc, key_sym(INPUT_SYM_LEFT, INPUT_MOD_CTRL), "\x1b[1;5D");
	feed(vc, "\x1b[?1l");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_LEFT, INPUT_MOD_CTRL), "\x1b[1;5D");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_DOWN, 0), "\x1b[B");
	vtcon_free(vc);
}

static void
keys_letters_and_controls(void **state)
{
	struct vtcon *vc = console(24, 80, 0);

	EXPECT_KEY(vc, key_unicode('x', INPUT_MOD_ALT), "\x1bx");
	EXPECT_KEY(vc, key_unicode('c', INPUT_MOD_CTRL), "\x03");
	EXPECT_KEY(vc, key_unicode('z', INPUT_MOD_CTRL), "\x1a");
	EXPECT_KEY(vc, key_unicode('s', INPUT_MOD_CTRL), "\x13");
	EXPECT_KEY(vc, key_unicode(']', INPUT_MOD_CTRL), "\x1d");
	EXPECT_KEY(vc, key_unicode(0xe9, 0), "\xc3\xa9");
	/* libvterm alone would send ESC and one byte 0xE9 */
	EXPECT_KEY(vc, key_unicode(0xe9, INPUT_MOD_ALT), "\x1b\xc3\xa9");
	EXPECT_KEY(vc, key_unicode(0x6f22, 0), "\xe6\xbc\xa2");
	EXPECT_KEY(vc, key_unicode('A', INPUT_MOD_SHIFT), "A");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_SPACE, 0), " ");
	vtcon_free(vc);
}

static void
keys_special(void **state)
{
	struct vtcon *vc = console(24, 80, 0);

	EXPECT_KEY(vc, key_fn(1), "\x1bOP");
	EXPECT_KEY(vc, key_fn(5), "\x1b[15~");
	EXPECT_KEY(vc, key_fn(12), "\x1b[24~");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_ENTER, 0), "\r");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_BACKSPACE, 0), "\x7f");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_DEL, 0), "\x7f");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_TAB, 0), "\t");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_TAB, INPUT_MOD_SHIFT), "\x1b[Z");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_ESCAPE, 0), "\x1b");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_DELETE, 0), "\x1b[3~");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_PAGEUP, 0), "\x1b[5~");
	EXPECT_KEY(vc, key_sym(INPUT_SYM_KP5, 0), "5");
	feed(vc, "\x1b="); /* DECKPAM: application keypad */
	EXPECT_KEY(vc, key_sym(INPUT_SYM_KP5, 0), "\x1bOu");
	feed(vc, "\x1b[20h"); /* LNM: Enter sends CR LF */
	EXPECT_KEY(vc, key_sym(INPUT_SYM_ENTER, 0), "\r\n");
	vtcon_free(vc);
}

static void
keys_not_for_the_guest(void **state)
{
	struct vtcon *vc = console(24, 80, 0);
	struct input_key mouse = { .type = INPUT_TYPE_MOUSE };
	struct input_key f13 = key_fn(13), help = key_sym(INPUT_SYM_HELP, 0);
	struct input_key bad = key_unicode(0xd800, 0);

	nsent = 0;
	assert_false(vtcon_key(vc, &mouse));
	assert_false(vtcon_key(vc, &f13));
	assert_false(vtcon_key(vc, &help));
	assert_false(vtcon_key(vc, &bad));
	assert_int_equal(nsent, 0);
	vtcon_free(vc);
}

static void
paste_modes(void **state)
{
	struct vtcon *vc = console(24, 80, 0);
	static const char hostile[] = "ok\x1b[201~\x1b]2;x\x07\x9b" "1\r\nz\x7f\x03\tend";

	nsent = 0;
	vtcon_paste(vc, "ls -l\nwc\r\n", 10);
	assert_int_equal(nsent, 9);
	assert_memory_equal(sent, "ls -l\rwc\r", 9);
	feed(vc, "\x1b[?2004h");
	nsent = 0;
	vtcon_paste(vc, "a\nb", 3);
	assert_int_equal(nsent, 15);
	assert_memory_equal(sent, "\x1b[200~a\rb\x1b[201~", 15);
	/* controls inside a paste cannot close the bracket early */
	nsent = 0;
	vtcon_paste(vc, hostile, sizeof hostile - 1);
	sent[nsent] = '\0';
	assert_string_equal(sent, "\x1b[200~ok[201~]2;x1\rz\tend\x1b[201~");
	feed(vc, "\x1b[?2004l");
	nsent = 0;
	vtcon_paste(vc, "\xc3\xa9", 2);
	assert_int_equal(nsent, 2);
	assert_memory_equal(sent, "\xc3\xa9", 2);
	vtcon_free(vc);
}

/* --- the screen model --- */

static void
model_text_and_colours(void **state)
{
	struct vtcon *vc = console(5, 40, 100);
	const struct vtcon_cell *c;

	feed(vc, "\x1b[31mred\x1b[0m \x1b[38;5;123mX\x1b[48;2;1;2;3mY\x1b[m");
	feed(vc, "\r\n\x1b[1;4;3;7mB\x1b[22;24;23;27mn");
	assert_string_equal(text(vc, 0), "red XY");
	c = cell(vc, 0, 0);
	assert_true(VTERM_COLOR_IS_INDEXED(&c->pen.fg));
	assert_int_equal(c->pen.fg.indexed.idx, 1);
	assert_true(VTERM_COLOR_IS_DEFAULT_BG(&c->pen.bg));
	assert_true(VTERM_COLOR_IS_DEFAULT_FG(&cell(vc, 0, 3)->pen.fg));
	c = cell(vc, 0, 4);
	assert_true(VTERM_COLOR_IS_INDEXED(&c->pen.fg));
	assert_int_equal(c->pen.fg.indexed.idx, 123);
	c = cell(vc, 0, 5);
	assert_true(VTERM_COLOR_IS_RGB(&c->pen.bg) && !VTERM_COLOR_IS_DEFAULT_BG(&c->pen.bg));
	assert_int_equal(c->pen.bg.rgb.red, 1);
	assert_int_equal(c->pen.bg.rgb.green, 2);
	assert_int_equal(c->pen.bg.rgb.blue, 3);
	c = cell(vc, 1, 0);
	assert_int_equal(c->pen.attrs & (VTCON_A_BOLD | VTCON_A_UNDERLINE | VTCON_A_ITALIC | VTCON_A_REVERSE),
	    VTCON_A_BOLD | VTCON_A_UNDERLINE | VTCON_A_ITALIC | VTCON_A_REVERSE);
	assert_int_equal(cell(vc, 1, 1)->pen.attrs, 0);
	vtcon_free(vc);
}

/* SGR 2 (faint), which libvterm 0.1.4 ignores: set, cleared by 22, 0, an
 * empty SGR and a reset, never by a colour's own numbers; kept in
 * scrollback; a sequence split across reads still counts. */
static void
model_faint(void **state)
{
	struct vtcon *vc = console(4, 20, 10);
	struct vtcon_cell sb[20];

	feed(vc, "a\x1b[2mb\x1b[22mc\x1b[1;2md\x1b[0me\x1b[2mf\x1b[mg");
	assert_string_equal(text(vc, 0), "abcdefg");
	assert_false(cell(vc, 0, 0)->pen.attrs & VTCON_A_FAINT);
	assert_true(cell(vc, 0, 1)->pen.attrs & VTCON_A_FAINT);
	assert_false(cell(vc, 0, 2)->pen.attrs & VTCON_A_FAINT);
	assert_int_equal(cell(vc, 0, 3)->pen.attrs & (VTCON_A_FAINT | VTCON_A_BOLD), VTCON_A_FAINT | VTCON_A_BOLD);
	assert_false(cell(vc, 0, 4)->pen.attrs & VTCON_A_FAINT);
	assert_true(cell(vc, 0, 5)->pen.attrs & VTCON_A_FAINT);
	assert_false(cell(vc, 0, 6)->pen.attrs & VTCON_A_FAINT);
	/* 38;5;2, 48;2;2;2;2 and 38:2::2:2:2 are colours, not faint */
	feed(vc, "\r\n\x1b[38;5;2mh\x1b[48;2;2;2;2mi\x1b[38:2::2:2:2mj\x1b[m");
	assert_string_equal(text(vc, 1), "hij");
	for (int c = 0; c < 3; c++)
		assert_false(cell(vc, 1, c)->pen.attrs & VTCON_A_FAINT);
	/* split across reads, and a 2 after a colour's numbers */
	feed(vc, "\r\n\x1b[38;5;1");
	feed(vc, ";2mk\x1b[");
	feed(vc, "mx");
	assert_string_equal(text(vc, 2), "kx");
	assert_true(cell(vc, 2, 0)->pen.attrs & VTCON_A_FAINT);
	assert_false(cell(vc, 2, 1)->pen.attrs & VTCON_A_FAINT);
	vtcon_free(vc);
	/* RIS (ESC c) clears the screen and the faint pen: l is plain */
	vc = console(2, 20, 10);
	feed(vc, "x\x1b[2m\x1b" "cl");
	assert_string_equal(text(vc, 0), "l");
	assert_false(cell(vc, 0, 0)->pen.attrs & VTCON_A_FAINT);
	feed(vc, "\x1b[2");
	feed(vc, "mm\x1b[m\r\n\r\n");
	assert_int_equal(vtcon_line(vc, -1, sb, 20), 0);
	assert_int_equal(sb[0].ch[0], 'l');
	assert_false(sb[0].pen.attrs & VTCON_A_FAINT);
	assert_int_equal(sb[1].ch[0], 'm');
	assert_true(sb[1].pen.attrs & VTCON_A_FAINT);
	vtcon_free(vc);
}

/* Three lines of 26, 29 and 12 columns, and a prompt. */
#define REFLOW_TEXT "tiny login: before quitXYZ\r\n01234567890123456789012345678\r\nabcdefghi\xe6\xbc\xa2Z\r\n$ "

/* A new width reflows wrapped text (tmux does so): nothing is lost to a
 * shrink and a grow, lines ended by CR LF stay apart, a wide character is
 * never cut, the cursor stays after the text, rows that no longer fit go
 * to scrollback. */
static void
cursor_is(struct vtcon *vc, int row, int col)
{
	int r, c;

	vtcon_cursor(vc, &r, &c);
	assert_int_equal(r, row);
	assert_int_equal(c, col);
}

static void
model_reflow(void **state)
{
	struct vtcon *vc = console(4, 30, 10);

	/* 4 rows: what no longer fits goes to scrollback, as it was wrapped */
	feed(vc, REFLOW_TEXT);
	vtcon_resize(vc, 4, 15);
	/* 2 + 2 + 1 + 1 rows: the first two went to scrollback */
	assert_int_equal(vtcon_sb_lines(vc), 2);
	assert_string_equal(text(vc, -2), "tiny login: bef");
	assert_string_equal(text(vc, -1), "ore quitXYZ");
	assert_string_equal(text(vc, 0), "012345678901234");
	assert_string_equal(text(vc, 1), "56789012345678");
	assert_string_equal(text(vc, 2), "abcdefghi\xe6\xbc\xa2Z");
	assert_string_equal(text(vc, 3), "$");
	cursor_is(vc, 3, 2);
	vtcon_free(vc);

	/* enough rows: shrink and grow, and every line is whole again */
	vc = console(16, 30, 10);
	feed(vc, REFLOW_TEXT);
	vtcon_resize(vc, 16, 10);
	/* the wide character does not fit at column 9: it starts a row */
	assert_string_equal(text(vc, 6), "abcdefghi");
	assert_string_equal(text(vc, 7), "\xe6\xbc\xa2Z");
	vtcon_resize(vc, 16, 6);
	vtcon_resize(vc, 16, 30);
	assert_int_equal(vtcon_sb_lines(vc), 0);
	assert_string_equal(text(vc, 0), "tiny login: before quitXYZ");
	assert_string_equal(text(vc, 1), "01234567890123456789012345678");
	assert_string_equal(text(vc, 2), "abcdefghi\xe6\xbc\xa2Z");
	assert_string_equal(text(vc, 3), "$");
	cursor_is(vc, 3, 2);
	/* typing goes on where the cursor is */
	feed(vc, "ls");
	assert_string_equal(text(vc, 3), "$ ls");
	vtcon_free(vc);

	/* a line exactly as wide as the screen, then CR LF: two lines */
	vc = console(3, 10, 10);
	feed(vc, "0123456789\r\nnext");
	vtcon_resize(vc, 3, 20);
	assert_string_equal(text(vc, 0), "0123456789");
	assert_string_equal(text(vc, 1), "next");
	vtcon_free(vc);
}

/* Literal cell rows for the scrollback: one cell per character of s, and
 * 'W' stands for a wide 漢 (two cells); the row is `cols` wide and its last
 * cell says whether the text wrapped on. */
static struct vtcon_cell *
cells_of(const char *s, int cols, bool wrapped)
{
	static struct vtcon_cell row[64];
	struct vtcon_pen blank = { .fg = { .type = VTERM_COLOR_DEFAULT_FG }, .bg = { .type = VTERM_COLOR_DEFAULT_BG } };
	int c = 0;

	assert_true(cols <= 64);
	memset(row, 0, sizeof row);
	for (int i = 0; i < cols; i++)
		row[i].pen = blank;
	for (; *s != '\0'; s++) {
		if (*s == 'W') {
			row[c].ch[0] = 0x6f22;
			row[c].pen.attrs |= VTCON_A_WIDE;
			row[++c].ch[0] = VTCON_WIDE_TAIL;
		} else
			row[c].ch[0] = (unsigned char)*s;
		c++;
	}
	if (wrapped)
		row[cols - 1].pen.attrs |= VTCON_A_WRAPPED;
	return row;
}

/* Text of cells[0..n), 漢 as 'W', blanks as spaces, trailing ones cut;
 * a '+' at the end when the last cell says the text wraps on. */
static const char *
text_of(const struct vtcon_cell *cells, int n)
{
	static char buf[128];
	int len = 0, keep = 0;

	for (int c = 0; c < n; c++) {
		if (cells[c].ch[0] == VTCON_WIDE_TAIL)
			continue;
		buf[len++] = cells[c].ch[0] == 0x6f22 ? 'W' : cells[c].ch[0] ? (char)cells[c].ch[0] : ' ';
		if (buf[len - 1] != ' ')
			keep = len;
	}
	if (n > 0 && (cells[n - 1].pen.attrs & VTCON_A_WRAPPED))
		buf[keep++] = '+';
	buf[keep] = '\0';
	return buf;
}

static const char *
sb_line(struct scrollback *sb, int i, int n)
{
	struct vtcon_cell out[64];
	struct vtcon_pen blank = { .fg = { .type = VTERM_COLOR_DEFAULT_FG }, .bg = { .type = VTERM_COLOR_DEFAULT_BG } };

	assert_int_equal(scrollback_get(sb, i, out, n, &blank), 0);
	return text_of(out, n);
}

/* scrollback_reflow on literal rows of 10 columns: wrapped lines join and
 * are cut again, hard ends stay (also a line exactly as wide as the
 * screen), a wide character left a gap where it wrapped and never splits,
 * the newest line's unfinished row is handed on, the cap holds. */
static void
scrollback_reflows(void **state)
{
	struct scrollback *sb = scrollback_new(100);
	struct vtcon_pen blank = { .fg = { .type = VTERM_COLOR_DEFAULT_FG }, .bg = { .type = VTERM_COLOR_DEFAULT_BG } };
	struct vtcon_cell carry[64];
	int ncarry = -1;
	static const char *const at5[] = {
		"01234+", "56789+", "abc", "exact+", "ly-10", "abcde+", "fghi+", "WZ", "tail5+",
	};

	scrollback_push(sb, cells_of("0123456789", 10, true), 10);
	scrollback_push(sb, cells_of("abc", 10, false), 10);
	scrollback_push(sb, cells_of("exactly-10", 10, false), 10);
	scrollback_push(sb, cells_of("abcdefghi", 10, true), 10); /* W left a gap at 9 */
	scrollback_push(sb, cells_of("WZ", 10, false), 10);
	scrollback_push(sb, cells_of("tail567890", 10, true), 10); /* goes on on the screen */
	assert_string_equal(sb_line(sb, 0, 10), "0123456789+");
	assert_string_equal(sb_line(sb, 3, 10), "abcdefghi+");

	/* at 5: the wide character does not fit at column 4, it starts a row */
	scrollback_reflow(sb, 5, &blank, carry, &ncarry);
	assert_int_equal(scrollback_len(sb), 9);
	for (int i = 0; i < 9; i++)
		assert_string_equal(sb_line(sb, i, 5), at5[i]);
	/* the newest line's last row is handed on, not kept */
	assert_int_equal(ncarry, 5);
	assert_string_equal(text_of(carry, 5), "67890");

	/* back at 10 every line is as it was written */
	scrollback_reflow(sb, 10, &blank, carry, &ncarry);
	assert_int_equal(ncarry, 5);
	assert_string_equal(text_of(carry, 5), "tail5");
	assert_int_equal(scrollback_len(sb), 5);
	assert_string_equal(sb_line(sb, 0, 10), "0123456789+");
	assert_string_equal(sb_line(sb, 1, 10), "abc");
	assert_string_equal(sb_line(sb, 2, 10), "exactly-10");
	assert_string_equal(sb_line(sb, 3, 10), "abcdefghi+");
	assert_string_equal(sb_line(sb, 4, 10), "WZ");
	scrollback_free(sb);

	/* the cap holds: 3 lines that become 13 keep the newest 3 */
	sb = scrollback_new(3);
	scrollback_push(sb, cells_of("aaaaaaaaaa", 10, true), 10);
	scrollback_push(sb, cells_of("bbbbbbbbbb", 10, false), 10);
	scrollback_push(sb, cells_of("cccccc", 10, false), 10);
	scrollback_reflow(sb, 2, &blank, carry, &ncarry);
	assert_int_equal(scrollback_len(sb), 3);
	assert_string_equal(sb_line(sb, 0, 2), "cc+");
	assert_string_equal(sb_line(sb, 2, 2), "cc");
	scrollback_free(sb);
}

/* Through the console: long lines scroll off, the width shrinks and grows
 * back, and scrolled back each line reads whole; a line the scrollback's
 * newest wrapped into goes on at the screen's top; a clear ends it. */
static void
model_reflow_scrollback(void **state)
{
	struct vtcon *vc = console(3, 30, 100);

	feed(vc, "tiny login: before quitXYZ\r\n"
	    "0123456789abcdefghijklmnopqrstuvwxyz\r\n" /* 36: wraps at 30 */
	    "exactly thirty columns wide 30\r\n"
	    "wide at 12: 12345678901\xe6\xbc\xa2Z\r\n" /* at 12: the gap */
	    "one\r\ntwo\r\nthree");
	assert_int_equal(vtcon_sb_lines(vc), 5);
	vtcon_resize(vc, 3, 12);
	assert_int_equal(vtcon_sb_lines(vc), 12);
	assert_string_equal(text(vc, -12), "tiny login:");
	assert_string_equal(text(vc, -11), "before quitX");
	assert_string_equal(text(vc, -3), "wide at 12:");
	assert_string_equal(text(vc, -2), "12345678901");
	assert_string_equal(text(vc, -1), "\xe6\xbc\xa2Z");
	vtcon_resize(vc, 3, 30);
	assert_int_equal(vtcon_sb_lines(vc), 5);
	assert_string_equal(text(vc, -5), "tiny login: before quitXYZ");
	assert_string_equal(text(vc, -4), "0123456789abcdefghijklmnopqrst");
	assert_string_equal(text(vc, -3), "uvwxyz");
	assert_string_equal(text(vc, -2), "exactly thirty columns wide 30");
	assert_string_equal(text(vc, -1), "wide at 12: 12345678901\xe6\xbc\xa2Z");
	assert_string_equal(text(vc, 0), "one");
	vtcon_resize(vc, 3, 60);
	assert_int_equal(vtcon_sb_lines(vc), 4);
	assert_string_equal(text(vc, -3), "0123456789abcdefghijklmnopqrstuvwxyz");
	assert_string_equal(text(vc, -2), "exactly thirty columns wide 30");
	vtcon_free(vc);

	/* the newest scrollback line goes on on the screen */
	vc = console(2, 10, 100);
	feed(vc, "0123456789ABCDEFGHIJabcdefghijXY");
	assert_int_equal(vtcon_sb_lines(vc), 2);
	vtcon_resize(vc, 2, 40);
	assert_int_equal(vtcon_sb_lines(vc), 0);
	assert_string_equal(text(vc, 0), "0123456789ABCDEFGHIJabcdefghijXY");
	cursor_is(vc, 0, 32);
	vtcon_free(vc);

	/* under the alternate screen the primary one reflows too */
	vc = console(3, 10, 100);
	feed(vc, "0123456789ABCDEFGHIJ\r\n\x1b[?1049h\x1b[Hvi screen");
	vtcon_resize(vc, 3, 20);
	assert_string_equal(text(vc, 0), "vi screen");
	feed(vc, "\x1b[?1049l");
	assert_string_equal(text(vc, 0), "0123456789ABCDEFGHIJ");
	assert_string_equal(text(vc, 1), "");
	vtcon_free(vc);

	/* a clear: what was on the screen is gone, the scrollback line ends */
	vc = console(2, 10, 100);
	feed(vc, "0123456789ABCDEFGHIJabcdefghijXY\x1b[H\x1b[2Jnew");
	vtcon_resize(vc, 2, 40);
	assert_string_equal(text(vc, -1), "0123456789ABCDEFGHIJ");
	assert_string_equal(text(vc, 0), "new");
	vtcon_free(vc);
}

static void
model_cursor_motion(void **state)
{
	struct vtcon *vc = console(5, 20, 0);
	int row, col;

	feed(vc, "hello\x1b[1;3HXY");
	assert_string_equal(text(vc, 0), "heXYo");
	assert_true(vtcon_cursor(vc, &row, &col));
	assert_int_equal(row, 0);
	assert_int_equal(col, 4);
	feed(vc, "\x1b[3;10Hmid\x1b[2A\x1b[3Dup\x1b[?25l");
	assert_string_equal(text(vc, 2), "         mid");
	assert_string_equal(text(vc, 0), "heXYo    up");
	assert_false(vtcon_cursor(vc, &row, &col));
	feed(vc, "\a\a");
	assert_int_equal(vtcon_bells(vc), 2);
	/* erase to end of line, insert and delete characters */
	feed(vc, "\x1b[1;3H\x1b[K");
	assert_string_equal(text(vc, 0), "he");
	feed(vc, "\rabcdef\r\x1b[2@");
	assert_string_equal(text(vc, 0), "  abcdef");
	feed(vc, "\x1b[3P");
	assert_string_equal(text(vc, 0), "bcdef");
	vtcon_free(vc);
}

static void
model_wide_and_combining(void **state)
{
	struct vtcon *vc = console(3, 10, 10);
	const struct vtcon_cell *c;

	feed(vc, "\xe6\xbc\xa2x e\xcc\x81");
	assert_string_equal(text(vc, 0), "\xe6\xbc\xa2x e\xcc\x81");
	c = cell(vc, 0, 0);
	assert_int_equal(c->ch[0], 0x6f22);
	assert_true(c->pen.attrs & VTCON_A_WIDE);
	assert_int_equal(cell(vc, 0, 1)->ch[0], VTCON_WIDE_TAIL);
	assert_int_equal(cell(vc, 0, 2)->ch[0], 'x');
	c = cell(vc, 0, 4);
	assert_int_equal(c->ch[0], 'e');
	assert_int_equal(c->ch[1], 0x301);
	/* writing over the right half removes the whole character */
	feed(vc, "\x1b[1;2Ha");
	assert_string_equal(text(vc, 0), " ax e\xcc\x81");
	assert_false(cell(vc, 0, 0)->pen.attrs & VTCON_A_WIDE);
	/* a wide character at the last column wraps to the next line */
	feed(vc, "\x1b[2;10H\xe6\xbc\xa2");
	assert_string_equal(text(vc, 1), "");
	assert_string_equal(text(vc, 2), "\xe6\xbc\xa2");
	vtcon_free(vc);
}

static void
model_scrolling_and_scrollback(void **state)
{
	struct vtcon *vc = console(24, 80, 1000);
	char line[32];
	struct vtcon *small;

	for (int i = 0; i < 100; i++) {
		snprintf(line, sizeof line, "line %d\r\n", i);
		feed(vc, line);
	}
	assert_int_equal(vtcon_sb_lines(vc), 77);
	assert_string_equal(text(vc, 0), "line 77");
	assert_string_equal(text(vc, 22), "line 99");
	assert_string_equal(text(vc, 23), "");
	assert_string_equal(text(vc, -1), "line 76");
	assert_string_equal(text(vc, -77), "line 0");
	assert_string_equal(text(vc, -78), "<none>");
	assert_string_equal(text(vc, 24), "<none>");

	/* a scroll region scrolls inside itself and keeps no history */
	feed(vc, "\x1b[2;4r\x1b[4;1H\n\n");
	assert_int_equal(vtcon_sb_lines(vc), 77);
	assert_string_equal(text(vc, 0), "line 77");
	assert_string_equal(text(vc, 1), "line 80");
	assert_string_equal(text(vc, 2), "");
	feed(vc, "\x1b[r");
	vtcon_free(vc);

	/* the ring keeps the newest lines */
	small = console(5, 20, 10);
	for (int i = 0; i < 100; i++) {
		snprintf(line, sizeof line, "%d\r\n", i);
		feed(small, line);
	}
	assert_int_equal(vtcon_sb_lines(small), 10);
	assert_string_equal(text(small, -1), "95");
	assert_string_equal(text(small, -10), "86");
	vtcon_free(small);
}

static void
model_scrollback_keeps_cells(void **state)
{
	struct vtcon *vc = console(2, 12, 10);
	struct vtcon_cell before[12], after[12];

	feed(vc, "\x1b[1;31;48;5;200mA\x1b[0;4mb\xe6\xbc\xa2\x1b[38;2;9;8;7me\xcc\x81\x1b[m z\x1b[44m  \x1b[m");
	assert_int_equal(vtcon_line(vc, 0, before, 12), 0);
	feed(vc, "\r\n\r\n");
	assert_int_equal(vtcon_sb_lines(vc), 1);
	assert_int_equal(vtcon_line(vc, -1, after, 12), 0);
	/* the coloured trailing blanks are kept; the default ones need not be */
	for (int c = 0; c < 10; c++) {
		assert_memory_equal(before[c].ch, after[c].ch, sizeof before[c].ch);
		assert_memory_equal(&before[c].pen.fg, &after[c].pen.fg, sizeof(VTermColor));
		assert_memory_equal(&before[c].pen.bg, &after[c].pen.bg, sizeof(VTermColor));
		assert_int_equal(before[c].pen.attrs & ~(unsigned)VTCON_A_PROTECTED, after[c].pen.attrs);
	}
	vtcon_free(vc);
}

static void
model_damage(void **state)
{
	struct vtcon *vc = console(5, 20, 10);
	struct vtcon_cell scratch[20];

	assert_true(vtcon_is_dirty(vc)); /* a new console draws everything */
	vtcon_mark_clean(vc);
	assert_false(vtcon_is_dirty(vc));
	feed(vc, "\x1b[3;1Hx");
	assert_true(vtcon_is_dirty(vc));
	for (int r = 0; r < 5; r++)
		assert_int_equal(vtcon_view_dirty(vc, r), r == 2);
	vtcon_mark_clean(vc);
	feed(vc, "\x1b[5;5H"); /* the cursor alone */
	assert_true(vtcon_is_dirty(vc));
	for (int r = 0; r < 5; r++)
		assert_false(vtcon_view_dirty(vc, r));
	vtcon_mark_clean(vc);
	feed(vc, "\n"); /* scrolls: every row moved */
	for (int r = 0; r < 5; r++)
		assert_true(vtcon_view_dirty(vc, r));
	vtcon_mark_clean(vc);
	/* scrolling the view back repaints it and shows history */
	assert_int_equal(vtcon_scroll(vc, 3), 1);
	assert_true(vtcon_view_dirty(vc, 4));
	assert_int_equal(vtcon_view_row(vc, 0, scratch)[0].ch[0], 0);
	assert_int_equal(vtcon_view_row(vc, 2, scratch)[0].ch[0], 'x');
	vtcon_mark_clean(vc);
	assert_false(vtcon_is_dirty(vc));
	vtcon_free(vc);
}

static void
model_view_follows_history(void **state)
{
	struct vtcon *vc = console(3, 10, 5);
	struct vtcon_cell scratch[10];
	char line[16];

	for (int i = 0; i < 6; i++) {
		snprintf(line, sizeof line, "\r\n%d", i);
		feed(vc, line);
	}
	/* screen: 3 4 5; history: "" 0 1 2 */
	assert_string_equal(text(vc, 0), "3");
	assert_int_equal(vtcon_scroll(vc, 2), 2);
	assert_int_equal(vtcon_view_row(vc, 0, scratch)[0].ch[0], '1');
	feed(vc, "\r\n6");
	/* the view stays on the same lines while output arrives */
	assert_int_equal(vtcon_scroll_offset(vc), 3);
	assert_int_equal(vtcon_view_row(vc, 0, scratch)[0].ch[0], '1');
	feed(vc, "\r\n7\r\n8\r\n9");
	/* ...until they leave the ring: then it shows the oldest */
	assert_int_equal(vtcon_scroll_offset(vc), 5);
	assert_int_equal(vtcon_view_row(vc, 0, scratch)[0].ch[0], '2');
	assert_int_equal(vtcon_scroll(vc, -100), 0);
	assert_int_equal(vtcon_view_row(vc, 2, scratch)[0].ch[0], '9');
	vtcon_free(vc);
}

static void
model_resize_keeps_content(void **state)
{
	struct vtcon *vc = console(10, 20, 100);
	char line[16];
	int row, col;

	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof line, "%sa%d", i ? "\r\n" : "", i);
		feed(vc, line);
	}
	vtcon_resize(vc, 5, 20);
	assert_string_equal(text(vc, 0), "a5");
	assert_string_equal(text(vc, 4), "a9");
	assert_true(vtcon_cursor(vc, &row, &col));
	assert_int_equal(row, 4);
	assert_int_equal(col, 2);
	assert_int_equal(vtcon_sb_lines(vc), 5);
	vtcon_resize(vc, 10, 20);
	assert_string_equal(text(vc, 0), "a0");
	assert_string_equal(text(vc, 9), "a9");
	assert_int_equal(vtcon_sb_lines(vc), 0);
	assert_true(vtcon_cursor(vc, &row, &col));
	assert_int_equal(row, 9);
	/* narrower wraps the line again (vtcon reflows; libvterm 0.1.4 does
	 * not), the wide character whole on the next row; wider joins it */
	feed(vc, "\r\nxxxxxxxxxx\xe6\xbc\xa2yy");
	vtcon_resize(vc, 10, 11);
	assert_string_equal(text(vc, 8), "xxxxxxxxxx");
	assert_string_equal(text(vc, 9), "\xe6\xbc\xa2yy");
	vtcon_resize(vc, 10, 30);
	assert_string_equal(text(vc, 8), "xxxxxxxxxx\xe6\xbc\xa2yy");
	feed(vc, "\x1b[9;25Hend");
	assert_string_equal(text(vc, 8), "xxxxxxxxxx\xe6\xbc\xa2yy          end");
	vtcon_free(vc);
}

static void
model_alt_screen(void **state)
{
	struct vtcon *vc = console(3, 10, 10);

	feed(vc, "main");
	feed(vc, "\x1b[?1049h\x1b[HALT\r\n1\r\n2\r\n3\r\n4");
	assert_string_equal(text(vc, 0), "2");
	assert_int_equal(vtcon_sb_lines(vc), 0); /* full-screen programs keep no history */
	feed(vc, "\x1b[?1049l");
	assert_string_equal(text(vc, 0), "main");
	vtcon_free(vc);
}

static void
model_title_is_sanitised(void **state)
{
	struct vtcon *vc = console(3, 10, 0);
	const char *t;

	assert_string_equal(vtcon_title(vc), "");
	feed(vc, "\x1b]2;ok title\x07");
	assert_string_equal(vtcon_title(vc), "ok title");
	assert_true(vtcon_is_dirty(vc));
	/* libvterm drops C0 controls and DEL from the OSC string; raw C1
	 * bytes and invalid UTF-8 never reach it (U+FFFD instead) */
	feed(vc, "\x1b]2;a\x01" "b\x9b" "31m\x7f" "c\xff\x07");
	t = vtcon_title(vc);
	assert_string_equal(t, "ab\xef\xbf\xbd" "31mc\xef\xbf\xbd");
	/* an encoded C1 control too */
	feed(vc, "\x1b]0;x\xc2\x9by\x1b\\");
	assert_string_equal(vtcon_title(vc), "x\xef\xbf\xbd\xef\xbf\xbdy");
	for (t = vtcon_title(vc); *t; t++)
		assert_true((unsigned char)*t >= 0x20 && *t != 0x7f);
	/* the screen shows none of it */
	assert_string_equal(text(vc, 0), "");
	vtcon_free(vc);
}

static void
model_hostile_c1(void **state)
{
	struct vtcon *vc = console(3, 10, 0);
	int row, col;

	/* 0.1.4 would take these as width -1 glyphs and move left of column 0 */
	for (int i = 0; i < 50; i++)
		feed(vc, "\xc2\x85\xc2\x9b");
	feed(vc, "\x1bH\x1b[K\x1b[@x");
	vtcon_cursor(vc, &row, &col);
	assert_true(row >= 0 && col >= 0 && col < 10);
	/* a C1 character split across two reads is caught too */
	feed(vc, "\x1b[2J\x1b[2;1H\xc2");
	feed(vc, "\x9bZ");
	assert_string_equal(text(vc, 1), "\xef\xbf\xbd\xef\xbf\xbdZ");
	/* and one libvterm would assemble across an escape sequence */
	for (const char *p = "\xc2\x1b" "b\x90"; *p; p++)
		vtcon_feed(vc, p, 1);
	vtcon_cursor(vc, &row, &col);
	assert_int_equal(col, 5);
	/* while 0xC2 starting a real character is kept */
	feed(vc, "\xc2");
	feed(vc, "\xb0");
	assert_string_equal(text(vc, 1), "\xef\xbf\xbd\xef\xbf\xbdZ\xef\xbf\xbd\xef\xbf\xbd\xc2\xb0");
	vtcon_free(vc);
}

static void
model_sequences_split_across_reads(void **state)
{
	struct vtcon *vc = console(3, 10, 0);
	static const char seq[] = "\x1b[1;3H\x1b[38;5;200mK\xe6\xbc\xa2";

	/* every split point of a sequence and of a character */
	for (size_t cut = 0; cut < sizeof seq - 1; cut++) {
		feed(vc, "\x1b[2J\x1b[m");
		vtcon_feed(vc, seq, cut);
		vtcon_feed(vc, seq + cut, sizeof seq - 1 - cut);
		assert_string_equal(text(vc, 0), "  K\xe6\xbc\xa2");
		assert_int_equal(cell(vc, 0, 2)->pen.fg.indexed.idx, 200);
	}
	vtcon_free(vc);
}

static void
model_title_split_across_reads(void **state)
{
	struct vtcon *vc = console(3, 10, 0);
	static const char *const seqs[] = {
		"\x1b]2;t\xc3\xa9tle\x07z", "\x1b]0;t\xc3\xa9tle\x1b\\z",
	};

	for (size_t s = 0; s < 2; s++) {
		size_t len = strlen(seqs[s]);

		for (size_t cut = 0; cut < len; cut++) {
			feed(vc, "\x1b]2;-\x07\x1b[H");
			vtcon_feed(vc, seqs[s], cut);
			vtcon_feed(vc, seqs[s] + cut, len - cut);
			assert_string_equal(vtcon_title(vc), "t\xc3\xa9tle");
			assert_string_equal(text(vc, 0), "z");
		}
	}
	vtcon_free(vc);
}

static void
model_rep_before_any_text(void **state)
{
	struct vtcon *vc = console(3, 10, 0);

	/* libvterm 0.1.4 alone never returns from these */
	feed(vc, "\x1b[5bx\x1b[2b");
	assert_string_equal(text(vc, 0), "     xxx");
	/* a combining mark with nothing to combine with, then REP */
	feed(vc, "\r\n\xcc\x81\x1b[3b-\x1b[2b\r\n\xe2\x80\x8b\x1b[1m\x1b[");
	feed(vc, "4b+");
	assert_string_equal(text(vc, 1), "---");
	assert_string_equal(text(vc, 2), "+");
	/* DECALN's E is not what REP repeats */
	feed(vc, "\x1b[Hq\x1b#8\x1b[1;5H\x1b[2b");
	assert_string_equal(text(vc, 0), "EEEEqqEEEE");
	vtcon_free(vc);
}

static void
model_many_csi_parameters(void **state)
{
	struct vtcon *vc = console(3, 20, 0);
	char seq[64 * 1024];
	size_t n = 0;

	/* 0.1.4 writes parameters past its 16th beyond its array */
	n += (size_t)sprintf(seq, "\x1b[");
	for (int i = 0; i < 17; i++)
		n += (size_t)sprintf(seq + n, "%s", i == 0 ? "31" : ";1");
	n += (size_t)sprintf(seq + n, "mA");
	vtcon_feed(vc, seq, n);
	assert_string_equal(text(vc, 0), "A");
	assert_int_equal(cell(vc, 0, 0)->pen.fg.indexed.idx, 1); /* the first 16 apply */
	/* sub-parameters count too; so does a REP */
	feed(vc, "\x1b[38:2:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18mB\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;2bC");
	assert_string_equal(text(vc, 0), "ABBC");
	/* one too long to hold is dropped, however it is split */
	memcpy(seq, "\x1b[", 2);
	memset(seq + 2, ';', sizeof seq - 2);
	feed(vc, "\x1b[m\r\n");
	vtcon_feed(vc, seq, sizeof seq);
	vtcon_feed(vc, seq + 2, 1000);
	feed(vc, "1mD\x1b[0mE");
	assert_string_equal(text(vc, 1), "DE");
	assert_false(cell(vc, 1, 0)->pen.attrs & VTCON_A_BOLD); /* its final byte went with it */
	vtcon_free(vc);
}

static void
model_replies_to_queries(void **state)
{
	struct vtcon *vc = console(5, 20, 0);

	nsent = 0;
	feed(vc, "\x1b[3;7H\x1b[6n"); /* cursor position report */
	assert_int_equal(nsent, 6);
	assert_memory_equal(sent, "\x1b[3;7R", 6);
	/* a status string query libvterm knows: the scroll region */
	nsent = 0;
	feed(vc, "\x1bP$qr\x1b\\");
	assert_int_equal(nsent, 11);
	assert_memory_equal(sent, "\x1bP1$r1;5r\x1b\\", 11);
	/* one it does not know: libvterm 0.1.4 would format its "invalid"
	 * reply with a bad printf format and crash; it goes unanswered */
	nsent = 0;
	feed(vc, "\x1bP$qx\x1b\\\x1bP$q\x1b\\\x1bP$q\"p\x1b\\");
	assert_int_equal(nsent, 0);
	vtcon_free(vc);
}

/* What the resize program asks, answered with the console's size: the
 * cursor report after moving to 999;999, and the text area size. */
static void
model_replies_with_console_size(void **state)
{
	struct vtcon *vc = console(43, 132, 0);

	feed(vc, "\x1b" "7\x1b[r\x1b[999;999H\x1b[6n\x1b" "8");
	assert_int_equal(nsent, 9);
	assert_memory_equal(sent, "\x1b[43;132R", 9);
	nsent = 0;
	feed(vc, "\x1b[18t");
	assert_int_equal(nsent, 11);
	assert_memory_equal(sent, "\x1b[8;43;132t", 11);
	nsent = 0;
	feed(vc, "\x1b[19t");
	assert_memory_equal(sent, "\x1b[9;43;132t", 11);
	/* other window ops stay unanswered */
	nsent = 0;
	feed(vc, "\x1b[14t\x1b[?18t\x1b[18$t");
	assert_int_equal(nsent, 0);
	vtcon_free(vc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_cursor_modes),
		cmocka_unit_test(keys_letters_and_controls),
		cmocka_unit_test(keys_special),
		cmocka_unit_test(keys_not_for_the_guest),
		cmocka_unit_test(paste_modes),
		cmocka_unit_test(model_text_and_colours),
		cmocka_unit_test(model_faint),
		cmocka_unit_test(model_reflow),
		cmocka_unit_test(scrollback_reflows),
		cmocka_unit_test(model_reflow_scrollback),
		cmocka_unit_test(model_cursor_motion),
		cmocka_unit_test(model_wide_and_combining),
		cmocka_unit_test(model_scrolling_and_scrollback),
		cmocka_unit_test(model_scrollback_keeps_cells),
		cmocka_unit_test(model_damage),
		cmocka_unit_test(model_view_follows_history),
		cmocka_unit_test(model_resize_keeps_content),
		cmocka_unit_test(model_alt_screen),
		cmocka_unit_test(model_title_is_sanitised),
		cmocka_unit_test(model_hostile_c1),
		cmocka_unit_test(model_sequences_split_across_reads),
		cmocka_unit_test(model_title_split_across_reads),
		cmocka_unit_test(model_rep_before_any_text),
		cmocka_unit_test(model_many_csi_parameters),
		cmocka_unit_test(model_replies_to_queries),
		cmocka_unit_test(model_replies_with_console_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
