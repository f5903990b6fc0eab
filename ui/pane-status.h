/*
 * pane-status.h: the status line: message or key hints, the lab, KVM;
 * a message too long for one row wraps onto up to three.
 */
#ifndef SANDLAB_UI_PANE_STATUS_H
#define SANDLAB_UI_PANE_STATUS_H

#include "pane.h"

struct app;

extern const struct pane_kind pane_status_kind;

/* Rows the status line needs at width w: 1, or up to 3 when a message
 * is too long for one row (it wraps rather than being cut). */
int pane_status_rows(const struct app *a, int w);

#endif
