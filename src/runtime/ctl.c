/*
 * ctl.c: connecting to a running node's keeper sockets. A keeper that
 * holds the lock but is still setting up gets a moment; one that is gone
 * is said to be not running, never waited for.
 */
#include "ctl.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "runstate.h"

int
ctl_connect(struct lab *lab, const char *node_id, const char *name, const char *sock,
    struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t until = mono_ms() + 5000;

	if ((size_t)snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s/%s", lab->run, node_id, sock) >=
	    sizeof sa.sun_path)
		return err_set(e, "socket path too long under %s", lab->run);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return err_sys(e, "cannot create a socket");
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		int saved = errno;
		close(fd);
		if (!runstate_live(lab, node_id))
			return err_set(e, "%s is not running (start it with: sandlab node start %s)", name, name);
		if ((saved != ENOENT && saved != ECONNREFUSED) || mono_ms() > until) {
			errno = saved;
			return err_sys(e, "cannot reach the keeper of %s", name);
		}
		usleep(20000);
	}
}

