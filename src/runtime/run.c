/*
 * run.c: the runtime as its users see it: node state from the keeper's
 * lock and the `runs` row, starting keepers (double fork, setsid, stdio
 * away from any terminal), and asking keepers to stop or kill over their
 * control sockets. It never signals QEMU or a keeper by pid: only a
 * keeper, holding the lock, acts on its QEMU.
 */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "keeper.h"
#include "node.h"
#include "proc.h"
#include "runrow.h"
#include "runstate.h"
#include "sanitize.h"
#include "stopmode.h"
#include "vnc.h"

#define RUN_START_WAIT_MS 120000
#define RUN_EXIT_WAIT_MS  15000
#define RUN_LINE_MAX      KEEPER_LINE_MAX

const char *
run_state_name(enum run_state s)
{
	switch (s) {
	case RUN_STOPPED: return "stopped";
	case RUN_STARTING: return "starting";
	case RUN_RUNNING: return "running";
	case RUN_STOPPING: return "stopping";
	case RUN_CRASHED: return "crashed";
	}
	return "unknown";
}

const char *
run_state_shown(const struct run_info *ri)
{
	if (ri->host_lost && ri->state == RUN_RUNNING)
		return "unreachable";
	if (ri->state == RUN_CRASHED && strcmp(ri->exit_kind, "orphaned") == 0)
		return "orphaned";
	return run_state_name(ri->state);
}

static enum run_state
run_state_parse(const char *s)
{
	if (strcmp(s, "starting") == 0)
		return RUN_STARTING;
	if (strcmp(s, "running") == 0)
		return RUN_RUNNING;
	if (strcmp(s, "stopping") == 0)
		return RUN_STOPPING;
	if (strcmp(s, "crashed") == 0)
		return RUN_CRASHED;
	return RUN_STOPPED;
}

int
run_live(struct lab *lab, const char *node_id)
{
	return runstate_live(lab, node_id);
}

char *
run_log_path(const struct lab *lab, const char *node_id)
{
	return xasprintf("%s/%s.log", lab->logs, node_id);
}

char *
run_log_old_path(const struct lab *lab, const char *node_id)
{
	return xasprintf("%s/%s.log.1", lab->logs, node_id);
}

/* The keeper of a node on another host died: its domain is not its
 * child and may well run on there. 1 when the node is such a node, with
 * out saying so (exit kind "orphaned"); 0 for a node of this machine. */
static int
run_orphan(struct lab *lab, const char *node_id, const struct run_row *r, struct run_info *out)
{
	struct node n;
	struct err e;
	int remote;

	if (node_get(lab, node_id, &n, &e) != 0)
		return 0;
	remote = !node_is_local(&n);
	if (remote) {
		snprintf(out->exit_kind, sizeof out->exit_kind, "orphaned");
		snprintf(out->exit_detail, sizeof out->exit_detail, "its keeper (pid %d) died while the "
		    "node was %s; its domain may still run on host %.32s (node start takes it over)",
		    r->keeper_pid, r->state, n.host);
	}
	node_clear(&n);
	return remote;
}

/* run_info_get's work, reading the row with *st (runrow_read). With
 * no_dir, the node had no run folder a moment ago, so its lock cannot
 * have been held then and the first look at it is skipped. */
static int
run_info_read(struct lab *lab, sqlite3_stmt **st, const char *node_id, int no_dir,
    struct run_info *out, struct err *e)
{
	struct run_row r;
	int live;

