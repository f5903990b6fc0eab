/*
 * util.c: allocation, errors, clocks and small parsers shared by the core.
 * Nothing here knows about the lab, the database or the terminal.
 */
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void (*fatal_hook)(void);

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_sys(struct err *e, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	size_t n;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(saved));
	errno = saved;
	return -1;
}

void
fatal_set_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	void (*hook)(void) = fatal_hook;

	fatal_hook = NULL;
	if (hook != NULL)
		hook();
	fputs("sandlab: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation overflow (%zu x %zu)", n, size);
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		fatal("out of memory formatting a string");
	va_end(ap);
	return p;
}

char *
path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = xmalloc(a + b + 2);

	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

void
str_copy(char *dst, size_t len, const char *src)
{
	size_t n;

	if (len == 0)
		return;
	n = src != NULL ? strnlen(src, len - 1) : 0;
	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}

void
crash_point(const char *name)
{
	const char *at = getenv("SANDLAB_CRASH_AT");

	if (at != NULL && strcmp(at, name) == 0)
		raise(SIGKILL);
}

void
pace_point(const char *name)
{
	const char *at = getenv("SANDLAB_PACE");
	size_t n = strlen(name);
	struct timespec ts;
	long ms = 0;
	const char *p;

	/* "NAME:MS", or several of them joined by commas. */
	for (; at != NULL; at = (p = strchr(at, ',')) != NULL ? p + 1 : NULL)
		if (strncmp(at, name, n) == 0 && at[n] == ':')
			break;
	if (at == NULL)
		return;
	for (p = at + n + 1; *p >= '0' && *p <= '9' && ms <= 1000; p++)
		ms = ms * 10 + (*p - '0');
	if ((*p != '\0' && *p != ',') || ms <= 0)
		return;
	if (ms > 1000)
		ms = 1000;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (v < 10)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.0f %s", v, units[u]);
	return buf;
}

/* Numbers are plain decimal: an optional '-', then 0 or a digit 1-9 and
 * more digits. strtol alone takes "+5", " 5" and "010", which a user who
 * typed them did not mean as 5 and 10. */
static int
util_plain_decimal(const char *s)
{
	if (s == NULL)
		return 0;
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	return !(s[0] == '0' && s[1] >= '0' && s[1] <= '9');
}

int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!util_plain_decimal(s) || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (*end == 'i' && shift != 0)
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		return -1;
	if (shift != 0 && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int
parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!util_plain_decimal(s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
port_ok(int port)
{
	return port >= 1 && port <= 65535;
}

int
mkdir_p(const char *path, unsigned mode, struct err *e)
{
	char *p, *s;
	int rc = 0;

	/* The common case, a folder that is there, in one call. */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			rc = err_sys(e, "cannot create folder %s", p);
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void *
dl_open(const char *soname, struct err *e)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		err_set(e, "cannot load %s: %s", soname, dlerror());
	return h;
}

void *
dl_call(void *h, const char *soname, const char *name, struct err *e)
{
	void *f = dlsym(h, name);

	if (f == NULL)
		err_set(e, "%s lacks %s", soname, name);
	return f;
}

int
dl_once(struct dl_once *o, struct err *e)
{
	pthread_once(&o->once, o->load);
	if (o->ok)
		return 0;
	if (e != NULL)
		*e = o->err;
	return -1;
}
