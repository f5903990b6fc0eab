/*
 * cloudinit.h: a node's cloud-init settings, the rows of `cloudinit`: on
 * or off, the user sandlab seeds, that user's password (random, kept in
 * the lab so the serial console login works), the user's own user-data
 * when given, and the generation that goes into the instance-id (a reset
 * raises it by a trigger; a clone is a new node id). Making the seed from
 * these is seed.h's (runtime); this file owns the rows and checks input.
 */
#ifndef SANDLAB_CLOUDINIT_H
#define SANDLAB_CLOUDINIT_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

#define CLOUDINIT_USER_DEFAULT "lab"
#define CLOUDINIT_USER_MAX     32       /* bytes of a Linux user name */
#define CLOUDINIT_PASSWORD_LEN 16
#define CLOUDINIT_DATA_MAX     65536    /* bytes of user-data */

struct cloudinit {
	int     on;
	char    user[CLOUDINIT_USER_MAX + 1];
	char    password[CLOUDINIT_PASSWORD_LEN + 1];
	char   *user_data;   /* the user's own, or NULL: sandlab's default */
	int64_t generation;
};

/* Frees user_data and zeroes c; safe on a zeroed one. */
void cloudinit_clear(struct cloudinit *c);

/* The node's settings (node_id: an id, not a name): 0 with *out filled
 * (off, user "lab", no password when the node has no row), or -1 with a
 * message and *out zeroed. Caller clears *out. */
int cloudinit_get(struct lab *lab, const char *node_id, struct cloudinit *out, struct err *e);

/* Changes: on -1, user NULL and user_data NULL leave a field unchanged;
 * user_default 1 goes back to sandlab's default user-data. */
struct cloudinit_changes {
	int         on;
	const char *user;
	const char *user_data;
	int         user_data_default;
};
/* 1 when c changes any setting (cloudinit_set has work to do). */
int cloudinit_changes_any(const struct cloudinit_changes *c);
/* Creates the row when the node has none (with a fresh password), then
 * applies c; values must be checked first (cloudinit_check_*). Runs in
 * the caller's transaction when one is open. 0, or -1 with a message and
 * nothing changed. */
int cloudinit_set(struct lab *lab, const char *node_id, const struct cloudinit_changes *c,
    struct err *e);

/* Inside the caller's transaction: to_id gets from_id's settings with a
 * fresh password and generation 1 (its instance-id differs anyway, as the
 * id does). Nothing to copy is fine. 0, or -1 with a message. */
int cloudinit_copy(struct lab *lab, const char *from_id, const char *to_id, struct err *e);

/* A user name cloud-init can create: [a-z_][a-z0-9_-]{0,31}, not root.
 * Pure: 0, or -1 with a message. */
int cloudinit_check_user(const char *user, struct err *e);

/* user-data a user gives: at most CLOUDINIT_DATA_MAX bytes, no NUL byte,
 * either "#cloud-config" YAML that parses to a mapping (libyaml), or a
 * script starting with "#!". Pure: 0, or -1 with a message that says
 * where the YAML is wrong. */
int cloudinit_check_user_data(const char *text, size_t len, struct err *e);

/* The instance-id cloud-init sees: "<node id>-<generation>"; buf holds
 * at least 64 bytes. */
void cloudinit_instance_id(const char *node_id, int64_t generation, char *buf, size_t len);

#endif
