/*
 * keeper.c: the keeper of one running node. One poll loop over QEMU's
 * serial line, stderr and QMP socket, the console and control sockets,
 * their clients and a signalfd. It never blocks on a client and never
 * wakes up unless something happened or a deadline it set (start
 * timeout, stop grace) is due. It must not trust a pid it did not start
 * while holding the node's lock. A node on another host has no QEMU
 * child: its keeper holds the domain through rdom.h, whose console and
 * events arrive as descriptors in the same loop.
 */
#include "keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accel.h"
#include "bufq.h"
#include "cloudinit.h"
#include "conlog.h"
#include "console.h"
#include "db.h"
#include "disk.h"
#include "domxml.h"
#include "firmware.h"
#include "host.h"
#include "image.h"
#include "lab.h"
#include "link.h"
#include "net.h"
#include "node.h"
#include "proc.h"
#include "qemu.h"
#include "qmp.h"
#include "rdom.h"
#include "remote.h"
#include "ring.h"
#include "runrow.h"
#include "runstate.h"
#include "sanitize.h"
#include "seed.h"
#include "stopmode.h"
#include "vnc.h"
#include "wire.h"

#define KEEPER_REPLAY        (256u << 10)   /* replay ring */
#define KEEPER_CLIENTS_MAX   CONSOLE_CLIENTS_MAX
/* A client further behind than this is disconnected: the guest and the
 * other clients never wait for it. */
#define KEEPER_CLIENT_QUEUE  (KEEPER_REPLAY + (256u << 10))
#define KEEPER_TO_GUEST_MAX  (64u << 10)
#define KEEPER_READ_CHUNK    (64u << 10)
#define KEEPER_START_MS      60000
#define KEEPER_VNC_TRIES     10
#define KEEPER_ERR_TAIL      4096
/* The longest wait between attempts to reach a remote node's host again. */
#define KEEPER_RETRY_MAX_S   30
#define KEEPER_LOCK_TRIES    100            /* x 10 ms: outlasts a reader's brief shared lock */
#define KEEPER_CTL_LINE      128
#define KEEPER_LOG_MAX       (1 << 20)      /* its own log, started afresh beyond this */
/* A capture client further behind than this loses frames, not the link. */
#define KEEPER_CAPTURE_QUEUE (4u << 20)
/* QEMU's child keeps this descriptor (the last its keep mask can name)
 * until its exec closes it: the keeper waits for that before it goes on,
 * so on a busy machine its own work never keeps QEMU's exec waiting. */
#define KEEPER_EXEC_FD       (3 + 63)
_Static_assert(NET_WIRE_FD_BASE + NET_NIC_IDX_MAX < KEEPER_EXEC_FD, "the wire's descriptors stay below");

struct kclient {
	int         fd;
	struct bufq out;
};

struct kctl {
	int         fd;
	char        in[KEEPER_CTL_LINE];
	size_t      inlen;
	struct bufq out;
	int         capture;    /* 1 + the NIC whose frames it gets; 0: a control client */
};

enum kstop {
	STOP_NONE,
	STOP_POWERDOWN,   /* ACPI powerdown sent; waiting out the grace */
	STOP_QUIT,        /* QMP quit (or SIGTERM while starting) sent */
	STOP_KILLED,      /* SIGKILL sent */
};

struct keeper {
	struct lab   *lab;
	struct node   node;
	char         *dir, *lock_path, *con_path, *live_path, *ctl_path, *log_path, *pw_path;
	char         *end_path;
	int           end_kept;     /* the end is in end_path, not in the db */
	int           lock_fd, report_fd, sig_fd, con_fd, live_fd, ctl_fd;
	int           go_fd;        /* run.c's word to go on, or -1 */
	int           own_log;      /* diagnostics to the node's keeper log */
	int           sent_away;    /* run.c called the start off: say nothing */
	int           gone_fd;      /* inotify: our lock file was deleted */
	const char   *vnc_host;     /* NULL: loopback */
	char         *vnc_pw;
	struct accel_choice accel;
	int           display;
	int           skip[KEEPER_VNC_TRIES];
	int           nskip;
	int           tcg_retried;
	/* The current QEMU. */
	pid_t         qemu_pid;
	int           serial_fd, err_fd, qmp_fd;
	struct qmp_reader qmp_in;
	struct bufq   qmp_out;
	long long     qmp_id, caps_id, pw_id, status_id;
	int           boot_nics[QEMU_BOOT_MAX]; /* the NICs QEMU got, for its boot order */
	int           nboot_nics;
	long long     cdrom_id;     /* the medium change under way, or -1 */
	int           cdrom_fd;     /* the control client that asked for it */
	char          errtail[KEEPER_ERR_TAIL];
	size_t        errlen;
	char          fail_msg[ERR_MAX]; /* a whole err: report lines cut it to fit */
	int           ready;
	enum kstop    stop;
	int64_t       deadline;     /* monotonic ms; 0 = nothing pending */
	struct run_exit_facts facts;
	/* The console. */
	struct ring   ring;
	struct conlog log;
	struct bufq   to_guest;
	struct kclient *clients;
	size_t        nclients;
	struct kctl  *ctls;
	size_t        nctls;
	int           done;
	int           locked;       /* the lock is ours: so are the sockets */
	int           attended;     /* keeper_attend done: sockets, log, end room */
	struct wire  *wire;         /* the NICs' live wires (wire.h) */
	/* A node on another host: its domain there, through libvirt. */
	struct rdom  *rdom;
	struct host   host;
	int           rrunning;     /* the domain runs (no event said it ended) */
	char         *rname;        /* the domain's name on the host */
	int           rlost;        /* the connection dropped: rdom is NULL, retrying */
	int           rtries;       /* attempts to reconnect so far */
	int64_t       rretry_at;    /* monotonic ms of the next attempt */
};

static void keeper_finish(struct keeper *k, int wait_status);
static int keeper_attend(struct keeper *k, struct err *e);
static void keeper_close_qemu_fds(struct keeper *k);
static void keeper_signal_qemu(struct keeper *k, int sig);
static int keeper_remote_start(struct keeper *k);
static void keeper_remote_destroy(struct keeper *k);
static void keeper_remote_shutdown(struct keeper *k);
static void keeper_remote_event(struct keeper *k);
static void keeper_remote_let_go(struct keeper *k);
static void keeper_remote_wire(struct keeper *k, char *reply, size_t len);
static void keeper_remote_step(void *arg, const char *fmt, ...);

