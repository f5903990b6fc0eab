/*
 * input.c: a TickitTerm used only for its input layer. The loop reads the
 * terminal itself (so it can cut pastes out first and keep its one poll)
 * and pushes the bytes here; libtickit's key and mouse events become
 * struct input_key. The TickitTerm has no file descriptors, and what its
 * driver would write (xterm's start-up queries) is dropped: ncurses owns
 * the terminal's output.
 */
#include "input.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tickit.h>

#include "sanitize.h"
#include "utf8.h"
#include "util.h"

struct input {
	TickitTerm *tt;
	input_fn   *fn;
	void       *user;
	int64_t     due;        /* mono ms when a held half sequence is due, or -1 */
};

/* libtickit's key names (libtermkey's, which it is built on). */
static const char *const input_sym_names[INPUT_N_SYMS] = {
	[INPUT_SYM_BACKSPACE] = "Backspace", [INPUT_SYM_TAB] = "Tab", [INPUT_SYM_ENTER] = "Enter",
	[INPUT_SYM_ESCAPE] = "Escape", [INPUT_SYM_SPACE] = "Space", [INPUT_SYM_DEL] = "DEL",
	[INPUT_SYM_UP] = "Up", [INPUT_SYM_DOWN] = "Down", [INPUT_SYM_LEFT] = "Left",
	[INPUT_SYM_RIGHT] = "Right", [INPUT_SYM_BEGIN] = "Begin", [INPUT_SYM_FIND] = "Find",
	[INPUT_SYM_INSERT] = "Insert", [INPUT_SYM_DELETE] = "Delete", [INPUT_SYM_SELECT] = "Select",
	[INPUT_SYM_PAGEUP] = "PageUp", [INPUT_SYM_PAGEDOWN] = "PageDown", [INPUT_SYM_HOME] = "Home",
	[INPUT_SYM_END] = "End", [INPUT_SYM_HELP] = "Help",
	[INPUT_SYM_KP0] = "KP0", [INPUT_SYM_KP1] = "KP1", [INPUT_SYM_KP2] = "KP2",
	[INPUT_SYM_KP3] = "KP3", [INPUT_SYM_KP4] = "KP4", [INPUT_SYM_KP5] = "KP5",
	[INPUT_SYM_KP6] = "KP6", [INPUT_SYM_KP7] = "KP7", [INPUT_SYM_KP8] = "KP8",
	[INPUT_SYM_KP9] = "KP9", [INPUT_SYM_KPENTER] = "KPEnter", [INPUT_SYM_KPPLUS] = "KPPlus",
	[INPUT_SYM_KPMINUS] = "KPMinus", [INPUT_SYM_KPMULT] = "KPMult", [INPUT_SYM_KPDIV] = "KPDiv",
	[INPUT_SYM_KPCOMMA] = "KPComma", [INPUT_SYM_KPPERIOD] = "KPPeriod",
	[INPUT_SYM_KPEQUALS] = "KPEquals",
};

/* One character, the whole of s: its code point, else -1. */
static long
input_one_char(const char *s)
{
	size_t len = strlen(s), n;

	if (len == 0)
		return -1;
	n = utf8_seq_len((const unsigned char *)s, len);
	if (n == 0 || n != len)
		return -1;
	return (long)utf8_decode((const unsigned char *)s, n);
}

/* The key part of a name, after its modifiers. */
static int
input_base_parse(const char *s, struct input_key *k)
{
	long cp = input_one_char(s);

	if (cp >= 0) {
		k->type = INPUT_TYPE_UNICODE;
		k->code.codepoint = cp;
		return 0;
	}
	if (s[0] == 'F' && s[1] >= '1' && s[1] <= '9' && strspn(s + 1, "0123456789") == strlen(s + 1) &&
	    strlen(s + 1) <= 2) {
		k->type = INPUT_TYPE_FUNCTION;
		k->code.number = (int)strtol(s + 1, NULL, 10);
		return 0;
	}
	for (int i = INPUT_SYM_NONE + 1; i < INPUT_N_SYMS; i++)
		if (strcmp(s, input_sym_names[i]) == 0) {
			k->type = INPUT_TYPE_KEYSYM;
			k->code.sym = (enum input_sym)i;
			return 0;
		}
	return -1;
}

int
input_key_parse(const char *name, struct input_key *k)
{
	const char *s = name;

	memset(k, 0, sizeof *k);
	/* Modifier prefixes, as libtermkey wrote them (A- for Alt) and as
	 * libtickit does (M-); a prefix needs a key after it ("C--"). */
	while (s[0] && s[1] == '-' && s[2]) {
		if (s[0] == 'S')
			k->modifiers |= INPUT_MOD_SHIFT;
		else if (s[0] == 'C')
			k->modifiers |= INPUT_MOD_CTRL;
		else if (s[0] == 'M' || s[0] == 'A')
			k->modifiers |= INPUT_MOD_ALT;
		else
			break;
		s += 2;
	}
	if (input_base_parse(s, k) != 0) {
		memset(k, 0, sizeof *k);
		return -1;
	}
	return 0;
}

