/*
 * cmd-console.c: `sandlab console NAME [--log|--follow|--stty]`: attach
 * this terminal (or stdin/stdout of a script) to a node's serial console,
 * or print its kept log; a node whose console is VNC gets its VNC address
 * printed instead, unless --serial. With --stty the guest is told this terminal's
 * size (typed `stty rows R cols C`) on attach and on each resize, and the
 * node's console size follows, so dashboards show the same screen. Guest output reaches a terminal raw only while the
 * user is attached to the guest (as with any serial terminal); the log
 * commands clean it first unless stdout is not a terminal.
 */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consize.h"
#include "console.h"
#include "contype.h"
#include "node.h"
#include "run.h"

#define FOLLOW_TAIL (16u << 10)

/* Copies fd to stdout from its current offset to its end, cleaned when
 * clean is not NULL. 0, or -1 when stdout is gone. */
static int
cmd_console_copy(int fd, struct console_clean *clean)
{
	char buf[65536], out[65536 + 8];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		const char *p = buf;
		size_t len = (size_t)n;
		if (clean != NULL) {
			len = console_clean(clean, buf, (size_t)n, out);
			p = out;
		}
		if (write_all(1, p, len) != 0)
			return -1;
	}
	return 0;
}

static int
cmd_console_log(struct lab *lab, const struct node *n)
{
	char *paths[2] = { run_log_old_path(lab, n->id), run_log_path(lab, n->id) };
	struct console_clean clean;
	int tty = isatty(1), found = 0, rc = 0;

	console_clean_init(&clean);
	for (int i = 0; i < 2 && rc == 0; i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		found = 1;
		if (cmd_console_copy(fd, tty ? &clean : NULL) != 0)
			rc = 1;
		close(fd);
	}
	if (!found)
		rc = cli_fail("%s has no console log yet (it is written while the node runs)", n->name);
	free(paths[0]);
	free(paths[1]);
	return rc;
}

/* Opens the log and places the offset near its end, at a line start. */
static int
cmd_console_open_tail(const char *path, ino_t *ino)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	char buf[FOLLOW_TAIL];

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) == 0) {
		*ino = sb.st_ino;
		if ((size_t)sb.st_size > FOLLOW_TAIL) {
			off_t at = sb.st_size - FOLLOW_TAIL;
			ssize_t n = pread(fd, buf, sizeof buf, at);
			char *nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;
			lseek(fd, nl ? at + (nl - buf) + 1 : at, SEEK_SET);
		}
	}
	return fd;
}

/* Prints the end of the log, then what is appended, across rotations,
 * until interrupted. inotify wakes us; nothing polls on a timer. */
