/*
 * capture.c: pcap files of a wire's frames, and the lab's captures/
 * folder. The CLI and the dashboard both write through capture_pump, so
 * a capture reads the same whoever started it. Nothing here knows of a
 * terminal; a capture started by the dashboard runs on a thread of its
 * own there (ui/capjob.c) and stops through stop_fd.
 */
#include "capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "sanitize.h"
#include "wire.h"

/* Frames are counted for `capture ls` in files up to this size; bigger
 * ones would make a listing slow. */
#define CAPTURE_COUNT_MAX (64LL << 20)

/* libpcap is opened when a capture first needs it (dl_open), not linked:
 * linked, it and D-Bus, systemd and libgcrypt under it were loaded by
 * every sandlab process, a `node create` as much as a capture. */
#define CAPTURE_PCAP_SONAME "libpcap.so.0.8"
#define CAPTURE_PCAP_CALLS(X) X(pcap_open_dead) X(pcap_dump_fopen) X(pcap_geterr) \
	X(pcap_dump_flush) X(pcap_dump) X(pcap_dump_close) X(pcap_close) X(pcap_open_offline) \
	X(pcap_next_ex)
static struct { CAPTURE_PCAP_CALLS(DL_FIELD) } lp;
static void capture_pcap_load(void);
static struct dl_once capture_pcap_once = DL_ONCE(capture_pcap_load);

static void
capture_pcap_load(void)
{
	void *h = dl_open(CAPTURE_PCAP_SONAME, &capture_pcap_once.err);

	if (h == NULL)
		return;
#define CAPTURE_FIND(fn) DL_FIND(lp, h, CAPTURE_PCAP_SONAME, &capture_pcap_once.err, fn)
	CAPTURE_PCAP_CALLS(CAPTURE_FIND)
#undef CAPTURE_FIND
	capture_pcap_once.ok = 1;
}

/* 0 when libpcap's calls are in lp, or -1 with the reason. Once per
 * process, from whichever thread comes first (the dashboard captures on
 * threads of their own). */
static int
capture_pcap(struct err *e)
{
	return dl_once(&capture_pcap_once, e);
}

/* Reads exactly len bytes; 0 at the end of the stream or on an error (a
 * signal while blocked here is not let through, see capture_pump). */
static int
capture_read(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len; ) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		got += (size_t)n;
	}
	return 1;
}

int
capture_pump(int fd, FILE *out, int count, int stop_fd, const sigset_t *sigmask, long *frames,
    struct err *e)
{
	static _Thread_local unsigned char frame[WIRE_FRAME_MAX];
	pcap_t *pc;
	pcap_dumper_t *pd;
	int seen = 0, rc = 0, ended = 0;

	if (capture_pcap(e) != 0) {
		if (out != stdout)
			fclose(out);
		close(fd);
		return -1;
	}
	pc = lp.pcap_open_dead(DLT_EN10MB, WIRE_FRAME_MAX);
	if (pc == NULL || (pd = lp.pcap_dump_fopen(pc, out)) == NULL) {
		err_set(e, "cannot start the pcap file%s%s", pc ? ": " : "", pc ? lp.pcap_geterr(pc) : "");
		if (pc)
			lp.pcap_close(pc);
		if (out != stdout)
			fclose(out);
		close(fd);
		return -1;
	}
	if (lp.pcap_dump_flush(pd) != 0)
		rc = err_sys(e, "cannot write the pcap file");
	while (rc == 0) {
		struct wire_rec r;
		struct pcap_pkthdr h;
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
		/* Signals (the CLI's Ctrl-C) are let through only while waiting
		 * here, so a frame is never written half. */
		if (ppoll(p, stop_fd >= 0 ? 2 : 1, NULL, sigmask) < 0) {
			if (errno == EINTR && sigmask == NULL)
				continue;
			break;
		}
		if (stop_fd >= 0 && p[1].revents)
			break;
		if (!capture_read(fd, &r, sizeof r) || r.caplen > sizeof frame ||
		    !capture_read(fd, frame, r.caplen)) {
			ended = 1;
			break;
		}
		h.ts.tv_sec = (time_t)(r.ts_us / 1000000);
		h.ts.tv_usec = (suseconds_t)(r.ts_us % 1000000);
		h.caplen = h.len = r.caplen;
		lp.pcap_dump((u_char *)pd, &h, frame);
		/* Live: a reader down a pipe sees each frame as it comes. */
		if (lp.pcap_dump_flush(pd) != 0)
			rc = err_sys(e, "cannot write the pcap file");
		if (++seen >= count && count > 0)
			break;
	}
	close(fd);
	if (lp.pcap_dump_flush(pd) != 0 && rc == 0)
		rc = err_sys(e, "cannot write the pcap file");
	if (out == stdout)
		fflush(stdout);
	else
		lp.pcap_dump_close(pd);
	lp.pcap_close(pc);
	if (frames != NULL)
		*frames = seen;
	return rc != 0 ? rc : ended;
}

