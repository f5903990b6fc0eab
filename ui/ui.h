/*
 * ui.h: the dashboard's entry point. Nothing here includes curses, so
 * main.c can call it without knowing how the dashboard draws.
 */
#ifndef SANDLAB_UI_H
#define SANDLAB_UI_H

/* Runs the dashboard on the lab (NULL: the default lab); exit status. */
int ui_main(const char *lab_dir);

#endif
