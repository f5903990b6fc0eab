/*
 * form.c: the form engine (fields, editing, inline checks, drawing) and
 * the forms built on it. A form never changes the lab until it is
 * submitted, and then only through one core call (node_create,
 * image_import, node_set/node_rename, or the confirmed action).
 */
#include "form.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "app.h"
#include "draw.h"
#include "image.h"
#include "link.h"
#include "name.h"
#include "net.h"
#include "node.h"
#include "modal.h"
#include "theme.h"
#include "util.h"

#define FORM_MAX_FIELDS 8
#define FORM_TEXT_MAX 512
#define FORM_LABEL_W 12

enum form_field_kind { FF_TEXT, FF_CHOICE, FF_PATH };

struct form_field {
	const char          *label;
	enum form_field_kind kind;
	char                 buf[FORM_TEXT_MAX];
	size_t               len, cur;       /* bytes; cur is a UTF-8 boundary */
	char               **choices;        /* FF_CHOICE: owned copies */
	int                  nchoices, choice;
	int                  fresh;          /* just focused: typing replaces */
	char                 err[ERR_MAX];   /* the check's complaint, or "" */
	char                 hint[256];      /* shown when there is no complaint */
};

struct form {
	const char *title;
	const char *submit_label;
	struct form_field f[FORM_MAX_FIELDS];
	int   nf, focus;
	/* Checks field i, filling f[i].err; 0 when it is fine. */
	int (*check)(struct form *fm, struct app *a, int i);
	/* 0: done, close; -1: stay open, fm->msg says why. */
	int (*submit)(struct form *fm, struct app *a);
	char  msg[ERR_MAX];
	char  node_id[37];       /* the node an edit form changes */
	char  progress[128];     /* an import's progress line, while it runs */
	double fraction;
};

/* ---- fields ---- */

static struct form_field *
form_text(struct form *fm, const char *label, const char *value, enum form_field_kind kind)
{
	struct form_field *f = &fm->f[fm->nf++];

	f->label = label;
	f->kind = kind;
	snprintf(f->buf, sizeof f->buf, "%s", value ? value : "");
	f->len = f->cur = strlen(f->buf);
	return f;
}

static struct form_field *
form_choice(struct form *fm, const char *label, const char *const *choices, int n, int sel)
{
	struct form_field *f = &fm->f[fm->nf++];

	f->label = label;
	f->kind = FF_CHOICE;
	f->choices = xcalloc(n ? (size_t)n : 1, sizeof *f->choices);
	for (int i = 0; i < n; i++)
		f->choices[i] = xstrdup(choices[i]);
	f->nchoices = n;
	f->choice = sel >= 0 && sel < n ? sel : 0;
	return f;
}

static const char *
form_value(const struct form_field *f)
{
	if (f->kind == FF_CHOICE)
		return f->nchoices ? f->choices[f->choice] : "";
	return f->buf;
}

static void
form_insert(struct form_field *f, const char *s, size_t n)
{
	if (f->len + n >= sizeof f->buf)
		n = sizeof f->buf - 1 - f->len;
	memmove(f->buf + f->cur + n, f->buf + f->cur, f->len - f->cur + 1);
	memcpy(f->buf + f->cur, s, n);
	f->len += n;
	f->cur += n;
}

static size_t
form_prev(const struct form_field *f, size_t at)
{
	if (at == 0)
		return 0;
	do
		at--;
	while (at > 0 && ((unsigned char)f->buf[at] & 0xC0) == 0x80);
	return at;
}

static size_t
form_next(const struct form_field *f, size_t at)
{
	if (at >= f->len)
		return f->len;
	do
		at++;
	while (at < f->len && ((unsigned char)f->buf[at] & 0xC0) == 0x80);
	return at;
}

static void
form_delete(struct form_field *f, size_t from, size_t to)
{
	memmove(f->buf + from, f->buf + to, f->len - to + 1);
	f->len -= to - from;
	f->cur = from;
}

static int
form_check_all(struct form *fm, struct app *a)
{
	int bad = -1;

	for (int i = 0; i < fm->nf; i++)
		if (fm->check(fm, a, i) != 0 && bad < 0)
			bad = i;
	return bad;
}