	memset(out, 0, sizeof *out);
	out->vnc_display = -1;
	/* The lock, then the row: a keeper writes its last row before it
	 * lets the lock go, so a dead lock with a live-looking row means the
	 * keeper died. Looking at the lock again catches a keeper that
	 * started in between. */
	live = !no_dir && runstate_live(lab, node_id);
	if (runrow_read(lab->db, st, node_id, &r, e) != 0)
		return -1;
	/* Without a run folder before the row was read, only a row saying
	 * a keeper is at work needs the second look. */
	if (!live && (!no_dir || (r.present && (run_state_parse(r.state) == RUN_STARTING ||
	    run_state_parse(r.state) == RUN_RUNNING || run_state_parse(r.state) == RUN_STOPPING))))
		live = runstate_live(lab, node_id);
	str_copy(out->exit_kind, sizeof out->exit_kind, r.exit_kind);
	str_copy(out->exit_detail, sizeof out->exit_detail, r.exit_detail);
	out->exit_at = r.exit_at;
	if (!live) {
		enum run_state s = r.present ? run_state_parse(r.state) : RUN_STOPPED;
		/* The keeper died or could not write its end: what it kept is
		 * the truth, and what it left behind goes. */
		if ((s == RUN_STARTING || s == RUN_RUNNING || s == RUN_STOPPING) &&
		    runstate_settle(lab, node_id, &r)) {
			s = run_state_parse(r.state);
			str_copy(out->exit_kind, sizeof out->exit_kind, r.exit_kind);
			str_copy(out->exit_detail, sizeof out->exit_detail, r.exit_detail);
			out->exit_at = r.exit_at;
		}
		if (s == RUN_STARTING || s == RUN_RUNNING || s == RUN_STOPPING) {
			out->state = RUN_CRASHED;
			out->exit_at = 0;
			if (run_orphan(lab, node_id, &r, out))
				return 0;
			snprintf(out->exit_kind, sizeof out->exit_kind, "crashed");
			snprintf(out->exit_detail, sizeof out->exit_detail, "its keeper (pid %d) died while "
			    "the node was %s; QEMU went with it", r.keeper_pid, r.state);
		} else
			out->state = s;
		return 0;
	}
	out->state = r.present ? run_state_parse(r.state) : RUN_STARTING;
	/* A new keeper holds the lock before it writes its first row. */
	if (out->state == RUN_STOPPED || out->state == RUN_CRASHED)
		out->state = RUN_STARTING;
	str_copy(out->accel, sizeof out->accel, r.accel);
	str_copy(out->accel_why, sizeof out->accel_why, r.accel_why);
	out->vnc_display = r.vnc_display;
	if (r.vnc_display >= 0) {
		vnc_address(r.vnc_host, r.vnc_display, out->vnc, sizeof out->vnc);
		vnc_password_read(lab, node_id, out->vnc_password, sizeof out->vnc_password);
	}
	out->started_at = out->state == RUN_RUNNING || out->state == RUN_STOPPING ? r.started_at : 0;
	out->keeper_pid = r.keeper_pid;
	out->qemu_pid = r.qemu_pid;
	out->host_lost = r.host_lost && out->state == RUN_RUNNING;
	return 0;
}

int
run_info_get(struct lab *lab, const char *node_id, struct run_info *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = run_info_read(lab, &st, node_id, 0, out, e);

	sqlite3_finalize(st);
	return rc;
}

struct run_list {
	struct lab   *lab;
	sqlite3_stmt *st;
	char        **dirs;   /* entries of lab->run, sorted; NULL: unknown */
	size_t        ndirs;
};

