/*
 * pane-details.h: everything about the selected node or image.
 */
#ifndef SANDLAB_UI_PANE_DETAILS_H
#define SANDLAB_UI_PANE_DETAILS_H

#include "pane.h"

extern const struct pane_kind pane_details_kind;

#endif
