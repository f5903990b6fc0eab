/*
 * form-node.c: what the create and edit forms share: the node fields'
 * checks (the core's own, so the message is the one the CLI would give)
 * and the accelerator choices.
 */
#include "form-node.h"

#include <stdio.h>
#include <string.h>

#include "contype.h"
#include "form.h"
#include "nic.h"
#include "node.h"

const char *const form_node_accels[FORM_NODE_NACCELS] = { "auto", "kvm", "tcg" };
const char *const form_node_consoles[2] = { CONTYPE_SERIAL, CONTYPE_VNC };

int
form_node_accel_index(const char *accel)
{
	for (int i = 0; i < FORM_NODE_NACCELS; i++)
		if (strcmp(form_node_accels[i], accel) == 0)
			return i;
	return 0;
}

int
form_node_check(struct form *fm, struct app *a, int i, int base, const char *own_id)
{
	struct form_field *f = &fm->f[i];

	switch (i - base + NF_NAME) {
	case NF_NAME:
		return form_check_name(f, a, own_id);
	case NF_RAM:
		return form_check_int(f, "RAM (MiB)", 0, NODE_RAM_MAX * 2L, node_check_ram);
	case NF_CPUS:
		return form_check_int(f, "CPUs", 0, 1024, node_check_cpus);
	case NF_NICS:
		return form_check_int(f, "NICs", 0, 1024, node_check_nics);
	case NF_NIC_MODEL: {
		struct err e;
		if (nic_model_check(f->buf, &e) != 0) {
			snprintf(f->err, sizeof f->err, "%s", e.msg);
			return -1;
		}
		f->err[0] = '\0';
		return 0;
	}
	default:
		f->err[0] = '\0';
		return 0;
	}
}
