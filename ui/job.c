/*
 * job.c: threads for slow core calls. A job thread opens its own lab (its
 * own sqlite connection), makes one core call, and writes fixed-size
 * messages to a pipe; writes of at most PIPE_BUF bytes are atomic, so
 * messages of several jobs never interleave. Nothing here draws.
 */
#include "job.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel.h"
#include "app.h"
#include "image.h"
#include "import.h"
#include "qemu.h"
#include "run.h"

#define JOB_MAX 64

enum job_msg_kind { JOB_MSG_STEP, JOB_MSG_DONE };

struct job_msg {
	int            kind;        /* enum job_msg_kind */
	int            job;         /* enum job_kind */
	int            rc;
	uint64_t       done, total; /* an import's progress */
	char           node_id[37]; /* an import's image, when it ended well */
	char           name[64];
	char           text[1024];
};

_Static_assert(sizeof(struct job_msg) <= PIPE_BUF, "job messages must be written atomically");

struct job {
	enum job_kind kind;
	char          node_id[37];
	char          name[64];
	char          lab_root[PATH_MAX];
	char          path[PATH_MAX];  /* an import's source */
};

static int job_pipe[2] = { -1, -1 };
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static char job_busy_ids[JOB_MAX][37];
static int job_count;
/* The running import's listener, and its stop flag (read by its thread). */
static int job_importing;
static void (*job_import_report_fn)(struct app *, const struct job_import_report *, void *);
static void *job_import_arg;
static atomic_int job_import_stop;

static void
job_msg_init(struct job_msg *m, const struct job *j, enum job_msg_kind kind, int rc, const char *text)
{
	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->job = j->kind;
	m->rc = rc;
	snprintf(m->node_id, sizeof m->node_id, "%s", j->node_id);
	snprintf(m->name, sizeof m->name, "%s", j->name);
	snprintf(m->text, sizeof m->text, "%s", text);
}

static void
job_write(const struct job_msg *m)
{
	/* Atomic; the loop reads promptly, and a full pipe just waits. */
	while (write(job_pipe[1], m, sizeof *m) < 0 && errno == EINTR)
		;
}

static void
job_send(const struct job *j, enum job_msg_kind kind, int rc, const char *text)
{
	struct job_msg m;

	job_msg_init(&m, j, kind, rc, text);
	job_write(&m);
}

static void
job_step(const char *node_name, const char *step, void *arg)
{
	(void)node_name;
	job_send(arg, JOB_MSG_STEP, 0, step);
}

static void
job_probe(struct job *j)
{
	struct accel_probe p;
	char why[256];

	accel_probe(QEMU_BIN_DEFAULT, 0, &p);
	if (accel_kvm_usable(&p))
		job_send(j, JOB_MSG_DONE, 1, "KVM: yes");
	else {
		accel_probe_why(&p, why, sizeof why);
		job_send(j, JOB_MSG_DONE, 0, why);
	}
}

/* image_scan's report: count what was taken in, keep the last refusal. */
struct job_scan {
	int  taken;
	int  refused;
	char why[900];
};

static void
job_scan_report(const char *file, const struct image *im, const char *why, void *arg)
{
	struct job_scan *s = arg;

	if (im != NULL)
		s->taken++;
	else {
		s->refused++;
		snprintf(s->why, sizeof s->why, "%.100s: %.700s", file, why);
	}
}

static int
job_scan(struct lab *lab, char *msg, size_t len, struct err *e)
{
	struct job_scan s = { 0 };

	if (image_scan(lab, 0, job_scan_report, &s, e) != 0)
		return -1;
	if (s.taken == 0 && s.refused == 0)
		snprintf(msg, len, "%s", "");
	else if (s.refused == 0)
		snprintf(msg, len, "took in %d image file%s found in images/", s.taken, s.taken == 1 ? "" : "s");
	else
		snprintf(msg, len, "took in %d image file%s from images/, refused %d (%s)", s.taken,
		    s.taken == 1 ? "" : "s", s.refused, s.why);
	return 0;
}

static void
job_import_progress(uint64_t done, uint64_t total, void *arg)
{
	struct job_msg m;

	job_msg_init(&m, arg, JOB_MSG_STEP, 0, "");
	m.done = done;
	m.total = total;
	job_write(&m);
}

static int
job_import_cancelled(void *arg)
{
	(void)arg;
	return atomic_load(&job_import_stop);
}

