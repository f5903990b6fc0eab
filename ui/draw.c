/*
 * draw.c: text and frames. The only place that turns strings into cells,
 * so sanitising and width rules live here once.
 */
#include "draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"
#include "theme.h"

/* Converts sanitised UTF-8 to wide chars that fit maxw columns; returns
 * the count and the width in *cols. */
static size_t
draw_wide(const char *s, int maxw, wchar_t *out, size_t outmax, int *cols)
{
	mbstate_t st;
	size_t n = 0, left = strlen(s);
	int used = 0;

	memset(&st, 0, sizeof st);
	while (*s && n + 1 < outmax) {
		wchar_t wc;
		size_t k;
		int cw;

		/* Printable ASCII is one cell in every locale sandlab draws in:
		 * no conversion (most of a frame's text, a row a node). */
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f && mbsinit(&st)) {
			if (used + 1 > maxw)
				break;
			out[n++] = (wchar_t)*s++;
			used++;
			left--;
			continue;
		}
		k = mbrtowc(&wc, s, left, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			/* Not valid in this locale: show a replacement. */
			memset(&st, 0, sizeof st);
			wc = L'?';
			k = 1;
		}
		cw = wcwidth(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (used + cw > maxw)
			break;
		out[n++] = wc;
		used += cw;
		s += k;
		left -= k;
	}
	out[n] = L'\0';
	*cols = used;
	return n;
}

static int
draw_prepare(const char *s, int maxw, wchar_t *buf, size_t bufmax, int *cols)
{
	char clean[1024];

	/* Messages come sanitised once (errors, names): escape only what
	 * would reach the terminal raw, so none is escaped twice. */
	sanitize_again_to(s, strlen(s), clean, sizeof clean);
	return (int)draw_wide(clean, maxw, buf, bufmax, cols);
}

/* Draws s in [x, x + maxw), at its left or right end. */
static int
draw_aligned(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a, int right)
{
	wchar_t buf[1024];
	int cols, n;

	if (maxw <= 0 || s == NULL)
		return 0;
	n = draw_prepare(s, maxw, buf, 1024, &cols);
	wattr_set(w, a & ~A_COLOR, PAIR_NUMBER(a), NULL);
	mvwaddnwstr(w, y, right ? x + maxw - cols : x, buf, n);
	wattr_set(w, A_NORMAL, 0, NULL);
	return cols;
}

int
draw_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a)
{
	return draw_aligned(w, y, x, maxw, s, a, 0);
}

int
draw_text_right(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a)
{
	return draw_aligned(w, y, x, maxw, s, a, 1);
}

int
draw_fmt(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return draw_text(w, y, x, maxw, buf, a);
}

int
draw_width(const char *s)
{
	wchar_t buf[1024];
	int cols;

	draw_prepare(s, 1 << 20, buf, 1024, &cols);
	return cols;
}

int
draw_wrap(WINDOW *w, int y, int x, int maxw, int maxlines, const char *s, attr_t a)
{
	char line[1024];
	int n = 0;

	if (maxw <= 0 || s == NULL)
		return 0;
	while (*s && n < maxlines) {
		size_t len = strlen(s), fit = 0, brk = 0;

		/* The longest prefix that fits, then back to its last space. */
		while (fit < len) {
			size_t next = fit + 1;
			while (next < len && ((unsigned char)s[next] & 0xC0) == 0x80)
				next++;
			snprintf(line, sizeof line, "%.*s", (int)next, s);
			if (next >= sizeof line || draw_width(line) > maxw)
				break;
			fit = next;
			if (fit < len && s[fit] == ' ')
				brk = fit;
		}
		if (fit == 0)
			break;
		if (fit < len && brk > 0)
			fit = brk;
		/* The last row shows what is left, cut: better than losing a row. */
		if (n == maxlines - 1)
			fit = len;
		if (w)
			draw_fmt(w, y + n, x, maxw, a, "%.*s", (int)fit, s);
		n++;
		s += fit;
		while (*s == ' ')
			s++;
	}
	return n;
}

void
draw_fill(WINDOW *w, int y, int x, int n, attr_t a)
{
	if (n <= 0)
		return;
	wattr_set(w, a & ~A_COLOR, PAIR_NUMBER(a), NULL);
	mvwhline(w, y, x, ' ', n);
	wattr_set(w, A_NORMAL, 0, NULL);
}

void
draw_frame(WINDOW *w, const char *title, int focused)
{
	int h, wd;
	attr_t b = theme_attr(focused ? ROLE_BORDER_FOCUS : ROLE_BORDER);

	getmaxyx(w, h, wd);
	if (h < 2 || wd < 2)
		return;
	wattr_set(w, b & ~A_COLOR, PAIR_NUMBER(b), NULL);
	box(w, 0, 0);
	wattr_set(w, A_NORMAL, 0, NULL);
	if (title && wd > 6) {
		char t[512];
		snprintf(t, sizeof t, " %s ", title);
		draw_text(w, 0, 2, wd - 4, t, theme_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE));
	}
}

WINDOW *
draw_popup(int h, int w, const char *title)
{
	WINDOW *win;

	if (h > LINES)
		h = LINES;
	if (w > COLS)
		w = COLS;
	win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (win == NULL)
		return NULL;
	wbkgdset(win, ' ' | theme_attr(ROLE_OVERLAY));
	werase(win);
	draw_frame(win, title, 1);
	return win;
}