static int
run_list_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct run_list *
run_list_new(struct lab *lab)
{
	struct run_list *l = xcalloc(1, sizeof *l);
	DIR *d = opendir(lab->run);
	struct dirent *de;
	size_t cap = 0;

	l->lab = lab;
	if (d == NULL)
		return l;       /* every node is looked at, as run_info_get does */
	l->dirs = xcalloc(1, sizeof *l->dirs);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (l->ndirs + 1 >= cap)
			l->dirs = xreallocarray(l->dirs, cap = cap ? cap * 2 : 16, sizeof *l->dirs);
		l->dirs[l->ndirs++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(l->dirs, l->ndirs, sizeof *l->dirs, run_list_cmp);
	/* A node with a run folder may have an end its keeper kept there (a
	 * full disk, a killed keeper): record it now, as run_info_get does,
	 * since run_list_get is read inside node_each's read transaction,
	 * where no row can be written. */
	for (size_t i = 0; i < l->ndirs; i++) {
		struct run_info ri;
		struct err e;
		if (strlen(l->dirs[i]) == LAB_ID_LEN)
			run_info_get(lab, l->dirs[i], &ri, &e);
	}
	return l;
}

int
run_list_get(struct run_list *l, const char *node_id, struct run_info *out, struct err *e)
{
	int no_dir = l->dirs != NULL &&
	    bsearch(&node_id, l->dirs, l->ndirs, sizeof *l->dirs, run_list_cmp) == NULL;

	return run_info_read(l->lab, &l->st, node_id, no_dir, out, e);
}

void
run_list_free(struct run_list *l)
{
	if (l == NULL)
		return;
	sqlite3_finalize(l->st);
	for (size_t i = 0; i < l->ndirs; i++)
		free(l->dirs[i]);
	free(l->dirs);
	free(l);
}

void
run_uptime(const struct run_info *ri, char *buf, size_t len)
{
	int64_t s;

	buf[0] = '\0';
	if (ri->started_at <= 0)
		return;
	s = now_s() - ri->started_at;
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

/* ---- jobs: one per node, reading lines from a keeper ---- */

struct run_job {
	char        id[37];
	char       *name;
	int         fd;
	char        buf[RUN_LINE_MAX];
	size_t      len;
	int         done;
	int         ok;
	int         skip;        /* nothing to do for this node */
	int         locked;      /* its keeper holds the node's lock ("locked") */
	struct err *err;
};

static void
run_jobs_free(struct run_job *jobs, int n)
{
	for (int i = 0; i < n; i++) {
		if (jobs[i].fd >= 0)
			close(jobs[i].fd);
		free(jobs[i].name);
	}
	free(jobs);
}

/* Looks the node up for a job; -1 (the job done, failed) when there is
 * no such node. */
static int
run_job_init(struct lab *lab, struct run_job *j, const char *key, struct err *err)
{
	struct node nd;

	j->fd = -1;
	j->err = err;
	err->msg[0] = '\0';
	if (node_get(lab, key, &nd, err) != 0) {
		j->done = 1;
		j->name = sanitize(key, strlen(key));
		return -1;
	}
	snprintf(j->id, sizeof j->id, "%s", nd.id);
	j->name = xstrdup(nd.name);
	node_clear(&nd);
	return 0;
}

/* Handles one line from a keeper: "locked", "step T", "ready", "failed T",
 * "end S K D". */
static void
run_job_line(struct run_job *j, char *line, run_step_cb cb, void *arg)
{
	char shown[RUN_LINE_MAX + 64];

	/* The keeper's texts are sanitised where they were made. */
	sanitize_again_to(line, strlen(line), shown, sizeof shown);
	if (strncmp(line, "step ", 5) == 0) {
		if (cb)
			cb(j->name, shown + 5, arg);
	} else if (strcmp(line, "locked") == 0) {
		j->locked = 1;
	} else if (strcmp(line, "ready") == 0) {
		j->done = j->ok = 1;
	} else if (strncmp(line, "failed", 6) == 0) {
		j->done = 1;
		err_set(j->err, "cannot start %s: %s", j->name, line[6] ? shown + 7 : "its keeper failed");
	} else if (strncmp(line, "end ", 4) == 0) {
		/* "end STATE KIND DETAIL": the keeper's steps said the rest. */
		j->done = j->ok = 1;
		shown[4 + strcspn(shown + 4, " ")] = '\0';
		if (cb)
			cb(j->name, shown + 4, arg);
	}
}

/* Reads from every job until each is done or the deadline passes. */
static void
run_jobs_wait(struct run_job *jobs, int n, int64_t deadline, run_step_cb cb, void *arg)
{
	struct pollfd *pfd = xcalloc((size_t)n, sizeof *pfd);

	for (;;) {
		int waiting = 0;
		for (int i = 0; i < n; i++) {
			pfd[i].fd = jobs[i].done || jobs[i].fd < 0 ? -1 : jobs[i].fd;
			pfd[i].events = POLLIN;
			waiting += pfd[i].fd >= 0;
		}
		int64_t left = deadline - mono_ms();
		if (waiting == 0 || left <= 0)
			break;
		if (poll(pfd, (nfds_t)n, (int)left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct run_job *j = &jobs[i];
			ssize_t got;
			char *nl;
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			got = read(j->fd, j->buf + j->len, sizeof j->buf - 1 - j->len);
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0) {
				close(j->fd);
				j->fd = -1;
				continue;
			}
			j->len += (size_t)got;
			j->buf[j->len] = '\0';
			while ((nl = strchr(j->buf, '\n')) != NULL) {
				*nl = '\0';
				run_job_line(j, j->buf, cb, arg);
				memmove(j->buf, nl + 1, j->len - (size_t)(nl + 1 - j->buf) + 1);
				j->len = strlen(j->buf);
			}
			if (j->len == sizeof j->buf - 1)
				j->len = 0; /* an overlong line: drop it */
		}
	}
	free(pfd);
}

/* ---- starting ---- */

/* Starts `sandlab __keeper` for the node key (a name or an id) in the lab
 * at lab_dir, detached: the child makes a new session and forks again,
 * so the keeper is no session leader, has no controlling terminal, and
 * is not our child. Returns the read end of the keeper's report pipe, and
 * in *go the write end of the pipe the keeper waits on before it takes
 * the node's lock: 'g' and the node's id let it go (run_starts_go),
 * closing it sends it away. The keeper writes its diagnostics to the
 * node's keeper log (--log). */
static int
run_spawn_keeper(const char *lab_dir, const char *key, const struct run_start_opts *o, int *go,
    struct err *e)
{
	char exe[PATH_MAX], *argv[16];
	int p[2] = { -1, -1 }, g[2] = { -1, -1 }, n = 0, devnull, status;
	ssize_t len;
	pid_t pid;

	*go = -1;
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return err_sys(e, "cannot find the sandlab program to start a keeper");
	exe[len] = '\0';
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || pipe2(p, O_CLOEXEC) != 0 || pipe2(g, O_CLOEXEC) != 0) {
		err_sys(e, "cannot prepare a keeper");
		goto fail_fds;
	}
	argv[n++] = "sandlab";
	argv[n++] = "--lab";
	argv[n++] = (char *)lab_dir;
	argv[n++] = "__keeper";
	argv[n++] = "--report-fd";
	argv[n++] = "3";
	argv[n++] = "--go-fd";
	argv[n++] = "4";
	argv[n++] = "--log";
	if (o != NULL && o->vnc_host != NULL) {
		argv[n++] = "--vnc-host";
		argv[n++] = (char *)o->vnc_host;
	}
	/* The key is the user's text: never an option to the keeper. */
	argv[n++] = "--";
	argv[n++] = (char *)key;
	argv[n] = NULL;
	/* Nothing buffered may be written twice by a child. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err_sys(e, "cannot start a keeper");
		goto fail_fds;
	}
	if (pid == 0) {
		sigset_t none;
		setsid();
		pid = fork();
		if (pid != 0)
			_exit(pid < 0 ? 1 : 0);
		int r = fcntl(p[1], F_DUPFD_CLOEXEC, 10), w = fcntl(g[0], F_DUPFD_CLOEXEC, 10);
		if (r < 0 || w < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
		    dup2(devnull, 2) < 0 || dup2(r, 3) < 0 || dup2(w, 4) < 0)
			_exit(127);
		proc_close_fds_mask(3, 3);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		execv(exe, argv);
		dprintf(3, "failed cannot run the keeper (%s): %s\n", exe, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	close(g[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	close(devnull);
	*go = g[1];
	return p[0];
fail_fds:
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		if (g[i] >= 0)
			close(g[i]);
	}
	if (devnull >= 0)
		close(devnull);
	return -1;
}

struct run_starts {
	struct run_job *jobs;
	int            *go;
	int             n;
	struct run_start_opts o;
};

struct run_starts *
run_starts_spawn(const char *lab_dir, char *const *keys, int n, const struct run_start_opts *o)
{
	struct run_starts *s = xcalloc(1, sizeof *s);

	s->n = n;
	if (o != NULL)
		s->o = *o;
	s->jobs = xcalloc((size_t)n + 1, sizeof *s->jobs);
	s->go = xcalloc((size_t)n + 1, sizeof *s->go);
	for (int i = 0; i < n; i++) {
		/* A keeper that could not be spawned is tried again, with its
		 * reason, once the key is checked. */
		s->jobs[i].fd = run_spawn_keeper(lab_dir, keys[i], &s->o, &s->go[i], &(struct err){ "" });
		s->jobs[i].name = xstrdup(keys[i]);
	}
	return s;
}