/* Diagnostics go to the keeper's own log (its stderr), with a time. */
static void
klog(const char *fmt, ...)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	fprintf(stderr, "%s keeper[%d]: ", ts, (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
kctl_send(struct kctl *c, const char *line)
{
	bufq_push(&c->out, line, strlen(line));
	bufq_flush(&c->out, c->fd);
}

/* One step of a start or a stop: to whoever started us and to every
 * control client. */
static void
keeper_step(struct keeper *k, const char *fmt, ...)
{
	/* "step ", the text and a newline fit in a report line */
	char text[KEEPER_LINE_MAX - 8], line[KEEPER_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	klog("%s", text);
	snprintf(line, sizeof line, "step %s\n", text);
	if (k->report_fd >= 0)
		write_all(k->report_fd, line, strlen(line));
	for (size_t i = 0; i < k->nctls; i++)
		if (!k->ctls[i].capture)
			kctl_send(&k->ctls[i], line);
}

static void
keeper_report_end(struct keeper *k, const char *word, const char *text)
{
	char line[KEEPER_LINE_MAX];
	/* the word, a space and a newline beside the text fit in the line */
	int room = (int)(sizeof line - strlen(word) - 3);

	if (k->report_fd < 0)
		return;
	snprintf(line, sizeof line, "%s%s%.*s\n", word, text ? " " : "", room, text ? text : "");
	write_all(k->report_fd, line, strlen(line));
	close(k->report_fd);
	k->report_fd = -1;
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A listening unix socket at path, mode 0600, replacing a stale one. */
static int
keeper_listen(const char *path, int backlog, struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof sa.sun_path)
		return err_set(e, "socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_sys(e, "cannot create a socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(path, 0600) != 0 ||
	    listen(fd, backlog) != 0) {
		err_sys(e, "cannot listen on %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- the previous run ---- */

/* 1 when pid is a QEMU whose command line opens this node's overlay. */
static int
keeper_is_our_qemu(struct keeper *k, int pid)
{
	char path[64], buf[8192], *want, *esc;
	ssize_t n;
	int fd, hit = 0;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	esc = qemu_escape(k->node.overlay);
	want = xasprintf("file=%s,format=", esc);
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		if (strncmp(p, want, strlen(want)) == 0)
			hit = 1;
	free(esc);
	free(want);
	return hit;
}

/* We hold the lock, so no keeper lives for this node. A row still saying
 * starting/running/stopping means the last keeper died: say so, and make
 * sure its QEMU (which PR_SET_PDEATHSIG should already have killed) is
 * gone, checking its command line, not just its pid. */
static int
keeper_clean_stale(struct keeper *k, struct err *e0)
{
	struct run_row r;
	struct err e;

	unlink(k->con_path);
	unlink(k->live_path);
	unlink(k->ctl_path);
	unlink(k->pw_path);
	/* The last keeper's end, kept because the db could not take it. */
	if (runstate_end_apply(k->lab, k->node.id, &r)) {
		k->end_kept = access(k->end_path, F_OK) == 0;
		if (k->end_kept)
			return err_set(e0, "the end of the node's last run is not recorded yet: the lab "
			    "database cannot be written (is its disk full?)");
		return 0;
	}
	if (runrow_get(k->lab->db, k->node.id, &r, &e) != 0 || !r.present)
		return 0;
	if (strcmp(r.state, "starting") != 0 && strcmp(r.state, "running") != 0 &&
	    strcmp(r.state, "stopping") != 0)
		return 0;
	klog("the previous keeper (pid %d) died while the node was %s", r.keeper_pid, r.state);
	if (r.qemu_pid > 0 && keeper_is_our_qemu(k, r.qemu_pid)) {
		klog("killing its QEMU (pid %d), still running", r.qemu_pid);
		kill(r.qemu_pid, SIGKILL);
		for (int i = 0; i < 500 && kill(r.qemu_pid, 0) == 0 && keeper_is_our_qemu(k, r.qemu_pid); i++)
			usleep(10000);
	}
	if (runrow_finish(k->lab->db, k->node.id, "crashed", "crashed",
	    "its keeper died; found by the next start", &e) != 0)
		klog("%s", e.msg);
	return 0;
}

/* ---- QEMU ---- */

/* A frame on NIC idx's wire, to each client capturing it. A client that
 * is behind loses whole frames and never holds up the wire. */
static void
keeper_tap(int idx, const struct wire_rec *r, const void *frame, void *arg)
{
	struct keeper *k = arg;

	for (size_t i = 0; i < k->nctls; i++) {
		struct kctl *c = &k->ctls[i];
		if (c->capture != idx + 1 || c->out.len + sizeof *r + r->caplen > KEEPER_CAPTURE_QUEUE)
			continue;
		bufq_push(&c->out, r, sizeof *r);
		bufq_push(&c->out, frame, r->caplen);
		bufq_flush(&c->out, c->fd);
	}
}

/* QEMU after a failed step of its start: killed and reaped at once (it
 * has not run the guest yet), its descriptors closed. */
static void
keeper_spawn_undo(struct keeper *k)
{
	klog("killing QEMU (pid %d): its start failed", (int)k->qemu_pid);
	keeper_signal_qemu(k, SIGKILL);
	while (k->qemu_pid > 0 && waitpid(k->qemu_pid, NULL, 0) < 0 && errno == EINTR)
		;
	k->qemu_pid = 0;
	keeper_close_qemu_fds(k);
}

/* Starts QEMU. Only what its argv and descriptors need comes before the
 * fork: the rows that record the start, the keeper's sockets and log
 * (keeper_attend) are written while QEMU loads, which takes it tens of
 * milliseconds before it reads its first QMP line. A step that fails
 * then kills QEMU, and the start fails with that step's reason. */
static int
keeper_spawn(struct keeper *k, struct err *e)
{
	int sp[2] = { -1, -1 }, qp[2] = { -1, -1 }, ep[2] = { -1, -1 }, xp[2] = { -1, -1 };
	pid_t keeper = getpid(), pid;
	char **argv, *sig = NULL;
	struct nic *nics = NULL;
	uint64_t wired = 0;
	int nn = 0, rc = -1;

	/* The NICs as the rows say now, not as they were when the keeper
	 * read its node; what QEMU gets is recorded, so a change made while
	 * it runs shows as waiting for a restart. */
	struct qemu_cfg run = { .accel = k->accel.accel, .vnc_display = k->display,
	    .vnc_host = k->vnc_host, .vnc_password = k->vnc_pw != NULL, .qmp_fd = 3,
	    .wire_fd_base = NET_WIRE_FD_BASE };
	struct err we;
	char *seed;
	/* A UEFI node made by an older sandlab, or whose NVRAM file went,
	 * gets one from the template. */
	if (strcmp(k->node.hw.v[HW_FIRMWARE], "uefi") == 0 && firmware_vars_ensure(k->node.overlay, e) != 0)
		return -1;
	/* The seed first: it may add the ssh forward that the argv then has. */
	if (seed_prepare(k->lab, &k->node, &seed, e) != 0)
		return -1;
	run.seed = seed;
	/* A benchmark hook, off unless set: links as QEMU's own direct UDP
	 * (no wire), to measure what the wire costs beside it. */
	int direct = getenv("SANDLAB_BENCH_DIRECT_LINKS") != NULL;
	if (direct)
		run.wire_fd_base = 0;
	/* A fresh wire for each QEMU: a retry's port check must not find the
	 * link ports held by our own last attempt. */
	wire_free(k->wire);
	k->wire = direct ? NULL : wire_new(keeper_tap, k);
	/* One read of the NICs serves the argv, the wire and the boot order. */
	if (net_nics_get(k->lab, k->node.id, &nics, &nn, e) != 0) {
		free(seed);
		return -1;
	}
	argv = net_node_argv_nics(&k->node, &run, nics, nn, 1, &sig, e);
	free(seed);
	if (argv == NULL || (k->wire && wire_plumb(k->wire, nics, nn, &wired, e) != 0))
		goto out;
	k->nboot_nics = 0;
	for (int i = 0; i < nn && k->nboot_nics < QEMU_BOOT_MAX; i++)
		k->boot_nics[k->nboot_nics++] = nics[i].idx;
	/* Serial line and QMP: connected before QEMU runs, so no byte is
	 * lost and there is nothing to connect to. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, qp) != 0 || pipe2(ep, O_CLOEXEC) != 0 ||
	    pipe2(xp, O_CLOEXEC) != 0) {
		err_sys(e, "cannot create QEMU's pipes");
		goto out;
	}
	k->errlen = 0;
	k->errtail[0] = '\0';
	pid = fork();
	if (pid < 0) {
		err_sys(e, "cannot start QEMU");
		goto out;
	}
	if (pid == 0) {
		sigset_t none;
		/* QEMU must never outlive its keeper unowned. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != keeper)
			_exit(127);
		setsid();
		/* Each end first above every place one is moved to, so no
		 * move lands on an end not yet moved. */
		int s = fcntl(sp[1], F_DUPFD_CLOEXEC, 10), er = fcntl(ep[1], F_DUPFD_CLOEXEC, 10),
		    q = fcntl(qp[1], F_DUPFD_CLOEXEC, 10), x = fcntl(xp[1], F_DUPFD_CLOEXEC, KEEPER_EXEC_FD + 1);
		if (s < 0 || er < 0 || q < 0 || x < 0 || dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(er, 2) < 0 ||
		    dup2(q, 3) < 0)
			_exit(127);
		/* The wire's ends to NET_WIRE_FD_BASE + idx: first all above
		 * that range, so no move lands on an end not yet moved. */
		int moved[64];
		for (int i = 0; i < 64; i++)
			if ((moved[i] = wired >> i & 1 ? fcntl(wire_qemu_fd(k->wire, i), F_DUPFD_CLOEXEC,
			    NET_WIRE_FD_BASE + 64) : -1) < 0 && (wired >> i & 1))
				_exit(127);
		for (int i = 0; i < 64; i++)
			if ((wired >> i & 1) && dup2(moved[i], NET_WIRE_FD_BASE + i) < 0)
				_exit(127);
		if (dup3(x, KEEPER_EXEC_FD, O_CLOEXEC) < 0)
			_exit(127);
		proc_close_fds_mask(3, 1 | wired << (NET_WIRE_FD_BASE - 3) | 1ull << (KEEPER_EXEC_FD - 3));
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(sp[1]);
	close(qp[1]);
	close(ep[1]);
	close(xp[1]);
	sp[1] = qp[1] = ep[1] = xp[1] = -1;
	/* End of file: QEMU's exec happened (or its child gave up). */
	while (read(xp[0], &(char){ 0 }, 1) < 0 && errno == EINTR)
		;
	if (k->wire)
		wire_plumbed(k->wire);
	k->qemu_pid = pid;
	k->serial_fd = sp[0];
	k->err_fd = ep[0];
	k->qmp_fd = qp[0];
	sp[0] = qp[0] = ep[0] = -1;
	set_nonblock(k->serial_fd);
	set_nonblock(k->err_fd);
	set_nonblock(k->qmp_fd);
	k->caps_id = k->pw_id = k->status_id = k->cdrom_id = -1;
	k->cdrom_fd = -1;
	k->deadline = mono_ms() + KEEPER_START_MS;
	/* While QEMU loads. */
	if (keeper_attend(k, e) != 0 ||
	    runrow_starting(k->lab->db, k->node.id, k->accel.accel, k->accel.why, (int)getpid(), e) != 0 ||
	    net_record(k->lab, k->node.id, sig, e) != 0 || node_hw_started(k->lab, &k->node, e) != 0) {
		keeper_spawn_undo(k);
		goto out;
	}
	if (k->wire && wire_load_nics(k->wire, k->lab, k->node.id, nics, nn, &we) != 0)
		keeper_step(k, "a link is not wired: %s", we.msg);
	keeper_step(k, "QEMU started (pid %d, %s, VNC %s:%d)", (int)pid, k->accel.accel,
	    k->vnc_host ? k->vnc_host : QEMU_VNC_HOST, QEMU_VNC_PORT_BASE + k->display);
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (sp[i] >= 0)
			close(sp[i]);
		if (qp[i] >= 0)
			close(qp[i]);
		if (ep[i] >= 0)
			close(ep[i]);
		if (xp[i] >= 0)
			close(xp[i]);
	}
	free(sig);
	nic_list_free(nics, nn);
	proc_argv_free(argv);
	return rc;
}

/* A test hook, off unless $SANDLAB_TEST_VNC_GATE names a path: before its
 * first QEMU, the keeper writes the display it chose to PATH.display and
 * waits (up to 30 s) for PATH.go, so a test can take that port between
 * the choice and QEMU's bind, the race the retry exists for. */
static int
keeper_test_gate(struct keeper *k)
{
	const char *gate = getenv("SANDLAB_TEST_VNC_GATE");
	char *shown, *go;
	int fd;

	if (gate == NULL || *gate == '\0' || k->nskip > 0)
		return 0;
	shown = xasprintf("%s.display", gate);
	go = xasprintf("%s.go", gate);
	fd = open(shown, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dprintf(fd, "%d\n", k->display);
		close(fd);
	}
	for (int i = 0; i < 3000 && access(go, F_OK) != 0; i++)
		usleep(10000);
	free(shown);
	free(go);
	return 0;
}

/* Reserves a display and starts QEMU; on failure the keeper is done. */
static int
keeper_attempt(struct keeper *k)
{
	struct err e;

	if (!node_is_local(&k->node))
		return keeper_remote_start(k);
	if (vnc_reserve(k->lab, k->node.id, k->vnc_host, k->skip, k->nskip, &k->display, &e) != 0 ||
	    keeper_test_gate(k) != 0 || keeper_spawn(k, &e) != 0) {
		snprintf(k->fail_msg, sizeof k->fail_msg, "%.*s", (int)sizeof k->fail_msg - 1, e.msg);
		return -1;
	}
	return 0;
}

static void
keeper_qmp_send(struct keeper *k, const char *execute, const char *args, long long *id)
{
	char *line;

	if (k->qmp_fd < 0)
		return;
	*id = ++k->qmp_id;
	line = qmp_command(execute, args, *id);
	bufq_push(&k->qmp_out, line, strlen(line));
	free(line);
	bufq_flush(&k->qmp_out, k->qmp_fd);
}

static void
keeper_close_qemu_fds(struct keeper *k)
{
	if (k->serial_fd >= 0)
		close(k->serial_fd);
	if (k->err_fd >= 0)
		close(k->err_fd);
	if (k->qmp_fd >= 0)
		close(k->qmp_fd);
	k->serial_fd = k->err_fd = k->qmp_fd = -1;
	if (k->wire != NULL)
		wire_unplug(k->wire);
	qmp_reader_free(&k->qmp_in);
	bufq_free(&k->qmp_out);
	bufq_free(&k->to_guest);
}

/* A boot-once is for this start's first boot only: its device came first
 * in the argv's bootindexes (qemu_boot_plan), since -boot once has no
 * bootindex equivalent. Once QEMU runs, the node's own order goes back
 * over QMP; QEMU hands the firmware the changed list at the next reset (a
 * reboot of the guest), so the first boot stays the boot-once's. Every
 * index is cleared first: two devices may not hold the same one. */
static void
keeper_boot_restore(struct keeper *k)
{
	struct qemu_boot once[QEMU_BOOT_MAX], after[QEMU_BOOT_MAX];
	int nonce, nafter;

	if (k->node.hw.v[HW_BOOT_ONCE][0] == '\0')
		return;
	nonce = qemu_boot_plan(&k->node.hw, k->boot_nics, k->nboot_nics, 1, once);
	nafter = qemu_boot_plan(&k->node.hw, k->boot_nics, k->nboot_nics, 0, after);
	for (int i = 0; i < nonce + nafter; i++) {
		const struct qemu_boot *b = i < nonce ? &once[i] : &after[i - nonce];
		char *path = xasprintf("/machine/peripheral/%s", b->id);
		json_t *a = json_pack("{s:s, s:s, s:i}", "path", path, "property", "bootindex",
		    "value", i < nonce ? -1 : b->index);
		char *s = json_dumps(a, JSON_COMPACT);
		keeper_qmp_send(k, "qom-set", s, &(long long){ 0 });
		free(s);
		free(path);
		json_decref(a);
	}
	klog("boot-once %s: the guest's next reboot follows the node's boot order",
	    k->node.hw.v[HW_BOOT_ONCE]);
}

static void
keeper_ready(struct keeper *k)
{
	struct err e;
	char vnc[80];

	k->ready = 1;
	k->facts.started = 1;
	if (k->stop == STOP_NONE)
		k->deadline = 0;
	if (runrow_running(k->lab->db, k->node.id, (int)k->qemu_pid, &e) != 0)
		klog("%s", e.msg);
	vnc_address(k->vnc_host, k->display, vnc, sizeof vnc);
	keeper_step(k, "running (%s%s%s), VNC on %s", k->accel.accel, k->accel.why[0] ? ": " : "",
	    k->accel.why, vnc);
	keeper_boot_restore(k);
	keeper_report_end(k, "ready", NULL);
}

/* ---- the console ---- */

static void
keeper_drop_client(struct keeper *k, size_t i)
{
	close(k->clients[i].fd);
	bufq_free(&k->clients[i].out);
	k->clients[i] = k->clients[--k->nclients];
}

static void
keeper_guest_output(struct keeper *k, const char *p, size_t n)
{
	conlog_write(&k->log, p, n);
	ring_add(&k->ring, p, n);
	for (size_t i = 0; i < k->nclients; ) {
		struct kclient *c = &k->clients[i];
		if (c->out.len + n > KEEPER_CLIENT_QUEUE) {
			klog("console client too far behind (%zu bytes queued); disconnected", c->out.len);
			keeper_drop_client(k, i);
			continue;
		}
		bufq_push(&c->out, p, n);
		if (bufq_flush(&c->out, c->fd) < 0) {
			keeper_drop_client(k, i);
			continue;
		}
		i++;
	}
}

/* Reads what the guest wrote; 0 at end of file. */
static int
keeper_read_serial(struct keeper *k)
{
	char buf[KEEPER_READ_CHUNK];
	ssize_t n = read(k->serial_fd, buf, sizeof buf);

	if (n > 0) {
		keeper_guest_output(k, buf, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	return 0;
}

static void
keeper_read_stderr(struct keeper *k)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(k->err_fd, buf, sizeof buf)) > 0) {
		/* Keep the tail: the last lines say why QEMU failed. */
		if ((size_t)n >= sizeof k->errtail - 1) {
			memcpy(k->errtail, buf + n - (sizeof k->errtail - 1), sizeof k->errtail - 1);
			k->errlen = sizeof k->errtail - 1;
		} else {
			if (k->errlen + (size_t)n > sizeof k->errtail - 1) {
				size_t drop = k->errlen + (size_t)n - (sizeof k->errtail - 1);
				memmove(k->errtail, k->errtail + drop, k->errlen - drop);
				k->errlen -= drop;
			}
			memcpy(k->errtail + k->errlen, buf, (size_t)n);
			k->errlen += (size_t)n;
		}
		k->errtail[k->errlen] = '\0';
		fprintf(stderr, "qemu: %.*s", (int)n, buf);
	}
	if (n == 0) {
		close(k->err_fd);
		k->err_fd = -1;
	}
}

/* A client of console.sock gets the replay first; one of live.sock only
 * what the guest writes from now on (scripts waiting for new output). */
static void
keeper_accept_client(struct keeper *k, int listen_fd, int replay)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (k->nclients >= KEEPER_CLIENTS_MAX) {
		/* Fits any socket buffer: a nonblocking write is whole. */
		klog("console client refused: %d clients already", KEEPER_CLIENTS_MAX);
		if (write(fd, CONSOLE_REFUSED_LINE, sizeof CONSOLE_REFUSED_LINE - 1) < 0)
			klog("cannot tell the refused client why: %s", strerror(errno));
		close(fd);
		return;
	}
	k->clients = xreallocarray(k->clients, k->nclients + 1, sizeof *k->clients);
	struct kclient *c = &k->clients[k->nclients++];
	memset(c, 0, sizeof *c);
	c->fd = fd;
	if (replay)
		ring_copy(&k->ring, &c->out);
	if (bufq_flush(&c->out, fd) < 0)
		keeper_drop_client(k, k->nclients - 1);
}

/* Input from a client for the guest; 0 when the client went away. */
static int
keeper_client_input(struct keeper *k, struct kclient *c)
{
	char buf[4096];
	size_t room = KEEPER_TO_GUEST_MAX - k->to_guest.len;
	ssize_t n = read(c->fd, buf, room < sizeof buf ? room : sizeof buf);

	if (n == 0)
		return 0;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (k->serial_fd >= 0) {
		bufq_push(&k->to_guest, buf, (size_t)n);
		if (bufq_flush(&k->to_guest, k->serial_fd) < 0)
			bufq_free(&k->to_guest);
	}
	return 1;
}

/* ---- stopping ---- */

static void
keeper_broadcast_end(struct keeper *k, const struct run_exit *x)
{
	char line[KEEPER_LINE_MAX];
	/* "end", the state, the kind, three spaces and a newline beside the
	 * detail fit in the line: the detail is cut, the newline kept */
	int room = (int)(sizeof line - strlen(x->state) - strlen(x->kind) - 8);

	snprintf(line, sizeof line, "end %s %s %.*s\n", x->state, x->kind, room, x->detail);
	for (size_t i = 0; i < k->nctls; i++)
		if (!k->ctls[i].capture)
			kctl_send(&k->ctls[i], line);
}

/* Only ever our own child, by the pid fork gave us: never 0 or -1,
 * which would signal a process group. */
static void
keeper_signal_qemu(struct keeper *k, int sig)
{
	if (k->qemu_pid > 0)
		kill(k->qemu_pid, sig);
}

static void
keeper_kill(struct keeper *k, int user)
{
	if (k->qemu_pid <= 0 && !k->rrunning)
		return;
	if (k->rlost) {
		keeper_remote_let_go(k);
		return;
	}
	if (user)
		k->facts.user_kill = 1;
	else
		k->facts.stop_killed = 1;
	if (k->rdom != NULL)
		keeper_remote_destroy(k);
	else
		keeper_signal_qemu(k, SIGKILL);
	k->stop = STOP_KILLED;
	k->deadline = 0;
}

/* The node's stop method, read when the stop comes (node set may have
 * changed it while the node ran). A grace given with the stop (>= 0)
 * replaces the node's; a poweroff node is quit at once either way, since
 * its guest ignores ACPI. */
static int
keeper_stop_mode(struct keeper *k, int *grace_s)
{
	struct stopmode m;
	struct err e;

	if (stopmode_get(k->lab, k->node.id, &m, &e) != 0)
		klog("%s", e.msg);
	if (*grace_s < 0)
		*grace_s = m.grace_s;
	return m.poweroff;
}

/* grace_s < 0: the node's own (stopmode.h). */
static void
keeper_stop(struct keeper *k, int grace_s)
{
	struct err e;
	int poweroff = keeper_stop_mode(k, &grace_s);
	int64_t until = mono_ms() + (int64_t)grace_s * 1000;

	if (k->rlost) {
		keeper_remote_let_go(k);
		return;
	}
	if (k->stop == STOP_POWERDOWN) {
		/* A second stop may only shorten the wait. */
		if (until < k->deadline) {
			k->deadline = until;
			k->facts.stop_grace_s = grace_s;
		}
		keeper_step(k, "already stopping");
		return;
	}
	if (k->stop != STOP_NONE) {
		keeper_step(k, "already stopping");
		return;
	}
	k->facts.stop_requested = 1;
	k->facts.stop_grace_s = grace_s;
	if (!k->ready) {
		/* QMP is not up yet: QEMU handles SIGTERM as a clean quit. */
		keeper_signal_qemu(k, SIGTERM);
		k->stop = STOP_QUIT;
		k->deadline = mono_ms() + KEEPER_QUIT_WAIT_S * 1000;
		keeper_step(k, "QEMU is still starting; sent it SIGTERM");
		return;
	}
	if (poweroff) {
		if (runrow_stopping(k->lab->db, k->node.id, "power off", &e) != 0)
			klog("%s", e.msg);
		k->facts.stop_poweroff = 1;
		k->stop = STOP_QUIT;
		k->deadline = mono_ms() + KEEPER_QUIT_WAIT_S * 1000;
		if (k->rdom != NULL) {
			keeper_step(k, "powering off at once (stop method poweroff): destroying the domain");
			keeper_remote_destroy(k);
			return;
		}
		keeper_qmp_send(k, "quit", NULL, &(long long){ 0 });
		keeper_step(k, "powering off at once (stop method poweroff); sent QMP quit");
		return;
	}
	if (runrow_stopping(k->lab->db, k->node.id, "ACPI powerdown", &e) != 0)
		klog("%s", e.msg);
	if (k->rdom != NULL)
		keeper_remote_shutdown(k);
	else
		keeper_qmp_send(k, "system_powerdown", NULL, &(long long){ 0 });
	k->stop = STOP_POWERDOWN;
	k->deadline = until;
	keeper_step(k, "sent ACPI powerdown; waiting up to %d s for the guest to power off", grace_s);
}

static void
keeper_deadline(struct keeper *k)
{
	long long id;

	k->deadline = 0;
	switch (k->stop) {
	case STOP_POWERDOWN:
		k->facts.stop_quit_sent = 1;
		if (k->rdom != NULL) {
			/* libvirt has no quit between ACPI and destroy. */
			keeper_step(k, "the guest did not power off within %d s; destroying the domain",
			    k->facts.stop_grace_s);
			keeper_kill(k, 0);
			break;
		}
		keeper_qmp_send(k, "quit", NULL, &id);
		k->stop = STOP_QUIT;
		k->deadline = mono_ms() + KEEPER_QUIT_WAIT_S * 1000;
		keeper_step(k, "the guest did not power off within %d s; sent QMP quit",
		    k->facts.stop_grace_s);
		break;
	case STOP_QUIT:
		keeper_step(k, "QEMU did not quit within %d s; killing it", KEEPER_QUIT_WAIT_S);
		keeper_kill(k, 0);
		break;
	case STOP_NONE:
		if (!k->ready) {
			snprintf(k->fail_msg, sizeof k->fail_msg,
			    "QEMU did not become ready within %d s", KEEPER_START_MS / 1000);
			keeper_step(k, "%s; killing it", k->fail_msg);
			keeper_signal_qemu(k, SIGKILL);
		}
		break;
	case STOP_KILLED:
		break;
	}
}

/* Answers the control client that asked for the medium change. */
static void
keeper_cdrom_reply(struct keeper *k, const char *fmt, const char *text)
{
	char line[480];

	snprintf(line, sizeof line, fmt, text);
	for (size_t i = 0; i < k->nctls; i++)
		if (k->ctls[i].fd == k->cdrom_fd)
			kctl_send(&k->ctls[i], line);
	k->cdrom_id = -1;
	k->cdrom_fd = -1;
}

/* The medium change of a node on another host, at once (the keeper waits
 * for libvirt, as it does for a start): the ISO the row names goes to
 * the host once, as a start sends it (rdom_image), and the running
 * domain's CD-ROM drive gets it, or is emptied, live
 * (virDomainUpdateDeviceFlags on the drive's target, forced like QEMU's
 * eject). */
static void
keeper_remote_cdrom(struct keeper *k, const struct node *n)
{
	const char *iso = n->hw.v[HW_CDROM];
	char *path = NULL, *xml = NULL, dev[16], bus[16], why[ERR_MAX];
	struct err e;

	if (k->rdom == NULL) {
		keeper_cdrom_reply(k, "cdrom error host %s is unreachable; change it when the host answers "
		    "again (sandlab node show says)\n", k->host.name);
		return;
	}
	if (rdom_cdrom_target(k->rdom, dev, sizeof dev, bus, sizeof bus) != 0) {
		keeper_cdrom_reply(k, "cdrom error its domain on host %s has no CD-ROM drive (a run started "
		    "before sandlab gave every remote node one): restart it\n", k->host.name);
		return;
	}
	if (iso[0] && rdom_image(k->rdom, n->hw.file[HW_CDROM], n->hw.id[HW_CDROM], keeper_remote_step, k,
	    &path, &e) != 0) {
		snprintf(why, sizeof why, "%s", e.msg);
		err_set(&e, "cannot put %s on host %s: %s", iso, k->host.name, why);
	} else if ((xml = domxml_cdrom_disk(dev, bus, path, &e)) != NULL &&
	    rdom_update_device(k->rdom, xml, 1, &e) == 0) {
		keeper_step(k, "host %s: %s", k->host.name, iso[0] ? "the CD-ROM drive holds the new medium" :
		    "the CD-ROM drive is empty");
		e.msg[0] = '\0';
	} else {
		snprintf(why, sizeof why, "%s", e.msg);
		err_set(&e, "libvirt on host %s refused the medium change: %s", k->host.name, why);
	}
	if (e.msg[0])
		keeper_cdrom_reply(k, "cdrom error %s\n", e.msg);
	else
		keeper_cdrom_reply(k, "cdrom ok%s\n", "");
	free(path);
	free(xml);
}

/* "cdrom": puts the medium the node's row now names into the drive, or
 * ejects it when the row names none. The row is the truth (node cdrom
 * records it first), so nothing from the socket reaches QEMU (or libvirt)
 * as a path. */
static void
keeper_cdrom(struct keeper *k, int fd)
{
	struct node n;
	struct err e;
	json_t *a;
	char *s;

	if (!k->ready || k->stop != STOP_NONE || k->cdrom_id >= 0) {
		for (size_t i = 0; i < k->nctls; i++)
			if (k->ctls[i].fd == fd)
				kctl_send(&k->ctls[i], k->cdrom_id >= 0 ? "cdrom error a medium change is under way\n" :
				    "cdrom error the node is not running\n");
		return;
	}
	if (node_get(k->lab, k->node.id, &n, &e) != 0) {
		k->cdrom_fd = fd;
		keeper_cdrom_reply(k, "cdrom error %s\n", e.msg);
		return;
	}
	if (!node_is_local(&k->node)) {
		k->cdrom_fd = fd;
		keeper_remote_cdrom(k, &n);
		node_clear(&n);
		return;
	}
	if (n.hw.v[HW_CDROM][0])
		a = json_pack("{s:s, s:s, s:s, s:s}", "id", QEMU_CDROM_ID, "filename", n.hw.file[HW_CDROM],
		    "format", "raw", "read-only-mode", "read-only");
	else
		a = json_pack("{s:s, s:b}", "id", QEMU_CDROM_ID, "force", 1);
	s = json_dumps(a, JSON_COMPACT);
	k->cdrom_fd = fd;
	klog("CD-ROM: %s", n.hw.v[HW_CDROM][0] ? "changing the medium" : "ejecting");
	keeper_qmp_send(k, n.hw.v[HW_CDROM][0] ? "blockdev-change-medium" : "eject", s, &k->cdrom_id);
	free(s);
	json_decref(a);
	node_clear(&n);
}

static void
keeper_ctl_command(struct keeper *k, struct kctl *c, const char *line)
{
	long grace, idx;
	struct err e;
	char reply[512];

	if (strcmp(line, "cdrom") == 0)
		keeper_cdrom(k, c->fd);
	else if (strcmp(line, "wire") == 0) {
		/* A link of this node changed in the lab: in effect now. */
		if (k->wire != NULL && !node_is_local(&k->node))
			keeper_remote_wire(k, reply, sizeof reply);
		else if (k->wire == NULL)
			snprintf(reply, sizeof reply, "wired\n");
		else if (wire_load(k->wire, k->lab, k->node.id, &e) != 0)
			snprintf(reply, sizeof reply, "wire-failed %.300s\n", e.msg);
		else
			snprintf(reply, sizeof reply, "wired\n");
		kctl_send(c, reply);
	} else if (strncmp(line, "capture ", 8) == 0 && parse_int(line + 8, 0, NET_NIC_IDX_MAX, &idx) == 0) {
		if (k->wire == NULL || wire_qemu_plugged(k->wire, (int)idx) == 0) {
			snprintf(reply, sizeof reply, "capture-failed eth%ld is not on a wire (no such NIC, "
			    "or user-mode NAT)\n", idx);
			kctl_send(c, reply);
		} else {
			kctl_send(c, "capturing\n");
			c->capture = 1 + (int)idx;
		}
	} else if (strncmp(line, "stop ", 5) == 0 && parse_int(line + 5, -1, 86400, &grace) == 0)
		keeper_stop(k, (int)grace);
	else if (strcmp(line, "kill") == 0) {
		keeper_step(k, k->rdom != NULL ? "destroying the domain" : "killing QEMU (SIGKILL)");
		keeper_kill(k, 1);
	} else
		klog("unknown control command ignored");
}

/* Reads control lines; 0 when the client went away. */
static int
keeper_ctl_input(struct keeper *k, size_t i)
{
	struct kctl *c = &k->ctls[i];
	ssize_t n;
	char *nl;

	if (c->capture) {
		/* Only its going away matters. */
		char drop[256];
		n = read(c->fd, drop, sizeof drop);
		return n != 0 && (n > 0 || errno == EAGAIN || errno == EINTR);
	}
	n = read(c->fd, c->in + c->inlen, sizeof c->in - 1 - c->inlen);
	if (n == 0)
		return 0;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	while ((nl = memchr(k->ctls[i].in, '\n', k->ctls[i].inlen)) != NULL) {
		char line[KEEPER_CTL_LINE];
		c = &k->ctls[i];
		size_t len = (size_t)(nl - c->in);
		memcpy(line, c->in, len);
		line[len] = '\0';
		memmove(c->in, nl + 1, c->inlen - len - 1);
		c->inlen -= len + 1;
		keeper_ctl_command(k, c, line);
		if (c->capture)
			break;  /* what a capture client sends after is not read */
	}
	if (k->ctls[i].inlen == sizeof k->ctls[i].in - 1)
		return 0; /* a line too long to be ours */
	return 1;
}

static void
keeper_drop_ctl(struct keeper *k, size_t i)
{
	close(k->ctls[i].fd);
	bufq_free(&k->ctls[i].out);
	k->ctls[i] = k->ctls[--k->nctls];
}

static void
keeper_accept_ctl(struct keeper *k)
{
	int fd = accept4(k->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (k->nctls >= KEEPER_CLIENTS_MAX) {
		close(fd);
		return;
	}
	k->ctls = xreallocarray(k->ctls, k->nctls + 1, sizeof *k->ctls);
	memset(&k->ctls[k->nctls], 0, sizeof *k->ctls);
	k->ctls[k->nctls++].fd = fd;
}

/* ---- QMP ---- */

static void
keeper_qmp_line(struct keeper *k, const char *line, size_t len)
{
	struct qmp_msg m;

	if (qmp_parse(line, len, &m) != 0) {
		klog("QMP sent something that is not a JSON object; ignored");
		return;
	}
	switch (m.kind) {
	case QMP_GREETING:
		keeper_qmp_send(k, "qmp_capabilities", NULL, &k->caps_id);
		break;
	case QMP_RETURN:
		if (m.id >= 0 && m.id == k->cdrom_id) {
			keeper_cdrom_reply(k, "cdrom ok%s\n", "");
			break;
		}
		/* Set-up, in order: capabilities, the VNC password if any, then
		 * query-status, whose "running" makes the node ready. */
		if (k->ready || m.id < 0)
			break;
		if (m.id == k->caps_id && k->vnc_pw != NULL) {
			json_t *a = json_pack("{s:s, s:s}", "protocol", "vnc", "password", k->vnc_pw);
			char *s = json_dumps(a, JSON_COMPACT);
			keeper_qmp_send(k, "set_password", s, &k->pw_id);
			free(s);
			json_decref(a);
		} else if (m.id == k->caps_id || m.id == k->pw_id)
			keeper_qmp_send(k, "query-status", NULL, &k->status_id);
		else if (m.id == k->status_id) {
			if (strcmp(m.status, "running") == 0)
				keeper_ready(k);
			else {
				snprintf(k->fail_msg, sizeof k->fail_msg, "QEMU is %s, not running, after "
				    "start-up", m.status);
				keeper_signal_qemu(k, SIGKILL);
			}
		}
		break;
	case QMP_ERROR:
		klog("QMP error: %s", m.error);
		if (m.id >= 0 && m.id == k->cdrom_id) {
			keeper_cdrom_reply(k, "cdrom error QEMU refused the medium change: %s\n", m.error);
			break;
		}
		if (m.id >= 0 && (m.id == k->caps_id || m.id == k->pw_id || m.id == k->status_id) &&
		    !k->ready) {
			snprintf(k->fail_msg, sizeof k->fail_msg, "QMP refused set-up: %.120s", m.error);
			keeper_signal_qemu(k, SIGKILL);
		}
		break;
	case QMP_EVENT:
		if (strcmp(m.event, "SHUTDOWN") == 0) {
			k->facts.shutdown_seen = 1;
			k->facts.shutdown_guest = m.guest;
			snprintf(k->facts.shutdown_reason, sizeof k->facts.shutdown_reason, "%s", m.reason);
		}
		break;
	case QMP_OTHER:
		break;
	}
}

static void
keeper_read_qmp(struct keeper *k)
{
	char buf[8192];
	ssize_t n = read(k->qmp_fd, buf, sizeof buf);
	const char *line;
	size_t len;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || qmp_reader_feed(&k->qmp_in, buf, (size_t)n) != 0) {
		/* QEMU is going away (its exit arrives as SIGCHLD). */
		close(k->qmp_fd);
		k->qmp_fd = -1;
		return;
	}
	while (qmp_reader_next(&k->qmp_in, &line, &len))
		keeper_qmp_line(k, line, len);
}

/* ---- QEMU's end ---- */

static void
keeper_qemu_exited(struct keeper *k, int status)
{
	struct accel_choice c;
	int vnc_busy;

	k->qemu_pid = 0;
	/* Whatever the guest and QEMU said last belongs in the log. */
	while (k->serial_fd >= 0 && keeper_read_serial(k) > 0)
		;
	if (k->err_fd >= 0)
		keeper_read_stderr(k);
	keeper_close_qemu_fds(k);
	if (k->ready || k->stop != STOP_NONE || k->facts.user_kill || k->fail_msg[0]) {
		keeper_finish(k, status);
		return;
	}
	vnc_busy = qemu_err_vnc_busy(k->errtail);
	if (vnc_busy && k->nskip < KEEPER_VNC_TRIES) {
		keeper_step(k, "VNC port %d was taken by another program; trying another display",
		    QEMU_VNC_PORT_BASE + k->display);
		k->skip[k->nskip++] = k->display;
	} else if (!k->tcg_retried && accel_retry_tcg(k->node.accel, k->accel.accel, k->errtail, &c)) {
		k->tcg_retried = 1;
		k->accel = c;
		keeper_step(k, "%s; trying again with tcg", c.why);
	} else {
		keeper_finish(k, status);
		return;
	}
	if (keeper_attempt(k) != 0)
		keeper_finish(k, status);
}

/* Records the run's end x, tells everyone, and ends the loop. */
static void
keeper_finish_exit(struct keeper *k, const struct run_exit *x0)
{
	struct run_exit x = *x0;
	struct err e;

	if (runrow_finish(k->lab->db, k->node.id, x.state, x.kind, x.detail, &e) != 0) {
		/* A full disk, say: the end waits in the room reserved at start,
		 * for the next reader of the lab to record. */
		klog("%s", e.msg);
		if (runstate_end_keep(k->lab, k->node.id, x.state, x.kind, x.detail, now_s()) == 0) {
			k->end_kept = 1;
			klog("the end is kept in %s until the database can take it", k->end_path);
		} else
			klog("cannot keep the end in %s either: %s", k->end_path, strerror(errno));
	}
	keeper_step(k, "%s ended: %s (%s)", k->rdom != NULL ? "the domain" : "QEMU", x.kind, x.detail);
	if (k->report_fd >= 0)
		keeper_report_end(k, "failed", x.detail);
	keeper_broadcast_end(k, &x);
	k->done = 1;
}

static void
keeper_finish(struct keeper *k, int status)
{
	struct run_exit x;

	k->facts.wait_status = status;
	k->facts.stderr_tail = k->errtail;
	run_exit_describe(&k->facts, &x);
	if (k->fail_msg[0] && !k->ready && strcmp(x.kind, "failed") == 0)
		sanitize_to(k->fail_msg, strlen(k->fail_msg), x.detail, sizeof x.detail);
	keeper_finish_exit(k, &x);
}

static void
keeper_signal(struct keeper *k)
{
	struct signalfd_siginfo si;
	int status;

	while (read(k->sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			keeper_step(k, "the keeper got signal %d; stopping the node", (int)si.ssi_signo);
			if (k->qemu_pid > 0 || k->rrunning)
				keeper_stop(k, KEEPER_GRACE_NODE);
		}
	}
	/* SIGCHLD coalesces: ask for QEMU by its pid. */
	if (k->qemu_pid > 0 && waitpid(k->qemu_pid, &status, WNOHANG) == k->qemu_pid)
		keeper_qemu_exited(k, status);
}

/* Our lock file was deleted (the lab removed from under us, say): the
 * lock no longer proves anything, another keeper could start, and nobody
 * can reach this node any more; it must not run on unowned. (The folder
 * itself is pinned by our bound sockets, so its own deletion would not be
 * reported until we closed them.) */
static void
keeper_gone(struct keeper *k)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(k->gone_fd, buf, sizeof buf);
	int gone = 0;

	for (char *p = buf; n > 0 && p < buf + n; ) {
		struct inotify_event *ev = (struct inotify_event *)p;
		if ((ev->mask & IN_DELETE) && ev->len > 0 && strcmp(ev->name, "keeper.lock") == 0)
			gone = 1;
		p += sizeof *ev + ev->len;
	}
	if (!gone)
		return;
	close(k->gone_fd);
	k->gone_fd = -1;
	keeper_step(k, "the node's lock file %s was removed; killing QEMU", k->lock_path);
	k->facts.lock_lost = 1;
	keeper_kill(k, 1);
}

/* ---- a node on another host ---- */

/* rdom's step callback: what the upload and the start do, to whoever
 * started us. */
static void
keeper_remote_step(void *arg, const char *fmt, ...)
{
	char text[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	keeper_step(arg, "%s", text);
}

/*
 * The NICs of a node on a host that are not on user-mode NAT are UDP
 * interfaces of its domain there, each bound to the host's address (host
 * add --address) and sending to its wire in this keeper (wire.c, "A node
 * on another host"), so its links are wired here as a local node's are.
 * A host with no address cannot reach its wires: its unlinked NICs get
 * no backend (link state down) and a linked one is refused, naming what
 * to set. The wires of a domain taken over are the ones its run recorded
 * (runs.net's plug lines), fixed for its life.
 *
 * SANDLAB_BENCH_DIRECT_LINKS (a benchmark hook, off unless set) gives
 * linked NICs the older direct path instead, the domain's UDP straight
 * to its peer's host, with no wire: what the wire costs is measured
 * beside it (tests/bench/wire-hosts.sh).
 */
struct kremote_nics {
	struct domxml_nic *dn;          /* as libvirt is told them */
	struct wire_plug   plug[NET_NIC_IDX_MAX + 1];
	int                nplug;
	uint64_t           off;         /* NICs on no wire (bit idx) */
};

/* The direct path of the benchmark hook: NIC n's link straight to its
 * peer's host (or a local peer's end). */
static int
keeper_remote_direct(struct keeper *k, const struct nic *n, struct link *l, struct domxml_nic *out,
    struct err *e)
{
	int got = link_of_nic(k->lab, k->node.id, n->idx, l, e);
	const struct link_end *me, *peer;

	if (got <= 0)
		return got < 0 ? -1 : err_set(e, "eth%d is linked, but the lab has no link of it", n->idx);
	me = strcmp(l->a.id, k->node.id) == 0 && l->a.idx == n->idx ? &l->a : &l->b;
	peer = me == &l->a ? &l->b : &l->a;
	*out = (struct domxml_nic){ .idx = n->idx, .model = n->model, .mac = n->mac, .attach = "link",
	    .local_host = k->host.address, .local_port = me->port,
	    .remote_host = peer->on_host[0] ? peer->on_addr : peer->host, .remote_port = peer->port };
	return 0;
}

/* A seed is made and attached only by a local start (seed.h), and its ssh
 * forward cannot be written in domain XML: a node on a host with
 * cloud-init on would boot to a login nobody can pass, so it is refused
 * before anything is sent. 0, or -1 with a message short enough for
 * fail_msg. */
static int
keeper_remote_no_seed(struct keeper *k, struct err *e)
{
	struct cloudinit ci;
	int on;

	if (cloudinit_get(k->lab, k->node.id, &ci, e) != 0)
		return -1;
	on = ci.on;
	cloudinit_clear(&ci);
	if (on)
		return err_set(e, "cloud-init seeds are made only for nodes on this machine, not on "
		    "host %s: sandlab node set %s --cloud-init off, or --host local", k->host.name,
		    k->node.name);
	return 0;
}

/* The node's NICs as libvirt is told them, each not on user-mode NAT on
 * its wire here (prior: the run being taken over, its recorded signature;
 * NULL for a fresh domain); what libvirt cannot express is refused by
 * name. r->dn borrows strings of nics and of r. 0, or -1 with a message
 * and nothing plugged. */
static int
keeper_remote_nics(struct keeper *k, const struct nic *nics, int nn, const char *here,
    const char *prior, struct kremote_nics *r, struct link *links, struct err *e)
{
	int direct = k->wire == NULL;

	r->dn = xcalloc((size_t)(nn ? nn : 1), sizeof *r->dn);
	r->nplug = 0;
	r->off = 0;
	for (int i = 0; i < nn; i++) {
		const struct nic *n = &nics[i];
		int linked = strcmp(n->attach, "link") == 0;
		struct wire_plug *p;
		r->dn[i] = (struct domxml_nic){ .idx = n->idx, .model = n->model, .mac = n->mac,
		    .attach = n->attach };
		if (n->idx < 0 || n->idx > NET_NIC_IDX_MAX)
			return err_set(e, "eth%d: no such NIC index", n->idx);
		if (strcmp(n->attach, "user") == 0)
			continue;   /* forwards were refused before (keeper_remote_start) */
		if (direct) {
			if (linked && keeper_remote_direct(k, n, &links[n->idx], &r->dn[i], e) != 0)
				return -1;
			continue;
		}
		if (k->host.address[0] == '\0') {
			/* Unlinked (a link was refused before): no backend. */
			r->dn[i].attach = "none";
			r->off |= 1ULL << n->idx;
			continue;
		}
		p = &r->plug[r->nplug];
		memset(p, 0, sizeof *p);
		p->idx = n->idx;
		if (prior != NULL) {
			/* The domain's own ports, as its run recorded them. */
			int found = 0;
			for (const char *l = prior; *l && !found; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
				found = wire_plug_parse(l, p) && p->idx == n->idx;
			if (!found) {
				keeper_step(k, "eth%d of the domain taken over is on no wire of this keeper: "
				    "its links wait for a restart", n->idx);
				r->off |= 1ULL << n->idx;
				continue;
			}
		} else {
			snprintf(p->here, sizeof p->here, "%s", here);
			snprintf(p->there, sizeof p->there, "%s", k->host.address);
			p->idx = n->idx;
		}
		r->dn[i].attach = "link";
		r->nplug++;
	}
	if (!direct && r->nplug > 0 && wire_plug_remote(k->wire, k->lab, k->node.id, r->plug, r->nplug,
	    e) != 0) {
		if (prior == NULL)
			return -1;
		/* The domain runs on: its NICs wait for a restart, and the
		 * keeper takes it over all the same. */
		keeper_step(k, "the domain's NICs are on no wire: %s", e->msg);
		for (int j = 0; j < r->nplug; j++)
			r->off |= 1ULL << r->plug[j].idx;
		r->nplug = 0;
	}
	/* Each plugged NIC: the domain binds there and sends here. */
	for (int i = 0, j = 0; i < nn && j < r->nplug; i++)
		if (nics[i].idx == r->plug[j].idx) {
			r->dn[i].local_host = r->plug[j].there;
			r->dn[i].local_port = r->plug[j].there_port;
			r->dn[i].remote_host = r->plug[j].here;
			r->dn[i].remote_port = r->plug[j].here_port;
			j++;
		}
	return 0;
}

/* The run's network lines: its NICs as the domain has them (those on no
 * wire say so: net_signature_off) and their wires' ports (wire_plug_line),
 * which a keeper taking the domain over reads back. */
static void
keeper_remote_record(struct keeper *k, const struct nic *nics, int nn, const struct kremote_nics *r)
{
	char *sig = net_signature_off(nics, nn, r->off), *t, line[160];
	struct err e;

	for (int i = 0; i < r->nplug; i++) {
		wire_plug_line(&r->plug[i], line, sizeof line);
		t = xasprintf("%s%s\n", sig, line);
		free(sig);
		sig = t;
	}
	if (net_record(k->lab, k->node.id, sig, &e) != 0)
		klog("%s", e.msg);
	free(sig);
}

/* After a link change on a node on another host: its wire took it
 * (reply "wired"), unless a linked NIC is on no wire here, which waits
 * for the next start ("wire-pending" and why). */
static void
keeper_remote_wire(struct keeper *k, char *reply, size_t len)
{
	char why[300] = "";
	struct nic *v = NULL;
	struct err e;
	size_t used = 0;
	int n = 0;

	if (wire_load(k->wire, k->lab, k->node.id, &e) != 0 ||
	    net_nics_get(k->lab, k->node.id, &v, &n, &e) != 0) {
		snprintf(reply, len, "wire-failed %.300s\n", e.msg);
		return;
	}
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].attach, "link") == 0 && !wire_qemu_plugged(k->wire, v[i].idx) &&
		    used < sizeof why)
			used += (size_t)snprintf(why + used, sizeof why - used, "%seth%d is on no wire: host "
			    "%s had no address for links when %s started", used ? "; " : "", v[i].idx,
			    k->host.name, k->node.name);
	nic_list_free(v, n);
	if (used == 0)
		snprintf(reply, len, "wired\n");
	else
		snprintf(reply, len, "wire-pending %s runs on host %s, which takes this change when "
		    "%s restarts (%.300s)\n", k->node.name, k->host.name, k->node.name, why);
}

/* The accelerator: the node's own, or with auto, kvm when the host
 * offers it. */
static const char *
keeper_remote_accel(struct keeper *k)
{
	if (strcmp(k->node.accel, "auto") != 0)
		return k->node.accel;
	return rdom_kvm(k->rdom) ? "kvm" : "tcg";
}

/* What a remote node's machine has on its host beyond its disk: the
 * files its XML names, and the extra disks' volumes. */
struct kremote_hw {
	char *file[HW_NKEYS];           /* CD-ROM, kernel, initrd, BIOS: paths on the host */
	char *loader, *vars, *nvram;    /* UEFI */
	struct domxml_disk disks[DISK_MAX];
	char *vols[DISK_MAX];
	int   made[DISK_MAX];           /* made by this start: removed if it fails */
	int   n;
};

/* The machine's files on the host, uploaded once each like the image
 * (rdom_image), and the host's OVMF for UEFI, asked first so that a host
 * without it is refused before anything is sent. */
static int
keeper_remote_files(struct keeper *k, const char *accel, struct kremote_hw *h, struct err *e)
{
	static const enum hw_key files[] = { HW_CDROM, HW_KERNEL, HW_INITRD, HW_BIOS };
	const struct hw *hw = &k->node.hw;

	if (strcmp(hw->v[HW_FIRMWARE], "uefi") == 0 &&
	    rdom_ovmf(k->rdom, hw->v[HW_MACHINE], accel, &h->loader, &h->vars, e) != 0)
		return -1;
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		enum hw_key f = files[i];
		if (hw->v[f][0] == '\0')
			continue;
		if (rdom_image(k->rdom, hw->file[f], hw->id[f], keeper_remote_step, k, &h->file[f], e) != 0)
			return -1;
	}
	return 0;
}

