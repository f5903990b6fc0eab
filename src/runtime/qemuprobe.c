/*
 * qemuprobe.c: asking QEMU what it offers, with a cache keyed by the
 * binary's identity. The cache is a plain file of names, one a line,
 * after a first line with the identity; a cache that does not parse or
 * does not match is asked again and replaced through a rename.
 */
#include "qemuprobe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"
#include "qemu.h"
#include "sanitize.h"

static const struct proc_limits qemuprobe_limits = {
	.cpu_s = 10, .as_bytes = 2ull << 30, .wall_ms = 20000, .out_max = 1 << 20,
};

void
qemuprobe_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Appends the names of "x86 NAME ..." lines of text to *out. */
void
qemuprobe_parse_cpus(const char *help, char ***out, size_t *n)
{
	char **v = NULL;
	size_t len = 0;

	for (const char *l = help; l && *l; ) {
		const char *end = strchr(l, '\n');
		size_t ll = end ? (size_t)(end - l) : strlen(l);
		if (ll > 4 && strncmp(l, "x86 ", 4) == 0) {
			const char *w = l + 4;
			size_t wl = strcspn(w, " \t\n");
			if (wl > 0 && w + wl <= l + ll) {
				v = xreallocarray(v, len + 1, sizeof *v);
				v[len++] = xstrndup(w, wl);
			}
		}
		l = end ? end + 1 : NULL;
	}
	*out = v;
	*n = len;
}

/* "path size mtime" of the binary PATH finds, or NULL. */
static char *
qemuprobe_identity(const char *bin, char **path_out)
{
	char *path = proc_which(bin);
	struct stat sb;
	char *id;

	if (path == NULL || stat(path, &sb) != 0) {
		free(path);
		return NULL;
	}
	id = xasprintf("%s %lld %lld.%09ld", path, (long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
	    sb.st_mtim.tv_nsec);
	*path_out = path;
	return id;
}

int
qemuprobe_cpus(struct lab *lab, const char *arch, char ***out, size_t *n, struct err *e)
{
	const char *bin = qemu_binary(arch);
	char *path = NULL, *id = qemuprobe_identity(bin, &path), *cache, *text = NULL, *tmp;
	struct proc_result r;
	char how[160];
	FILE *f;

	*out = NULL;
	*n = 0;
	if (id == NULL)
		return err_set(e, "no %s in PATH (install qemu-system-x86)", bin);
	cache = xasprintf("%s/qemu-cpus-%s.cache", lab->run, arch);
	if ((f = fopen(cache, "re")) != NULL) {
		char line[4096];
		if (fgets(line, sizeof line, f) && strcspn(line, "\n") == strlen(id) &&
		    strncmp(line, id, strlen(id)) == 0) {
			size_t cap = 0, len = 0;
			text = NULL;
			while (fgets(line, sizeof line, f)) {
				size_t ll = strlen(line);
				if (len + ll + 5 > cap)
					text = xrealloc(text, cap = (len + ll + 5) * 2);
				/* the names again as "x86 NAME" lines: one parser */
				len += (size_t)sprintf(text + len, "x86 %s", line);
			}
		}
		fclose(f);
	}
	if (text != NULL) {
		qemuprobe_parse_cpus(text, out, n);
		free(text);
		free(cache);
		free(id);
		free(path);
		return 0;
	}
	char *argv[] = { path, "-cpu", "help", NULL };
	if (proc_run(argv, &qemuprobe_limits, NULL, NULL, &r, e) != 0)
		goto fail;
	if (!proc_ok(&r)) {
		proc_describe(&r, &qemuprobe_limits, how, sizeof how);
		err_set(e, "%s -cpu help %s", bin, how);
		proc_result_free(&r);
		goto fail;
	}
	qemuprobe_parse_cpus(r.out, out, n);
	proc_result_free(&r);
	/* kept for the next time; a cache that cannot be written costs a
	 * probe, nothing else */
	tmp = xasprintf("%s.%d", cache, (int)getpid());
	if ((f = fopen(tmp, "wxe")) != NULL) {
		fprintf(f, "%s\n", id);
		for (size_t i = 0; i < *n; i++)
			fprintf(f, "%s\n", (*out)[i]);
		if (fclose(f) != 0 || rename(tmp, cache) != 0)
			unlink(tmp);
	}
	free(tmp);
	free(cache);
	free(id);
	free(path);
	return 0;
fail:
	free(cache);
	free(id);
	free(path);
	return -1;
}

int
qemuprobe_check_cpu(struct lab *lab, const char *model, const char *arch, struct err *e)
{
	char **v, shown[96], list[600] = "";
	size_t n, at = 0;
	struct err why;
	int found = 0;

	if (strcmp(model, "auto") == 0 || strcmp(model, "host") == 0 || strcmp(model, "max") == 0)
		return 0;
	if (qemuprobe_cpus(lab, arch, &v, &n, &why) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		found |= strcmp(v[i], model) == 0;
	if (found || n == 0) {
		qemuprobe_free(v, n);
		return 0;
	}
	size_t shown_n = 0;
	for (; shown_n < n && at + strlen(v[shown_n]) + 2 < sizeof list; shown_n++)
		at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", shown_n ? " " : "", v[shown_n]);
	sanitize_to(model, strlen(model), shown, sizeof shown);
	err_set(e, "--cpu-model \"%s\": not a model of %s; it offers auto, host, max and: %s%s (all: %s -cpu "
	    "help)", shown, qemu_binary(arch), list, shown_n < n ? " ..." : "", qemu_binary(arch));
	qemuprobe_free(v, n);
	return -1;
}
