/*
 * pane-status.c: the bottom line. Left: a lasting warning, then the last
 * message (until the next key) or the key hints of the focus. Right: KVM
 * and the lab path, shortened from the left when space is short.
 */
#include "pane-status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "keys.h"
#include "pane-console.h"
#include "theme.h"

/* The lab path with $HOME as ~. */
static void
pane_status_lab(const struct app *a, char *buf, size_t len)
{
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;

	if (hl > 1 && strncmp(a->lab->root, home, hl) == 0 && (a->lab->root[hl] == '/' || a->lab->root[hl] == '\0'))
		snprintf(buf, len, "~%s", a->lab->root + hl);
	else
		snprintf(buf, len, "%s", a->lab->root);
}

#define PANE_STATUS_ROWS_MAX 3

/* The lasting warning and the message, as one text. */
static void
pane_status_text(const struct app *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", a->warn, a->warn[0] && a->msg[0] ? " " : "", a->msg);
}

int
pane_status_rows(const struct app *a, int w)
{
	char t[2 * ERR_MAX + 2];
	/* A quarter of the screen at most: the layout can always give that
	 * (a status line that never got its rows would ask again each frame). */
	int most = LINES / 4 < PANE_STATUS_ROWS_MAX ? LINES / 4 : PANE_STATUS_ROWS_MAX;

	pane_status_text(a, t, sizeof t);
	if (t[0] == '\0' || most <= 1 || draw_width(t) <= w - 2)
		return 1;
	return draw_wrap(NULL, 0, 0, w - 2, most, t, 0);
}

static void
pane_status_draw(struct pane *p, struct app *a)
{
	WINDOW *w = p->win;
	char lab[512], right[700];
	int rw, x = 0, avail, rows = pane_status_rows(a, p->w);
	attr_t st = theme_attr(ROLE_STATUS);

	wbkgdset(w, ' ' | st);
	werase(w);
	for (int y = 0; y < p->h; y++)
		draw_fill(w, y, 0, p->w, st);
	/* The layout gives the status line the rows its text needs. */
	if (rows != p->h)
		a->need_layout = 1;
	if (rows > 1 && p->h > 1) {
		char t[2 * ERR_MAX + 2];
		enum theme_role r = a->msg_level == APP_MSG_ERROR ? ROLE_ERROR :
		    a->msg_level == APP_MSG_WARN || !a->msg[0] ? ROLE_WARN : ROLE_STATUS;
		pane_status_text(a, t, sizeof t);
		draw_wrap(w, 0, 1, p->w - 2, p->h, t, theme_attr(r));
		return;
	}
	pane_status_lab(a, lab, sizeof lab);
	snprintf(right, sizeof right, " %s  lab %s ", a->accel_text, lab);
	rw = draw_width(right);
	if (rw > p->w / 2) {
		/* Keep the end of the path: it names the lab. */
		const char *tail = lab + strlen(lab);
		int keep = p->w / 2 - draw_width(a->accel_text) - 10;
		while (tail > lab && keep-- > 0)
			tail--;
		snprintf(right, sizeof right, " %s  lab …%s ", a->accel_text, tail);
		rw = draw_width(right);
		if (rw > p->w / 2)
			rw = 0;
	}
	/* A message wins over the lab path when both do not fit. */
	if ((a->msg[0] || a->warn[0]) &&
	    draw_width(a->msg) + draw_width(a->warn) + 3 > p->w - rw)
		rw = 0;
	avail = p->w - rw;
	if (pane_console_marked_count(a) > 0) {
		/* Broadcast is on: say to how many consoles typing goes. */
		char b[64];
		size_t n = pane_console_marked_count(a);
		snprintf(b, sizeof b, "broadcast to %zu console%s", n, n == 1 ? "" : "s");
		x += draw_text(w, 0, x, avail - x, " ", st);
		x += draw_text(w, 0, x, avail - x, b, theme_attr(ROLE_WARN));
	}
	if (a->warn[0]) {
		x += draw_text(w, 0, x, avail - x, " ", st);
		x += draw_text(w, 0, x, avail - x, a->warn, theme_attr(ROLE_WARN));
	}
	if (a->msg[0]) {
		enum theme_role r = a->msg_level == APP_MSG_ERROR ? ROLE_ERROR :
		    a->msg_level == APP_MSG_WARN ? ROLE_WARN : ROLE_STATUS;
		x += draw_text(w, 0, x, avail - x, " ", st);
		x += draw_text(w, 0, x, avail - x, a->msg, theme_attr(r));
	} else {
		x += draw_text(w, 0, x, avail - x, " ", st);
		keys_draw_hints(a, w, 0, x, avail - x);
	}
	if (rw > 0)
		draw_text(w, 0, p->w - rw, rw, right, st);
}

const struct pane_kind pane_status_kind = {
	.name = "status",
	.focusable = 0,
	.draw = pane_status_draw,
};
