/*
 * rdom.c: a remote node's domain, held by its keeper (rdom.h). The
 * keeper's thread makes the blocking calls (connect, upload, create,
 * shutdown, destroy); a second thread runs libvirt's event loop, which
 * moves the console stream and delivers lifecycle events, and hands both
 * to the keeper's own poll loop through a socket and a pipe.
 */
#include "rdom.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domxml.h"
#include "hostconn.h"
#include "remote.h"
#include "virt.h"

#define RDOM_CHUNK      (256u << 10)
#define RDOM_TO_CONSOLE 4096

struct rdom {
	struct hostconn hc;         /* the way to the host: the lab's ssh to it */
	char         *run, *host;   /* the lab's run folder, the host's name: its locks */
	virConnectPtr c;
	virDomainPtr  dom;
	virStreamPtr  con;
	int           ev_cb;        /* lifecycle callback id, or -1 */
	int           con_fd;       /* the keeper's end of the console socket */
	int           bridge_fd;    /* the event thread's end */
	int           bridge_watch; /* virEventAddHandle's id, or -1 */
	int           ev_pipe[2];
	char         *ident;        /* the domain's description: whose it is */
	char         *refusal;      /* libvirt's whole message when rdom_start was refused */
	/* Console input the stream did not take yet (event thread only). */
	char          pend[RDOM_TO_CONSOLE];
	size_t        npend;
};

static void
rdom_post(struct rdom *r, enum rdom_ev_kind kind, int detail)
{
	struct rdom_ev ev = { .kind = kind, .detail = detail };

	/* A record is far below PIPE_BUF: written whole or not at all. */
	if (write(r->ev_pipe[1], &ev, sizeof ev) < 0)
		return;
}

static void
rdom_closed(virConnectPtr c, int reason, void *opaque)
{
	rdom_post(opaque, RDOM_EV_CLOSED, reason);
}