/* Waits (in 10 ms steps, until the monotonic ms until) for the keeper of
 * node id to let the node's lock go, as it does once it has recorded the
 * run's end; 1 when it has. */
static int
run_wait_gone(struct lab *lab, const char *id, int64_t until)
{
	while (runstate_live(lab, id) && mono_ms() < until)
		usleep(10000);
	return !runstate_live(lab, id);
}

/* Lets the keeper of job i go with the id of the node checked ('g' and
 * the id: the keeper starts that node, even one renamed since), or sends
 * it away (go 0). */
static void
run_starts_go(struct run_starts *s, int i, int go)
{
	if (s->go[i] >= 0) {
		char word[KEEPER_GO_LEN + 1];
		if (go && (snprintf(word, sizeof word, "g%s", s->jobs[i].id) != KEEPER_GO_LEN ||
		    write_all(s->go[i], word, KEEPER_GO_LEN) != 0))
			go = 0;
		close(s->go[i]);
		s->go[i] = -1;
	}
	if (!go && s->jobs[i].fd >= 0) {
		close(s->jobs[i].fd);
		s->jobs[i].fd = -1;
	}
}

static void
run_starts_free(struct run_starts *s)
{
	run_jobs_free(s->jobs, s->n);
	free(s->go);
	free(s);
}

