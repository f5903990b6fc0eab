/*
 * shape.h: the impairments of one direction of a link (delay, jitter,
 * loss, rate, duplication, corruption), as a struct and as the one
 * canonical text the lab keeps and shows ("delay=100,loss=5"; "" for
 * none). Pure: the wire (wire.h) applies a shape, this only says what it
 * is.
 */
#ifndef SANDLAB_SHAPE_H
#define SANDLAB_SHAPE_H

#include <stddef.h>

#include "util.h"

#define SHAPE_DELAY_MAX   60000     /* ms */
#define SHAPE_RATE_MIN    8         /* kbit/s; 0 = unlimited */
#define SHAPE_RATE_MAX    10000000
#define SHAPE_TEXT_MAX    128

enum { SHAPE_DELAY, SHAPE_JITTER, SHAPE_LOSS, SHAPE_RATE, SHAPE_DUPLICATE, SHAPE_CORRUPT,
	SHAPE_NFIELDS };

struct shape {
	int v[SHAPE_NFIELDS];   /* indexed by SHAPE_*; 0 = not impaired */
};

/* The field's name in text and on the command line ("delay", ...), or NULL. */
const char *shape_field_name(int field);
/* SHAPE_* for a name, or -1. */
int shape_field(const char *name);
/* Checks value for field: 0, or -1 with a message naming the range. */
int shape_check(int field, long value, struct err *e);
/* "delay=100,jitter=10" into out (all fields 0 first); "" is no
 * impairment. 0, or -1 with a message and out zeroed. */
int shape_parse(const char *text, struct shape *out, struct err *e);
/* The canonical text into buf (SHAPE_TEXT_MAX is enough): the fields that
 * are not 0, in SHAPE_* order. */
const char *shape_format(const struct shape *s, char *buf, size_t len);
/* 1 when no field is set. */
int shape_none(const struct shape *s);

#endif
