/*
 * vtcat.c: what `sandlab __vtcat [--rows R] [--cols C] [--scrollback N]
 * [--hold] [--stats]` does (src/cli/cmd-vtcat.c reads the options). Renders a byte stream from standard input (a file
 * or a pipe) through a vtcon into a full-screen curses window, with the
 * redraw policy of the dashboard's console panes: reads only feed the
 * model and mark damage; a frame, at most one per FRAME_MS, paints the
 * damaged rows. It ends after the final frame when the input ends, or
 * with --hold at the first key after that; q or Ctrl-C end it at any
 * time; PgUp and PgDn scroll back and forth through the scrollback a
 * screen at a time. Keys come from /dev/tty, since standard input is the
 * stream.
 *
 * It exists for tests (a known stream, then capture-pane) and for the
 * throughput benchmark; it is no user command and opens no lab. When the
 * console is shorter than the terminal, the row below it shows the
 * guest's title as sanitised, never as the guest sent it.
 */
#include "vtcat.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "term.h"
#include "util.h"
#include "vtcon-draw.h"
#include "vtcon.h"

#define FRAME_MS 16
#define READ_SIZE (256 * 1024)

static volatile sig_atomic_t stopped;

static void
on_signal(int sig)
{
	stopped = sig;
}

static void
restore_terminal(void)
{
	endwin();
}

struct vtcat {
	struct vtcon *vc;
	struct vtcon_colors map;
	int fixed_rows, fixed_cols; /* from the options; 0: follow the terminal */
	bool cursor_shown;
	long frames;
};

/* The console takes the terminal's size unless the options fix it. */
static void
wanted_size(const struct vtcat *v, int *rows, int *cols)
{
	int h, w;

	getmaxyx(stdscr, h, w);
	*rows = v->fixed_rows ? v->fixed_rows : h;
	*cols = v->fixed_cols ? v->fixed_cols : w;
}

static void
refit(struct vtcat *v)
{
	int rows, cols;

	wanted_size(v, &rows, &cols);
	vtcon_resize(v->vc, rows, cols);
	vtcon_invalidate(v->vc);
	clearok(curscr, TRUE);
}

static void
frame(struct vtcat *v)
{
	int rows, cols, h, w;
	bool cursor;

	cursor = vtcon_draw(v->vc, stdscr, &v->map);
	vtcon_size(v->vc, &rows, &cols);
	getmaxyx(stdscr, h, w);
	if (rows < h) {
		/* a status row: the title, already sanitised by vtcon */
		attr_t a = A_REVERSE;

		mvwhline(stdscr, rows, 0, ' ', w);
		wattron(stdscr, a);
		mvwaddnstr(stdscr, rows, 0, "title: ", w);
		waddnstr(stdscr, vtcon_title(v->vc), w > 8 ? w - 8 : 0);
		wattroff(stdscr, a);
		if (cursor) {
			int cr, cc;

			vtcon_cursor(v->vc, &cr, &cc);
			wmove(stdscr, cr, cc);
		}
	}
	if (cursor != v->cursor_shown) {
		curs_set(cursor ? 1 : 0);
		v->cursor_shown = cursor;
	}
	wnoutrefresh(stdscr);
	doupdate();
	v->frames++;
}

/* Reads what is there; false at the end of the input. */
static bool
pump(struct vtcat *v, char *buf, unsigned long long *bytes)
{
	ssize_t n = read(STDIN_FILENO, buf, READ_SIZE);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		if (n < 0)
			fprintf(stderr, "sandlab __vtcat: reading the stream: %s\n", strerror(errno));
		return false;
	}
	vtcon_feed(v->vc, buf, (size_t)n);
	*bytes += (unsigned long long)n;
	return true;
}

static void
print_stats(struct vtcat *v, unsigned long long bytes, int64_t ms)
{
	struct rusage ru;
	int rows, cols;

	getrusage(RUSAGE_SELF, &ru);
	vtcon_size(v->vc, &rows, &cols);
	fprintf(stderr, "vtcat: %llu bytes in %.3f s, %ld frames, %dx%d, scrollback %d lines, "
	    "vtcon %zu KiB, max RSS %ld KiB\n", bytes, (double)ms / 1000, v->frames, cols, rows,
	    vtcon_sb_lines(v->vc), vtcon_memory(v->vc) / 1024, ru.ru_maxrss);
}

int
vtcat_run(const struct vtcat_opts *o, struct err *e)
{
	struct vtcat v = { .fixed_rows = o->rows, .fixed_cols = o->cols };
	int sb = o->scrollback, hold = o->hold, stats = o->stats, rows, cols;
	char *buf;
	FILE *tty;
	SCREEN *scr;
	struct sigaction sa;
	bool eof = false;
	unsigned long long bytes = 0;
	int64_t start, next_frame = 0;

	if (isatty(STDIN_FILENO))
		return err_set(e, "__vtcat reads the stream from standard input: give it a file or a pipe");
	if (!isatty(STDOUT_FILENO))
		return err_set(e, "__vtcat draws on a terminal, and standard output is not one");
	tty = fopen("/dev/tty", "r");
	if (tty == NULL)
		return err_sys(e, "__vtcat reads keys from /dev/tty");
	scr = term_newterm(stdout, tty);
	if (scr == NULL) {
		fclose(tty);
		return err_set(e, "cannot draw on this terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
	}
	fatal_set_hook(restore_terminal);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	vtcon_colors_from_terminal(&v.map);
	if (getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0')
		v.map.ncolors = 0;
	wanted_size(&v, &rows, &cols);
	v.vc = vtcon_new(rows, cols, sb);
	buf = xmalloc(READ_SIZE);
	start = mono_ms();

	while (!stopped) {
		struct pollfd fds[2] = {
			{ .fd = fileno(tty), .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		int64_t now = mono_ms();
		int timeout = -1, ch;

		if (vtcon_is_dirty(v.vc)) {
			if (now >= next_frame) {
				frame(&v);
				next_frame = now + FRAME_MS;
			} else
				timeout = (int)(next_frame - now);
		}
		if (eof && !vtcon_is_dirty(v.vc) && !hold)
			break;
		if (poll(fds, eof ? 1 : 2, timeout) < 0 && errno != EINTR)
			break;
		if (!eof && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
			eof = !pump(&v, buf, &bytes);
		while ((ch = getch()) != ERR) {
			if (ch == KEY_RESIZE)
				refit(&v);
			else if (ch == KEY_PPAGE || ch == KEY_NPAGE) {
				vtcon_size(v.vc, &rows, &cols);
				vtcon_scroll(v.vc, ch == KEY_PPAGE ? rows : -rows);
			} else if (ch == 'q' || ch == 3 || (eof && hold))
				stopped = -1;
		}
	}
	endwin();
	if (stats)
		print_stats(&v, bytes, mono_ms() - start);
	delscreen(scr);
	fclose(tty);
	vtcon_free(v.vc);
	free(buf);
	return stopped > 0 ? 128 + stopped : 0;
}