/* ---- completion ---- */

int
form_complete_path(char *path, size_t size, char *list, size_t listsize)
{
	char dir[FORM_TEXT_MAX], common[FORM_TEXT_MAX] = "";
	const char *base, *home = getenv("HOME");
	size_t blen, nlist = 0;
	int matches = 0, only_dir = 0;
	DIR *d;
	struct dirent *de;

	list[0] = '\0';
	/* ~/ means home, as a shell would have it. */
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && *home) {
		char tmp[FORM_TEXT_MAX];
		snprintf(tmp, sizeof tmp, "%s%s", home, path + 1);
		snprintf(path, size, "%s", tmp);
	}
	base = strrchr(path, '/');
	if (base) {
		snprintf(dir, sizeof dir, "%.*s", (int)(base - path + 1), path);
		base++;
	} else {
		snprintf(dir, sizeof dir, "./");
		base = path;
	}
	blen = strlen(base);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		char full[FORM_TEXT_MAX * 2];
		size_t k;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(de->d_name, base, blen) != 0)
			continue;
		snprintf(full, sizeof full, "%s%s", dir, de->d_name);
		int is_dir = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode);
		if (matches == 0) {
			snprintf(common, sizeof common, "%s", de->d_name);
			only_dir = is_dir;
		} else {
			for (k = 0; common[k] && common[k] == de->d_name[k]; k++)
				;
			common[k] = '\0';
		}
		matches++;
		if (nlist + strlen(de->d_name) + 3 < listsize) {
			nlist += (size_t)snprintf(list + nlist, listsize - nlist, "%s%s%s",
			    nlist ? "  " : "", de->d_name, is_dir ? "/" : "");
		}
	}
	closedir(d);
	if (matches == 0)
		return 0;
	if (strlen(common) >= blen) {
		char out[FORM_TEXT_MAX * 2];
		snprintf(out, sizeof out, "%.*s%s%s", (int)(base - path), path, common,
		    matches == 1 && only_dir ? "/" : "");
		if (strlen(out) < size)
			snprintf(path, size, "%s", out);
	}
	return matches;
}

/* ---- drawing and keys ---- */

static void
form_draw(struct modal *o, struct app *a)
{
	struct form *fm = o->data;
	int w = COLS - 4 < 76 ? COLS - 4 : 76;
	int h = 2 + 1 + fm->nf * 2 + 3 + (fm->progress[0] ? 2 : 0);
	WINDOW *win = modal_window(o, h, w, fm->title);
	int fw, y = 2;

	w = getmaxx(win);
	fw = w - 4 - FORM_LABEL_W;
	o->cur_on = 0;
	for (int i = 0; i < fm->nf; i++, y += 2) {
		struct form_field *f = &fm->f[i];
		int focused = i == fm->focus;
		attr_t fa = theme_attr(focused ? ROLE_FIELD_FOCUS : ROLE_FIELD);

		draw_text(win, y, 2, FORM_LABEL_W, f->label, theme_attr(focused ? ROLE_TITLE : ROLE_OVERLAY));
		draw_fill(win, y, 2 + FORM_LABEL_W, fw, fa);
		if (f->kind == FF_CHOICE) {
			char shown[FORM_TEXT_MAX + 8];
			snprintf(shown, sizeof shown, "< %s >", f->nchoices ? form_value(f) : "(none)");
			draw_text(win, y, 2 + FORM_LABEL_W, fw, shown, fa);
		} else {
			/* Scroll the text so the cursor stays inside the field. */
			char before[FORM_TEXT_MAX];
			size_t start = 0;
			snprintf(before, sizeof before, "%.*s", (int)f->cur, f->buf);
			while (draw_width(before + start) > fw - 1 && start < f->cur)
				start = form_next(f, start);
			/* A fresh value shows as selected: typing replaces it. */
			draw_text(win, y, 2 + FORM_LABEL_W, fw, f->buf + start,
			    focused && f->fresh && f->len ? theme_attr(ROLE_SELECTED) : fa);
			if (focused) {
				o->cur_on = 1;
				o->cur_y = y;
				o->cur_x = 2 + FORM_LABEL_W + draw_width(before + start);
			}
		}
		if (f->err[0])
			draw_text(win, y + 1, 2 + FORM_LABEL_W, fw, f->err, theme_attr(ROLE_ERROR));
		else if (f->hint[0])
			draw_text(win, y + 1, 2 + FORM_LABEL_W, fw, f->hint, theme_attr(ROLE_DIM));
	}
	if (fm->progress[0]) {
		int bw = w - 4, fill = (int)(fm->fraction * bw);
		draw_fill(win, y, 2, bw, theme_attr(ROLE_FIELD));
		draw_fill(win, y, 2, fill, theme_attr(ROLE_PROGRESS));
		draw_text(win, y + 1, 2, bw, fm->progress, theme_attr(ROLE_OVERLAY));
		y += 2;
		o->cur_on = 0;
	}
	if (fm->msg[0])
		draw_text(win, y, 2, w - 4, fm->msg, theme_attr(ROLE_ERROR));
	{
		char keys[160];
		snprintf(keys, sizeof keys, "Enter %s   Tab/Down next   Esc cancel", fm->submit_label);
		draw_text(win, h - 2, 2, w - 4, keys, theme_attr(ROLE_DIM));
	}
}