void
run_starts_abandon(struct run_starts *s)
{
	for (int i = 0; i < s->n; i++)
		run_starts_go(s, i, 0);
	run_starts_free(s);
}

int
run_starts_finish(struct run_starts *s, struct lab *lab, run_step_cb cb, void *arg,
    struct err *errs)
{
	struct run_job *jobs = s->jobs;
	int n = s->n, failed = 0;

	for (int i = 0; i < n; i++) {
		struct run_job *j = &jobs[i];
		int fd = j->fd;
		char *key = j->name;
		j->fd = -1;
		j->name = NULL;
		if (run_job_init(lab, j, key, &errs[i]) != 0) {
			j->fd = fd;
			run_starts_go(s, i, 0);
		} else if (runstate_live(lab, j->id)) {
			err_set(j->err, "%s is already running (stop it first, or see: sandlab node ls)", j->name);
			j->done = 1;
			j->fd = fd;
			run_starts_go(s, i, 0);
		} else if (fd < 0 && (fd = run_spawn_keeper(lab->root, j->id, &s->o, &s->go[i], j->err)) < 0) {
			j->done = 1;
		} else {
			j->fd = fd;
			run_starts_go(s, i, 1);
		}
		free(key);
	}
	run_jobs_wait(jobs, n, mono_ms() + RUN_START_WAIT_MS, cb, arg);
	/* A keeper that took the lock and failed has recorded its end and
	 * lets the lock go as it exits: wait for that, so that the node reads
	 * stopped, and can be started again, once this returns. (One that
	 * lost the lock to another keeper has nothing to wait for.) */
	int64_t until = mono_ms() + RUN_EXIT_WAIT_MS;
	for (int i = 0; i < n; i++)
		if (jobs[i].locked && jobs[i].done && !jobs[i].ok)
			run_wait_gone(lab, jobs[i].id, until);
	for (int i = 0; i < n; i++) {
		struct run_job *j = &jobs[i];
		if (!j->done && errs[i].msg[0] == '\0') {
			/* The keeper went away without a word: its row may say why. */
			struct run_info ri;
			struct err e2;
			if (j->fd >= 0)
				err_set(j->err, "%s did not report within %d s; see sandlab node show %s",
				    j->name, RUN_START_WAIT_MS / 1000, j->name);
			else if (run_info_get(lab, j->id, &ri, &e2) == 0 && ri.exit_detail[0])
				err_set(j->err, "cannot start %s: %s", j->name, ri.exit_detail);
			else
				err_set(j->err, "cannot start %s: its keeper died; see %s/%s.keeper.log",
				    j->name, lab->logs, j->id);
		}
		if (!j->ok)
			failed++;
	}
	run_starts_free(s);
	return failed;
}

