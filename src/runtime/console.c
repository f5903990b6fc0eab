/*
 * console.c: relaying a terminal or pipes to a keeper's console socket,
 * and cleaning guest output for display.
 */
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "sanitize.h"

static struct termios console_saved;
static int console_saved_fd = -1;

void
console_restore_tty(void)
{
	if (console_saved_fd >= 0) {
		tcsetattr(console_saved_fd, TCSAFLUSH, &console_saved);
		console_saved_fd = -1;
	}
}

static int
console_raw(int fd, struct err *e)
{
	struct termios t;

	if (tcgetattr(fd, &console_saved) != 0)
		return err_sys(e, "cannot read the terminal's settings");
	t = console_saved;
	cfmakeraw(&t);
	console_saved_fd = fd;
	fatal_set_hook(console_restore_tty);
	if (tcsetattr(fd, TCSAFLUSH, &t) != 0) {
		console_saved_fd = -1;
		return err_sys(e, "cannot set the terminal to raw mode");
	}
	return 0;
}

int
console_send(int sock, const void *buf, size_t len, struct err *e)
{
	size_t off = 0;

	/* The socket is nonblocking; the keeper reads promptly, so waiting
	 * here for room is short. */
	while (off < len) {
		ssize_t w = send(sock, (const char *)buf + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = { sock, POLLOUT, 0 };
			poll(&p, 1, -1);
			continue;
		}
		if (w < 0)
			return err_sys(e, "console connection lost");
		off += (size_t)w;
	}
	return 0;
}

/* Sends input to the guest; with a terminal, stops at the escape key.
 * Returns 1 when the escape key was seen. */
static int
console_input(int sock, const char *buf, size_t n, int tty, struct err *e)
{
	const char *esc = tty ? memchr(buf, CONSOLE_ESCAPE, n) : NULL;
	size_t len = esc ? (size_t)(esc - buf) : n;

	if (console_send(sock, buf, len, e) != 0)
		return -1;
	return esc != NULL;
}

/* Tells the guest the terminal's size: types `stty rows R cols C` and
 * Enter, after the caller's hook (which records it) agreed. */
static int
console_tell_size(int sock, int fd, console_size_fn *fn, void *arg, struct err *e)
{
	struct winsize ws;
	char cmd[64];
	int n;

	if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return 0;   /* no size to tell */
	if (fn(ws.ws_row, ws.ws_col, arg) != 0)
		return 0;   /* refused (the hook said why) */
	/* Ctrl-U first: whatever was typed on the line goes */
	n = snprintf(cmd, sizeof cmd, "\025stty rows %d cols %d\r", ws.ws_row, ws.ws_col);
	return console_input(sock, cmd, (size_t)n, 0, e) < 0 ? -1 : 0;
}

enum console_end
console_attach(int sock, int in_fd, int out_fd, struct err *e)
{
	return console_attach_sized(sock, in_fd, out_fd, NULL, NULL, e);
}

enum console_end
console_attach_sized(int sock, int in_fd, int out_fd, console_size_fn *size_fn, void *size_arg,
    struct err *e)
{
	sigset_t set, old;
	int sfd, tty = isatty(in_fd), in_open = 1;
	enum console_end end = CONSOLE_ERROR;
	char buf[16384], first[sizeof CONSOLE_REFUSED_LINE];
	size_t got = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	if (size_fn != NULL && tty)
		sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		err_sys(e, "cannot set up signals");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return CONSOLE_ERROR;
	}
	if (tty && console_raw(in_fd, e) != 0) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return CONSOLE_ERROR;
	}
	if (size_fn != NULL && tty && console_tell_size(sock, in_fd, size_fn, size_arg, e) != 0) {
		console_restore_tty();
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return CONSOLE_ERROR;
	}
	for (;;) {
		struct pollfd p[3] = {
			{ sock, POLLIN, 0 },
			{ in_open ? in_fd : -1, POLLIN, 0 },
			{ sfd, POLLIN, 0 },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			err_sys(e, "poll");
			break;
		}
		if (p[2].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si && si.ssi_signo == SIGWINCH) {
				if (console_tell_size(sock, in_fd, size_fn, size_arg, e) != 0)
					break;
				continue;
			}
			end = CONSOLE_SIGNAL;
			break;
		}
		if (p[0].revents) {
			ssize_t n = read(sock, buf, sizeof buf);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				/* A keeper at its cap sends that line alone; one that
				 * took us sent a replay or more first. */
				end = got == sizeof first - 1 && memcmp(first, CONSOLE_REFUSED_LINE, got) == 0 ?
				    CONSOLE_REFUSED : CONSOLE_NODE_GONE;
				break;
			}
			if (n > 0 && got < sizeof first)
				memcpy(first + got, buf, (size_t)n < sizeof first - got ? (size_t)n : sizeof first - got);
			if (n > 0)
				got += (size_t)n;
			if (n > 0 && write_all(out_fd, buf, (size_t)n) != 0) {
				err_sys(e, "cannot write the console's output");
				break;
			}
		}
		if (p[1].revents) {
			ssize_t n = read(in_fd, buf, sizeof buf);
			int r;
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				end = CONSOLE_INPUT_EOF;
				break;
			}
			r = console_input(sock, buf, (size_t)n, tty, e);
			if (r < 0)
				break;
			if (r == 1) {
				end = CONSOLE_DETACHED;
				break;
			}
		}
	}
	console_restore_tty();
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return end;
}

enum { CL_TEXT, CL_ESC, CL_CSI, CL_STR, CL_STR_ESC };

void
console_clean_init(struct console_clean *c)
{
	memset(c, 0, sizeof *c);
}

size_t
console_clean(struct console_clean *c, const char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)in[i];
		switch (c->state) {
		case CL_ESC:
			if (b == '[')
				c->state = CL_CSI;
			else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_')
				c->state = CL_STR;
			else if (b >= 0x20 && b <= 0x2f)
				; /* intermediate of a two-byte escape: wait for its final */
			else
				c->state = CL_TEXT;
			continue;
		case CL_CSI:
			if (b >= 0x40 && b <= 0x7e)
				c->state = CL_TEXT;
			else if (b < 0x20 || b > 0x7e)
				c->state = CL_TEXT;
			continue;
		case CL_STR:
			if (b == 0x07)
				c->state = CL_TEXT;
			else if (b == 0x1b)
				c->state = CL_STR_ESC;
			continue;
		case CL_STR_ESC:
			c->state = b == '\\' ? CL_TEXT : CL_STR;
			continue;
		}
		if (b >= 0x80) {
			size_t need;
			if (c->npend == sizeof c->pend)
				c->npend = 0;
			c->pend[c->npend++] = b;
			need = (c->pend[0] & 0xe0) == 0xc0 ? 2 : (c->pend[0] & 0xf0) == 0xe0 ? 3 :
			    (c->pend[0] & 0xf8) == 0xf0 ? 4 : 1;
			if (need > 1 && c->npend < need)
				continue;
			/* Complete (or hopeless): keep it only if it is valid. */
			if (utf8_seq_len(c->pend, c->npend) == c->npend) {
				memcpy(out + o, c->pend, c->npend);
				o += c->npend;
			}
			c->npend = 0;
			continue;
		}
		c->npend = 0; /* an ASCII byte ends an unfinished sequence */
		if (b == 0x1b)
			c->state = CL_ESC;
		else if (b == '\n' || b == '\t' || (b >= 0x20 && b < 0x7f))
			out[o++] = (char)b;
	}
	return o;
}
