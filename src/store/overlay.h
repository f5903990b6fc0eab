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

/* A copy at path of the qcow2 overlay src as it is now (no internal
 * snapshots), with the same backing: only its own clusters are copied.
 * src must not be in use. */
int overlay_copy(const char *src, const char *path, const char *backing, const char *fmt,
    struct err *e);
char **overlay_copy_argv(const char *src, const char *path, const char *backing, const char *fmt);

/* Runs qemu-img (argv, NULL-terminated, which it frees) with CPU and
 * wall limits; `what` ("snapshot") names it in a failure message, which
 * quotes qemu-img's stderr sanitised. With out, *out is its stdout
 * (caller frees). */
int overlay_img(char **argv, const char *what, int wall_ms, char **out, struct err *e);

/* The argv overlay_create runs (NULL-terminated; free with proc_argv_free, proc.h). */
char **overlay_create_argv(const char *path, const char *backing, const char *fmt);

#endif
