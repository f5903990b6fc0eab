/*
 * pane-status.h: the status line: message or key hints, the lab, KVM.
 */
#ifndef SANDLAB_UI_PANE_STATUS_H
#define SANDLAB_UI_PANE_STATUS_H

#include "pane.h"

extern const struct pane_kind pane_status_kind;

#endif
