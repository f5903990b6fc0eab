/*
 * proc.c: fork, limits, exec and a poll loop that drains both pipes until
 * the child ends or its wall time runs out. The child runs in its own
 * process group so a timeout kills everything it started.
 */
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sanitize.h"

/* 1 when fd is one of those mask keeps (bit i: first + i). */
static int
proc_fd_kept(int fd, int first, uint64_t mask)
{
	return first >= 0 && fd >= first && fd - first < 64 && (mask >> (fd - first) & 1);
}

void
proc_close_fds(int keep)
{
	proc_close_fds_mask(keep, keep >= 0 ? 1 : 0);
}

void
proc_close_fds_mask(int first, uint64_t mask)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int dfd;

	if (d == NULL) {
		for (int fd = 3; fd < 1024; fd++)
			if (!proc_fd_kept(fd, first, mask))
				close(fd);
		return;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);
		if (fd > 2 && fd != dfd && !proc_fd_kept(fd, first, mask))
			close(fd);
	}
	closedir(d);
}

struct sink {
	char  *buf;
	size_t len, cap, max;
};

static void
sink_add(struct sink *s, const char *p, size_t n)
{
	if (s->len >= s->max)
		return;
	if (n > s->max - s->len)
		n = s->max - s->len;
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static char *
sink_take(struct sink *s, size_t *len)
{
	if (s->buf == NULL)
		s->buf = xcalloc(1, 1);
	*len = s->len;
	return s->buf;
}

int
proc_run(char *const argv[], const struct proc_limits *lim, proc_out_cb cb, void *arg,
    struct proc_result *r, struct err *e)
{
	int outp[2], errp[2], status;
	struct sink so = { .max = lim->out_max ? lim->out_max : 1 << 20 };
	struct sink se = { .max = lim->out_max ? lim->out_max : 1 << 20 };
	int64_t deadline = lim->wall_ms ? mono_ms() + lim->wall_ms : 0;
	pid_t pid;
	int open_fds = 2;

	memset(r, 0, sizeof *r);
	if (pipe2(outp, O_CLOEXEC) != 0)
		return err_sys(e, "cannot create a pipe");
	if (pipe2(errp, O_CLOEXEC) != 0) {
		close(outp[0]);
		close(outp[1]);
		return err_sys(e, "cannot create a pipe");
	}
	pid = fork();
	if (pid < 0) {
		err_sys(e, "cannot start %s", argv[0]);
		close(outp[0]); close(outp[1]); close(errp[0]); close(errp[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		struct rlimit rl;

		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		proc_close_fds(lim->keep_fd > 2 ? lim->keep_fd : -1);
		if (lim->cpu_s > 0) {
			rl.rlim_cur = (rlim_t)lim->cpu_s;
			rl.rlim_max = (rlim_t)lim->cpu_s + 1;
			setrlimit(RLIMIT_CPU, &rl);
		}
		if (lim->as_bytes > 0) {
			rl.rlim_cur = rl.rlim_max = (rlim_t)lim->as_bytes;
			setrlimit(RLIMIT_AS, &rl);
		}
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);

	struct pollfd pfd[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
	while (open_fds > 0) {
		int timeout = -1, n;
		char buf[8192];

		if (deadline) {
			int64_t left = deadline - mono_ms();
			if (left <= 0) {
				r->timed_out = 1;
				kill(-pid, SIGKILL);
				break;
			}
			timeout = (int)left;
		}
		n = poll(pfd, 2, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (int i = 0; i < 2; i++) {
			ssize_t got;
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			got = read(pfd[i].fd, buf, sizeof buf);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			sink_add(i == 0 ? &so : &se, buf, (size_t)got);
			if (cb != NULL && !r->stopped && cb(i + 1, buf, (size_t)got, arg) != 0) {
				r->stopped = 1;
				kill(-pid, SIGKILL);
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Reap stragglers of the group after a timeout. */
	if (r->timed_out || r->stopped)
		kill(-pid, SIGKILL);
	if (WIFEXITED(status)) {
		r->exited = 1;
		r->code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status))
		r->sig = WTERMSIG(status);
	r->out = sink_take(&so, &r->out_len);
	r->errout = sink_take(&se, &r->err_len);
	return 0;
}

int
proc_ok(const struct proc_result *r)
{
	return r->exited && r->code == 0 && !r->timed_out;
}

void
proc_describe(const struct proc_result *r, const struct proc_limits *lim, char *buf, size_t len)
{
	if (r->timed_out)
		snprintf(buf, len, "did not finish within %d s and was stopped", lim->wall_ms / 1000);
	else if (r->exited)
		snprintf(buf, len, "exited with status %d", r->code);
	else if (r->sig == SIGXCPU || r->sig == SIGKILL)
		snprintf(buf, len, "was stopped by signal %d (CPU limit of %d s)", r->sig, lim->cpu_s);
	else
		snprintf(buf, len, "was killed by signal %d (%s)", r->sig, strsignal(r->sig));
}

void
proc_result_free(struct proc_result *r)
{
	free(r->out);
	free(r->errout);
	r->out = r->errout = NULL;
}

uint64_t
proc_start_time(int pid)
{
	char path[64], buf[1024];
	FILE *f;
	size_t n;
	char *p;
	int field;
	unsigned long long v = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and ')': fields restart after the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	p++;
	/* p now points before field 3; the start time is field 22. */
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		sscanf(p, " %llu", &v);
	return v;
}

void
proc_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

char *
proc_which(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *dir ? dir : ".", prog);
		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

char *
proc_errtext(const struct proc_result *r)
{
	size_t n = r->err_len > 300 ? 300 : r->err_len;

	while (n > 0 && (r->errout[n - 1] == '\n' || r->errout[n - 1] == '\r'))
		n--;
	return sanitize(r->errout, n);
}

void
proc_end_child(pid_t pid, int grace_ms)
{
	/* Only our own child, by the pid fork gave us: never 0 or -1. */
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int waited = 0; waited < grace_ms; waited += 50) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return;
		poll(NULL, 0, 50);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
