/*
 * form-hw.h: a node's machine (hw.h) as fields of a form, one per entry
 * of hw_fields[], so a field added to that table shows in the create and
 * edit forms with no code here: a list of words is a choice, an image
 * field picks among the images of its kind or none, the rest is typed.
 */
#ifndef SANDLAB_UI_FORM_HW_H
#define SANDLAB_UI_FORM_HW_H

#include "hw.h"

struct app;
struct form;

/* The form's label of field k ("CPU model", "Disk bus"); static. */
const char *form_hw_label(enum hw_key k);

/* Appends one field per machine field to the form's current page,
 * holding h's values (NULL: the defaults); their hints show only while
 * focused. The index of the first (the base the others take). */
int form_hw_add(struct form *fm, const struct app *a, const struct hw *h);

/* Checks field i (hw_check, in the form's words): 0, or -1 with its err. */
int form_hw_check(struct form *fm, int base, int i);

/* The value field k holds, as node_create and node_set take it
 * (borrowed: the form's). */
const char *form_hw_value(const struct form *fm, int base, enum hw_key k);

/* 1 when field k holds another value than cur (what the node's row has),
 * "none" and "" being the same where the core makes them so (hw_set). */
int form_hw_changed(const struct form *fm, int base, enum hw_key k, const char *cur);

/* The fields against each other (hw_check_all) and the CPU model
 * against this QEMU's (as the CLI does before it saves), in the form's
 * words: 0, or -1 with fm->msg saying why and the focus on the CPU model
 * when it is the one refused. */
int form_hw_check_all(struct form *fm, struct app *a, int base);

#endif
