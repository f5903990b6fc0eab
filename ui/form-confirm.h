/*
 * form-confirm.h: yes/no confirmations.
 */
#ifndef SANDLAB_UI_FORM_CONFIRM_H
#define SANDLAB_UI_FORM_CONFIRM_H

struct app;

/* Asks `question`; runs yes(a, arg) on y. arg is freed with free(). */
void form_confirm_open(struct app *a, const char *title, const char *question,
    void (*yes)(struct app *a, void *arg), void *arg);

#endif
