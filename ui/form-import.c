/*
 * form-import.c: the "Import a disk image" dialog.
 */
#include "form-import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "form.h"
#include "guard.h"
#include "image.h"
#include "job.h"
#include "modal.h"
#include "name.h"
#include "util.h"

enum { IF_PATH, IF_NAME };

static int
form_import_check(struct form *fm, struct app *a, int i)
{
	struct form_field *f = &fm->f[i];
	struct stat sb;
	struct err e;

	f->err[0] = '\0';
	if (i == IF_PATH) {
		/* The name field's default comes from the file name. */
		form_import_check(fm, a, IF_NAME);
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
	/* Taken already: said while typing (the core says it again, in the
	 * CLI's words, if another import takes the name meanwhile). */
	if (f->buf[0])
		return guard_image_name(&a->model, f->buf, f->err, sizeof f->err) ? -1 : 0;
	if (lstat(fm->f[IF_PATH].buf, &sb) == 0 && S_ISREG(sb.st_mode)) {
		char *name = image_name_from_path(fm->f[IF_PATH].buf), taken[ERR_MAX];
		int rc = 0;
		if (guard_image_name(&a->model, name, taken, sizeof taken)) {
			snprintf(f->err, sizeof f->err, "from the file name this would be %s, which an "
			    "image has already: type another name", name);
			rc = -1;
		}
		free(name);
		return rc;
	}
	return 0;
}

/* The import's progress and end, from job_drain. While it runs the
 * form's progress line is set: keys wait, Esc cancels it. */
static void
form_import_report(struct app *a, const struct job_import_report *r, void *arg)
{
	struct form *fm = arg;
	char d[16], t[16];

	if (a->modal)
		a->modal->dirty = 1;
	if (!r->ended) {
		fm->fraction = r->total ? (double)r->copied / (double)r->total : 1.0;
		snprintf(fm->progress, sizeof fm->progress, "copying: %s of %s",
		    fmt_size(r->copied, d, sizeof d), fmt_size(r->total, t, sizeof t));
		return;
	}
	fm->progress[0] = '\0';
	if (r->rc != 0) {
		/* The name was taken meanwhile: say it in the form's words. */
		app_reload(a);
		if (form_import_check(fm, a, IF_NAME) != 0) {
			snprintf(fm->msg, sizeof fm->msg, "%s", fm->f[IF_NAME].err);
			fm->focus = IF_NAME;
		} else
			snprintf(fm->msg, sizeof fm->msg, "%s", r->text);
		return;
	}
	app_msg(a, APP_MSG_INFO, "%s", r->text);
	app_reload(a);
	a->sel_image = model_image_index(&a->model, r->image_id);
	app_modal_close(a);
}

static int
form_import_submit(struct form *fm, struct app *a)
{
	const char *name = fm->f[IF_NAME].buf[0] ? fm->f[IF_NAME].buf : NULL;

	if (job_import(a, fm->f[IF_PATH].buf, name, form_import_report, fm) != 0) {
		snprintf(fm->msg, sizeof fm->msg, "%s", a->msg);
		return -1;
	}
	snprintf(fm->progress, sizeof fm->progress, "checking the image...");
	fm->fraction = 0;
	/* Open until the job reports its end. */
	return -1;
}

static enum modal_result
form_import_key(struct modal *o, struct app *a, const struct input_key *k)
{
	struct form *fm = o->data;

	if (fm->progress[0] && !(k->type == INPUT_TYPE_KEYSYM && k->code.sym == INPUT_SYM_ESCAPE))
		return MODAL_KEEP;
	return form_key(o, a, k);
}

static void
form_import_paste(struct modal *o, struct app *a, const char *s, size_t n)
{
	struct form *fm = o->data;

	if (!fm->progress[0])
		form_paste(o, a, s, n);
}

/* Closing the form (Esc) while the import runs cancels it. */
static void
form_import_free(struct modal *o)
{
	struct form *fm = o->data;

	if (fm->progress[0])
		job_import_cancel();
	form_free(o);
}

static const struct modal_kind form_import_kind = {
	.draw = form_draw,
	.key = form_import_key,
	.paste = form_import_paste,
	.free = form_import_free,
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