/* The extra disks' volumes, named domxml_disk_volume (the node's volumes
 * share the domain's name as their prefix, which is how its removal finds
 * them): a blank qcow2 of its size, or an overlay on its image uploaded
 * once. Kept from run to run, as the disk is. */
static int
keeper_remote_disks(struct keeper *k, const char *name, struct kremote_hw *h, struct err *e)
{
	for (int i = 0; i < k->node.ndisks && i < DISK_MAX; i++) {
		const struct disk *d = &k->node.disks[i];
		char *xml = NULL, *path = NULL;
		struct image im;
		int rc;

		memset(&im, 0, sizeof im);
		h->vols[i] = domxml_disk_volume(name, d->idx);
		h->disks[i] = (struct domxml_disk){ .idx = d->idx, .bus = d->bus, .volume = h->vols[i] };
		h->n = i + 1;
		if (d->image_id[0] == '\0')
			xml = domxml_blank_volume(h->vols[i], (long long)d->size, e);
		else if (image_find(k->lab, d->image_id, &im, e) == 0 &&
		    rdom_image(k->rdom, d->image_file, d->image_id, keeper_remote_step, k, &path, e) == 0)
			xml = domxml_volume(h->vols[i], (long long)im.virtual_size, path, im.format, e);
		rc = xml != NULL ? rdom_disk(k->rdom, h->vols[i], xml, &h->made[i], e) : -1;
		if (rc == 0 && h->made[i])
			keeper_step(k, "made extra disk %d, %s, on the host", d->idx, h->vols[i]);
		image_clear(&im);
		free(path);
		free(xml);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* The NVRAM of a UEFI node: a file of the pool's folder (where its image
 * is), named domxml_nvram_volume, which libvirt copies from the template
 * when it is not there; it outlives the run, as a local node's does. */
static void
keeper_remote_nvram(struct keeper *k, const char *name, const char *img_path, struct kremote_hw *h)
{
	const char *slash = strrchr(img_path, '/');
	char *vol;

	if (strcmp(k->node.hw.v[HW_FIRMWARE], "uefi") != 0 || slash == NULL)
		return;
	vol = domxml_nvram_volume(name);
	h->nvram = xasprintf("%.*s/%s", (int)(slash - img_path), img_path, vol);
	free(vol);
}

/* Removes the volumes this start made (it failed), and frees h. */
static void
keeper_remote_hw_clear(struct keeper *k, struct kremote_hw *h, int failed)
{
	for (int i = 0; i < h->n; i++) {
		if (failed && h->made[i] && k->rdom != NULL)
			rdom_disk_rm(k->rdom, h->vols[i]);
		free(h->vols[i]);
	}
	for (int f = 0; f < HW_NKEYS; f++)
		free(h->file[f]);
	free(h->loader);
	free(h->vars);
	free(h->nvram);
	memset(h, 0, sizeof *h);
}

/* Marks the domains this keeper makes or takes as the node's: its
 * uuid, which no other node of any lab has. */
static void
keeper_remote_ident(struct keeper *k, struct rdom *r)
{
	char *ident = xasprintf("sandlab node %s", k->node.id);

	rdom_set_ident(r, ident);
	free(ident);
}

/* The domain taken over still has the VNC password its first keeper gave
 * it, and this keeper made and recorded a new one: the domain gets the
 * new one live (its <graphics> updated: port and address unchanged), or,
 * when libvirt refuses, the record gets the domain's, so that `sandlab
 * vnc` gives the one that works. */
static void
keeper_remote_vnc_adopt(struct keeper *k)
{
	char *xml, old[VNC_PASSWORD_LEN + 16];
	struct err e, e2;

	if (k->vnc_pw == NULL)
		return;
	if ((xml = domxml_graphics(k->vnc_pw, &e)) != NULL && rdom_update_device(k->rdom, xml, 0, &e) == 0)
		keeper_step(k, "gave the domain's VNC a new password");
	else if (rdom_vnc_password(k->rdom, old, sizeof old) == 0 &&
	    vnc_password_save(k->lab, k->node.id, old, &e2) == 0) {
		keeper_step(k, "kept the domain's VNC password (%s)", e.msg);
		explicit_bzero(k->vnc_pw, strlen(k->vnc_pw));
		free(k->vnc_pw);
		k->vnc_pw = xstrdup(old);
	} else
		keeper_step(k, "the domain's VNC password is not known: sandlab vnc gives one that does not "
		    "work (%s)", e.msg);
	explicit_bzero(old, sizeof old);
	free(xml);
}

/* A domain of the node's name that runs on the host already was left by
 * a keeper of this node that died: this keeper takes it over. 0 when
 * taken, 1 when there is none (a start makes one), -1 when the domain
 * there is not this node's (refused, and left alone). */
static int
keeper_remote_adopt(struct keeper *k, const char *name, struct err *e)
{
	int rc;

	keeper_remote_ident(k, k->rdom);
	if ((rc = rdom_attach(k->rdom, name, e)) == 0) {
		keeper_step(k, "host %s runs domain %s already, this node's (its keeper had died): "
		    "taking it over", k->host.name, name);
		keeper_remote_vnc_adopt(k);
	}
	return rc;
}

/* Connects to the node's host, puts its image there once, makes its disk
 * and starts the domain with the console held. 0, or -1 with fail_msg
 * and nothing of this run left on the host. */
static int
keeper_remote_start(struct keeper *k)
{
	struct err e;
	struct image im;
	struct nic *nics = NULL;
	struct kremote_nics rn;
	int nn = 0, made = 0, made_now, rc = -1, fd, port, arc;
	char *img_path = NULL, *name = NULL, *vol = NULL, *volxml = NULL, *domxml = NULL, *prior = NULL;
	char here[LINK_HOST_LEN] = "";
	const char *accel;
	struct kremote_hw rhw;
	struct accel_choice retry;
	/* Links of the direct path (the benchmark hook): strings rn borrows. */
	struct link *links = xcalloc(NET_NIC_IDX_MAX + 1, sizeof *links);

	memset(&im, 0, sizeof im);
	memset(&rhw, 0, sizeof rhw);
	memset(&rn, 0, sizeof rn);
	e.msg[0] = '\0';
	/* The wire, unless the benchmark hook asks for the direct path. */
	wire_free(k->wire);
	k->wire = getenv("SANDLAB_BENCH_DIRECT_LINKS") ? NULL : wire_new(keeper_tap, k);
	if (runrow_starting(k->lab->db, k->node.id, k->node.accel, "", (int)getpid(), &e) != 0 ||
	    host_get(k->lab, k->node.host, &k->host, &e) != 0 ||
	    keeper_remote_no_seed(k, &e) != 0 ||
	    image_find(k->lab, k->node.image_id, &im, &e) != 0 ||
	    net_nics_get(k->lab, k->node.id, &nics, &nn, &e) != 0)
		goto out;
	/* Refused before the host is asked: a link a host with no address
	 * cannot reach, forwards libvirt cannot express. */
	for (int i = 0; i < nn; i++) {
		if (strcmp(nics[i].attach, "link") == 0 && k->host.address[0] == '\0') {
			err_set(&e, "%s:eth%d is placed on host %s, which has no address for links (sandlab "
			    "host set %s --address IP)", k->node.name, nics[i].idx, k->host.name,
			    k->host.name);
			goto out;
		}
		/* Debian 12's libvirt has no port forwards in domain XML. */
		if (strcmp(nics[i].attach, "user") == 0 && nics[i].nfwds > 0) {
			err_set(&e, "eth%d forwards ports: libvirt cannot express user-mode port forwards, "
			    "so a node on another host cannot have them", nics[i].idx);
			goto out;
		}
	}
	/* Where the host's domains send their frames: this machine's address
	 * toward the host, asked of the routing table before the host is. */
	if (k->host.address[0] != '\0' && wire_here(k->host.address, here, sizeof here, &e) != 0) {
		char why[sizeof e.msg];
		snprintf(why, sizeof why, "%s", e.msg);
		err_set(&e, "host %s's address %s cannot be reached from here: %s (sandlab host set %s "
		    "--address IP)", k->host.name, k->host.address, why, k->host.name);
		goto out;
	}
	keeper_step(k, "connecting to host %s", k->host.name);
	if ((k->rdom = rdom_connect(k->lab->run, k->host.name, k->host.uri, &e)) == NULL) {
		char why[sizeof e.msg];
		snprintf(why, sizeof why, "%s", e.msg);
		err_set(&e, "host %s is unreachable: %s", k->host.name, why);
		goto out;
	}
	snprintf(k->accel.accel, sizeof k->accel.accel, "%s", keeper_remote_accel(k));
	accel = k->accel.accel;
	if (runrow_starting(k->lab->db, k->node.id, accel, "", (int)getpid(), &e) != 0)
		goto out;
	name = domxml_name(k->lab->root, k->node.name, k->node.id);
	vol = domxml_disk_volume(name, 0);
	if ((arc = keeper_remote_adopt(k, name, &e)) < 0)
		goto out;
	/* A domain taken over keeps the wires its run recorded. */
	if (arc == 0 && net_running_get(k->lab, k->node.id, &prior, &e) != 0)
		goto out;
	if (keeper_remote_nics(k, nics, nn, here, arc == 0 ? (prior ? prior : "") : NULL, &rn, links,
	    &e) != 0)
		goto out;
	if (k->wire && wire_load(k->wire, k->lab, k->node.id, &e) != 0)
		keeper_step(k, "a link is not wired: %s", e.msg);
	if (arc == 0)
		goto held;
again:
	if (keeper_remote_files(k, accel, &rhw, &e) != 0 ||
	    rdom_image(k->rdom, k->node.image_file, im.id, keeper_remote_step, k, &img_path, &e) != 0 ||
	    (volxml = domxml_volume(vol, (long long)im.virtual_size, img_path, im.format, &e)) == NULL ||
	    rdom_disk(k->rdom, vol, volxml, &made_now, &e) != 0)
		goto fail;
	if (made_now)
		keeper_step(k, "made the node's disk %s on the host (backing store %s)", vol, im.name);
	made |= made_now;
	keeper_remote_nvram(k, name, img_path, &rhw);
	struct domxml_cfg cfg = { .name = name, .title = k->node.name, .accel = accel,
	    .ram_mb = k->node.ram_mb, .cpus = k->node.cpus, .pool = RDOM_POOL, .volume = vol,
	    .nics = rn.dn, .nnics = nn, .hw = &k->node.hw, .disks = rhw.disks, .ndisks = k->node.ndisks,
	    .cdrom = rhw.file[HW_CDROM], .kernel = rhw.file[HW_KERNEL], .initrd = rhw.file[HW_INITRD],
	    .bios = rhw.file[HW_BIOS],
	    .loader = rhw.loader, .nvram_template = rhw.vars, .nvram = rhw.nvram, .boot_once = 1,
	    .vnc_password = k->vnc_pw };
	if (keeper_remote_disks(k, name, &rhw, &e) != 0 || (domxml = domxml_domain(&cfg, &e)) == NULL ||
	    rdom_start(k->rdom, name, domxml, &e) != 0) {
		/* auto on a host that offers KVM but cannot run this guest
		 * with it (QEMU ended in its KVM code): once more with tcg,
		 * as a local start does (keeper_qemu_exited). */
		if (!k->tcg_retried && accel_retry_tcg(k->node.accel, accel, rdom_refusal(k->rdom), &retry)) {
			k->tcg_retried = 1;
			k->accel = retry;
			keeper_step(k, "%s; trying again with tcg", retry.why);
			keeper_remote_hw_clear(k, &rhw, 1);
			free(img_path);
			free(volxml);
			free(domxml);
			img_path = volxml = domxml = NULL;
			if (runrow_starting(k->lab->db, k->node.id, accel, k->accel.why, (int)getpid(), &e) != 0)
				goto fail;
			goto again;
		}
		goto fail;
	}
held:
	if ((fd = fcntl(rdom_console_fd(k->rdom), F_DUPFD_CLOEXEC, 3)) < 0) {
		err_sys(&e, "cannot hold the console");
		rdom_destroy(k->rdom, &(struct err){ 0 });
		goto out;
	}
	set_nonblock(fd);
	k->serial_fd = fd;
	k->rrunning = 1;
	k->ready = 1;
	k->facts.started = 1;
	if (runrow_running(k->lab->db, k->node.id, 0, &e) != 0 ||
	    node_hw_started(k->lab, &k->node, &e) != 0)
		klog("%s", e.msg);
	keeper_remote_record(k, nics, nn, &rn);
	/* libvirt chose the port: `sandlab vnc` reads it here. */
	if ((port = rdom_vnc_port(k->rdom)) < 0 || vnc_remote_port_save(k->lab, k->node.id, port, &e) != 0)
		klog("the domain's VNC port is not known: %s", port < 0 ? "libvirt did not say" : e.msg);
	keeper_step(k, "running on host %s as domain %s (%s%s%s), VNC on that host's %s:%d", k->host.name,
	    name, accel, k->accel.why[0] ? ": " : "", k->accel.why, DOMXML_VNC_HOST, port);
	k->rname = xstrdup(name);
	keeper_report_end(k, "ready", NULL);
	rc = 0;
	goto out;
fail:
	if (made)
		rdom_disk_rm(k->rdom, vol);
out:
	keeper_remote_hw_clear(k, &rhw, rc != 0);
	if (rc != 0) {
		snprintf(k->fail_msg, sizeof k->fail_msg, "%.*s", (int)sizeof k->fail_msg - 1, e.msg);
		rdom_free(k->rdom);
		k->rdom = NULL;
		if (k->wire != NULL)
			wire_unplug(k->wire);
	}
	image_clear(&im);
	nic_list_free(nics, nn);
	free(rn.dn);
	free(prior);
	free(links);
	free(img_path);
	free(name);
	free(vol);
	free(volxml);
	free(domxml);
	return rc;
}

static void
keeper_remote_destroy(struct keeper *k)
{
	struct err e;

	if (rdom_destroy(k->rdom, &e) != 0)
		keeper_step(k, "%s", e.msg);
}

static void
keeper_remote_shutdown(struct keeper *k)
{
	struct err e;

	if (rdom_shutdown(k->rdom, &e) != 0)
		keeper_step(k, "%s", e.msg);
}

/* The domain ended: how, from libvirt's reason and what was asked. */
static void
keeper_remote_ended(struct keeper *k, int detail)
{
	const char *why = rdom_stopped_str(detail);
	struct run_exit x;

	k->rrunning = 0;
	while (k->serial_fd >= 0 && keeper_read_serial(k) > 0)
		;
	keeper_close_qemu_fds(k);
	memset(&x, 0, sizeof x);
	snprintf(x.state, sizeof x.state, "stopped");
	snprintf(x.kind, sizeof x.kind, "shutdown");
	if (strcmp(why, "shutdown") == 0)
		snprintf(x.detail, sizeof x.detail, "the guest powered off%s",
		    k->facts.stop_requested && !k->facts.stop_quit_sent ? " after ACPI powerdown" : "");
	else if (strcmp(why, "destroyed") == 0 && k->facts.stop_poweroff)
		snprintf(x.detail, sizeof x.detail, "powered off at once by node stop (stop method poweroff)");
	else if (strcmp(why, "destroyed") == 0 && (k->facts.user_kill || k->facts.stop_killed)) {
		snprintf(x.kind, sizeof x.kind, "killed");
		if (k->facts.lock_lost)
			snprintf(x.detail, sizeof x.detail, "its lock file was removed; the keeper ended it");
		else if (k->facts.user_kill)
			snprintf(x.detail, sizeof x.detail, "killed by the user (node kill)");
		else
			snprintf(x.detail, sizeof x.detail, "the guest ignored ACPI powerdown for %d s; "
			    "destroyed by node stop", k->facts.stop_grace_s);
	} else if (strcmp(why, "destroyed") == 0) {
		snprintf(x.kind, sizeof x.kind, "killed");
		snprintf(x.detail, sizeof x.detail, "destroyed on host %s, not by sandlab", k->host.name);
	} else {
		/* QEMU killed on the host, or failed there: libvirt says "failed". */
		snprintf(x.state, sizeof x.state, "crashed");
		snprintf(x.kind, sizeof x.kind, "crashed");
		snprintf(x.detail, sizeof x.detail, "QEMU on host %s ended unexpectedly (libvirt: %s)",
		    k->host.name, why);
	}
	keeper_finish_exit(k, &x);
}

/* A line for the console clients attached now, not the guest's output:
 * it goes into neither the log nor the replay. */
static void
keeper_remote_say(struct keeper *k, const char *fmt, ...)
{
	char text[300], line[340];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof line, "\r\n[sandlab: %s]\r\n", text);
	for (size_t i = 0; i < k->nclients; ) {
		bufq_push(&k->clients[i].out, line, (size_t)n);
		if (bufq_flush(&k->clients[i].out, k->clients[i].fd) < 0) {
			keeper_drop_client(k, i);
			continue;
		}
		i++;
	}
}

