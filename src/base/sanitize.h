/*
 * sanitize.h: makes text from outside (names, paths, QEMU's stderr, guest
 * titles) safe to print on a terminal: control bytes and invalid UTF-8 are
 * shown as \xNN, valid UTF-8 is kept.
 */
#ifndef SANDLAB_SANITIZE_H
#define SANDLAB_SANITIZE_H

#include <stddef.h>

/* Sanitised copy of s[0..len); caller frees. */
char *sanitize(const char *s, size_t len);
/* The same into buf (always terminated, truncated to fit). */
void sanitize_to(const char *s, size_t len, char *buf, size_t size);
/* For text that was sanitised once already (error messages, what a
 * keeper reports): control bytes and invalid UTF-8 are escaped, but
 * backslashes are left alone, so "\x1b" stays "\x1b" and is not shown as
 * "\\x1b". On sanitised text it changes nothing; on any text its output
 * is safe for a terminal. */
void sanitize_again_to(const char *s, size_t len, char *buf, size_t size);
/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

#endif
