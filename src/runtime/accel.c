/*
 * accel.c: the KVM probe and the accelerator decision. The probe asks the
 * kernel each time it runs, and QEMU each time or, for a start, once per
 * binary (qemuprobe.h); the decision functions are pure so every
 * combination of findings is unit-tested.
 */
#include "accel.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "proc.h"
#include "qemuprobe.h"
#include "sanitize.h"

/* p->qemu_kvm and p->qemu_accels from the names QEMU listed. */
static void
accel_set_names(char **v, size_t n, struct accel_probe *p)
{
	p->qemu_kvm = 0;
	p->qemu_accels[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(p->qemu_accels);
		if (strcmp(v[i], "kvm") == 0)
			p->qemu_kvm = 1;
		if (used + strlen(v[i]) + 3 < sizeof p->qemu_accels)
			snprintf(p->qemu_accels + used, sizeof p->qemu_accels - used, "%s%s",
			    used ? ", " : "", v[i]);
	}
}

void
accel_parse_help(const char *out, struct accel_probe *p)
{
	char **v;
	size_t n;

	qemuprobe_parse_accels(out, &v, &n);
	accel_set_names(v, n, p);
	qemuprobe_free(v, n);
}

static void
accel_probe_qemu(const char *qemu_bin, struct accel_probe *p)
{
	char *argv[] = { (char *)qemu_bin, "-accel", "help", NULL };
	struct proc_limits lim = { .cpu_s = 10, .wall_ms = 10000, .out_max = 16384 };
	struct proc_result r;
	struct err e;

	p->qemu_kvm = 0;
	if (proc_run(argv, &lim, NULL, NULL, &r, &e) != 0) {
		sanitize_to(e.msg, strlen(e.msg), p->qemu_error, sizeof p->qemu_error);
		return;
	}
	if (!proc_ok(&r)) {
		char how[96];
		proc_describe(&r, &lim, how, sizeof how);
		snprintf(p->qemu_error, sizeof p->qemu_error, "%s -accel help %s", qemu_bin, how);
	} else
		accel_parse_help(r.out, p);
	proc_result_free(&r);
}

/* The kernel's checks of /dev/kvm, asked every time. */
static void
accel_probe_kvm(struct accel_probe *p)
{
	int fd, v;

	memset(p, 0, sizeof *p);
	p->api_ok = p->create_vm = -1;
	p->api_version = -1;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		p->dev_open = 0;
		p->dev_errno = errno;
	} else {
		p->dev_open = 1;
		v = ioctl(fd, KVM_GET_API_VERSION, 0);
		p->api_version = v;
		p->api_ok = v == ACCEL_KVM_API;
		if (p->api_ok) {
			int vm = ioctl(fd, KVM_CREATE_VM, 0);
			p->create_vm = vm >= 0;
			p->vm_errno = vm >= 0 ? 0 : errno;
			if (vm >= 0)
				close(vm);
		}
		close(fd);
	}
	p->qemu_kvm = -1;
}

void
accel_probe(const char *qemu_bin, int full, struct accel_probe *p)
{
	accel_probe_kvm(p);
	if (full || p->create_vm == 1)
		accel_probe_qemu(qemu_bin, p);
}

void
accel_probe_lab(struct lab *lab, const char *arch, struct accel_probe *p)
{
	char **v;
	size_t n;
	struct err e;

	accel_probe_kvm(p);
	if (p->create_vm != 1)
		return;
	if (qemuprobe_accels(lab, arch, &v, &n, &e) != 0) {
		p->qemu_kvm = 0;
		sanitize_to(e.msg, strlen(e.msg), p->qemu_error, sizeof p->qemu_error);
		return;
	}
	accel_set_names(v, n, p);
	qemuprobe_free(v, n);
}

int
accel_kvm_usable(const struct accel_probe *p)
{
	return p->dev_open == 1 && p->api_ok == 1 && p->create_vm == 1 && p->qemu_kvm == 1;
}

