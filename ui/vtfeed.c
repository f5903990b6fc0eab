/*
 * vtfeed.c: what libvterm 0.1.4 gets wrong about its input, mended before
 * the bytes reach it. Each mend was seen here on Debian 12's 0.1.4:
 *
 * - A UTF-8 character split across two vterm_input_write calls becomes
 *   two U+FFFD, and an OSC or DCS string (a title) split across calls is
 *   lost. Socket reads split anywhere, so the tail of a read that is an
 *   unfinished character, escape sequence or string waits for the next
 *   read (up to VTFEED_HOLD_MAX bytes; a longer string goes as it is).
 * - A UTF-8-encoded C1 control (U+0080..U+009F) is a glyph of width -1 to
 *   it: its cursor goes to negative columns, from where later sequences
 *   index its arrays out of bounds. Its decoder also keeps half a
 *   character across an escape sequence (C2 ESC b 90 makes U+0090). So
 *   libvterm only ever gets valid UTF-8 without C1 controls: any other
 *   byte of 0x80 and above becomes U+FFFD, as libvterm shows them anyway.
 * - DECRC (ESC 8) restores a saved cursor that a resize left outside the
 *   screen: the cursor is put back on the screen right after it. (The
 *   owner resets the scroll margins on a resize, which 0.1.4 keeps even
 *   when they no longer fit; see vtfeed_resized.)
 * - REP (CSI n b) repeats the last glyph printed from text by advancing
 *   the cursor by that glyph's width, and loops forever when the width is
 *   0: nothing printed yet, or a combining mark with nothing to combine
 *   with. Such a REP is dropped (it would repeat nothing visible); the
 *   owner primes a new terminal with one printed space.
 *
 * To find REP, a small lexer walks the escape sequences (not the text in
 * between, which memchr skips), the way libvterm's parser delimits them.
 * Writes are only ever split between sequences, never inside a string.
 */
#include "vtfeed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

enum seq {
	SEQ_OTHER,
	SEQ_REP,
	SEQ_DECALN,
	SEQ_DECRC,
	SEQ_UNFINISHED,
};

static bool
is_abort(unsigned char c)
{
	return c == 0x1b || c == 0x18 || c == 0x1a; /* ESC, CAN, SUB */
}

/* Bytes libvterm executes (C0) or ignores (DEL) inside a sequence. */
static bool
is_passed_over(unsigned char c)
{
	return (c < 0x20 && !is_abort(c)) || c == 0x7f;
}

/*
 * The escape sequence starting at p[i] (an ESC): what it is, and in *end
 * where the next one may start. It follows libvterm 0.1.4's parser as
 * probed byte by byte: inside an escape or CSI, C0 controls are executed
 * and DEL ignored without ending it; ESC, CAN and SUB end it; bytes from
 * 0x80 are ignored in an escape and end a CSI; a string ends at BEL, ESC,
 * CAN or SUB.
 */
static enum seq
seq_scan(const unsigned char *p, size_t i, size_t n, size_t *end)
{
	size_t j = i + 1, inter = 0;
	unsigned char first_inter = 0;
	bool plain = true;

	while (j < n && (is_passed_over(p[j]) || p[j] >= 0x80))
		j++;
	if (j >= n)
		return SEQ_UNFINISHED;
	if (is_abort(p[j])) {
		*end = j + (p[j] != 0x1b);
		return SEQ_OTHER;
	}
	if (p[j] == '[') { /* CSI: leader, parameters, intermediates, final */
		j++;
		if (j < n && p[j] >= 0x3c && p[j] <= 0x3f) {
			plain = false;
			j++;
		}
		for (; j < n; j++) {
			if (is_passed_over(p[j]))
				continue;
			if (is_abort(p[j]) || p[j] >= 0x80) {
				*end = j + (p[j] == 0x18 || p[j] == 0x1a);
				return SEQ_OTHER;
			}
			if (p[j] >= 0x40) {
				*end = j + 1;
				return plain && p[j] == 'b' ? SEQ_REP : SEQ_OTHER;
			}
			if (p[j] <= 0x2f)
				plain = false; /* an intermediate: not REP */
		}
		return SEQ_UNFINISHED;
	}
	if (memchr("]P_^X", p[j], 5) != NULL) { /* a string */
		for (j++; j < n; j++) {
			if (p[j] == 0x07 || p[j] == 0x18 || p[j] == 0x1a) {
				*end = j + 1;
				return SEQ_OTHER;
			}
			if (p[j] == 0x1b) { /* ST (ESC \) or the next sequence */
				*end = j;
				return SEQ_OTHER;
			}
		}
		return SEQ_UNFINISHED;
	}
	for (; j < n; j++) { /* intermediates, then a final byte */
		if (is_passed_over(p[j]) || p[j] >= 0x80)
			continue;
		if (is_abort(p[j])) {
			*end = j + (p[j] != 0x1b);
			return SEQ_OTHER;
		}
		if (p[j] <= 0x2f) {
			if (inter++ == 0)
				first_inter = p[j];
			continue;
		}
		*end = j + 1;
		if (p[j] == '8' && inter == 0)
			return SEQ_DECRC;
		if (p[j] == '8' && inter == 1 && first_inter == '#')
			return SEQ_DECALN;
		return SEQ_OTHER;
	}
	return SEQ_UNFINISHED;
}

