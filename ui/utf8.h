/*
 * utf8.h: encoding and decoding single UTF-8 characters. Validation of
 * text from outside lives in src/sanitize.h (utf8_seq_len); these assume
 * the sequence was checked or written by us.
 */
#ifndef SANDLAB_UTF8_H
#define SANDLAB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Writes cp as 1-4 bytes into out; a surrogate or a value past U+10FFFF
 * is written as U+FFFD. Returns the byte count. */
int utf8_encode(uint32_t cp, char *out);
/* The character of the n-byte sequence at s (n from utf8_seq_len). */
uint32_t utf8_decode(const unsigned char *s, size_t n);

#endif
