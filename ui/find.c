/*
 * find.c: the node list's find line (find.h). It reads the model alone and
 * moves a->sel_node; it writes nothing to the lab.
 */
#include "find.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "draw.h"
#include "modal.h"
#include "name.h"
#include "theme.h"
#include "util.h"

struct find {
	char buf[NAME_MAX_LEN + 1];
	size_t len;
	int  from;           /* the selection when the line opened (Esc goes back) */
	int  found;          /* the last search found a node */
	char msg[96];
};

/* A character a node name may hold (name.h): nothing else could match. */
static int
find_name_char(long c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '_' || c == '-';
}

/* The first node at or after index start (wrapping) whose name holds
 * f->buf, case-insensitively; the selection moves there. */
static void
find_search(struct find *f, struct app *a, int start)
{
	size_t n = a->model.nnodes;

	f->found = 0;
	if (f->len == 0 || n == 0)
		return;
	if (start < 0 || (size_t)start >= n)
		start = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = ((size_t)start + k) % n;
		if (strcasestr(model_node_at(&a->model, i)->n.name, f->buf)) {
			a->sel_node = (int)i;
			f->found = 1;
			break;
		}
	}
	a->nodes->dirty = a->details->dirty = 1;
}

static void
find_draw(struct modal *o, struct app *a)
{
	struct find *f = o->data;
	WINDOW *win = modal_window(o, a, 5, 60, "Find a node");
	int w = getmaxx(win) - 4;
	char line[NAME_MAX_LEN + 8];

	snprintf(line, sizeof line, "/%s", f->buf);
	draw_text(win, 1, 2, w, line, theme_attr(ROLE_OVERLAY));
	if (f->msg[0])
		draw_text(win, 2, 2, w, f->msg, theme_attr(ROLE_WARN));
	else if (f->len && !f->found)
		draw_text(win, 2, 2, w, "no node name holds this", theme_attr(ROLE_WARN));
	draw_text(win, 3, 2, w, "Enter: keep  Down: next  Esc: back", theme_attr(ROLE_DIM));
	o->cur_on = 1;
	o->cur_y = 1;
	o->cur_x = 3 + (int)f->len < getmaxx(win) - 1 ? 3 + (int)f->len : getmaxx(win) - 2;
}

static enum modal_result
find_key(struct modal *o, struct app *a, const struct input_key *k)
{
	struct find *f = o->data;

	f->msg[0] = '\0';
	if (k->type == INPUT_TYPE_KEYSYM) {
		switch (k->code.sym) {
		case INPUT_SYM_ESCAPE:
			a->sel_node = f->from;
			a->nodes->dirty = a->details->dirty = 1;
			return MODAL_CLOSE;
		case INPUT_SYM_ENTER:
			return MODAL_CLOSE;
		case INPUT_SYM_BACKSPACE:
		case INPUT_SYM_DEL:
			if (f->len > 0)
				f->buf[--f->len] = '\0';
			find_search(f, a, f->from);
			return MODAL_KEEP;
		case INPUT_SYM_DOWN:
			find_search(f, a, a->sel_node + 1);
			return MODAL_KEEP;
		default:
			return MODAL_KEEP;
		}
	}
	if (k->type != INPUT_TYPE_UNICODE || (k->modifiers & (INPUT_MOD_CTRL | INPUT_MOD_ALT)))
		return MODAL_KEEP;
	if (!find_name_char(k->code.codepoint)) {
		snprintf(f->msg, sizeof f->msg, "names hold letters, digits, '.', '_' and '-' only");
		return MODAL_KEEP;
	}
	if (f->len + 1 < sizeof f->buf) {
		f->buf[f->len++] = (char)k->code.codepoint;
		f->buf[f->len] = '\0';
	}
	find_search(f, a, a->sel_node);
	return MODAL_KEEP;
}

static void
find_free(struct modal *o)
{
	free(o->data);
}

static const struct modal_kind find_kind = {
	.draw = find_draw,
	.key = find_key,
	.free = find_free,
};

void
find_open(struct app *a)
{
	struct find *f = xcalloc(1, sizeof *f);

	f->from = a->sel_node;
	app_modal_open(a, modal_new(&find_kind, f));
}
