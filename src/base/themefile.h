/*
 * themefile.h: the colour roles of the dashboard and the parser of theme
 * files. This is the ONE list of roles: every theme in themes/ fills each
 * of them, and the dashboard draws only through them. Pure and free of
 * curses, so the parser can be fuzzed; ui/theme.c turns a parsed theme
 * into curses attributes.
 *
 * A theme file holds lines `role = FG BG [ATTR...]`; `#` starts a comment.
 * FG and BG: default, a colour name (black red green yellow blue magenta
 * cyan white, or bright-NAME), an index 0-255, or #rrggbb. ATTR: bold,
 * dim, underline, reverse, italic, standout, or none.
 */
#ifndef SANDLAB_THEMEFILE_H
#define SANDLAB_THEMEFILE_H

#include <stddef.h>

#include "util.h"

enum theme_role {
	ROLE_NORMAL,        /* text in panes */
	ROLE_BORDER,        /* frames of panes without focus */
	ROLE_BORDER_FOCUS,  /* frame of the focused pane */
	ROLE_TITLE,         /* pane titles */
	ROLE_TITLE_FOCUS,   /* title of the focused pane */
	ROLE_HEADER,        /* column headings */
	ROLE_SELECTED,      /* selected row of the focused pane */
	ROLE_SELECTED_DIM,  /* selected row of other panes */
	ROLE_DIM,           /* secondary text */
	ROLE_RUNNING,       /* node states */
	ROLE_STARTING,
	ROLE_STOPPED,
	ROLE_CRASHED,
	ROLE_STATUS,        /* the status line */
	ROLE_STATUS_KEY,    /* key names in the status line */
	ROLE_WARN,          /* warnings */
	ROLE_ERROR,         /* errors */
	ROLE_OVERLAY,       /* help, forms, confirmations */
	ROLE_FIELD,         /* an input field */
	ROLE_FIELD_FOCUS,   /* the input field being edited */
	ROLE_PROGRESS,      /* filled part of a progress bar */
	ROLE_COUNT
};

/* Attribute bits (mapped to curses by ui/theme.c). */
enum {
	THEME_BOLD = 1u << 0,
	THEME_DIM = 1u << 1,
	THEME_UNDERLINE = 1u << 2,
	THEME_REVERSE = 1u << 3,
	THEME_ITALIC = 1u << 4,
	THEME_STANDOUT = 1u << 5,
};

#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
	int      fg, bg;    /* THEME_DEFAULT_COLOR or 0-255 */
	unsigned attrs;
};

/* "normal", "border", ...; NULL out of range. */
const char *themefile_role_name(int role);

/* Parses theme text (not NUL-terminated; any bytes). Every role must be
 * given exactly once. 0, or -1 with "line N: why" in e and out unchanged
 * in part. */
int themefile_parse(const char *text, size_t len, struct theme_style out[ROLE_COUNT], struct err *e);

/* The style that stands for role on a terminal without colours: from the
 * role table, attributes only. */
struct theme_style themefile_mono(int role);

/* A colour index 0-255 as the nearest colour a terminal with ncolors
 * colours has (8, 16, 88, 256 and up, or THEMEFILE_DIRECT). On 8-colour
 * terminals a bright foreground becomes its plain colour with *bold set
 * to 1; on a direct-colour one an index from 8 up becomes its palette
 * colour as 0xRRGGBB (there, numbers below 8 are the ANSI colours). */
#define THEMEFILE_DIRECT (1 << 24)
int themefile_downsample(int idx, int ncolors, int *bold);

/* #rrggbb as the nearest index of the xterm 256-colour palette. */
int themefile_rgb_to_256(unsigned r, unsigned g, unsigned b);

#endif
