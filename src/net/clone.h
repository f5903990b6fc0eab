/*
 * clone.h: a new node made from another: same image, resources and NIC
 * models, new MACs. Its disk is a fresh overlay on the image, or (disk)
 * a copy of the source's current disk state on the same backing, which
 * needs the source stopped; its extra disks (disk.h) likewise, fresh or
 * copied, with the same numbers and buses. Links and port forwards are not copied:
 * their ends and host ports are unique in a lab.
 */
#ifndef SANDLAB_CLONE_H
#define SANDLAB_CLONE_H

#include "lab.h"
#include "node.h"

int clone_node(struct lab *lab, const char *src_key, const char *new_name, int disk,
    struct node *out, struct err *e);

#endif
