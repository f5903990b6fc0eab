/*
 * cmd-image.c: `sandlab image ...`. Output only; the work is image.c's.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image.h"
#include "import.h"

/* An image as --json gives it; arg unused (cli_json_list's shape). */
static json_t *
image_json(const void *item, void *arg)
{
	const struct image *im = item;

	(void)arg;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:i}",
	    "id", im->id, "name", im->name, "file", im->file, "kind", im->kind, "format", im->format,
	    "source_format", im->source_format && *im->source_format ? im->source_format : im->format,
	    "virtual_size", (json_int_t)im->virtual_size, "file_size", (json_int_t)im->file_size,
	    "imported_at", (json_int_t)im->imported_at, "nodes", im->nodes);
}

/* The format an image came in; rows from before it was kept say none. */
static const char *
image_source(const struct image *im)
{
	return im->source_format && *im->source_format ? im->source_format : im->format;
}

int
cmd_image_show(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "image show NAME [--json]";
	struct lab *lab;
	struct image im;
	struct err e;
	char *pos[1], a[32], b[32], when[32];
	int npos, rc;
	time_t t;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (image_get(lab, pos[0], &im, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		rc = cli_json_out(image_json(&im, NULL));
		image_clear(&im);
		return rc;
	}
	t = (time_t)im.imported_at;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime(&t));
	printf("name:          %s\nid:            %s\nfile:          images/%s\nkind:          %s\n"
	    "format:        %s\nsource format: %s\nvirtual size:  %s\non disk:       %s\nimported:      %s\n"
	    "nodes:         %d\n",
	    im.name, im.id, im.file, im.kind, im.format, image_source(&im), fmt_size(im.virtual_size, a, sizeof a),
	    fmt_size(im.file_size, b, sizeof b), when, im.nodes);
	image_clear(&im);
	return 0;
}

int
cmd_image_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "image ls [--json]";
	struct lab *lab;
	struct image *v;
	size_t n;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 0, 0, &npos, usage, &rc)) == NULL)
		return rc;
	if (image_list(lab, &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		rc = cli_json_list(v, n, sizeof *v, image_json, NULL);
		image_list_free(v, n);
		return rc;
	}
	printf("%-24s %-6s %-6s %-9s %10s %10s %5s\n", "NAME", "KIND", "FORMAT", "SOURCE", "VIRTUAL", "ON DISK",
	    "NODES");
	for (size_t i = 0; i < n; i++) {
		char a[32], b[32];
		printf("%-24s %-6s %-6s %-9s %10s %10s %5d\n", v[i].name, v[i].kind, v[i].format, image_source(&v[i]),
		    fmt_size(v[i].virtual_size, a, sizeof a), fmt_size(v[i].file_size, b, sizeof b), v[i].nodes);
	}
	if (n == 0)
		printf("(no images: add one with sandlab image import FILE)\n");
	image_list_free(v, n);
	return 0;
}

struct progress {
	int      tty;
	int      last;
	int64_t  start;
	int      many;   /* import_each has printed the images */
};

/* One line per image made; an OVA with several disks says each. */
static void
import_each(const struct image *im, void *arg)
{
	struct progress *p = arg;
	char a[32];

	p->many = 1;
	if (strcmp(im->kind, "disk") != 0)
		printf("imported %s (%s, %s, virtual size %s)\n", im->name, im->kind, im->format,
		    fmt_size(im->virtual_size, a, sizeof a));
	else if (strcmp(image_source(im), im->format) == 0)
		printf("imported %s (%s, virtual size %s)\n", im->name, im->format,
		    fmt_size(im->virtual_size, a, sizeof a));
	else
		printf("imported %s (%s converted from %s, virtual size %s)\n", im->name, im->format,
		    image_source(im), fmt_size(im->virtual_size, a, sizeof a));
}

static void
import_progress(uint64_t done, uint64_t total, void *arg)
{
	struct progress *p = arg;
	int pct = total ? (int)(done * 100 / total) : 100;
	char a[32], b[32];

	if (pct == p->last)
		return;

	if (p->tty) {
		int fill = pct * 30 / 100;
		fprintf(stderr, "\r[%.*s%*s] %3d%% %s / %s", fill, "##############################",
		    30 - fill, "", pct, fmt_size(done, a, sizeof a), fmt_size(total, b, sizeof b));
		if (done == total)
			fputc('\n', stderr);
	} else if (pct / 10 != p->last / 10 || done == total) {
		fprintf(stderr, "import: %d%% (%s of %s)\n", pct, fmt_size(done, a, sizeof a),
		    fmt_size(total, b, sizeof b));
	}
	p->last = pct;
}

int
cmd_image_import(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "image import FILE [--name NAME] [--format raw|qcow2] [--max-size SIZE]"
	    " [--kind disk|iso|kernel|initrd|bios]";
	const char *name = NULL, *format = NULL, *max = NULL, *kind = NULL;
	struct cli_opt opts[] = {
		{ "--name", &name, NULL }, { "--format", &format, NULL }, { "--max-size", &max, NULL },
		{ "--kind", &kind, NULL }, { 0 },
	};
	struct progress p = { .tty = isatty(2), .last = -1 };
	struct image_import_opts o = { 0 };
	struct image im;
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos;

	if (cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (max != NULL && (parse_size(max, &o.max_size) != 0 || o.max_size == 0))
		return cli_fail("--max-size takes a size such as 64G or 2T");
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	o.name = name;
	o.format = format;
	o.kind = kind;
	o.progress = c->json ? NULL : import_progress;
	o.arg = &p;
	o.each = c->json ? NULL : import_each;
	p.many = 0;
	if (import_any(lab, pos[0], &o, &im, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		cli_json_out(image_json(&im, NULL));
	else if (!p.many)
		import_each(&im, &p);
	image_clear(&im);
	return 0;
}

struct scan_out {
	json_t *arr;
	int     bad;
};

static void
scan_report(const char *file, const struct image *im, const char *why, void *arg)
{
	struct scan_out *s = arg;
	char *f = cli_shown(file);

	if (s->arr != NULL)
		json_array_append_new(s->arr, json_pack("{s:s, s:s?, s:s?}", "file", f,
		    "name", im ? im->name : NULL, "refused", why));
	else if (im != NULL)
		printf("took in %s as %s (%s)\n", f, im->name, im->format);
	else
		fprintf(stderr, "sandlab: left %s alone: %s\n", f, why);
	if (im == NULL)
		s->bad++;
	free(f);
}

int
cmd_image_scan(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "image scan [--max-size SIZE]";
	const char *max = NULL;
	struct cli_opt opts[] = { { "--max-size", &max, NULL }, { 0 } };
	struct scan_out s = { .arr = c->json ? json_array() : NULL };
	uint64_t cap = 0;
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos;

	if (cli_parse(argc, argv, opts, pos, 0, &npos, usage) != 0)
		return 2;
	if (max != NULL && (parse_size(max, &cap) != 0 || cap == 0))
		return cli_fail("--max-size takes a size such as 64G or 2T");
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	if (image_scan(lab, cap, scan_report, &s, &e) != 0) {
		json_decref(s.arr);
		return cli_fail("%s", e.msg);
	}
	if (s.arr != NULL)
		cli_json_out(s.arr);
	return s.bad ? 1 : 0;
}

int
cmd_image_rm(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "image rm NAME";
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (image_rm(lab, pos[0], &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		return cli_json_out(json_pack("{s:s}", "removed", pos[0]));
	return 0;
}
