/*
 * form-edit.h: the "Edit the node" dialog.
 */
#ifndef SANDLAB_UI_FORM_EDIT_H
#define SANDLAB_UI_FORM_EDIT_H

struct app;
struct model_node;

/* Edit a node's name and resources. */
void form_edit_open(struct app *a, const struct model_node *mn);

#endif
