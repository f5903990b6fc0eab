/*
 * import.h: the one entry for a file a user brings: an OVA goes to ova.h,
 * anything else to image.h as a disk image. The CLI and the dashboard's
 * import job both call this, so they take the same files.
 */
#ifndef SANDLAB_IMPORT_H
#define SANDLAB_IMPORT_H

#include "image.h"

/* An OVA (a tar archive) through ova_import, any other file through
 * image_import; same contract as image_import. */
int import_any(struct lab *lab, const char *path, const struct image_import_opts *o,
    struct image *out, struct err *e);

#endif