struct rdom *
rdom_connect(const char *run, const char *host, const char *uri, struct err *e)
{
	struct rdom *r = xcalloc(1, sizeof *r);

	r->ev_cb = r->bridge_watch = -1;
	r->con_fd = r->bridge_fd = -1;
	r->ev_pipe[0] = r->ev_pipe[1] = -1;
	r->run = xstrdup(run);
	r->host = xstrdup(host);
	/* First, before libvirt's thread runs: it may start the holder. */
	if (hostconn_open(run, host, uri, &r->hc, e) != 0 || virt_open(e) != 0 ||
	    virt_loop_start(e) != 0) {
		rdom_free(r);
		return NULL;
	}
	if (pipe2(r->ev_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		err_sys(e, "cannot make a pipe");
		rdom_free(r);
		return NULL;
	}
	if ((r->c = virt.virConnectOpen(r->hc.uri)) == NULL) {
		virt_error(e, "cannot connect");
		rdom_free(r);
		return NULL;
	}
	/* A host that went away is noticed within about 20 s. */
	virt.virConnectSetKeepAlive(r->c, 5, 3);
	virt.virConnectRegisterCloseCallback(r->c, rdom_closed, r, NULL);
	return r;
}

void
rdom_free(struct rdom *r)
{
	if (r == NULL)
		return;
	if (r->bridge_watch >= 0)
		virt.virEventRemoveHandle(r->bridge_watch);
	if (r->con != NULL) {
		virt.virStreamEventRemoveCallback(r->con);
		virt.virStreamAbort(r->con);
		virt.virStreamFree(r->con);
	}
	if (r->ev_cb >= 0)
		virt.virConnectDomainEventDeregisterAny(r->c, r->ev_cb);
	if (r->dom != NULL)
		virt.virDomainFree(r->dom);
	if (r->c != NULL) {
		/* r goes now: no close callback may come to it after. */
		virt.virConnectUnregisterCloseCallback(r->c, rdom_closed);
		virt.virConnectClose(r->c);
	}
	/* The event thread may still be inside a callback that got the
	 * descriptors before they were removed: close them after. */
	if (r->con_fd >= 0)
		close(r->con_fd);
	if (r->bridge_fd >= 0)
		close(r->bridge_fd);
	if (r->ev_pipe[0] >= 0) {
		close(r->ev_pipe[0]);
		close(r->ev_pipe[1]);
	}
	/* After libvirt's connection: the last user's close ends the ssh. */
	hostconn_close(&r->hc);
	free(r->run);
	free(r->host);
	free(r->ident);
	free(r->refusal);
	free(r);
}

/* ---- locks: what the lab's keepers do to one thing on the host ---- */

/* What the lock file of a volume says while its holder uploads it. */
#define RDOM_UPLOADING    "upload\n"
#define RDOM_LOCK_POLL_MS 100

/* Notes in a held lock file whether its holder uploads now (what a
 * waiting keeper tells its user); the lock works without the note. */
static void
rdom_lock_note(int fd, int uploading)
{
	if (ftruncate(fd, 0) != 0 ||
	    (uploading && pwrite(fd, RDOM_UPLOADING, strlen(RDOM_UPLOADING), 0) < 0))
		(void)0;
}

/*
 * Holds the lab's lock of `what` on the host (hostconn_lock_file): its
 * descriptor (close it to let go), or -1 with why. Two keepers that
 * start nodes of one image at once would otherwise both find its volume
 * missing, or not whole, and both make it (one is refused) or delete the
 * one the other is still sending. The other keeper holds the lock while
 * it looks the volume up, uploads it and marks it whole, which may take
 * minutes; this one waits until that keeper lets go, or dies (the kernel
 * lets go for it). It asks every RDOM_LOCK_POLL_MS rather than sleeping
 * in flock, so that it tells the user that it waits (step, once, naming
 * shown) only once the holder notes that it uploads (rdom_lock_note),
 * never while the holder merely looks. shown NULL: a short wait, silent.
 */
static int
rdom_lock(struct rdom *r, const char *what, const char *shown, rdom_step_cb step, void *arg,
    struct err *e)
{
	int fd = hostconn_lock_file(r->run, r->host, what, e), told = 0;
	const size_t len = strlen(RDOM_UPLOADING);
	char note[16];

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			err_sys(e, "cannot lock %s of host %s", what, r->host);
			close(fd);
			return -1;
		}
		if (!told && shown != NULL && pread(fd, note, sizeof note, 0) == (ssize_t)len &&
		    memcmp(note, RDOM_UPLOADING, len) == 0) {
			step(arg, "waiting for another node's upload of %s to the host", shown);
			told = 1;
		}
		poll(NULL, 0, RDOM_LOCK_POLL_MS);
	}
	/* What a holder that died noted is true no longer. */
	rdom_lock_note(fd, 0);
	return fd;
}

/* ---- the pool and the image ---- */

/* The pool, defined, built and started when the host lacks it (which
 * the caller holds the pool's lock for). */
static virStoragePoolPtr
rdom_pool_ensure(struct rdom *r, struct err *e)
{
	virStoragePoolPtr p = virt.virStoragePoolLookupByName(r->c, RDOM_POOL);
	const char *dir = getenv("SANDLAB_REMOTE_POOL_DIR");
	char *xml;

	if (p == NULL) {
		xml = domxml_pool(RDOM_POOL, dir && *dir ? dir : RDOM_POOL_DIR, e);
		if (xml == NULL)
			return NULL;
		p = virt.virStoragePoolDefineXML(r->c, xml, 0);
		free(xml);
		if (p == NULL) {
			virt_error(e, "cannot define the storage pool " RDOM_POOL);
			return NULL;
		}
		/* Race tests: other starts come while it is defined, not built. */
		pace_point("pool-defined");
		if (virt.virStoragePoolBuild(p, 0) != 0) {
			virt_error(e, "cannot make the folder of the storage pool " RDOM_POOL);
			virt.virStoragePoolFree(p);
			return NULL;
		}
		virt.virStoragePoolSetAutostart(p, 1);
	}
	if (virt.virStoragePoolIsActive(p) != 1 && virt.virStoragePoolCreate(p, 0) != 0) {
		virt_error(e, "cannot start the storage pool " RDOM_POOL);
		virt.virStoragePoolFree(p);
		return NULL;
	}
	return p;
}

/* The pool, ready: under the lab's lock of it, or two keepers on a host
 * that lacks it would both define it (one is refused) and both start it. */
