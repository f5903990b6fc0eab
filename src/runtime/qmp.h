/*
 * qmp.h: QEMU's machine protocol, as much as the keeper needs: reading
 * the greeting, returns, errors and events QEMU sends (one JSON object per
 * line, parsed by jansson), and writing commands. The socket itself, and
 * when to read or write it, belong to the caller's poll loop.
 */
#ifndef SANDLAB_QMP_H
#define SANDLAB_QMP_H

#include <stddef.h>

#include "util.h"

/* QEMU's lines are short; a longer one means something is wrong. */
#define QMP_LINE_MAX (1 << 20)

enum qmp_kind {
	QMP_GREETING,
	QMP_RETURN,
	QMP_ERROR,
	QMP_EVENT,
	QMP_OTHER,
};

struct qmp_msg {
	enum qmp_kind kind;
	long long id;          /* the command's "id", or -1 */
	char event[48];        /* QMP_EVENT: its name ("SHUTDOWN") */
	int  guest;            /* SHUTDOWN: 1 when the guest asked for it */
	char reason[48];       /* SHUTDOWN: "guest-shutdown", "host-qmp-quit"... */
	char status[32];       /* return of query-status: "running", "paused"... */
	char error[160];       /* QMP_ERROR: QEMU's description, sanitised */
};

/* Parses one line. -1 when it is not a JSON object. */
int qmp_parse(const char *line, size_t len, struct qmp_msg *m);

/* {"execute": ..., "arguments": args, "id": id} and a newline; args may be
 * NULL and is not freed; caller frees the result. */
char *qmp_command(const char *execute, const char *args_json, long long id);

/* Splits what arrives on the socket into lines. */
struct qmp_reader {
	char  *buf;
	size_t len, cap;
	char  *line;    /* the line handed out last */
};

/* Appends n bytes; -1 when a line grows past QMP_LINE_MAX. */
int qmp_reader_feed(struct qmp_reader *r, const char *p, size_t n);
/* The next complete line (without its end) into *line and *len, valid until
 * the next call; 0 when none is complete. */
int qmp_reader_next(struct qmp_reader *r, const char **line, size_t *len);
void qmp_reader_free(struct qmp_reader *r);

#endif
