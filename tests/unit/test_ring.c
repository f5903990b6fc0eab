/*
 * test_ring.c: the replay ring against a reference (the tail of all bytes
 * written), and the byte queue's push, drop and compaction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ring.h"

static void
ring_keeps_the_tail(void **state)
{
	struct ring r;
	char all[5000];
	size_t total = 0;
	unsigned seed = 7;

	ring_init(&r, 97);
	while (total < sizeof all - 300) {
		size_t n = (seed = seed * 1103515245 + 12345) % 250;
		char chunk[300];
		for (size_t i = 0; i < n; i++)
			chunk[i] = (char)(total + i);
		memcpy(all + total, chunk, n);
		total += n;
		ring_add(&r, chunk, n);

		struct bufq q = { 0 };
		size_t want = total < 97 ? total : 97;
		ring_copy(&r, &q);
		assert_int_equal(q.len, want);
		assert_memory_equal(q.buf + q.head, all + total - want, want);
		bufq_free(&q);
	}
	ring_free(&r);
}

static void
queue(void **state)
{
	struct bufq q = { 0 };
	char big[10000];

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)i;
	bufq_push(&q, big, 3000);
	bufq_drop(&q, 1000);
	bufq_push(&q, big + 3000, 7000);
	assert_int_equal(q.len, 9000);
	assert_memory_equal(q.buf + q.head, big + 1000, 9000);
	bufq_drop(&q, 9000);
	assert_int_equal(q.len, 0);
	bufq_push(&q, "ab", 2);
	assert_memory_equal(q.buf + q.head, "ab", 2);
	bufq_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ring_keeps_the_tail),
		cmocka_unit_test(queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
