/*
 * remote.c: questions to other hosts through libvirt, each asked in a
 * child process (fork, no exec: the child is this program) that writes
 * its answer as one fixed-size record into a pipe. The parent waits on
 * all pipes in one poll until the deadline and kills, by pid, the group
 * of a child that did not answer (ssh, when the URI runs it, is in that
 * group). The child has no controlling terminal, so nothing (ssh above
 * all) can stop to ask the user for a password.
 *
 * libvirt is opened with dlopen in that child, not linked: linked, it and
 * the 43 libraries it pulls in (glib, gnutls, curl, krb5, ...) were mapped
 * and relocated by every sandlab process, which took about two thirds of
 * the CPU of a `node create` (71 of 100 ms on the bench machine). Its
 * headers still give every call its type (virt.h, shared with rdom.c).
 */
#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "firmware.h"
#include "proc.h"
#include "sanitize.h"
#include "util.h"
#include "virt.h"
#include "xmllib.h"

void
remote_version_str(unsigned long v, char *buf, size_t len)
{
	snprintf(buf, len, "%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
}

/* An XPath question to an XML document from a host: q->r is the answer
 * (NULL when the text is not XML); remote_xq_close frees it all. */
struct remote_xq {
	xmlDocPtr          doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr  r;
};

static void
remote_xq_open(struct remote_xq *q, const char *xml, const char *expr)
{
	memset(q, 0, sizeof *q);
	/* libvirt, loaded already, needs libxml2 itself: this cannot fail
	 * unless the host is broken, and then no answer is the safe one. */
	if (xmllib_open(NULL) != 0)
		return;
	q->doc = xmllib.xmlReadMemory(xml, (int)strlen(xml), "host.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	q->ctx = q->doc ? xmllib.xmlXPathNewContext(q->doc) : NULL;
	q->r = q->ctx ? xmllib.xmlXPathEvalExpression(BAD_CAST expr, q->ctx) : NULL;
}

static void
remote_xq_close(struct remote_xq *q)
{
	if (q->r != NULL)
		xmllib.xmlXPathFreeObject(q->r);
	if (q->ctx != NULL)
		xmllib.xmlXPathFreeContext(q->ctx);
	if (q->doc != NULL)
		xmllib.xmlFreeDoc(q->doc);
}

int
remote_caps_kvm(const char *caps_xml)
{
	struct remote_xq q;
	int kvm = 0;

	remote_xq_open(&q, caps_xml, "boolean(/capabilities/guest/arch[@name='x86_64']/domain[@type='kvm'])");
	if (q.r != NULL && q.r->type == XPATH_BOOLEAN)
		kvm = q.r->boolval;
	remote_xq_close(&q);
	return kvm;
}

int
remote_domxml_vnc_port(const char *dom_xml)
{
	struct remote_xq q;
	int port = -1;

	remote_xq_open(&q, dom_xml, "number(/domain/devices/graphics[@type='vnc'][1]/@port)");
	/* NaN when there is none; -1 before the domain runs. */
	if (q.r != NULL && q.r->type == XPATH_NUMBER && q.r->floatval >= 1 && q.r->floatval <= 65535)
		port = (int)q.r->floatval;
	remote_xq_close(&q);
	return port;
}

/* The string expr gives of xml into buf ("" when none). */
static void
remote_xq_string(const char *xml, const char *expr, char *buf, size_t len)
{
	struct remote_xq q;

	buf[0] = '\0';
	remote_xq_open(&q, xml, expr);
	if (q.r != NULL && q.r->type == XPATH_STRING && q.r->stringval != NULL)
		snprintf(buf, len, "%s", (const char *)q.r->stringval);
	remote_xq_close(&q);
}

void
remote_domxml_vnc_password(const char *dom_xml, char *buf, size_t len)
{
	remote_xq_string(dom_xml, "string(/domain/devices/graphics[@type='vnc'][1]/@passwd)", buf, len);
}

int
remote_domxml_cdrom(const char *dom_xml, char *dev, size_t devlen, char *bus, size_t buslen)
{
	remote_xq_string(dom_xml, "string(/domain/devices/disk[@device='cdrom'][1]/target/@dev)", dev, devlen);
	remote_xq_string(dom_xml, "string(/domain/devices/disk[@device='cdrom'][1]/target/@bus)", bus, buslen);
	return dev[0] && bus[0] ? 0 : -1;
}

/* How good a loader file is for a node: 2 firmware.h's own build, 1
 * another build without Secure Boot, 0 one that needs keys or SMM. */
static int
remote_ovmf_rank(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (path[0] != '/' || strstr(base, "CODE") == NULL)
		return 0;
	if (strcmp(base, FIRMWARE_CODE) == 0)
		return 2;
	return strstr(base, "secboot") == NULL && strstr(base, ".ms.") == NULL &&
	    strstr(base, "snakeoil") == NULL;
}

int
remote_domcaps_ovmf(const char *domcaps_xml, char **code, char **vars)
{
	struct remote_xq q;
	xmlXPathObjectPtr r;
	int best = 0;

	*code = *vars = NULL;
	remote_xq_open(&q, domcaps_xml, "/domainCapabilities/os[@supported='yes']"
	    "/loader[@supported='yes']/value");
	r = q.r;
	for (int i = 0; r != NULL && r->nodesetval != NULL && i < r->nodesetval->nodeNr; i++) {
		xmlChar *v = xmllib.xmlNodeGetContent(r->nodesetval->nodeTab[i]);
		int rank = v ? remote_ovmf_rank((const char *)v) : 0;
		if (rank > best) {
			best = rank;
			free(*code);
			*code = xstrdup((const char *)v);
		}
		xmllib_free(v);
	}
	remote_xq_close(&q);
	if (*code == NULL)
		return -1;
	/* The last "CODE" is the file name's (a folder may say CODE too). */
	char *at = NULL;
	for (char *p = strstr(*code, "CODE"); p; p = strstr(p + 1, "CODE"))
		at = p;
	*vars = xstrdup(*code);
	memcpy(*vars + (at - *code), "VARS", 4);
	return 0;
}

static void
remote_error(struct remote_facts *f, const char *what)
{
	struct err e;

	virt_error(&e, what);
	snprintf(f->error, sizeof f->error, "%.*s", (int)sizeof f->error - 1, e.msg);
}

/* In the child: connects, asks, fills f. */
static void
remote_probe_child(const char *uri, struct remote_facts *f)
{
	virConnectPtr c;
	virNodeInfo info;
	unsigned long lv = 0, hv = 0;
	unsigned long long freemem;
	char *caps;
	struct err e;

	if (virt_open(&e) != 0) {
		snprintf(f->error, sizeof f->error, "%.*s", (int)sizeof f->error - 1, e.msg);
		return;
	}
	/* The libssh transports register their socket with libvirt's event
	 * loop and fail (then wait forever) when there is none. The child
	 * _exits when done, so the loop never has to stop. */
	if (virt_loop_start(&e) != 0) {
		remote_error(f, "libvirt's event loop");
		return;
	}
	c = virt.virConnectOpen(uri);
	if (c == NULL) {
		remote_error(f, "cannot connect");
		return;
	}
	f->reachable = 1;
	if (virt.virConnectGetLibVersion(c, &lv) == 0)
		remote_version_str(lv, f->libvirt, sizeof f->libvirt);
	if (virt.virConnectGetVersion(c, &hv) == 0)
		remote_version_str(hv, f->qemu, sizeof f->qemu);
	if (virt.virNodeGetInfo(c, &info) == 0) {
		f->cpus = (int)info.cpus;
		f->mem_total = (uint64_t)info.memory * 1024;
	}
	freemem = virt.virNodeGetFreeMemory(c);
	f->mem_free = freemem;
	caps = virt.virConnectGetCapabilities(c);
	if (caps != NULL) {
		f->kvm = remote_caps_kvm(caps);
		free(caps);
	}
	virt.virConnectClose(c);
}

/* In the child: the question child(arg, rec) answers into rec (reclen
 * bytes), which goes whole into the pipe *rfd reads. */
static pid_t
remote_spawn(void (*child)(const void *arg, void *rec), const void *arg, size_t reclen, int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		void *rec = xcalloc(1, reclen);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		setsid();
		/* Not even the parent's stdout: whoever reads it must not
		 * wait for a probe (or its ssh) that outlives the parent. */
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		close(p[0]);
		child(arg, rec);
		(void)write_all(p[1], rec, reclen);
		/* No atexit handlers: they belong to the parent (and the
		 * sanitizers' leak check would count libvirt's globals). */
		_exit(0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static void
remote_probe_rec(const void *uri, void *rec)
{
	remote_probe_child(uri, rec);
}

void
remote_probe_many(const char *const *uris, size_t n, int timeout_ms,
    struct remote_facts *out)
{
	pid_t *pids = xcalloc(n ? n : 1, sizeof *pids);
	struct pollfd *pf = xcalloc(n ? n : 1, sizeof *pf);
	size_t *got = xcalloc(n ? n : 1, sizeof *got);
	int64_t start = mono_ms(), end = start + timeout_ms;
	size_t open_n = 0;

	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof out[i]);
		pf[i].fd = -1;
		pids[i] = remote_spawn(remote_probe_rec, uris[i], sizeof out[i], &pf[i].fd);
		if (pids[i] < 0) {
			snprintf(out[i].error, sizeof out[i].error, "cannot start the probe: %s",
			    strerror(errno));
			continue;
		}
		pf[i].events = POLLIN;
		open_n++;
	}
	while (open_n > 0) {
		int64_t left = end - mono_ms();
		if (left <= 0)
			break;
		if (poll(pf, n, (int)left) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < n; i++) {
			ssize_t r;
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(pf[i].fd, (char *)&out[i] + got[i], sizeof out[i] - got[i]);
			if (r > 0)
				got[i] += (size_t)r;
			if (r > 0 && got[i] < sizeof out[i])
				continue;
			if (r < 0 && errno == EINTR)
				continue;
			close(pf[i].fd);
			pf[i].fd = -1;
			open_n--;
			out[i].elapsed_ms = (int)(mono_ms() - start);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		if (pf[i].fd >= 0) {
			/* No answer in time: the probe and whatever it started go. */
			kill(-pids[i], SIGKILL);
			kill(pids[i], SIGKILL);
			close(pf[i].fd);
			memset(&out[i], 0, sizeof out[i]);
			snprintf(out[i].error, sizeof out[i].error, "no answer within %d.%d s",
			    timeout_ms / 1000, timeout_ms % 1000 / 100);
			out[i].elapsed_ms = (int)(mono_ms() - start);
		} else if (got[i] != sizeof out[i]) {
			memset(&out[i], 0, sizeof out[i]);
			snprintf(out[i].error, sizeof out[i].error, "the probe ended without an answer");
		}
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
		/* What libvirt said came from the other host: make it safe
		 * for a terminal. */
		if (out[i].error[0] != '\0') {
			char safe[sizeof out[i].error];
			out[i].error[sizeof out[i].error - 1] = '\0';
			sanitize_again_to(out[i].error, strlen(out[i].error), safe, sizeof safe);
			memcpy(out[i].error, safe, sizeof safe);
		}
		out[i].libvirt[sizeof out[i].libvirt - 1] = '\0';
		out[i].qemu[sizeof out[i].qemu - 1] = '\0';
	}
	free(pids);
	free(pf);
	free(got);
}

/* The value of key in a URI's query ("a=1&b=2"), unescaped, or NULL;
 * caller frees. */
static char *
remote_query_param(const char *query, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = query; p != NULL && *p; ) {
		size_t n = strcspn(p, "&");
		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			char *v = xmllib.xmlURIUnescapeString(p + klen + 1, (int)(n - klen - 1), NULL);
			char *out = v ? xstrdup(v) : NULL;
			xmllib_free(v);
			return out;
		}
		p += n + (p[n] == '&');
	}
	return NULL;
}

/* What an ssh URI says about reaching its host. */
struct remote_ssh {
	char *host;        /* the server, an IPv6 literal without brackets; NULL for none */
	char *user;        /* or NULL */
	int   port;        /* or 0 */
	int   ssh;         /* 1 for an ssh transport */
	char *cmd, *key;   /* command=, keyfile=, or NULL */
	char *path;        /* "/system", "/session" */
	char *socket;      /* socket=, the daemon's socket on the host, or NULL */
	char *scheme;
};

static void
remote_ssh_clear(struct remote_ssh *s)
{
	free(s->host);
	free(s->user);
	free(s->cmd);
	free(s->key);
	free(s->path);
	free(s->socket);
	free(s->scheme);
	memset(s, 0, sizeof *s);
}

/* Reads uri into *s. 0, or -1 when it cannot be read. */
static int
remote_ssh_parse(const char *uri, struct remote_ssh *s, struct err *e)
{
	static const char *const ssh[] = { "qemu+ssh", "qemu+libssh", "qemu+libssh2" };
	xmlURIPtr u;

	memset(s, 0, sizeof *s);
	if (xmllib_open(e) != 0)
		return -1;
	u = xmllib.xmlParseURI(uri);
	if (u == NULL || u->scheme == NULL) {
		if (u != NULL)
			xmllib.xmlFreeURI(u);
		return err_set(e, "the host's URI cannot be read");
	}
	s->scheme = xstrdup(u->scheme);
	for (size_t i = 0; i < sizeof ssh / sizeof *ssh; i++)
		s->ssh |= strcmp(u->scheme, ssh[i]) == 0;
	/* An IPv6 literal comes in brackets, which ssh does not take. */
	if (u->server != NULL && *u->server != '\0')
		s->host = u->server[0] == '[' ? xstrndup(u->server + 1, strcspn(u->server + 1, "]")) :
		    xstrdup(u->server);
	s->user = u->user && *u->user ? xstrdup(u->user) : NULL;
	s->port = u->port > 0 ? u->port : 0;
	s->path = xstrdup(u->path ? u->path : "");
	s->cmd = remote_query_param(u->query_raw, "command");
	s->key = remote_query_param(u->query_raw, "keyfile");
	s->socket = remote_query_param(u->query_raw, "socket");
	xmllib.xmlFreeURI(u);
	return 0;
}

/* The ssh argv to the host of s, as its URI reaches it: argv[0] its
 * command= or "ssh", then opts (NULL-terminated), -p, -i, "--" and
 * [user@]host. */
static char **
remote_ssh_argv(const struct remote_ssh *s, const char *const *opts)
{
	char **argv;
	int n = 0, nopts = 0;

	while (opts[nopts] != NULL)
		nopts++;
	argv = xcalloc((size_t)nopts + 8, sizeof *argv);
	argv[n++] = xstrdup(s->cmd && *s->cmd ? s->cmd : "ssh");
	for (int i = 0; i < nopts; i++)
		argv[n++] = xstrdup(opts[i]);
	if (s->port > 0) {
		argv[n++] = xstrdup("-p");
		argv[n++] = xasprintf("%d", s->port);
	}
	if (s->key && *s->key) {
		argv[n++] = xstrdup("-i");
		argv[n++] = xstrdup(s->key);
	}
	/* "--": a host name never becomes an option of ssh. */
	argv[n++] = xstrdup("--");
	argv[n++] = s->user ? xasprintf("%s@%s", s->user, s->host) : xstrdup(s->host);
	return argv;
}

char **
remote_ssh_forward(const char *uri, int local_port, int remote_port, int *local, struct err *e)
{
	struct remote_ssh s;
	char **argv = NULL, *fwd;

	*local = 0;
	if (remote_ssh_parse(uri, &s, e) != 0)
		return NULL;
	if (s.host == NULL) {
		*local = 1;
	} else if (!s.ssh) {
		err_set(e, "the host's URI (%s://) has no ssh to forward VNC through: forward its "
		    "127.0.0.1:%d yourself", strcmp(s.scheme, "qemu+tcp") == 0 ? "qemu+tcp" :
		    strcmp(s.scheme, "qemu+tls") == 0 ? "qemu+tls" : "qemu", remote_port);
	} else {
		fwd = xasprintf("%d:127.0.0.1:%d", local_port, remote_port);
		argv = remote_ssh_argv(&s, (const char *const[]){ "-N", "-o", "ExitOnForwardFailure=yes",
		    "-L", fwd, NULL });
		free(fwd);
	}
	remote_ssh_clear(&s);
	return argv;
}

char **
remote_ssh_link(const char *uri, const char *local_sock, char **keeper_uri, struct err *e)
{
	struct remote_ssh s;
	char **argv = NULL, *fwd, *esc;
	const char *rsock;

	*keeper_uri = NULL;
	if (remote_ssh_parse(uri, &s, e) != 0)
		return NULL;
	e->msg[0] = '\0';
	rsock = s.socket && *s.socket ? s.socket :
	    strcmp(s.path, "/system") == 0 ? REMOTE_SYSTEM_SOCK : NULL;
	/* ssh reads a ':' in either path as the end of it. */
	if (s.host != NULL && s.ssh && rsock != NULL && rsock[0] == '/' && strchr(rsock, ':') == NULL &&
	    strchr(local_sock, ':') == NULL) {
		fwd = xasprintf("%s:%s", local_sock, rsock);
		/* The socket is made 0600 (the mask), and one a dead ssh left
		 * is replaced; a host that stops answering ends ssh within
		 * about 20 s, as libvirt's keepalive would have. */
		argv = remote_ssh_argv(&s, (const char *const[]){ "-N", "-T", "-o", "ExitOnForwardFailure=yes",
		    "-o", "StreamLocalBindUnlink=yes", "-o", "StreamLocalBindMask=0177",
		    "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-L", fwd, NULL });
		free(fwd);
		esc = (char *)xmllib.xmlURIEscapeStr(BAD_CAST local_sock, BAD_CAST "/");
		*keeper_uri = xasprintf("qemu+unix://%s?socket=%s", s.path, esc ? esc : local_sock);
		xmllib_free(esc);
	}
	remote_ssh_clear(&s);
	return argv;
}

/* ---- removing a node's volumes ---- */

struct remote_rm_arg {
	const char *uri, *pool, *prefix;
};

struct remote_rm_rec {
	int  done;               /* 1 when the host answered and all went */
	char error[256];
	char removed[1024];      /* "a, b", what went */
};

/* In the child: connects, deletes the volumes of the pool whose names
 * start with the prefix. */
static void
remote_rm_child(const void *arg0, void *rec)
{
	const struct remote_rm_arg *a = arg0;
	struct remote_rm_rec *r = rec;
	virStoragePoolPtr p;
	virStorageVolPtr *vols = NULL;
	virConnectPtr c;
	struct err e;
	int n;

	if (virt_open(&e) != 0 || virt_loop_start(&e) != 0) {
		snprintf(r->error, sizeof r->error, "%.*s", (int)sizeof r->error - 1, e.msg);
		return;
	}
	if ((c = virt.virConnectOpen(a->uri)) == NULL) {
		virt_error(&e, "cannot connect");
		snprintf(r->error, sizeof r->error, "%.*s", (int)sizeof r->error - 1, e.msg);
		return;
	}
	/* No pool: nothing of sandlab's is there. */
	if ((p = virt.virStoragePoolLookupByName(c, a->pool)) == NULL) {
		r->done = 1;
		virt.virConnectClose(c);
		return;
	}
	virt.virStoragePoolRefresh(p, 0);
	if ((n = virt.virStoragePoolListAllVolumes(p, &vols, 0)) < 0) {
		virt_error(&e, "cannot list the volumes of the pool");
		snprintf(r->error, sizeof r->error, "%.*s", (int)sizeof r->error - 1, e.msg);
		n = 0;
	} else
		r->done = 1;
	for (int i = 0; i < n; i++) {
		const char *name = virt.virStorageVolGetName(vols[i]);
		if (r->done && name != NULL && strncmp(name, a->prefix, strlen(a->prefix)) == 0) {
			if (virt.virStorageVolDelete(vols[i], 0) == 0) {
				size_t len = strlen(r->removed);
				snprintf(r->removed + len, sizeof r->removed - len, "%s%s", len ? ", " : "", name);
			} else {
				virt_error(&e, "cannot remove a volume");
				snprintf(r->error, sizeof r->error, "%.*s", (int)sizeof r->error - 1, e.msg);
				r->done = 0;
			}
		}
		virt.virStorageVolFree(vols[i]);
	}
	free(vols);
	virt.virStoragePoolFree(p);
	virt.virConnectClose(c);
}

int
remote_vols_rm(const char *uri, const char *pool, const char *prefix, int timeout_ms, char **removed,
    struct err *e)
{
	struct remote_rm_arg a = { uri, pool, prefix };
	struct remote_rm_rec r;
	struct pollfd pf = { -1, POLLIN, 0 };
	int64_t end = mono_ms() + timeout_ms;
	size_t got = 0;
	pid_t pid;
	char safe[sizeof r.error];

	*removed = NULL;
	memset(&r, 0, sizeof r);
	if ((pid = remote_spawn(remote_rm_child, &a, sizeof r, &pf.fd)) < 0)
		return err_sys(e, "cannot ask the host");
	while (got < sizeof r) {
		int64_t left = end - mono_ms();
		ssize_t n;
		if (left <= 0)
			break;
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		n = read(pf.fd, (char *)&r + got, sizeof r - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof r) {
		/* The child and whatever it started (ssh) go. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	close(pf.fd);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (got < sizeof r)
		return err_set(e, "no answer within %d s", timeout_ms / 1000);
	r.error[sizeof r.error - 1] = r.removed[sizeof r.removed - 1] = '\0';
	/* What libvirt said came from the other host. */
	sanitize_again_to(r.error, strlen(r.error), safe, sizeof safe);
	if (!r.done)
		return err_set(e, "%s", safe[0] ? safe : "the host did not say why");
	*removed = xstrdup(r.removed);
	return 0;
}