/* Where the bytes that must wait for the next read begin (n: none). */
static size_t
hold_from(const unsigned char *p, size_t n)
{
	const unsigned char *esc = memrchr(p, 0x1b, n);
	size_t cut = n, end;

	if (esc != NULL && (size_t)(p + n - esc) <= VTFEED_HOLD_MAX &&
	    seq_scan(p, (size_t)(esc - p), n, &end) == SEQ_UNFINISHED)
		cut = (size_t)(esc - p);
	if (cut == n - 1 && n > 1) {
		/* a lone ESC may be the first half of the ST of a string */
		esc = memrchr(p, 0x1b, n - 1);
		if (esc != NULL && (size_t)(p + n - esc) <= VTFEED_HOLD_MAX &&
		    esc + 1 < p + n - 1 && memchr("]P_^X", esc[1], 5) != NULL &&
		    seq_scan(p, (size_t)(esc - p), n - 1, &end) == SEQ_UNFINISHED)
			cut = (size_t)(esc - p);
	}
	for (size_t k = 1; k <= 3 && k <= cut; k++) {
		unsigned char b = p[cut - k];
		size_t need;

		if (b >= 0x80 && b < 0xc0)
			continue; /* a continuation byte: look further back */
		need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		if (need > k && b <= 0xf4)
			cut -= k;
		break;
	}
	return cut;
}

static void
buf_reserve(char **buf, size_t *size, size_t want)
{
	if (want > *size) {
		*size = want + want / 2;
		*buf = xrealloc(*buf, *size);
	}
}

/* Length of the valid character at p[i] (0: invalid), ASCII quickly. */
static size_t
char_len(const unsigned char *p, size_t i, size_t n)
{
	return p[i] < 0x80 ? 1 : utf8_seq_len(p + i, n - i);
}

/* Writes p[0..n) in one call, every byte that does not begin a valid
 * UTF-8 character (C1 controls included) replaced by U+FFFD. */
static void
write_clean(struct vtfeed *f, VTerm *vt, const unsigned char *p, size_t n)
{
	size_t i = 0, o, len;

	while (i < n && (len = char_len(p, i, n)) != 0)
		i += len;
	if (i == n) {
		vterm_input_write(vt, (const char *)p, n);
		return;
	}
	buf_reserve(&f->clean, &f->clean_size, 3 * n);
	memcpy(f->clean, p, i);
	o = i;
	while (i < n) {
		len = char_len(p, i, n);
		if (len == 0) {
			memcpy(f->clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(f->clean + o, p + i, len);
			o += len;
			i += len;
		}
	}
	vterm_input_write(vt, f->clean, o);
}

/* Puts libvterm's cursor back on its screen if it left it. */
static void
cursor_clamp(VTerm *vt)
{
	VTermPos pos;
	int rows, cols;
	char cup[32];

	vterm_get_size(vt, &rows, &cols);
	vterm_state_get_cursorpos(vterm_obtain_state(vt), &pos);
	if (pos.row >= 0 && pos.row < rows && pos.col >= 0 && pos.col < cols)
		return;
	snprintf(cup, sizeof cup, "\x1b[%d;%dH", pos.row < 0 ? 1 : pos.row >= rows ? rows : pos.row + 1,
	    pos.col < 0 ? 1 : pos.col >= cols ? cols : pos.col + 1);
	vterm_input_write(vt, cup, strlen(cup));
}

/* Writes p[0..n), whose sequences are all finished, splitting it around
 * REP and DECALN. */
static void
write_checked(struct vtfeed *f, VTerm *vt, const unsigned char *p, size_t n)
{
	size_t start = 0, i = 0, end;
	const unsigned char *esc;

	while ((esc = memchr(p + i, 0x1b, n - i)) != NULL) {
		i = (size_t)(esc - p);
		switch (seq_scan(p, i, n, &end)) {
		case SEQ_REP:
			write_clean(f, vt, p + start, i - start);
			if (f->last_width > 0)
				write_clean(f, vt, p + i, end - i);
			start = end;
			break;
		case SEQ_DECALN:
			/* its glyphs are not text: REP still repeats the old one */
			write_clean(f, vt, p + start, i - start);
			f->in_decaln = true;
			write_clean(f, vt, p + i, end - i);
			f->in_decaln = false;
			start = end;
			break;
		case SEQ_DECRC:
			write_clean(f, vt, p + start, end - start);
			cursor_clamp(vt);
			start = end;
			break;
		case SEQ_UNFINISHED:
			end = n; /* too long to hold: libvterm gets it as it is */
			break;
		case SEQ_OTHER:
			break;
		}
		i = end > i ? end : i + 1;
	}
	write_clean(f, vt, p + start, n - start);
}

void
vtfeed_init(struct vtfeed *f)
{
	memset(f, 0, sizeof *f);
}

void
vtfeed_free(struct vtfeed *f)
{
	free(f->join);
	free(f->clean);
	f->join = f->clean = NULL;
}

void
vtfeed_glyph(struct vtfeed *f, int width)
{
	if (!f->in_decaln)
		f->last_width = width;
}

void
vtfeed_write(struct vtfeed *f, VTerm *vt, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	size_t n = len, cut;

	if (len == 0)
		return;
	if (f->nheld > 0) {
		buf_reserve(&f->join, &f->join_size, f->nheld + len);
		memcpy(f->join, f->held, f->nheld);
		memcpy(f->join + f->nheld, bytes, len);
		p = (const unsigned char *)f->join;
		n = f->nheld + len;
		f->nheld = 0;
	}
	cut = hold_from(p, n);
	write_checked(f, vt, p, cut);
	memcpy(f->held, p + cut, n - cut);
	f->nheld = n - cut;
}

void
vtfeed_resized(VTerm *vt)
{
	VTermPos pos;
	char seq[48];

	/* CSI r and CSI s reset the margins and home the cursor; CUP puts it
	 * back where it was (origin mode is relative to full margins now) */
	vterm_state_get_cursorpos(vterm_obtain_state(vt), &pos);
	snprintf(seq, sizeof seq, "\x1b[r\x1b[s\x1b[%d;%dH", pos.row + 1, pos.col + 1);
	vterm_input_write(vt, seq, strlen(seq));
}