int
input_key_equal(const struct input_key *a, const struct input_key *b)
{
	if (a->type != b->type || a->modifiers != b->modifiers)
		return 0;
	switch (a->type) {
	case INPUT_TYPE_UNICODE:
		return a->code.codepoint == b->code.codepoint;
	case INPUT_TYPE_FUNCTION:
		return a->code.number == b->code.number;
	case INPUT_TYPE_KEYSYM:
		return a->code.sym == b->code.sym;
	default:
		return 0;
	}
}

static int
input_on_key(TickitTerm *tt, TickitEventFlags flags, void *info, void *user)
{
	const TickitKeyEventInfo *ki = info;
	struct input *in = user;
	struct input_key k;

	(void)tt;
	if (!(flags & TICKIT_EV_FIRE))
		return 0;
	if (ki->type == TICKIT_KEYEV_TEXT) {
		memset(&k, 0, sizeof k);
		k.type = INPUT_TYPE_UNICODE;
		k.code.codepoint = input_one_char(ki->str);
		k.modifiers = ki->mod;
		if (k.code.codepoint < 0)
			return 1;
	} else {
		/* "C-Left", "M-x", "S-Tab", "F5": the same names users write. */
		if (input_key_parse(ki->str, &k) != 0)
			return 1;
		k.modifiers = ki->mod;
	}
	in->fn(in->user, &k);
	return 1;
}

static int
input_on_mouse(TickitTerm *tt, TickitEventFlags flags, void *info, void *user)
{
	const TickitMouseEventInfo *mi = info;
	struct input *in = user;
	struct input_key k;

	(void)tt;
	if (!(flags & TICKIT_EV_FIRE))
		return 0;
	memset(&k, 0, sizeof k);
	k.type = INPUT_TYPE_MOUSE;
	k.modifiers = mi->mod;
	switch (mi->type) {
	case TICKIT_MOUSEEV_PRESS: k.mouse.ev = INPUT_MOUSE_PRESS; break;
	case TICKIT_MOUSEEV_DRAG: k.mouse.ev = INPUT_MOUSE_DRAG; break;
	case TICKIT_MOUSEEV_RELEASE: k.mouse.ev = INPUT_MOUSE_RELEASE; break;
	case TICKIT_MOUSEEV_WHEEL: k.mouse.ev = INPUT_MOUSE_WHEEL; break;
	default: return 1;
	}
	k.mouse.button = mi->button;
	k.mouse.line = mi->line;
	k.mouse.col = mi->col;
	in->fn(in->user, &k);
	return 1;
}

static void
input_discard(TickitTerm *tt, const char *bytes, size_t len, void *user)
{
	(void)tt;
	(void)bytes;
	(void)len;
	(void)user;
}

/* What libtickit reads from terminfo, amended. key_mouse is hidden:
 * xterm-256color's terminfo says kmous=\E[<, and with it an SGR mouse
 * report (ESC [ <) is taken for an old-style one and misread (as
 * libtermkey did). A missing output string is given as empty: libtickit
 * 0.4.3 aborts when a terminfo entry lacks one it requires (vt100 has no
 * parm_ich, dumb no cursor_address), and this TickitTerm writes nothing. */
static const char *
input_terminfo_hook(const char *name, const char *value, void *data)
{
	(void)data;
	if (strcmp(name, "key_mouse") == 0)
		return NULL;
	if (value == NULL && strncmp(name, "key_", 4) != 0)
		return "";
	return value;
}

static TickitTerm *
input_term(const char *term)
{
	static const struct TickitTerminfoHook hook = { input_terminfo_hook, NULL };
	struct TickitTermBuilder b;

	memset(&b, 0, sizeof b);
	b.termtype = term;
	b.open = TICKIT_NO_OPEN;
	b.output_func = input_discard;
	b.ti_hook = &hook;
	return tickit_term_build(&b);
}

struct input *
input_new(const char *term, input_fn *fn, void *user)
{
	struct input *in = xmalloc(sizeof *in);

	/* A terminal with no terminfo entry here: keys as xterm sends them
	 * (libtermkey decoded CSI and SS3 keys without terminfo too). */
	in->tt = input_term(term ? term : "xterm");
	if (in->tt == NULL)
		in->tt = input_term("xterm");
	if (in->tt == NULL) {
		free(in);
		return NULL;
	}
	in->fn = fn;
	in->user = user;
	in->due = -1;
	tickit_term_set_utf8(in->tt, true);
	tickit_term_bind_event(in->tt, TICKIT_TERM_ON_KEY, 0, input_on_key, in);
	tickit_term_bind_event(in->tt, TICKIT_TERM_ON_MOUSE, 0, input_on_mouse, in);
	return in;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	tickit_term_unref(in->tt);
	free(in);
}

/* Asks libtickit for the held sequence's wait time (delivering it if the
 * time is over) and remembers when it ends. */
static void
input_due_update(struct input *in)
{
	int ms = tickit_term_input_check_timeout_msec(in->tt);

	in->due = ms < 0 ? -1 : mono_ms() + ms;
}

void
input_push(struct input *in, const char *bytes, size_t n)
{
	tickit_term_input_push_bytes(in->tt, bytes, n);
	input_due_update(in);
}

int
input_timeout(const struct input *in)
{
	int64_t now;

	if (in->due < 0)
		return -1;
	now = mono_ms();
	return in->due <= now ? 0 : (int)(in->due - now);
}

void
input_check(struct input *in)
{
	if (in->due >= 0)
		input_due_update(in);
}
