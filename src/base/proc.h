/*
 * proc.h: runs a helper program (qemu-img) from an argv, never a shell,
 * with CPU, address-space and wall-clock limits, and collects its output.
 * Also the small facts about processes the layers above share: the one
 * way to free an argv, ending a child by its pid, and a process's start
 * time (to tell a live owner from a reused pid).
 */
#ifndef SANDLAB_PROC_H
#define SANDLAB_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

struct proc_limits {
	int    cpu_s;      /* RLIMIT_CPU, 0 = none */
	size_t as_bytes;   /* RLIMIT_AS, 0 = none */
	int    wall_ms;    /* killed after this long, 0 = none */
	size_t out_max;    /* output kept per stream; the rest is read and dropped */
	int    keep_fd;    /* a descriptor (> 2, without FD_CLOEXEC) the child keeps; 0 = none */
};

struct proc_result {
	int    exited;     /* 1: exited with `code`; 0: killed by `sig` */
	int    code;
	int    sig;
	int    timed_out;
	int    stopped;    /* the callback asked to stop it (killed) */
	char  *out;        /* stdout, NUL-terminated, caller frees */
	size_t out_len;
	char  *errout;     /* stderr, NUL-terminated, caller frees */
	size_t err_len;
};

/* Called with each chunk of output as it arrives (progress lines);
 * stream is 1 (stdout) or 2 (stderr). Nonzero stops the program: its
 * group is killed and r->stopped set. */
typedef int (*proc_out_cb)(int stream, const char *buf, size_t len, void *arg);

/* Runs argv[0] (looked up in PATH) with stdin from /dev/null. 0 when the
 * program ran (whatever its status; see r), -1 when it could not start. */
int proc_run(char *const argv[], const struct proc_limits *lim, proc_out_cb cb, void *arg,
    struct proc_result *r, struct err *e);

/* 1 when r says the program exited with status 0. */
int proc_ok(const struct proc_result *r);

/* "exited with status 2" / "killed by signal 9 (timed out after 10 s)". */
void proc_describe(const struct proc_result *r, const struct proc_limits *lim, char *buf, size_t len);

void proc_result_free(struct proc_result *r);

/* Where PATH finds prog (as execvp would), or NULL; caller frees. */
char *proc_which(const char *prog);

/* What the program said on stderr, for a message: its first 300 bytes
 * without trailing newlines, sanitised. Caller frees. */
char *proc_errtext(const struct proc_result *r);

/* Closes every descriptor above 2 in a freshly forked child. */
void proc_close_fds(int keep);
/* The same, keeping first + i for each bit i set in mask. */
void proc_close_fds_mask(int first, uint64_t mask);

/* Ends a child of ours by its pid: SIGTERM, then SIGKILL when it has not
 * ended within grace_ms, and reaps it. pid <= 0 is nothing. */
void proc_end_child(pid_t pid, int grace_ms);

/* Start time of a process (clock ticks since boot), 0 if it does not exist. */
uint64_t proc_start_time(int pid);

/* Frees a NULL-terminated argv of malloc'd words and the array; NULL is fine. */
void proc_argv_free(char **argv);

#endif