/* Seconds before reconnect attempt `try` (0 first): 1, 2, 4, 8, 16, then
 * every 30, for as long as the keeper lives. */
static int
keeper_remote_backoff(int try)
{
	return try >= 5 ? KEEPER_RETRY_MAX_S : 1 << try;
}

/* The connection to the host dropped while the domain ran: the domain
 * may well run on. The console's clients stay, the row says the host is
 * unreachable, and keeper_remote_retry tries again on a backoff. */
static void
keeper_remote_lost(struct keeper *k)
{
	struct err e;

	if (!k->rrunning || k->rlost || k->done)
		return;
	while (k->serial_fd >= 0 && keeper_read_serial(k) > 0)
		;
	/* The console goes with the connection; the wires stay: the
	 * domain's frames never crossed libvirt, and flow on meanwhile. */
	if (k->serial_fd >= 0)
		close(k->serial_fd);
	k->serial_fd = -1;
	bufq_free(&k->to_guest);
	rdom_free(k->rdom);
	k->rdom = NULL;
	k->rlost = 1;
	k->rtries = 0;
	k->rretry_at = mono_ms() + keeper_remote_backoff(0) * 1000;
	if (runrow_reachable(k->lab->db, k->node.id, 0, k->host.name, &e) != 0)
		klog("%s", e.msg);
	keeper_step(k, "the connection to host %s was lost; trying again after 1, 2, 4, 8 and 16 s, "
	    "then every %d s", k->host.name, KEEPER_RETRY_MAX_S);
	keeper_remote_say(k, "host %s is unreachable; the console goes on when it answers again",
	    k->host.name);
}

