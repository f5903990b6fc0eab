/*
 * name.h: the rule for names of nodes and images. A name becomes part of a
 * file name and of QEMU option strings, so the rule is strict.
 */
#ifndef SANDLAB_NAME_H
#define SANDLAB_NAME_H

#include "util.h"

#define NAME_MAX_LEN 63

/* 0 when name matches [A-Za-z0-9][A-Za-z0-9._-]{0,62}; otherwise -1 and a
 * message naming `what` ("node name", "image name") and the first problem. */
int name_check(const char *name, const char *what, struct err *e);

#endif