static char *
capture_dir(struct lab *lab, struct err *e)
{
	char *dir = lab_path(lab, "captures", NULL);

	if (lab_private_dir(dir, e) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

int
capture_file_new(struct lab *lab, const char *node, int idx, FILE **out, char **path,
    struct err *e)
{
	char stamp[32], *dir;
	struct tm tm;
	time_t now = time(NULL);
	int fd = -1;

	if ((dir = capture_dir(lab, e)) == NULL)
		return -1;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	/* Two captures of one end in one second: -2, -3, ... */
	for (int k = 1; k < 100 && fd < 0; k++) {
		*path = k == 1 ? xasprintf("%s/%s-eth%d-%s.pcap", dir, node, idx, stamp) :
		    xasprintf("%s/%s-eth%d-%s-%d.pcap", dir, node, idx, stamp, k);
		fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST) {
			err_sys(e, "cannot create %s", *path);
			break;
		}
		if (fd < 0) {
			free(*path);
			*path = NULL;
		}
	}
	free(dir);
	if (fd < 0) {
		if (*path == NULL)
			err_set(e, "too many captures of %s:eth%d this second", node, idx);
		free(*path);
		*path = NULL;
		return -1;
	}
	/* Running while this lock is held: it goes with the last close. */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0 || (*out = fdopen(fd, "wb")) == NULL) {
		err_sys(e, "cannot start %s", *path);
		close(fd);
		unlink(*path);
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

/* "r1:eth1" from "r1-eth1-20261201-235900[-2].pcap": the last "-ethN-"
 * ends the node's name (a name may hold "-eth" itself, the stamp never). */
static void
capture_end_of(const char *name, char *end, size_t len)
{
	const char *p = NULL;

	end[0] = '\0';
	for (const char *q = strstr(name, "-eth"); q != NULL; q = strstr(q + 1, "-eth"))
		p = q;
	if (p == NULL || p == name)
		return;
	const char *d = p + 4, *s = d;
	while (*s >= '0' && *s <= '9')
		s++;
	if (s == d || *s != '-')
		return;
	snprintf(end, len, "%.*s:eth%.*s", (int)(p - name), name, (int)(s - d), d);
}

static int64_t
capture_frames(const char *path, int64_t size)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	int64_t n = 0;
	pcap_t *pc;

	if (size > CAPTURE_COUNT_MAX || capture_pcap(NULL) != 0 ||
	    (pc = lp.pcap_open_offline(path, errbuf)) == NULL)
		return -1;
	/* A running capture's last frame may be half written: count to it. */
	while (lp.pcap_next_ex(pc, &h, &data) == 1)
		n++;
	lp.pcap_close(pc);
	return n;
}

static int
capture_cmp(const void *x, const void *y)
{
	return strcmp(((const struct capture_info *)x)->name, ((const struct capture_info *)y)->name);
}

static int
capture_pcap_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && n < sizeof ((struct capture_info *)0)->name && name[0] != '.' &&
	    strcmp(name + n - 5, ".pcap") == 0;
}

int
capture_list(struct lab *lab, struct capture_info **out, size_t *n, struct err *e)
{
	char *dir = lab_path(lab, "captures", NULL);
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		int rc = errno == ENOENT ? 0 : err_sys(e, "cannot read %s", dir);
		free(dir);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		struct capture_info *ci;
		struct stat sb;
		char *path;
		int fd;
		if (!capture_pcap_name(de->d_name))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			if (fd >= 0)
				close(fd);
			free(path);
			continue;
		}
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		ci = &(*out)[(*n)++];
		memset(ci, 0, sizeof *ci);
		snprintf(ci->name, sizeof ci->name, "%s", de->d_name);
		capture_end_of(ci->name, ci->end, sizeof ci->end);
		ci->size = (int64_t)sb.st_size;
		ci->mtime = (int64_t)sb.st_mtime;
		ci->running = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
		close(fd);
		ci->frames = capture_frames(path, ci->size);
		free(path);
	}
	closedir(d);
	free(dir);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, capture_cmp);
	return 0;
}

int
capture_rm(struct lab *lab, const char *name, struct err *e)
{
	char shown[96], *dir, *path;
	struct stat sb;
	int fd, rc = 0;

	sanitize_to(name, strlen(name), shown, sizeof shown);
	if (strchr(name, '/') != NULL || !capture_pcap_name(name))
		return err_set(e, "\"%s\" is not a capture: give a file name from sandlab capture ls "
		    "(NAME.pcap, no folder)", shown);
	dir = lab_path(lab, "captures", NULL);
	path = xasprintf("%s/%s", dir, name);
	free(dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		rc = err_set(e, "no capture \"%s\" (sandlab capture ls lists them)", shown);
	else if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		rc = err_set(e, "the capture %s is running: stop it first", shown);
	else if (unlink(path) != 0)
		rc = err_sys(e, "cannot remove %s", shown);
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}
