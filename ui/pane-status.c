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

static void
pane_status_draw(struct pane *p, struct app *a)
{
	WINDOW *w = p->win;
	char lab[512], right[700];
	int rw, x = 0, avail;
	attr_t st = theme_attr(ROLE_STATUS);

	wbkgdset(w, ' ' | st);
	werase(w);
	draw_fill(w, 0, 0, p->w, st);
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
