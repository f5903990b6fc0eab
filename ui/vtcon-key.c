/*
 * vtcon-key.c: libtermkey keys to guest bytes through libvterm's keyboard
 * functions, which know the modes the guest set. This file only chooses
 * which libvterm key a libtermkey key is, and works around the one place
 * where libvterm 0.1.4 encodes wrongly (Alt with a non-ASCII character).
 */
#include "vtcon-key.h"

#include "sanitize.h"
#include "utf8.h"

/* libtermkey keysyms a terminal sends, as libvterm keys; 0: none. Find and
 * Select are Home and End on the keypads that have them. */
static const VTermKey sym_keys[TERMKEY_N_SYMS] = {
	[TERMKEY_SYM_BACKSPACE] = VTERM_KEY_BACKSPACE,
	/* a terminal's Backspace sends DEL unless told otherwise; both mean
	 * "erase left", which libvterm encodes as DEL */
	[TERMKEY_SYM_DEL] = VTERM_KEY_BACKSPACE,
	[TERMKEY_SYM_TAB] = VTERM_KEY_TAB,
	[TERMKEY_SYM_ENTER] = VTERM_KEY_ENTER,
	[TERMKEY_SYM_ESCAPE] = VTERM_KEY_ESCAPE,
	[TERMKEY_SYM_UP] = VTERM_KEY_UP,
	[TERMKEY_SYM_DOWN] = VTERM_KEY_DOWN,
	[TERMKEY_SYM_LEFT] = VTERM_KEY_LEFT,
	[TERMKEY_SYM_RIGHT] = VTERM_KEY_RIGHT,
	[TERMKEY_SYM_INSERT] = VTERM_KEY_INS,
	[TERMKEY_SYM_DELETE] = VTERM_KEY_DEL,
	[TERMKEY_SYM_HOME] = VTERM_KEY_HOME,
	[TERMKEY_SYM_FIND] = VTERM_KEY_HOME,
	[TERMKEY_SYM_END] = VTERM_KEY_END,
	[TERMKEY_SYM_SELECT] = VTERM_KEY_END,
	[TERMKEY_SYM_PAGEUP] = VTERM_KEY_PAGEUP,
	[TERMKEY_SYM_PAGEDOWN] = VTERM_KEY_PAGEDOWN,
	[TERMKEY_SYM_KP0] = VTERM_KEY_KP_0,
	[TERMKEY_SYM_KP1] = VTERM_KEY_KP_1,
	[TERMKEY_SYM_KP2] = VTERM_KEY_KP_2,
	[TERMKEY_SYM_KP3] = VTERM_KEY_KP_3,
	[TERMKEY_SYM_KP4] = VTERM_KEY_KP_4,
	[TERMKEY_SYM_KP5] = VTERM_KEY_KP_5,
	[TERMKEY_SYM_KP6] = VTERM_KEY_KP_6,
	[TERMKEY_SYM_KP7] = VTERM_KEY_KP_7,
	[TERMKEY_SYM_KP8] = VTERM_KEY_KP_8,
	[TERMKEY_SYM_KP9] = VTERM_KEY_KP_9,
	[TERMKEY_SYM_KPENTER] = VTERM_KEY_KP_ENTER,
	[TERMKEY_SYM_KPPLUS] = VTERM_KEY_KP_PLUS,
	[TERMKEY_SYM_KPMINUS] = VTERM_KEY_KP_MINUS,
	[TERMKEY_SYM_KPMULT] = VTERM_KEY_KP_MULT,
	[TERMKEY_SYM_KPDIV] = VTERM_KEY_KP_DIVIDE,
	[TERMKEY_SYM_KPCOMMA] = VTERM_KEY_KP_COMMA,
	[TERMKEY_SYM_KPPERIOD] = VTERM_KEY_KP_PERIOD,
	[TERMKEY_SYM_KPEQUALS] = VTERM_KEY_KP_EQUAL,
};

/* The function keys libvterm 0.1.4 knows. */
#define FKEY_MAX 12

static VTermModifier
mods_of(int termkey_mods)
{
	VTermModifier m = VTERM_MOD_NONE;

	if (termkey_mods & TERMKEY_KEYMOD_SHIFT)
		m |= VTERM_MOD_SHIFT;
	if (termkey_mods & TERMKEY_KEYMOD_ALT)
		m |= VTERM_MOD_ALT;
	if (termkey_mods & TERMKEY_KEYMOD_CTRL)
		m |= VTERM_MOD_CTRL;
	return m;
}

static bool
send_unichar(VTerm *vt, long cp, VTermModifier mods)
{
	if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	/* libvterm writes Alt+c as ESC then c as one byte, which breaks any
	 * character past ASCII: send ESC and the character ourselves. With
	 * Ctrl too it uses CSI u, which is right. */
	if ((mods & VTERM_MOD_ALT) && !(mods & VTERM_MOD_CTRL) && cp >= 0x80) {
		vterm_keyboard_unichar(vt, 0x1b, VTERM_MOD_NONE);
		mods &= ~VTERM_MOD_ALT;
	}
	vterm_keyboard_unichar(vt, (uint32_t)cp, mods);
	return true;
}

bool
vtcon_key(struct vtcon *vc, const TermKeyKey *key)
{
	VTerm *vt = vtcon_vterm(vc);
	VTermModifier mods = mods_of(key->modifiers);
	VTermKey k;

	switch (key->type) {
	case TERMKEY_TYPE_UNICODE:
		return send_unichar(vt, key->code.codepoint, mods);
	case TERMKEY_TYPE_FUNCTION:
		if (key->code.number < 1 || key->code.number > FKEY_MAX)
			return false;
		vterm_keyboard_key(vt, VTERM_KEY_FUNCTION(key->code.number), mods);
		return true;
	case TERMKEY_TYPE_KEYSYM:
		if (key->code.sym == TERMKEY_SYM_SPACE)
			return send_unichar(vt, ' ', mods);
		if (key->code.sym <= TERMKEY_SYM_NONE || key->code.sym >= TERMKEY_N_SYMS)
			return false;
		k = sym_keys[key->code.sym];
		if (k == VTERM_KEY_NONE)
			return false;
		vterm_keyboard_key(vt, k, mods);
		return true;
	default:
		return false;
	}
}

void
vtcon_paste(struct vtcon *vc, const char *text, size_t len)
{
	VTerm *vt = vtcon_vterm(vc);
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;

	vterm_keyboard_start_paste(vt);
	while (i < len) {
		size_t n = utf8_seq_len(p + i, len - i);
		uint32_t cp;

		if (n == 0) {
			i++;
			continue;
		}
		cp = utf8_decode(p + i, n);
		i += n;
		if (cp == '\r' && i < len && p[i] == '\n')
			i++;
		if (cp == '\n' || cp == '\r')
			cp = '\r';
		else if ((cp < 0x20 && cp != '\t') || cp == 0x7f)
			continue;
		vterm_keyboard_unichar(vt, cp, VTERM_MOD_NONE);
	}
	vterm_keyboard_end_paste(vt);
}