static void
form_utf8(uint32_t cp, char *out, size_t *n)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		*n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		*n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		*n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		*n = 4;
	}
}

static enum modal_result
form_submit(struct form *fm, struct app *a)
{
	int bad = form_check_all(fm, a);

	if (bad >= 0) {
		fm->focus = bad;
		snprintf(fm->msg, sizeof fm->msg, "%s", fm->f[bad].err);
		return MODAL_KEEP;
	}
	fm->msg[0] = '\0';
	return fm->submit(fm, a) == 0 ? MODAL_CLOSE : MODAL_KEEP;
}

/* Moves the focus by d fields; the field entered is "fresh": the first
 * character typed replaces its value, as in most dialogs. */
static void
form_move(struct form *fm, int d)
{
	fm->f[fm->focus].fresh = 0;
	fm->focus = (fm->focus + d + fm->nf) % fm->nf;
	fm->f[fm->focus].fresh = 1;
}

static enum modal_result
form_key(struct modal *o, struct app *a, const struct input_key *k)
{
	struct form *fm = o->data;
	struct form_field *f = &fm->f[fm->focus];
	int changed = 0, fresh = f->fresh;

	f->fresh = 0;

	if (k->type == INPUT_TYPE_KEYSYM) {
		switch (k->code.sym) {
		case INPUT_SYM_ESCAPE:
			return MODAL_CLOSE;
		case INPUT_SYM_ENTER:
			return form_submit(fm, a);
		case INPUT_SYM_TAB:
			if (k->modifiers & INPUT_MOD_SHIFT) {
				form_move(fm, -1);
				break;
			}
			if (f->kind == FF_PATH) {
				char list[200], before[FORM_TEXT_MAX];
				int m;

				snprintf(before, sizeof before, "%s", f->buf);
				m = form_complete_path(f->buf, sizeof f->buf, list, sizeof list);
				f->len = f->cur = strlen(f->buf);
				/* A path complete already: Tab goes on to the next field. */
				if (m == 1 && strcmp(before, f->buf) == 0 && before[f->len - 1] != '/') {
					form_move(fm, 1);
					break;
				}
				if (m > 1)
					snprintf(f->hint, sizeof f->hint, "%d matches: %s", m, list);
				else if (m == 0)
					snprintf(f->hint, sizeof f->hint, "no file or folder starts so");
				else
					f->hint[0] = '\0';
				fm->check(fm, a, fm->focus);
				break;
			}
			form_move(fm, 1);
			break;
		case INPUT_SYM_DOWN:
			form_move(fm, 1);
			break;
		case INPUT_SYM_UP:
			form_move(fm, -1);
			break;
		case INPUT_SYM_LEFT:
			if (f->kind == FF_CHOICE && f->nchoices)
				f->choice = (f->choice + f->nchoices - 1) % f->nchoices, changed = 1;
			else
				f->cur = form_prev(f, f->cur);
			break;
		case INPUT_SYM_RIGHT:
			if (f->kind == FF_CHOICE && f->nchoices)
				f->choice = (f->choice + 1) % f->nchoices, changed = 1;
			else
				f->cur = form_next(f, f->cur);
			break;
		case INPUT_SYM_HOME:
			f->cur = 0;
			break;
		case INPUT_SYM_END:
			f->cur = f->len;
			break;
		case INPUT_SYM_BACKSPACE:
			if (fresh && f->kind != FF_CHOICE) {
				f->len = f->cur = 0;
				f->buf[0] = '\0';
				changed = 1;
			} else if (f->kind != FF_CHOICE && f->cur > 0)
				form_delete(f, form_prev(f, f->cur), f->cur), changed = 1;
			break;
		case INPUT_SYM_DELETE:
			if (f->kind != FF_CHOICE && f->cur < f->len)
				form_delete(f, f->cur, form_next(f, f->cur)), changed = 1;
			break;
		default:
			break;
		}
	} else if (k->type == INPUT_TYPE_UNICODE) {
		if (k->modifiers == INPUT_MOD_CTRL && k->code.codepoint == 'u' && f->kind != FF_CHOICE) {
			f->len = f->cur = 0;
			f->buf[0] = '\0';
			changed = 1;
		} else if (k->modifiers == 0 && f->kind == FF_CHOICE && k->code.codepoint == ' ' && f->nchoices) {
			f->choice = (f->choice + 1) % f->nchoices;
			changed = 1;
		} else if ((k->modifiers & ~INPUT_MOD_SHIFT) == 0 && f->kind != FF_CHOICE &&
		    k->code.codepoint >= 0x20 && k->code.codepoint != 0x7f) {
			char u[4];
			size_t n;
			if (fresh) {
				f->len = f->cur = 0;
				f->buf[0] = '\0';
			}
			form_utf8((uint32_t)k->code.codepoint, u, &n);
			form_insert(f, u, n);
			changed = 1;
		}
	}
	if (changed) {
		fm->msg[0] = '\0';
		fm->check(fm, a, fm->focus);
	}
	return MODAL_KEEP;
}

