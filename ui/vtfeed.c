/*
 * vtfeed.c: what libvterm 0.1.4 gets wrong about its input, mended before
 * the bytes reach it. Each defect was seen here on Debian 12's 0.1.4, by
 * probing it or by the fuzzers (tests/unit/test_vtcon_fuzz.c under
 * valgrind, tests/fuzz/vtcon.c under libFuzzer):
 *
 * - A UTF-8 character split across two vterm_input_write calls becomes
 *   two U+FFFD; an OSC or DCS string split across calls is lost, and with
 *   controls inside its terminator it reads out of bounds. Socket reads
 *   split anywhere, so an unfinished character, sequence or string at the
 *   end of a read waits for the next one (up to VTFEED_HOLD_MAX bytes).
 *   A string reaches libvterm whole and in a plain form (ESC, its
 *   introducer, its text without controls, ESC \); one that is cancelled
 *   or longer than VTFEED_HOLD_MAX is dropped, as a terminal ignores it.
 * - A UTF-8-encoded C1 control (U+0080..U+009F) is a glyph of width -1 to
 *   it: its cursor goes to negative columns, from where later sequences
 *   index its arrays out of bounds. Its decoder also keeps half a
 *   character across an escape sequence (C2 ESC b 90 makes U+0090). So
 *   libvterm only ever gets valid UTF-8 without C1 controls: any other
 *   byte of 0x80 and above becomes U+FFFD, as libvterm shows them anyway.
 * - A CSI sequence with more than 16 parameters is written past the end
 *   of its parameter array (heap corruption): such a sequence loses its
 *   parameters past the 16th, and one too long to hold is dropped. So is
 *   every sequence cut short by ESC, CAN or SUB (a terminal ignores it),
 *   so that libvterm never gets the start of a sequence without its end.
 * - DECRC (ESC 8) restores a saved cursor that a resize left outside the
 *   screen: the cursor is put back on the screen right after it. The
 *   scroll margins, which 0.1.4 keeps across a resize even when they no
 *   longer fit, are reset by vtfeed_resized.
 * - REP (CSI n b) repeats the last glyph printed from text by advancing
 *   the cursor by that glyph's width, and loops forever when the width is
 *   0: nothing printed yet, or a combining mark with nothing to combine
 *   with. Such a REP is dropped (it would repeat nothing visible); the
 *   owner primes a new terminal with one printed space.
 *
 * - Faint (SGR 2) is not one of its pen attributes: it ignores it. The
 *   SGR sequences are read here as well, and vtfeed.faint says whether
 *   the glyphs printed now are faint (SGR 2 sets it; 0, 22 and an empty
 *   SGR clear it; the owner clears it on a reset).
 *
 * A small lexer walks the escape sequences the way 0.1.4's parser
 * delimits them (probed byte by byte); the text between them is skipped
 * with memchr. Writes are split only between sequences.
 */
#include "vtfeed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

/* libvterm 0.1.4's array of CSI parameters (CSI_ARGS_MAX there). */
#define CSI_ARGS 16

enum seq {
	SEQ_OTHER,
	SEQ_REP,
	SEQ_DECALN,
	SEQ_DECRC,
	SEQ_CSI_LONG,       /* more parameters than libvterm has room for */
	SEQ_STRING,         /* OSC or DCS, terminated */
	SEQ_STRING_CANCELLED,
	SEQ_ABORTED,        /* an escape or CSI cut short: does nothing */
	SEQ_UNFINISHED,
	SEQ_CSI_UNFINISHED,
	SEQ_STRING_UNFINISHED,
};

/* What a lexed sequence is, and where its parts are. */
struct seqinfo {
	enum seq kind;
	size_t end;   /* where the next thing starts (n: unfinished) */
	size_t intro; /* a string's introducer (']' or 'P') */
	size_t text_end; /* where a string's text ends */
};

