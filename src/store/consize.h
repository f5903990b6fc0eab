/*
 * consize.h: a node's console size, the screen the guest believes it has
 * (a serial line carries no window size: the guest goes by its `stty`,
 * 80x24 unless told otherwise). The dashboard runs each console's
 * emulator at this size whatever its tile's size. This file owns the
 * columns nodes.console_cols and nodes.console_rows: their limits, their
 * text form COLSxROWS, and changing them, which is allowed while the node
 * runs (it changes no hardware).
 */
#ifndef SANDLAB_CONSIZE_H
#define SANDLAB_CONSIZE_H

#include <stddef.h>

#include "lab.h"

#define CONSIZE_COLS_DEFAULT 80
#define CONSIZE_ROWS_DEFAULT 24
#define CONSIZE_COLS_MIN 20
#define CONSIZE_COLS_MAX 500
#define CONSIZE_ROWS_MIN 5
#define CONSIZE_ROWS_MAX 200

/* 0, or -1 with a message when cols x rows is outside the limits. Pure. */
int consize_check(int cols, int rows, struct err *e);
/* Reads "COLSxROWS" (e.g. 132x43) within the limits. Pure. */
int consize_parse(const char *s, int *cols, int *rows, struct err *e);
/* "132x43" into buf. */
void consize_format(int cols, int rows, char *buf, size_t len);

/* Sets the console size of a node (by name or id), running or not, and
 * records an event. Leaves the row unchanged on failure. */
int consize_set(struct lab *lab, const char *key, int cols, int rows, struct err *e);

#endif
