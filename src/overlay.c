/*
 * overlay.c: makes node overlays with qemu-img. It does not decide where
 * they live or record them; node.c does.
 */
#include "overlay.h"

#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "sanitize.h"

char **
overlay_create_argv(const char *path, const char *backing, const char *fmt)
{
	char **v = xcalloc(12, sizeof *v);
	int i = 0;

	v[i++] = xstrdup("qemu-img");
	v[i++] = xstrdup("create");
	v[i++] = xstrdup("-q");
	v[i++] = xstrdup("-f");
	v[i++] = xstrdup("qcow2");
	v[i++] = xstrdup("-b");
	v[i++] = xstrdup(backing);
	v[i++] = xstrdup("-F");
	v[i++] = xstrdup(fmt);
	/* "--" keeps a path that starts with '-' from being read as an option. */
	v[i++] = xstrdup("--");
	v[i++] = xstrdup(path);
	v[i] = NULL;
	return v;
}

void
argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

int
overlay_create(const char *path, const char *backing, const char *fmt, struct err *e)
{
	struct proc_limits lim = { .cpu_s = 20, .as_bytes = 0, .wall_ms = 60000, .out_max = 64 << 10 };
	struct proc_result r;
	char **argv;
	char how[128];
	int rc = 0;

	if (backing[0] != '/')
		return err_set(e, "backing file %s is not an absolute path", backing);
	if (strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0)
		return err_set(e, "backing format %s is not raw or qcow2", fmt);
	argv = overlay_create_argv(path, backing, fmt);
	if (proc_run(argv, &lim, NULL, NULL, &r, e) != 0) {
		argv_free(argv);
		return -1;
	}
	if (!proc_ok(&r)) {
		char *msg = sanitize(r.errout, r.err_len > 400 ? 400 : r.err_len);
		proc_describe(&r, &lim, how, sizeof how);
		rc = err_set(e, "qemu-img create %s: %s", how, msg);
		free(msg);
	}
	proc_result_free(&r);
	argv_free(argv);
	return rc;
}
