/* Unit tests: jsonrow_text gives, item after item, the very text jansson
 * dumps for each item alone: values that change between items of one
 * shape (to one of the same length, to another type, and back), shapes
 * that come and go past the cache's size, a key that reads as the cut
 * mark, and the sorted dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jsonrow.h"

/* Checks jsonrow_text(v) against jansson's dump of [v], then frees v. */
static void
same(json_t *v, size_t sort)
{
	json_t *wrap = json_pack("[O]", v);
	char *ref;
	size_t len;
	const char *got;

	assert_non_null(wrap);
	ref = json_dumps(wrap, JSON_INDENT(2) | JSON_ENSURE_ASCII | sort);
	assert_non_null(ref);
	got = jsonrow_text(v, sort, &len);
	/* the element: the dump without its "[\n" and "\n]" */
	ref[strlen(ref) - 2] = '\0';
	if (len != strlen(ref + 2) || memcmp(got, ref + 2, len) != 0)
		fail_msg("jsonrow_text: \"%.*s\"\njansson:      \"%s\"", (int)len, got, ref + 2);
	free(ref);
	json_decref(wrap);
	json_decref(v);
}

/* An item of one shape, with the values given. */
static json_t *
item(json_t *accel, json_t *ram, json_t *ready, json_t *port)
{
	return json_pack("{s:o, s:{s:i, s:i}, s:[{s:s, s:o}], s:o, s:o}", "accel", accel,
	    "console", "cols", 80, "rows", 24, "nics", "mac", "52:54:00:00:00:01", "port", port,
	    "ram", ram, "ready", ready);
}

static void
jsonrow_values_change_in_place(void **state)
{
	/* equal length, another value; then back to the first */
	same(item(json_string("tcg"), json_integer(64), json_string(""), json_null()), 0);
	same(item(json_string("kvm"), json_integer(65), json_string("x"), json_null()), 0);
	same(item(json_string("tcg"), json_integer(64), json_string(""), json_null()), 0);
	/* a value of another type at the same place, and back */
	same(item(json_null(), json_string("64"), json_true(), json_string("Gi0/0")), 0);
	same(item(json_integer(1), json_real(0.5), json_false(), json_integer(0)), 0);
	same(item(json_string("tcg"), json_integer(64), json_string(""), json_null()), 0);
	/* strings jansson escapes, one that reads as the cut mark, non-ASCII */
	same(item(json_string("\x01"), json_integer(-1), json_string("é\"\\\n\t/"), json_string("☃")), 0);
	same(item(json_string("\\u0001"), json_integer(0), json_string("\"\\u0001\""), json_null()), 0);
	same(item(json_string("tcg"), json_integer(64), json_string(""), json_null()), 0);
	jsonrow_forget();
}

static void
jsonrow_shapes_come_and_go(void **state)
{
	/* 12 shapes (arrays of 0 to 11 NICs), more than are kept: each
	 * round evicts and makes them again */
	for (int round = 0; round < 3; round++)
		for (int n = 0; n < 12; n++) {
			json_t *nics = json_array();

			for (int i = 0; i < n; i++)
				json_array_append_new(nics, json_pack("{s:i, s:s, s:[], s:{}}", "index", i,
				    "name", round == 1 ? "b" : "a", "e", "o"));
			same(json_pack("{s:s, s:o, s:i}", "name", n % 2 ? "odd" : "even", "nics", nics,
			    "round", round), 0);
		}
	/* the same keys in another order, and a key more, are other shapes */
	same(json_pack("{s:i, s:i}", "a", 1, "b", 2), 0);
	same(json_pack("{s:i, s:i}", "b", 1, "a", 2), 0);
	same(json_pack("{s:i, s:i, s:i}", "a", 1, "b", 2, "c", 3), 0);
	same(json_pack("{s:i, s:i}", "a", 1, "bb", 2), 0);
	/* not an object at all, and empty containers */
	same(json_string("alone"), 0);
	same(json_integer(7), 0);
	same(json_array(), 0);
	same(json_object(), 0);
	jsonrow_forget();
	/* and after forgetting, from scratch */
	same(json_pack("{s:i, s:i}", "a", 3, "b", 4), 0);
	jsonrow_forget();
}

static void
jsonrow_key_like_the_mark(void **state)
{
	/* a key that prints as the cut mark: dumped whole, every time */
	for (int i = 0; i < 3; i++)
		same(json_pack("{s:i, s:s}", "\x01", i, "z", i == 1 ? "b" : "a"), 0);
	jsonrow_forget();
}

static void
jsonrow_sorted(void **state)
{
	/* keys out of order, dumped with jansson's sort */
	same(json_pack("{s:i, s:{s:s, s:s}, s:n}", "z", 1, "m", "y", "1", "b", "2", "a"),
	    JSON_SORT_KEYS);
	same(json_pack("{s:i, s:{s:s, s:s}, s:n}", "z", 2, "m", "y", "3", "b", "4", "a"),
	    JSON_SORT_KEYS);
	jsonrow_forget();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jsonrow_values_change_in_place),
		cmocka_unit_test(jsonrow_shapes_come_and_go),
		cmocka_unit_test(jsonrow_key_like_the_mark),
		cmocka_unit_test(jsonrow_sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
