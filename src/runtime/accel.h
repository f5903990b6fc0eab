/*
 * accel.h: which accelerator a node runs with. accel_probe looks at this
 * host: /dev/kvm afresh every time, and QEMU's list of accelerators afresh
 * (accel_probe) or once per QEMU binary (accel_probe_lab, for a start);
 * accel_decide is a pure
 * function from the node's setting and the probe's findings to a choice
 * and the words that explain it. Nothing here starts a VM.
 */
#ifndef SANDLAB_ACCEL_H
#define SANDLAB_ACCEL_H

#include <stddef.h>

#include "lab.h"
#include "util.h"

#define ACCEL_KVM_API 12

/* Each check: 1 passed, 0 failed, -1 not reached (an earlier one failed). */
struct accel_probe {
	int  dev_open;        /* /dev/kvm opens read-write */
	int  dev_errno;
	int  api_ok;          /* KVM_GET_API_VERSION == 12 */
	int  api_version;     /* what it returned, -1 if not asked */
	int  create_vm;       /* KVM_CREATE_VM succeeds */
	int  vm_errno;
	int  qemu_kvm;        /* `qemu -accel help` lists kvm (-1: not asked) */
	char qemu_accels[64]; /* what it listed, comma separated */
	char qemu_error[160]; /* why QEMU could not be asked, or "" */
};

struct accel_choice {
	char accel[8];        /* "kvm" or "tcg" */
	char why[160];        /* why auto fell back to tcg, else "" */
};

/* Probes /dev/kvm and asks `qemu_bin -accel help` (when full is 0, QEMU
 * is asked only if the kernel's checks passed: a start needs no more to
 * decide, and saves running QEMU once). Never fails: what could not be
 * checked is recorded as failed or not reached, with its reason. */
void accel_probe(const char *qemu_bin, int full, struct accel_probe *p);

/* accel_probe(.., 0, ..) for a start of a node of arch in lab: /dev/kvm is
 * asked afresh, and QEMU's `-accel help` is kept in the lab's run folder
 * under the binary's identity (qemuprobe_accels), so an unchanged QEMU is
 * not run once more on every start. Never fails, as accel_probe. */
void accel_probe_lab(struct lab *lab, const char *arch, struct accel_probe *p);

/* 1 when every check passed. */
int accel_kvm_usable(const struct accel_probe *p);

/* The first failed check in words ("/dev/kvm cannot be opened: ..."),
 * or "KVM is usable". Pure. */
void accel_probe_why(const struct accel_probe *p, char *buf, size_t len);

/* setting is auto, kvm or tcg. auto: kvm when usable, else tcg with the
 * reason; kvm on a host without KVM: -1 and a message; tcg: tcg. Pure. */
int accel_decide(const char *setting, const struct accel_probe *p, struct accel_choice *c,
    struct err *e);

/* After QEMU exited before it was ready: 1 (and the reason in c) when the
 * start should be tried once more with tcg, that is when the setting is
 * auto, kvm was tried, and QEMU's stderr names kvm (it failed to
 * initialise KVM, or aborted in its KVM code). Pure. */
int accel_retry_tcg(const char *setting, const char *tried, const char *qemu_stderr,
    struct accel_choice *c);

/* Fills p->qemu_kvm and p->qemu_accels from `-accel help` output. Pure. */
void accel_parse_help(const char *out, struct accel_probe *p);

#endif
