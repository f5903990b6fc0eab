/*
 * config.c: reads the user's settings file. Knows no theme or key
 * semantics: it only checks that values are short, printable words.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_FILE_MAX (64 * 1024)

static const struct {
	const char *key;
	size_t      off;
} config_keys[] = {
	{ "theme", offsetof(struct config, theme) },
	{ "console_escape", offsetof(struct config, console_escape) },
};

static char *
config_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
config_line(char *line, void *arg, char *why, size_t whylen)
{
	struct config *out = arg;
	char *eq, *key, *val;
	size_t i;

	line = config_trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (eq == NULL) {
		snprintf(why, whylen, "expected \"key = value\"");
		return -1;
	}
	*eq = '\0';
	key = config_trim(line);
	val = config_trim(eq + 1);
	for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++)
		if (strcmp(key, config_keys[i].key) == 0)
			break;
	if (i == sizeof config_keys / sizeof config_keys[0]) {
		char shown[40];
		snprintf(shown, sizeof shown, "%.32s", key);
		for (char *p = shown; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				*p = '?';
		snprintf(why, whylen, "unknown setting \"%s\" (known: theme, console_escape)", shown);
		return -1;
	}
	if (*val == '\0' || strlen(val) >= CONFIG_VALUE_MAX) {
		snprintf(why, whylen, "%s needs a value of 1 to %d characters", key, CONFIG_VALUE_MAX - 1);
		return -1;
	}
	for (const char *p = val; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			snprintf(why, whylen, "%s must be one word of printable ASCII", key);
			return -1;
		}
	strcpy((char *)out + config_keys[i].off, val);
	return 0;
}

int
config_lines(const char *text, size_t len, int (*fn)(char *line, void *arg, char *why, size_t whylen),
    void *arg, struct err *e)
{
	char line[512], why[160];
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;

		lineno++;
		if (n >= sizeof line)
			return err_set(e, "line %d: longer than %zu bytes", lineno, sizeof line - 1);
		if (memchr(text + pos, '\0', n) != NULL)
			return err_set(e, "line %d: holds a NUL byte", lineno);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (fn(line, arg, why, sizeof why) != 0)
			return err_set(e, "line %d: %s", lineno, why);
		pos = end + 1;
	}
	return 0;
}

int
config_parse(const char *text, size_t len, struct config *out, struct err *e)
{
	return config_lines(text, len, config_line, out, e);
}

char *
config_path(void)
{
	const char *v;

	if ((v = getenv("XDG_CONFIG_HOME")) != NULL && *v == '/')
		return xasprintf("%s/sandlab/config", v);
	if ((v = getenv("HOME")) != NULL && *v == '/')
		return xasprintf("%s/.config/sandlab/config", v);
	return NULL;
}

int
config_read_file(const char *path, size_t max, char **out, size_t *len, struct err *e)
{
	struct stat sb;
	char *buf;
	size_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return err_sys(e, "cannot open %s", path);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, "%s is not a regular file", path);
	}
	if ((uint64_t)sb.st_size > max) {
		close(fd);
		return err_set(e, "%s is larger than %zu bytes", path, max);
	}
	buf = xmalloc(max + 1);
	for (;;) {
		ssize_t r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_sys(e, "cannot read %s", path);
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(buf);
			close(fd);
			return err_set(e, "%s is larger than %zu bytes", path, max);
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int
config_load(struct config *out, struct err *e)
{
	char *path = config_path(), *text;
	size_t len;
	struct err re;
	int rc;

	memset(out, 0, sizeof *out);
	if (path == NULL)
		return 0;
	if (access(path, F_OK) != 0) {
		free(path);
		return 0;
	}
	if (config_read_file(path, CONFIG_FILE_MAX, &text, &len, &re) != 0) {
		free(path);
		return err_set(e, "%s", re.msg);
	}
	rc = config_parse(text, len, out, &re);
	if (rc != 0)
		err_set(e, "settings file %s (in %s)", re.msg, path);
	free(text);
	free(path);
	return rc;
}
