/*
 * arclib.h: the libarchive calls sandlab makes, found once with dlopen
 * (never linked: libarchive and its six compression libraries were loaded
 * by every sandlab process, a `node create` as much as an OVA import).
 * Readers of archives (ova.c) go through `arclib`, whose fields have
 * libarchive's own types.
 */
#ifndef SANDLAB_ARCLIB_H
#define SANDLAB_ARCLIB_H

#include <archive.h>
#include <archive_entry.h>

#include "util.h"

#define ARCLIB_CALLS(X) X(archive_read_new) X(archive_read_support_format_tar) \
	X(archive_read_open_fd) X(archive_read_next_header) X(archive_read_data) \
	X(archive_read_data_block) X(archive_read_free) X(archive_error_string) \
	X(archive_entry_pathname) X(archive_entry_hardlink) X(archive_entry_filetype) \
	X(archive_entry_size)
struct arclib_calls { ARCLIB_CALLS(DL_FIELD) };

/* Filled by arclib_open; all NULL before. */
extern struct arclib_calls arclib;

/* Opens libarchive (once per process, from any thread) and finds every
 * call in ARCLIB_CALLS. 0, or -1 with why (e may be NULL). */
int arclib_open(struct err *e);

#endif