static virStoragePoolPtr
rdom_pool(struct rdom *r, struct err *e)
{
	int lock = rdom_lock(r, "pool-" RDOM_POOL, NULL, NULL, NULL, e);
	virStoragePoolPtr p;

	if (lock < 0)
		return NULL;
	p = rdom_pool_ensure(r, e);
	close(lock);
	/* Volumes made by another client since the pool was last read. */
	if (p != NULL)
		virt.virStoragePoolRefresh(p, 0);
	return p;
}

static virStorageVolPtr
rdom_vol_make(struct rdom *r, virStoragePoolPtr p, const char *name, long long size, struct err *e)
{
	char *xml = domxml_raw_volume(name, size, e);
	virStorageVolPtr v;

	if (xml == NULL)
		return NULL;
	v = virt.virStorageVolCreateXML(p, xml, 0);
	free(xml);
	if (v == NULL)
		virt_error(e, "cannot make a volume in the storage pool " RDOM_POOL);
	return v;
}

/* A test hook, off unless set: the upload fails after this many bytes,
 * as a dropped connection would cut it. */
static long long
rdom_test_cut(void)
{
	const char *s = getenv("SANDLAB_TEST_UPLOAD_CUT");

	return s && *s ? atoll(s) : -1;
}

/* Sends the file into v, hashing what it sends into dig. */
static int
rdom_upload(struct rdom *r, virStorageVolPtr v, int fd, long long size, const char *shown,
    rdom_step_cb step, void *arg, unsigned char *dig, struct err *e)
{
	virStreamPtr st = virt.virStreamNew(r->c, 0);
	char *buf = xmalloc(RDOM_CHUNK);
	struct sha256_ctx h;
	long long sent = 0, cut = rdom_test_cut();
	int told = 0, rc = -1;

	sha256_init(&h);
	if (st == NULL) {
		err_set(e, "cannot start the upload");
		goto out;
	}
	if (virt.virStorageVolUpload(v, st, 0, (unsigned long long)size, 0) != 0) {
		virt_error(e, "cannot upload");
		sha256_digest(&h, SHA256_DIGEST_SIZE, dig);
		goto out;
	}
	while (sent < size) {
		ssize_t n = read(fd, buf, RDOM_CHUNK);
		if (n <= 0) {
			err_sys(e, "cannot read %s", shown);
			break;
		}
		if (cut >= 0 && sent + n > cut) {
			err_set(e, "the upload was cut after %lld bytes (test hook)", cut);
			break;
		}
		sha256_update(&h, (size_t)n, (const uint8_t *)buf);
		/* Race tests widen the upload: another start comes during it. */
		pace_point("upload-chunk");
		for (ssize_t off = 0; off < n; ) {
			int w = virt.virStreamSend(st, buf + off, (size_t)(n - off));
			if (w <= 0) {
				virt_error(e, "the upload stopped");
				goto cut;
			}
			off += w;
		}
		sent += n;
		if (sent * 4 / size > told) {
			told = (int)(sent * 4 / size);
			step(arg, "uploading image %s: %d%% of %lld bytes", shown, told * 25, size);
		}
	}
cut:
	sha256_digest(&h, SHA256_DIGEST_SIZE, dig);
	if (sent == size && virt.virStreamFinish(st) == 0)
		rc = 0;
	else {
		if (sent == size)
			virt_error(e, "the upload did not finish");
		virt.virStreamAbort(st);
	}
out:
	if (st != NULL)
		virt.virStreamFree(st);
	free(buf);
	return rc;
}

/* Reads v back and hashes it into dig. */
static int
rdom_readback(struct rdom *r, virStorageVolPtr v, long long size, unsigned char *dig, struct err *e)
{
	virStreamPtr st = virt.virStreamNew(r->c, 0);
	char *buf = xmalloc(RDOM_CHUNK);
	struct sha256_ctx h;
	long long got = 0;
	int rc = -1;

	sha256_init(&h);
	if (st == NULL) {
		err_set(e, "cannot start reading the image back");
		goto out;
	}
	if (virt.virStorageVolDownload(v, st, 0, (unsigned long long)size, 0) != 0) {
		virt_error(e, "cannot read the image back");
		sha256_digest(&h, SHA256_DIGEST_SIZE, dig);
		goto out;
	}
	for (;;) {
		int n = virt.virStreamRecv(st, buf, RDOM_CHUNK);
		if (n < 0) {
			virt_error(e, "reading the image back stopped");
			virt.virStreamAbort(st);
			break;
		}
		if (n == 0) {
			rc = virt.virStreamFinish(st) == 0 && got == size ? 0 : -1;
			if (rc != 0)
				err_set(e, "the image read back has %lld bytes, not %lld", got, size);
			break;
		}
		sha256_update(&h, (size_t)n, (const uint8_t *)buf);
		got += n;
	}
	sha256_digest(&h, SHA256_DIGEST_SIZE, dig);
out:
	if (st != NULL)
		virt.virStreamFree(st);
	free(buf);
	return rc;
}

