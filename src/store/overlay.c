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

char **
overlay_copy_argv(const char *src, const char *path, const char *backing, const char *fmt)
{
	char **v = xcalloc(16, sizeof *v);
	int i = 0;

	v[i++] = xstrdup("qemu-img");
	v[i++] = xstrdup("convert");
	v[i++] = xstrdup("-q");
	v[i++] = xstrdup("-f");
	v[i++] = xstrdup("qcow2");
	v[i++] = xstrdup("-O");
	v[i++] = xstrdup("qcow2");
	/* With -B the copy keeps the backing file and holds only the
	 * clusters that differ from it: the node's changes, no more. */
	v[i++] = xstrdup("-B");
	v[i++] = xstrdup(backing);
	v[i++] = xstrdup("-F");
	v[i++] = xstrdup(fmt);
	v[i++] = xstrdup("--");
	v[i++] = xstrdup(src);
	v[i++] = xstrdup(path);
	v[i] = NULL;
	return v;
}

int
overlay_img(char **argv, const char *what, int wall_ms, char **out, struct err *e)
{
	struct proc_limits lim = { .cpu_s = wall_ms / 1000, .as_bytes = 0, .wall_ms = wall_ms,
	    .out_max = 1 << 20 };
	struct proc_result r;
	char how[128];
	int rc = 0;

	if (proc_run(argv, &lim, NULL, NULL, &r, e) != 0) {
		proc_argv_free(argv);
		return -1;
	}
	if (!proc_ok(&r)) {
		char *msg = sanitize(r.errout, r.err_len > 400 ? 400 : r.err_len);
		proc_describe(&r, &lim, how, sizeof how);
		rc = err_set(e, "qemu-img %s %s: %s", what, how, msg);
		free(msg);
	} else if (out != NULL) {
		*out = r.out;
		r.out = NULL;
	}
	proc_result_free(&r);
	proc_argv_free(argv);
	return rc;
}

static int
overlay_check_backing(const char *backing, const char *fmt, struct err *e)
{
	if (backing[0] != '/')
		return err_set(e, "backing file %s is not an absolute path", backing);
	if (strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0)
		return err_set(e, "backing format %s is not raw or qcow2", fmt);
	return 0;
}

int
overlay_create(const char *path, const char *backing, const char *fmt, struct err *e)
{
	if (overlay_check_backing(backing, fmt, e) != 0)
		return -1;
	return overlay_img(overlay_create_argv(path, backing, fmt), "create", 60000, NULL, e);
}

int
overlay_copy(const char *src, const char *path, const char *backing, const char *fmt, struct err *e)
{
	if (overlay_check_backing(backing, fmt, e) != 0)
		return -1;
	return overlay_img(overlay_copy_argv(src, path, backing, fmt), "convert", 3600 * 1000, NULL, e);
}
