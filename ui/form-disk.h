/*
 * form-disk.h: a node's extra disks (disk.h) as rows of the create and
 * edit forms, one text field a disk, spelt as `node create --disk` takes
 * one ("64M", "8G,bus=sata", "image:data,bus=ide"); an empty row is no
 * disk. The checks are the core's (disk_parse, disk_resolve,
 * disk_check_buses), worded for the form.
 */
#ifndef SANDLAB_UI_FORM_DISK_H
#define SANDLAB_UI_FORM_DISK_H

#include "disk.h"

struct app;
struct form;
struct node;

/* Appends DISK_MAX rows to the form's current page: n's disks first (each
 * row's tag its disk's number), empty rows after (tag 0). n NULL: all
 * empty. The index of the first. */
int form_disk_add(struct form *fm, const struct node *n);

/* Checks row i while it is typed (the edited node's disk may be removed
 * by clearing its row, not changed): 0, or -1 with its err. */
int form_disk_check(struct form *fm, struct app *a, int i);

/* The rows together on the machine's boot bus and type (form-hw.h fields
 * from hw_base), as node_create and node_set will check them: 0, or -1
 * with fm->msg saying why and the focus on the first disk row. */
int form_disk_check_all(struct form *fm, int base, int hw_base);

/* The rows that add a disk (non-empty, tag 0) into texts (borrowed from
 * the form; room for DISK_MAX): how many. */
int form_disk_added(const struct form *fm, int base, const char **texts);

/* The numbers of the node's disks whose row was cleared into idx (room
 * for DISK_MAX): how many. */
int form_disk_removed(const struct form *fm, int base, int *idx);

#endif
