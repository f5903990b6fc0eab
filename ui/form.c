/*
 * form.c: the form engine: fields, editing, path completion, inline
 * checks and drawing. The dialogs built on it live in form-*.c. A form
 * never changes the lab until it is submitted, and then only through one
 * core call.
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
#include "name.h"
#include "modal.h"
#include "theme.h"
#include "utf8.h"
#include "util.h"

/* ---- fields ---- */

struct form_field *
form_text(struct form *fm, const char *label, const char *value, enum form_field_kind kind)
{
	struct form_field *f = &fm->f[fm->nf++];

	f->label = label;
	f->kind = kind;
	f->page = fm->npages ? fm->npages - 1 : 0;
	snprintf(f->buf, sizeof f->buf, "%s", value ? value : "");
	f->len = f->cur = strlen(f->buf);
	f->menu_sel = -1;
	return f;
}

struct form_field *
form_choice(struct form *fm, const char *label, const char *const *choices, int n, int sel)
{
	struct form_field *f = &fm->f[fm->nf++];

	f->label = label;
	f->kind = FF_CHOICE;
	f->page = fm->npages ? fm->npages - 1 : 0;
	f->choices = xcalloc(n ? (size_t)n : 1, sizeof *f->choices);
	for (int i = 0; i < n; i++)
		f->choices[i] = xstrdup(choices[i]);
	f->nchoices = n;
	f->choice = sel >= 0 && sel < n ? sel : 0;
	return f;
}

int
form_set(struct form_field *f, const char *value)
{
	if (f->kind != FF_CHOICE) {
		snprintf(f->buf, sizeof f->buf, "%s", value);
		f->len = f->cur = strlen(f->buf);
		return 0;
	}
	for (int i = 0; i < f->nchoices; i++)
		if (strcasecmp(f->choices[i], value) == 0) {
			f->choice = i;
			return 0;
		}
	return -1;
}

void
form_page(struct form *fm, const char *name)
{
	if (fm->npages < FORM_MAX_PAGES)
		fm->page_names[fm->npages++] = name;
}

const char *
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

int
form_check_all(struct form *fm, struct app *a)
{
	int bad = -1;

	for (int i = 0; i < fm->nf; i++)
		if (fm->check(fm, a, i) != 0 && bad < 0)
			bad = i;
	return bad;
}

/* ---- completion ---- */

static int
form_name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
form_menu_close(struct form_field *f)
{
	for (int i = 0; i < f->nmenu; i++)
		free(f->menu[i]);
	free(f->menu);
	f->menu = NULL;
	f->nmenu = 0;
	f->menu_sel = -1;
}

/* Completes path in place as far as its matches agree, and returns them
 * in *names (sorted, folders with a '/', n of them; free each and the
 * array); the folder they are in goes to dir. Only what an import can
 * take is offered: regular files, and folders to go into. */
static int
form_complete_path(char *path, size_t size, char ***names, char *dir, size_t dirsize)
{
	char common[FORM_TEXT_MAX] = "";
	const char *base, *home = getenv("HOME");
	size_t blen;
	int matches = 0, only_dir = 0;
	DIR *d;
	struct dirent *de;

	*names = NULL;
	/* ~/ means home, as a shell would have it. */
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && *home) {
		char tmp[FORM_TEXT_MAX];
		snprintf(tmp, sizeof tmp, "%s%s", home, path + 1);
		snprintf(path, size, "%s", tmp);
	}
	base = strrchr(path, '/');
	if (base) {
		snprintf(dir, dirsize, "%.*s", (int)(base - path + 1), path);
		base++;
	} else {
		dir[0] = '\0';
		base = path;
	}
	blen = strlen(base);
	d = opendir(dir[0] ? dir : ".");
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		char full[FORM_TEXT_MAX * 2];
		size_t k;
		int is_dir;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(de->d_name, base, blen) != 0)
			continue;
		snprintf(full, sizeof full, "%s%s", dir, de->d_name);
		if (lstat(full, &sb) != 0)
			continue;
		is_dir = S_ISDIR(sb.st_mode) || (S_ISLNK(sb.st_mode) && stat(full, &sb) == 0 &&
		    S_ISDIR(sb.st_mode));
		if (!is_dir && !S_ISREG(sb.st_mode))
			continue;   /* devices, FIFOs, links to files: an import refuses them */
		if (matches == 0) {
			snprintf(common, sizeof common, "%s", de->d_name);
			only_dir = is_dir;
		} else {
			for (k = 0; common[k] && common[k] == de->d_name[k]; k++)
				;
			common[k] = '\0';
		}
		*names = xreallocarray(*names, (size_t)matches + 1, sizeof **names);
		(*names)[matches++] = xasprintf("%s%s", de->d_name, is_dir ? "/" : "");
	}
	closedir(d);
	if (matches == 0)
		return 0;
	qsort(*names, (size_t)matches, sizeof **names, form_name_cmp);
	if (strlen(common) >= blen) {
		char out[FORM_TEXT_MAX * 2];
		snprintf(out, sizeof out, "%s%s%s", dir, common, matches == 1 && only_dir ? "/" : "");
		if (strlen(out) < size)
			snprintf(path, size, "%s", out);
	}
	return matches;
}