/* Pasted text goes into a text field, without its control bytes. */
static void
form_paste(struct modal *o, struct app *a, const char *s, size_t n)
{
	struct form *fm = o->data;
	struct form_field *f = &fm->f[fm->focus];

	if (f->kind == FF_CHOICE)
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			form_insert(f, s + i, 1);
	fm->check(fm, a, fm->focus);
}

static void
form_free(struct modal *o)
{
	struct form *fm = o->data;

	for (int i = 0; i < fm->nf; i++) {
		for (int c = 0; c < fm->f[i].nchoices; c++)
			free(fm->f[i].choices[c]);
		free(fm->f[i].choices);
	}
	free(fm);
}

static const struct modal_kind form_kind = {
	.draw = form_draw,
	.key = form_key,
	.paste = form_paste,
	.free = form_free,
};

static void
form_open(struct app *a, struct form *fm)
{
	struct modal *o = modal_new(&form_kind, fm);

	fm->f[fm->focus].fresh = 1;
	app_modal_open(a, o);
}

/* ---- shared checks ---- */

static int
form_check_int(struct form_field *f, const char *what, long min, long max,
    int (*check)(long, struct err *))
{
	struct err e;
	long v;

	f->err[0] = '\0';
	if (parse_int(f->buf, min, max, &v) != 0) {
		snprintf(f->err, sizeof f->err, "%s must be a whole number", what);
		return -1;
	}
	if (check(v, &e) != 0) {
		snprintf(f->err, sizeof f->err, "%s", e.msg);
		return -1;
	}
	return 0;
}

static int
form_check_name(struct form_field *f, struct app *a, const char *own_id)
{
	const struct model_node *other;
	struct err e;

	f->err[0] = '\0';
	if (name_check(f->buf, "node name", &e) != 0) {
		snprintf(f->err, sizeof f->err, "%s", e.msg);
		return -1;
	}
	other = model_node_by_name(&a->model, f->buf);
	if (other && (own_id == NULL || strcmp(other->n.id, own_id) != 0)) {
		snprintf(f->err, sizeof f->err, "a node named %s exists already", other->n.name);
		return -1;
	}
	return 0;
}

