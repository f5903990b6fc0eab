/*
 * test_shape.c: link impairments as text: the canonical form the lab,
 * lab files and `link ls` share (fields in a fixed order, zeros left
 * out), the ranges, and what is refused with which words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "shape.h"

static void
canonical(void **state)
{
	struct shape s;
	struct err e;
	char buf[SHAPE_TEXT_MAX];

	assert_int_equal(shape_parse("loss=5,delay=100,corrupt=0,jitter=10", &s, &e), 0);
	assert_int_equal(s.v[SHAPE_DELAY], 100);
	assert_int_equal(s.v[SHAPE_JITTER], 10);
	assert_int_equal(s.v[SHAPE_LOSS], 5);
	assert_string_equal(shape_format(&s, buf, sizeof buf), "delay=100,jitter=10,loss=5");
	assert_int_equal(shape_parse("", &s, &e), 0);
	assert_true(shape_none(&s));
	assert_string_equal(shape_format(&s, buf, sizeof buf), "");
	assert_int_equal(shape_parse("delay=60000,jitter=60000,loss=100,rate=10000000,duplicate=100,"
	    "corrupt=100", &s, &e), 0);
	assert_string_equal(shape_format(&s, buf, sizeof buf), "delay=60000,jitter=60000,loss=100,"
	    "rate=10000000,duplicate=100,corrupt=100");
	assert_int_equal(shape_parse("rate=8", &s, &e), 0);
	assert_int_equal(s.v[SHAPE_RATE], 8);
	assert_int_equal(shape_field("duplicate"), SHAPE_DUPLICATE);
	assert_int_equal(shape_field("dup"), -1);
	assert_string_equal(shape_field_name(SHAPE_CORRUPT), "corrupt");
	assert_null(shape_field_name(SHAPE_NFIELDS));
}

static void
refused_one(const char *text, const char *want)
{
	struct shape s;
	struct err e;

	memset(&s, 0x55, sizeof s);
	if (shape_parse(text, &s, &e) == 0)
		fail_msg("accepted: %s", text);
	if (strstr(e.msg, want) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, e.msg, want);
	assert_true(shape_none(&s));
}

static void
refused(void **state)
{
	struct err e;

	refused_one("loss=101", "loss is from 0 to 100");
	refused_one("delay=60001", "delay is from 0 to 60000ms");
	refused_one("rate=7", "rate is 0 (unlimited) or 8 to 10000000");
	refused_one("delay=-1", "whole number");
	refused_one("delay=1.5", "whole number");
	refused_one("delay=", "whole number");
	refused_one("delay", "NAME=NUMBER");
	refused_one("speed=10", "unknown \"speed\"");
	refused_one("delay=5,\x1b[2J=1", "unknown");
	refused_one("delay=100,loss=5,delay=100,loss=5,delay=100,loss=5,delay=100,loss=5,delay=100,"
	    "loss=5,delay=100,loss=5,delay=100,loss=5,delay=100,loss=5,delay=100,loss=5", "too long");
	assert_int_equal(shape_check(SHAPE_DUPLICATE, 100, &e), 0);
	assert_int_equal(shape_check(SHAPE_DUPLICATE, 101, &e), -1);
	assert_int_equal(shape_check(SHAPE_RATE, 0, &e), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
