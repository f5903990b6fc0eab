/*
 * cli.h: what every command needs: the options all commands share, the
 * lab opened on first use, argument parsing and error reporting. The
 * command table and dispatch are in cmd.c; this file knows no command.
 */
#ifndef SANDLAB_CLI_H
#define SANDLAB_CLI_H

#include <jansson.h>

#include "lab.h"

struct cli {
	const char *lab_dir;    /* --lab, or NULL */
	int         json;       /* --json */
	struct lab *lab;        /* opened on first use by cli_lab */
};

/* The lab, opened on first use; NULL after printing why. */
struct lab *cli_lab(struct cli *c);

/* One option: "--name" (has_arg: value in *val) or a flag (*flag = 1). */
struct cli_opt {
	const char  *name;
	const char **val;
	int         *flag;
};

/* The values of an option given more than once, in order (--disk). */
struct cli_many {
	const char **v;         /* room for max */
	int          n, max;
};

/* Takes every "NAME VALUE" and "NAME=VALUE" out of argv (up to a "--"),
 * appending the values to m, and lowers *argc; cli_parse then reads the
 * rest. 0, or -1 after printing why (no value, more than m->max). */
int cli_take_many(int *argc, char **argv, const char *name, struct cli_many *m);

/* Splits argv (after the command words) into options and up to max_pos
 * positionals. Prints a usage error and returns -1 on anything unknown. */
int cli_parse(int argc, char **argv, const struct cli_opt *opts, char **pos, int max_pos,
    int *npos, const char *usage);

/* The start of most commands: cli_parse with min_pos..max_pos positionals,
 * then the lab. NULL with *rc set to the exit status on failure. */
struct lab *cli_start(struct cli *c, int argc, char **argv, const struct cli_opt *opts,
    char **pos, int min_pos, int max_pos, int *npos, const char *usage, int *rc);

/* "sandlab: <message>" on stderr; returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error; returns 2. */
int cli_usage(const char *usage);

/* Prints a JSON value on stdout and frees it; returns 0. */
int cli_json_out(json_t *v);

/* Prints v (taken) as element of a JSON array that cli_json_out would
 * print, after "[\n" when first, else after ",\n"; the caller ends the
 * array with cli_json_end. Byte for byte what cli_json_out prints for
 * the whole array, one element in memory at a time. */
void cli_json_item(json_t *v, int first);
/* cli_json_item for a v whose objects were built with their keys in
 * sorted order (strcmp): printed without jansson's sort, which costs a
 * qsort and a hash lookup a key (a tenth of node ls --json), and put
 * together from the text of the last item of the same shape and the
 * dumps of the values that changed (jsonrow_text). */
void cli_json_item_in_order(json_t *v, int first);
/* Ends an array of n items printed by cli_json_item ("[]" for none). */
void cli_json_end(size_t n);

/* A list for --json: v[0..n) (each size bytes) as one array of one(item,
 * arg), printed as cli_json_out prints, one item built at a time;
 * returns 0. */
int cli_json_list(const void *v, size_t n, size_t size, json_t *(*one)(const void *item, void *arg),
    void *arg);

/* `X rm NAME...`: rm(lab, name) for each name, going on past a failure
 * (its message printed); without --json, "removed WHAT NAME" for each
 * when what is not NULL; with --json, {"removed": [names]}. 0, or 1 when
 * any failed. */
int cli_rm_each(const struct cli *c, struct lab *lab, char **names, int n,
    int (*rm)(struct lab *lab, const char *name, struct err *e), const char *what);

/* Integer option in [min, max] into *out (unchanged when s is NULL). */
int cli_int(const char *s, const char *what, long min, long max, int *out);

/* Text as it may be shown on a terminal (sanitised); caller frees. */
char *cli_shown(const char *s);
/* Prints text line by line, each sanitised (so a newline stays a line
 * break), the first after first, the others after indent. */
void cli_print_lines(const char *first, const char *indent, const char *text);

#endif
