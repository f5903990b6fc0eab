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

/* An extra disk as libvirt is told it: a qcow2 volume of the pool (a
 * blank one, or an overlay on an uploaded image), on a bus of its own. */
struct domxml_disk {
	int         idx;        /* 1, 2, ...: disk.h's index */
	const char *bus;        /* virtio, ide, sata, scsi */
	const char *volume;     /* domxml_disk_volume's name */
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
	const char *vnc_password; /* NULL: none; else 8 bytes at most (vnc.h) */
	const struct domxml_nic *nics;
	int         nnics;
	const struct hw *hw;    /* the machine (hw.h); NULL: every default */
	const struct domxml_disk *disks;  /* extra disks, in index order */
	int         ndisks;
	/* The machine's files on the host (rdom_image's paths, NULL when the
	 * machine has none): the ISO in a read-only CD-ROM drive, the kernel
	 * and initrd of a direct kernel boot (the command line is hw's), a
	 * BIOS ROM (a loader of type rom). */
	const char *cdrom;
	const char *kernel;
	const char *initrd;
	const char *bios;
	/* firmware uefi: the host's OVMF code (remote_domcaps_ovmf), its VARS
	 * template, and the node's own NVRAM file in the pool's folder
	 * (domxml_nvram_volume's name), which the host makes from the
	 * template when it has none. */
	const char *loader;
	const char *nvram_template;
	const char *nvram;
	int         boot_once;  /* 1: hw's boot-once goes first (this start is its) */
};

/* The domain name of a node of a lab: "sandlab-LAB-NODE-ID8", where LAB
 * is the lab folder's last part with anything but [A-Za-z0-9._-] made
 * '_', and ID8 the first 8 characters of the node's id, so two labs (or
 * two nodes renamed in turn) never share a name on one host; caller frees. */
char *domxml_name(const char *lab_dir, const char *node_name, const char *node_id);

/* The <domain> XML (transient: the caller creates it with
 * virDomainCreateXML): disk = the volume, serial on a pty that is also
 * the console, VNC on the host's loopback, NICs, and of the machine its
 * arch, machine type, disk bus, CPU model, VGA and boot order, extra
 * disks, a CD-ROM, UEFI and a kernel boot. NULL and a message for what
 * libvirt would refuse or what would not be safe (a VNC address that is
 * not loopback, an unknown model or attachment, a link without ports), or
 * for a field of the machine that came without its file on the host
 * (naming the field). */
char *domxml_domain(const struct domxml_cfg *c, struct err *e);

/* The <interface> XML of one NIC, as domxml_domain writes it, for a
 * device update of a running domain. NULL and a message as there. */
char *domxml_interface(const struct domxml_nic *n, struct err *e);

/* The <graphics> XML of the domain's VNC as domxml_domain writes it, with
 * password (1 to 8 bytes): what a live change of the password sends
 * (rdom_update_device; libvirt refuses a change of its port or address,
 * and this has neither). NULL and a message for a bad password. */
char *domxml_graphics(const char *password, struct err *e);

/* The <disk> XML of the CD-ROM drive at target dev on bus (ide, sata or
 * scsi, as the running domain has it: remote_domxml_cdrom), read-only,
 * with the ISO at path (absolute, on the host) in it, or empty for path
 * NULL: what a live medium change or eject sends (rdom_update_device).
 * NULL and a message for a target it cannot be. */
char *domxml_cdrom_disk(const char *dev, const char *bus, const char *path, struct err *e);

/* The <volume> XML of a node's disk: qcow2 of capacity bytes whose
 * backing store is the image volume at backing_path, with its format
 * (qcow2 or raw) always given. NULL and a message on bad arguments. */
char *domxml_volume(const char *name, long long capacity, const char *backing_path,
    const char *backing_format, struct err *e);

/* The names of a node's own volumes in the pool, all "DOMAIN." and
 * something, so that removing the volumes whose name starts with the
 * domain's name and a dot (domxml_name) removes every one of them and
 * nothing of another node: its disk "DOMAIN.qcow2", extra disk N
 * "DOMAIN.diskN.qcow2", its UEFI NVRAM "DOMAIN.vars.fd". Images (ISOs,
 * kernels too) are "image-ID", shared by the nodes. Caller frees. */
char *domxml_disk_volume(const char *domain, int idx);
char *domxml_nvram_volume(const char *domain);

/* The <volume> XML of a blank qcow2 volume of capacity bytes (an extra
 * disk that is not an image's). */
char *domxml_blank_volume(const char *name, long long capacity, struct err *e);

/* The <volume> XML of a raw volume of capacity bytes: what an image is
 * uploaded into (its bytes as they are, whatever their format). */
char *domxml_raw_volume(const char *name, long long capacity, struct err *e);

/* The <pool> XML of a dir pool at path (absolute), mode 0700. */
char *domxml_pool(const char *name, const char *path, struct err *e);

#endif
