/*
 * qemu.h: the QEMU command line of a node, built by a pure function from
 * the node's settings, its paths and what the keeper decided (accelerator,
 * VNC display, inherited descriptors). Never a shell: the result is an
 * argv for execvp. Also reads QEMU's stderr for the failures the keeper
 * retries. Nothing here starts a process.
 */
#ifndef SANDLAB_QEMU_H
#define SANDLAB_QEMU_H

#include "hw.h"
#include "util.h"

#define QEMU_BIN_DEFAULT "qemu-system-x86_64"
#define QEMU_BIN_I386    "qemu-system-i386"
#define QEMU_VNC_HOST "127.0.0.1"
#define QEMU_VNC_PORT_BASE 5900

/* A host port forward of a user-mode NAT NIC; QEMU binds it on 127.0.0.1. */
struct qemu_fwd {
	const char *proto;      /* tcp, udp */
	int         host_port;
	int         guest_port;
};

#define QEMU_LINK_HOST "127.0.0.1"

/* A NIC as the argv builder takes it: borrowed strings and only what
 * QEMU is told, so the builder stays pure and tests write NICs as
 * literals. Not struct nic (nic.h), the lab's row with its link peers and
 * forwards in the lab's own buffers: net_qemu_nics (net.h) makes one from
 * the other. */
struct qemu_nic {
	int         idx;
	const char *model;      /* a QEMU NIC device: virtio-net-pci, e1000e, ... */
	const char *mac;
	const char *attach;     /* none, user, link */
	/* attach link: a UDP socket on 127.0.0.1:local_port that sends to
	 * 127.0.0.1:remote_port, where the other end listens. */
	int         local_port;
	int         remote_port;
	/* attach user: host port forwards. */
	const struct qemu_fwd *fwds;
	int         nfwds;
};

/* An extra disk (disk.h) as the builder takes it: borrowed strings. */
struct qemu_disk {
	int         idx;        /* 1, 2, ...: its drive is diskN */
	const char *bus;        /* virtio, ide, sata, scsi */
	const char *file;       /* a qcow2 */
};

struct qemu_cfg {
	const char *binary;     /* NULL: QEMU_BIN_DEFAULT */
	const char *name;       /* node name, shown as the VM's name */
	const char *disk;       /* overlay path */
	const char *disk_format;/* always given: "qcow2" */
	int         ram_mb;
	int         cpus;
	const char *accel;      /* kvm or tcg */
	int         vnc_display;/* -1: no VNC */
	const char *vnc_host;   /* NULL: 127.0.0.1 */
	int         vnc_password;/* 1: password=on; the keeper sets it over QMP */
	int         qmp_fd;     /* QEMU's end of a connected socket (the keeper holds
	                         * the other), or -1 */
	const char *qmp_path;   /* when qmp_fd < 0: QEMU listens here */
	const struct qemu_nic *nics;
	int         nnics;
	/* > 0: every NIC not on user-mode NAT is plugged into its keeper's
	 * wire (wire.h) through the inherited datagram socket wire_fd_base +
	 * idx, so links change without touching QEMU; 0: links are direct
	 * UDP between the two QEMUs and "none" has no backend. */
	int         wire_fd_base;
	/* The machine (hw.h): disk bus, machine type, CPU model, arch, VGA,
	 * boot order, CD-ROM, kernel boot. NULL: every field at its default. */
	const struct hw *hw;
	const char *seed;       /* cloud-init NoCloud seed ISO (seed.h), or NULL */
	/* UEFI (hw firmware uefi): OVMF's code file, read-only pflash unit
	 * 0; the node's own NVRAM is hw->file[HW_FIRMWARE], unit 1. */
	const char *fw_code;
	const struct qemu_disk *disks; /* extra disks, after the boot disk */
	int         ndisks;
};

/* The binary for an arch ("x86_64", "i386"). */
const char *qemu_binary(const char *arch);

/* The -cpu value of a CPU model setting: auto is host under kvm and max
 * under tcg (QEMU's default qemu64 lacks x86-64-v2). */
const char *qemu_cpu(const char *model, const char *accel);

/* The qdev id of the CD-ROM drive every node has (empty when it has no
 * ISO), which QMP's blockdev-change-medium and eject name. */
#define QEMU_CDROM_ID "cd0"
/* The qdev id of the boot disk's device; NICs are nic0, nic1, ... */
#define QEMU_BOOT_DISK_ID "hd0"

/* One device's place in the boot order: its qdev id and its bootindex. */
struct qemu_boot {
	char id[8];
	int  index;
};
/* The most devices a boot order names: the boot disk, the CD-ROM, NICs. */
#define QEMU_BOOT_MAX 10

/* The boot order of hw (its boot and, with with_once, its boot-once) as
 * bootindex properties, from 1: the boot disk, the CD-ROM and each NIC
 * (nic_idx[0..nnics), in that order for "network") in the order named;
 * no order means the disk. A boot-once device comes first, the rest keep
 * their order. Devices not named get none (the firmware tries them last).
 * hw NULL: every field at its default. Fills out[0..QEMU_BOOT_MAX) and
 * returns how many. Pure. */
int qemu_boot_plan(const struct hw *hw, const int *nic_idx, int nnics, int with_once,
    struct qemu_boot *out);

/* The argv (NULL-terminated; free with proc_argv_free, proc.h), or NULL
 * and a message: a VNC address other than loopback without a password,
 * an unknown accelerator or NIC model, a missing path, a link without its
 * two ports, a forward that is not tcp or udp between ports 1-65535, a
 * machine field hw_check refuses or an image field without its file,
 * more extra disks than their buses hold. The
 * serial line is QEMU's stdio (the keeper's socketpair), with signals off. */
char **qemu_argv(const struct qemu_cfg *c, struct err *e);

struct node;

/* The argv of a node as its keeper runs it: qemu_argv with what the
 * caller decided in run (binary, accel, VNC, QMP: the fields a node does
 * not hold), the node's name, overlay and resources, and nics[0..nnics)
 * as the network rows give them (net_node_argv in net.h reads those);
 * run's own name, disk, extra disks and NIC fields are ignored; its seed is kept. The same call serves
 * `node cmd`. NULL and a message as qemu_argv. */
char **qemu_node_argv(const struct node *n, const struct qemu_cfg *run,
    const struct qemu_nic *nics, int nnics, struct err *e);

/* An option value with every comma doubled, as QEMU's option syntax
 * requires; caller frees. */
char *qemu_escape(const char *value);

/* The -netdev value of one NIC (NULL when it has no backend: attach
 * none); caller frees. Pure, as qemu_argv. */
char *qemu_netdev(const struct qemu_nic *n);

/* The argv as one line a user can read and paste into a POSIX shell:
 * words quoted where needed, non-printable bytes escaped; caller frees. */
char *qemu_argv_shell(char *const *argv);

/* 1 when QEMU's stderr says the VNC port was taken. */
int qemu_err_vnc_busy(const char *qemu_stderr);

/* 1 when host is the loopback address VNC may use without a password. */
int qemu_vnc_host_local(const char *host);

#endif
