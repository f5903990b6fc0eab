/*
 * labfile.h: lab files, a line-oriented text form of a lab's nodes, NICs
 * and links that recreates them (README: "Lab files"):
 *
 *   sandlab-lab 1
 *   node r1 image=linux ram=256 cpus=1 accel=auto ready=linux#
 *   nic r1:eth0 model=virtio-net-pci mac=52:54:00:12:34:56 attach=user forward=tcp:2222:22
 *   nic r1:eth1 model=virtio-net-pci mac=52:54:00:12:34:57 attach=link
 *   link r1:eth1 r2:eth0
 *
 * A node's machine (hw.h) is keys of its node line (disk-bus=ide
 * machine=q35 cdrom=IMAGE ...) and its kernel's command line a line of
 * its own, after the node line: "append r1 console=ttyS0 quiet". Its stop
 * method (stopmode.h) is on-stop=poweroff and stop-grace=SECONDS.
 *
 * A node placed on another host says so: host=NAME (a host of the lab
 * that imports it, sandlab host add); none is the machine itself, local.
 *
 * Templates (template.h) come before the nodes, each a template line with
 * the same machine keys, a template-append line for its kernel's command
 * line and usage lines for its usage text; a node made from one says
 * template=NAME:
 *
 *   template rtr image=vyos ram=512 cpus=1 nics=4 nic-model=e1000 accel=auto
 *     cloud-init=off ci-user=lab console=serial disk-bus=ide disk=1G   (one line)
 *   usage rtr Login:%20vyos/vyos%0A
 *   node r1 image=vyos ram=512 cpus=1 accel=auto template=rtr
 *
 * A template's extra disks are disk= keys as a node's; a node made from
 * it lists its own disks, so an import adds none twice.
 * A template's port names (portname.h) are port-format=Gi0/{0},
 * port-first=NAME and port-segment=N on its line, and each custom
 * adapter a line after it: "adapter rtr:eth0 port=mgmt model=e1000
 * mac=52:54:00:00:00:01" (only what it gives). A NIC with a port name
 * says port=NAME on its nic line; links still name NICs by ethN.
 *
 * A node whose console is VNC (contype.h) says console-type=vnc (console=
 * is its console's size). A node's cloud-init (cloudinit.h) is cloud-init=on ci-user=NAME on its
 * line, and its own user-data follows in user-data lines, which carry the
 * file's content (a path would not travel with the lab file), a line of
 * it per line, %XX for '%', '#', control bytes and spaces not alone:
 *
 *   node c1 image=cloud ram=512 cpus=1 accel=auto cloud-init=on ci-user=ops
 *   user-data c1 #!/bin/sh%0A
 *   user-data c1 echo%20%20two%20spaces%0A
 *
 * Disk contents are not in the file: an import gives each node a fresh
 * overlay on its image, and fresh extra disks of the sizes and images its
 * disk= keys give. Parsing and formatting are pure (and fuzzed); export
 * reads the database, import writes it in one transaction or not at all.
 */
#ifndef SANDLAB_LABFILE_H
#define SANDLAB_LABFILE_H

#include <stddef.h>

#include "disk.h"
#include "hw.h"
#include "lab.h"
#include "shape.h"
#include "net.h"
#include "portname.h"

#define LABFILE_VERSION   1
#define LABFILE_LINE_MAX  4096
#define LABFILE_SIZE_MAX  (64u << 20)
#define LABFILE_NODES_MAX 16384
#define LABFILE_READY_MAX 512
#define LABFILE_TEMPLATES_MAX 1024

/* A NIC as a lab file writes it, not a row (struct nic, nic.h): it keeps
 * its line for messages, may have no MAC yet, and its link is in links[]. */
struct labfile_nic {
	int   line;
	char  model[NIC_MODEL_MAX];
	char  mac[18];          /* "" when the file gives none: a new one at import */
	char  attach[8];        /* none, user, link */
	char  port[NIC_PORT_MAX];   /* port=NAME (portname.h); "" when none */
	struct nic_fwd *fwds;
	int   nfwds;
};

/* A template: the values of its line, each checked; hw[k] NULL or usage
 * NULL when the file gives none. */
