/*
 * pane-images.h: the list of base images.
 */
#ifndef SANDLAB_UI_PANE_IMAGES_H
#define SANDLAB_UI_PANE_IMAGES_H

#include "pane.h"

extern const struct pane_kind pane_images_kind;

#endif
