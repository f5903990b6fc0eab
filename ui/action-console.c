/*
 * action-console.c: the console-size actions (see action-console.h).
 * The work is pane-console.c's; these only find the focused console.
 */
#include "action-console.h"

#include "app.h"
#include "pane-console.h"

static void
action_console_pan(struct app *a, int rows, int cols)
{
	if (app_console_focused(a) >= 0)
		pane_console_pan(a->focus, rows, cols);
}

void action_console_pan_up(struct app *a) { action_console_pan(a, -1, 0); }
void action_console_pan_down(struct app *a) { action_console_pan(a, 1, 0); }
void action_console_pan_left(struct app *a) { action_console_pan(a, 0, -1); }
void action_console_pan_right(struct app *a) { action_console_pan(a, 0, 1); }

void
action_console_stty(struct app *a)
{
	if (app_console_focused(a) >= 0)
		pane_console_stty(a->focus, a);
}
