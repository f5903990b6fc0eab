/*
 * domxml.h: the libvirt XML of a node on another host, built by pure
 * functions with libxml2's writer (never by pasting strings), as qemu.h
 * builds the argv of a local one: a transient domain and the storage
 * volume that is its disk. Nothing here talks to libvirt.
 */
#ifndef SANDLAB_DOMXML_H
#define SANDLAB_DOMXML_H

#include "hw.h"
#include "util.h"

#define DOMXML_VNC_HOST "127.0.0.1"

/* A NIC as libvirt is told it (borrowed strings). */
struct domxml_nic {
	int         idx;
	const char *model;      /* virtio-net-pci, e1000 */
	const char *mac;
	const char *attach;     /* none, user, link */
	/* attach link: UDP from local_host:local_port to remote_host:remote_port. */
	const char *local_host;
	int         local_port;
	const char *remote_host;
	int         remote_port;
	int         down;       /* attach link: the cable is pulled (link state down) */
};

struct domxml_cfg {
	const char *name;       /* domxml_name's result */
	const char *title;      /* the node's name, shown by virsh */
	const char *accel;      /* kvm or tcg: domain type kvm or qemu */
	int         ram_mb;
	int         cpus;
	const char *pool;       /* storage pool of the disk volume */
	const char *volume;     /* the disk volume (domxml_volume) */
	const char *vnc_host;   /* NULL: 127.0.0.1, the host's loopback */
	const struct domxml_nic *nics;
	int         nnics;
	const struct hw *hw;    /* the machine (hw.h); NULL: every default */
	int         ndisks;     /* extra disks: refused, as yet */
};

/* The domain name of a node of a lab: "sandlab-LAB-NODE-ID8", where LAB
 * is the lab folder's last part with anything but [A-Za-z0-9._-] made
 * '_', and ID8 the first 8 characters of the node's id, so two labs (or
 * two nodes renamed in turn) never share a name on one host; caller frees. */
char *domxml_name(const char *lab_dir, const char *node_name, const char *node_id);

/* The <domain> XML (transient: the caller creates it with
 * virDomainCreateXML): disk = the volume, serial on a pty that is also
 * the console, VNC on the host's loopback, NICs, and of the machine its
 * arch, machine type, disk bus, CPU model, VGA and boot order. NULL and a
 * message for what libvirt would refuse or what would not be safe (a VNC
 * address that is not loopback, an unknown model or attachment, a link
 * without ports), and for what this builder cannot express yet, naming
 * the field (firmware uefi, extra disks, cdrom, kernel, boot-once). */
char *domxml_domain(const struct domxml_cfg *c, struct err *e);

/* The <interface> XML of one NIC, as domxml_domain writes it, for a
 * device update of a running domain. NULL and a message as there. */
char *domxml_interface(const struct domxml_nic *n, struct err *e);

/* The <volume> XML of a node's disk: qcow2 of capacity bytes whose
 * backing store is the image volume at backing_path, with its format
 * (qcow2 or raw) always given. NULL and a message on bad arguments. */
char *domxml_volume(const char *name, long long capacity, const char *backing_path,
    const char *backing_format, struct err *e);

/* The <volume> XML of a raw volume of capacity bytes: what an image is
 * uploaded into (its bytes as they are, whatever their format). */
char *domxml_raw_volume(const char *name, long long capacity, struct err *e);

/* The <pool> XML of a dir pool at path (absolute), mode 0700. */
char *domxml_pool(const char *name, const char *path, struct err *e);

#endif