int
rdom_image(struct rdom *r, const char *file, const char *id, rdom_step_cb step, void *arg,
    char **path, struct err *e)
{
	virStoragePoolPtr p;
	virStorageVolPtr v = NULL, ok = NULL;
	virStorageVolInfo info;
	unsigned char sent[32], back[32];
	char *name = xasprintf("image-%s", id), *mark = xasprintf("image-%s.ok", id);
	char *what = xasprintf("vol-%s", name);
	const char *shown = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	struct stat sb;
	int fd = -1, lock = -1, rc = -1;

	*path = NULL;
	if ((p = rdom_pool(r, e)) == NULL)
		goto out;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
		err_sys(e, "cannot read the image %s", shown);
		goto out;
	}
	/* Looked up, sent and marked by one keeper of the lab at a time: the
	 * next one finds it whole. */
	if ((lock = rdom_lock(r, what, shown, step, arg, e)) < 0)
		goto out;
	v = virt.virStorageVolLookupByName(p, name);
	ok = virt.virStorageVolLookupByName(p, mark);
	/* Its bytes on the host, not the capacity: libvirt reads a qcow2's
	 * virtual size as that. */
	if (v != NULL && ok != NULL &&
	    virt.virStorageVolGetInfoFlags(v, &info, VIR_STORAGE_VOL_GET_PHYSICAL) == 0 &&
	    info.allocation == (unsigned long long)sb.st_size) {
		step(arg, "image %s is on the host already", shown);
		rc = 0;
		goto out;
	}
	/* Not whole, or not there: start afresh. */
	if (ok != NULL) {
		virt.virStorageVolDelete(ok, 0);
		virt.virStorageVolFree(ok);
		ok = NULL;
	}
	if (v != NULL) {
		step(arg, "image %s on the host is not whole; sending it again", shown);
		virt.virStorageVolDelete(v, 0);
		virt.virStorageVolFree(v);
		v = NULL;
	}
	if ((v = rdom_vol_make(r, p, name, sb.st_size, e)) == NULL)
		goto out;
	rdom_lock_note(lock, 1);
	step(arg, "uploading image %s (%lld bytes) to the host", shown, (long long)sb.st_size);
	if (rdom_upload(r, v, fd, sb.st_size, shown, step, arg, sent, e) != 0 ||
	    rdom_readback(r, v, sb.st_size, back, e) != 0)
		goto drop;
	if (memcmp(sent, back, sizeof sent) != 0) {
		err_set(e, "the image %s read back from the host differs from what was sent", shown);
		goto drop;
	}
	if ((ok = rdom_vol_make(r, p, mark, 1, e)) == NULL)
		goto drop;
	step(arg, "image %s uploaded and checked (size and SHA-256)", shown);
	rc = 0;
	goto out;
drop:
	/* No half volume may pass for a whole one. */
	virt.virStorageVolDelete(v, 0);
out:
	if (rc == 0 && (*path = virt.virStorageVolGetPath(v)) == NULL)
		rc = virt_error(e, "cannot find the image's path on the host");
	if (lock >= 0) {
		rdom_lock_note(lock, 0);
		close(lock);
	}
	if (fd >= 0)
		close(fd);
	if (v != NULL)
		virt.virStorageVolFree(v);
	if (ok != NULL)
		virt.virStorageVolFree(ok);
	if (p != NULL)
		virt.virStoragePoolFree(p);
	free(name);
	free(mark);
	free(what);
	return rc;
}

