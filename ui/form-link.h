/*
 * form-link.h: the "Add a link" dialog.
 */
#ifndef SANDLAB_UI_FORM_LINK_H
#define SANDLAB_UI_FORM_LINK_H

struct app;

/* Add a link: two NICs attached to nothing, on two different nodes. */
void form_link_open(struct app *a);

#endif