/* The import's end goes out here, with the image's id on success. */
static void
job_import_run(struct job *j, struct lab *lab)
{
	struct image_import_opts opts = { 0 };
	struct image out = { 0 };
	struct job_msg m;
	struct err e = { "" };
	char vs[16];

	opts.name = j->name[0] ? j->name : NULL;
	opts.progress = job_import_progress;
	opts.cancelled = job_import_cancelled;
	opts.arg = j;
	if (import_any(lab, j->path, &opts, &out, &e) != 0) {
		job_send(j, JOB_MSG_DONE, -1, e.msg);
		return;
	}
	job_msg_init(&m, j, JOB_MSG_DONE, 0, "");
	snprintf(m.node_id, sizeof m.node_id, "%s", out.id);
	if (out.source_format != NULL && strcmp(out.source_format, out.format) != 0)
		snprintf(m.text, sizeof m.text, "imported image %s (%s converted from %s, %s)", out.name,
		    out.format, out.source_format, fmt_size(out.virtual_size, vs, sizeof vs));
	else
		snprintf(m.text, sizeof m.text, "imported image %s (%s, %s)", out.name, out.format,
		    fmt_size(out.virtual_size, vs, sizeof vs));
	job_write(&m);
	image_clear(&out);
}

static void *
job_main(void *arg)
{
	char msg[1024] = "";
	struct job *j = arg;
	struct lab *lab;
	struct err e = { "" };
	int rc = -1;

	if (j->kind == JOB_PROBE) {
		job_probe(j);
		free(j);
		return NULL;
	}
	lab = lab_open(j->lab_root, &e);
	if (lab != NULL && j->kind == JOB_IMPORT) {
		job_import_run(j, lab);
		lab_close(lab);
		free(j);
		return NULL;
	}
	if (lab != NULL) {
		switch (j->kind) {
		case JOB_START:
			rc = run_start(lab, j->node_id, job_step, j, &e);
			break;
		case JOB_STOP:
			rc = run_stop(lab, j->node_id, RUN_GRACE_NODE, job_step, j, &e);
			break;
		case JOB_KILL:
			rc = run_kill(lab, j->node_id, job_step, j, &e);
			break;
		case JOB_SCAN:
			rc = job_scan(lab, msg, sizeof msg, &e);
			break;
		default:
			break;
		}
		lab_close(lab);
	}
	job_send(j, JOB_MSG_DONE, rc, rc == 0 ? msg : e.msg);
	free(j);
	return NULL;
}

int
job_fd(void)
{
	return job_pipe[0];
}

int
job_busy(const char *node_id)
{
	int busy = 0;

	pthread_mutex_lock(&job_lock);
	for (int i = 0; i < JOB_MAX; i++)
		busy |= strcmp(job_busy_ids[i], node_id) == 0;
	pthread_mutex_unlock(&job_lock);
	return busy;
}

static void
job_mark(const char *node_id, int on)
{
	pthread_mutex_lock(&job_lock);
	for (int i = 0; i < JOB_MAX; i++) {
		if (on && job_busy_ids[i][0] == '\0') {
			snprintf(job_busy_ids[i], sizeof job_busy_ids[i], "%s", node_id);
			break;
		}
		if (!on && strcmp(job_busy_ids[i], node_id) == 0) {
			job_busy_ids[i][0] = '\0';
			break;
		}
	}
	pthread_mutex_unlock(&job_lock);
}

/* Makes the pipe on first use. 0, or -1 with a message. */
static int
job_pipe_open(struct app *a)
{
	if (job_pipe[0] < 0) {
		if (pipe2(job_pipe, O_CLOEXEC) != 0) {
			app_msg(a, APP_MSG_ERROR, "cannot make a pipe: %s", strerror(errno));
			return -1;
		}
		/* The loop must never block on it; the threads may wait. */
		fcntl(job_pipe[0], F_SETFL, O_NONBLOCK);
	}
	return 0;
}

/* Runs j (taken over) on a detached thread. 0, or -1 with a message. */
static int
job_spawn(struct app *a, struct job *j)
{
	pthread_attr_t attr;
	pthread_t t;

	snprintf(j->lab_root, sizeof j->lab_root, "%s", a->lab->root);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, job_main, j) != 0) {
		pthread_attr_destroy(&attr);
		app_msg(a, APP_MSG_ERROR, "cannot start a thread for %s", j->name[0] ? j->name : "an import");
		free(j);
		return -1;
	}
	pthread_attr_destroy(&attr);
	job_count++;
	return 0;
}

