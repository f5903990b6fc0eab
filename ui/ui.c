/*
 * ui.c: starts the dashboard: settings (config file, --theme), the lab,
 * the terminal, the panes; then runs the loop and gives everything back.
 */
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "input.h"
#include "keys.h"
#include "layout.h"
#include "modal.h"
#include "pane-details.h"
#include "pane-images.h"
#include "pane-nodes.h"
#include "pane-status.h"
#include "term.h"
#include "theme.h"
#include "uistate.h"

#define UI_ESCAPE_DEFAULT "C-]"
#define UI_FIRST_NODES 100     /* when the terminal does not say its height */

/* The console escape key from the config, else Ctrl-]. */
static void
ui_escape_key(struct app *a, const struct config *cfg, char *warn, size_t wlen)
{
	const char *name = cfg->console_escape[0] ? cfg->console_escape : UI_ESCAPE_DEFAULT;

	if (input_key_parse(name, &a->escape_key) != 0) {
		snprintf(warn, wlen, "config: console_escape \"%s\" is not a key name; using %s", name,
		    UI_ESCAPE_DEFAULT);
		name = UI_ESCAPE_DEFAULT;
		input_key_parse(name, &a->escape_key);
	}
	snprintf(a->escape_name, sizeof a->escape_name, "%s", name);
}

static void
ui_free(struct app *a)
{
	modal_free(a->modal);
	for (size_t i = 0; i < a->nconsoles; i++)
		pane_free(a->consoles[i]);
	pane_free(a->images);
	pane_free(a->nodes);
	pane_free(a->details);
	pane_free(a->status);
	layout_free(a->layout);
	free(a->scan.paste);
	model_free(&a->model);
	input_free(a->in);
	if (a->inotify_fd >= 0)
		close(a->inotify_fd);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
}

void
ui_keys_markdown(void)
{
	keys_init();
	keys_markdown(stdout, UI_ESCAPE_DEFAULT);
}

/* How many nodes the first frame can show: the terminal's rows. */
static size_t
ui_first_nodes(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return UI_FIRST_NODES;
}

int
ui_main(const struct ui_opts *o)
{
	struct app app, *a = &app;
	struct config cfg;
	struct err e, cfg_err = { "" }, theme_err = { "" };
	char why[512], warn[256] = "", *dir;
	int other = 0, cfg_bad;

	memset(a, 0, sizeof *a);
	a->sel_node = a->sel_image = -1;
	a->zoom = -1;
	a->lock_fd = a->inotify_fd = -1;
	cfg_bad = config_load(&cfg, &cfg_err) != 0;

	dir = lab_dir_choose(o->lab_dir);
	a->lab = lab_open(dir, &e);
	free(dir);
	if (a->lab == NULL) {
		fprintf(stderr, "sandlab: %s\n", e.msg);
		return 1;
	}
	a->lock_fd = uistate_lock(a->lab, &other, &e);
	if (a->lock_fd == -2) {
		fprintf(stderr, "sandlab: %s\n", e.msg);
		lab_close(a->lab);
		return 1;
	}
	if (a->lock_fd == -1) {
		if (other > 0)
			snprintf(a->warn, sizeof a->warn, "another dashboard (pid %d) has this lab open; "
			    "this one does not save its consoles", other);
		else
			snprintf(a->warn, sizeof a->warn, "another dashboard has this lab open; "
			    "this one does not save its consoles");
	}
	/* The first frame waits for the nodes it shows, not for all of
	 * them (app_run reads the rest after it): as many as the terminal
	 * has rows fill the node list. */
	if (model_load_first(&a->model, a->lab, ui_first_nodes(), &e) != 0) {
		fprintf(stderr, "sandlab: %s\n", e.msg);
		lab_close(a->lab);
		return 1;
	}
	a->sel_node = a->model.nnodes ? 0 : -1;
	a->sel_image = a->model.nimages ? 0 : -1;
	a->in = app_input_new(a);
	if (a->in == NULL) {
		fprintf(stderr, "sandlab: cannot read keys on this terminal (libtickit failed)\n");
		ui_free(a);
		lab_close(a->lab);
		return 1;
	}
	keys_init();
	ui_escape_key(a, &cfg, warn, sizeof warn);
	if (term_start(why, sizeof why) != 0) {
		fprintf(stderr, "sandlab: %s\n", why);
		ui_free(a);
		lab_close(a->lab);
		return 1;
	}
	if (theme_load(o->theme ? o->theme : cfg.theme, &theme_err) != 0) {
		/* Monochrome is in place; say why the theme was not. */
	}
	a->images = pane_new(&pane_images_kind, NULL);
	a->nodes = pane_new(&pane_nodes_kind, NULL);
	a->details = pane_new(&pane_details_kind, NULL);
	a->status = pane_new(&pane_status_kind, NULL);
	a->focus = a->nodes;
	app_uistate_restore(a);
	snprintf(a->accel_text, sizeof a->accel_text, "KVM: probing");
	if (a->lab->tightened)
		app_msg(a, APP_MSG_WARN, "the lab was open to other users (%d %s); it is now "
		    "private to you", a->lab->tightened, a->lab->tightened == 1 ? "entry" : "entries");
	if (cfg_bad)
		app_msg(a, APP_MSG_WARN, "%s", cfg_err.msg);
	else if (theme_err.msg[0])
		app_msg(a, APP_MSG_WARN, "%s", theme_err.msg);
	else if (warn[0])
		app_msg(a, APP_MSG_WARN, "%s", warn);

	app_run(a);

	term_stop();
	ui_free(a);
	lab_close(a->lab);
	return 0;
}
