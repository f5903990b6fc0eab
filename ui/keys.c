/*
 * keys.c: the key table and what reads it: dispatch, help, hints. To add
 * a key, add a row here; nothing else lists keys.
 */
#include "keys.h"

#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "action-console.h"
#include "app.h"
#include "draw.h"
#include "find.h"
#include "guard.h"
#include "netview.h"
#include "modal.h"
#include "theme.h"
#include "util.h"

#define KCTX_NODE (KCTX_NODES | KCTX_CONSOLE)   /* a node is the subject */
#define KCTX_NETVIEW (KCTX_LINKS | KCTX_MAP)   /* either network view */

static const struct key_row keys_table[] = {
	{ "?",            KCTX_GLOBAL,  action_help,        "help",   "show this help (Esc closes it)" },
	{ "q",            KCTX_GLOBAL,  action_quit,        "quit",   "quit the dashboard (nodes keep running)" },
	{ "Tab l Right",  KCTX_GLOBAL,  action_focus_next,  NULL,     "focus the next pane" },
	{ "S-Tab h Left", KCTX_GLOBAL,  action_focus_prev,  NULL,     "focus the previous pane" },
	{ "Up k",         KCTX_LIST,    action_up,          NULL,     "select the previous row" },
	{ "Down j",       KCTX_LIST,    action_down,        NULL,     "select the next row" },
	{ "PageUp",       KCTX_LIST,    action_page_up,     NULL,     "a page up" },
	{ "PageDown",     KCTX_LIST,    action_page_down,   NULL,     "a page down" },
	{ "Home g",       KCTX_LIST,    action_top,         NULL,     "the first row" },
	{ "End G",        KCTX_LIST,    action_bottom,      NULL,     "the last row" },
	{ "Enter",        KCTX_NODES,   action_console_open, "console", "open the node's console; type into it if it runs" },
	{ "Enter",        KCTX_CONSOLE, action_console_enter, "type", "type into this console" },
	{ "Enter",        KCTX_IMAGES,  action_create,      NULL,     "create a node from this image" },
	{ "s",            KCTX_NODE,    action_start,       "start",  "start the node" },
	{ "S",            KCTX_NODE,    action_stop,        "stop",   "stop the node (ACPI powerdown, then harder)" },
	{ "X",            KCTX_NODE,    action_kill,        NULL,     "kill the node's QEMU at once (asks first)" },
	{ "e",            KCTX_NODE,    action_edit,        NULL,     "edit the node: name, RAM, CPUs, NICs, accelerator, machine" },
	{ "D",            KCTX_NODES,   action_delete_node, NULL,     "delete the node and its disk (asks first)" },
	{ "/",            KCTX_NODES,   find_open,          NULL,     "find a node by part of its name (Down: the next one)" },
	{ "D",            KCTX_IMAGES,  action_delete_image, NULL,    "delete the image (asks first; not while nodes use it)" },
	{ "c",            KCTX_GLOBAL,  action_create,      "create", "create a node" },
	{ "i",            KCTX_GLOBAL,  action_import,      "import", "import a disk image" },
	{ "z",            KCTX_CONSOLE, action_console_zoom, "zoom",  "zoom this console to the whole screen, and back" },
	{ "x",            KCTX_CONSOLE, action_console_close, "close", "close this console pane (the node keeps running)" },
	{ "b",            KCTX_CONSOLE, action_console_mark, "mark", "broadcast: mark or unmark; typing goes to all marked" },
	{ "B",            KCTX_GLOBAL,  action_console_mark_all, NULL, "mark all open consoles for broadcast; again unmarks" },
	{ "PageUp",       KCTX_CONSOLE, action_console_page_up, NULL, "scroll back a page (the wheel scrolls too)" },
	{ "PageDown",     KCTX_CONSOLE, action_console_page_down, NULL, "scroll forward a page" },
	{ "Up k",         KCTX_CONSOLE, action_console_line_up, NULL, "scroll back a line" },
	{ "Down j",       KCTX_CONSOLE, action_console_line_down, NULL, "scroll forward a line" },
	{ "End G",        KCTX_CONSOLE, action_console_scroll_end, NULL, "back to the live screen and the cursor" },
	{ "K S-Up",       KCTX_CONSOLE, action_console_pan_up, NULL, "pan up a guest screen larger than its tile" },
	{ "J S-Down",     KCTX_CONSOLE, action_console_pan_down, NULL, "pan down (typing or End follows the cursor again)" },
	{ "H S-Left",     KCTX_CONSOLE, action_console_pan_left, NULL, "pan left" },
	{ "L S-Right",    KCTX_CONSOLE, action_console_pan_right, NULL, "pan right" },
	{ "t",            KCTX_CONSOLE, action_console_stty, "stty", "tell the guest the tile's size (types stty rows R cols C)" },
	{ "C-l",          KCTX_GLOBAL,  action_redraw,      NULL,     "redraw the screen" },
	{ "n",            KCTX_GLOBAL,  action_links,       "links",  "the links between nodes: add and remove them" },
	{ "m",            KCTX_GLOBAL,  action_map,         "map",    "a map of the lab: nodes, their NICs and links" },
	{ "a",            KCTX_GLOBAL,  action_start_all,   NULL,     "start every stopped node" },
	{ "A",            KCTX_GLOBAL,  action_stop_all,    NULL,     "stop every running node (asks first)" },
	{ "a",            KCTX_LINKS,   action_link_add,    "add",    "add a link between two free NICs of two nodes" },
	{ "D",            KCTX_LINKS,   action_link_remove, "remove", "remove the selected link (asks first)" },
	{ "u",            KCTX_LINKS,   action_link_cable,  "cable",  "pull the selected link's cable, or plug it back" },
	{ "i",            KCTX_LINKS,   action_link_impair, "impair", "delay, jitter, loss, rate, duplicate, corrupt frames" },
	{ "w",            KCTX_LINKS,   action_link_capture_a, "capture", "capture end A to captures/ (pcap); again stops it" },
	{ "W",            KCTX_LINKS,   action_link_capture_b, NULL,  "capture end B to captures/; again stops it" },
	{ "m",            KCTX_LINKS,   action_map,         "map",    "switch to the map" },
	{ "n",            KCTX_MAP,     action_links,       "links",  "switch to the links view" },
	{ "Up k",         KCTX_NETVIEW, action_netview_up,  NULL,     "select the previous link, or scroll the map up" },
	{ "Down j",       KCTX_NETVIEW, action_netview_down, NULL,    "select the next link, or scroll the map down" },
	{ "PageUp",       KCTX_NETVIEW, action_netview_page_up, NULL, "ten rows up" },
	{ "PageDown",     KCTX_NETVIEW, action_netview_page_down, NULL, "ten rows down" },
	{ "Escape q",     KCTX_NETVIEW, action_netview_close, "close", "close the view" },
	{ NULL,           KCTX_ENTERED, action_console_leave, "leave", "leave the console (every other key goes to the guest)" },
};

