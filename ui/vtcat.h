/*
 * vtcat.h: `sandlab __vtcat`, a hidden viewer that renders its standard
 * input through a console pane's terminal model, for tests and
 * benchmarks. No curses here, so src/main.c can call it.
 */
#ifndef SANDLAB_VTCAT_H
#define SANDLAB_VTCAT_H

/* argv[0] is "__vtcat"; returns the exit status. */
int vtcat_main(int argc, char **argv);

#endif
