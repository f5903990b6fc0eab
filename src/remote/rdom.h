/*
 * rdom.h: a node's domain on another host, as its keeper holds it: the
 * connection, the image in the host's `sandlab` pool, the node's disk
 * volume, the transient domain, its console and its lifecycle events.
 * Used by the keeper only: the calls block while the host answers, and
 * the keeper is the one process that may wait for its own node.
 *
 * libvirt's event loop (virEventRegisterDefaultImpl) runs in a second
 * thread of the keeper; the console stream and the events never reach
 * the keeper's loop as callbacks, only as bytes on two descriptors it
 * polls (rdom_console_fd, rdom_event_fd), so the keeper keeps one loop
 * and nothing of libvirt runs inside it.
 */
#ifndef SANDLAB_RDOM_H
#define SANDLAB_RDOM_H

#include <stdint.h>

#include "util.h"

/* The pool sandlab keeps images and disks in on every host. */
#define RDOM_POOL          "sandlab"
/* Where that pool is made on a host that lacks it, unless
 * $SANDLAB_REMOTE_POOL_DIR names another folder (a session daemon, which
 * cannot write there, needs that). */
#define RDOM_POOL_DIR      "/var/lib/libvirt/images/sandlab"

struct rdom;

/* What one record of rdom_event_fd says. */
enum rdom_ev_kind { RDOM_EV_STOPPED, RDOM_EV_CLOSED };
struct rdom_ev {
	enum rdom_ev_kind kind;
	int               detail;   /* STOPPED: virDomainEventStoppedDetailType */
};

typedef void (*rdom_step_cb)(void *arg, const char *fmt, ...);

/* Opens libvirt, starts its event loop and connects to the host `host`
 * (URI uri) of the lab whose run folder is run: through the lab's one ssh
 * to that host (hostconn.h), or, when the URI cannot go so, as it says.
 * NULL with the reason (ssh's or libvirt's, sanitised). */
struct rdom *rdom_connect(const char *run, const char *host, const char *uri, struct err *e);

/* Closes the connection and the descriptors. libvirt's event thread
 * stays until the process ends (libvirt has no way to stop it). */
void rdom_free(struct rdom *r);

/* Makes sure the image file (id, format qcow2 or raw) is whole in the
 * host's pool, uploading it when it is not, and *path (caller frees) is
 * its path on the host. Whole means: a volume of the file's size and a
 * marker volume made only after the bytes read back gave the file's
 * SHA-256; a volume without its marker (an upload cut short) is removed
 * and sent again. step tells the user what is going on.
 * The lab's keepers do this one at a time per volume (a lock in the run
 * folder, hostconn_lock_file): a start that comes while another node's
 * keeper uploads the same file waits for it, says so ("waiting for
 * another node's upload of FILE to the host"), then finds it whole. */
int rdom_image(struct rdom *r, const char *file, const char *id, rdom_step_cb step, void *arg,
    char **path, struct err *e);

/* The node's disk volume `name`: made (xml from domxml_volume) when the
 * pool lacks it, kept as it is otherwise (the disk outlives a run, as a
 * local overlay does). *made is 1 when it was made now. */
int rdom_disk(struct rdom *r, const char *name, const char *xml, int *made, struct err *e);

/* Removes the disk volume `name` (a start that failed after making it). */
void rdom_disk_rm(struct rdom *r, const char *name);

/* The host's UEFI firmware for a domain of machine (pc, q35) and accel
 * (kvm, tcg): *code and *vars (caller frees) as remote_domcaps_ovmf
 * chose them. -1 and a message naming the host's missing ovmf package
 * when it offers none. */
int rdom_ovmf(struct rdom *r, const char *machine, const char *accel, char **code, char **vars,
    struct err *e);

/* The password the running domain's VNC has (libvirt gives it to a
 * read-write connection) into buf: 0, or -1 when it has none or libvirt
 * did not say. */
int rdom_vnc_password(struct rdom *r, char *buf, size_t len);

/* The target of the running domain's CD-ROM drive (remote_domxml_cdrom):
 * 0, or -1 when it has none or libvirt did not say. */
int rdom_cdrom_target(struct rdom *r, char *dev, size_t devlen, char *bus, size_t buslen);

/* The TCP port the running domain's VNC listens on, on the host's
 * loopback, or -1 when it has none. */
int rdom_vnc_port(struct rdom *r);

/* 1 when the host offers KVM domains for x86_64. */
int rdom_kvm(struct rdom *r);

/* Creates the transient domain `name` from xml, opens its console,
 * watches its lifecycle and gives it the ident (rdom_set_ident) as its
 * description. Refused when the host already has a domain of that name
 * (the keeper tries rdom_attach first). */
int rdom_start(struct rdom *r, const char *name, const char *xml, struct err *e);

/* libvirt's whole message (not sanitised, not cut) when the last
 * rdom_start was refused or its domain ended before it ran; "" when it
 * was not. With QEMU's own lines in it, it says why (accel_retry_tcg
 * reads it as it reads a local QEMU's stderr). Borrowed from r. */
const char *rdom_refusal(const struct rdom *r);

/* The text every domain this keeper makes carries as its description
 * ("sandlab node UUID"): how a later keeper knows the domain is its
 * node's (rdom_attach). Set before rdom_start. */
void rdom_set_ident(struct rdom *r, const char *ident);

/* Takes hold of the running domain `name` made earlier for this node (a
 * connection that dropped and came back, a keeper that died): its
 * description must be the ident set with rdom_set_ident. Watches its
 * lifecycle and opens its console, taking it from a holder that is gone.
 * 0 when held; 1 when no domain of that name runs there; -1 with why
 * (another's domain of that name, which is left alone; libvirt's error). */
int rdom_attach(struct rdom *r, const char *name, struct err *e);

/* The console's bytes, both ways (a socket, nonblocking); end of file
 * when the console stream ended. -1 before rdom_start. */
int rdom_console_fd(const struct rdom *r);

/* Readable when an event waits: read them with rdom_event_next. */
int rdom_event_fd(const struct rdom *r);
/* 1 with the next event, 0 when none waits. */
int rdom_event_next(struct rdom *r, struct rdom_ev *ev);

/* Changes a device of the running domain to xml (an <interface> whose
 * MAC names it, the CD-ROM's <disk> whose target names it), live only.
 * 0, or -1 with libvirt's reason (it refuses what it cannot change on a
 * running guest). force: a CD-ROM is ejected even when the guest locked
 * its tray. */
int rdom_update_device(struct rdom *r, const char *xml, int force, struct err *e);

/* ACPI powerdown / destroy of the domain. 0, or -1 with libvirt's reason. */
int rdom_shutdown(struct rdom *r, struct err *e);
int rdom_destroy(struct rdom *r, struct err *e);

/* The text for a STOPPED event's detail ("destroyed", "shutdown",
 * "failed", ...). */
const char *rdom_stopped_str(int detail);

#endif