int
run_start_many(struct lab *lab, char *const *keys, int n, const struct run_start_opts *o,
    run_step_cb cb, void *arg, struct err *errs)
{
	return run_starts_finish(run_starts_spawn(lab->root, keys, n, o), lab, cb, arg, errs);
}

int
run_start(struct lab *lab, const char *key, run_step_cb cb, void *arg, struct err *e)
{
	char *keys[] = { (char *)key };

	return run_start_many(lab, keys, 1, NULL, cb, arg, e) == 0 ? 0 : -1;
}

/* ---- stopping and killing ---- */

int
run_cdrom(struct lab *lab, const char *key, run_step_cb cb, void *arg, struct err *e)
{
	struct node n;
	char buf[512];
	size_t len = 0;
	/* Without a word from the keeper for this long, it is stuck: a
	 * remote node's keeper uploads an ISO first and says how far it got
	 * (a quarter at a time), so any line starts the wait again. */
	int64_t quiet = 15000, until;
	int fd, rc = -1;

	if (node_get(lab, key, &n, e) != 0)
		return -1;
	if (!node_is_local(&n))
		quiet = 600000;
	until = mono_ms() + quiet;
	if ((fd = ctl_connect(lab, n.id, n.name, "ctl.sock", e)) < 0)
		goto out;
	if (write_all(fd, "cdrom\n", 6) != 0) {
		err_sys(e, "cannot talk to the keeper of %s", n.name);
		goto out;
	}
	/* Step lines may come first; ours starts with "cdrom ". */
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = until - mono_ms();
		char *nl;
		ssize_t r;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			err_set(e, "the keeper of %s did not answer the medium change", n.name);
			goto out;
		}
		if ((r = read(fd, buf + len, sizeof buf - 1 - len)) <= 0) {
			err_set(e, "%s stopped during the medium change", n.name);
			goto out;
		}
		len += (size_t)r;
		buf[len] = '\0';
		until = mono_ms() + quiet;
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if (strcmp(buf, "cdrom ok") == 0) {
				rc = 0;
				goto out;
			}
			if (strncmp(buf, "cdrom error ", 12) == 0) {
				char *why = sanitize(buf + 12, strlen(buf + 12));
				err_set(e, "cannot change the CD-ROM of %s: %s", n.name, why);
				free(why);
				goto out;
			}
			if (cb != NULL && strncmp(buf, "step ", 5) == 0) {
				/* sanitised where the keeper made it */
				char shown[sizeof buf + 64];
				sanitize_again_to(buf + 5, strlen(buf + 5), shown, sizeof shown);
				cb(n.name, shown, arg);
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof buf - 1)
			len = 0; /* a line too long to be ours */
	}
out:
	if (fd >= 0)
		close(fd);
	node_clear(&n);
	return rc;
}