#define KEYS_N (sizeof keys_table / sizeof keys_table[0])
#define KEYS_PER_ROW 4

/* Parsed keys of each row. */
static struct input_key keys_parsed[KEYS_N][KEYS_PER_ROW];
static int keys_nparsed[KEYS_N];

static const struct {
	unsigned    ctx;
	const char *title;
} keys_sections[] = {
	{ KCTX_GLOBAL, "Anywhere" },
	{ KCTX_LIST, "In a list" },
	{ KCTX_NODES, "In the node list" },
	{ KCTX_NODES | KCTX_CONSOLE, "On a node (in the node list or on its console)" },
	{ KCTX_IMAGES, "In the image list" },
	{ KCTX_CONSOLE, "On a console pane" },
	{ KCTX_ENTERED, "Inside a console" },
	{ KCTX_LINKS, "In the links view" },
	{ KCTX_MAP, "On the map" },
	{ KCTX_NETVIEW, "In the links view or on the map" },
};

void
keys_init(void)
{
	for (size_t i = 0; i < KEYS_N; i++) {
		char *copy, *save = NULL;

		size_t s;

		/* Every row must show up in the help: its context is a section. */
		for (s = 0; s < sizeof keys_sections / sizeof keys_sections[0]; s++)
			if (keys_sections[s].ctx == keys_table[i].ctx)
				break;
		if (s == sizeof keys_sections / sizeof keys_sections[0])
			fatal("key table: row %zu has a context with no help section", i);
		keys_nparsed[i] = 0;
		if (keys_table[i].keys == NULL)
			continue;
		copy = xstrdup(keys_table[i].keys);
		for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			struct input_key k;

			if (input_key_parse(t, &k) != 0)
				fatal("key table: cannot parse key name \"%s\"", t);
			if (keys_nparsed[i] == KEYS_PER_ROW)
				fatal("key table: too many keys in \"%s\"", keys_table[i].keys);
			keys_parsed[i][keys_nparsed[i]++] = k;
		}
		free(copy);
	}
}

