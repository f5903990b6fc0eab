/*
 * form-impair.c: the "Impair a link" dialog: what one direction of a
 * link (or both) does to the frames it carries. Values are checked with
 * the core's shape_check, as `link set` checks them, and set with
 * link_set, then told to the running wires (wire_apply).
 */
#include "form-impair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "input.h"
#include "link.h"
#include "netview.h"
#include "shape.h"
#include "util.h"
#include "wire.h"

enum { FI_DIR, FI_FIRST };      /* FI_FIRST + SHAPE_* are the values */
enum { FI_AB, FI_BA, FI_BOTH };

/* The form first: the engine frees it as a form. */
struct form_impair {
	struct form fm;
	char        link_id[37];
	char        shape[2][SHAPE_TEXT_MAX];  /* A>B, B>A as they were */
	int         shown;                      /* the direction the values are of */
};

static const char *const form_impair_labels[SHAPE_NFIELDS] = {
	[SHAPE_DELAY] = "delay ms", [SHAPE_JITTER] = "jitter ms", [SHAPE_LOSS] = "loss %",
	[SHAPE_RATE] = "rate kbit/s", [SHAPE_DUPLICATE] = "duplicate %", [SHAPE_CORRUPT] = "corrupt %",
};

static const char *const form_impair_hints[SHAPE_NFIELDS] = {
	[SHAPE_DELAY] = "added to every frame; 0 = none",
	[SHAPE_JITTER] = "the delay varies by up to this, either way",
	[SHAPE_LOSS] = "frames dropped, 0 to 100",
	[SHAPE_RATE] = "the line's speed; 0 = unlimited",
	[SHAPE_DUPLICATE] = "frames sent twice, 0 to 100",
	[SHAPE_CORRUPT] = "frames with one bit flipped, 0 to 100",
};

/* The values of direction dir (both: A>B's) into the fields. */
static void
form_impair_fill(struct form_impair *fi, int dir)
{
	struct shape s;
	struct err e;

	if (shape_parse(fi->shape[dir == FI_BA], &s, &e) != 0)
		memset(&s, 0, sizeof s);
	for (int f = 0; f < SHAPE_NFIELDS; f++) {
		struct form_field *ff = &fi->fm.f[FI_FIRST + f];
		snprintf(ff->buf, sizeof ff->buf, "%d", s.v[f]);
		ff->len = ff->cur = strlen(ff->buf);
		ff->err[0] = '\0';
	}
	fi->shown = dir;
}

/* A field's value: blank is 0. 0, or -1 with f->err set. */
static int
form_impair_value(struct form_field *f, int field, long *v)
{
	struct err e;

	f->err[0] = '\0';
	if (f->len == 0) {
		*v = 0;
		return 0;
	}
	if (parse_int(f->buf, 0, 1L << 30, v) != 0) {
		snprintf(f->err, sizeof f->err, "%s is a whole number, 0 or more", shape_field_name(field));
		return -1;
	}
	if (shape_check(field, *v, &e) != 0) {
		snprintf(f->err, sizeof f->err, "%s", e.msg);
		return -1;
	}
	return 0;
}

static int
form_impair_check(struct form *fm, struct app *a, int i)
{
	struct form_impair *fi = (struct form_impair *)fm;
	long v;

	(void)a;
	if (i == FI_DIR) {
		/* Another direction picked: its values are shown. */
		if (fm->f[FI_DIR].choice != fi->shown)
			form_impair_fill(fi, fm->f[FI_DIR].choice);
		return 0;
	}
	return form_impair_value(&fm->f[i], i - FI_FIRST, &v);
}

static int
form_impair_submit(struct form *fm, struct app *a)
{
	struct form_impair *fi = (struct form_impair *)fm;
	struct link_change ch = { .up = -1 };
	int dir = fm->f[FI_DIR].choice, rc;
	char text[600];
	struct link l;
	struct err e;

	for (int f = 0; f < SHAPE_NFIELDS; f++)
		if (form_impair_value(&fm->f[FI_FIRST + f], f, &ch.v[f]) != 0)
			return -1;
	/* Named by its id, "out" is what A sends. */
	ch.out = dir != FI_BA;
	ch.in = dir != FI_AB;
	if (link_set(a->lab, fi->link_id, &ch, &l, &e) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		return -1;
	}
	rc = wire_apply(a->lab, &l, text, sizeof text);
	app_msg(a, rc == 0 ? APP_MSG_INFO : APP_MSG_ERROR, "%s>%s %s, %s>%s %s; %s", l.a.name, l.b.name,
	    l.a.shape[0] ? l.a.shape : "-", l.b.name, l.a.name, l.b.shape[0] ? l.b.shape : "-", text);
	app_reload(a);
	return 0;
}

/* The engine's keys, except that Enter (once the form is good) and Esc
 * go back to the links view. */
static enum modal_result
form_impair_key(struct modal *o, struct app *a, const struct input_key *k)
{
	struct form *fm = o->data;
	int enter = k->type == INPUT_TYPE_KEYSYM && k->code.sym == INPUT_SYM_ENTER;
	int esc = k->type == INPUT_TYPE_KEYSYM && k->code.sym == INPUT_SYM_ESCAPE;

	if (enter && form_check_all(fm, a) >= 0)
		return form_key(o, a, k);       /* the engine shows the complaint */
	if (enter) {
		fm->msg[0] = '\0';
		if (form_impair_submit(fm, a) != 0)
			return MODAL_KEEP;
	}
	if (enter || esc) {
		app_modal_close(a);     /* o is gone */
		netview_links_open(a);
		return MODAL_KEEP;
	}
	return form_key(o, a, k);
}

static const struct modal_kind form_impair_kind = {
	.draw = form_draw,
	.key = form_impair_key,
	.paste = form_paste,
	.free = form_free,
};

void
form_impair_open(struct app *a, const struct link *l)
{
	struct form_impair *fi = xcalloc(1, sizeof *fi);
	char ab[200], ba[200];
	const char *dirs[3] = { ab, ba, "both ways" };

	snprintf(ab, sizeof ab, "%s:eth%d sends", l->a.name, l->a.idx);
	snprintf(ba, sizeof ba, "%s:eth%d sends", l->b.name, l->b.idx);
	snprintf(fi->link_id, sizeof fi->link_id, "%s", l->id);
	snprintf(fi->shape[0], sizeof fi->shape[0], "%s", l->a.shape);
	snprintf(fi->shape[1], sizeof fi->shape[1], "%s", l->b.shape);
	fi->fm.title = "Impair a link";
	fi->fm.submit_label = "set";
	fi->fm.check = form_impair_check;
	fi->fm.submit = form_impair_submit;
	snprintf(form_choice(&fi->fm, "frames", dirs, 3, FI_AB)->hint, 256,
	    "which direction; Left/Right picks");
	for (int f = 0; f < SHAPE_NFIELDS; f++)
		snprintf(form_text(&fi->fm, form_impair_labels[f], "", FF_TEXT)->hint, 256, "%s",
		    form_impair_hints[f]);
	form_impair_fill(fi, FI_AB);
	form_check_all(&fi->fm, a);
	fi->fm.f[0].fresh = 1;
	app_modal_open(a, modal_new(&form_impair_kind, fi));
}