static const char *const form_accels[] = { "auto", "kvm", "tcg" };

static int
form_accel_index(const char *accel)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(form_accels[i], accel) == 0)
			return i;
	return 0;
}

/* Fields of node forms, in order. */
enum { NF_IMAGE, NF_NAME, NF_RAM, NF_CPUS, NF_NICS, NF_ACCEL };

static int
form_node_check(struct form *fm, struct app *a, int i, int base, const char *own_id)
{
	struct form_field *f = &fm->f[i];

	switch (i - base + NF_NAME) {
	case NF_NAME:
		return form_check_name(f, a, own_id);
	case NF_RAM:
		return form_check_int(f, "RAM (MiB)", 0, NODE_RAM_MAX * 2L, node_check_ram);
	case NF_CPUS:
		return form_check_int(f, "CPUs", 0, 1024, node_check_cpus);
	case NF_NICS:
		return form_check_int(f, "NICs", 0, 1024, node_check_nics);
	default:
		f->err[0] = '\0';
		return 0;
	}
}

/* ---- create node ---- */

static int
form_create_check(struct form *fm, struct app *a, int i)
{
	if (i == NF_IMAGE) {
		fm->f[i].err[0] = '\0';
		if (fm->f[i].nchoices == 0) {
			snprintf(fm->f[i].err, sizeof fm->f[i].err, "no images yet: import one first (i)");
			return -1;
		}
		return 0;
	}
	return form_node_check(fm, a, i, NF_NAME, NULL);
}

static int
form_create_submit(struct form *fm, struct app *a)
{
	struct node_spec spec = { 0 };
	struct node out = { 0 };
	struct err e;
	long v;

	spec.image = form_value(&fm->f[NF_IMAGE]);
	spec.name = fm->f[NF_NAME].buf;
	spec.ram_mb = parse_int(fm->f[NF_RAM].buf, 0, NODE_RAM_MAX, &v) == 0 ? (int)v : 0;
	spec.cpus = parse_int(fm->f[NF_CPUS].buf, 0, NODE_CPUS_MAX, &v) == 0 ? (int)v : 0;
	spec.nics = parse_int(fm->f[NF_NICS].buf, 0, NODE_NICS_MAX, &v) == 0 ? (int)v : -1;
	spec.accel = form_value(&fm->f[NF_ACCEL]);
	if (node_create(a->lab, &spec, &out, &e) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		return -1;
	}
	app_msg(a, APP_MSG_INFO, "created node %s on %s", out.name, spec.image);
	app_reload(a);
	a->sel_node = model_node_index(&a->model, out.id);
	app_focus(a, a->nodes);
	node_clear(&out);
	return 0;
}

void
form_create_open(struct app *a, const char *image_name)
{
	struct form *fm = xcalloc(1, sizeof *fm);
	const char **names = xcalloc(a->model.nimages + 1, sizeof *names);
	const struct image *sel = app_sel_image(a);
	int pick = 0;
	char num[16];

	for (size_t i = 0; i < a->model.nimages; i++) {
		names[i] = a->model.images[i].name;
		if ((image_name && strcasecmp(image_name, names[i]) == 0) ||
		    (!image_name && sel == &a->model.images[i]))
			pick = (int)i;
	}
	fm->title = "Create a node";
	fm->submit_label = "create";
	fm->check = form_create_check;
	fm->submit = form_create_submit;
	snprintf(form_choice(fm, "Image", names, (int)a->model.nimages, pick)->hint, 256,
	    "Left/Right or Space picks");
	snprintf(form_text(fm, "Name", "", FF_TEXT)->hint, 256,
	    "letters, digits, . _ - ; up to 63");
	snprintf(num, sizeof num, "%d", NODE_RAM_DEFAULT);
	snprintf(form_text(fm, "RAM (MiB)", num, FF_TEXT)->hint, 256, "%d to %d", NODE_RAM_MIN, NODE_RAM_MAX);
	snprintf(num, sizeof num, "%d", NODE_CPUS_DEFAULT);
	snprintf(form_text(fm, "CPUs", num, FF_TEXT)->hint, 256, "1 to %d", NODE_CPUS_MAX);
	snprintf(num, sizeof num, "%d", NODE_NICS_DEFAULT);
	snprintf(form_text(fm, "NICs", num, FF_TEXT)->hint, 256, "0 to %d", NODE_NICS_MAX);
	snprintf(form_choice(fm, "Accelerator", form_accels, 3, 0)->hint, 256,
	    "auto: KVM when the host has it, else TCG");
	free(names);
	fm->focus = a->model.nimages ? NF_NAME : NF_IMAGE;
	form_create_check(fm, a, NF_IMAGE);
	form_open(a, fm);
}

