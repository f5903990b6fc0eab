/*
 * form.h: dialogs: create node, import image, edit node, and yes/no
 * confirmations. Each field is checked as it is typed, with the core's
 * own checks (name_check, node_check_*), so the message shown is the one
 * the CLI would give. Escape cancels any of them.
 */
#ifndef SANDLAB_UI_FORM_H
#define SANDLAB_UI_FORM_H

#include <stddef.h>

struct app;
struct model_node;

/* Create a node; image_name preselects an image (NULL: the selected one). */
void form_create_open(struct app *a, const char *image_name);

/* Import a disk image (path with Tab completion, optional name). */
void form_import_open(struct app *a);

/* Edit a node's name and resources. */
void form_edit_open(struct app *a, const struct model_node *mn);

/* Add a link: two NICs attached to nothing, on two different nodes. */
void form_link_open(struct app *a);

/* Asks `question`; runs yes(a, arg) on y. arg is freed with free(). */
void form_confirm_open(struct app *a, const char *title, const char *question,
    void (*yes)(struct app *a, void *arg), void *arg);

/* Completes a path typed so far: the longest unambiguous extension, with
 * "/" after a folder. Writes up to `max` candidates' names (joined by two
 * spaces) into list. Returns the number of matches. */
int form_complete_path(char *path, size_t size, char *list, size_t listsize);

#endif
