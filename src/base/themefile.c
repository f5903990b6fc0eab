/*
 * themefile.c: the role table and the theme file parser. Reads only the
 * bytes it is given; knows nothing of curses or of where themes live.
 */
#include "themefile.h"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The role table: name, and the attributes that carry the role's meaning
 * when there is no colour (NO_COLOR, monochrome terminals). */
static const struct {
	const char *name;
	unsigned    mono;
} themefile_roles[ROLE_COUNT] = {
	[ROLE_NORMAL]       = { "normal", 0 },
	[ROLE_BORDER]       = { "border", 0 },
	[ROLE_BORDER_FOCUS] = { "border_focus", THEME_BOLD },
	[ROLE_TITLE]        = { "title", 0 },
	[ROLE_TITLE_FOCUS]  = { "title_focus", THEME_BOLD | THEME_REVERSE },
	[ROLE_HEADER]       = { "header", THEME_UNDERLINE },
	[ROLE_SELECTED]     = { "selected", THEME_REVERSE },
	[ROLE_SELECTED_DIM] = { "selected_dim", THEME_UNDERLINE },
	[ROLE_DIM]          = { "dim", THEME_DIM },
	[ROLE_RUNNING]      = { "running", THEME_BOLD },
	[ROLE_STARTING]     = { "starting", 0 },
	[ROLE_STOPPED]      = { "stopped", THEME_DIM },
	[ROLE_CRASHED]      = { "crashed", THEME_BOLD | THEME_UNDERLINE },
	[ROLE_STATUS]       = { "status", THEME_REVERSE },
	[ROLE_STATUS_KEY]   = { "status_key", THEME_REVERSE | THEME_BOLD },
	[ROLE_WARN]         = { "warn", THEME_BOLD },
	[ROLE_ERROR]        = { "error", THEME_BOLD | THEME_REVERSE },
	[ROLE_OVERLAY]      = { "overlay", 0 },
	[ROLE_FIELD]        = { "field", THEME_UNDERLINE },
	[ROLE_FIELD_FOCUS]  = { "field_focus", THEME_REVERSE },
	[ROLE_PROGRESS]     = { "progress", THEME_REVERSE },
};

static const char *const themefile_colors[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	unsigned    bit;
} themefile_attrs[] = {
	{ "bold", THEME_BOLD }, { "dim", THEME_DIM }, { "underline", THEME_UNDERLINE },
	{ "reverse", THEME_REVERSE }, { "italic", THEME_ITALIC }, { "standout", THEME_STANDOUT },
	{ "none", 0 },
};

const char *
themefile_role_name(int role)
{
	if (role < 0 || role >= ROLE_COUNT)
		return NULL;
	return themefile_roles[role].name;
}

struct theme_style
themefile_mono(int role)
{
	struct theme_style s = { THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };

	if (role >= 0 && role < ROLE_COUNT)
		s.attrs = themefile_roles[role].mono;
	return s;
}

