/* Bounded fuzzing of the console model and its drawing: megabytes of
 * random bytes and of random escape-sequence soup (fixed seed, so a
 * failure repeats) go through vtcon_feed in random chunks, with resizes,
 * view scrolling, keys, pastes and draws in between. After each chunk the
 * invariants the drawing layer relies on are checked; ASan/UBSan catch
 * memory errors in our code (run it under valgrind to check libvterm's).
 * $VTCON_FUZZ_MB sets the amount (default 4), $VTCON_FUZZ_SEED another
 * seed, $VTCON_FUZZ_LOG a file that records each feed and resize. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <cmocka.h>

#include "sanitize.h"
#include "vtcon-draw.h"
#include "vtcon-key.h"
#include "vtcon.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(next() % n);
}

static size_t replies;
/* $VTCON_FUZZ_LOG: every feed and resize, to replay a failure outside */
static FILE *oplog;

static void
count_output(const char *bytes, size_t len, void *arg)
{
	(void)bytes;
	(void)arg;
	replies += len;
}

/* Fragments that reach the parser's and state layer's corners: every
 * kind of string, numbers that overflow, modes that change geometry. */
static const char *const soup[] = {
	"\x1b", "\x1b[", "\x1b]", "\x1bP", "\x1b_", "\x1b^", "\x1bX", "\x1b\\", "\x07", "\x18", "\x1a",
	"\x9b", "\x9d", "\x90", "\x9c", "\xc2\x9b", "\xc2\x85", "\xc2\x9d", "\xc2",
	";", ":", "?", ">", "=", "!", "\"", "$", " ", "'", "0", "1", "9", "65535", "4294967296",
	"99999999999999999999", "-1",
	"m", "H", "f", "J", "K", "A", "B", "C", "D", "E", "F", "G", "L", "M", "P", "@", "S", "T",
	"X", "Z", "b", "d", "e", "g", "h", "l", "n", "c", "r", "s", "t", "u", "q", "p", "x", "I", "`",
	"\x1b[?1049h", "\x1b[?1049l", "\x1b[?1047h", "\x1b[?47h", "\x1b[?5h", "\x1b[?5l", "\x1b[?6h",
	"\x1b[?69h", "\x1b[?69l", "\x1b[3;7s", "\x1b[2;5r", "\x1b[r", "\x1b[?25l", "\x1b[?25h",
	"\x1b[?7l", "\x1b[?7h", "\x1b[4h", "\x1b[4l", "\x1b[20h", "\x1b#8", "\x1b#3", "\x1b#4",
	"\x1b#5", "\x1b#6", "\x1bH", "\x1b[3g", "\x1b" "c", "\x1b" "7", "\x1b" "8", "\x1b" "D", "\x1bM",
	"\x1b" "E", "\x1b(0", "\x1b(B", "\x1b)0", "\x0e", "\x0f", "\x1b[2\"q", "\x1b[1\"q",
	"\x1b[?1;2$p", "\x1bP$qm\x1b\\", "\x1b]2;", "\x1b]0;", "\x1b]4;1;rgb:ff/00/00\x07",
	"\x1b[999;999H", "\x1b[65535@", "\x1b[65535P", "\x1b[65535L", "\x1b[65535M",
	"\x1b[65535X", "\x1b[65535b", "\x1b[65535S", "\x1b[65535T", "\x1b[65535I", "\x1b[65535Z",
	"\x1b[38;5;255m", "\x1b[48;2;1;2;3m", "\x1b[38:2::1:2:3m", "\x1b[4:3m", "\x1b[0m", "\x1b[1;3;4;5;7;9m",
	"\r", "\n", "\t", "\b", "\x0b", "\x0c", "\x7f", "\x00",
	"a", "Z", "~", "\xc3\xa9", "\xe6\xbc\xa2", "\xf0\x9f\x98\x80", "\xcc\x81", "\xe2\x80\x8b",
	"\xef\xbf\xbd", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xff", "\xfe",
	"\xe0\x80", "\xf0\x9f",
};

static size_t
gen_soup(unsigned char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 32 < cap) {
		const char *f = soup[pick(sizeof soup / sizeof soup[0])];
		size_t len = strlen(f);

		if (f[0] == '\0')
			len = 1; /* the "\x00" fragment */
		memcpy(buf + n, f, len);
		n += len;
		if (pick(16) == 0) { /* a run of text, some of it wide */
			for (unsigned k = pick(24); k > 0 && n + 4 < cap; k--) {
				if (pick(4) == 0) {
					memcpy(buf + n, "\xe6\xbc\xa2", 3);
					n += 3;
				} else
					buf[n++] = (unsigned char)('a' + pick(26));
			}
		}
	}
	return n;
}

static size_t
gen_random(unsigned char *buf, size_t cap)
{
	for (size_t i = 0; i < cap; i++)
		buf[i] = (unsigned char)next();
	return cap;
}

/* A long string that never ends, then ordinary text. */
static size_t
gen_unterminated(unsigned char *buf, size_t cap)
{
	size_t n = 0;

	memcpy(buf, "\x1b]2;", 4);
	for (n = 4; n < cap / 2; n++)
		buf[n] = (unsigned char)(pick(2) ? 'T' : next());
	while (n < cap)
		buf[n++] = (unsigned char)('a' + pick(26));
	return n;
}

