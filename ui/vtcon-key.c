/*
 * vtcon-key.c: input keys to guest bytes through libvterm's keyboard
 * functions, which know the modes the guest set. This file only chooses
 * which libvterm key an input key is, and works around the one place
 * where libvterm 0.1.4 encodes wrongly (Alt with a non-ASCII character).
 */
#include "vtcon-key.h"

#include "sanitize.h"
#include "utf8.h"

/* Named keys a terminal sends, as libvterm keys; 0: none. Find and
 * Select are Home and End on the keypads that have them. */
static const VTermKey sym_keys[INPUT_N_SYMS] = {
	[INPUT_SYM_BACKSPACE] = VTERM_KEY_BACKSPACE,
	/* a terminal's Backspace sends DEL unless told otherwise; both mean
	 * "erase left", which libvterm encodes as DEL */
	[INPUT_SYM_DEL] = VTERM_KEY_BACKSPACE,
	[INPUT_SYM_TAB] = VTERM_KEY_TAB,
	[INPUT_SYM_ENTER] = VTERM_KEY_ENTER,
	[INPUT_SYM_ESCAPE] = VTERM_KEY_ESCAPE,
	[INPUT_SYM_UP] = VTERM_KEY_UP,
	[INPUT_SYM_DOWN] = VTERM_KEY_DOWN,
	[INPUT_SYM_LEFT] = VTERM_KEY_LEFT,
	[INPUT_SYM_RIGHT] = VTERM_KEY_RIGHT,
	[INPUT_SYM_INSERT] = VTERM_KEY_INS,
	[INPUT_SYM_DELETE] = VTERM_KEY_DEL,
	[INPUT_SYM_HOME] = VTERM_KEY_HOME,
	[INPUT_SYM_FIND] = VTERM_KEY_HOME,
	[INPUT_SYM_END] = VTERM_KEY_END,
	[INPUT_SYM_SELECT] = VTERM_KEY_END,
	[INPUT_SYM_PAGEUP] = VTERM_KEY_PAGEUP,
	[INPUT_SYM_PAGEDOWN] = VTERM_KEY_PAGEDOWN,
	[INPUT_SYM_KP0] = VTERM_KEY_KP_0,
	[INPUT_SYM_KP1] = VTERM_KEY_KP_1,
	[INPUT_SYM_KP2] = VTERM_KEY_KP_2,
	[INPUT_SYM_KP3] = VTERM_KEY_KP_3,
	[INPUT_SYM_KP4] = VTERM_KEY_KP_4,
	[INPUT_SYM_KP5] = VTERM_KEY_KP_5,
	[INPUT_SYM_KP6] = VTERM_KEY_KP_6,
	[INPUT_SYM_KP7] = VTERM_KEY_KP_7,
	[INPUT_SYM_KP8] = VTERM_KEY_KP_8,
	[INPUT_SYM_KP9] = VTERM_KEY_KP_9,
	[INPUT_SYM_KPENTER] = VTERM_KEY_KP_ENTER,
	[INPUT_SYM_KPPLUS] = VTERM_KEY_KP_PLUS,
	[INPUT_SYM_KPMINUS] = VTERM_KEY_KP_MINUS,
	[INPUT_SYM_KPMULT] = VTERM_KEY_KP_MULT,
	[INPUT_SYM_KPDIV] = VTERM_KEY_KP_DIVIDE,
	[INPUT_SYM_KPCOMMA] = VTERM_KEY_KP_COMMA,
	[INPUT_SYM_KPPERIOD] = VTERM_KEY_KP_PERIOD,
	[INPUT_SYM_KPEQUALS] = VTERM_KEY_KP_EQUAL,
};

/* The function keys libvterm 0.1.4 knows. */
#define FKEY_MAX 12

static VTermModifier
mods_of(int input_mods)
{
	VTermModifier m = VTERM_MOD_NONE;

	if (input_mods & INPUT_MOD_SHIFT)
		m |= VTERM_MOD_SHIFT;
	if (input_mods & INPUT_MOD_ALT)
		m |= VTERM_MOD_ALT;
	if (input_mods & INPUT_MOD_CTRL)
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
vtcon_key(struct vtcon *vc, const struct input_key *key)
{
	VTerm *vt = vtcon_vterm(vc);
	VTermModifier mods = mods_of(key->modifiers);
	VTermKey k;

	switch (key->type) {
	case INPUT_TYPE_UNICODE:
		return send_unichar(vt, key->code.codepoint, mods);
	case INPUT_TYPE_FUNCTION:
		if (key->code.number < 1 || key->code.number > FKEY_MAX)
			return false;
		vterm_keyboard_key(vt, VTERM_KEY_FUNCTION(key->code.number), mods);
		return true;
	case INPUT_TYPE_KEYSYM:
		if (key->code.sym == INPUT_SYM_SPACE)
			return send_unichar(vt, ' ', mods);
		if (key->code.sym <= INPUT_SYM_NONE || key->code.sym >= INPUT_N_SYMS)
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
