/*
 * action.h: what the keys do. Each action reads the app's focus and
 * selection and calls the core (node.h, image.h, run.h, link.h); it reports the
 * outcome in the status line. Only keys.c's table refers to these.
 */
#ifndef SANDLAB_UI_ACTION_H
#define SANDLAB_UI_ACTION_H

struct app;
struct model_node;

/* The node an action is about: the focused console's, else the selected
 * one in the node list; NULL when none (borrowed from the model). */
const struct model_node *action_node(const struct app *a);

void action_quit(struct app *a);
void action_help(struct app *a);
void action_redraw(struct app *a);
void action_focus_next(struct app *a);
void action_focus_prev(struct app *a);
void action_up(struct app *a);
void action_down(struct app *a);
void action_page_up(struct app *a);
void action_page_down(struct app *a);
void action_top(struct app *a);
void action_bottom(struct app *a);
void action_create(struct app *a);
void action_import(struct app *a);
void action_edit(struct app *a);
void action_delete_node(struct app *a);
void action_delete_image(struct app *a);
void action_start(struct app *a);
void action_stop(struct app *a);
void action_kill(struct app *a);
void action_console_open(struct app *a);
void action_console_enter(struct app *a);
void action_console_leave(struct app *a);
void action_console_close(struct app *a);
void action_console_zoom(struct app *a);
void action_console_mark(struct app *a);
void action_console_mark_all(struct app *a);
void action_console_page_up(struct app *a);
void action_console_page_down(struct app *a);
void action_console_line_up(struct app *a);
void action_console_line_down(struct app *a);
void action_console_scroll_end(struct app *a);
void action_start_all(struct app *a);
void action_stop_all(struct app *a);
void action_links(struct app *a);
void action_map(struct app *a);
void action_netview_up(struct app *a);
void action_netview_down(struct app *a);
void action_netview_page_up(struct app *a);
void action_netview_page_down(struct app *a);
void action_netview_close(struct app *a);
void action_link_add(struct app *a);
void action_link_remove(struct app *a);
void action_link_cable(struct app *a);
void action_link_impair(struct app *a);
void action_link_capture_a(struct app *a);
void action_link_capture_b(struct app *a);

#endif
