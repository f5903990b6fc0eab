/*
 * template.h: templates, named machines that nodes are made from: the
 * boot disk (an image), RAM, CPUs, NIC count and model, the accelerator,
 * every machine field (hw.h), cloud-init on or off and its user, the
 * console a user works in (serial or vnc), a usage text (login hints) and
 * how its NICs are named (portname.h; custom adapters also give one NIC a
 * model or a MAC: the MAC goes to the first node made while no other NIC
 * of the lab has it, later nodes get fresh ones, as MACs are one NIC's)
 * and its extra disks (disk.h, spelled as a node's: each node made from
 * it gets a fresh blank disk or a fresh overlay on the image of each).
 * A template may name a host (host.h): the nodes made from it are placed
 * there unless told otherwise.
 * A node made from a template is a copy: it records the template's name
 * (template_nodes), and a later change of the template changes no node.
 * A template that a node still names cannot be removed.
 */
#ifndef SANDLAB_TEMPLATE_H
#define SANDLAB_TEMPLATE_H

#include <stddef.h>

#include "cloudinit.h"
#include "hw.h"
#include "lab.h"
#include "node.h"
#include "portname.h"

#define TEMPLATE_USAGE_MAX 4096   /* bytes of a usage text */
#define TEMPLATE_CONSOLES  "serial|vnc"

struct template {
	char  id[37];
	char *name;
	char  image_id[37];
	char *image_name;
	int   ram_mb;
	int   cpus;
	int   nics;
	char  nic_model[24];
	char  accel[8];
	int   cloud_init;               /* 0 or 1 */
	char  ci_user[CLOUDINIT_USER_MAX + 1];
	char  console[8];               /* serial, vnc */
	char *host;                     /* HOST_LOCAL, or a hosts row's name as stored */
	char *usage;                    /* "" when none; may hold newlines */
	int   nodes;                    /* nodes made from it that name it */
	struct hw hw;                   /* images resolved to names, ids, files */
	struct portname_spec ports;     /* how its nodes' NICs are named */
	struct disk *disks;             /* its extra disks by idx, images resolved, no files */
	int   ndisks;
};

/* 1 when the nodes made from t are placed on `local` (this machine). */
int template_is_local(const struct template *t);

/* Frees the strings and zeroes t; safe on a zeroed one. */
void template_clear(struct template *t);
/* Frees v[0..n) (template_list's result) and v. */
void template_list_free(struct template *v, size_t n);

/* Values from the command line or a lab file, as text where they are
 * checked by their owners (hw.h, nic.h, node.h, cloudinit.h). NULL, 0 or
 * -1: the default for a new template, unchanged for template_set. */
struct template_spec {
	const char *image;      /* image name or id, of kind disk */
	int         ram_mb;
	int         cpus;
	int         nics;       /* -1 */
	const char *nic_model;
	const char *accel;
	int         cloud_init; /* -1 */
	const char *ci_user;
	const char *console;
	const char *usage;
	const char *host;       /* HOST_LOCAL or a host's name (case-blind) */
	const char *hw[HW_NKEYS];
	const struct portname_spec *ports;  /* NULL: unchanged; checked here */
	/* Then one part of it (template create|set --port-*): NULL unchanged;
	 * "" and 0 mean none. */
	const char *port_format;
	const char *port_first;
	const int  *port_segment;
	const char *const *disks;   /* extra disks to add, as disk_parse reads them */
	int         ndisks;
	const int  *disks_rm;       /* numbers of its extra disks to remove */
	int         ndisks_rm;
};

/* A usage text: at most TEMPLATE_USAGE_MAX - 1 bytes of UTF-8, no control
 * characters but newlines and tabs. Pure: 0, or -1 with a message. */
int template_check_usage(const char *text, struct err *e);

/* A template with every value at its default, named name (not checked),
 * no image. Caller clears. */
void template_init(struct template *t, const char *name);
/* Applies s to t: each value checked, images looked up (the boot disk of
 * kind disk, the machine's images and the extra disks' of their kinds),
 * the extra disks checked against the boot disk's bus (disk_check_buses).
 * 0, or -1 with a message and t partly changed. */
int template_apply(struct lab *lab, struct template *t, const struct template_spec *s, struct err *e);
/* Inside the caller's transaction: writes t (new, or the one with its id).
 * A name another template has is refused. 0, or -1 with a message. */
int template_write(struct lab *lab, const struct template *t, struct err *e);

/* A new template: name checked, an image needed. 0, or -1 with a message
 * and nothing made. */
int template_create(struct lab *lab, const char *name, const struct template_spec *s, struct err *e);
/* Changes a template; nodes made from it keep what they were made with.
 * 0, or -1 with a message and the template unchanged. */
int template_set(struct lab *lab, const char *key, const struct template_spec *s, struct err *e);
/* By name (case-insensitive) or id: 0 with *out (caller clears), or -1
 * with a message ("no template named ...") and *out zeroed. */
int template_get(struct lab *lab, const char *key, struct template *out, struct err *e);
/* All templates by name: 0 with *out (template_list_free) and *n, or -1
 * with a message and nothing to free. */
int template_list(struct lab *lab, struct template **out, size_t *n, struct err *e);
/* Removes a template no node names; refused naming the nodes that do.
 * 0, or -1 with a message and the template kept. */
int template_rm(struct lab *lab, const char *key, struct err *e);

/* Node node_id was made from template template_id: records it and, with
 * nic_model not NULL, gives each of the node's NICs that model; in the
 * caller's transaction when one is open, else in its own. 0, or -1 with
 * a message and nothing changed. */
int template_node_mark(struct lab *lab, const char *node_id, const char *template_id,
    const char *nic_model, struct err *e);
/* The values of a node made from t: each one s leaves unset (NULL, 0,
 * nics -1) is t's, so what the user gave wins; cloud-init is turned on,
 * with t's user, when t has it on and ch does not say. s and ch then
 * point into t, which must outlive them. */
void template_node_spec(const struct template *t, struct node_spec *s, struct cloudinit_changes *ch);
/* Makes node s (node_create), from t when not NULL (merged first by
 * template_node_spec, then recorded by template_node_mark with s's NIC
 * model, else t's; t's extra disks come first, then s's), gives it s's
 * console type, else t's (contype.h), and applies ch when it changes
 * anything. What the CLI
 * and the dashboard's create form both do. 0 with *out (read after every
 * step; caller clears), or -1 with a message and no node left. */
int template_node_create(struct lab *lab, const struct template *t, struct node_spec *s,
    struct cloudinit_changes *ch, struct node *out, struct err *e);
/* The name of the template node_id was made from into buf, "" when none.
 * 0, or -1 with a message. */
int template_of_node(struct lab *lab, const char *node_id, char *buf, size_t len, struct err *e);

#endif