/* ---- edit node ---- */

enum { EF_NAME, EF_RAM, EF_CPUS, EF_NICS, EF_ACCEL };

static int
form_edit_check(struct form *fm, struct app *a, int i)
{
	return form_node_check(fm, a, i, EF_NAME, fm->node_id);
}

static int
form_edit_submit(struct form *fm, struct app *a)
{
	int i = model_node_index(&a->model, fm->node_id);
	const struct node *n;
	struct node_changes c = { .nics = -1 };
	struct err e;
	long v;

	if (i < 0) {
		snprintf(fm->msg, sizeof fm->msg, "the node is gone (deleted elsewhere)");
		return -1;
	}
	n = &a->model.nodes[i].n;
	if (parse_int(fm->f[EF_RAM].buf, 0, NODE_RAM_MAX, &v) == 0 && v != n->ram_mb)
		c.ram_mb = (int)v;
	if (parse_int(fm->f[EF_CPUS].buf, 0, NODE_CPUS_MAX, &v) == 0 && v != n->cpus)
		c.cpus = (int)v;
	if (parse_int(fm->f[EF_NICS].buf, 0, NODE_NICS_MAX, &v) == 0 && v != n->nnics)
		c.nics = (int)v;
	if (strcmp(form_value(&fm->f[EF_ACCEL]), n->accel) != 0)
		c.accel = form_value(&fm->f[EF_ACCEL]);
	if ((c.ram_mb || c.cpus || c.nics >= 0 || c.accel) && node_set(a->lab, fm->node_id, &c, &e) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		return -1;
	}
	if (strcmp(fm->f[EF_NAME].buf, n->name) != 0 &&
	    node_rename(a->lab, fm->node_id, fm->f[EF_NAME].buf, &e) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		app_reload(a);
		return -1;
	}
	app_msg(a, APP_MSG_INFO, "saved node %s", fm->f[EF_NAME].buf);
	app_reload(a);
	return 0;
}

void
form_edit_open(struct app *a, const struct model_node *mn)
{
	struct form *fm = xcalloc(1, sizeof *fm);
	char num[16];

	fm->title = "Edit the node";
	fm->submit_label = "save";
	fm->check = form_edit_check;
	fm->submit = form_edit_submit;
	snprintf(fm->node_id, sizeof fm->node_id, "%s", mn->n.id);
	snprintf(form_text(fm, "Name", mn->n.name, FF_TEXT)->hint, 256, "letters, digits, . _ - ; up to 63");
	snprintf(num, sizeof num, "%d", mn->n.ram_mb);
	snprintf(form_text(fm, "RAM (MiB)", num, FF_TEXT)->hint, 256, "%d to %d", NODE_RAM_MIN, NODE_RAM_MAX);
	snprintf(num, sizeof num, "%d", mn->n.cpus);
	snprintf(form_text(fm, "CPUs", num, FF_TEXT)->hint, 256, "1 to %d", NODE_CPUS_MAX);
	snprintf(num, sizeof num, "%d", mn->n.nnics);
	snprintf(form_text(fm, "NICs", num, FF_TEXT)->hint, 256, "0 to %d", NODE_NICS_MAX);
	snprintf(form_choice(fm, "Accelerator", form_accels, 3, form_accel_index(mn->n.accel))->hint, 256,
	    "changes apply at the next start");
	form_open(a, fm);
}

