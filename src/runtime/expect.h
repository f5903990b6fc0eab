/*
 * expect.h: matching a console's output against POSIX extended regular
 * expressions (regcomp), for `sandlab expect`, `node start --wait-for` and
 * `lab up`. Pure: bytes in, "matched" out; no sockets and no clocks (the
 * waiting is conwait.h's). Guest output is cleaned of escape sequences,
 * carriage returns and other control bytes (console_clean) before it is
 * matched, so a pattern sees the text a person reads. Text that arrives
 * while no pattern is set is kept for the next one, so output that comes
 * in one read with an earlier match is not lost.
 */
#ifndef SANDLAB_EXPECT_H
#define SANDLAB_EXPECT_H

#include <regex.h>
#include <stddef.h>

#include "console.h"
#include "util.h"

#define EXPECT_WINDOW (64u << 10)   /* unmatched text kept; older text falls out */
#define EXPECT_SEEN   4096          /* the last text seen, for messages */

struct expect {
	struct console_clean clean;
	regex_t re;
	int     have_re;
	char   *buf;                    /* unmatched cleaned text, NUL-terminated */
	size_t  len, cap;
	char    seen[EXPECT_SEEN];      /* the last cleaned text, matched or not */
	size_t  nseen;
	char   *match;                  /* the text of the last match, or NULL */
};

void expect_init(struct expect *x);
void expect_free(struct expect *x);

/* Compiles regex (REG_EXTENDED | REG_NEWLINE: ^ and $ also match at line
 * ends) as the pattern to wait for. -1 with regerror's words on a bad one. */
int expect_set(struct expect *x, const char *regex, struct err *e);

/* Checks that regex compiles; -1 with why. */
int expect_valid(const char *regex, struct err *e);

/* Adds guest output (any bytes). Returns 1 when the pattern set matched:
 * the pattern is then cleared, x->match holds the matched text and the
 * text after it stays for the next pattern. 0 otherwise. */
int expect_feed(struct expect *x, const char *p, size_t n);

/* Matches the pattern against text already kept (after expect_set). */
int expect_try(struct expect *x);

/* The last nlines lines of cleaned text seen (a partial last line counts
 * as one), made safe for a terminal; caller frees. */
char *expect_tail(const struct expect *x, int nlines);

/* Turns TEXT with \r \n \t \\ \e and \xHH escapes into bytes (*out is
 * NUL-terminated, *len excludes it; caller frees). -1 with why on a bad
 * escape. */
int expect_unescape(const char *in, char **out, size_t *len, struct err *e);

#endif
