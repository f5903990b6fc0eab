/*
 * runstate.c: asks the kernel, through flock, whether a keeper lives.
 */
#include "runstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

char *
runstate_lock_path(const struct lab *lab, const char *node_id)
{
	return xasprintf("%s/%s/keeper.lock", lab->run, node_id);
}

int
runstate_live(const struct lab *lab, const char *node_id)
{
	char *path = runstate_lock_path(lab, node_id);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int live = 0;

	free(path);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		live = errno == EWOULDBLOCK;
	close(fd);
	return live;
}
