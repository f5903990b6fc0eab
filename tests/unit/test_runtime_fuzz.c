/* Bounded fuzzing of the runtime's parsers of outside input: QMP lines
 * (qmp_reader and qmp_parse) and guest output through the log cleaner.
 * Fixed seed, so a failure repeats; ASan/UBSan catch memory errors, the
 * asserts check what each promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "console.h"
#include "qmp.h"
#include "sanitize.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const seeds[] = {
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}",
	"{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": 3}",
	"{\"error\": {\"class\": \"GenericError\", \"desc\": \"x\"}, \"id\": 2}",
	"{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"SHUTDOWN\", "
	"\"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}",
};

/* Mutated QMP traffic, fed in random pieces: every message parses or is
 * refused, and its strings stay within their fields, sanitised. */
static void
fuzz_qmp(void **state)
{
	struct qmp_reader r = { 0 };
	char buf[512];

	for (int round = 0; round < 20000; round++) {
		const char *seed = seeds[next() % 4];
		size_t n = strlen(seed), chunk;
		memcpy(buf, seed, n);
		for (int m = (int)(next() % 4); m > 0; m--)
			buf[next() % n] = (char)(next() & 0xff);
		buf[n++] = '\n';
		for (size_t off = 0; off < n; off += chunk) {
			const char *line;
			size_t len;
			chunk = 1 + next() % 64;
			if (chunk > n - off)
				chunk = n - off;
			assert_int_equal(qmp_reader_feed(&r, buf + off, chunk), 0);
			while (qmp_reader_next(&r, &line, &len)) {
				struct qmp_msg msg;
				if (qmp_parse(line, len, &msg) != 0)
					continue;
				assert_true(strlen(msg.event) < sizeof msg.event);
				assert_true(strlen(msg.error) < sizeof msg.error);
				for (const char *p = msg.error; *p; p++)
					assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
			}
		}
	}
	qmp_reader_free(&r);
}

/* Random bytes, biased to escapes and UTF-8 leads: the cleaned output is
 * valid UTF-8 with no control byte but newline and tab. */
static void
fuzz_clean(void **state)
{
	static const unsigned char pick[] = { 0x1b, '[', ']', '\\', 0x07, '\n', '\r', 0xc3, 0xa9,
	    0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x80, 0xc2, 0x9b, 'a', ';', '1', 'm', 'P' };
	struct console_clean c;
	unsigned char in[256];
	char out[256 + 8];

	console_clean_init(&c);
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + next() % sizeof in, o;
		for (size_t i = 0; i < n; i++)
			in[i] = next() % 3 ? pick[next() % sizeof pick] : (unsigned char)next();
		o = console_clean(&c, (const char *)in, n, out);
		assert_true(o <= n + 4);
		for (size_t i = 0; i < o; ) {
			unsigned char b = (unsigned char)out[i];
			if (b < 0x80) {
				assert_true(b == '\n' || b == '\t' || (b >= 0x20 && b != 0x7f));
				i++;
				continue;
			}
			/* A multi-byte character comes out whole within one call. */
			size_t len = utf8_seq_len((const unsigned char *)out + i, o - i);
			assert_true(len > 1);
			i += len;
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fuzz_qmp),
		cmocka_unit_test(fuzz_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
