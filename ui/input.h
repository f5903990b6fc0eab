/*
 * input.h: the user's keys and mouse, decoded by libtickit's terminal
 * input layer from bytes the loop reads itself, as the dashboard's own
 * key struct; and key names (the key table, the config's console_escape)
 * parsed into the same struct. Nothing else includes tickit.h. Pastes are
 * cut out of the bytes before they get here (libtickit 0.4 has no paste
 * event; it swallows the markers).
 */
#ifndef SANDLAB_INPUT_H
#define SANDLAB_INPUT_H

#include <stddef.h>

enum input_type {
	INPUT_TYPE_UNICODE,    /* code.codepoint */
	INPUT_TYPE_FUNCTION,   /* code.number: F1 is 1 */
	INPUT_TYPE_KEYSYM,     /* code.sym */
	INPUT_TYPE_MOUSE,      /* mouse */
};

/* The named keys a terminal sends, and a few it may; libtickit's names. */
enum input_sym {
	INPUT_SYM_NONE,
	INPUT_SYM_BACKSPACE, INPUT_SYM_TAB, INPUT_SYM_ENTER, INPUT_SYM_ESCAPE,
	INPUT_SYM_SPACE, INPUT_SYM_DEL,
	INPUT_SYM_UP, INPUT_SYM_DOWN, INPUT_SYM_LEFT, INPUT_SYM_RIGHT, INPUT_SYM_BEGIN,
	INPUT_SYM_FIND, INPUT_SYM_INSERT, INPUT_SYM_DELETE, INPUT_SYM_SELECT,
	INPUT_SYM_PAGEUP, INPUT_SYM_PAGEDOWN, INPUT_SYM_HOME, INPUT_SYM_END, INPUT_SYM_HELP,
	INPUT_SYM_KP0, INPUT_SYM_KP1, INPUT_SYM_KP2, INPUT_SYM_KP3, INPUT_SYM_KP4,
	INPUT_SYM_KP5, INPUT_SYM_KP6, INPUT_SYM_KP7, INPUT_SYM_KP8, INPUT_SYM_KP9,
	INPUT_SYM_KPENTER, INPUT_SYM_KPPLUS, INPUT_SYM_KPMINUS, INPUT_SYM_KPMULT,
	INPUT_SYM_KPDIV, INPUT_SYM_KPCOMMA, INPUT_SYM_KPPERIOD, INPUT_SYM_KPEQUALS,
	INPUT_N_SYMS
};

/* Modifier bits (libtickit's values). */
#define INPUT_MOD_SHIFT 0x01
#define INPUT_MOD_ALT   0x02
#define INPUT_MOD_CTRL  0x04

enum input_mouse_ev { INPUT_MOUSE_PRESS, INPUT_MOUSE_DRAG, INPUT_MOUSE_RELEASE, INPUT_MOUSE_WHEEL };
enum { INPUT_WHEEL_UP = 1, INPUT_WHEEL_DOWN = 2 };   /* mouse.button of a wheel event */

struct input_key {
	enum input_type type;
	union {
		long           codepoint;
		int            number;
		enum input_sym sym;
	} code;
	int modifiers;          /* INPUT_MOD_* */
	struct {
		enum input_mouse_ev ev;
		int button;     /* 1 left, 2 middle, 3 right; INPUT_WHEEL_* */
		int line, col;  /* from 0 */
	} mouse;
};

struct input;

/* Called for each key or mouse event, in order, during input_push or
 * input_check. */
typedef void input_fn(void *user, const struct input_key *k);

/* An input decoder for terminal type term (NULL, or a type with no
 * terminfo entry here: "xterm"). Returns NULL if libtickit cannot make
 * one. Writes nothing to the terminal. */
struct input *input_new(const char *term, input_fn *fn, void *user);
void input_free(struct input *in);

/* Decodes n bytes read from the terminal; a sequence cut short (a lone
 * ESC, or the start of one split across reads) is kept for the next call
 * or until its wait time ends. */
void input_push(struct input *in, const char *bytes, size_t n);

/* Milliseconds until a held half sequence must be taken as keys (0: now),
 * or -1 when nothing is held. Delivers nothing. */
int input_timeout(const struct input *in);

/* Delivers a held half sequence whose wait time is over (a lone ESC
 * becomes Escape); does nothing otherwise. */
void input_check(struct input *in);

/* Parses a key name as users write it ("C-]", "M-x", "S-Tab", "F5",
 * "PageUp", "q"). Returns 0, or -1 (k zeroed) if name is not one key. */
int input_key_parse(const char *name, struct input_key *k);

/* Whether two keys (not mouse events) are the same key. */
int input_key_equal(const struct input_key *a, const struct input_key *b);

#endif
