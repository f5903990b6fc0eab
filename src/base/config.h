/*
 * config.h: the user's settings file, $XDG_CONFIG_HOME/sandlab/config
 * (else ~/.config/sandlab/config): lines `key = value`, `#` comments.
 * Keys: theme (a theme name), console_escape (the key that leaves a
 * focused console, a key name such as C-] or C-g).
 */
#ifndef SANDLAB_CONFIG_H
#define SANDLAB_CONFIG_H

#include <stddef.h>

#include "util.h"

#define CONFIG_VALUE_MAX 64

struct config {
	char theme[CONFIG_VALUE_MAX];           /* "" when not set */
	char console_escape[CONFIG_VALUE_MAX];  /* "" when not set */
};

/* Calls fn on each line of text (any bytes) as a NUL-terminated copy,
 * and stops at the first line that is longer than 511 bytes, holds a NUL,
 * or that fn refuses (returning -1 with a reason in why); then e says
 * "line N: why". The settings and theme files are read through this. */
int config_lines(const char *text, size_t len, int (*fn)(char *line, void *arg, char *why, size_t whylen),
    void *arg, struct err *e);

/* Parses text (any bytes); on an error, e says "line N: why" and out keeps
 * the settings of the lines before it. */
int config_parse(const char *text, size_t len, struct config *out, struct err *e);

/* The path of the config file; caller frees. NULL when no home is known. */
char *config_path(void);

/* Reads and parses the file; a missing file is an empty config. */
int config_load(struct config *out, struct err *e);

/* Reads a whole small file (at most max bytes) into a fresh buffer. */
int config_read_file(const char *path, size_t max, char **out, size_t *len, struct err *e);

#endif
