/*
 * guard.h: the dashboard's checks before a form or a question opens, and
 * while it is open, worded for the dashboard (its keys, no CLI options).
 * The core makes the same refusals again when the change is made, in the
 * CLI's words; these only let the user hear them first.
 */
#ifndef SANDLAB_UI_GUARD_H
#define SANDLAB_UI_GUARD_H

#include <stddef.h>

#include "model.h"

/* 1 when the node is starting, running or stopping. */
int guard_live(const struct model_node *mn);

/* When mn is live: 1, and buf says so and what to do ("r1 is running:
 * stop it first (S), then e edits it"); else 0. then: the key that will
 * work once it is stopped. */
int guard_stopped(const struct model_node *mn, const char *then, char *buf, size_t len);

/* When an image named name (case-insensitive) exists: 1, and buf says
 * so in the form's words; else 0. */
int guard_image_name(const struct model *m, const char *name, char *buf, size_t len);

#endif
