/*
 * qemuprobe.c: asking QEMU what it offers (CPU models, NIC devices),
 * with a cache keyed by the binary's identity. The cache is a plain file of names, one a line,
 * after a first line with the identity; a cache that does not parse or
 * does not match is asked again and replaced through a rename.
 */
#include "qemuprobe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nic.h"
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

/* The line at *at, its length in *len (no newline), and *at moved past
 * it; NULL once the text ends. One walk serves every help parser here. */
static const char *
qemuprobe_line(const char **at, size_t *len)
{
	const char *l = *at, *end;

	if (l == NULL || *l == '\0')
		return NULL;
	end = strchr(l, '\n');
	*len = end ? (size_t)(end - l) : strlen(l);
	*at = end ? end + 1 : NULL;
	return l;
}

/* Appends the w bytes of name to the list v of *n. */
static void
qemuprobe_add(char ***v, size_t *n, const char *name, size_t w)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrndup(name, w);
}

/* Appends the names of "x86 NAME ..." lines of text to *out. */
void
qemuprobe_parse_cpus(const char *help, char ***out, size_t *n)
{
	char **v = NULL;
	size_t len = 0, ll;

	for (const char *at = help, *l; (l = qemuprobe_line(&at, &ll)) != NULL; ) {
		if (ll > 4 && strncmp(l, "x86 ", 4) == 0) {
			const char *w = l + 4;
			size_t wl = strcspn(w, " \t\n");
			if (wl > 0 && w + wl <= l + ll)
				qemuprobe_add(&v, &len, w, wl);
		}
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

/* What one question (opt: "-cpu", "-device") asks of the QEMU for arch,
 * parsed by parse into names; the names are kept in the run folder as
 * qemu-WHAT-ARCH.cache under the binary's identity. 0 with *out and *n,
 * or -1 with a message. */
static int
qemuprobe_ask(struct lab *lab, const char *arch, const char *what, const char *opt,
    void (*parse)(const char *, char ***, size_t *), char ***out, size_t *n, struct err *e)
{
	const char *bin = qemu_binary(arch);
	char *path = NULL, *id = qemuprobe_identity(bin, &path), *cache, *tmp;
	struct proc_result r;
	char how[160];
	FILE *f;
	int hit = 0;

	*out = NULL;
	*n = 0;
	if (id == NULL)
		return err_set(e, "no %s in PATH (install qemu-system-x86)", bin);
	cache = xasprintf("%s/qemu-%s-%s.cache", lab->run, what, arch);
	if ((f = fopen(cache, "re")) != NULL) {
		char line[4096];
		if (fgets(line, sizeof line, f) && strcspn(line, "\n") == strlen(id) &&
		    strncmp(line, id, strlen(id)) == 0) {
			hit = 1;
			while (fgets(line, sizeof line, f)) {
				line[strcspn(line, "\n")] = '\0';
				*out = xreallocarray(*out, *n + 1, sizeof **out);
				(*out)[(*n)++] = xstrdup(line);
			}
		}
		fclose(f);
	}
	if (hit)
		goto done;
	char *argv[] = { path, (char *)opt, "help", NULL };
	if (proc_run(argv, &qemuprobe_limits, NULL, NULL, &r, e) != 0)
		goto fail;
	if (!proc_ok(&r)) {
		proc_describe(&r, &qemuprobe_limits, how, sizeof how);
		err_set(e, "%s %s help %s", bin, opt, how);
		proc_result_free(&r);
		goto fail;
	}
	parse(r.out, out, n);
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
done:
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
qemuprobe_cpus(struct lab *lab, const char *arch, char ***out, size_t *n, struct err *e)
{
	return qemuprobe_ask(lab, arch, "cpus", "-cpu", qemuprobe_parse_cpus, out, n, e);
}

void
qemuprobe_parse_accels(const char *help, char ***out, size_t *n)
{
	char **v = NULL;
	size_t len = 0, ll;

	for (const char *at = help, *l; (l = qemuprobe_line(&at, &ll)) != NULL; ) {
		while (ll > 0 && (l[ll - 1] == '\r' || l[ll - 1] == ' '))
			ll--;
		/* The header line has spaces; accelerator names do not. */
		if (ll > 0 && ll < 32 && memchr(l, ' ', ll) == NULL && memchr(l, ':', ll) == NULL)
			qemuprobe_add(&v, &len, l, ll);
	}
	*out = v;
	*n = len;
}

int
qemuprobe_accels(struct lab *lab, const char *arch, char ***out, size_t *n, struct err *e)
{
	return qemuprobe_ask(lab, arch, "accels", "-accel", qemuprobe_parse_accels, out, n, e);
}

/* Appends the names of the PCI devices in the "Network devices:" section
 * of -device help text (lines 'name "NAME", bus PCI, ...') to *out. */
void
qemuprobe_parse_nics(const char *help, char ***out, size_t *n)
{
	/* PCI devices that take no netdev= (a switch, an RDMA card) */
	static const char *const not_nics[] = { "rocker", "pvrdma" };
	char **v = NULL;
	size_t len = 0, ll;
	int in = 0;

	for (const char *at = help, *l; (l = qemuprobe_line(&at, &ll)) != NULL; ) {
		char *line = xstrndup(l, ll);
		if (ll == 0 || (ll > 0 && line[ll - 1] == ':'))
			in = strcmp(line, "Network devices:") == 0;
		else if (in && strncmp(line, "name \"", 6) == 0) {
			const char *w = line + 6;
			size_t wl = strcspn(w, "\"");
			int skip = w[wl] != '"' || strncmp(w + wl, "\", bus PCI", 9) != 0 || wl == 0;
			for (size_t i = 0; i < sizeof not_nics / sizeof not_nics[0]; i++)
				skip |= strlen(not_nics[i]) == wl && strncmp(w, not_nics[i], wl) == 0;
			if (!skip)
				qemuprobe_add(&v, &len, w, wl);
		}
		free(line);
	}
	*out = v;
	*n = len;
}

int
qemuprobe_nics(struct lab *lab, const char *arch, char ***out, size_t *n, struct err *e)
{
	return qemuprobe_ask(lab, arch, "nics", "-device", qemuprobe_parse_nics, out, n, e);
}

/* 0 when val is one of v[0..n), or when n is 0 (nothing to check
 * against); else -1 with "OPT "VAL": not a WHAT of BIN; it offers [also]
 * LIST (all: BIN HELP)". */
static int
qemuprobe_in(char **v, size_t n, const char *val, const char *opt, const char *what,
    const char *also, const char *arch, const char *help, struct err *e)
{
	char shown[96], list[600] = "";
	size_t at = 0, shown_n = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], val) == 0)
			return 0;
	if (n == 0)
		return 0;
	for (; shown_n < n && at + strlen(v[shown_n]) + 2 < sizeof list; shown_n++)
		at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", shown_n ? " " : "", v[shown_n]);
	sanitize_to(val, strlen(val), shown, sizeof shown);
	return err_set(e, "%s \"%s\": not a %s of %s; it offers %s%s%s (all: %s %s)", opt, shown, what,
	    qemu_binary(arch), also, list, shown_n < n ? " ..." : "", qemu_binary(arch), help);
}

int
qemuprobe_check_nic(struct lab *lab, const char *model, const char *arch, const char *opt,
    struct err *e)
{
	char **v;
	size_t n;
	struct err why;
	int rc;

	if (nic_model_check(model, e) != 0)
		return -1;
	if (qemuprobe_nics(lab, arch, &v, &n, &why) != 0)
		return 0;
	rc = qemuprobe_in(v, n, model, opt, "NIC model", "", arch, "-device help", e);
	qemuprobe_free(v, n);
	return rc;
}

int
qemuprobe_check_cpu(struct lab *lab, const char *model, const char *arch, struct err *e)
{
	char **v;
	size_t n;
	struct err why;
	int rc;

	if (strcmp(model, "auto") == 0 || strcmp(model, "host") == 0 || strcmp(model, "max") == 0)
		return 0;
	if (qemuprobe_cpus(lab, arch, &v, &n, &why) != 0)
		return 0;
	rc = qemuprobe_in(v, n, model, "--cpu-model", "model", "auto, host, max and: ", arch, "-cpu help", e);
	qemuprobe_free(v, n);
	return rc;
}
