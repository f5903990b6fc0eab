/*
 * convert.h: the formats sandlab converts into qcow2 on import (vmdk,
 * vdi, vhdx, vpc, qed), the checks each needs beyond image.c's, and the
 * `qemu-img convert` run itself. Deciding and recording is image.c's.
 */
#ifndef SANDLAB_CONVERT_H
#define SANDLAB_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Formats are named as qemu-img names them (image_fmt_qemu gives the
 * name of a sniffed format). */

struct json_t;

/* A name qemu-img's JSON gives (a file name), sanitised for a message;
 * a copy of none when v is not a string. Caller frees. Pure. */
char *convert_json_shown(const struct json_t *v, const char *none);

/* 1 when sandlab converts the format: vmdk, vdi, vhdx, vpc, qed. */
int convert_takes(const char *fmt);

/* 1 when qemu-img check can check the format (the others skip it). */
int convert_has_check(const char *fmt);

/* Checks on the raw bytes before qemu-img sees the file: a vmdk must be
 * one hosted sparse extent (KDMV: monolithicSparse or streamOptimized),
 * never a text descriptor naming extent files, nor a differencing vhd.
 * Pure: 0, or -1 with a message. */
int convert_bytes_check(const char *fmt, const unsigned char *head, size_t len,
    const unsigned char *tail512, uint64_t file_size, struct err *e);

/* Checks `qemu-img info --output=json` of `path` (already passed by
 * image_info_check) for what a format can point at beyond backing files:
 * a vmdk's create type and its extents, each of which must be the file
 * itself. Pure: 0, or -1 with a message. */
int convert_info_check(const char *fmt, const char *json, const char *path, struct err *e);

/* The percentage in the last complete "(NN.NN/100%)" of qemu-img -p
 * output held in buf, or -1 when there is none. Pure. */
double convert_progress_parse(const char *buf, size_t len);

/* Runs `qemu-img convert -p -f FMT -O qcow2 src dst` under limits that
 * grow with src_size. src_fd > 2: a descriptor qemu-img keeps open (src
 * is then /dev/fd/N); -1: none. progress(pct 0..100, arg) is called as
 * qemu-img reports; cancelled(arg) nonzero stops it. Either may be NULL.
 * 0, or -1 with a message (dst may then exist; the caller removes it). */
int convert_run(const char *fmt, const char *src, int src_fd, uint64_t src_size, const char *dst,
    void (*progress)(double pct, void *arg), int (*cancelled)(void *arg), void *arg,
    struct err *e);

#endif
