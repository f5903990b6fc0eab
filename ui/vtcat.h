/*
 * vtcat.h: the hidden viewer behind `sandlab __vtcat`: renders its standard
 * input through a console pane's terminal model, for tests and
 * benchmarks. No curses here, so the CLI can call it.
 */
#ifndef SANDLAB_VTCAT_H
#define SANDLAB_VTCAT_H

#include "util.h"

struct vtcat_opts {
	int rows, cols;     /* the console's size; 0: follow the terminal */
	int scrollback;     /* lines kept */
	int hold;           /* at the end of the input, wait for a key */
	int stats;          /* print bytes, frames and memory on stderr at the end */
};

/* Runs the viewer; returns its exit status, or -1 with *e set when it
 * cannot start (nothing is drawn then). */
int vtcat_run(const struct vtcat_opts *o, struct err *e);

#endif
