/*
 * convert.c: imports of formats other than raw and qcow2. Such a file is
 * vetted by image.c's checks plus the ones here (what a format can point
 * at outside itself: vmdk extents, vhd parents), then turned into qcow2
 * by qemu-img convert under limits, never used as it came. Must not touch
 * the database: image.c records the result.
 */
#include "convert.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "sanitize.h"

static const struct {
	const char *name;
	int         check;   /* qemu-img check knows the format */
} convert_fmts[] = {
	{ "vmdk", 1 }, { "vdi", 1 }, { "vhdx", 1 }, { "vpc", 0 }, { "qed", 1 },
};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

char *
convert_json_shown(const json_t *v, const char *none)
{
	return json_is_string(v) ? sanitize(json_string_value(v), strlen(json_string_value(v))) : xstrdup(none);
}

int
convert_takes(const char *fmt)
{
	for (size_t i = 0; fmt != NULL && i < sizeof convert_fmts / sizeof convert_fmts[0]; i++)
		if (strcmp(convert_fmts[i].name, fmt) == 0)
			return 1;
	return 0;
}

int
convert_has_check(const char *fmt)
{
	for (size_t i = 0; fmt != NULL && i < sizeof convert_fmts / sizeof convert_fmts[0]; i++)
		if (strcmp(convert_fmts[i].name, fmt) == 0)
			return convert_fmts[i].check;
	return 0;
}

int
convert_bytes_check(const char *fmt, const unsigned char *h, size_t len,
    const unsigned char *tail512, uint64_t file_size, struct err *e)
{
	if (strcmp(fmt, "vmdk") == 0 && !(len >= 4 && memcmp(h, "KDMV", 4) == 0))
		return err_set(e, "the vmdk is a descriptor that names its data in other files (or an old "
		    "COWD disk); sandlab takes a vmdk only as one self-contained file (monolithicSparse "
		    "or streamOptimized); make one with: qemu-img convert -O vmdk -o subformat="
		    "monolithicSparse FILE OUT.vmdk");
	if (strcmp(fmt, "vdi") == 0) {
		/* qemu reads a truncated vdi's missing blocks as zeros without a
		 * word, so the header's tables are held against the file size. */
		if (len < 0x188)
			return err_set(e, "the vdi header is incomplete");
		uint64_t bmap = le32(h + 0x154), data = le32(h + 0x158), block = le32(h + 0x178);
		uint64_t blocks = le32(h + 0x180), used = le32(h + 0x184);
		if (block == 0 || used > blocks)
			return err_set(e, "the vdi header is invalid (block size %llu, %llu of %llu blocks "
			    "used)", (unsigned long long)block, (unsigned long long)used,
			    (unsigned long long)blocks);
		uint64_t end = bmap + blocks * 4 > data + used * block ? bmap + blocks * 4 : data + used * block;
		if (end > file_size)
			return err_set(e, "the file is truncated: its vdi header places data up to byte %llu, "
			    "past the end of the file (%llu bytes)", (unsigned long long)end,
			    (unsigned long long)file_size);
	}
	if (strcmp(fmt, "vpc") == 0) {
		/* The footer: at the end, with a copy at the start of a dynamic
		 * disk. Disk type 4 is a differencing disk, which has a parent. */
		const unsigned char *f = tail512 != NULL && file_size >= 512 &&
		    memcmp(tail512, "conectix", 8) == 0 ? tail512 : len >= 64 ? h : NULL;
		if (f == NULL || memcmp(f, "conectix", 8) != 0)
			return err_set(e, "the vhd has no footer");
		uint32_t type = (uint32_t)f[60] << 24 | (uint32_t)f[61] << 16 | (uint32_t)f[62] << 8 | f[63];
		if (type == 4)
			return err_set(e, "the vhd is a differencing disk, which needs its parent; "
			    "sandlab takes only standalone images (merge it first)");
		if (type != 2 && type != 3)
			return err_set(e, "the vhd footer has an unknown disk type (%u)", type);
	}
	return 0;
}

