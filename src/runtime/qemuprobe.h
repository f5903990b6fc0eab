/*
 * qemuprobe.h: what this QEMU offers, asked once per binary. `-cpu help`,
 * `-device help` and `-accel help` are run under limits and its answer kept in the lab's run folder under
 * the binary's identity (its path, size and mtime): an unchanged QEMU is
 * never asked again, an upgraded one is. Used to check a CPU model or
 * NIC model name before a node is made with it, to name what is offered
 * instead, and for the accelerators at each start (accel.h).
 */
#ifndef SANDLAB_QEMUPROBE_H
#define SANDLAB_QEMUPROBE_H

#include <stddef.h>

#include "lab.h"

/* The CPU model names in `-cpu help` text (lines "x86 NAME ..."), in
 * order. Pure: *n names in *out (free with qemuprobe_free), 0 when none. */
void qemuprobe_parse_cpus(const char *help, char ***out, size_t *n);
void qemuprobe_free(char **v, size_t n);

/* The CPU models of the QEMU for arch ("x86_64", "i386"), from the cache
 * or by asking it. 0 with *out and *n, or -1 with a message (no such
 * QEMU, it failed). */
int qemuprobe_cpus(struct lab *lab, const char *arch, char ***out, size_t *n, struct err *e);

/* 0 when model is auto, host, max or a model this QEMU lists; else -1
 * and a message that names what it offers. When QEMU cannot be asked the
 * name passes (QEMU itself says no at start). */
int qemuprobe_check_cpu(struct lab *lab, const char *model, const char *arch, struct err *e);

/* The NIC models in `-device help` text: the PCI devices of its
 * "Network devices:" section that take a netdev. Pure, as above. */
void qemuprobe_parse_nics(const char *help, char ***out, size_t *n);

/* The NIC models of the QEMU for arch, from the cache or by asking it.
 * 0 with *out and *n, or -1 with a message. */
int qemuprobe_nics(struct lab *lab, const char *arch, char ***out, size_t *n, struct err *e);

/* 0 when model is a NIC device this QEMU offers; else -1 and a message
 * that names the option opt ("--nic-model") and what it offers. A name that is no device name at all
 * (nic_model_check) is refused; when QEMU cannot be asked, any other
 * passes (QEMU itself says no at start). */
int qemuprobe_check_nic(struct lab *lab, const char *model, const char *arch, const char *opt,
    struct err *e);

/* The accelerator names in `-accel help` text: its lines that are one
 * word (the header line has spaces). Pure, as above. */
void qemuprobe_parse_accels(const char *help, char ***out, size_t *n);

/* The accelerators of the QEMU for arch, from the cache or by asking it
 * (a QEMU start of about 20 ms that a node start need not pay again).
 * 0 with *out and *n, or -1 with a message. */
int qemuprobe_accels(struct lab *lab, const char *arch, char ***out, size_t *n, struct err *e);

#endif
