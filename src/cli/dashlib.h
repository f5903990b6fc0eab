/*
 * dashlib.h: the dashboard's calls, found once with dlopen in
 * sandlab-ui.so beside the sandlab program (or in SANDLAB_LIBDIR when
 * installed). The dashboard is not linked: ncursesw, libtinfo, libvterm,
 * libtickit and libtermkey with unibilium were six libraries and about 870
 * symbol lookups at every start of every command, a tenth of a `node
 * create`. sandlab-ui.so calls the core through the symbols this program
 * exports for it (the Makefile's ui.syms).
 */
#ifndef SANDLAB_DASHLIB_H
#define SANDLAB_DASHLIB_H

#include "ui.h"
#include "util.h"
#include "vtcat.h"

#define DASHLIB_CALLS(X) X(ui_main) X(ui_keys_markdown) X(vtcat_run)
struct dashlib_calls { DASHLIB_CALLS(DL_FIELD) };

/* Filled by dashlib_open; all NULL before. */
extern struct dashlib_calls dashlib;

/* Opens sandlab-ui.so (once per process) and finds every call in
 * DASHLIB_CALLS. 0, or -1 with why, naming the file and the packages the
 * dashboard needs. */
int dashlib_open(struct err *e);

#endif
