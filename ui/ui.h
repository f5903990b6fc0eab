/*
 * ui.h: the dashboard's entry point, in sandlab-ui.so, which main.c
 * opens through src/cli/dashlib.c when it draws. Nothing here includes
 * curses, so main.c can call it without knowing how the dashboard draws.
 */
#ifndef SANDLAB_UI_H
#define SANDLAB_UI_H

struct ui_opts {
	const char *lab_dir;   /* --lab, or NULL for the default lab */
	const char *theme;     /* --theme, or NULL: the config file's, else default */
};

/* Runs the dashboard; returns the exit status. */
int ui_main(const struct ui_opts *o);

/* Prints the key table as Markdown (sandlab __keys, for the README). */
void ui_keys_markdown(void);

#endif