enum {
	SKIP_NONE,
	SKIP_ESC,
	SKIP_CSI,
	SKIP_STRING,
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

static bool
unfinished(enum seq kind)
{
	return kind == SEQ_UNFINISHED || kind == SEQ_CSI_UNFINISHED || kind == SEQ_STRING_UNFINISHED;
}

/* A CSI from p[j] (after the '['): inside it, C0 controls are executed
 * and DEL ignored, ESC, CAN, SUB and bytes from 0x80 end it. */
static void
scan_csi(const unsigned char *p, size_t j, size_t n, struct seqinfo *s)
{
	size_t seps = 0;
	bool plain = true; /* no leader, no intermediate: may be REP */

	if (j < n && p[j] >= 0x3c && p[j] <= 0x3f) {
		plain = false;
		j++;
	}
	for (; j < n; j++) {
		if (is_passed_over(p[j]))
			continue;
		if (is_abort(p[j]) || p[j] >= 0x80) {
			s->end = j + (p[j] == 0x18 || p[j] == 0x1a);
			s->kind = SEQ_ABORTED;
			return;
		}
		if (p[j] >= 0x40) {
			s->end = j + 1;
			s->kind = seps >= CSI_ARGS ? SEQ_CSI_LONG :
			    plain && p[j] == 'b' ? SEQ_REP : SEQ_OTHER;
			return;
		}
		if (p[j] <= 0x2f)
			plain = false;
		else if (p[j] == ';' || p[j] == ':')
			seps++;
	}
	s->kind = SEQ_CSI_UNFINISHED;
}

/* A string's text from p[j]: it ends at BEL or ST (ESC \); CAN, SUB, or
 * an ESC that starts anything else cancel it. */
static void
scan_string(const unsigned char *p, size_t j, size_t n, struct seqinfo *s)
{
	for (; j < n; j++) {
		size_t m;

		if (p[j] == 0x07) {
			s->text_end = j;
			s->end = j + 1;
			s->kind = SEQ_STRING;
			return;
		}
		if (p[j] == 0x18 || p[j] == 0x1a) {
			s->end = j + 1;
			s->kind = SEQ_STRING_CANCELLED;
			return;
		}
		if (p[j] != 0x1b)
			continue;
		for (m = j + 1; m < n && is_passed_over(p[m]); m++)
			;
		if (m == n)
			break;
		s->text_end = j;
		s->end = p[m] == '\\' ? m + 1 : j;
		s->kind = p[m] == '\\' ? SEQ_STRING : SEQ_STRING_CANCELLED;
		return;
	}
	s->kind = SEQ_STRING_UNFINISHED;
}

/* The escape sequence starting at p[i], an ESC. 0.1.4 passes over C0
 * controls and bytes from 0x80 after it, collects intermediates
 * (0x20-0x2f), and then, whatever the intermediates, takes '[' as CSI,
 * ']' and 'P' as a string (OSC, DCS), and anything else as the final
 * byte (so APC, PM and SOS are not strings to it). */
static void
seq_scan(const unsigned char *p, size_t i, size_t n, struct seqinfo *s)
{
	size_t inter = 0;
	unsigned char first_inter = 0;

	s->end = n; /* unless it finishes */
	for (size_t j = i + 1; j < n; j++) {
		if (is_passed_over(p[j]) || p[j] >= 0x80)
			continue;
		if (is_abort(p[j])) {
			s->end = j + (p[j] != 0x1b);
			s->kind = SEQ_ABORTED;
			return;
		}
		if (p[j] <= 0x2f) {
			if (inter++ == 0)
				first_inter = p[j];
			continue;
		}
		if (p[j] == '[') {
			scan_csi(p, j + 1, n, s);
			return;
		}
		if (p[j] == ']' || p[j] == 'P') {
			s->intro = j;
			scan_string(p, j + 1, n, s);
			return;
		}
		s->end = j + 1;
		s->kind = SEQ_OTHER;
		if (p[j] == '8' && inter == 0)
			s->kind = SEQ_DECRC;
		else if (p[j] == '8' && inter == 1 && first_inter == '#')
			s->kind = SEQ_DECALN;
		return;
	}
	s->kind = SEQ_UNFINISHED;
}

/* Where the bytes that must wait for the next read begin (n: none). */
static size_t
hold_from(const unsigned char *p, size_t n)
{
	const unsigned char *esc = memrchr(p, 0x1b, n), *prev;
	struct seqinfo s;
	size_t cut = n;

	if (esc != NULL) {
		seq_scan(p, (size_t)(esc - p), n, &s);
		if (unfinished(s.kind))
			cut = (size_t)(esc - p);
		/* that ESC may be the first half of the ST of a string */
		prev = esc > p ? memrchr(p, 0x1b, (size_t)(esc - p)) : NULL;
		if (prev != NULL) {
			seq_scan(p, (size_t)(prev - p), n, &s);
			if (s.kind == SEQ_STRING_UNFINISHED)
				cut = (size_t)(prev - p);
		}
		if (n - cut > VTFEED_HOLD_MAX)
			cut = n; /* too long to hold: write_checked drops it */
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
		if (n > 0)
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

/* Writes the CSI sequence p[0..n) with its parameters past the CSI_ARGS-th
 * cut off, unless it is then a REP that would loop. */
static void
write_csi_capped(struct vtfeed *f, VTerm *vt, const unsigned char *p, size_t n)
{
	struct seqinfo s;
	size_t o = 0, seps = 0;

	buf_reserve(&f->rewrite, &f->rewrite_size, n);
	for (size_t k = 0; k < n; k++) {
		if (p[k] == ';' || p[k] == ':')
			seps++;
		if (seps >= CSI_ARGS && p[k] >= 0x30 && p[k] <= 0x3f)
			continue;
		f->rewrite[o++] = (char)p[k];
	}
	seq_scan((const unsigned char *)f->rewrite, 0, o, &s);
	if (s.kind != SEQ_REP || f->last_width > 0)
		write_clean(f, vt, (const unsigned char *)f->rewrite, o);
}

/* Writes a terminated string in its plain form: ESC, introducer, text
 * without controls, ST. */
static void
write_string(struct vtfeed *f, VTerm *vt, const unsigned char *p, const struct seqinfo *s)
{
	size_t o = 0;

	buf_reserve(&f->rewrite, &f->rewrite_size, s->text_end - s->intro + 4);
	f->rewrite[o++] = 0x1b;
	f->rewrite[o++] = (char)p[s->intro];
	for (size_t k = s->intro + 1; k < s->text_end; k++)
		if (p[k] >= 0x20 && p[k] != 0x7f)
			f->rewrite[o++] = (char)p[k];
	f->rewrite[o++] = 0x1b;
	f->rewrite[o++] = '\\';
	write_clean(f, vt, (const unsigned char *)f->rewrite, o);
}

/* Whether glyphs are faint after the sequence p[0..n) (ESC first), when
 * they were `faint` before: only a plain SGR (CSI digits ; : m) changes
 * it. A colour's own numbers (38;5;N, 38;2;R;G;B, and 48, 58 alike) are
 * not attributes; with colons they are one parameter anyway. */
static bool
sgr_faint(const unsigned char *p, size_t n, bool faint)
{
	long arg[CSI_ARGS];
	int nargs = 0;
	long v = 0;
	bool sub = false;

	if (n < 3 || p[1] != '[' || p[n - 1] != 'm')
		return faint;
	for (size_t k = 2; k + 1 < n; k++)
		if (!(p[k] >= '0' && p[k] <= '9') && p[k] != ';' && p[k] != ':')
			return faint;
	for (size_t k = 2; k < n && nargs < CSI_ARGS; k++) {
		if (p[k] >= '0' && p[k] <= '9') {
			if (!sub && v < 100000)
				v = v * 10 + (p[k] - '0');
		} else if (p[k] == ':') {
			sub = true;     /* sub-parameters belong to the one before */
		} else {
			arg[nargs++] = v;
			v = 0;
			sub = false;
		}
	}
	for (int i = 0; i < nargs; i++) {
		if (arg[i] == 0 || arg[i] == 22)
			faint = false;
		else if (arg[i] == 2)
			faint = true;
		else if ((arg[i] == 38 || arg[i] == 48 || arg[i] == 58) && i + 1 < nargs)
			i += arg[i + 1] == 5 ? 2 : arg[i + 1] == 2 ? 4 : 0;
	}
	return faint;
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

/* Writes p[0..n), whose last sequence is finished unless too long to
 * hold, mending the sequences listed at the top. */
static void
write_checked(struct vtfeed *f, VTerm *vt, const unsigned char *p, size_t n)
{
	size_t start = 0, i = 0;
	const unsigned char *esc;
	struct seqinfo s;

	while ((esc = memchr(p + i, 0x1b, n - i)) != NULL) {
		i = (size_t)(esc - p);
		seq_scan(p, i, n, &s);
		if (s.kind == SEQ_OTHER && p[i + 1] == '[' && p[s.end - 1] == 'm' &&
		    sgr_faint(p + i, s.end - i, f->faint) != f->faint) {
			/* what came before was printed with the old faintness */
			write_clean(f, vt, p + start, s.end - start);
			f->faint = !f->faint;
			i = start = s.end;
			continue;
		}
		if (s.kind == SEQ_OTHER) {
			i = s.end;
			continue;
		}
		write_clean(f, vt, p + start, i - start);
		switch (s.kind) {
		case SEQ_REP:
			if (f->last_width > 0)
				write_clean(f, vt, p + i, s.end - i);
			break;
		case SEQ_DECALN:
			/* its glyphs are not text: REP still repeats the old one */
			f->in_decaln = true;
			write_clean(f, vt, p + i, s.end - i);
			f->in_decaln = false;
			break;
		case SEQ_DECRC:
			write_clean(f, vt, p + i, s.end - i);
			cursor_clamp(vt);
			break;
		case SEQ_CSI_LONG:
			write_csi_capped(f, vt, p + i, s.end - i);
			break;
		case SEQ_STRING:
			write_string(f, vt, p, &s);
			break;
		case SEQ_UNFINISHED:
		case SEQ_CSI_UNFINISHED:
		case SEQ_STRING_UNFINISHED:
			/* too long to hold: dropped, with the rest of it */
			f->skip = s.kind == SEQ_UNFINISHED ? SKIP_ESC :
			    s.kind == SEQ_CSI_UNFINISHED ? SKIP_CSI : SKIP_STRING;
			break;
		default:
			/* aborted or cancelled: dropped, so that libvterm never
			 * holds a sequence whose end went with a dropped one */
			break;
		}
		i = start = s.end;
	}
	write_clean(f, vt, p + start, n - start);
}

/* How many bytes at the start of p finish what write_checked dropped. */
static size_t
skip_dropped(struct vtfeed *f, const unsigned char *p, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		unsigned char c = p[k];

		if (f->skip == SKIP_ESC && ((c >= 0x30 && c <= 0x7e) || c == 0x18 || c == 0x1a)) {
			f->skip = SKIP_NONE;
			return k + 1;
		}
		if (f->skip == SKIP_CSI && ((c >= 0x40 && c <= 0x7e) || c == 0x18 || c == 0x1a)) {
			f->skip = SKIP_NONE;
			return k + 1; /* its final byte, or CAN or SUB */
		}
		if (f->skip == SKIP_STRING && (c == 0x07 || c == 0x18 || c == 0x1a)) {
			f->skip = SKIP_NONE;
			return k + 1;
		}
		if (c == 0x1b || (f->skip == SKIP_CSI && c >= 0x80)) {
			/* the end of it: a string's ST goes too (should its
			 * backslash come in the next read, it shows as text) */
			bool st = f->skip == SKIP_STRING && k + 1 < n && p[k + 1] == '\\';

			f->skip = SKIP_NONE;
			return st ? k + 2 : k;
		}
	}
	return n;
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
	free(f->rewrite);
	f->join = f->clean = f->rewrite = NULL;
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

	if (f->skip != SKIP_NONE) {
		cut = skip_dropped(f, p, n);
		p += cut;
		n -= cut;
	}
	if (n == 0)
		return;
	if (f->nheld > 0) {
		buf_reserve(&f->join, &f->join_size, f->nheld + n);
		memcpy(f->join, f->held, f->nheld);
		memcpy(f->join + f->nheld, p, n);
		p = (const unsigned char *)f->join;
		n += f->nheld;
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