void
accel_probe_why(const struct accel_probe *p, char *buf, size_t len)
{
	if (p->dev_open != 1)
		snprintf(buf, len, "/dev/kvm cannot be opened read-write: %s",
		    p->dev_errno ? strerror(p->dev_errno) : "not checked");
	else if (p->api_ok != 1)
		snprintf(buf, len, "/dev/kvm reports KVM API version %d, not %d", p->api_version,
		    ACCEL_KVM_API);
	else if (p->create_vm != 1)
		snprintf(buf, len, "/dev/kvm refuses to create a VM: %s",
		    p->vm_errno ? strerror(p->vm_errno) : "not checked");
	else if (p->qemu_kvm != 1)
		snprintf(buf, len, "this QEMU does not list kvm among its accelerators%s%s",
		    p->qemu_error[0] ? ": " : "", p->qemu_error);
	else
		snprintf(buf, len, "KVM is usable");
}

int
accel_decide(const char *setting, const struct accel_probe *p, struct accel_choice *c,
    struct err *e)
{
	char why[sizeof c->why];

	memset(c, 0, sizeof *c);
	if (setting == NULL || strcmp(setting, "tcg") == 0) {
		if (setting == NULL)
			return err_set(e, "no accelerator setting");
		snprintf(c->accel, sizeof c->accel, "tcg");
		return 0;
	}
	if (strcmp(setting, "kvm") != 0 && strcmp(setting, "auto") != 0)
		return err_set(e, "accelerator setting must be auto, kvm or tcg");
	if (accel_kvm_usable(p)) {
		snprintf(c->accel, sizeof c->accel, "kvm");
		return 0;
	}
	accel_probe_why(p, why, sizeof why);
	if (strcmp(setting, "kvm") == 0)
		return err_set(e, "the node is set to kvm, but this host cannot use KVM (%s); "
		    "set it to auto or tcg with: sandlab node set NODE --accel auto", why);
	snprintf(c->accel, sizeof c->accel, "tcg");
	snprintf(c->why, sizeof c->why, "%s", why);
	return 0;
}

/* line (n bytes) less the program's name ("qemu-system-x86_64: ") and a
 * source position ("../../target/i386/kvm/kvm.c:3183: ") in front. */
static const char *
accel_quote_start(const char *line, size_t *n)
{
	const char *at, *q;

	if (strncmp(line, "qemu-system-", 12) == 0 && (at = memmem(line, *n, ": ", 2)) != NULL) {
		*n -= (size_t)(at + 2 - line);
		line = at + 2;
	}
	if ((at = memmem(line, *n, ".c:", 3)) == NULL || memchr(line, ' ', (size_t)(at - line)) != NULL)
		return line;
	for (q = at + 3; q < line + *n && *q >= '0' && *q <= '9'; q++)
		;
	if (q > at + 3 && q + 2 <= line + *n && q[0] == ':' && q[1] == ' ') {
		*n -= (size_t)(q + 2 - line);
		line = q + 2;
	}
	return line;
}

int
accel_retry_tcg(const char *setting, const char *tried, const char *qemu_stderr,
    struct accel_choice *c)
{
	const char *hit;
	char line[120];
	size_t n;

	if (setting == NULL || tried == NULL || qemu_stderr == NULL ||
	    strcmp(setting, "auto") != 0 || strcmp(tried, "kvm") != 0)
		return 0;
	/* QEMU says "failed to initialize kvm" when KVM refuses it at once;
	 * a host whose KVM opens but cannot run this CPU (nested KVM that
	 * refuses some MSRs, say) makes QEMU abort in its KVM code before the
	 * guest runs, naming kvm.c. Either way the line names kvm. */
	hit = strcasestr(qemu_stderr, "failed to initialize kvm");
	if (hit == NULL)
		hit = strcasestr(qemu_stderr, "kvm");
	if (hit == NULL)
		return 0;
	/* Quote the line QEMU said it on, sanitised, less its prefixes. */
	while (hit > qemu_stderr && hit[-1] != '\n')
		hit--;
	n = strcspn(hit, "\n");
	hit = accel_quote_start(hit, &n);
	sanitize_to(hit, n, line, sizeof line);
	memset(c, 0, sizeof *c);
	snprintf(c->accel, sizeof c->accel, "tcg");
	snprintf(c->why, sizeof c->why, "QEMU could not run with KVM (%s)", line);
	return 1;
}
