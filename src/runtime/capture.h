/*
 * capture.h: captures of a running node's NIC as pcap files, one owner
 * for the CLI (`sandlab capture`) and the dashboard's links view: the
 * frames a keeper's wire hands out (wire_capture_connect) written by
 * libpcap, and the lab's captures/ folder where captures that are kept
 * go (0700; files 0600, named NODE-ethN-YYYYMMDD-HHMMSS.pcap). A capture
 * that runs holds an exclusive lock on its file, so "running" is read
 * from the lock, never from a pid.
 */
#ifndef SANDLAB_CAPTURE_H
#define SANDLAB_CAPTURE_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "lab.h"

/* Writes the frames coming on fd (from wire_capture_connect) to out as
 * pcap (linktype Ethernet, the wire's timestamps), flushed frame by
 * frame, until the stream ends (the node stopped), count frames were
 * written (0: no limit), stop_fd is readable (-1: none) or a signal
 * not in sigmask arrives (sigmask NULL: signals do not end it). Closes
 * fd; out is closed too unless it is stdout (then flushed). *frames
 * (unless NULL) gets how many frames were written. 1 when the stream
 * ended (the node stopped, or its keeper went away), 0 when count,
 * stop_fd or a signal ended it, or -1 with a message (a write failed:
 * what was written is kept). */
int capture_pump(int fd, FILE *out, int count, int stop_fd, const sigset_t *sigmask,
    long *frames, struct err *e);

/* A new file in the lab's captures/ folder (made 0700 when missing) for
 * node:eth<idx>, created 0600 and locked as running until it is closed:
 * *out to write, *path its name (caller frees). 0, or -1 with a
 * message. */
int capture_file_new(struct lab *lab, const char *node, int idx, FILE **out, char **path,
    struct err *e);

struct capture_info {
	char    name[256];      /* file name in captures/ */
	char    end[96];        /* "r1:eth1", from the name; "" if it is not ours */
	int64_t size;           /* bytes */
	int64_t frames;         /* -1 when not counted (too big, or unreadable) */
	int     running;        /* 1 while a capture writes it */
	int64_t mtime;          /* seconds since the epoch */
};

/* The .pcap files of captures/, by name; none when the folder does not
 * exist. 0, or -1 with a message. */
int capture_list(struct lab *lab, struct capture_info **out, size_t *n, struct err *e);

/* Removes captures/<name> (a .pcap file name, no path). Refuses one that
 * is running. 0, or -1 with a message and nothing removed. */
int capture_rm(struct lab *lab, const char *name, struct err *e);

#endif
