/*
 * shape.c: the impairments of one link direction, parsed and written in
 * one canonical text so the database, lab files, `link ls` and the
 * keeper's wire agree byte for byte. Pure: no I/O.
 */
#include "shape.h"

#include <stdio.h>
#include <string.h>

#include "sanitize.h"

static const struct {
	const char *name;
	long        min, max;
	const char *unit;
} shape_fields[SHAPE_NFIELDS] = {
	[SHAPE_DELAY]     = { "delay", 0, SHAPE_DELAY_MAX, "ms" },
	[SHAPE_JITTER]    = { "jitter", 0, SHAPE_DELAY_MAX, "ms" },
	[SHAPE_LOSS]      = { "loss", 0, 100, "%" },
	[SHAPE_RATE]      = { "rate", 0, SHAPE_RATE_MAX, " kbit/s" },
	[SHAPE_DUPLICATE] = { "duplicate", 0, 100, "%" },
	[SHAPE_CORRUPT]   = { "corrupt", 0, 100, "%" },
};

const char *
shape_field_name(int field)
{
	return field >= 0 && field < SHAPE_NFIELDS ? shape_fields[field].name : NULL;
}

int
shape_field(const char *name)
{
	for (int i = 0; i < SHAPE_NFIELDS; i++)
		if (strcmp(name, shape_fields[i].name) == 0)
			return i;
	return -1;
}

int
shape_check(int field, long value, struct err *e)
{
	if (field == SHAPE_RATE && value != 0 && value < SHAPE_RATE_MIN)
		return err_set(e, "rate is 0 (unlimited) or %d to %d kbit/s", SHAPE_RATE_MIN,
		    SHAPE_RATE_MAX);
	if (value < shape_fields[field].min || value > shape_fields[field].max)
		return err_set(e, "%s is from %ld to %ld%s", shape_fields[field].name,
		    shape_fields[field].min, shape_fields[field].max, shape_fields[field].unit);
	return 0;
}

int
shape_parse(const char *text, struct shape *out, struct err *e)
{
	char buf[SHAPE_TEXT_MAX], shown[64];
	char *save = NULL, *tok;

	memset(out, 0, sizeof *out);
	sanitize_to(text, strlen(text), shown, sizeof shown);
	if (strlen(text) >= sizeof buf)
		return err_set(e, "impairments \"%s\" are too long", shown);
	memcpy(buf, text, strlen(text) + 1);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		long v;
		int f;
		if (eq == NULL) {
			memset(out, 0, sizeof *out);
			return err_set(e, "impairments \"%s\": each is NAME=NUMBER, as delay=100,loss=5",
			    shown);
		}
		*eq = '\0';
		if ((f = shape_field(tok)) < 0) {
			memset(out, 0, sizeof *out);
			return err_set(e, "impairments \"%s\": unknown \"%.20s\" (delay, jitter, loss, "
			    "rate, duplicate, corrupt)", shown, tok);
		}
		if (parse_int(eq + 1, 0, 1L << 30, &v) != 0 || shape_check(f, v, e) != 0) {
			if (parse_int(eq + 1, 0, 1L << 30, &v) != 0)
				err_set(e, "impairments \"%s\": %s needs a whole number", shown, tok);
			memset(out, 0, sizeof *out);
			return -1;
		}
		out->v[f] = (int)v;
	}
	return 0;
}

const char *
shape_format(const struct shape *s, char *buf, size_t len)
{
	size_t at = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < SHAPE_NFIELDS; i++) {
		if (s->v[i] == 0)
			continue;
		int n = snprintf(buf + at, len - at, "%s%s=%d", at ? "," : "", shape_fields[i].name,
		    s->v[i]);
		if (n < 0 || (size_t)n >= len - at)
			break;
		at += (size_t)n;
	}
	return buf;
}

int
shape_none(const struct shape *s)
{
	for (int i = 0; i < SHAPE_NFIELDS; i++)
		if (s->v[i] != 0)
			return 0;
	return 1;
}