int
rdom_disk(struct rdom *r, const char *name, const char *xml, int *made, struct err *e)
{
	virStoragePoolPtr p = rdom_pool(r, e);
	virStorageVolPtr v;

	*made = 0;
	if (p == NULL)
		return -1;
	if ((v = virt.virStorageVolLookupByName(p, name)) == NULL) {
		v = virt.virStorageVolCreateXML(p, xml, 0);
		*made = v != NULL;
	}
	virt.virStoragePoolFree(p);
	if (v == NULL)
		return virt_error(e, "cannot make the node's disk on the host");
	virt.virStorageVolFree(v);
	return 0;
}

void
rdom_disk_rm(struct rdom *r, const char *name)
{
	virStoragePoolPtr p = virt.virStoragePoolLookupByName(r->c, RDOM_POOL);
	virStorageVolPtr v = p ? virt.virStorageVolLookupByName(p, name) : NULL;

	if (v != NULL) {
		virt.virStorageVolDelete(v, 0);
		virt.virStorageVolFree(v);
	}
	if (p != NULL)
		virt.virStoragePoolFree(p);
}

int
rdom_kvm(struct rdom *r)
{
	char *caps = virt.virConnectGetCapabilities(r->c);
	int kvm = caps != NULL && remote_caps_kvm(caps);

	free(caps);
	return kvm;
}

int
rdom_ovmf(struct rdom *r, const char *machine, const char *accel, char **code, char **vars,
    struct err *e)
{
	char *caps = virt.virConnectGetDomainCapabilities(r->c, NULL, "x86_64", machine,
	    strcmp(accel, "kvm") == 0 ? "kvm" : "qemu", 0);
	int rc;

	*code = *vars = NULL;
	if (caps == NULL)
		return virt_error(e, "cannot read the host's domain capabilities");
	rc = remote_domcaps_ovmf(caps, code, vars);
	free(caps);
	if (rc != 0)
		return err_set(e, "firmware uefi: the host offers no UEFI firmware (OVMF without Secure "
		    "Boot); install the ovmf package there, or use --firmware bios");
	return 0;
}

/* ---- the domain ---- */

static int
rdom_lifecycle(virConnectPtr c, virDomainPtr d, int event, int detail, void *opaque)
{
	if (event == VIR_DOMAIN_EVENT_STOPPED)
		rdom_post(opaque, RDOM_EV_STOPPED, detail);
	return 0;
}

/* The console stream ended or failed: the keeper reads end of file. */
static void
rdom_console_end(struct rdom *r)
{
	virt.virStreamEventRemoveCallback(r->con);
	if (r->bridge_watch >= 0) {
		virt.virEventRemoveHandle(r->bridge_watch);
		r->bridge_watch = -1;
	}
	shutdown(r->bridge_fd, SHUT_RDWR);
}

/* Sends what waits for the guest; 1 when all of it went. */
static int
rdom_console_push(struct rdom *r)
{
	while (r->npend > 0) {
		int n = virt.virStreamSend(r->con, r->pend, r->npend);
		if (n == -2)
			return 0;
		if (n < 0) {
			r->npend = 0;
			rdom_console_end(r);
			return 0;
		}
		memmove(r->pend, r->pend + n, r->npend - (size_t)n);
		r->npend -= (size_t)n;
	}
	return 1;
}

/* In the event thread: the guest wrote, or the stream takes input again. */
static void
rdom_console_stream(virStreamPtr st, int events, void *opaque)
{
	struct rdom *r = opaque;
	char buf[16384];

	if ((events & VIR_STREAM_EVENT_WRITABLE) && rdom_console_push(r))
		virt.virStreamEventUpdateCallback(st, VIR_STREAM_EVENT_READABLE |
		    VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP);
	if (events & (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) {
		for (;;) {
			int n = virt.virStreamRecv(st, buf, sizeof buf);
			if (n == -2)
				break;
			if (n <= 0) {
				rdom_console_end(r);
				return;
			}
			/* The keeper's end is read by its loop at once; a keeper
			 * that is slow holds the guest's output here, not lost. */
			if (write_all(r->bridge_fd, buf, (size_t)n) != 0) {
				rdom_console_end(r);
				return;
			}
		}
	}
}

/* In the event thread: a client typed (through the keeper). */
static void
rdom_console_input(int watch, int fd, int events, void *opaque)
{
	struct rdom *r = opaque;
	ssize_t n;

	if (r->npend > 0)
		return;
	n = read(fd, r->pend, sizeof r->pend);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			rdom_console_end(r);
		return;
	}
	r->npend = (size_t)n;
	if (!rdom_console_push(r) && r->npend > 0)
		virt.virStreamEventUpdateCallback(r->con, VIR_STREAM_EVENT_READABLE |
		    VIR_STREAM_EVENT_WRITABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP);
}