static void
check_invariants(struct vtcon *vc)
{
	int rows, cols, r, c;
	static struct vtcon_cell cells[1000];
	static char text[1000 * 6 * 4 + 1];
	const char *t;

	VTermPos pos;

	vtcon_size(vc, &rows, &cols);
	assert_in_range(rows, 1, 1000);
	assert_in_range(cols, 2, 1000);
	vtcon_cursor(vc, &r, &c);
	assert_in_range(r, 0, rows - 1);
	assert_in_range(c, 0, cols - 1);
	/* libvterm's own cursor: outside the screen it indexes out of bounds */
	vterm_state_get_cursorpos(vterm_obtain_state(vtcon_vterm(vc)), &pos);
	assert_in_range(pos.row, 0, rows - 1);
	assert_in_range(pos.col, 0, cols - 1);
	assert_in_range(vtcon_scroll_offset(vc), 0, vtcon_sb_lines(vc));
	for (int line = -(pick(3) ? 1 : vtcon_sb_lines(vc)); line < rows; line++) {
		int len;

		if (line < 0 && -line > vtcon_sb_lines(vc))
			continue;
		assert_int_equal(vtcon_line(vc, line, cells, cols), 0);
		for (int x = 0; x < cols; x++) {
			if (cells[x].pen.attrs & VTCON_A_WIDE)
				assert_true(x + 1 < cols && cells[x + 1].ch[0] == VTCON_WIDE_TAIL);
			if (cells[x].ch[0] == VTCON_WIDE_TAIL)
				assert_true(x > 0 && (cells[x - 1].pen.attrs & VTCON_A_WIDE));
		}
		len = vtcon_line_text(vc, line, text, sizeof text);
		assert_true(len >= 0);
		for (const unsigned char *p = (const unsigned char *)text; *p;) {
			size_t n = utf8_seq_len(p, strlen((const char *)p));

			assert_true(n > 0 && (n > 1 || (*p >= 0x20 && *p != 0x7f)));
			p += n;
		}
	}
	for (t = vtcon_title(vc); *t; t++)
		assert_true((unsigned char)*t >= 0x20 && *t != 0x7f);
	assert_true(strlen(vtcon_title(vc)) < VTCON_TITLE_MAX);
}

static void
poke(struct vtcon *vc, WINDOW **win, const struct vtcon_colors *map)
{
	struct input_key key;

	switch (pick(8)) {
	case 0: {
		int rows = 1 + (int)pick(pick(8) ? 60 : 300), cols = 1 + (int)pick(pick(8) ? 200 : 1100);

		if (oplog != NULL)
			fprintf(oplog, "R %d %d\n", rows, cols);
		vtcon_resize(vc, rows, cols);
		break;
	}
	case 1:
		vtcon_scroll(vc, (int)pick(200) - 100);
		break;
	case 2:
		memset(&key, 0, sizeof key);
		key.type = (enum input_type)pick(4);
		key.code.codepoint = (long)(pick(2) ? pick(0x110000) : pick(128));
		if (key.type == INPUT_TYPE_KEYSYM)
			key.code.sym = (enum input_sym)pick(INPUT_N_SYMS + 2) - 1;
		else if (key.type == INPUT_TYPE_FUNCTION)
			key.code.number = (int)pick(40) - 2;
		key.modifiers = (int)pick(8);
		vtcon_key(vc, &key);
		break;
	case 3: {
		unsigned char p[64];

		gen_random(p, sizeof p);
		vtcon_paste(vc, (const char *)p, pick(sizeof p));
		break;
	}
	default:
		if (pick(4) == 0) {
			delwin(*win);
			*win = newwin(1 + (int)pick(80), 1 + (int)pick(250), 0, 0);
			assert_non_null(*win);
		}
		vtcon_draw(vc, *win, map);
		assert_false(vtcon_is_dirty(vc));
		break;
	}
}

static void
fuzz_feed(void **state)
{
	size_t total = 4u << 20, done = 0;
	unsigned char *buf = malloc(1 << 16);
	const char *mb = getenv("VTCON_FUZZ_MB");
	struct vtcon *vc = vtcon_new(24, 80, 500);
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm("xterm-256color", out, in);
	struct vtcon_colors map;
	WINDOW *win;

	assert_non_null(buf);
	assert_non_null(scr);
	start_color();
	use_default_colors();
	vtcon_colors_from_terminal(&map);
	win = newwin(24, 80, 0, 0);
	if (mb != NULL && atoi(mb) > 0)
		total = (size_t)atoi(mb) << 20;
	if (getenv("VTCON_FUZZ_LOG") != NULL)
		oplog = fopen(getenv("VTCON_FUZZ_LOG"), "w");
	if (getenv("VTCON_FUZZ_SEED") != NULL) /* to explore; the default is fixed */
		rng ^= strtoull(getenv("VTCON_FUZZ_SEED"), NULL, 0) * 0x9e3779b97f4a7c15ull;
	vtcon_set_output(vc, count_output, NULL);
	while (done < total) {
		unsigned kind = pick(10);
		size_t n = kind < 5 ? gen_soup(buf, 1 << 16) :
		    kind < 9 ? gen_random(buf, 1 << 16) : gen_unterminated(buf, 1 << 16);
		size_t off = 0;

		/* in chunks of every size, as reads from a socket come */
		while (off < n) {
			size_t len = 1 + pick(pick(4) ? 64 : 8192);

			if (len > n - off)
				len = n - off;
			if (oplog != NULL) {
				fprintf(oplog, "F %zu\n", len);
				fwrite(buf + off, 1, len, oplog);
				fputc('\n', oplog);
				fflush(oplog);
			}
			vtcon_feed(vc, buf + off, len);
			off += len;
			if (pick(64) == 0)
				poke(vc, &win, &map);
		}
		check_invariants(vc);
		done += n;
	}
	assert_true(replies > 0); /* the soup asks for reports; they came */
	delwin(win);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	vtcon_free(vc);
	free(buf);
	if (oplog != NULL)
		fclose(oplog);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fuzz_feed),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
