/*
 * overlay.c: makes node overlays, with qemu-img or by writing again the
 * bytes of an empty overlay that qemu-img made. It does not decide where
 * they live or record them; node.c does.
 */
#include "overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"
#include "sanitize.h"

/*
 * The one qemu-img argv builder of this file: `qemu-img VERB -q -f qcow2`,
 * then for a copy (src) `-O qcow2`, then the backing file (-b for create,
 * -B for a copy, each with -F), then "--" so that a path starting with '-'
 * is never read as an option, then src, path and size (each when given).
 */
static char **
overlay_argv(const char *verb, const char *src, const char *path, const char *backing,
    const char *fmt, const char *size)
{
	char **v = xcalloc(16, sizeof *v);
	int i = 0;

	v[i++] = xstrdup("qemu-img");
	v[i++] = xstrdup(verb);
	v[i++] = xstrdup("-q");
	v[i++] = xstrdup("-f");
	v[i++] = xstrdup("qcow2");
	if (src != NULL) {
		v[i++] = xstrdup("-O");
		v[i++] = xstrdup("qcow2");
	}
	/* With -B a copy keeps the backing file and holds only the clusters
	 * that differ from it: the node's changes, no more. */
	if (backing != NULL) {
		v[i++] = xstrdup(src != NULL ? "-B" : "-b");
		v[i++] = xstrdup(backing);
		v[i++] = xstrdup("-F");
		v[i++] = xstrdup(fmt);
	}
	v[i++] = xstrdup("--");
	if (src != NULL)
		v[i++] = xstrdup(src);
	v[i++] = xstrdup(path);
	if (size != NULL)
		v[i++] = xstrdup(size);
	v[i] = NULL;
	return v;
}

char **
overlay_create_argv(const char *path, const char *backing, const char *fmt)
{
	return overlay_argv("create", NULL, path, backing, fmt, NULL);
}

char **
overlay_copy_argv(const char *src, const char *path, const char *backing, const char *fmt)
{
	return overlay_argv("convert", src, path, backing, fmt, NULL);
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

char **
overlay_blank_argv(const char *path, uint64_t size)
{
	char n[24];

	snprintf(n, sizeof n, "%ju", (uintmax_t)size);
	return overlay_argv("create", NULL, path, NULL, NULL, n);
}

int
overlay_blank(const char *path, uint64_t size, struct err *e)
{
	return overlay_img(overlay_blank_argv(path, size), "create", 60000, NULL, e);
}

int
overlay_copy(const char *src, const char *path, const char *backing, const char *fmt, struct err *e)
{
	if (backing != NULL && overlay_check_backing(backing, fmt, e) != 0)
		return -1;
	return overlay_img(overlay_copy_argv(src, path, backing, fmt), "convert", 3600 * 1000, NULL, e);
}

int
overlay_template_read(const char *path, char **buf, size_t *len, struct err *e)
{
	struct stat sb;
	char *b;
	ssize_t n;
	int fd;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT || errno == ELOOP ? 1 : err_sys(e, "cannot open %s", path);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 4 ||
	    sb.st_size > OVERLAY_TEMPLATE_MAX) {
		close(fd);
		return 1;
	}
	b = xmalloc((size_t)sb.st_size);
	n = pread(fd, b, (size_t)sb.st_size, 0);
	close(fd);
	/* Only qemu-img's qcow2 magic: anything else is not ours to copy. */
	if (n != (ssize_t)sb.st_size || memcmp(b, "QFI\xfb", 4) != 0) {
		free(b);
		return 1;
	}
	*buf = b;
	*len = (size_t)sb.st_size;
	return 0;
}

int
overlay_write(const char *path, const char *buf, size_t len, struct err *e)
{
	enum { BLK = 4096 };
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	static const char zero[BLK];

	if (fd < 0)
		return err_sys(e, "cannot create the overlay");
	/* Most of an empty qcow2 is zeros: those blocks stay holes, so a
	 * node costs a few KiB of disk, not the file's length. */
	for (size_t off = 0, n, end; off < len; off = end) {
		n = len - off < BLK ? len - off : BLK;
		end = off + n;
		if (memcmp(buf + off, zero, n) == 0)
			continue;
		while (end < len) {
			n = len - end < BLK ? len - end : BLK;
			if (memcmp(buf + end, zero, n) == 0)
				break;
			end += n;
		}
		if (lseek(fd, (off_t)off, SEEK_SET) < 0 || write_all(fd, buf + off, end - off) != 0)
			goto fail;
	}
	if (ftruncate(fd, (off_t)len) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	err_sys(e, "cannot write the overlay");
	if (fd >= 0)
		close(fd);
	unlink(path);
	return -1;
}