/* flags: VIR_DOMAIN_CONSOLE_FORCE takes the console from a holder that
 * is gone (a keeper that died, a connection that dropped). */
static int
rdom_console_open(struct rdom *r, unsigned flags, struct err *e)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return err_sys(e, "cannot make the console's socket");
	r->con_fd = sv[0];
	r->bridge_fd = sv[1];
	fcntl(r->con_fd, F_SETFL, fcntl(r->con_fd, F_GETFL) | O_NONBLOCK);
	if ((r->con = virt.virStreamNew(r->c, VIR_STREAM_NONBLOCK)) == NULL ||
	    virt.virDomainOpenConsole(r->dom, NULL, r->con, flags) != 0)
		return virt_error(e, "cannot open the domain's console");
	if (virt.virStreamEventAddCallback(r->con, VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
	    VIR_STREAM_EVENT_HANGUP, rdom_console_stream, r, NULL) != 0)
		return virt_error(e, "cannot watch the domain's console");
	r->bridge_watch = virt.virEventAddHandle(r->bridge_fd, VIR_EVENT_HANDLE_READABLE,
	    rdom_console_input, r, NULL);
	if (r->bridge_watch < 0)
		return virt_error(e, "cannot watch the console's socket");
	return 0;
}

/* libvirt's last message, whole (virt_error cuts what it shows): QEMU's
 * own lines are in it when QEMU ended during the start. */
static void
rdom_keep_refusal(struct rdom *r)
{
	const char *msg = virt.virGetLastErrorMessage();

	free(r->refusal);
	r->refusal = xstrdup(msg != NULL ? msg : "");
}

const char *
rdom_refusal(const struct rdom *r)
{
	return r->refusal != NULL ? r->refusal : "";
}

int
rdom_start(struct rdom *r, const char *name, const char *xml, struct err *e)
{
	virDomainPtr old = virt.virDomainLookupByName(r->c, name);

	if (old != NULL) {
		virt.virDomainFree(old);
		return err_set(e, "the host already runs a domain named %s (left by a keeper that "
		    "died? see virsh list there)", name);
	}
	free(r->refusal);
	r->refusal = NULL;
	/* Paused first: the console and the lifecycle watch are in place
	 * before the guest's first byte or its end. */
	if ((r->dom = virt.virDomainCreateXML(r->c, xml, VIR_DOMAIN_START_PAUSED)) == NULL) {
		rdom_keep_refusal(r);
		return virt_error(e, "the host refused the domain");
	}
	r->ev_cb = virt.virConnectDomainEventRegisterAny(r->c, r->dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(rdom_lifecycle), r, NULL);
	if (r->ev_cb < 0) {
		virt_error(e, "cannot watch the domain");
		virt.virDomainDestroy(r->dom);
		return -1;
	}
	if (rdom_console_open(r, 0, e) != 0) {
		virt.virDomainDestroy(r->dom);
		return -1;
	}
	/* Whose it is, for a keeper that finds it later (rdom_attach). */
	if (r->ident != NULL && virt.virDomainSetMetadata(r->dom, VIR_DOMAIN_METADATA_DESCRIPTION,
	    r->ident, NULL, NULL, VIR_DOMAIN_AFFECT_LIVE) != 0) {
		virt_error(e, "cannot mark the domain as this node's");
		virt.virDomainDestroy(r->dom);
		return -1;
	}
	if (virt.virDomainResume(r->dom) != 0) {
		rdom_keep_refusal(r);
		virt_error(e, "cannot resume the domain");
		virt.virDomainDestroy(r->dom);
		return -1;
	}
	return 0;
}

void
rdom_set_ident(struct rdom *r, const char *ident)
{
	free(r->ident);
	r->ident = xstrdup(ident);
}

