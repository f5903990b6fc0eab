/*
 * term.c: taking over and giving back the user's terminal. Everything a
 * signal handler needs to undo is prepared in term_start (the terminfo
 * strings are copied into a static buffer), so restoring from a handler
 * uses write(2) and tcsetattr(3) only.
 */
#include "term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <ncursesw/term.h> /* <term.h> would be ui/term.h, under -Iui */
#include <termios.h>
#include <unistd.h>

#include "util.h"

/* Reporting modes: button events (1000), drag (1002), SGR encoding
 * (1006), bracketed paste (2004). */
#define TERM_MODES_ON  "\033[?1000h\033[?1002h\033[?1006h\033[?2004h"
#define TERM_MODES_OFF "\033[?2004l\033[?1006l\033[?1002l\033[?1000l"

static struct termios term_saved;
static int term_active;
static int term_pipe[2] = { -1, -1 };
static char term_undo[512];       /* what restores the screen, for handlers */
static size_t term_undo_len;
static const int term_crash_sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTERM, SIGHUP,
	SIGINT, SIGQUIT };

/* Whether COLORTERM says the terminal shows 24-bit colour. */
static int
term_colorterm_direct(void)
{
	const char *ct = getenv("COLORTERM");

	return ct != NULL && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0);
}

/* Whether terminfo has an entry `name` (NULL: TERM's) and, when so,
 * whether it shows 24-bit colour. Reads the entry only: no screen yet. */
static int
term_entry(const char *name, int fd, int *direct)
{
	int err = 0;

	*direct = 0;
	if (setupterm(name, fd, &err) != OK)
		return 0;
	*direct = tigetflag("RGB") > 0 || tigetnum("colors") >= (1 << 24);
	del_curterm(cur_term);
	return 1;
}

SCREEN *
term_newterm(FILE *out, FILE *in)
{
	const char *t = getenv("TERM");
	char direct[64];
	size_t base = t ? strcspn(t, "-") : 0;
	int has;

	/* A second newterm after a first one draws nothing here: the type
	 * is chosen from the entries before the one screen is made. */
	snprintf(direct, sizeof direct, "%.*s-direct", (int)base, t ? t : "");
	if (term_colorterm_direct() && base > 0 && base + sizeof "-direct" <= sizeof direct &&
	    term_entry(NULL, fileno(out), &has) && !has && term_entry(direct, fileno(out), &has) && has)
		return newterm(direct, out, in);
	return newterm(NULL, out, in);
}

static void
term_undo_add(const char *cap)
{
	char *s = tigetstr((char *)cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (term_undo_len + n < sizeof term_undo) {
		memcpy(term_undo + term_undo_len, s, n);
		term_undo_len += n;
	}
}

/* Async-signal-safe: only write and tcsetattr. */
static void
term_restore_raw(void)
{
	ssize_t r;

	if (!term_active)
		return;
	term_active = 0;
	r = write(STDOUT_FILENO, term_undo, term_undo_len);
	(void)r;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &term_saved);
}

static void
term_crash(int sig)
{
	term_restore_raw();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
term_notify(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	ssize_t r = write(term_pipe[1], &b, 1);

	(void)r;
	errno = saved;
}

static void
term_fatal_hook(void)
{
	term_stop();
}

int
term_start(char *why, size_t whylen)
{
	struct sigaction sa;
	SCREEN *scr;
	static const char modes_on[] = TERM_MODES_ON;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(why, whylen, "the dashboard needs a terminal on stdin and stdout "
		    "(for scripts, use the commands: sandlab help)");
		return -1;
	}
	if (tcgetattr(STDIN_FILENO, &term_saved) != 0) {
		snprintf(why, whylen, "cannot read the terminal's settings: %s", strerror(errno));
		return -1;
	}
	scr = term_newterm(stdout, stdin);
	if (scr == NULL) {
		const char *t = getenv("TERM");
		snprintf(why, whylen, "cannot use the terminal type \"%.40s\" (set TERM to one "
		    "terminfo knows, such as xterm-256color)", t ? t : "");
		return -1;
	}
	if (pipe2(term_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		endwin();
		snprintf(why, whylen, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	raw();
	noecho();
	nonl();
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	/* What undoes the takeover, in reverse order. */
	term_undo_len = 0;
	memcpy(term_undo, TERM_MODES_OFF, sizeof TERM_MODES_OFF - 1);
	term_undo_len = sizeof TERM_MODES_OFF - 1;
	term_undo_add("sgr0");
	term_undo_add("cnorm");
	term_undo_add("rmkx");
	term_undo_add("rmcup");
	term_active = 1;
	fatal_set_hook(term_fatal_hook);

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = term_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof term_crash_sigs / sizeof term_crash_sigs[0]; i++)
		sigaction(term_crash_sigs[i], &sa, NULL);
	sa.sa_handler = term_notify;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);

	/* Keypad transmit mode, so keys arrive as terminfo lists them. */
	{
		char *smkx = tigetstr("smkx");
		if (smkx != NULL && smkx != (char *)-1)
			putp(smkx);
	}
	fflush(stdout);
	write_all(STDOUT_FILENO, modes_on, sizeof modes_on - 1);
	return 0;
}

void
term_stop(void)
{
	if (!term_active)
		return;
	/* Let curses put its own state back, then make sure of the rest. */
	endwin();
	fflush(stdout);
	term_restore_raw();
	for (size_t i = 0; i < sizeof term_crash_sigs / sizeof term_crash_sigs[0]; i++)
		signal(term_crash_sigs[i], SIG_DFL);
}

int
term_signal_fd(void)
{
	return term_pipe[0];
}

int
term_signal_drain(void)
{
	unsigned char buf[64];
	int winch = 0;
	ssize_t n;

	while ((n = read(term_pipe[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			winch |= buf[i] == SIGWINCH;
	return winch;
}

int
term_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return 0;
	if (ws.ws_row == LINES && ws.ws_col == COLS)
		return 0;
	resize_term(ws.ws_row, ws.ws_col);
	return 1;
}
