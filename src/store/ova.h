/*
 * ova.h: importing an OVA, the tar a virtual appliance ships as. Its OVF
 * names the disks; each is extracted into the lab and imported as its
 * own image through image.h (checks, conversion, journal).
 */
#ifndef SANDLAB_OVA_H
#define SANDLAB_OVA_H

#include "image.h"

/* 1 when path is a regular file (not a link) holding a tar archive. */
int ova_is(const char *path);

/* Imports every disk the OVA's OVF lists, in its DiskSection's order, as
 * NAME, NAME-disk2, ... (NAME: o->name, else the file name without
 * .ova). o->each hears of each image when there is more than one. 0 with
 * *out the first image (out may be NULL; caller clears it), or -1 with a
 * message, and then no image, row or temporary file is left. */
int ova_import(struct lab *lab, const char *path, const struct image_import_opts *o,
    struct image *out, struct err *e);

#endif
