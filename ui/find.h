/*
 * find.h: `/` in the node list: a line where the user types part of a
 * node's name; the selection goes to the first node, from the selected
 * one on, whose name holds it. In a lab of thousands of nodes this is how
 * a node in the middle is reached without paging.
 */
#ifndef SANDLAB_UI_FIND_H
#define SANDLAB_UI_FIND_H

struct app;

/* Opens the find line over the dashboard (the node list keeps focus). */
void find_open(struct app *a);

#endif
