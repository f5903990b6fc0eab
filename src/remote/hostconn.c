/*
 * hostconn.c: the lab's one ssh per host and its holder (hostconn.h).
 * Nothing here waits without a deadline, and the holder ends only its own
 * child, by its pid.
 */
#include "hostconn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "proc.h"
#include "remote.h"
#include "sanitize.h"

/* sockaddr_un.sun_path holds 108 bytes with its terminator. */
#define HOSTCONN_PATH_MAX 107

/* The files of one host's connection, in run/hosts, and the folder of
 * the lab's other locks on that host (hostconn_lock_file). */
struct hostconn_paths {
	char *dir, *lock, *ctl, *sock, *log, *locks;
};

static void
hostconn_paths_clear(struct hostconn_paths *p)
{
	free(p->dir);
	free(p->lock);
	free(p->ctl);
	free(p->sock);
	free(p->log);
	free(p->locks);
}

/* run/hosts/NAME.*, or, when a socket's path would be too long for
 * sun_path, run/hosts/h-HASH.* (FNV-1a of the name). */
static int
hostconn_paths(const char *run, const char *name, struct hostconn_paths *p, struct err *e)
{
	char base[80];

	memset(p, 0, sizeof p[0]);
	p->dir = xasprintf("%s/hosts", run);
	if (lab_private_dir(p->dir, e) != 0)
		return -1;
	snprintf(base, sizeof base, "%s", name);
	if (strlen(p->dir) + 1 + strlen(base) + 5 > HOSTCONN_PATH_MAX) {
		snprintf(base, sizeof base, "h-%08x", (unsigned)lab_hash(name));
	}
	p->lock = xasprintf("%s/%s.lock", p->dir, base);
	p->ctl = xasprintf("%s/%s.ctl", p->dir, base);
	p->sock = xasprintf("%s/%s.sock", p->dir, base);
	p->log = xasprintf("%s/%s.log", p->dir, base);
	p->locks = xasprintf("%s/%s.locks", p->dir, base);
	if (strlen(p->sock) > HOSTCONN_PATH_MAX)
		return err_set(e, "the lab's run folder %s is too long for a socket", run);
	return 0;
}

static int
hostconn_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path)
		return -1;
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