struct labfile_template {
	int   line;
	char  name[64];
	char  image[64];
	int   ram_mb;
	int   cpus;
	int   nics;
	char  nic_model[24];
	char  accel[8];
	int   cloud_init;
	char  ci_user[33];
	char  console[8];
	char  host[64];             /* host=NAME where its nodes are placed; "" = local */
	char *usage;                /* decoded from its usage lines */
	char *hw[HW_NKEYS];
	struct portname_spec ports; /* port-format= port-first= port-segment=, adapter lines */
	char *disks[DISK_MAX];      /* disk=64M,bus=sata disk=image:NAME, as a node's */
	int   ndisks;
};

struct labfile_node {
	int   line;
	char  name[64];
	char  image[64];
	char  template[64];         /* template=NAME of a template above, or "" */
	int   ram_mb;
	int   cpus;
	char  accel[8];
	char  host[64];             /* host=NAME where it runs; "" = local (host.h) */
	char  ready[LABFILE_READY_MAX];   /* regex `lab up` waits for, or "" (nodes.ready) */
	int   console_cols;         /* console=COLSxROWS (consize.h) */
	int   console_rows;
	/* The machine (hw.h): disk-bus=... cdrom=..., and the kernel's
	 * command line on a line of its own (append NODE TEXT...); NULL or
	 * the default: not written. */
	char *hw[HW_NKEYS];
	/* on-stop=shutdown|poweroff stop-grace=SECONDS (stopmode.h), as
	 * written; "" when the node has none of its own: not written */
	char  on_stop[12];
	char  stop_grace[8];
	/* Its extra disks, disk=64M,bus=sata disk=image:NAME (disk.h), in
	 * order, as disk_text spells them. */
	char *disks[DISK_MAX];
	int   ndisks;
	/* cloud-init=on ci-user=NAME, and the user's own user-data in
	 * user-data lines (encoded as usage lines are); off, the default
	 * user and no user-data are not written. The password is never in
	 * the file: an import makes a fresh one. */
	int   cloud_init;
	char  ci_user[33];          /* "" = the default user */
	char *user_data;            /* NULL = sandlab's default user-data */
	int   vnc_console;          /* console-type=vnc (contype.h); serial: not written */
	struct labfile_nic *nics;   /* eth0, eth1, ... */
	int   nnics;
};

struct labfile_link {
	int   line;
	int   a, a_idx;             /* node index in nodes[], NIC index */
	int   b, b_idx;
	int   down;                 /* state=down: the cable pulled */
	char  a_shape[SHAPE_TEXT_MAX];  /* a>b=: impairments of frames a sends (shape.h) */
	char  b_shape[SHAPE_TEXT_MAX];  /* b>a= */
	int   a_port, b_port;       /* a-port=, b-port=: a port the user chose (0: sandlab chooses) */
};

struct labfile {
	struct labfile_template *templates;
	int   ntemplates;
	struct labfile_node *nodes;
	int   nnodes;
	struct labfile_link *links;
	int   nlinks;
};

void labfile_free(struct labfile *lf);

/* Parses text[0..len) (any bytes). On failure, out is empty and e says
 * "line N: why". Checks everything a file can get wrong by itself. */
int labfile_parse(const char *text, size_t len, struct labfile *out, struct err *e);

/* The canonical text of lf; caller frees. parse(format(x)) == x and
 * format(parse(t)) == t for any t format made. */
char *labfile_format(const struct labfile *lf);

/* A regular file (or "-": stdin) of at most LABFILE_SIZE_MAX bytes; caller frees. */
int labfile_read(const char *path, char **text, size_t *len, struct err *e);
/* Writes text to path through a temporary file and a rename ("-": stdout). */
int labfile_write(const char *path, const char *text, struct err *e);

/* The lab as a lab file: templates by name; nodes by name, each with its
 * NICs; links by the name of their `a` node. */
int labfile_export(struct lab *lab, struct labfile *out, struct err *e);

/* Adds lf's templates and nodes (fresh overlays, their NICs, forwards and
 * links) to the lab, all or nothing: a missing image, a template or node
 * name the lab has, a MAC or host port the lab uses are refused as "line
 * N: why". */
int labfile_import(struct lab *lab, const struct labfile *lf, struct err *e);

#endif
