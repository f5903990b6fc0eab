/*
 * form-node.h: what the create and edit forms share.
 */
#ifndef SANDLAB_UI_FORM_NODE_H
#define SANDLAB_UI_FORM_NODE_H

#define FORM_NODE_NACCELS 3

struct app;
struct form;

/* Fields of node forms, in order (the edit form has no template, image
 * nor host; from NF_NAME to NF_NIC_MODEL its fields are in this order, so
 * form_node_check serves both); the machine's (form-hw.h) follow on a page
 * of their own. */
enum { NF_TEMPLATE, NF_IMAGE, NF_NAME, NF_RAM, NF_CPUS, NF_NICS, NF_ACCEL, NF_NIC_MODEL, NF_CONSOLE,
    NF_HOST, NF_HW };

/* The console choices: "serial", "vnc" (contype.h). */
extern const char *const form_node_consoles[2];

/* The NIC model field's hint. */
#define FORM_NODE_NIC_MODEL_HINT "of every NIC: virtio-net-pci, e1000, rtl8139, ..."

/* The accelerator choices: "auto", "kvm", "tcg". */
extern const char *const form_node_accels[FORM_NODE_NACCELS];

/* The index of accel among them (0 when unknown). */
int form_node_accel_index(const char *accel);

/* Checks field i of a node form whose name field is at index base;
 * own_id: the edited node (NULL when creating). 0, or -1 with its err. */
int form_node_check(struct form *fm, struct app *a, int i, int base, const char *own_id);

#endif
