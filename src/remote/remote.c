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

#include "sanitize.h"
#include "util.h"
#include "virt.h"
#include "xmllib.h"

void
remote_version_str(unsigned long v, char *buf, size_t len)
{
	snprintf(buf, len, "%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
}

int
remote_caps_kvm(const char *caps_xml)
{
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr r;
	int kvm = 0;

	/* libvirt, loaded already, needs libxml2 itself: this cannot fail
	 * unless the host is broken, and then no KVM is the safe answer. */
	if (xmllib_open(NULL) != 0)
		return 0;
	doc = xmllib.xmlReadMemory(caps_xml, (int)strlen(caps_xml), "caps.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return 0;
	ctx = xmllib.xmlXPathNewContext(doc);
	r = ctx ? xmllib.xmlXPathEvalExpression(BAD_CAST
	    "boolean(/capabilities/guest/arch[@name='x86_64']/domain[@type='kvm'])", ctx) : NULL;
	if (r != NULL && r->type == XPATH_BOOLEAN)
		kvm = r->boolval;
	xmllib.xmlXPathFreeObject(r);
	xmllib.xmlXPathFreeContext(ctx);
	xmllib.xmlFreeDoc(doc);
	return kvm;
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

static pid_t
remote_spawn(const char *uri, int *rfd)
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
		struct remote_facts f = { 0 };
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
		remote_probe_child(uri, &f);
		(void)write_all(p[1], &f, sizeof f);
		/* No atexit handlers: they belong to the parent (and the
		 * sanitizers' leak check would count libvirt's globals). */
		_exit(0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
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
		pids[i] = remote_spawn(uris[i], &pf[i].fd);
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