/* The run ends without libvirt's word on how (the keeper no longer
 * holds the domain): state, kind and the detail fmt says. */
static void
keeper_remote_finish(struct keeper *k, const char *state, const char *kind, const char *fmt, ...)
{
	struct run_exit x;
	va_list ap;

	k->rlost = 0;
	k->rrunning = 0;
	memset(&x, 0, sizeof x);
	snprintf(x.state, sizeof x.state, "%s", state);
	snprintf(x.kind, sizeof x.kind, "%s", kind);
	va_start(ap, fmt);
	vsnprintf(x.detail, sizeof x.detail, fmt, ap);
	va_end(ap);
	keeper_finish_exit(k, &x);
}

/* One attempt to reach the host again and take the domain back. */
static void
keeper_remote_retry(struct keeper *k)
{
	struct rdom *r;
	struct err e;
	int rc, fd;

	k->rtries++;
	e.msg[0] = '\0';
	if ((r = rdom_connect(k->lab->run, k->host.name, k->host.uri, &e)) == NULL)
		rc = -1;
	else {
		keeper_remote_ident(k, r);
		rc = rdom_attach(r, k->rname, &e);
	}
	if (rc == 1) {
		/* It ended while nobody could see how. */
		rdom_free(r);
		keeper_remote_say(k, "host %s answers again, but the node's domain is gone", k->host.name);
		keeper_remote_finish(k, "crashed", "crashed", "domain %.60s was gone from host %.30s when it "
		    "answered again", k->rname, k->host.name);
		return;
	}
	if (rc == 0 && (fd = fcntl(rdom_console_fd(r), F_DUPFD_CLOEXEC, 3)) < 0) {
		err_sys(&e, "cannot hold the console");
		rc = -1;
	}
	if (rc != 0) {
		rdom_free(r);
		k->rretry_at = mono_ms() + keeper_remote_backoff(k->rtries) * 1000;
		klog("host %s: attempt %d: %s; next in %d s", k->host.name, k->rtries, e.msg,
		    keeper_remote_backoff(k->rtries));
		return;
	}
	set_nonblock(fd);
	k->serial_fd = fd;
	k->rdom = r;
	k->rlost = 0;
	if (runrow_reachable(k->lab->db, k->node.id, 1, k->host.name, &e) != 0)
		klog("%s", e.msg);
	keeper_step(k, "host %s answers again; holding domain %s again", k->host.name, k->rname);
	keeper_remote_say(k, "host %s answers again", k->host.name);
}