int
rdom_attach(struct rdom *r, const char *name, struct err *e)
{
	virDomainPtr d = virt.virDomainLookupByName(r->c, name);
	char *desc;
	int same;

	if (d == NULL) {
		if (virt.virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
			return 1;
		return virt_error(e, "cannot look the domain up");
	}
	/* A transient domain that ended is gone; one still listed but shut
	 * off is as good as gone. */
	if (virt.virDomainIsActive(d) != 1) {
		virt.virDomainFree(d);
		return 1;
	}
	desc = virt.virDomainGetMetadata(d, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, VIR_DOMAIN_AFFECT_LIVE);
	same = desc != NULL && r->ident != NULL && strcmp(desc, r->ident) == 0;
	free(desc);
	if (!same) {
		virt.virDomainFree(d);
		return err_set(e, "the host already runs a domain named %s that is not this node's "
		    "(its description says otherwise); it is left alone", name);
	}
	r->dom = d;
	r->ev_cb = virt.virConnectDomainEventRegisterAny(r->c, r->dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(rdom_lifecycle), r, NULL);
	if (r->ev_cb < 0)
		return virt_error(e, "cannot watch the domain");
	/* An end between the lookup and the watch: seen now, not missed. */
	if (virt.virDomainIsActive(d) != 1)
		return 1;
	return rdom_console_open(r, VIR_DOMAIN_CONSOLE_FORCE, e);
}

int
rdom_console_fd(const struct rdom *r)
{
	return r->con_fd;
}

int
rdom_event_fd(const struct rdom *r)
{
	return r->ev_pipe[0];
}

int
rdom_event_next(struct rdom *r, struct rdom_ev *ev)
{
	return read(r->ev_pipe[0], ev, sizeof *ev) == (ssize_t)sizeof *ev;
}

int
rdom_vnc_password(struct rdom *r, char *buf, size_t len)
{
	char *xml = r->dom ? virt.virDomainGetXMLDesc(r->dom, VIR_DOMAIN_XML_SECURE) : NULL;

	buf[0] = '\0';
	if (xml != NULL) {
		remote_domxml_vnc_password(xml, buf, len);
		explicit_bzero(xml, strlen(xml));
	}
	free(xml);
	return buf[0] ? 0 : -1;
}

int
rdom_cdrom_target(struct rdom *r, char *dev, size_t devlen, char *bus, size_t buslen)
{
	char *xml = r->dom ? virt.virDomainGetXMLDesc(r->dom, 0) : NULL;
	int rc = xml ? remote_domxml_cdrom(xml, dev, devlen, bus, buslen) : -1;

	free(xml);
	return rc;
}

int
rdom_vnc_port(struct rdom *r)
{
	char *xml = r->dom ? virt.virDomainGetXMLDesc(r->dom, 0) : NULL;
	int port = xml ? remote_domxml_vnc_port(xml) : -1;

	free(xml);
	return port;
}

int
rdom_shutdown(struct rdom *r, struct err *e)
{
	if (virt.virDomainShutdown(r->dom) != 0)
		return virt_error(e, "ACPI shutdown refused");
	return 0;
}

int
rdom_destroy(struct rdom *r, struct err *e)
{
	if (virt.virDomainDestroy(r->dom) != 0)
		return virt_error(e, "cannot destroy the domain");
	return 0;
}

int
rdom_update_device(struct rdom *r, const char *xml, int force, struct err *e)
{
	if (virt.virDomainUpdateDeviceFlags(r->dom, xml, VIR_DOMAIN_AFFECT_LIVE |
	    (force ? VIR_DOMAIN_DEVICE_MODIFY_FORCE : 0)) != 0)
		return virt_error(e, "libvirt did not change the running domain's device");
	return 0;
}

const char *
rdom_stopped_str(int detail)
{
	switch (detail) {
	case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN:     return "shutdown";
	case VIR_DOMAIN_EVENT_STOPPED_DESTROYED:    return "destroyed";
	case VIR_DOMAIN_EVENT_STOPPED_CRASHED:      return "crashed";
	case VIR_DOMAIN_EVENT_STOPPED_MIGRATED:     return "migrated";
	case VIR_DOMAIN_EVENT_STOPPED_SAVED:        return "saved";
	case VIR_DOMAIN_EVENT_STOPPED_FAILED:       return "failed";
	case VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT: return "from snapshot";
	default:                                    return "unknown";
	}
}
