/*
 * console.h: the client side of a node's console. console_attach joins a
 * terminal (raw; Ctrl-] detaches) or plain pipes to the keeper's console
 * socket; console_clean makes a kept log safe to show on a terminal. The
 * terminal's settings are restored on every way out that a process can
 * catch. Nothing here draws a screen (that is libvterm's job in ui/).
 */
#ifndef SANDLAB_CONSOLE_H
#define SANDLAB_CONSOLE_H

#include <stddef.h>

#include "util.h"

#define CONSOLE_ESCAPE 0x1d   /* Ctrl-], as telnet and virsh */

/* The most console clients a keeper serves at once. Each costs the keeper
 * up to a replay and a backlog of queued output (about 512 KiB) while it
 * is slow, so the number is bounded; a client over it is sent this one
 * line (and nothing else) and closed, so it can say why. */
#define CONSOLE_CLIENTS_MAX 64
#define CONSOLE_REFUSED_LINE "\r\nsandlab: refused: this console already serves 64 clients, " \
	"the most a keeper takes; detach one and attach again\r\n"

enum console_end {
	CONSOLE_DETACHED,     /* the escape key */
	CONSOLE_INPUT_EOF,    /* stdin ended (scripts) */
	CONSOLE_NODE_GONE,    /* the keeper closed the connection */
	CONSOLE_REFUSED,      /* the keeper already serves CONSOLE_CLIENTS_MAX */
	CONSOLE_SIGNAL,       /* SIGTERM, SIGHUP, SIGINT */
	CONSOLE_ERROR,
};

/* Relays until one of the ends above. When in_fd is a terminal it is put
 * in raw mode for the duration and the escape key detaches; otherwise
 * bytes pass untouched both ways. */
enum console_end console_attach(int sock, int in_fd, int out_fd, struct err *e);

/* Writes all of buf to a (nonblocking) console socket, waiting for room;
 * -1 with why when the connection is lost. */
int console_send(int sock, const void *buf, size_t len, struct err *e);

/* Called with the terminal's size on attach and on each SIGWINCH; 0 lets
 * console_attach_sized type `stty rows R cols C` and Enter for the guest. */
typedef int console_size_fn(int rows, int cols, void *arg);

/* console_attach, and when in_fd is a terminal and fn is not NULL, tells
 * the guest the terminal's size (once on attach, again on each resize). */
enum console_end console_attach_sized(int sock, int in_fd, int out_fd, console_size_fn *fn, void *arg,
    struct err *e);

/* Gives the terminal its settings back if console_attach changed them;
 * safe to call from a fatal path. */
void console_restore_tty(void);

/* Streaming cleaner for guest output shown on a terminal: keeps printable
 * text (valid UTF-8), newlines and tabs; drops escape sequences, carriage
 * returns and other control bytes. */
struct console_clean {
	int           state;
	unsigned char pend[4];
	size_t        npend;
};

void console_clean_init(struct console_clean *c);
/* Cleans n bytes into out (room for n + 4 bytes); returns the length. */
size_t console_clean(struct console_clean *c, const char *in, size_t n, char *out);

#endif