int
job_run(struct app *a, enum job_kind kind, const char *node_id, const char *name)
{
	struct job *j;

	if (job_pipe_open(a) != 0)
		return -1;
	if (kind != JOB_PROBE && kind != JOB_SCAN && job_busy(node_id)) {
		app_msg(a, APP_MSG_WARN, "%s is busy with an earlier start or stop", name);
		return -1;
	}
	if (job_count >= JOB_MAX) {
		app_msg(a, APP_MSG_WARN, "too many starts and stops at once; wait for some to finish");
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->kind = kind;
	snprintf(j->node_id, sizeof j->node_id, "%s", node_id);
	snprintf(j->name, sizeof j->name, "%s", name);
	if (job_spawn(a, j) != 0)
		return -1;
	if (kind != JOB_PROBE && kind != JOB_SCAN)
		job_mark(node_id, 1);
	return 0;
}

int
job_import(struct app *a, const char *path, const char *name,
    void (*report)(struct app *a, const struct job_import_report *r, void *arg), void *arg)
{
	struct job *j;

	if (job_pipe_open(a) != 0)
		return -1;
	if (job_importing) {
		app_msg(a, APP_MSG_WARN, "an import is running already; wait for it to finish");
		return -1;
	}
	if (job_count >= JOB_MAX) {
		app_msg(a, APP_MSG_WARN, "too many jobs at once; wait for some to finish");
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->kind = JOB_IMPORT;
	snprintf(j->path, sizeof j->path, "%s", path);
	snprintf(j->name, sizeof j->name, "%s", name ? name : "");
	atomic_store(&job_import_stop, 0);
	if (job_spawn(a, j) != 0)
		return -1;
	job_importing = 1;
	job_import_report_fn = report;
	job_import_arg = arg;
	return 0;
}

void
job_import_cancel(void)
{
	if (!job_importing)
		return;
	atomic_store(&job_import_stop, 1);
	job_import_report_fn = NULL;
	job_import_arg = NULL;
}

/* An import's message: to its listener, or (once it is gone) its end to
 * the status line. */
static void
job_import_drain(struct app *a, const struct job_msg *m)
{
	struct job_import_report r = { 0 };
	void (*report)(struct app *, const struct job_import_report *, void *) = job_import_report_fn;
	void *arg = job_import_arg;

	r.ended = m->kind == JOB_MSG_DONE;
	r.rc = m->rc;
	r.copied = m->done;
	r.total = m->total;
	r.image_id = m->node_id;
	r.text = m->text;
	if (r.ended) {
		job_count--;
		job_importing = 0;
		job_import_report_fn = NULL;
		job_import_arg = NULL;
	}
	if (report != NULL) {
		report(a, &r, arg);
		return;
	}
	if (!r.ended)
		return;
	if (r.rc == 0) {
		app_msg(a, APP_MSG_INFO, "%s", r.text);
		app_reload(a);
	} else
		app_msg(a, APP_MSG_WARN, "image import: %s", r.text);
}

static const char *
job_verb(int kind)
{
	switch (kind) {
	case JOB_START:
		return "start";
	case JOB_STOP:
		return "stop";
	case JOB_KILL:
		return "kill";
	default:
		return "probe";
	}
}

/* m's reason without the "cannot VERB NAME: " the CLI's wording puts
 * before it (run.c): the status line already says "NAME: VERB failed:",
 * and at 80 columns the repeat cost the reason its end. */
static const char *
job_reason(const struct job_msg *m)
{
	char said[sizeof m->name + 32];
	size_t n;

	snprintf(said, sizeof said, "cannot %s %s: ", job_verb(m->job), m->name);
	n = strlen(said);
	return strncmp(m->text, said, n) == 0 ? m->text + n : m->text;
}

void
job_drain(struct app *a)
{
	struct job_msg m;
	ssize_t n;

	while ((n = read(job_pipe[0], &m, sizeof m)) == (ssize_t)sizeof m) {
		m.text[sizeof m.text - 1] = '\0';
		m.name[sizeof m.name - 1] = '\0';
		if (m.job == JOB_IMPORT) {
			job_import_drain(a, &m);
			continue;
		}
		if (m.job == JOB_PROBE) {
			job_count--;
			if (m.rc == 1)
				snprintf(a->accel_text, sizeof a->accel_text, "KVM: yes");
			else
				snprintf(a->accel_text, sizeof a->accel_text, "KVM: no (TCG)");
			snprintf(a->accel_why, sizeof a->accel_why, "%.200s", m.text);
			a->status->dirty = 1;
			continue;
		}
		if (m.job == JOB_SCAN) {
			job_count--;
			if (m.rc != 0)
				app_msg(a, APP_MSG_WARN, "scanning images/: %s", m.text);
			else if (m.text[0]) {
				app_msg(a, APP_MSG_INFO, "%s", m.text);
				app_reload(a);
			}
			continue;
		}
		if (m.kind == JOB_MSG_STEP) {
			app_msg(a, APP_MSG_INFO, "%s: %s", m.name, m.text);
			continue;
		}
		job_count--;
		job_mark(m.node_id, 0);
		if (m.rc == 0)
			app_msg(a, APP_MSG_INFO, "%s: %s done", m.name, job_verb(m.job));
		else
			app_msg(a, APP_MSG_ERROR, "%s: %s failed: %s", m.name, job_verb(m.job),
			    job_reason(&m));
		/* The reload also attaches consoles of nodes that now run. */
		app_reload(a);
	}
}
