/*
 * test_qmp.c: QMP lines as QEMU 7.2 sends them, malformed input, and the
 * line splitter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "qmp.h"

static int
parse(const char *s, struct qmp_msg *m)
{
	return qmp_parse(s, strlen(s), m);
}

static void
messages(void **state)
{
	struct qmp_msg m;

	assert_int_equal(parse("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, "
	    "\"major\": 7}, \"package\": \"Debian\"}, \"capabilities\": [\"oob\"]}}", &m), 0);
	assert_int_equal(m.kind, QMP_GREETING);
	assert_int_equal(parse("{\"return\": {}, \"id\": 4}", &m), 0);
	assert_int_equal(m.kind, QMP_RETURN);
	assert_int_equal(m.id, 4);
	assert_int_equal(parse("{\"return\": {\"status\": \"running\", \"singlestep\": false, "
	    "\"running\": true}, \"id\": 5}", &m), 0);
	assert_string_equal(m.status, "running");
	assert_int_equal(parse("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
	    "\"The command foo has not been found\"}}", &m), 0);
	assert_int_equal(m.kind, QMP_ERROR);
	assert_int_equal(m.id, -1);
	assert_string_equal(m.error, "The command foo has not been found");
	assert_int_equal(parse("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": "
	    "\"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}", &m), 0);
	assert_int_equal(m.kind, QMP_EVENT);
	assert_string_equal(m.event, "SHUTDOWN");
	assert_int_equal(m.guest, 1);
	assert_string_equal(m.reason, "guest-shutdown");
	assert_int_equal(parse("{\"event\": \"POWERDOWN\"}", &m), 0);
	assert_string_equal(m.event, "POWERDOWN");
	assert_int_equal(m.guest, 0);
}

static void
malformed(void **state)
{
	struct qmp_msg m;

	assert_int_equal(parse("", &m), -1);
	assert_int_equal(parse("[1,2]", &m), -1);
	assert_int_equal(parse("{\"return\": ", &m), -1);
	assert_int_equal(parse("{\"a\":1,\"a\":2}", &m), -1);
	assert_int_equal(parse("{\"event\": 5}", &m), 0);
	assert_int_equal(m.kind, QMP_OTHER);
	/* Escape sequences in QEMU's text never reach a terminal raw. */
	assert_int_equal(parse("{\"error\": {\"desc\": \"\\u001b[2Jx\"}}", &m), 0);
	assert_null(strchr(m.error, '\x1b'));
}

static void
commands(void **state)
{
	char *s = qmp_command("qmp_capabilities", NULL, 1);
	json_t *o;

	assert_string_equal(s, "{\"execute\":\"qmp_capabilities\",\"id\":1}\n");
	free(s);
	s = qmp_command("set_password", "{\"protocol\":\"vnc\",\"password\":\"a\\\"b\"}", 7);
	o = json_loads(s, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "arguments"), "password")), "a\"b");
	json_decref(o);
	free(s);
}

static void
lines(void **state)
{
	struct qmp_reader r = { 0 };
	const char *l;
	size_t n;

	assert_int_equal(qmp_reader_feed(&r, "{\"a\":1}\r\n{\"b\"", 13), 0);
	assert_int_equal(qmp_reader_next(&r, &l, &n), 1);
	assert_int_equal(n, 7);
	assert_memory_equal(l, "{\"a\":1}", 7);
	assert_int_equal(qmp_reader_next(&r, &l, &n), 0);
	assert_int_equal(qmp_reader_feed(&r, ":2}\n", 4), 0);
	assert_int_equal(qmp_reader_next(&r, &l, &n), 1);
	assert_memory_equal(l, "{\"b\":2}", 7);
	char *big = calloc(1, QMP_LINE_MAX + 1);
	memset(big, 'x', QMP_LINE_MAX);
	assert_int_equal(qmp_reader_feed(&r, big, QMP_LINE_MAX + 1), -1);
	free(big);
	qmp_reader_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(messages),
		cmocka_unit_test(malformed),
		cmocka_unit_test(commands),
		cmocka_unit_test(lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
