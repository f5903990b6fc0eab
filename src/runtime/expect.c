/*
 * expect.c: the matching engine behind send/expect (see expect.h). Every
 * feed matches the whole unmatched window again, so a pattern that spans
 * reads matches as soon as its last byte arrives; the window is capped so
 * that the work per read stays bounded on a chatty guest.
 */
#include "expect.h"

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

void
expect_init(struct expect *x)
{
	memset(x, 0, sizeof *x);
	console_clean_init(&x->clean);
	x->cap = 4096;
	x->buf = xmalloc(x->cap);
	x->buf[0] = '\0';
}

void
expect_free(struct expect *x)
{
	if (x->have_re)
		regfree(&x->re);
	free(x->buf);
	free(x->match);
	memset(x, 0, sizeof *x);
}

static int
expect_compile(regex_t *re, const char *regex, struct err *e)
{
	int rc = regcomp(re, regex, REG_EXTENDED | REG_NEWLINE);
	char why[160];

	if (rc == 0)
		return 0;
	regerror(rc, re, why, sizeof why);
	regfree(re);
	char *shown = sanitize(regex, strlen(regex));
	err_set(e, "bad regular expression \"%s\": %s", shown, why);
	free(shown);
	return -1;
}

int
expect_valid(const char *regex, struct err *e)
{
	regex_t re;

	if (expect_compile(&re, regex, e) != 0)
		return -1;
	regfree(&re);
	return 0;
}

int
expect_set(struct expect *x, const char *regex, struct err *e)
{
	if (x->have_re) {
		regfree(&x->re);
		x->have_re = 0;
	}
	if (expect_compile(&x->re, regex, e) != 0)
		return -1;
	x->have_re = 1;
	return 0;
}

int
expect_try(struct expect *x)
{
	regmatch_t m[1];

	if (!x->have_re || regexec(&x->re, x->buf, 1, m, 0) != 0)
		return 0;
	free(x->match);
	x->match = xstrndup(x->buf + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
	x->len -= (size_t)m[0].rm_eo;
	memmove(x->buf, x->buf + m[0].rm_eo, x->len + 1);
	regfree(&x->re);
	x->have_re = 0;
	return 1;
}

static void
expect_remember(struct expect *x, const char *p, size_t n)
{
	if (n >= sizeof x->seen) {
		memcpy(x->seen, p + n - sizeof x->seen, sizeof x->seen);
		x->nseen = sizeof x->seen;
		return;
	}
	if (x->nseen + n > sizeof x->seen) {
		size_t drop = x->nseen + n - sizeof x->seen;
		memmove(x->seen, x->seen + drop, x->nseen - drop);
		x->nseen -= drop;
	}
	memcpy(x->seen + x->nseen, p, n);
	x->nseen += n;
}

int
expect_feed(struct expect *x, const char *p, size_t n)
{
	char *clean = xmalloc(n + 8);
	size_t c = console_clean(&x->clean, p, n, clean);

	expect_remember(x, clean, c);
	if (x->len + c + 1 > x->cap) {
		while (x->len + c + 1 > x->cap)
			x->cap *= 2;
		x->buf = xrealloc(x->buf, x->cap);
	}
	memcpy(x->buf + x->len, clean, c);
	x->len += c;
	x->buf[x->len] = '\0';
	free(clean);
	if (x->len > EXPECT_WINDOW) {
		/* Keep the newest three quarters, from a line start when one is near. */
		size_t drop = x->len - EXPECT_WINDOW * 3 / 4;
		char *nl = memchr(x->buf + drop, '\n', x->len - drop);
		if (nl != NULL && (size_t)(nl - x->buf) < drop + 1024)
			drop = (size_t)(nl - x->buf) + 1;
		x->len -= drop;
		memmove(x->buf, x->buf + drop, x->len + 1);
	}
	return expect_try(x);
}

char *
expect_tail(const struct expect *x, int nlines)
{
	size_t end = x->nseen, start;
	int lines = 0;

	/* A trailing newline ends the last line; it does not start another. */
	if (end > 0 && x->seen[end - 1] == '\n')
		end--;
	start = end;
	while (start > 0) {
		if (x->seen[start - 1] == '\n' && ++lines >= nlines)
			break;
		start--;
	}
	/* The text is clean already, but it may begin inside a UTF-8
	 * sequence: sanitise each line and keep the newlines. */
	const char *p = x->seen + start, *stop = x->seen + end;
	char *out = xmalloc(1);
	size_t olen = 0;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(stop - p);
		char *line = sanitize(p, l);
		size_t ll = strlen(line);
		out = xrealloc(out, olen + ll + 2);
		memcpy(out + olen, line, ll);
		olen += ll;
		if (nl)
			out[olen++] = '\n';
		free(line);
		p += l + (nl ? 1 : 0);
	}
	out[olen] = '\0';
	return out;
}

static int
expect_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
expect_unescape(const char *in, char **out, size_t *len, struct err *e)
{
	size_t n = strlen(in), o = 0;
	char *b = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		if (in[i] != '\\') {
			b[o++] = in[i];
			continue;
		}
		switch (in[++i]) {
		case 'r': b[o++] = '\r'; break;
		case 'n': b[o++] = '\n'; break;
		case 't': b[o++] = '\t'; break;
		case 'e': b[o++] = '\033'; break;
		case '\\': b[o++] = '\\'; break;
		case 'x': {
			int h = i + 1 < n ? expect_hex(in[i + 1]) : -1;
			int l = i + 2 < n ? expect_hex(in[i + 2]) : -1;
			if (h < 0 || l < 0) {
				free(b);
				return err_set(e, "\\x needs two hex digits (\\x03 is Ctrl-C)");
			}
			b[o++] = (char)(h * 16 + l);
			i += 2;
			break;
		}
		case '\0':
			free(b);
			return err_set(e, "a lone \\ ends the text (write \\\\ for a backslash)");
		default: {
			char c = in[i];
			free(b);
			if (c > 0x20 && c < 0x7f)
				return err_set(e, "unknown escape \\%c (known: \\r \\n \\t \\e \\\\ \\xHH)", c);
			return err_set(e, "unknown escape after \\ (known: \\r \\n \\t \\e \\\\ \\xHH)");
		}
		}
	}
	b[o] = '\0';
	*out = b;
	*len = o;
	return 0;
}