unsigned
keys_context(const struct app *a)
{
	unsigned net = netview_context(a);

	if (net != 0)
		return net;
	if (a->entered)
		return KCTX_ENTERED;
	if (a->focus == a->images)
		return KCTX_GLOBAL | KCTX_LIST | KCTX_IMAGES;
	if (a->focus == a->nodes)
		return KCTX_GLOBAL | KCTX_LIST | KCTX_NODES;
	for (size_t i = 0; i < a->nconsoles; i++)
		if (a->focus == a->consoles[i])
			return KCTX_GLOBAL | KCTX_CONSOLE;
	return KCTX_GLOBAL;
}

/* A row applies when one of its contexts is current. */
static int
keys_row_applies(size_t i, unsigned ctx)
{
	return (keys_table[i].ctx & ctx) != 0;
}

/* Hints offered only while the subject node (action_node) is stopped
 * (live 0) or live (1), so a running node's line says stop and a stopped
 * one's start at every width; the keys themselves work (or say why not)
 * in any state. */
static const struct {
	void (*fn)(struct app *a);
	int   live;
} keys_when[] = {
	{ action_start, 0 },
	{ action_stop, 1 },
};

/* Row i's hint fits the subject node's state (no node: any state). */
static int
keys_row_when(size_t i, const struct model_node *mn)
{
	for (size_t j = 0; mn && j < sizeof keys_when / sizeof keys_when[0]; j++)
		if (keys_when[j].fn == keys_table[i].fn)
			return guard_live(mn) == keys_when[j].live;
	return 1;
}

int
keys_dispatch(struct app *a, const struct input_key *k)
{
	unsigned ctx = keys_context(a);

	for (size_t i = 0; i < KEYS_N; i++) {
		if (!keys_row_applies(i, ctx))
			continue;
		if (keys_table[i].keys == NULL) {
			if (input_key_equal(k, &a->escape_key)) {
				keys_table[i].fn(a);
				return 1;
			}
			continue;
		}
		/* The first row that applies wins: where a key means different
		 * things (Enter, D), each row's context tells them apart. */
		for (int j = 0; j < keys_nparsed[i]; j++)
			if (input_key_equal(k, &keys_parsed[i][j])) {
				keys_table[i].fn(a);
				return 1;
			}
	}
	return 0;
}

/* "Up/k" from "Up k". */
static void
keys_label(size_t i, const char *escape_name, char *buf, size_t len)
{
	const char *src = keys_table[i].keys ? keys_table[i].keys : escape_name;
	size_t n = 0;

	for (; *src && n + 1 < len; src++)
		buf[n++] = *src == ' ' ? '/' : *src;
	buf[n] = '\0';
}

int
keys_draw_hints(const struct app *a, WINDOW *win, int y, int x, int w)
{
	unsigned ctx = keys_context(a);
	const struct model_node *subject = action_node(a);
	int used = 0;

	for (size_t i = 0; i < KEYS_N; i++) {
		char label[64], *slash;
		int need;

		if (keys_table[i].hint == NULL || !keys_row_applies(i, ctx) ||
		    !keys_row_when(i, subject))
			continue;
		keys_label(i, a->escape_name, label, sizeof label);
		if ((slash = strchr(label, '/')) != NULL)
			*slash = '\0';      /* the first key is enough in a hint */
		need = draw_width(label) + 1 + draw_width(keys_table[i].hint) + 2;
		if (used + need > w)
			break;
		used += draw_text(win, y, x + used, w - used, label, theme_attr(ROLE_STATUS_KEY));
		used += draw_text(win, y, x + used, w - used, " ", theme_attr(ROLE_STATUS));
		used += draw_text(win, y, x + used, w - used, keys_table[i].hint, theme_attr(ROLE_STATUS));
		used += draw_text(win, y, x + used, w - used, "  ", theme_attr(ROLE_STATUS));
	}
	return used;
}