/* A stop or kill while the host does not answer: nothing can reach the
 * domain, so the keeper lets go of it and says where it may still run
 * (node start takes it back: rdom_attach). */
static void
keeper_remote_let_go(struct keeper *k)
{
	keeper_remote_finish(k, "stopped", "lost", "host %.30s was unreachable: let go of domain %.60s, "
	    "which may still run there", k->host.name, k->rname);
}

static void
keeper_remote_event(struct keeper *k)
{
	struct rdom_ev ev;

	while (k->rdom != NULL && !k->done && rdom_event_next(k->rdom, &ev)) {
		if (ev.kind == RDOM_EV_STOPPED)
			keeper_remote_ended(k, ev.detail);
		else
			keeper_remote_lost(k);
	}
}

/* ---- the loop ---- */

enum { SLOT_SIG, SLOT_CON, SLOT_LIVE, SLOT_CTL, SLOT_SERIAL, SLOT_ERR, SLOT_QMP, SLOT_GONE, SLOT_REMOTE,
	SLOT_FIXED };

static void
keeper_loop(struct keeper *k)
{
	struct pollfd *pfd = NULL;
	size_t cap = 0;

	while (!k->done) {
		size_t n = SLOT_FIXED + k->nclients + k->nctls, nc = k->nclients, nt = k->nctls, nw;
		int timeout = -1, wt;

		/* Room for the wire's two sockets per NIC after the clients. */
		if (n + WIRE_POLLFDS_MAX > cap)
			pfd = xreallocarray(pfd, cap = (n + WIRE_POLLFDS_MAX) * 2, sizeof *pfd);
		pfd[SLOT_SIG] = (struct pollfd){ k->sig_fd, POLLIN, 0 };
		pfd[SLOT_CON] = (struct pollfd){ k->con_fd, POLLIN, 0 };
		pfd[SLOT_LIVE] = (struct pollfd){ k->live_fd, POLLIN, 0 };
		pfd[SLOT_CTL] = (struct pollfd){ k->ctl_fd, POLLIN, 0 };
		pfd[SLOT_SERIAL] = (struct pollfd){ k->serial_fd,
		    (short)(POLLIN | (k->to_guest.len ? POLLOUT : 0)), 0 };
		pfd[SLOT_ERR] = (struct pollfd){ k->err_fd, POLLIN, 0 };
		pfd[SLOT_QMP] = (struct pollfd){ k->qmp_fd, (short)(POLLIN | (k->qmp_out.len ? POLLOUT : 0)), 0 };
		pfd[SLOT_GONE] = (struct pollfd){ k->gone_fd, POLLIN, 0 };
		pfd[SLOT_REMOTE] = (struct pollfd){ k->rdom ? rdom_event_fd(k->rdom) : -1, POLLIN, 0 };
		/* Input waits in the clients' sockets while the guest is not
		 * taking it. */
		int room = k->to_guest.len + 4096 <= KEEPER_TO_GUEST_MAX;
		for (size_t i = 0; i < nc; i++)
			pfd[SLOT_FIXED + i] = (struct pollfd){ k->clients[i].fd,
			    (short)((room ? POLLIN : 0) | (k->clients[i].out.len ? POLLOUT : 0)), 0 };
		for (size_t i = 0; i < nt; i++)
			pfd[SLOT_FIXED + nc + i] = (struct pollfd){ k->ctls[i].fd,
			    (short)(POLLIN | (k->ctls[i].out.len ? POLLOUT : 0)), 0 };
		if (k->deadline) {
			int64_t left = k->deadline - mono_ms();
			timeout = left < 0 ? 0 : (int)left;
		}
		if (k->rlost) {
			int64_t left = k->rretry_at - mono_ms();
			if (timeout < 0 || left < timeout)
				timeout = left < 0 ? 0 : (int)left;
		}
		nw = k->wire ? wire_pollfds(k->wire, pfd + n, WIRE_POLLFDS_MAX) : 0;
		wt = k->wire ? wire_timeout_ms(k->wire) : -1;
		if (wt >= 0 && (timeout < 0 || wt < timeout))
			timeout = wt;
		int got = poll(pfd, n + nw, timeout);
		if (got < 0 && errno != EINTR) {
			klog("poll: %s", strerror(errno));
			break;
		}
		if (k->deadline && mono_ms() >= k->deadline)
			keeper_deadline(k);
		if (k->rlost && !k->done && mono_ms() >= k->rretry_at)
			keeper_remote_retry(k);
		/* Frames first: control commands below may re-plumb the wire,
		 * which then skips the descriptors it no longer has. */
		if (k->wire)
			wire_events(k->wire, pfd + n, got > 0 ? nw : 0);
		if (got <= 0)
			continue;
		/* Clients first, by descending index, so removals do not shift
		 * the ones still to be served. */
		for (size_t j = nt; j-- > 0; ) {
			short re = pfd[SLOT_FIXED + nc + j].revents;
			if (j >= k->nctls || re == 0)
				continue;
			if ((re & POLLOUT) && bufq_flush(&k->ctls[j].out, k->ctls[j].fd) < 0)
				re |= POLLERR;
			if ((re & (POLLIN | POLLHUP | POLLERR)) && !keeper_ctl_input(k, j))
				keeper_drop_ctl(k, j);
		}
		for (size_t j = nc; j-- > 0; ) {
			short re = pfd[SLOT_FIXED + j].revents;
			if (j >= k->nclients || re == 0)
				continue;
			if ((re & POLLOUT) && bufq_flush(&k->clients[j].out, k->clients[j].fd) < 0) {
				keeper_drop_client(k, j);
				continue;
			}
			if ((re & (POLLIN | POLLHUP | POLLERR)) && !keeper_client_input(k, &k->clients[j]))
				keeper_drop_client(k, j);
		}
		if (pfd[SLOT_SERIAL].revents && k->serial_fd >= 0) {
			if ((pfd[SLOT_SERIAL].revents & POLLOUT) &&
			    bufq_flush(&k->to_guest, k->serial_fd) < 0)
				bufq_free(&k->to_guest);
			if ((pfd[SLOT_SERIAL].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    keeper_read_serial(k) == 0) {
				close(k->serial_fd);
				k->serial_fd = -1;
			}
		}
		if (pfd[SLOT_ERR].revents && k->err_fd >= 0)
			keeper_read_stderr(k);
		if (pfd[SLOT_QMP].revents && k->qmp_fd >= 0) {
			if ((pfd[SLOT_QMP].revents & POLLOUT) && bufq_flush(&k->qmp_out, k->qmp_fd) < 0)
				bufq_free(&k->qmp_out);
			if (pfd[SLOT_QMP].revents & (POLLIN | POLLHUP | POLLERR))
				keeper_read_qmp(k);
		}
		if (pfd[SLOT_CON].revents)
			keeper_accept_client(k, k->con_fd, 1);
		if (pfd[SLOT_LIVE].revents)
			keeper_accept_client(k, k->live_fd, 0);
		if (pfd[SLOT_CTL].revents)
			keeper_accept_ctl(k);
		if (pfd[SLOT_GONE].revents)
			keeper_gone(k);
		if (pfd[SLOT_REMOTE].revents && k->rdom != NULL)
			keeper_remote_event(k);
		if (pfd[SLOT_SIG].revents)
			keeper_signal(k);
	}
	free(pfd);
}

/* ---- set-up and tear-down ---- */

static int
keeper_lock(struct keeper *k, struct err *e)
{
	k->lock_fd = open(k->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (k->lock_fd < 0)
		return err_sys(e, "cannot open %s", k->lock_path);
	/* Readers (runstate_live) hold a shared lock for an instant; only a
	 * keeper holds it for long. */
	for (int i = 0; i < KEEPER_LOCK_TRIES; i++) {
		if (flock(k->lock_fd, LOCK_EX | LOCK_NB) == 0) {
			struct stat a, b;
			/* A reader that found the last keeper dead removes its
			 * lock file (runstate_settle): a lock on a file no longer
			 * at the path proves nothing; take the new one. */
			if (fstat(k->lock_fd, &a) == 0 && (stat(k->lock_path, &b) != 0 ||
			    a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
				close(k->lock_fd);
				k->lock_fd = open(k->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
				if (k->lock_fd < 0)
					return err_sys(e, "cannot open %s", k->lock_path);
				continue;
			}
			k->locked = 1;
			return 0;
		}
		if (errno != EWOULDBLOCK)
			return err_sys(e, "cannot lock %s", k->lock_path);
		usleep(10000);
	}
	return err_set(e, "node %s is already running (another keeper holds its lock)", k->node.name);
}

/* Diagnostics (stderr) to logs/ID.keeper.log, appended, started afresh
 * when it grew past KEEPER_LOG_MAX; without it they stay where they went. */
static void
keeper_log_open(struct keeper *k)
{
	char *log = xasprintf("%s/%s.keeper.log", k->lab->logs, k->node.id);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct stat sb;

	free(log);
	if (fd < 0)
		return;
	/* failing that is harmless: the log is only longer */
	if (fstat(fd, &sb) == 0 && sb.st_size > KEEPER_LOG_MAX && ftruncate(fd, 0) != 0)
		sb.st_size = 0;
	dup2(fd, 2);
	close(fd);
}

/* The signals the keeper takes through its signalfd. */
static void
keeper_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
}

/* run.c's word on the go pipe: 'g' and the id of the node it checked
 * (KEEPER_GO_LEN bytes in one write), then the pipe closes. 0 with id
 * filled, or -1 (the pipe closed without it, or anything else): the
 * start was called off. */
static int
keeper_go_word(struct keeper *k, char id[37])
{
	char word[KEEPER_GO_LEN + 1];
	size_t have = 0;
	ssize_t r;

	while (have < sizeof word) {
		r = read(k->go_fd, word + have, sizeof word - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	close(k->go_fd);
	k->go_fd = -1;
	if (have != KEEPER_GO_LEN || word[0] != 'g' || !lab_id_ok(word + 1, KEEPER_GO_LEN - 1))
		return -1;
	memcpy(id, word + 1, 36);
	id[36] = '\0';
	return 0;
}

/* What a start needs before QEMU: the lab, the node, the go-ahead, the
 * lock, and whatever a dead keeper left. keeper_attend does the rest. */
static int
keeper_setup(struct keeper *k, const char *lab_dir, const char *node_id, struct err *e)
{
	sigset_t set;
	char *dir;

	if ((dir = lab_dir_choose(lab_dir)) == NULL)
		return err_set(e, "no lab folder");
	k->lab = lab_open(dir, e);
	free(dir);
	if (k->lab == NULL)
		return -1;
	if (k->go_fd >= 0) {
		/* run.c spawned us before it checked the node; its word comes
		 * now, before the lock, which its check would otherwise have
		 * seen. The word names the node it checked by id: that node
		 * starts, whatever node_id names by now (a rename in between
		 * gave the name to another node, or to none). The key is read
		 * meanwhile, so that only a rename costs a second lookup. */
		char id[37];
		struct err e2;
		int have = node_get(k->lab, node_id, &k->node, &e2) == 0;
		if (keeper_go_word(k, id) != 0) {
			k->sent_away = 1;
			return err_set(e, "the start was called off");
		}
		if (have && strcmp(k->node.id, id) != 0) {
			node_clear(&k->node);
			have = 0;
		}
		if (!have && node_get_id(k->lab, id, &k->node, e) != 0)
			return -1;
	} else if (node_get(k->lab, node_id, &k->node, e) != 0)
		return -1;
	if (k->own_log)
		keeper_log_open(k);
	if ((k->dir = lab_node_run_dir(k->lab, k->node.id, e)) == NULL)
		return -1;
	k->lock_path = runstate_lock_path(k->lab, k->node.id);
	k->con_path = xasprintf("%s/console.sock", k->dir);
	k->live_path = xasprintf("%s/live.sock", k->dir);
	k->ctl_path = xasprintf("%s/ctl.sock", k->dir);
	k->pw_path = xasprintf("%s/vnc.pw", k->dir);
	k->end_path = xasprintf("%s/end", k->dir);
	k->log_path = xasprintf("%s/%s.log", k->lab->logs, k->node.id);
	if (keeper_lock(k, e) != 0)
		return -1;
	/* run.c waits for a keeper that took the lock and then failed to
	 * let it go, not for one refused by another keeper's lock. */
	if (k->report_fd >= 0)
		write_all(k->report_fd, "locked\n", 7);
	if (keeper_clean_stale(k, e) != 0)
		return -1;
	/* Blocked from here: a QEMU that ends before the signalfd exists
	 * leaves its SIGCHLD pending for it. */
	keeper_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return 0;
}

/* The keeper's own set-up, done once while its first QEMU loads (a
 * remote node's before the host is asked): the room for the run's end,
 * the signalfd, the console and control sockets, the console log and
 * the VNC password's file. Nothing reads QEMU's output or answers a
 * client before this is done, so no byte and no client is lost. */
static int
keeper_attend(struct keeper *k, struct err *e)
{
	sigset_t set;

	if (k->attended)
		return 0;
	if (runstate_end_reserve(k->lab, k->node.id, e) != 0)
		return -1;
	keeper_sigset(&set);
	if ((k->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return err_sys(e, "cannot set up signals");
	if ((k->con_fd = keeper_listen(k->con_path, 16, e)) < 0 ||
	    (k->live_fd = keeper_listen(k->live_path, 16, e)) < 0 ||
	    (k->ctl_fd = keeper_listen(k->ctl_path, 16, e)) < 0)
		return -1;
	/* Best effort: without inotify the keeper just cannot notice. */
	k->gone_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (k->gone_fd >= 0 && inotify_add_watch(k->gone_fd, k->dir, IN_DELETE) < 0) {
		close(k->gone_fd);
		k->gone_fd = -1;
	}
	if (conlog_open(&k->log, k->log_path, conlog_max_from_env(), e) != 0)
		return -1;
	ring_init(&k->ring, KEEPER_REPLAY);
	if (vnc_password_save(k->lab, k->node.id, k->vnc_pw, e) != 0)
		return -1;
	k->attended = 1;
	return 0;
}

static void
keeper_teardown(struct keeper *k)
{
	/* Last words to control clients are tiny: give each one try. */
	for (size_t i = 0; i < k->nctls; i++) {
		bufq_flush(&k->ctls[i].out, k->ctls[i].fd);
		close(k->ctls[i].fd);
		bufq_free(&k->ctls[i].out);
	}
	for (size_t i = 0; i < k->nclients; i++) {
		bufq_flush(&k->clients[i].out, k->clients[i].fd);
		close(k->clients[i].fd);
		bufq_free(&k->clients[i].out);
	}
	free(k->ctls);
	free(k->clients);
	/* A keeper that did not get the lock must not touch the sockets of
	 * the one that has it. */
	if (k->locked) {
		unlink(k->con_path);
		unlink(k->live_path);
		unlink(k->ctl_path);
		unlink(k->pw_path);
		vnc_remote_port_rm(k->lab, k->node.id);
		if (!k->end_kept)
			unlink(k->end_path);
	}
	keeper_close_qemu_fds(k);
	if (k->con_fd >= 0)
		close(k->con_fd);
	if (k->live_fd >= 0)
		close(k->live_fd);
	if (k->ctl_fd >= 0)
		close(k->ctl_fd);
	if (k->sig_fd >= 0)
		close(k->sig_fd);
	if (k->gone_fd >= 0)
		close(k->gone_fd);
	wire_free(k->wire);
	k->wire = NULL;
	rdom_free(k->rdom);
	k->rdom = NULL;
	free(k->rname);
	host_clear(&k->host);
	conlog_close(&k->log);
	ring_free(&k->ring);
	if (k->vnc_pw) {
		explicit_bzero(k->vnc_pw, strlen(k->vnc_pw));
		free(k->vnc_pw);
	}
	node_clear(&k->node);
	lab_close(k->lab);
	/* The lock goes last: once it is released the row must be final.
	 * Its file goes too, unless it guards a kept end (a keeper waiting
	 * for it makes a new one: keeper_lock). */
	if (k->locked && !k->end_kept)
		unlink(k->lock_path);
	if (k->lock_fd >= 0)
		close(k->lock_fd);
	free(k->dir);
	free(k->lock_path);
	free(k->con_path);
	free(k->live_path);
	free(k->ctl_path);
	free(k->pw_path);
	free(k->end_path);
	free(k->log_path);
}

int
keeper_main(const char *lab_dir, int argc, char **argv)
{
	struct keeper k = { .lock_fd = -1, .report_fd = -1, .go_fd = -1, .sig_fd = -1, .gone_fd = -1, .con_fd = -1,
	    .live_fd = -1,
	    .ctl_fd = -1, .serial_fd = -1, .err_fd = -1, .qmp_fd = -1, .display = -1,
	    /* no medium change under way (a remote node never spawns QEMU,
	     * where keeper_spawn sets them for a local one) */
	    .cdrom_id = -1, .cdrom_fd = -1 };
	const char *node_id = NULL;
	struct accel_probe probe;
	struct err e;
	int rc = 1;

	k.log.fd = -1;
	for (int i = 0; i < argc; i++) {
		long v;
		if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			node_id = argv[++i];
			break;
		}
		if (strcmp(argv[i], "--report-fd") == 0 && i + 1 < argc &&
		    parse_int(argv[i + 1], 3, 1024, &v) == 0) {
			k.report_fd = (int)v;
			i++;
		} else if (strcmp(argv[i], "--go-fd") == 0 && i + 1 < argc &&
		    parse_int(argv[i + 1], 3, 1024, &v) == 0) {
			k.go_fd = (int)v;
			i++;
		} else if (strcmp(argv[i], "--log") == 0)
			k.own_log = 1;
		else if (strcmp(argv[i], "--vnc-host") == 0 && i + 1 < argc)
			k.vnc_host = argv[++i];
		else
			node_id = argv[i];
	}
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (k.vnc_host != NULL && qemu_vnc_host_local(k.vnc_host))
		k.vnc_host = NULL;
	if (k.vnc_host != NULL) {
		const char *pw = getenv("SANDLAB_VNC_PASSWORD");
		if (pw == NULL || *pw == '\0') {
			keeper_report_end(&k, "failed", "VNC on an address other than 127.0.0.1 needs a "
			    "password in $SANDLAB_VNC_PASSWORD");
			return 1;
		}
		k.vnc_pw = xstrdup(pw);
	}
	/* QEMU gets the password over QMP, never in its environment. */
	unsetenv("SANDLAB_VNC_PASSWORD");
	if (node_id == NULL) {
		keeper_report_end(&k, "failed", "no node given to the keeper");
		return 2;
	}
	if (keeper_setup(&k, lab_dir, node_id, &e) != 0) {
		int away = k.sent_away;
		if (!away) {
			klog("%s", e.msg);
			keeper_report_end(&k, "failed", e.msg);
		}
		if (k.go_fd >= 0)
			close(k.go_fd);
		keeper_teardown(&k);
		return away ? 0 : 1;
	}
	if (k.vnc_pw == NULL) {
		char pw[VNC_PASSWORD_LEN + 1];
		vnc_password_new(pw);
		k.vnc_pw = xstrdup(pw);
		explicit_bzero(pw, sizeof pw);
	}
	klog("keeping node %s (%s)", k.node.name, k.node.id);
	/* /dev/kvm is probed afresh on every start, QEMU's accelerators once
	 * per binary; a node set to tcg needs no probe. */
	memset(&probe, 0, sizeof probe);
	/* A node on another host: that host's libvirt decides (keeper_remote_start). */
	if (node_is_local(&k.node) && strcmp(k.node.accel, "tcg") != 0)
		accel_probe_lab(k.lab, "x86_64", &probe);
	if (node_is_local(&k.node) && accel_decide(k.node.accel, &probe, &k.accel, &e) != 0) {
		struct err e2;
		if (runrow_finish(k.lab->db, k.node.id, "stopped", "failed", e.msg, &e2) != 0)
			klog("%s", e2.msg);
		keeper_step(&k, "%s", e.msg);
		keeper_report_end(&k, "failed", e.msg);
		keeper_teardown(&k);
		return 1;
	}
	if (node_is_local(&k.node))
		keeper_step(&k, "accelerator %s%s%s", k.accel.accel, k.accel.why[0] ? ": " : "", k.accel.why);
	/* A local node's keeper attends to itself while its QEMU loads
	 * (keeper_spawn); a remote one's start waits on the host anyway. */
	if (!node_is_local(&k.node) && keeper_attend(&k, &e) != 0)
		snprintf(k.fail_msg, sizeof k.fail_msg, "%.*s", (int)sizeof k.fail_msg - 1, e.msg);
	if (k.fail_msg[0] || keeper_attempt(&k) != 0) {
		struct err e2;
		if (runrow_finish(k.lab->db, k.node.id, "stopped", "failed", k.fail_msg, &e2) != 0)
			klog("%s", e2.msg);
		keeper_step(&k, "%s", k.fail_msg);
		keeper_report_end(&k, "failed", k.fail_msg);
	} else {
		keeper_loop(&k);
		rc = 0;
	}
	klog("done");
	keeper_teardown(&k);
	return rc;
}
