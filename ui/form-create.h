/*
 * form-create.h: the "Create a node" dialog.
 */
#ifndef SANDLAB_UI_FORM_CREATE_H
#define SANDLAB_UI_FORM_CREATE_H

struct app;

/* Create a node; image_name preselects an image (NULL: the selected one). */
void form_create_open(struct app *a, const char *image_name);

#endif
