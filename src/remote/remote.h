/*
 * remote.h: talking to the other hosts of a lab through libvirt. A host
 * that does not answer must never hang the CLI or the dashboard, and
 * libvirt's own calls have no deadline, so every question to a host is
 * asked by a child process that is killed when its time is up.
 */
#ifndef SANDLAB_REMOTE_H
#define SANDLAB_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define REMOTE_PROBE_MS 5000

/* What a host said about itself. */
struct remote_facts {
	int       reachable;         /* 1 when it answered */
	char      error[256];        /* why not (sanitised), or "" */
	char      libvirt[24];       /* "9.0.0" */
	char      qemu[24];          /* "7.2.22" */
	int       kvm;               /* 1 when it offers KVM domains for x86_64 */
	int       cpus;
	uint64_t  mem_total;         /* bytes */
	uint64_t  mem_free;          /* bytes */
	int       elapsed_ms;        /* how long the answer (or the wait) took */
};

/* Asks every uris[i] at once and waits at most timeout_ms in all: out[i]
 * is what host i said, or unreachable with the reason (libvirt's error,
 * or "no answer within N s"). Never fails as a whole. */
void remote_probe_many(const char *const *uris, size_t n, int timeout_ms,
    struct remote_facts *out);

/* How long node rm waits for a host. */
#define REMOTE_RM_MS 30000

/* Removes the volumes of the host's storage pool `pool` (sandlab's is
 * RDOM_POOL) whose names start with prefix (a node's disk is
 * "DOMAIN.qcow2", its other volumes "DOMAIN.*": the prefix is
 * "DOMAIN."), asked in a child killed after timeout_ms.
 * 0 with *removed (caller frees: the names that went, ", " between, ""
 * for none), or -1 with why (unreachable, no answer in time, libvirt's
 * refusal, sanitised). */
int remote_vols_rm(const char *uri, const char *pool, const char *prefix, int timeout_ms,
    char **removed, struct err *e);

/* "9.0.0" from libvirt's number (major * 1000000 + minor * 1000 + micro). */
void remote_version_str(unsigned long v, char *buf, size_t len);

/* 1 when libvirt's capabilities XML offers KVM domains for x86_64. Pure. */
int remote_caps_kvm(const char *caps_xml);

/* The port of a running domain's VNC from its XML (virDomainGetXMLDesc),
 * or -1 when it has none. Pure. */
int remote_domxml_vnc_port(const char *dom_xml);

/* The password of a domain's VNC from its XML with secrets
 * (VIR_DOMAIN_XML_SECURE) into buf, "" when it has none. Pure. */
void remote_domxml_vnc_password(const char *dom_xml, char *buf, size_t len);

/* The target of a domain's (first) CD-ROM drive from its XML: *dev
 * ("hdc", "sda") and *bus ("ide", "sata"). Pure: 0, or -1 when it has
 * none (both ""). */
int remote_domxml_cdrom(const char *dom_xml, char *dev, size_t devlen, char *bus, size_t buslen);

/* The UEFI firmware a host offers, from its domain capabilities XML
 * (virConnectGetDomainCapabilities): *code (caller frees) the OVMF code
 * file without Secure Boot that firmware.h gives a local node (its 4 MiB
 * build first), *vars its VARS template beside it (Debian's names: CODE
 * becomes VARS). Pure: 0, or -1 when the host lists none (no ovmf
 * package there), *code and *vars NULL. */
int remote_domcaps_ovmf(const char *domcaps_xml, char **code, char **vars);

/* The ssh argv (argv[0] the URI's command= or "ssh"; NULL-terminated,
 * free with proc_argv_free) that forwards 127.0.0.1:local_port here to
 * the loopback's remote_port on the host of an ssh URI (qemu+ssh://,
 * qemu+libssh://, qemu+libssh2://), as the URI reaches it: its user, host,
 * port and keyfile=; -N and ExitOnForwardFailure, so it only forwards and
 * ends when it cannot. *local is 1 (and NULL returned, no message) for a
 * URI without a host, whose loopback is this machine's. Pure: NULL and a
 * message for a URI of no ssh transport. */
char **remote_ssh_forward(const char *uri, int local_port, int remote_port, int *local,
    struct err *e);

/* Where a system daemon listens on its host, for a qemu+ssh URI that names
 * no socket= (libvirtd's socket; virtproxyd's where the daemons are
 * modular). */
#define REMOTE_SYSTEM_SOCK "/var/run/libvirt/libvirt-sock"

/* The ssh argv (as remote_ssh_forward, free with proc_argv_free) that
 * forwards the unix socket local_sock here to the libvirt daemon's socket
 * on the host of an ssh URI (its socket=, or REMOTE_SYSTEM_SOCK for
 * /system), and *keeper_uri (caller frees) the qemu+unix:// URI that
 * reaches that daemon through it. NULL with *keeper_uri NULL and no
 * message when the URI cannot go so (no host, no ssh transport, a session
 * daemon whose socket it does not name, a ':' in a path): its users then
 * connect as the URI says. NULL and a message for a URI that cannot be
 * read. Pure. */
char **remote_ssh_link(const char *uri, const char *local_sock, char **keeper_uri, struct err *e);

#endif
