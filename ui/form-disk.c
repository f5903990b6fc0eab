/*
 * form-disk.c: the extra disks' rows of the create and edit forms. A row
 * holds what --disk takes, so the form, the CLI, lab files and node show
 * spell a disk alike; every check is the core's, with the CLI's "--disk
 * TEXT:" left off its message (the row already says which disk).
 */
#include "form-disk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "form.h"
#include "form-hw.h"
#include "guard.h"
#include "node.h"

/* The core's message without the option and value it starts with, the
 * machine's options named as the form's fields. */
static void
form_disk_words(const char *msg, char *buf, size_t len)
{
	const char *p;

	if (strncmp(msg, "--disk ", 7) == 0 || strncmp(msg, "--disk:", 7) == 0)
		if ((p = strstr(msg, ": ")) != NULL)
			msg = p + 2;
	guard_hw_words(msg, buf, len);
}

int
form_disk_add(struct form *fm, const struct node *n)
{
	static char labels[DISK_MAX][FORM_LABEL_W];
	int base = fm->nf;

	for (int i = 0; i < DISK_MAX && fm->nf < FORM_MAX_FIELDS; i++) {
		struct form_field *f;
		char *t = n && i < n->ndisks ? disk_text(&n->disks[i]) : NULL;

		snprintf(labels[i], sizeof labels[i], "Disk %d", i + 1);
		f = form_text(fm, labels[i], t ? t : "", FF_TEXT);
		if (t) {
			f->tag = n->disks[i].idx;
			snprintf(f->hint, sizeof f->hint, "disk %d of the node; clear the row to remove it",
			    f->tag);
		} else
			snprintf(f->hint, sizeof f->hint,
			    "64M, 8G or image:NAME; ,bus=ide|sata|scsi after it");
		f->quiet = 1;
		free(t);
	}
	return base;
}

/* The text of the edited node's disk number idx as the row showed it
 * (caller frees), or NULL when it is gone. */
static char *
form_disk_was(struct form *fm, struct app *a, int idx)
{
	int i = model_node_index(&a->model, fm->node_id);

	if (i < 0)
		return NULL;
	for (int k = 0; k < model_node_at(&a->model, i)->n.ndisks; k++)
		if (model_node_at(&a->model, i)->n.disks[k].idx == idx)
			return disk_text(&model_node_at(&a->model, i)->n.disks[k]);
	return NULL;
}

int
form_disk_check(struct form *fm, struct app *a, int i)
{
	struct form_field *f = &fm->f[i];
	struct disk d;
	struct err e;
	int rc = 0;

	f->err[0] = '\0';
	if (f->len == 0)
		return 0;
	if (f->tag) {
		char *was = form_disk_was(fm, a, f->tag);
		if (was == NULL || strcmp(was, f->buf) != 0) {
			snprintf(f->err, sizeof f->err, "a disk stays as made: clear the row to remove it, "
			    "and add another in an empty row");
			rc = -1;
		}
		free(was);
		return rc;
	}
	if (disk_parse(f->buf, &d, &e) != 0 || disk_resolve(a->lab, &d, &e) != 0) {
		form_disk_words(e.msg, f->err, sizeof f->err);
		rc = -1;
	}
	disk_clear(&d);
	return rc;
}

int
form_disk_check_all(struct form *fm, int base, int hw_base)
{
	struct disk v[DISK_MAX];
	struct err e;
	int n = 0, bad = 0;

	for (int i = base; i < base + DISK_MAX && i < fm->nf; i++) {
		if (fm->f[i].len == 0)
			continue;
		if (disk_parse(fm->f[i].buf, &v[n], &e) != 0) {
			form_disk_words(e.msg, fm->msg, sizeof fm->msg);
			fm->focus = i;
			bad = 1;
			break;
		}
		n++;
	}
	if (!bad && disk_check_buses(form_hw_value(fm, hw_base, HW_DISK_BUS), v, n, &e) != 0) {
		form_disk_words(e.msg, fm->msg, sizeof fm->msg);
		fm->focus = base;
		bad = 1;
	}
	for (int i = 0; i < n; i++)
		disk_clear(&v[i]);
	return bad ? -1 : 0;
}

int
form_disk_added(const struct form *fm, int base, const char **texts)
{
	int n = 0;

	for (int i = base; i < base + DISK_MAX && i < fm->nf; i++)
		if (fm->f[i].len && fm->f[i].tag == 0)
			texts[n++] = fm->f[i].buf;
	return n;
}

int
form_disk_removed(const struct form *fm, int base, int *idx)
{
	int n = 0;

	for (int i = base; i < base + DISK_MAX && i < fm->nf; i++)
		if (fm->f[i].len == 0 && fm->f[i].tag)
			idx[n++] = fm->f[i].tag;
	return n;
}
