/*
 * form-hw.c: the machine's fields in the create and edit forms, driven by
 * hw_fields[] alone. What each field takes is read from the table (its
 * values, its default, its image kind); the checks are the core's
 * (hw_check, hw_check_all) through guard.c, which words them for the form.
 */
#include "form-hw.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "form.h"
#include "guard.h"
#include "util.h"

/* Names the generic rule (capital first letter, '-' as a space) spells
 * badly. */
static const struct { const char *name, *label; } form_hw_spelled[] = {
	{ "cpu-model", "CPU model" },
	{ "vga", "VGA" },
	{ "cdrom", "CD-ROM" },
	{ "boot", "Boot order" },
	{ "bios", "BIOS" },
};

const char *
form_hw_label(enum hw_key k)
{
	static char labels[HW_NKEYS][FORM_LABEL_W];
	char *l = labels[k];

	if (l[0])
		return l;
	for (size_t i = 0; i < sizeof form_hw_spelled / sizeof form_hw_spelled[0]; i++)
		if (strcmp(form_hw_spelled[i].name, hw_fields[k].name) == 0)
			return snprintf(l, sizeof labels[k], "%s", form_hw_spelled[i].label), l;
	snprintf(l, sizeof labels[k], "%s", hw_fields[k].name);
	l[0] = (char)toupper((unsigned char)l[0]);
	for (char *p = l; *p; p++)
		if (*p == '-')
			*p = ' ';
	return l;
}

/* 1 when values is a list of words to pick from ("pc|q35"), not a
 * description ("an order of ...") nor a list with a free name in it
 * ("auto|host|max|NAME"). */
static int
form_hw_is_list(const char *values)
{
	if (strchr(values, '|') == NULL)
		return 0;
	for (const char *p = values; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && !strchr("|_-", *p))
			return 0;
	return 1;
}

/* A choice among images of kind kind, "none" first; sel the one named
 * cur (kept even when it is gone, so the form shows what the row says). */
static void
form_hw_images(struct form *fm, const struct app *a, const char *label, const char *kind, const char *cur)
{
	const char **names = xcalloc(a->model.nimages + 2, sizeof *names);
	int n = 0, sel = 0;
	struct form_field *f;

	names[n++] = "none";
	for (size_t i = 0; i < a->model.nimages; i++) {
		const struct image *im = &a->model.images[i];
		if (strcmp(im->kind, kind) != 0)
			continue;
		if (cur[0] && strcasecmp(im->name, cur) == 0)
			sel = n;
		names[n++] = im->name;
	}
	if (cur[0] && sel == 0) {
		sel = n;
		names[n++] = cur;
	}
	f = form_choice(fm, label, names, n, sel);
	snprintf(f->hint, sizeof f->hint, "%d image%s of kind %s or none; Left/Right or Space picks",
	    n - 1, n == 2 ? "" : "s", kind);
	free(names);
}

/* A choice among the words of values; sel cur's ("" is "none"). */
static void
form_hw_words(struct form *fm, const char *label, const char *values, const char *cur)
{
	char *copy = xstrdup(values), *save = NULL;
	const char *words[32];
	int n = 0, sel = 0;
	struct form_field *f;

	for (char *w = strtok_r(copy, "|", &save); w && n < 32; w = strtok_r(NULL, "|", &save)) {
		if (strcmp(w, cur) == 0 || (cur[0] == '\0' && strcmp(w, "none") == 0))
			sel = n;
		words[n++] = w;
	}
	f = form_choice(fm, label, words, n, sel);
	snprintf(f->hint, sizeof f->hint, "Left/Right or Space picks");
	free(copy);
}

int
form_hw_add(struct form *fm, const struct app *a, const struct hw *h)
{
	int base = fm->nf;

	for (int k = 0; k < HW_NKEYS && fm->nf < FORM_MAX_FIELDS; k++) {
		const struct hw_field *hf = &hw_fields[k];
		const char *cur = h ? h->v[k] : hf->dflt;

		if (hf->image_kind)
			form_hw_images(fm, a, form_hw_label(k), hf->image_kind, cur);
		else if (form_hw_is_list(hf->values))
			form_hw_words(fm, form_hw_label(k), hf->values, cur);
		else {
			struct form_field *f = form_text(fm, form_hw_label(k), cur, FF_TEXT);
			/* "auto|host|max|NAME" reads "auto, host, max or NAME" */
			size_t o = 0;
			for (const char *p = hf->values; *p && o + 4 < sizeof f->hint; p++) {
				if (*p != '|') {
					f->hint[o++] = *p;
					continue;
				}
				o += (size_t)snprintf(f->hint + o, sizeof f->hint - o, "%s",
				    strchr(p + 1, '|') ? ", " : " or ");
			}
			f->hint[o] = '\0';
		}
		fm->f[fm->nf - 1].quiet = 1;
	}
	return base;
}

int
form_hw_check(struct form *fm, int base, int i)
{
	struct form_field *f = &fm->f[i];

	f->err[0] = '\0';
	return guard_hw((enum hw_key)(i - base), form_value(f), f->err, sizeof f->err) ? -1 : 0;
}

const char *
form_hw_value(const struct form *fm, int base, enum hw_key k)
{
	return form_value(&fm->f[base + (int)k]);
}

int
form_hw_changed(const struct form *fm, int base, enum hw_key k, const char *cur)
{
	struct hw h;
	int changed;

	/* as the core would store it: "none" is "" for an image */
	hw_init(&h);
	hw_set(&h, k, form_hw_value(fm, base, k));
	changed = strcmp(h.v[k], cur) != 0;
	hw_clear(&h);
	return changed;
}

int
form_hw_check_all(struct form *fm, struct app *a, int base)
{
	struct hw h;
	int bad;

	hw_init(&h);
	for (int k = 0; k < HW_NKEYS; k++)
		hw_set(&h, k, form_hw_value(fm, base, k));
	bad = guard_hw_all(&h, fm->msg, sizeof fm->msg);
	if (!bad && guard_hw_cpu(a->lab, h.v[HW_CPU_MODEL], h.v[HW_ARCH], fm->msg, sizeof fm->msg)) {
		bad = 1;
		fm->focus = base + HW_CPU_MODEL;
	}
	hw_clear(&h);
	return bad ? -1 : 0;
}
