/*
 * vtfeed.h: hands guest output to libvterm 0.1.4 in a form it handles
 * safely. Read vtfeed.c for the defects it mends. A vtfeed belongs to one
 * VTerm; its owner reports every glyph libvterm prints (vtfeed_glyph).
 */
#ifndef SANDLAB_VTFEED_H
#define SANDLAB_VTFEED_H

#include <stdbool.h>
#include <stddef.h>
#include <vterm.h>

/* Longest unfinished escape sequence or string kept for the next read. */
#define VTFEED_HOLD_MAX 4096

struct vtfeed {
	unsigned char held[VTFEED_HOLD_MAX]; /* the tail that waits */
	size_t nheld;
	char *join;           /* held + new bytes */
	char *clean;          /* bytes made valid UTF-8 */
	char *rewrite;        /* a sequence in the form libvterm copes with */
	size_t join_size, clean_size, rewrite_size;
	int last_width;       /* of the last glyph printed from text */
	bool in_decaln;       /* the glyphs being printed are DECALN's */
	bool faint;           /* SGR 2 is on (libvterm does not keep it) */
	int skip;             /* dropping the rest of a sequence (vtfeed.c) */
};

void vtfeed_init(struct vtfeed *f);
void vtfeed_free(struct vtfeed *f);
/* Writes bytes to vt; may keep a tail back until the next call. */
void vtfeed_write(struct vtfeed *f, VTerm *vt, const void *bytes, size_t len);
/* Call from the putglyph callback with the glyph's width. */
void vtfeed_glyph(struct vtfeed *f, int width);
/* Call after vterm_set_size: margins that may no longer fit are reset. */
void vtfeed_resized(VTerm *vt);

#endif
