/*
 * dashlib.c: opens the dashboard, sandlab-ui.so, when a command draws
 * (dashlib.h says why it is not linked).
 */
#include "dashlib.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DASHLIB_FILE "sandlab-ui.so"

struct dashlib_calls dashlib;

static void dashlib_load(void);
static struct dl_once dashlib_once = DL_ONCE(dashlib_load);

/* The file beside this program (build/, build/san/), else the installed
 * one; the first that exists, or the installed one to name in a message. */
static void
dashlib_path(char *path, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, len, "%s/" DASHLIB_FILE, exe);
			if (access(path, F_OK) == 0)
				return;
		}
	}
	snprintf(path, len, "%s/" DASHLIB_FILE, SANDLAB_LIBDIR);
}

static void
dashlib_load(void)
{
	char path[PATH_MAX + 32];
	void *h;

	dashlib_path(path, sizeof path);
	h = dl_open(path, &dashlib_once.err);
	if (h == NULL) {
		struct err why = dashlib_once.err;
		err_set(&dashlib_once.err, "the dashboard cannot start: %s (it needs the packages "
		    "libncursesw6, libvterm0 and libtickit3; every other command works without them)",
		    why.msg);
		return;
	}
#define DASHLIB_FIND(fn) DL_FIND(dashlib, h, path, &dashlib_once.err, fn)
	DASHLIB_CALLS(DASHLIB_FIND)
#undef DASHLIB_FIND
	dashlib_once.ok = 1;
}

int
dashlib_open(struct err *e)
{
	return dl_once(&dashlib_once, e);
}