/* ---- import image ---- */

enum { IF_PATH, IF_NAME };

static int
form_import_check(struct form *fm, struct app *a, int i)
{
	struct form_field *f = &fm->f[i];
	struct stat sb;
	struct err e;

	f->err[0] = '\0';
	if (i == IF_PATH) {
		if (f->buf[0] == '\0') {
			snprintf(f->err, sizeof f->err, "type the path of a disk image (Tab completes)");
			return -1;
		}
		if (lstat(f->buf, &sb) != 0) {
			snprintf(f->err, sizeof f->err, "no such file");
			return -1;
		}
		if (!S_ISREG(sb.st_mode)) {
			snprintf(f->err, sizeof f->err, S_ISDIR(sb.st_mode) ? "a folder: Tab lists its files"
			    : "not a regular file (symlinks, devices and FIFOs are refused)");
			return -1;
		}
		return 0;
	}
	if (f->buf[0] && name_check(f->buf, "image name", &e) != 0) {
		snprintf(f->err, sizeof f->err, "%s", e.msg);
		return -1;
	}
	return 0;
}

static struct modal *form_import_modal;
static struct app *form_import_app;

/* Called by image_import as it copies: redraw the bar right away, since
 * the loop is not running while the import does. */
static void
form_import_progress(uint64_t done, uint64_t total, void *arg)
{
	struct form *fm = arg;
	char d[16], t[16];

	fm->fraction = total ? (double)done / (double)total : 1.0;
	snprintf(fm->progress, sizeof fm->progress, "copying: %s of %s", fmt_size(done, d, sizeof d),
	    fmt_size(total, t, sizeof t));
	if (form_import_modal) {
		form_draw(form_import_modal, form_import_app);
		wnoutrefresh(form_import_modal->win);
		doupdate();
	}
}

static int
form_import_submit(struct form *fm, struct app *a)
{
	struct image_import_opts opts = { 0 };
	struct image out = { 0 };
	struct err e;
	char vs[16];
	int rc;

	opts.name = fm->f[IF_NAME].buf[0] ? fm->f[IF_NAME].buf : NULL;
	opts.progress = form_import_progress;
	opts.arg = fm;
	snprintf(fm->progress, sizeof fm->progress, "checking the image...");
	fm->fraction = 0;
	form_import_progress(0, 0, fm);
	rc = image_import(a->lab, fm->f[IF_PATH].buf, &opts, &out, &e);
	fm->progress[0] = '\0';
	if (rc != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		return -1;
	}
	app_msg(a, APP_MSG_INFO, "imported image %s (%s, %s)", out.name, out.format,
	    fmt_size(out.virtual_size, vs, sizeof vs));
	app_reload(a);
	a->sel_image = model_image_index(&a->model, out.id);
	image_clear(&out);
	return 0;
}

static enum modal_result
form_import_key(struct modal *o, struct app *a, const struct input_key *k)
{
	enum modal_result r;

	form_import_modal = o;
	form_import_app = a;
	r = form_key(o, a, k);
	form_import_modal = NULL;
	return r;
}

static const struct modal_kind form_import_kind = {
	.draw = form_draw,
	.key = form_import_key,
	.paste = form_paste,
	.free = form_free,
};

void
form_import_open(struct app *a)
{
	struct form *fm = xcalloc(1, sizeof *fm);

	fm->title = "Import a disk image";
	fm->submit_label = "import";
	fm->check = form_import_check;
	fm->submit = form_import_submit;
	snprintf(form_text(fm, "File", "", FF_PATH)->hint, 256, "qcow2 or raw; Tab completes");
	snprintf(form_text(fm, "Name", "", FF_TEXT)->hint, 256, "empty: from the file name");
	app_modal_open(a, modal_new(&form_import_kind, fm));
}

/* ---- add a link ---- */

enum { LF_FROM, LF_TO };

/* The node name of a "node:ethN" choice. */
static void
form_link_node(const char *ref, char *node, size_t len)
{
	const char *colon = strrchr(ref, ':');

	snprintf(node, len, "%.*s", colon ? (int)(colon - ref) : (int)strlen(ref), ref);
}