static int
run_ctl_many(struct lab *lab, char *const *keys, int n, const char *cmd, int64_t wait_ms,
    run_step_cb cb, void *arg, struct err *errs)
{
	struct run_job *jobs = xcalloc((size_t)n, sizeof *jobs);
	int failed = 0;
	int64_t until;

	for (int i = 0; i < n; i++) {
		struct run_job *j = &jobs[i];
		if (run_job_init(lab, j, keys[i], &errs[i]) != 0)
			continue;
		if (!runstate_live(lab, j->id)) {
			if (cb)
				cb(j->name, "not running", arg);
			j->done = j->ok = j->skip = 1;
			continue;
		}
		j->fd = ctl_connect(lab, j->id, j->name, "ctl.sock", j->err);
		if (j->fd < 0) {
			/* It stopped between the two looks: nothing left to do. */
			j->done = 1;
			if (!runstate_live(lab, j->id))
				j->ok = j->skip = 1;
			continue;
		}
		if (write_all(j->fd, cmd, strlen(cmd)) != 0) {
			err_sys(j->err, "cannot talk to the keeper of %s", j->name);
			j->done = 1;
		}
	}
	run_jobs_wait(jobs, n, mono_ms() + wait_ms, cb, arg);
	/* The keeper records the end, then releases the lock as it exits:
	 * wait for that, so a caller can act on a node that is really gone. */
	until = mono_ms() + RUN_EXIT_WAIT_MS;
	for (int i = 0; i < n; i++) {
		struct run_job *j = &jobs[i];
		if (j->skip || (j->err->msg[0] && !j->ok))
			continue;
		if (!run_wait_gone(lab, j->id, until)) {
			j->ok = 0;
			err_set(j->err, "%s: its keeper is still running; see sandlab node show %s",
			    j->name, j->name);
		} else
			j->ok = 1;
	}
	for (int i = 0; i < n; i++)
		if (!jobs[i].ok) {
			if (errs[i].msg[0] == '\0')
				err_set(&errs[i], "%s did not stop", jobs[i].name);
			failed++;
		}
	run_jobs_free(jobs, n);
	return failed;
}

int
run_stop_many(struct lab *lab, char *const *keys, int n, int grace_s, run_step_cb cb,
    void *arg, struct err *errs)
{
	char cmd[32];
	/* RUN_GRACE_NODE: each keeper reads its node's grace; none is
	 * longer than the lab's longest */
	int wait_s = grace_s == RUN_GRACE_NODE ? stopmode_grace_max(lab) : grace_s;

	_Static_assert(RUN_GRACE_NODE == KEEPER_GRACE_NODE, "run and keeper agree on the node's grace");
	snprintf(cmd, sizeof cmd, "stop %d\n", grace_s);
	return run_ctl_many(lab, keys, n, cmd, (int64_t)(wait_s + KEEPER_QUIT_WAIT_S + 30) * 1000,
	    cb, arg, errs);
}

int
run_stop(struct lab *lab, const char *key, int grace_s, run_step_cb cb, void *arg, struct err *e)
{
	char *keys[] = { (char *)key };

	return run_stop_many(lab, keys, 1, grace_s, cb, arg, e) == 0 ? 0 : -1;
}

int
run_kill(struct lab *lab, const char *key, run_step_cb cb, void *arg, struct err *e)
{
	char *keys[] = { (char *)key };

	return run_ctl_many(lab, keys, 1, "kill\n", 30000, cb, arg, e) == 0 ? 0 : -1;
}

static int
run_console_socket(struct lab *lab, const char *key, const char *sock, struct err *e)
{
	struct node nd;
	int fd, fl;

	if (node_get(lab, key, &nd, e) != 0)
		return -1;
	fd = ctl_connect(lab, nd.id, nd.name, sock, e);
	node_clear(&nd);
	if (fd < 0)
		return -1;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
		close(fd);
		return err_sys(e, "cannot set up the console connection");
	}
	return fd;
}

int
run_console_connect(struct lab *lab, const char *key, struct err *e)
{
	return run_console_socket(lab, key, "console.sock", e);
}

int
run_console_connect_live(struct lab *lab, const char *key, struct err *e)
{
	return run_console_socket(lab, key, "live.sock", e);
}
