/*
 * action-console.h: key actions on a console tile that concern the
 * guest's screen size: panning a view smaller than the guest's screen,
 * and telling the guest the tile's size. The key table (keys.c) names
 * them; each acts on the focused console and does nothing elsewhere.
 */
#ifndef SANDLAB_UI_ACTION_CONSOLE_H
#define SANDLAB_UI_ACTION_CONSOLE_H

struct app;

void action_console_pan_up(struct app *a);
void action_console_pan_down(struct app *a);
void action_console_pan_left(struct app *a);
void action_console_pan_right(struct app *a);
void action_console_stty(struct app *a);

#endif
