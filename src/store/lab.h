/*
 * lab.h: a lab directory and its open database. Finding the folder,
 * creating its layout, and recovering from a process that died half-way
 * through making a file (see pending.h) happen in lab_open.
 */
#ifndef SANDLAB_LAB_H
#define SANDLAB_LAB_H

#include <sqlite3.h>
#include <stdint.h>

#include "util.h"

/* The database's file name in the lab root; its -wal and -shm files
 * begin so too. */
#define LAB_DB_FILE "lab.db"

/* Length of an id (a lowercase uuid), as node and image ids and the
 * names of the node run folders are. */
#define LAB_ID_LEN 36

/* 1 when the n bytes at s are an id (n is LAB_ID_LEN, lowercase hex and
 * dashes where a uuid has them); reads no further than a terminator. */
int lab_id_ok(const char *s, size_t n);

/* An empty overlay this process has read (node.c), by its key. */
struct lab_tpl {
	struct lab_tpl *next;
	char   *key;
	char   *buf;
	size_t  len;
};

struct lab {
	char    *root;      /* absolute */
	char    *images;    /* root/images */
	char    *overlays;  /* root/overlays */
	char    *logs;      /* root/logs */
	char    *run;       /* root/run, or a private folder when root is long */
	char    *db_path;   /* root/lab.db */
	sqlite3 *db;
	int      tightened; /* entries that were open to other users, made
	                     * private by lab_open (the root, the lab's own
	                     * entries): the caller says so once */
	struct lab_tpl *tpls; /* freed by lab_close */
	struct db_kept *kept; /* statements kept prepared (db.h), finalized
	                       * by lab_close */
};

/* The lab folder: opt (--lab), else $SANDLAB_LAB, else
 * $XDG_DATA_HOME/sandlab, else ~/.local/share/sandlab. Caller frees. */
char *lab_dir_choose(const char *opt);

/* Creates the layout if needed, opens and migrates the database, removes
 * what dead processes left half-made. A root open to other users is
 * closed (0700) and the lab's own entries in it made private; other
 * files in the root keep their modes. NULL and a message on failure. */
struct lab *lab_open(const char *dir, struct err *e);
void lab_close(struct lab *lab);

/* root/<sub>/<name> (or root/<sub> when name is NULL); caller frees. */
char *lab_path(const struct lab *lab, const char *sub, const char *name);

/* A folder that must be ours alone: created 0700 (its parent must
 * exist), made 0700 if it was open to others, or refused if it is owned
 * by someone else or is not a folder (a symlink). 0, or -1 with a
 * message. */
int lab_private_dir(const char *path, struct err *e);

/* FNV-1a of s: a short name of its own for a name too long for a socket's
 * path (a long lab path's private run folder, a host's sockets). */
uint32_t lab_hash(const char *s);

/* The run folder of a node (0700, created), by node id; caller frees. */
char *lab_node_run_dir(const struct lab *lab, const char *node_id, struct err *e);

/* Removes what a removed node leaves outside the database: its run
 * folder, its logs and its cloud-init seed folder. Only for a node whose row is gone and whose keeper
 * is not alive. */
void lab_node_forget(const struct lab *lab, const char *node_id);

#endif