static int
cmd_console_follow(struct lab *lab, const struct node *n)
{
	char *path = run_log_path(lab, n->id);
	struct console_clean clean, *cl = isatty(1) ? &clean : NULL;
	int in = inotify_init1(IN_CLOEXEC), fd;
	ino_t ino = 0;
	char ev[4096];

	console_clean_init(&clean);
	if (in < 0 || inotify_add_watch(in, lab->logs, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
		free(path);
		return cli_fail("cannot watch %s: %s", lab->logs, strerror(errno));
	}
	fd = cmd_console_open_tail(path, &ino);
	for (;;) {
		struct stat sb;
		if (fd >= 0 && cmd_console_copy(fd, cl) != 0)
			break;
		/* Rotated: finish the old file (done above), go on with the new. */
		if (stat(path, &sb) == 0 && (fd < 0 || sb.st_ino != ino)) {
			if (fd >= 0)
				close(fd);
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			ino = sb.st_ino;
			continue;
		}
		ssize_t got = read(in, ev, sizeof ev);
		if (got <= 0 && errno != EINTR)
			break;
	}
	if (fd >= 0)
		close(fd);
	close(in);
	free(path);
	return 0;
}

/* --stty: the node's console size follows this terminal. */
struct cmd_console_sized {
	struct lab *lab;
	const char *id;
};

static int
cmd_console_size(int rows, int cols, void *arg)
{
	struct cmd_console_sized *z = arg;
	struct err e;

	if (consize_set(z->lab, z->id, cols, rows, &e) != 0) {
		fprintf(stderr, "\r\nsandlab: not telling the guest: %s\r\n", e.msg);
		return -1;
	}
	return 0;
}

/* A node whose console is VNC (contype.h): its address, not its serial
 * line; 0 while it runs, 1 (with how to start it) when it does not. */
static int
cmd_console_vnc(struct lab *lab, const struct node *n)
{
	struct run_info ri;
	struct err e;

	if (run_info_get(lab, n->id, &ri, &e) != 0)
		return cli_fail("%s", e.msg);
	if (ri.vnc[0] == '\0')
		return cli_fail("the console of %s is VNC, and it is %s: start it (sandlab node start %s), "
		    "then open its VNC address (sandlab vnc %s)", n->name, run_state_name(ri.state), n->name,
		    n->name);
	printf("the console of %s is VNC: open %s in a VNC viewer (the password: sandlab vnc %s); "
	    "its serial line: sandlab console %s --serial\n", n->name, ri.vnc, n->name, n->name);
	return 0;
}

int
cmd_console(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "console NAME [--log | --follow | --stty] [--serial]";
	int log = 0, follow = 0, stty = 0, serial = 0, npos, sock, rc = 0;
	struct cli_opt opts[] = { { "--log", NULL, &log }, { "--follow", NULL, &follow },
		{ "--stty", NULL, &stty }, { "--serial", NULL, &serial }, { 0 } };
	struct cmd_console_sized sized;
	struct run_info ri;
	struct lab *lab;
	struct node n;
	struct err e;
	char *pos[1];
	int tty = isatty(0);

	if (cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1 || log + follow + stty > 1)
		return cli_usage(usage);
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	if (node_get(lab, pos[0], &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (log || follow) {
		rc = log ? cmd_console_log(lab, &n) : cmd_console_follow(lab, &n);
		node_clear(&n);
		return rc;
	}
	if (!serial && (rc = contype_is_vnc(lab, n.id, &e)) != 0) {
		rc = rc < 0 ? cli_fail("%s", e.msg) : cmd_console_vnc(lab, &n);
		node_clear(&n);
		return rc;
	}
	if ((sock = run_console_connect(lab, n.id, &e)) < 0) {
		node_clear(&n);
		return cli_fail("%s", e.msg);
	}
	if (tty)
		fprintf(stderr, "Connected to %s's console. Ctrl-] detaches (the node keeps running).\r\n",
		    n.name);
	sized.lab = lab;
	sized.id = n.id;
	switch (console_attach_sized(sock, 0, 1, stty ? cmd_console_size : NULL, &sized, &e)) {
	case CONSOLE_DETACHED:
		if (tty)
			fprintf(stderr, "\r\nDetached from %s; it keeps running.\r\n", n.name);
		break;
	case CONSOLE_INPUT_EOF:
	case CONSOLE_SIGNAL:
		break;
	case CONSOLE_REFUSED:
		rc = cli_fail("the console of %s already serves %d clients, the most a keeper takes; "
		    "detach one and attach again", n.name, CONSOLE_CLIENTS_MAX);
		break;
	case CONSOLE_NODE_GONE:
		fputs(tty ? "\r\n" : "", stderr);
		if (run_info_get(lab, n.id, &ri, &e) == 0 && ri.state != RUN_RUNNING &&
		    ri.state != RUN_STARTING) {
			fprintf(stderr, "%s is %s", n.name, run_state_name(ri.state));
			if (ri.exit_kind[0])
				fprintf(stderr, " (%s: %s)", ri.exit_kind, ri.exit_detail);
			fputc('\n', stderr);
		} else {
			fprintf(stderr, "the keeper of %s closed the connection "
			    "(this client fell too far behind)\n", n.name);
			rc = 1;
		}
		break;
	case CONSOLE_ERROR:
		rc = cli_fail("%s", e.msg);
		break;
	}
	close(sock);
	node_clear(&n);
	return rc;
}
