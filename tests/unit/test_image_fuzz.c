/* Bounded fuzzing of the image parsers that read outside input: the
 * format sniffer, the qcow2 header check and the qemu-img JSON check.
 * Fixed seed, so a failure repeats; ASan/UBSan catch memory and overflow
 * errors, and the asserts check the invariants each parser promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "convert.h"
#include "image.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void
fuzz_qcow2_header(void **state)
{
	unsigned char h[IMAGE_SNIFF_LEN], tail[512];
	struct err e;

	memset(tail, 0, sizeof tail);
	for (int round = 0; round < 200000; round++) {
		memset(h, 0, sizeof h);
		memcpy(h, "QFI\xfb", 4);
		h[7] = (next() & 1) ? 3 : 2;
		h[23] = 9 + next() % 13;      /* cluster bits */
		h[59] = 1;                      /* refcount clusters */
		h[50] = 1;                      /* refcount table at 64 KiB */
		h[42] = 3;                      /* L1 at 192 KiB */
		h[39] = 1;
		h[103] = 104;
		/* flip a few bytes of the header at random */
		for (int k = next() % 8; k > 0; k--)
			h[next() % 112] = (unsigned char)next();
		size_t len = next() % 2 ? sizeof h : next() % 120;
		uint64_t size = next() % 2 ? next() % (1 << 20) : next();
		int rc = image_qcow2_header_check(h, len, size, &e);
		unsigned m = image_sniff(h, len, tail, size);
		if (rc == 0) {
			/* accepted: every table lies inside the file, nothing external */
			uint32_t cb = (uint32_t)be(h + 20, 4);
			uint64_t l1 = be(h + 40, 8), rt = be(h + 48, 8);
			assert_true(cb >= 9 && cb <= 21);
			assert_true(be(h + 8, 8) == 0);
			assert_true(be(h + 32, 4) == 0);
			assert_true(l1 <= size && be(h + 36, 4) * 8 <= size - l1);
			assert_true(rt <= size && (be(h + 56, 4) << cb) <= size - rt);
			assert_true(m & FMT_QCOW2);
		} else
			assert_true(strlen(e.msg) > 0);
	}
}

static void
fuzz_sniff(void **state)
{
	unsigned char h[IMAGE_SNIFF_LEN], tail[512];
	static const char *magics[] = { "QFI\xfb", "QED", "KDMV", "vhdxfile", "conectix", "LUKS\xba\xbe" };
	struct err e;

	for (int round = 0; round < 100000; round++) {
		size_t len = next() % (sizeof h + 1);
		for (size_t i = 0; i < len; i++)
			h[i] = (next() % 4) ? 0 : (unsigned char)next();
		for (size_t i = 0; i < sizeof tail; i++)
			tail[i] = (unsigned char)next();
		if (next() % 3 == 0 && len >= 8) {
			const char *mg = magics[next() % 6];
			memcpy(h, mg, strlen(mg) < len ? strlen(mg) : len);
		}
		unsigned m = image_sniff(h, len, next() % 2 ? tail : NULL, next());
		int d = image_sniff_decide(m, &e);
		/* the decision is raw, qcow2 or a format it converts, or a
		 * refusal with a reason */
		assert_true(d == FMT_RAW || d == FMT_QCOW2 || (d > 0 && convert_takes(image_fmt_qemu((unsigned)d))) ||
		    (d == -1 && strlen(e.msg) > 0));
		if (d == FMT_VMDK)
			assert_true(len >= 4 && memcmp(h, "KDMV", 4) == 0);
		if (d == FMT_QCOW2)
			assert_true(len >= 4 && memcmp(h, "QFI\xfb", 4) == 0);
	}
}

static void
fuzz_info_json(void **state)
{
	static const char base[] =
	    "{\"virtual-size\": 67108864, \"format\": \"qcow2\", \"actual-size\": 1, "
	    "\"format-specific\": {\"type\": \"qcow2\", \"data\": {\"corrupt\": false}}}";
	static const char *inserts[] = {
		"\"backing-filename\": \"x\", ", "\"encrypted\": true, ", "\"dirty-flag\": 1, ",
		"\"virtual-size\": 1e309, ", "[", "]", "{", "}", "\\u0000", "\"", ",", ":", "null",
		"\"format\": \"raw\", ", "99999999999999999999999",
	};
	char buf[1024];
	struct image_info info;
	struct err e;

	for (int round = 0; round < 50000; round++) {
		size_t n = strlen(base), at;
		memcpy(buf, base, n + 1);
		for (int k = next() % 4; k > 0; k--) {
			const char *ins = inserts[next() % (sizeof inserts / sizeof inserts[0])];
			size_t il = strlen(ins);
			if (n + il + 1 >= sizeof buf)
				break;
			at = next() % (n + 1);
			memmove(buf + at + il, buf + at, n - at + 1);
			memcpy(buf + at, ins, il);
			n += il;
		}
		if (next() % 4 == 0 && n > 0)
			buf[next() % n] = (char)(next() % 256 ? next() % 256 : 1);
		buf[n] = '\0';
		int rc = image_info_check(buf, "qcow2", 1ull << 40, &info, &e);
		if (rc == 0) {
			/* accepted: the top level names no backing file (a key
			 * nested elsewhere is not one qemu-img would report) */
			json_t *root = json_loads(buf, 0, NULL);
			assert_non_null(root);
			assert_null(json_object_get(root, "backing-filename"));
			assert_true(json_is_false(json_object_get(root, "encrypted")) ||
			    json_object_get(root, "encrypted") == NULL);
			json_decref(root);
			assert_true(info.virtual_size <= (1ull << 40));
		} else
			assert_true(strlen(e.msg) > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fuzz_qcow2_header),
		cmocka_unit_test(fuzz_sniff),
		cmocka_unit_test(fuzz_info_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
