/*
 * util.h: what every module of the core uses: allocation that cannot fail
 * silently, the error message type that recoverable failures fill in, and
 * the fatal path that restores the terminal before aborting.
 */
#ifndef SANDLAB_UTIL_H
#define SANDLAB_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ERR_MAX 1024

/* A recoverable failure: the callee writes a sentence a user can act on. */
struct err {
	char msg[ERR_MAX];
};

/* Both return -1 so a caller can write `return err_set(e, ...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As err_set, with ": strerror(errno)" appended. */
int err_sys(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Out of memory or a broken invariant: run the hook, print, abort. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The dashboard installs a hook that gives the terminal back first. */
void fatal_set_hook(void (*hook)(void));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "DIR/NAME", newly allocated: xasprintf's result without its cost (a
 * listing of 10,000 nodes makes two per node). */
char *path_join(const char *dir, const char *name);
/* src (NULL as "") into dst[len], cut to fit and always ended: what
 * snprintf "%s" does, at a tenth of its cost, for rows read in bulk. */
void str_copy(char *dst, size_t len, const char *src);

/* Fault injection for crash tests: when $SANDLAB_CRASH_AT names this
 * point, the process kills itself with SIGKILL right here. */
void crash_point(const char *name);
/* Fault injection for race tests: when $SANDLAB_PACE is "NAME:MS" for
 * this point (or holds it among others: "A:MS,B:MS"), the process sleeps
 * MS milliseconds (at most 1000) here, so that a test can act while a
 * long loop is under way. */
void pace_point(const char *name);

/* Seconds since the epoch, and a monotonic clock in milliseconds. */
int64_t now_s(void);
int64_t mono_ms(void);

/* "1.5 GiB"-style size into buf (at least 16 bytes). */
const char *fmt_size(uint64_t bytes, char *buf, size_t len);
/* Parse "512", "512M", "2G", "1T" (powers of 1024; bare = bytes). -1 on bad input. */
int parse_size(const char *s, uint64_t *out);
/* Parse a decimal integer in [min, max]; -1 on anything else. */
int parse_int(const char *s, long min, long max, long *out);
/* 1 if port is a TCP or UDP port number (1-65535), else 0. */
int port_ok(int port);

/* mkdir -p with the given mode for each created folder. */
int mkdir_p(const char *path, unsigned mode, struct err *e);
/* Write all of buf, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);

/* A library opened when first needed (dlopen, RTLD_NOW), not linked:
 * linked, it and what it needs are loaded by every sandlab process. NULL
 * with a message when it cannot be. */
void *dl_open(const char *soname, struct err *e);
/* A call of h by name, or NULL with the message "SONAME lacks NAME". */
void *dl_call(void *h, const char *soname, const char *name, struct err *e);

/* A table of a library's calls, filled once per process by load (from
 * whichever thread comes first): load sets ok, or leaves why in err. */
struct dl_once {
	pthread_once_t once;
	void         (*load)(void);
	int            ok;
	struct err     err;
};
#define DL_ONCE(load) { PTHREAD_ONCE_INIT, (load), 0, { "" } }
/* Runs o's load the first time. 0 when the table is filled, or -1 with
 * the reason in e (when e is not NULL). */
int dl_once(struct dl_once *o, struct err *e);
/* A field of such a table, with the type the library's header gives. */
#define DL_FIELD(f) __typeof__(&f) f;
/* In a load: fills table.fn from h, or leaves why in *e and returns. */
#define DL_FIND(table, h, soname, e, fn) \
	if (((table).fn = (__typeof__((table).fn))dl_call(h, soname, #fn, e)) == NULL) \
		return;

#endif
