/*
 * draw.h: drawing helpers every pane uses. Text goes through sanitize()
 * first, so no byte from outside reaches the terminal as a control code,
 * and is clipped by display width (wide characters count two).
 */
#ifndef SANDLAB_UI_DRAW_H
#define SANDLAB_UI_DRAW_H

#include <curses.h>

#include "themefile.h"

/* Draws s at (y, x), at most maxw columns; returns the columns used. */
int draw_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a);

/* The same, right-aligned inside [x, x + maxw). */
int draw_text_right(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a);

/* printf-style draw_text. */
int draw_fmt(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Display width of sanitised s. */
int draw_width(const char *s);

/* Draws s in rows of at most maxw columns from (y, x), broken at spaces
 * (or anywhere in a word longer than a row), at most maxlines rows; the
 * number of rows. With w NULL it only counts them. */
int draw_wrap(WINDOW *w, int y, int x, int maxw, int maxlines, const char *s, attr_t a);

/* Fills n columns from (y, x) with spaces in attribute a. */
void draw_fill(WINDOW *w, int y, int x, int n, attr_t a);

/* A frame around the whole window with a title (focused: the focus roles). */
void draw_frame(WINDOW *w, const char *title, int focused);

/* A centred window of h x w on top of everything, framed; caller delwins. */
WINDOW *draw_popup(int h, int w, const char *title);

#endif