/* Puts the menu's pick d places on (wrapping) into the field. */
static void
form_menu_step(struct form_field *f, int d)
{
	f->menu_sel = f->menu_sel < 0 ? (d > 0 ? 0 : f->nmenu - 1) :
	    (f->menu_sel + d + f->nmenu) % f->nmenu;
	snprintf(f->buf, sizeof f->buf, "%s%s", f->menu_dir, f->menu[f->menu_sel]);
	f->len = f->cur = strlen(f->buf);
}

/* Tab in a path field: completes; when more than one thing matches (a
 * folder's files), lists them to pick from. 1 when the path was
 * complete already (Tab then moves on). */
static int
form_tab_path(struct form *fm, struct app *a, struct form_field *f)
{
	char before[FORM_TEXT_MAX], **names;
	int m;

	form_menu_close(f);
	snprintf(before, sizeof before, "%s", f->buf);
	m = form_complete_path(f->buf, sizeof f->buf, &names, f->menu_dir, sizeof f->menu_dir);
	f->len = f->cur = strlen(f->buf);
	if (m == 1 && strcmp(before, f->buf) == 0 && f->len && f->buf[f->len - 1] != '/') {
		free(names[0]);
		free(names);
		return 1;
	}
	fm->check(fm, a, (int)(f - fm->f));
	if (m > 1) {
		f->menu = names;
		f->nmenu = m;
		f->menu_sel = -1;
	} else {
		if (m == 1)
			free(names[0]);
		free(names);
		if (m == 0)
			snprintf(f->err, sizeof f->err, "%s", f->len && f->buf[f->len - 1] == '/' ?
			    "nothing to import in this folder" : "no file or folder here starts so");
	}
	return 0;
}

/* ---- drawing and keys ---- */

#define FORM_WRAP_ROWS 5   /* most rows a field's complaint or hint takes */

/* Rows under field f: its Tab list, else its complaint or hint (wrapped;
 * a complaint is never cut: the longest, a CPU model's, takes 3 rows at
 * 80 columns). A quiet field shows its hint only while focused, so a page
 * of many fields fits 80x24. */
static int
form_sub_rows(const struct form_field *f, int fw, int focused)
{
	const char *t = f->err[0] ? f->err : f->hint;

	if (f->nmenu)
		return 1 + (f->nmenu < FORM_MENU_ROWS ? f->nmenu : FORM_MENU_ROWS);
	if (f->quiet && !focused && !f->err[0])
		return 0;
	return t[0] ? draw_wrap(NULL, 0, 0, fw, FORM_WRAP_ROWS, t, 0) : 1;
}

static void
form_draw_menu(WINDOW *win, int y, int x, int fw, const struct form_field *f)
{
	int rows = f->nmenu < FORM_MENU_ROWS ? f->nmenu : FORM_MENU_ROWS;
	int top = f->menu_sel >= rows ? f->menu_sel - rows + 1 : 0;

	draw_fmt(win, y, x, fw, theme_attr(ROLE_DIM), "%d here: Tab or Up/Down picks, Enter takes it",
	    f->nmenu);
	for (int r = 0; r < rows; r++) {
		int k = top + r;
		attr_t at = theme_attr(k == f->menu_sel ? ROLE_SELECTED : ROLE_OVERLAY);
		draw_fill(win, y + 1 + r, x, fw, at);
		draw_text(win, y + 1 + r, x + 1, fw - 1, f->menu[k], at);
	}
}

