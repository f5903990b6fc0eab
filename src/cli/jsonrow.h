/*
 * jsonrow.h: the text of one element of a JSON list, as jansson dumps
 * it, for lists of many items of one shape (`node ls --json`).
 */
#ifndef SANDLAB_JSONROW_H
#define SANDLAB_JSONROW_H

#include <jansson.h>

/* The text json_dumpb gives for v as the element of a one-element array
 * with JSON_INDENT(2) | JSON_ENSURE_ASCII | sort: the element's lines,
 * indented as an element, without the array's "[\n" and "\n]". Borrowed:
 * valid until the next call; *len is its length. v stays the caller's.
 *
 * With sort 0, v's objects must hold their keys in the order they are
 * to be printed (as a dump without JSON_SORT_KEYS prints them). Then the
 * text is put together from the last dump of an item of the same shape
 * (the same keys and array lengths, with every value left out) and the
 * dump of each value that differs from the one at its place in the last
 * such item: jansson writes every byte, but writes the keys, the
 * indentation and the values that repeat once per shape, not once per
 * item (jansson's dump was 61% of `node ls --json`'s instructions). */
const char *jsonrow_text(json_t *v, size_t sort, size_t *len);

/* Frees what jsonrow_text keeps from item to item (at the end of a list). */
void jsonrow_forget(void);

#endif