static int
form_link_check(struct form *fm, struct app *a, int i)
{
	struct form_field *f = &fm->f[i];
	char from[96], to[96];

	(void)a;
	f->err[0] = '\0';
	if (f->nchoices == 0) {
		snprintf(f->err, sizeof f->err, "no NIC is free: give a node more NICs (e), or remove "
		    "a link or NAT from one");
		return -1;
	}
	if (i == LF_TO) {
		form_link_node(form_value(&fm->f[LF_FROM]), from, sizeof from);
		form_link_node(form_value(f), to, sizeof to);
		if (strcasecmp(from, to) == 0) {
			snprintf(f->err, sizeof f->err, "a link joins two different nodes");
			return -1;
		}
	}
	return 0;
}

static int
form_link_submit(struct form *fm, struct app *a)
{
	struct net_note note = { 0 };
	char an[96], bn[96], text[512];
	int ai, bi;
	struct link l;
	struct err e;

	if (net_ref_parse(form_value(&fm->f[LF_FROM]), an, sizeof an, &ai, &e) != 0 ||
	    net_ref_parse(form_value(&fm->f[LF_TO]), bn, sizeof bn, &bi, &e) != 0 ||
	    link_add(a->lab, an, ai, bn, bi, &l, &note, &e) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", e.msg);
		return -1;
	}
	net_note_text(&note, text, sizeof text);
	app_msg(a, APP_MSG_INFO, "linked %s:eth%d - %s:eth%d; %s", l.a.name, l.a.idx, l.b.name,
	    l.b.idx, text);
	app_reload(a);
	return 0;
}

void
form_link_open(struct app *a)
{
	struct form *fm = xcalloc(1, sizeof *fm);
	const struct model_node *sel = app_sel_node(a);
	char **refs = xcalloc(1, sizeof *refs);
	int n = 0, from = 0, to = 0;

	/* The free NICs: attached to nothing (a NAT NIC is detached first). */
	for (size_t i = 0; i < a->model.nnodes; i++) {
		const struct node *nd = &a->model.nodes[i].n;
		for (int j = 0; j < nd->nnics; j++) {
			if (strcmp(nd->nics[j].attach, "none") != 0)
				continue;
			refs = xreallocarray(refs, (size_t)n + 2, sizeof *refs);
			refs[n++] = xasprintf("%s:eth%d", nd->name, nd->nics[j].idx);
		}
	}
	/* From: the selected node's first free NIC; to: the next node's. */
	for (int k = 0; k < n; k++) {
		char node[96];
		form_link_node(refs[k], node, sizeof node);
		if (sel && strcasecmp(node, sel->n.name) == 0) {
			from = k;
			break;
		}
	}
	for (int k = 0; k < n; k++) {
		char a1[96], a2[96];
		form_link_node(refs[(from + k) % n], a1, sizeof a1);
		form_link_node(refs[from], a2, sizeof a2);
		if (strcasecmp(a1, a2) != 0) {
			to = (from + k) % n;
			break;
		}
	}
	fm->title = "Add a link";
	fm->submit_label = "link";
	fm->check = form_link_check;
	fm->submit = form_link_submit;
	snprintf(form_choice(fm, "From", (const char *const *)refs, n, from)->hint, 256,
	    "a NIC attached to nothing; Left/Right picks");
	snprintf(form_choice(fm, "To", (const char *const *)refs, n, to)->hint, 256,
	    "a NIC of another node; UDP on 127.0.0.1");
	for (int k = 0; k < n; k++)
		free(refs[k]);
	free(refs);
	form_check_all(fm, a);
	form_open(a, fm);
}

/* ---- confirmation ---- */

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
	WINDOW *win = modal_window(o, 7, w, c->title);

	draw_text(win, 2, 2, getmaxx(win) - 4, c->question, theme_attr(ROLE_OVERLAY));
	draw_text(win, 4, 2, getmaxx(win) - 4, "y: yes   n or Esc: no", theme_attr(ROLE_WARN));
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
