/*
 * overlay.h: qcow2 overlays, the disks of nodes. The backing file is
 * always an absolute path and its format is always given, so QEMU never
 * probes a base image.
 */
#ifndef SANDLAB_OVERLAY_H
#define SANDLAB_OVERLAY_H

#include "util.h"

/* Creates a qcow2 at path backed by backing (absolute) of format fmt. */
int overlay_create(const char *path, const char *backing, const char *fmt, struct err *e);

/* The argv overlay_create runs (NULL-terminated; free with argv_free). */
char **overlay_create_argv(const char *path, const char *backing, const char *fmt);
void argv_free(char **argv);

#endif
