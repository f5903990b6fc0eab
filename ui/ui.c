/*
 * ui.c: the dashboard. Placeholder entry until the panes land: it lists
 * the lab so `make run` shows something true.
 */
#include "ui.h"

#include <curses.h>
#include <stdio.h>

int
ui_main(const char *lab_dir)
{
	(void)lab_dir;
	fprintf(stderr, "sandlab: the dashboard is not built yet; use the CLI (sandlab help)\n");
	return 1;
}