void
keys_markdown(FILE *f, const char *escape_name)
{
	for (size_t s = 0; s < sizeof keys_sections / sizeof keys_sections[0]; s++) {
		fprintf(f, "\n%s:\n\n", keys_sections[s].title);
		for (size_t i = 0; i < KEYS_N; i++) {
			char label[64];
			if (keys_table[i].ctx != keys_sections[s].ctx)
				continue;
			keys_label(i, escape_name, label, sizeof label);
			fprintf(f, "- `%s`: %s\n", label, keys_table[i].help);
		}
	}
}

/* The help window: the table, by section, scrollable. */
struct keys_help {
	int top;
};

static int
keys_help_lines(const struct app *a, WINDOW *win, int from, int rows, int w)
{
	int line = 0;

	for (size_t s = 0; s < sizeof keys_sections / sizeof keys_sections[0]; s++) {
		if (line >= from && line - from < rows && win)
			draw_text(win, 1 + line - from, 2, w - 4, keys_sections[s].title, theme_attr(ROLE_HEADER));
		line++;
		for (size_t i = 0; i < KEYS_N; i++) {
			char label[64];
			if (keys_table[i].ctx != keys_sections[s].ctx)
				continue;
			if (line >= from && line - from < rows && win) {
				keys_label(i, a->escape_name, label, sizeof label);
				draw_text(win, 1 + line - from, 4, 16, label, theme_attr(ROLE_STATUS_KEY) & ~A_REVERSE);
				draw_text(win, 1 + line - from, 21, w - 23, keys_table[i].help, theme_attr(ROLE_OVERLAY));
			}
			line++;
		}
	}
	return line;
}

static void
keys_help_draw(struct modal *o, struct app *a)
{
	struct keys_help *h = o->data;
	int total = keys_help_lines(a, NULL, 0, 0, 0);
	int hh = total + 3 < LINES - 2 ? total + 3 : LINES - 2;
	int ww = COLS - 4 < 84 ? COLS - 4 : 84;
	WINDOW *win;
	int rows;

	if (hh < 5)
		hh = LINES;
	win = modal_window(o, a, hh, ww, "Keys");
	rows = getmaxy(win) - 3;
	if (h->top > total - rows)
		h->top = total - rows;
	if (h->top < 0)
		h->top = 0;
	keys_help_lines(a, win, h->top, rows, getmaxx(win));
	draw_text(win, getmaxy(win) - 2, 2, getmaxx(win) - 4,
	    total > rows ? "Up/Down scroll, Esc or ? closes" : "Esc or ? closes", theme_attr(ROLE_DIM));
}

static enum modal_result
keys_help_key(struct modal *o, struct app *a, const struct input_key *k)
{
	struct keys_help *h = o->data;

	if (k->type == INPUT_TYPE_KEYSYM) {
		switch (k->code.sym) {
		case INPUT_SYM_ESCAPE:
			return MODAL_CLOSE;
		case INPUT_SYM_UP:
			h->top--;
			break;
		case INPUT_SYM_DOWN:
			h->top++;
			break;
		case INPUT_SYM_PAGEUP:
			h->top -= 10;
			break;
		case INPUT_SYM_PAGEDOWN:
			h->top += 10;
			break;
		default:
			break;
		}
	} else if (k->type == INPUT_TYPE_UNICODE && k->modifiers == 0) {
		if (k->code.codepoint == '?' || k->code.codepoint == 'q')
			return MODAL_CLOSE;
		if (k->code.codepoint == 'j')
			h->top++;
		if (k->code.codepoint == 'k')
			h->top--;
	}
	o->dirty = 1;
	return MODAL_KEEP;
}

static void
keys_help_free(struct modal *o)
{
	free(o->data);
}

static const struct modal_kind keys_help_kind = {
	.draw = keys_help_draw,
	.key = keys_help_key,
	.free = keys_help_free,
};

void
keys_help_open(struct app *a)
{
	app_modal_open(a, modal_new(&keys_help_kind, xcalloc(1, sizeof(struct keys_help))));
}
