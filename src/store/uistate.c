/*
 * uistate.c: the dashboard's memory in the lab. Holds no terminal code;
 * the file is small, written whole and renamed into place so a dashboard
 * killed at any moment leaves the old or the new version, never a mix.
 */
#include "uistate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "config.h"

#define UISTATE_FILE_MAX (64 * 1024)

int
uistate_lock(struct lab *lab, int *other_pid, struct err *e)
{
	char *path = xasprintf("%s/%s", lab->run, UISTATE_LOCK_FILE);
	char buf[32];
	int fd;
	ssize_t n;

	*other_pid = 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err_sys(e, "cannot open %s", path);
		free(path);
		return -2;
	}
	free(path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int busy = errno == EWOULDBLOCK;
		if (busy && (n = pread(fd, buf, sizeof buf - 1, 0)) > 0) {
			buf[n] = '\0';
			*other_pid = atoi(buf);
		}
		close(fd);
		if (busy)
			return -1;
		err_sys(e, "cannot lock the dashboard lock of %s", lab->root);
		return -2;
	}
	n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		/* The lock holds without the pid; the other side shows "unknown". */
	}
	return fd;
}

void
uistate_parse(const char *text, size_t len, struct uistate *out)
{
	size_t pos = 0;
	char zoom[LAB_ID_LEN + 1] = "";

	memset(out, 0, sizeof *out);
	out->zoom = -1;
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + 1;
		if (n > 8 && memcmp(line, "console ", 8) == 0 && lab_id_ok(line + 8, n - 8) &&
		    out->n < UISTATE_MAX_CONSOLES) {
			int dup = 0;
			for (size_t i = 0; i < out->n; i++)
				dup |= memcmp(out->consoles[i], line + 8, LAB_ID_LEN) == 0;
			if (!dup) {
				memcpy(out->consoles[out->n], line + 8, LAB_ID_LEN);
				out->consoles[out->n++][LAB_ID_LEN] = '\0';
			}
		} else if (n > 5 && memcmp(line, "zoom ", 5) == 0 && lab_id_ok(line + 5, n - 5)) {
			memcpy(zoom, line + 5, LAB_ID_LEN);
			zoom[LAB_ID_LEN] = '\0';
		}
	}
	for (size_t i = 0; i < out->n && zoom[0]; i++)
		if (strcmp(out->consoles[i], zoom) == 0)
			out->zoom = (int)i;
}

int
uistate_load(struct lab *lab, struct uistate *out, struct err *e)
{
	char *path = xasprintf("%s/ui-state", lab->root), *text;
	size_t len;
	int rc = 0;

	memset(out, 0, sizeof *out);
	out->zoom = -1;
	if (access(path, F_OK) == 0) {
		rc = config_read_file(path, UISTATE_FILE_MAX, &text, &len, e);
		if (rc == 0) {
			uistate_parse(text, len, out);
			free(text);
		}
	}
	free(path);
	return rc;
}

int
uistate_save(struct lab *lab, const struct uistate *s, struct err *e)
{
	char *path = xasprintf("%s/ui-state", lab->root);
	char *tmp = xasprintf("%s/.ui-state.%d.tmp", lab->root, (int)getpid());
	FILE *f;
	int rc = -1;

	f = fopen(tmp, "we");
	if (f == NULL) {
		err_sys(e, "cannot write %s", tmp);
		goto out;
	}
	fputs("# sandlab dashboard: consoles open when it last ran (rewritten by it)\n", f);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "console %s\n", s->consoles[i]);
	if (s->zoom >= 0 && (size_t)s->zoom < s->n)
		fprintf(f, "zoom %s\n", s->consoles[s->zoom]);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		err_sys(e, "cannot write %s", tmp);
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		err_sys(e, "cannot replace %s", path);
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(path);
	return rc;
}