/* A connection to the holder's socket, or -1 when no holder listens. */
static int
hostconn_dial(const char *ctl)
{
	struct sockaddr_un sa;
	int fd;

	if (hostconn_addr(ctl, &sa) != 0 || (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The lock that orders a holder's start and end: its descriptor (close
 * it to let go), or -1. */
static int
hostconn_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* Starts the holder, detached (a new session, not our child), and reads
 * its one line: 0 when ssh forwards, -1 with why. */
static int
hostconn_spawn(const struct hostconn_paths *p, char *const *ssh, struct err *e)
{
	char exe[PATH_MAX], line[400];
	char **argv;
	int rp[2], n = 0, nssh = 0, status;
	size_t got = 0;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int64_t end = mono_ms() + HOSTCONN_START_MS + 5000;
	pid_t pid;

	if (len <= 0)
		return err_sys(e, "cannot find the sandlab program to hold the host's ssh");
	exe[len] = '\0';
	while (ssh[nssh] != NULL)
		nssh++;
	argv = xcalloc((size_t)nssh + 8, sizeof *argv);
	argv[n++] = "sandlab";
	argv[n++] = "__hostconn";
	argv[n++] = p->lock;
	argv[n++] = p->ctl;
	argv[n++] = p->sock;
	argv[n++] = p->log;
	argv[n++] = "--";
	for (int i = 0; i < nssh; i++)
		argv[n++] = ssh[i];
	if (pipe2(rp, O_CLOEXEC) != 0) {
		free(argv);
		return err_sys(e, "cannot start the host's ssh");
	}
	if ((pid = fork()) < 0) {
		close(rp[0]);
		close(rp[1]);
		free(argv);
		return err_sys(e, "cannot start the host's ssh");
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		sigset_t none;
		setsid();
		if (fork() != 0)
			_exit(0);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
		    dup2(rp[1], 3) < 0)
			_exit(127);
		proc_close_fds(3);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(exe, argv);
		_exit(127);
	}
	close(rp[1]);
	free(argv);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (;;) {
		struct pollfd pf = { rp[0], POLLIN, 0 };
		int64_t left = end - mono_ms();
		ssize_t r;
		if (left <= 0 || got == sizeof line - 1)
			break;
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		r = read(rp[0], line + got, sizeof line - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(rp[0]);
	line[got] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "ok") == 0)
		return 0;
	return err_set(e, "%s", line[0] ? line : "the holder of the host's ssh ended without a word");
}

/* The wall clock in ns: the time a failed start is noted with. */
static int64_t
hostconn_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Notes in the lock file (held) that a start failed now, and why. */
static void
hostconn_fail_note(int lock, const char *why)
{
	char *rec = xasprintf("%lld %s", (long long)hostconn_now_ns(), why);

	if (ftruncate(lock, 0) != 0 || pwrite(lock, rec, strlen(rec), 0) < 0)
		(void)0;
	free(rec);
}

/* 1 with that start's reason in e when the lock file (held) notes a
 * failed start at or after since; 0 otherwise. */
static int
hostconn_failed_since(int lock, int64_t since, struct err *e)
{
	char rec[ERR_MAX + 32], *why;
	ssize_t n = pread(lock, rec, sizeof rec - 1, 0);
	long long at;

	if (n <= 0)
		return 0;
	rec[n] = '\0';
	at = strtoll(rec, &why, 10);
	if (why == rec || *why != ' ' || at < since)
		return 0;
	err_set(e, "%s", why + 1);
	return 1;
}

int
hostconn_open(const char *run, const char *name, const char *uri, struct hostconn *hc, struct err *e)
{
	struct hostconn_paths p;
	char **ssh = NULL, *kuri = NULL;
	int lock = -1, rc = -1;
	int64_t asked;

	hc->uri = NULL;
	hc->fd = -1;
	if (hostconn_paths(run, name, &p, e) != 0)
		goto out;
	if ((ssh = remote_ssh_link(uri, p.sock, &kuri, e)) == NULL) {
		if (e->msg[0] != '\0')
			goto out;
		hc->uri = xstrdup(uri);
		rc = 0;
		goto out;
	}
	asked = hostconn_now_ns();
	if ((lock = hostconn_lock(p.lock)) < 0) {
		err_sys(e, "cannot lock %s", p.lock);
		goto out;
	}
	/* Under the lock, a holder that listens stays until we are counted.
	 * A start that failed while we waited for the lock is our answer
	 * too: the keepers of many nodes started at once on a host that does
	 * not answer must not each wait out ssh in turn. */
	e->msg[0] = '\0';
	if ((hc->fd = hostconn_dial(p.ctl)) < 0 && hostconn_failed_since(lock, asked, e) == 0 &&
	    hostconn_spawn(&p, ssh, e) != 0)
		hostconn_fail_note(lock, e->msg);
	else if (hc->fd < 0 && e->msg[0] == '\0' && (hc->fd = hostconn_dial(p.ctl)) < 0)
		err_sys(e, "cannot reach the holder of the host's ssh");
	if (hc->fd >= 0) {
		hc->uri = kuri;
		kuri = NULL;
		rc = 0;
	}
out:
	if (lock >= 0)
		close(lock);
	free(kuri);
	proc_argv_free(ssh);
	hostconn_paths_clear(&p);
	return rc;
}

int
hostconn_lock_file(const char *run, const char *name, const char *what, struct err *e)
{
	struct hostconn_paths p;
	char *path = NULL;
	int fd = -1;

	/* A name of sandlab's own making; never a path. */
	if (what[0] == '\0' || what[0] == '.' || strchr(what, '/') != NULL) {
		err_set(e, "no lock may be named \"%s\"", what);
		return -1;
	}
	if (hostconn_paths(run, name, &p, e) != 0 || lab_private_dir(p.locks, e) != 0)
		goto out;
	path = xasprintf("%s/%s.lock", p.locks, what);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		err_sys(e, "cannot open the lock %s", path);
out:
	free(path);
	hostconn_paths_clear(&p);
	return fd;
}

void
hostconn_close(struct hostconn *hc)
{
	if (hc->fd >= 0)
		close(hc->fd);
	hc->fd = -1;
	free(hc->uri);
	hc->uri = NULL;
}

/* ---- the holder ---- */

/* The last line ssh wrote into the log, sanitised, into buf. */
static void
hostconn_last_words(const char *log, char *buf, size_t len)
{
	char text[2048], *line, *nl;
	int fd = open(log, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	off_t size;
	ssize_t n = 0;

	buf[0] = '\0';
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof text - 1)
		lseek(fd, size - (off_t)sizeof text + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	line = (nl = strrchr(text, '\n')) != NULL ? nl + 1 : text;
	sanitize_to(line, strlen(line), buf, len);
}

/* ssh, a child of the holder that dies with it. */
static pid_t
hostconn_ssh(char *const *argv, int logfd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(logfd, 2) < 0)
		_exit(127);
	proc_close_fds(2);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
hostconn_main(int argc, char **argv)
{
	const char *lockp, *ctl, *sock, *logp;
	char *const *ssh;
	struct sockaddr_un sa;
	struct pollfd *pf = NULL;
	struct stat sb;
	char why[300];
	int lfd, logfd, report = 3, nc = 0, cap = 0, pidfd, served = 0, rc = 1;
	int64_t end;
	pid_t pid;

	if (argc < 7 || strcmp(argv[5], "--") != 0) {
		fprintf(stderr, "usage: sandlab __hostconn LOCK CTL SOCK LOG -- SSH-ARGV...\n");
		return 2;
	}
	lockp = argv[1];
	ctl = argv[2];
	sock = argv[3];
	logp = argv[4];
	ssh = argv + 6;
	if (fcntl(report, F_SETFD, FD_CLOEXEC) != 0)
		report = -1;
	/* Its socket and log: 0600. */
	umask(0177);
	signal(SIGPIPE, SIG_IGN);
	logfd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (logfd < 0 || hostconn_addr(ctl, &sa) != 0 ||
	    (lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		dprintf(report, "cannot connect: cannot prepare the host's ssh: %s\n", strerror(errno));
		return 1;
	}
	/* Whoever started us holds the lock: what is here is left over. */
	unlink(ctl);
	unlink(sock);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 64) != 0) {
		dprintf(report, "cannot connect: cannot listen on %s: %s\n", ctl, strerror(errno));
		return 1;
	}
	if ((pid = hostconn_ssh(ssh, logfd)) < 0 ||
	    (pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		dprintf(report, "cannot connect: cannot start %s: %s\n", ssh[0], strerror(errno));
		unlink(ctl);
		proc_end_child(pid, 2000);
		return 1;
	}
	/* ssh makes the socket once it is in and forwards. */
	end = mono_ms() + HOSTCONN_START_MS;
	while (stat(sock, &sb) != 0 || !S_ISSOCK(sb.st_mode)) {
		struct pollfd w = { pidfd, POLLIN, 0 };
		int64_t left = end - mono_ms();
		if (left <= 0 || poll(&w, 1, left > 50 ? 50 : (int)left) > 0) {
			int dead = waitpid(pid, NULL, WNOHANG) != 0;
			/* The program's name, not its path: the message goes into
			 * a run's short reason. */
			const char *prog = strrchr(ssh[0], '/') ? strrchr(ssh[0], '/') + 1 : ssh[0];
			hostconn_last_words(logp, why, sizeof why);
			if (dead)
				dprintf(report, "cannot connect: %s to %s ended: %s\n", prog, argv[argc - 1],
				    why[0] ? why : "it said nothing");
			else
				dprintf(report, "cannot connect: %s to %s did not forward libvirt's socket within "
				    "%d s\n", prog, argv[argc - 1], HOSTCONN_START_MS / 1000);
			unlink(ctl);
			proc_end_child(pid, 2000);
			unlink(sock);
			return 1;
		}
	}
	dprintf(report, "ok\n");
	close(report);

	cap = 16;
	pf = xcalloc((size_t)cap, sizeof *pf);
	pf[0] = (struct pollfd){ lfd, POLLIN, 0 };
	pf[1] = (struct pollfd){ pidfd, POLLIN, 0 };
	for (;;) {
		/* Until its first user comes (the keeper that started it, which
		 * may die first), the holder waits a start's time at most. */
		int r = poll(pf, (nfds_t)(2 + nc), nc == 0 && !served ? HOSTCONN_START_MS : -1);
		int lock, last = 0;
		if (r < 0 && errno != EINTR)
			break;
		if (r < 0)
			continue;
		if (r > 0 && (pf[1].revents & POLLIN)) {
			hostconn_last_words(logp, why, sizeof why);
			dprintf(logfd, "sandlab: %s ended; its users lose the host\n", ssh[0]);
			break;
		}
		for (int i = 2; i < 2 + nc; ) {
			char buf[64];
			ssize_t n;
			if (pf[i].revents == 0 || ((n = read(pf[i].fd, buf, sizeof buf)) > 0) ||
			    (n < 0 && (errno == EINTR || errno == EAGAIN))) {
				i++;
				continue;
			}
			close(pf[i].fd);
			pf[i] = pf[2 + --nc];
			last = nc == 0;
		}
		if (r > 0 && (pf[0].revents & POLLIN)) {
			int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				if (2 + nc == cap)
					pf = xreallocarray(pf, (size_t)(cap *= 2), sizeof *pf);
				pf[2 + nc++] = (struct pollfd){ c, POLLIN, 0 };
				served = 1;
			}
		}
		if (nc > 0 || (!last && (r != 0 || served)))
			continue;
		/* No user left: end, unless one is being counted in now (a
		 * keeper that got here before the lock waits in the queue). */
		if ((lock = hostconn_lock(lockp)) < 0)
			continue;
		struct pollfd q = { lfd, POLLIN, 0 };
		if (poll(&q, 1, 0) > 0) {
			close(lock);
			continue;
		}
		unlink(ctl);
		close(lfd);
		lfd = -1;
		proc_end_child(pid, 2000);
		pid = -1;
		unlink(sock);
		close(lock);
		rc = 0;
		break;
	}
	if (lfd >= 0) {
		/* ssh ended: no new user may join the dead forward. */
		int lock = hostconn_lock(lockp);
		unlink(ctl);
		unlink(sock);
		close(lfd);
		if (lock >= 0)
			close(lock);
		proc_end_child(pid, 2000);
	}
	for (int i = 2; i < 2 + nc; i++)
		close(pf[i].fd);
	free(pf);
	close(pidfd);
	close(logfd);
	return rc;
}