int
convert_info_check(const char *fmt, const char *text, const char *path, struct err *e)
{
	json_t *root, *data, *v, *x;
	size_t i;
	int rc = -1;

	if (strcmp(fmt, "vmdk") != 0)
		return 0;
	root = json_loads(text, 0, NULL);
	data = json_object_get(json_object_get(root, "format-specific"), "data");
	v = json_object_get(data, "create-type");
	if (!json_is_string(v) || (strcmp(json_string_value(v), "monolithicSparse") != 0 &&
	    strcmp(json_string_value(v), "streamOptimized") != 0)) {
		char *shown = convert_json_shown(v, "none");
		err_set(e, "the vmdk's type is %s; sandlab takes monolithicSparse and streamOptimized only",
		    shown);
		free(shown);
		goto out;
	}
	v = json_object_get(data, "extents");
	if (!json_is_array(v) || json_array_size(v) == 0) {
		err_set(e, "qemu-img reports no extents for the vmdk");
		goto out;
	}
	json_array_foreach(v, i, x) {
		json_t *f = json_object_get(x, "filename");
		if (!json_is_string(f) || strcmp(json_string_value(f), path) != 0) {
			char *shown = convert_json_shown(f, "(unnamed)");
			err_set(e, "the vmdk keeps data in another file (%s); sandlab takes only "
			    "self-contained images", shown);
			free(shown);
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

double
convert_progress_parse(const char *buf, size_t len)
{
	double best = -1;

	/* qemu-img -p writes "    (12.34/100%)\r" over and over. */
	for (size_t i = 0; i < len; i++) {
		char num[16];
		size_t n = 0, j = i + 1;
		double v;

		if (buf[i] != '(')
			continue;
		while (j < len && n < sizeof num - 1 && ((buf[j] >= '0' && buf[j] <= '9') || buf[j] == '.'))
			num[n++] = buf[j++];
		num[n] = '\0';
		if (n == 0 || len - j < 6 || memcmp(buf + j, "/100%)", 6) != 0)
			continue;
		v = strtod(num, NULL);
		if (v >= 0 && v <= 100)
			best = v;
	}
	return best;
}

struct convert_watch {
	void   (*progress)(double pct, void *arg);
	int    (*cancelled)(void *arg);
	void    *arg;
	char     tail[32];   /* the end of the last chunk: a report may straddle two */
	size_t   tail_len;
};

static int
convert_watch_out(int stream, const char *buf, size_t len, void *arg)
{
	struct convert_watch *w = arg;
	char joined[sizeof w->tail + 8192];
	size_t take = len > 8192 ? 8192 : len;
	const char *from = buf + len - take;
	double pct;

	if (w->cancelled != NULL && w->cancelled(w->arg))
		return 1;
	if (stream != 1 || w->progress == NULL)
		return 0;
	memcpy(joined, w->tail, w->tail_len);
	memcpy(joined + w->tail_len, from, take);
	pct = convert_progress_parse(joined, w->tail_len + take);
	if (pct >= 0)
		w->progress(pct, w->arg);
	w->tail_len = take < sizeof w->tail ? take : sizeof w->tail;
	memcpy(w->tail, from + take - w->tail_len, w->tail_len);
	return 0;
}

int
convert_run(const char *fmt, const char *src, int src_fd, uint64_t src_size, const char *dst,
    void (*progress)(double pct, void *arg), int (*cancelled)(void *arg), void *arg,
    struct err *e)
{
	/* The probe's limits (image.c), plus time for the data: converting
	 * costs CPU and wall time in proportion to the bytes, so a fixed
	 * limit would refuse every large disk. 1 s of CPU per 64 MiB and 1 s
	 * of wall per 16 MiB leave room for a loaded machine; memory stays
	 * capped at 2 GiB whatever the size. */
	uint64_t mib = src_size >> 20;
	struct proc_limits lim = {
		.cpu_s = 10 + (int)(mib / 64), .as_bytes = 2ull << 30,
		.wall_ms = 30000 + (int)(mib / 16) * 1000, .out_max = 1 << 16,
		.keep_fd = src_fd > 2 ? src_fd : 0,
	};
	struct convert_watch w = { .progress = progress, .cancelled = cancelled, .arg = arg };
	const char *name = fmt;
	struct proc_result r;
	char how[160];

	if (!convert_takes(fmt))
		return err_set(e, "sandlab does not convert %s images", fmt);
	char *argv[] = { "qemu-img", "convert", "-p", "-f", (char *)name, "-O", "qcow2",
		"--", (char *)src, (char *)dst, NULL };
	if (proc_run(argv, &lim, convert_watch_out, &w, &r, e) != 0)
		return -1;
	if (r.stopped) {
		proc_result_free(&r);
		return err_set(e, "the import was cancelled");
	}
	if (!proc_ok(&r)) {
		char *msg = proc_errtext(&r);
		proc_describe(&r, &lim, how, sizeof how);
		err_set(e, "qemu-img convert could not convert the %s file: it %s%s%s", name, how,
		    *msg ? ": " : "", msg);
		free(msg);
		proc_result_free(&r);
		return -1;
	}
	if (progress != NULL)
		progress(100, arg);
	proc_result_free(&r);
	return 0;
}