/* The xterm palette, as RGB. */
static void
themefile_palette(int idx, int rgb[3])
{
	static const int base[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (idx < 16) {
		memcpy(rgb, base[idx], sizeof base[idx]);
	} else if (idx < 232) {
		idx -= 16;
		rgb[0] = level[idx / 36];
		rgb[1] = level[(idx / 6) % 6];
		rgb[2] = level[idx % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (idx - 232);
	}
}

/* Index in [first, last] nearest to rgb. */
static int
themefile_nearest(const int rgb[3], int first, int last)
{
	long best_d = -1;
	int best = first;

	for (int i = first; i <= last; i++) {
		int p[3];
		long d = 0;

		themefile_palette(i, p);
		for (int k = 0; k < 3; k++)
			d += (long)(p[k] - rgb[k]) * (p[k] - rgb[k]);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

int
themefile_rgb_to_256(unsigned r, unsigned g, unsigned b)
{
	int rgb[3] = { (int)(r & 255), (int)(g & 255), (int)(b & 255) };

	return themefile_nearest(rgb, 16, 255);
}

int
themefile_downsample(int idx, int ncolors, int *bold)
{
	int rgb[3];

	*bold = 0;
	if (idx < 0)
		return THEME_DEFAULT_COLOR;
	if (idx > 255)
		idx = 255;
	if (ncolors >= THEMEFILE_DIRECT && idx >= 8) {
		int n;
		themefile_palette(idx, rgb);
		n = rgb[0] << 16 | rgb[1] << 8 | rgb[2];
		return n < 8 ? 0 : n;
	}
	if (ncolors < 256 && idx >= 16) {
		themefile_palette(idx, rgb);
		idx = themefile_nearest(rgb, 0, 15);
	}
	if (ncolors < 16 && idx >= 8) {
		*bold = 1;
		idx -= 8;
	}
	return idx;
}

static int
themefile_color(const char *w, int *out)
{
	unsigned r, g, b;
	long n;

	if (strcasecmp(w, "default") == 0) {
		*out = THEME_DEFAULT_COLOR;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (strcasecmp(w, themefile_colors[i]) == 0) {
			*out = i;
			return 0;
		}
		if (strncasecmp(w, "bright-", 7) == 0 && strcasecmp(w + 7, themefile_colors[i]) == 0) {
			*out = i + 8;
			return 0;
		}
	}
	if (w[0] == '#' && strlen(w) == 7 && strspn(w + 1, "0123456789abcdefABCDEF") == 6 &&
	    sscanf(w + 1, "%2x%2x%2x", &r, &g, &b) == 3) {
		*out = themefile_rgb_to_256(r, g, b);
		return 0;
	}
	/* Plain decimal, as every number sandlab reads. */
	if (w[0] != '-' && parse_int(w, 0, 255, &n) == 0) {
		*out = (int)n;
		return 0;
	}
	return -1;
}

/* Splits one line (NUL-free, terminated) into words; returns the count,
 * or -1 when there are more than max. */
static int
themefile_words(char *line, char **w, int max)
{
	int n = 0;

	for (char *tok = strtok(line, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
		if (n == max)
			return -1;
		w[n++] = tok;
	}
	return n;
}

/* Parses one line into out/seen; -1 with a reason in why. */
static int
themefile_line(char *line, struct theme_style *out, int *seen, char *why, size_t whylen)
{
	char *w[256];
	struct theme_style s = { 0 };
	int n, role = -1;

	n = themefile_words(line, w, 256);
	if (n < 0) {
		snprintf(why, whylen, "too many words");
		return -1;
	}
	/* A word starting with '#' begins a comment, unless it is #rrggbb. */
	for (int i = 0; i < n; i++)
		if (w[i][0] == '#' && !(strlen(w[i]) == 7 && strspn(w[i] + 1, "0123456789abcdefABCDEF") == 6)) {
			n = i;
			break;
		}
	if (n == 0)
		return 0;
	if (n < 4 || strcmp(w[1], "=") != 0) {
		snprintf(why, whylen, "expected \"role = FG BG [ATTR...]\"");
		return -1;
	}
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(w[0], themefile_roles[i].name) == 0)
			role = i;
	if (role < 0) {
		char shown[40];
		snprintf(shown, sizeof shown, "%.32s", w[0]);
		for (char *p = shown; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				*p = '?';
		snprintf(why, whylen, "unknown role \"%s\"", shown);
		return -1;
	}
	if (seen[role]) {
		snprintf(why, whylen, "role %s is given twice", themefile_roles[role].name);
		return -1;
	}
	if (themefile_color(w[2], &s.fg) != 0 || themefile_color(w[3], &s.bg) != 0) {
		snprintf(why, whylen, "bad colour for %s (use default, a name like red or "
		    "bright-blue, 0-255, or #rrggbb)", themefile_roles[role].name);
		return -1;
	}
	for (int i = 4; i < n; i++) {
		size_t k;
		for (k = 0; k < sizeof themefile_attrs / sizeof themefile_attrs[0]; k++)
			if (strcasecmp(w[i], themefile_attrs[k].name) == 0)
				break;
		if (k == sizeof themefile_attrs / sizeof themefile_attrs[0]) {
			snprintf(why, whylen, "bad attribute for %s (use bold, dim, underline, "
			    "reverse, italic, standout or none)", themefile_roles[role].name);
			return -1;
		}
		s.attrs |= themefile_attrs[k].bit;
	}
	out[role] = s;
	seen[role] = 1;
	return 0;
}

struct themefile_state {
	struct theme_style *out;
	int                 seen[ROLE_COUNT];
};

static int
themefile_line_cb(char *line, void *arg, char *why, size_t whylen)
{
	struct themefile_state *st = arg;

	return themefile_line(line, st->out, st->seen, why, whylen);
}

int
themefile_parse(const char *text, size_t len, struct theme_style out[ROLE_COUNT], struct err *e)
{
	struct themefile_state st = { .out = out };

	if (config_lines(text, len, themefile_line_cb, &st, e) != 0)
		return -1;
	for (int i = 0; i < ROLE_COUNT; i++)
		if (!st.seen[i])
			return err_set(e, "role %s is missing (a theme gives every role)",
			    themefile_roles[i].name);
	return 0;
}
