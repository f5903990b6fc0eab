/*
 * guard.h: the dashboard's checks before a form or a question opens, and
 * while it is open, worded for the dashboard (its keys, no CLI options).
 * The core makes the same refusals again when the change is made, in the
 * CLI's words; these only let the user hear them first.
 */
#ifndef SANDLAB_UI_GUARD_H
#define SANDLAB_UI_GUARD_H

#include <stddef.h>

#include "hw.h"
#include "lab.h"
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

/* When val is no value for machine field k (hw_check): 1, and buf says
 * why with the form's field names; else 0. */
int guard_hw(enum hw_key k, const char *val, char *buf, size_t len);
/* When h's fields disagree (hw_check_all): 1, and buf says why; else 0. */
int guard_hw_all(const struct hw *h, char *buf, size_t len);
/* When this QEMU (for arch) lists no CPU model named model, as the CLI
 * checks before it saves (qemuprobe_check_cpu: asked once, then cached):
 * 1, and buf says so in a few words (the CLI's list of models would not
 * fit a form); else 0. */
int guard_hw_cpu(struct lab *lab, const char *model, const char *arch, char *buf, size_t len);
/* The same for a NIC model: 1 and buf says so when this QEMU (for arch)
 * has no network device of that name (qemuprobe_check_nic); else 0. */
int guard_nic_model(struct lab *lab, const char *model, const char *arch, char *buf, size_t len);
/* msg, a core message, with the machine's CLI options in it
 * ("--cpu-model", "(--kernel IMAGE)") put as the form's fields. */
void guard_hw_words(const char *msg, char *buf, size_t len);

#endif
