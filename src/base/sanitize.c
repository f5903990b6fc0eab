/*
 * sanitize.c: escapes control bytes, DEL, C1 controls and invalid UTF-8.
 * Tab and newline are escaped too: callers print one value per field.
 */
#include "sanitize.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

size_t
utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	/* C1 controls (U+0080..U+009F) act as escapes on some terminals. */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	return n;
}

/* Appends the sanitised text to out (size cap, terminated); returns bytes
 * needed. Backslashes are doubled only when bs is set. */
static size_t
sanitize_into(const char *s, size_t len, char *out, size_t cap, int bs)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, written = 0;
	int full = 0;
	char tmp[8];

	while (i < len) {
		size_t n = utf8_seq_len(p + i, len - i);
		const char *src;
		size_t sn;

		if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f))
			n = 0;
		if (n == 0) {
			snprintf(tmp, sizeof tmp, "\\x%02x", p[i]);
			src = tmp;
			sn = 4;
			n = 1;
		} else if (p[i] == '\\' && bs) {
			src = "\\\\";
			sn = 2;
		} else {
			src = (const char *)p + i;
			sn = n;
		}
		if (out != NULL && !full && o + sn < cap) {
			memcpy(out + o, src, sn);
			written = o + sn;
		} else
			full = 1; /* never split an escape or a character */
		o += sn;
		i += n;
	}
	if (out != NULL && cap > 0)
		out[written] = '\0';
	return o;
}

char *
sanitize(const char *s, size_t len)
{
	size_t need = sanitize_into(s, len, NULL, 0, 1);
	char *out = xmalloc(need + 1);

	sanitize_into(s, len, out, need + 1, 1);
	return out;
}

void
sanitize_to(const char *s, size_t len, char *buf, size_t size)
{
	sanitize_into(s, len, buf, size, 1);
}

void
sanitize_again_to(const char *s, size_t len, char *buf, size_t size)
{
	sanitize_into(s, len, buf, size, 0);
}
