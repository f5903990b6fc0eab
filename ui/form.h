/*
 * form.h: the form engine the dialogs (form-*.c) are built on: text,
 * path and choice fields, each checked as it is typed with the core's own
 * checks (name_check, node_check_*), so the message shown is the one the
 * CLI would give. Escape cancels a form; Enter checks every field and
 * submits.
 */
#ifndef SANDLAB_UI_FORM_H
#define SANDLAB_UI_FORM_H

#include <stddef.h>

#include "modal.h"
#include "util.h"

#define FORM_MAX_FIELDS 32  /* a node's fields, its machine's (hw.h) and its disks' (disk.h) */
#define FORM_MAX_PAGES 4
#define FORM_TEXT_MAX 512
#define FORM_LABEL_W 12
#define FORM_MENU_ROWS 8   /* rows of a Tab list shown at once */

struct app;

/* FF_PATH: a file path; Tab completes it, and lists a folder's files
 * (regular files and folders, what an import can take) to pick from. */
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
	/* FF_PATH: the files and folders Tab listed, to pick from (owned;
	 * folders end in '/'); menu_sel -1 until one is picked. */
	char               **menu;
	int                  nmenu, menu_sel;
	char                 menu_dir[FORM_TEXT_MAX];  /* what a pick goes after */
	int                  page;           /* the page it is on (form_page) */
	int                  quiet;          /* its hint shows only while focused */
	int                  touched;        /* the user changed it (typed, picked, pasted) */
	int                  tag;            /* the dialog's own number for it */
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
	/* Pages: a form too tall for 80x24 shows one at a time, the focused
	 * field's; Tab and the arrows cross from one to the next, PgUp/PgDn
	 * jump. npages 0: one page with no name. */
	const char *page_names[FORM_MAX_PAGES];
	int   npages;
	char  node_id[37];       /* the node an edit form changes */
	char  progress[128];     /* an import's progress line, while it runs */
	double fraction;
};

/* Appends a text (or path) field holding value; the form has room. */
struct form_field *form_text(struct form *fm, const char *label, const char *value,
    enum form_field_kind kind);
/* Appends a choice of n copies of choices, sel picked. */
struct form_field *form_choice(struct form *fm, const char *label, const char *const *choices,
    int n, int sel);
/* Starts page name: the fields appended from now on are on it. */
void form_page(struct form *fm, const char *name);
/* Puts value in the field as the dialog's, not the user's (touched stays
 * as it was): a text field's text, or the choice of that name (case
 * ignored). 0, or -1 when a choice has none of that name (unchanged). */
int form_set(struct form_field *f, const char *value);
/* The field's text, or its picked choice (borrowed). */
const char *form_value(const struct form_field *f);
/* Runs the check of every field; the first that fails, or -1. */
int form_check_all(struct form *fm, struct app *a);

/* Shared checks: 0, or -1 with f->err set. */
int form_check_int(struct form_field *f, const char *what, long min, long max,
    int (*check)(long, struct err *));
/* A node name, free unless own_id (the edited node) holds it. */
int form_check_name(struct form_field *f, struct app *a, const char *own_id);

/* Opens fm (taken over) in a modal window of the engine's kind. */
void form_open(struct app *a, struct form *fm);

/* The engine's modal functions, for a dialog with a kind of its own. */
void form_draw(struct modal *o, struct app *a);
enum modal_result form_key(struct modal *o, struct app *a, const struct input_key *k);
void form_paste(struct modal *o, struct app *a, const char *s, size_t n);
void form_free(struct modal *o);

#endif
