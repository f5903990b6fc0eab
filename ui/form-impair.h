/*
 * form-impair.h: the "Impair a link" dialog of the links view.
 */
#ifndef SANDLAB_UI_FORM_IMPAIR_H
#define SANDLAB_UI_FORM_IMPAIR_H

struct app;
struct link;

/* Impairments of link l (copied): a direction (A>B, B>A or both) and
 * its delay, jitter, loss, rate, duplication and corruption, checked by
 * the core's shape_check as typed; one link_set on Enter, then back to
 * the links view (Esc goes back too, changing nothing). */
void form_impair_open(struct app *a, const struct link *l);

#endif
