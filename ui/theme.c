/*
 * theme.c: turns a parsed theme into curses colour pairs. Must be called
 * after start_color(); reads theme files, never writes anything.
 */
#include "theme.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "name.h"

#ifndef SANDLAB_DATADIR
#define SANDLAB_DATADIR "/usr/local/share/sandlab"
#endif

static attr_t theme_attrs[ROLE_COUNT];

attr_t
theme_attr(enum theme_role role)
{
	return theme_attrs[role];
}

int
theme_dirs(char **dirs, int max)
{
	const char *env = getenv("SANDLAB_THEMES");
	char exe[PATH_MAX];
	ssize_t n;
	int k = 0;

	if (env != NULL && *env != '\0' && k < max)
		dirs[k++] = xstrdup(env);
	/* build/sandlab or build/san/sandlab inside a checkout. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (k < max)
				dirs[k++] = xasprintf("%s/../themes", exe);
			if (k < max)
				dirs[k++] = xasprintf("%s/../../themes", exe);
		}
	}
	if (k < max)
		dirs[k++] = xstrdup(SANDLAB_DATADIR "/themes");
	return k;
}

static attr_t
theme_curses_attrs(unsigned a)
{
	attr_t r = 0;

	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM)
		r |= A_DIM;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
	if (a & THEME_STANDOUT)
		r |= A_STANDOUT;
	return r;
}

static void
theme_apply_mono(void)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		theme_attrs[i] = theme_curses_attrs(themefile_mono(i).attrs);
}

static void
theme_apply(const struct theme_style *s)
{
	int ncolors = COLORS;

	for (int i = 0; i < ROLE_COUNT; i++) {
		int fbold = 0, bbold = 0;
		int fg = themefile_downsample(s[i].fg, ncolors, &fbold);
		int bg = themefile_downsample(s[i].bg, ncolors, &bbold);
		attr_t a = theme_curses_attrs(s[i].attrs);

		/* Bright foregrounds on 8 colours are bold; a bright background
		 * is just its plain colour. */
		if (fbold)
			a |= A_BOLD;
		if (fg >= 0 || bg >= 0) {
			int pair = alloc_pair(fg, bg);
			if (pair > 0)
				a |= COLOR_PAIR(pair);
		}
		theme_attrs[i] = a;
	}
}

/* Reads themes/NAME from the first folder that has it. */
static int
theme_read(const char *name, char **text, size_t *len, struct err *e)
{
	char *dirs[4];
	int n = theme_dirs(dirs, 4), rc = -1;
	struct err first = { "" };

	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dirs[i], name);
		if (rc != 0 && access(path, F_OK) == 0) {
			rc = config_read_file(path, 64 * 1024, text, len, &first);
			if (rc != 0)
				err_set(e, "theme %s: %s", name, first.msg);
		}
		free(path);
	}
	if (rc != 0 && first.msg[0] == '\0') {
		err_set(e, "no theme named \"%s\" (looked in", name);
		for (int i = 0; i < n; i++) {
			size_t l = strlen(e->msg);
			snprintf(e->msg + l, sizeof e->msg - l, "%s %s", i ? "," : "", dirs[i]);
		}
		size_t l = strlen(e->msg);
		snprintf(e->msg + l, sizeof e->msg - l, ")");
	}
	for (int i = 0; i < n; i++)
		free(dirs[i]);
	return rc;
}

int
theme_load(const char *name, struct err *e)
{
	struct theme_style st[ROLE_COUNT];
	const char *nc = getenv("NO_COLOR");
	struct err why;
	char *text = NULL;
	size_t len = 0;

	if (name == NULL || *name == '\0')
		name = "default";
	theme_apply_mono();
	if ((nc != NULL && *nc != '\0') || !has_colors())
		return 0;
	/* A theme name is a file name in a themes folder: same rule as names. */
	if (name_check(name, "theme name", &why) != 0)
		return err_set(e, "%s", why.msg);
	if (theme_read(name, &text, &len, e) != 0)
		return -1;
	if (themefile_parse(text, len, st, &why) != 0) {
		free(text);
		return err_set(e, "theme %s: %s", name, why.msg);
	}
	free(text);
	theme_apply(st);
	return 0;
}
