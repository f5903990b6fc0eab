/*
 * overlay.h: qcow2 overlays, the disks of nodes. The backing file is
 * always an absolute path and its format is always given, so QEMU never
 * probes a base image.
 */
#ifndef SANDLAB_OVERLAY_H
#define SANDLAB_OVERLAY_H

#include <stdint.h>

#include "util.h"

/* Creates a qcow2 at path backed by backing (absolute) of format fmt. */
int overlay_create(const char *path, const char *backing, const char *fmt, struct err *e);

/* A copy at path of the qcow2 overlay src as it is now (no internal
 * snapshots), with the same backing: only its own clusters are copied;
 * backing NULL: a qcow2 with none (a blank disk's copy). src must not be
 * in use. */
int overlay_copy(const char *src, const char *path, const char *backing, const char *fmt,
    struct err *e);
char **overlay_copy_argv(const char *src, const char *path, const char *backing, const char *fmt);

/* A blank qcow2 of size bytes at path, with no backing file (a node's
 * extra disk). 0, or -1 with qemu-img's message (a full disk). */
int overlay_blank(const char *path, uint64_t size, struct err *e);
char **overlay_blank_argv(const char *path, uint64_t size);

/* Runs qemu-img (argv, NULL-terminated, which it frees) with CPU and
 * wall limits; `what` ("snapshot") names it in a failure message, which
 * quotes qemu-img's stderr sanitised. With out, *out is its stdout
 * (caller frees). */
int overlay_img(char **argv, const char *what, int wall_ms, char **out, struct err *e);

/* An empty overlay is at most this long (qemu-img makes 192 KiB for a
 * 2 TiB image at the default cluster size). */
#define OVERLAY_TEMPLATE_MAX (4 << 20)

/* Reads the empty overlay at path (made by overlay_create) into *buf
 * (caller frees). 0; 1 when there is none fit to copy (missing, or not a
 * small regular qcow2 file: make it again); -1 with a message. *buf is
 * NULL unless 0. */
int overlay_template_read(const char *path, char **buf, size_t *len, struct err *e);

/* Writes buf[0..len) as a new file at path (0600; never over an existing
 * file), its zero blocks left as holes. An empty overlay depends only on
 * its backing file and format, so writing the bytes of one is the same
 * as running qemu-img create, without a process. 0, or -1 with a message
 * and no file. */
int overlay_write(const char *path, const char *buf, size_t len, struct err *e);

/* The argv overlay_create runs (NULL-terminated; free with proc_argv_free, proc.h). */
char **overlay_create_argv(const char *path, const char *backing, const char *fmt);

#endif
