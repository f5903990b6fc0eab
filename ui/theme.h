/*
 * theme.h: colour roles as curses attributes. The roles themselves are
 * listed once, in src/themefile.h; this file finds a theme by name, loads
 * it, and maps its colours to what the terminal has.
 */
#ifndef SANDLAB_UI_THEME_H
#define SANDLAB_UI_THEME_H

#include <curses.h>

#include "themefile.h"

/* Where themes are looked for, in order: $SANDLAB_THEMES; themes/ beside
 * the build tree of the running binary; the install prefix. Fills up to
 * max paths (caller frees each); returns how many. */
int theme_dirs(char **dirs, int max);

/* Loads theme `name` (NULL: "default") after start_color. When NO_COLOR is
 * set or the terminal has no colours, every role gets its monochrome
 * attributes instead. On failure the monochrome roles are used and e says
 * why (the dashboard shows it and goes on). */
int theme_load(const char *name, struct err *e);

/* The curses attributes (colour pair included) of a role. */
attr_t theme_attr(enum theme_role role);

#endif
