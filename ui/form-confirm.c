/*
 * form-confirm.c: yes/no questions before an action that cannot be undone;
 * the action runs only on y.
 */
#include "form-confirm.h"

#include <stdlib.h>
#include <stdio.h>

#include "app.h"
#include "draw.h"
#include "modal.h"
#include "theme.h"
#include "util.h"

struct form_confirm {
	char   title[64];
	char   question[512];
	void (*yes)(struct app *a, void *arg);
	void  *arg;
};

static void
form_confirm_draw(struct modal *o, struct app *a)
{
	struct form_confirm *c = o->data;
	int w = COLS - 4 < 64 ? COLS - 4 : 64;
	/* The question wraps: a long node name must not cut off what is asked. */
	int rows = draw_wrap(NULL, 0, 0, w - 4, 8, c->question, 0);
	WINDOW *win = modal_window(o, a, 6 + rows, w, c->title);

	draw_wrap(win, 2, 2, getmaxx(win) - 4, 8, c->question, theme_attr(ROLE_OVERLAY));
	draw_text(win, 3 + rows, 2, getmaxx(win) - 4, "y: yes   n or Esc: no", theme_attr(ROLE_WARN));
	o->cur_on = 0;
}

static enum modal_result
form_confirm_key(struct modal *o, struct app *a, const struct input_key *k)
{
	struct form_confirm *c = o->data;

	if (k->type == INPUT_TYPE_UNICODE && k->modifiers == 0 &&
	    (k->code.codepoint == 'y' || k->code.codepoint == 'Y')) {
		/* Close first: the action may open something else. */
		void (*yes)(struct app *, void *) = c->yes;
		void *arg = c->arg;
		c->arg = NULL;
		app_modal_close(a);
		yes(a, arg);
		free(arg);
		return MODAL_KEEP;
	}
	if (k->type == INPUT_TYPE_UNICODE || k->type == INPUT_TYPE_KEYSYM)
		return MODAL_CLOSE;
	return MODAL_KEEP;
}

static void
form_confirm_free(struct modal *o)
{
	struct form_confirm *c = o->data;

	free(c->arg);
	free(c);
}

static const struct modal_kind form_confirm_kind = {
	.draw = form_confirm_draw,
	.key = form_confirm_key,
	.free = form_confirm_free,
};

void
form_confirm_open(struct app *a, const char *title, const char *question,
    void (*yes)(struct app *a, void *arg), void *arg)
{
	struct form_confirm *c = xcalloc(1, sizeof *c);

	snprintf(c->title, sizeof c->title, "%s", title);
	snprintf(c->question, sizeof c->question, "%s", question);
	c->yes = yes;
	c->arg = arg;
	app_modal_open(a, modal_new(&form_confirm_kind, c));
}
