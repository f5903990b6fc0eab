/*
 * cli.c: what commands share: argument parsing, the lab opened on first
 * use, and reporting. Commands print results on stdout (a table, or JSON
 * with --json) and errors on stderr.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>

#include "jsonrow.h"
#include "sanitize.h"

int
cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("sandlab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_usage(const char *usage)
{
	fprintf(stderr, "usage: sandlab %s\n", usage);
	return 2;
}

char *
cli_shown(const char *s)
{
	return sanitize(s, strlen(s));
}

int
cli_json_out(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

	if (s == NULL)
		fatal("cannot format JSON output");
	puts(s);
	free(s);
	json_decref(v);
	return 0;
}

int
cli_json_list(const void *v, size_t n, size_t size, json_t *(*one)(const void *item, void *arg),
    void *arg)
{
	for (size_t i = 0; i < n; i++)
		cli_json_item(one((const char *)v + i * size, arg), i == 0);
	cli_json_end(n);
	return 0;
}

int
cli_rm_each(const struct cli *c, struct lab *lab, char **names, int n,
    int (*rm)(struct lab *lab, const char *name, struct err *e), const char *what)
{
	json_t *removed = json_array();
	struct err e;
	int rc = 0;

	for (int i = 0; i < n; i++) {
		if (rm(lab, names[i], &e) != 0)
			rc = cli_fail("%s", e.msg);
		else {
			json_array_append_new(removed, json_string(names[i]));
			if (!c->json && what != NULL)
				printf("removed %s %s\n", what, names[i]);
		}
	}
	if (c->json)
		cli_json_out(json_pack("{s:o}", "removed", removed));
	else
		json_decref(removed);
	return rc;
}

#ifdef __SANITIZE_ADDRESS__
/* 1 when every object in v holds its keys in the order JSON_SORT_KEYS
 * would print them (jansson's order: bytes, then length). */
static int
cli_json_in_order(json_t *v)
{
	const char *key, *prev = NULL;
	json_t *x;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach (v, i, x)
			if (!cli_json_in_order(x))
				return 0;
		return 1;
	}
	if (!json_is_object(v))
		return 1;
	json_object_foreach (v, key, x) {
		if (prev != NULL && strcmp(prev, key) >= 0)
			return 0;
		if (!cli_json_in_order(x))
			return 0;
		prev = key;
	}
	return 1;
}
#endif

static void cli_json_item_flags(json_t *o, int first, size_t flags);

void
cli_json_item(json_t *o, int first)
{
	cli_json_item_flags(o, first, JSON_SORT_KEYS);
}

void
cli_json_item_in_order(json_t *o, int first)
{
	/* The order comes from the code that builds o, not from the data:
	 * the sanitizer builds, which the tests run, check it every time;
	 * the release build trusts it (the check is 4% of node ls --json). */
#ifdef __SANITIZE_ADDRESS__
	if (!cli_json_in_order(o))
		fatal("JSON item built out of key order");
#endif
	cli_json_item_flags(o, first, 0);
}

static void
cli_json_item_flags(json_t *o, int first, size_t sort)
{
	size_t n;
	const char *text = jsonrow_text(o, sort, &n);

	json_decref(o);
	fputs(first ? "[\n" : ",\n", stdout);
	fwrite(text, 1, n, stdout);
}

void
cli_json_end(size_t n)
{
	jsonrow_forget();
	fputs(n > 0 ? "\n]\n" : "[]\n", stdout);
}

int
cli_int(const char *s, const char *what, long min, long max, int *out)
{
	long v;

	if (s == NULL)
		return 0;
	if (parse_int(s, min, max, &v) != 0) {
		char *shown = cli_shown(s);
		cli_fail("%s must be a whole number from %ld to %ld, not \"%s\"", what, min, max, shown);
		free(shown);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int
cli_parse(int argc, char **argv, const struct cli_opt *opts, char **pos, int max_pos,
    int *npos, const char *usage)
{
	int only_pos = 0;

	*npos = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= max_pos) {
				char *shown = cli_shown(a);
				cli_fail("unexpected argument \"%s\"", shown);
				free(shown);
				cli_usage(usage);
				return -1;
			}
			pos[(*npos)++] = argv[i];
			continue;
		}
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		for (o = opts; o && o->name; o++)
			if (strlen(o->name) == nlen && strncmp(o->name, a, nlen) == 0)
				break;
		if (o == NULL || o->name == NULL) {
			char *shown = cli_shown(a);
			cli_fail("unknown option \"%s\"", shown);
			free(shown);
			cli_usage(usage);
			return -1;
		}
		if (o->flag) {
			if (eq) {
				cli_fail("option %s takes no value", o->name);
				return -1;
			}
			*o->flag = 1;
		} else if (eq)
			*o->val = eq + 1;
		else if (i + 1 < argc)
			*o->val = argv[++i];
		else {
			cli_fail("option %s needs a value", o->name);
			cli_usage(usage);
			return -1;
		}
	}
	return 0;
}

int
cli_take_many(int *argc, char **argv, const char *name, struct cli_many *m)
{
	size_t nlen = strlen(name);
	int i = 0, out = 0;

	for (; i < *argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i], *v;
		if (strncmp(a, name, nlen) != 0 || (a[nlen] != '\0' && a[nlen] != '=')) {
			argv[out++] = argv[i];
			continue;
		}
		if (a[nlen] == '=')
			v = a + nlen + 1;
		else if (i + 1 < *argc)
			v = argv[++i];
		else
			return cli_fail("option %s needs a value", name);
		if (m->n >= m->max)
			return cli_fail("option %s is given at most %d times", name, m->max);
		m->v[m->n++] = v;
	}
	for (; i < *argc; i++)
		argv[out++] = argv[i];
	*argc = out;
	return 0;
}

struct lab *
cli_lab(struct cli *c)
{
	struct err e;
	char *dir;

	if (c->lab != NULL)
		return c->lab;
	dir = lab_dir_choose(c->lab_dir);
	c->lab = lab_open(dir, &e);
	free(dir);
	if (c->lab == NULL)
		cli_fail("%s", e.msg);
	else if (c->lab->tightened) {
		char *shown = sanitize(c->lab->root, strlen(c->lab->root));
		fprintf(stderr, "sandlab: %s was open to other users (%d %s); it is now private "
		    "to you: the folder and the lab's own folders 0700, the lab's files 0600, other "
		    "files in it as they were\n", shown, c->lab->tightened,
		    c->lab->tightened == 1 ? "entry" : "entries");
		free(shown);
	}
	return c->lab;
}

struct lab *
cli_start(struct cli *c, int argc, char **argv, const struct cli_opt *opts,
    char **pos, int min_pos, int max_pos, int *npos, const char *usage, int *rc)
{
	struct lab *lab;

	*rc = 2;
	if (cli_parse(argc, argv, opts, pos, max_pos, npos, usage) != 0)
		return NULL;
	if (*npos < min_pos) {
		cli_usage(usage);
		return NULL;
	}
	*rc = 1;
	if ((lab = cli_lab(c)) == NULL)
		return NULL;
	*rc = 0;
	return lab;
}


void
cli_print_lines(const char *first, const char *indent, const char *text)
{
	const char *p = text;

	do {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p)), *shown = cli_shown(line);
		printf("%s%s\n", p == text ? first : indent, shown);
		free(shown);
		free(line);
		p = nl ? nl + 1 : NULL;
	} while (p != NULL);
}