void
form_draw(struct modal *o, struct app *a)
{
	struct form *fm = o->data;
	int w = COLS - 4 < 76 ? COLS - 4 : 76;
	int fw = w - 4 - FORM_LABEL_W, h, y = 2, mrows;
	int page = fm->f[fm->focus].page;
	char title[160];
	WINDOW *win;

	/* The height follows what is shown: wrapped complaints, a Tab list,
	 * the progress bar, a wrapped message. */
	mrows = fm->msg[0] ? draw_wrap(NULL, 0, 0, w - 4, 4, fm->msg, 0) : 1;
	h = 2 + (fm->progress[0] ? 2 : 0) + mrows + 3;
	for (int i = 0; i < fm->nf; i++)
		if (fm->f[i].page == page)
			h += 1 + form_sub_rows(&fm->f[i], fw, i == fm->focus);
	if (fm->npages > 1)
		snprintf(title, sizeof title, "%s: %s (%d/%d)", fm->title, fm->page_names[page], page + 1,
		    fm->npages);
	else
		snprintf(title, sizeof title, "%s", fm->title);
	win = modal_window(o, a, h, w, title);
	w = getmaxx(win);
	fw = w - 4 - FORM_LABEL_W;
	o->cur_on = 0;
	for (int i = 0; i < fm->nf; i++) {
		struct form_field *f = &fm->f[i];
		int focused = i == fm->focus;
		attr_t fa = theme_attr(focused ? ROLE_FIELD_FOCUS : ROLE_FIELD);

		if (f->page != page)
			continue;
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
		if (f->nmenu)
			form_draw_menu(win, y + 1, 2 + FORM_LABEL_W, fw, f);
		else if (f->err[0])
			draw_wrap(win, y + 1, 2 + FORM_LABEL_W, fw, FORM_WRAP_ROWS, f->err, theme_attr(ROLE_ERROR));
		else if (f->hint[0] && (focused || !f->quiet))
			draw_wrap(win, y + 1, 2 + FORM_LABEL_W, fw, FORM_WRAP_ROWS, f->hint, theme_attr(ROLE_DIM));
		y += 1 + form_sub_rows(f, fw, focused);
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
		draw_wrap(win, y, 2, w - 4, 4, fm->msg, theme_attr(ROLE_ERROR));
	{
		char keys[160], pg[64] = "";
		if (fm->npages > 1)
			snprintf(pg, sizeof pg, "PgDn %s   ", fm->page_names[(page + 1) % fm->npages]);
		snprintf(keys, sizeof keys, "Enter %s   Tab/Down next   %sEsc cancel", fm->submit_label, pg);
		draw_text(win, getmaxy(win) - 2, 2, w - 4, keys, theme_attr(ROLE_DIM));
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

/* Moves the focus to the first field of the page d pages on (wrapping). */
static void
form_turn(struct form *fm, int d)
{
	int n = fm->npages > 1 ? fm->npages : 1;
	int page = (fm->f[fm->focus].page + d + n) % n;

	for (int i = 0; i < fm->nf; i++)
		if (fm->f[i].page == page) {
			form_move(fm, i - fm->focus);
			return;
		}
}

enum modal_result
form_key(struct modal *o, struct app *a, const struct input_key *k)
{
	struct form *fm = o->data;
	struct form_field *f = &fm->f[fm->focus];
	int changed = 0, fresh = f->fresh;

	f->fresh = 0;

	/* A Tab list is open: Tab and the arrows pick, Enter takes the pick
	 * (a folder lists its own), Esc closes the list; any other key closes
	 * it and does what it does. */
	if (f->nmenu && k->type == INPUT_TYPE_KEYSYM) {
		switch (k->code.sym) {
		case INPUT_SYM_TAB:
			form_menu_step(f, k->modifiers & INPUT_MOD_SHIFT ? -1 : 1);
			fm->check(fm, a, fm->focus);
			return MODAL_KEEP;
		case INPUT_SYM_DOWN:
		case INPUT_SYM_UP:
			form_menu_step(f, k->code.sym == INPUT_SYM_DOWN ? 1 : -1);
			fm->check(fm, a, fm->focus);
			return MODAL_KEEP;
		case INPUT_SYM_ENTER:
			form_menu_close(f);
			if (f->len && f->buf[f->len - 1] == '/')
				form_tab_path(fm, a, f);
			fm->check(fm, a, fm->focus);
			if (f->nmenu)   /* the folder's list; its check would say "a folder" */
				f->err[0] = '\0';
			return MODAL_KEEP;
		case INPUT_SYM_ESCAPE:
			form_menu_close(f);
			return MODAL_KEEP;
		default:
			break;
		}
	}
	if (f->nmenu)
		form_menu_close(f);

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
				/* A path complete already: Tab goes on to the next field. */
				if (form_tab_path(fm, a, f))
					form_move(fm, 1);
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
		case INPUT_SYM_PAGEDOWN:
		case INPUT_SYM_PAGEUP:
			form_turn(fm, k->code.sym == INPUT_SYM_PAGEDOWN ? 1 : -1);
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
			if (fresh) {
				f->len = f->cur = 0;
				f->buf[0] = '\0';
			}
			form_insert(f, u, (size_t)utf8_encode((uint32_t)k->code.codepoint, u));
			changed = 1;
		}
	}
	if (changed) {
		f->touched = 1;
		fm->msg[0] = '\0';
		fm->check(fm, a, fm->focus);
	}
	return MODAL_KEEP;
}

/* Pasted text goes into a text field, without its control bytes. */
void
form_paste(struct modal *o, struct app *a, const char *s, size_t n)
{
	struct form *fm = o->data;
	struct form_field *f = &fm->f[fm->focus];

	if (f->kind == FF_CHOICE)
		return;
	form_menu_close(f);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			form_insert(f, s + i, 1);
	f->touched = 1;
	fm->check(fm, a, fm->focus);
}

void
form_free(struct modal *o)
{
	struct form *fm = o->data;

	for (int i = 0; i < fm->nf; i++) {
		form_menu_close(&fm->f[i]);
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

void
form_open(struct app *a, struct form *fm)
{
	struct modal *o = modal_new(&form_kind, fm);

	fm->f[fm->focus].fresh = 1;
	app_modal_open(a, o);
}

/* ---- shared checks ---- */

int
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

int
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
