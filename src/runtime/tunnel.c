/*
 * tunnel.c: an ssh child that forwards a loopback port (tunnel.h). The
 * caller owns the child by its pid and ends it; nothing here waits
 * without a deadline.
 */
#include "tunnel.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

static struct sockaddr_in
tunnel_addr(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

int
tunnel_free_port(struct err *e)
{
	struct sockaddr_in a = tunnel_addr(0);
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (port < 0)
		err_sys(e, "cannot find a free port on 127.0.0.1");
	if (fd >= 0)
		close(fd);
	return port;
}

/* 1 when 127.0.0.1:port accepts a connection now. */
static int
tunnel_listening(int port)
{
	struct sockaddr_in a = tunnel_addr(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

int
tunnel_alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

int
tunnel_open(char *const *argv, int local_port, int timeout_ms, pid_t *pid, struct err *e)
{
	struct timespec t0, t;
	pid_t p = fork();

	if (p < 0)
		return err_sys(e, "cannot start %s", argv[0]);
	if (p == 0) {
		int null = open("/dev/null", O_RDONLY);
		/* Its own group: the user's Ctrl-C reaches us, and we end it. */
		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		proc_close_fds(-1);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	*pid = p;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (tunnel_listening(local_port))
			return 0;
		if (!tunnel_alive(p))
			return err_set(e, "%s ended before it forwarded 127.0.0.1:%d (its message is above)",
			    argv[0], local_port);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms) {
			tunnel_close(p);
			return err_set(e, "%s did not forward 127.0.0.1:%d within %d s", argv[0], local_port,
			    timeout_ms / 1000);
		}
		poll(NULL, 0, 50);
	}
}

void
tunnel_close(pid_t pid)
{
	proc_end_child(pid, 1000);
}
