/* Unit tests: format sniffing, the qcow2 header range check and the
 * checks on qemu-img's JSON, with hand-made inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "convert.h"
#include "image.h"

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* A v3 qcow2 header like qemu-img makes for a small image: 64 KiB
 * clusters, L1 at cluster 3, refcount table at cluster 1. */
static void
qcow2_header(unsigned char *h)
{
	memset(h, 0, IMAGE_SNIFF_LEN);
	memcpy(h, "QFI\xfb", 4);
	put32(h + 4, 3);
	put32(h + 20, 16);
	put64(h + 24, 64 << 20);
	put32(h + 36, 1);
	put64(h + 40, 3 << 16);
	put64(h + 48, 1 << 16);
	put32(h + 56, 1);
	put32(h + 96, 4);
	put32(h + 100, 112);
}

static void
sniff_formats(void **state)
{
	unsigned char h[IMAGE_SNIFF_LEN], tail[512];
	struct err e;

	memset(tail, 0, sizeof tail);
	memset(h, 0, sizeof h);
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_RAW);
	assert_int_equal(image_sniff_decide(FMT_RAW, &e), FMT_RAW);

	h[510] = 0x55;
	h[511] = 0xaa;
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_RAW | FMT_MBR);
	assert_int_equal(image_sniff_decide(FMT_RAW | FMT_MBR, &e), FMT_RAW);

	qcow2_header(h);
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_QCOW2);
	assert_int_equal(image_sniff_decide(FMT_QCOW2, &e), FMT_QCOW2);

	/* a raw disk whose first sector got a qcow2 magic but kept its boot
	 * signature matches two formats: refused as ambiguous */
	h[510] = 0x55;
	h[511] = 0xaa;
	unsigned m = image_sniff(h, sizeof h, tail, 1 << 20);
	assert_int_equal(m, FMT_QCOW2 | FMT_MBR);
	assert_int_equal(image_sniff_decide(m, &e), -1);
	assert_non_null(strstr(e.msg, "more than one format"));
	assert_non_null(strstr(e.msg, "--format"));

	memset(h, 0, sizeof h);
	memcpy(h, "QFI\xfb\0\0\0\1", 8);
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_QCOW1);
	assert_int_equal(image_sniff_decide(FMT_QCOW1, &e), -1);
	assert_non_null(strstr(e.msg, "convert"));

	memset(h, 0, sizeof h);
	memcpy(h, "KDMV", 4);
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_VMDK);
	memset(h, 0, sizeof h);
	memcpy(h + 0x40, "\x7f\x10\xda\xbe", 4);
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_VDI);
	memset(h, 0, sizeof h);
	memcpy(h, "LUKS\xba\xbe", 6);
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_LUKS);
	memset(h, 0, sizeof h);
	memcpy(tail, "conectix", 8);
	assert_int_equal(image_sniff(h, sizeof h, tail, 1 << 20), FMT_VPC);
	memcpy(h, "vhdxfile", 8);
	m = image_sniff(h, sizeof h, tail, 1 << 20);
	assert_int_equal(m, FMT_VPC | FMT_VHDX);
	assert_int_equal(image_sniff_decide(m, &e), -1);
	/* short files do not read past their end */
	assert_int_equal(image_sniff((const unsigned char *)"QF", 2, NULL, 2), FMT_RAW);
}

static void
qcow2_header_ranges(void **state)
{
	unsigned char h[IMAGE_SNIFF_LEN];
	struct err e;

	qcow2_header(h);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), 0);
	/* truncated: L1 table at 192 KiB, file 128 KiB */
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 2 << 16, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	/* a huge L1 size must not overflow the arithmetic */
	qcow2_header(h);
	put32(h + 36, 0xffffffff);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	qcow2_header(h);
	put64(h + 40, UINT64_MAX - 0xffff);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	/* backing file named in the header */
	qcow2_header(h);
	put64(h + 8, 112);
	put32(h + 16, 11);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	assert_non_null(strstr(e.msg, "backing file"));
	/* encrypted, dirty, corrupt, external data file */
	qcow2_header(h);
	put32(h + 32, 1);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	assert_non_null(strstr(e.msg, "encrypted"));
	qcow2_header(h);
	put64(h + 72, 1);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	assert_non_null(strstr(e.msg, "dirty"));
	put64(h + 72, 2);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	assert_non_null(strstr(e.msg, "corrupt"));
	put64(h + 72, 4);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	assert_non_null(strstr(e.msg, "external data file"));
	/* nonsense cluster size, version, short header */
	qcow2_header(h);
	put32(h + 20, 40);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	qcow2_header(h);
	put32(h + 4, 7);
	assert_int_equal(image_qcow2_header_check(h, sizeof h, 4 << 16, &e), -1);
	qcow2_header(h);
	assert_int_equal(image_qcow2_header_check(h, 50, 4 << 16, &e), -1);
}

static const char good_qcow2[] =
	"{ \"virtual-size\": 67108864, \"filename\": \"x.qcow2\", \"cluster-size\": 65536,"
	"  \"format\": \"qcow2\", \"actual-size\": 200704, \"dirty-flag\": false,"
	"  \"format-specific\": { \"type\": \"qcow2\", \"data\": { \"compat\": \"1.1\","
	"  \"compression-type\": \"zlib\", \"lazy-refcounts\": false, \"refcount-bits\": 16,"
	"  \"corrupt\": false, \"extended-l2\": false } } }";

static void
info_accepts_plain(void **state)
{
	struct image_info info;
	struct err e;

	assert_int_equal(image_info_check(good_qcow2, "qcow2", 1ull << 30, &info, &e), 0);
	assert_int_equal(info.virtual_size, 67108864);
	assert_int_equal(info.actual_size, 200704);
	assert_int_equal(image_info_check("{\"virtual-size\": 512, \"format\": \"raw\"}", "raw",
	    1 << 20, &info, &e), 0);
}

static void
info_refuses(void **state)
{
	static const struct {
		const char *json, *fmt, *why;
	} bad[] = {
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"backing-filename\": \"/etc/passwd\"}",
		  "qcow2", "backing file (/etc/passwd)" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"backing-filename\": \"json:{\\\"x\\\":1}\"}",
		  "qcow2", "backing file" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"full-backing-filename\": \"nbd://h/x\"}",
		  "qcow2", "backing file" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"backing-filename-format\": \"raw\"}",
		  "qcow2", "backing file" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"format-specific\": {\"type\": \"qcow2\","
		  " \"data\": {\"data-file\": \"/dev/sda\"}}}", "qcow2", "external data file" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"format-specific\": {\"type\": \"qcow2\","
		  " \"data\": {\"corrupt\": true}}}", "qcow2", "corrupt" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"encrypted\": true}", "qcow2", "encrypted" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"dirty-flag\": true}", "qcow2", "dirty" },
		{ "{\"virtual-size\": 1, \"format\": \"raw\"}", "qcow2", "does not read the file as qcow2" },
		{ "{\"virtual-size\": 9223372036854775807, \"format\": \"raw\"}", "raw", "over the limit" },
		{ "{\"virtual-size\": -5, \"format\": \"raw\"}", "raw", "virtual size" },
		{ "{\"format\": \"raw\"}", "raw", "virtual size" },
		{ "[1, 2]", "raw", "not a JSON object" },
		{ "{\"format\": \"raw\", \"format\": \"qcow2\", \"virtual-size\": 1}", "raw", "not a JSON object" },
		{ "", "raw", "not a JSON object" },
		{ "{\"virtual-size\": 1, \"format\": \"qcow2\", \"backing-filename\": \"\\u001b[2J\"}",
		  "qcow2", "\\x1b[2J" },
	};
	struct image_info info;
	struct err e;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(image_info_check(bad[i].json, bad[i].fmt, 1ull << 40, &info, &e), -1);
		if (strstr(e.msg, bad[i].why) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i].why);
	}
}

/* The kind by the bytes: "CD001" after the type byte of the volume
 * descriptor at 32 KiB, "HdrS" at 0x202; nothing else tells a kind. */
static void
sniff_kinds(void **state)
{
	unsigned char head[4096] = { 0 }, iso[8] = { 0 };
	struct image im = { .name = "inst", .kind = "iso" };
	struct err e;

	assert_null(image_kind_sniff(head, sizeof head, iso, sizeof iso));
	memcpy(iso, "\x01" "CD001" "\x01", 7);
	assert_string_equal(image_kind_sniff(head, sizeof head, iso, sizeof iso), "iso");
	/* a short file has no descriptor there */
	assert_null(image_kind_sniff(head, sizeof head, iso, 5));
	memcpy(iso, "\x01" "CD002", 6);
	assert_null(image_kind_sniff(head, sizeof head, iso, sizeof iso));
	memcpy(head + 0x202, "HdrS", 4);
	assert_string_equal(image_kind_sniff(head, sizeof head, iso, sizeof iso), "kernel");
	assert_null(image_kind_sniff(head, 0x205, iso, 0));
	/* an ISO that also carries a boot sector stays an ISO */
	memcpy(iso, "\x01" "CD001", 6);
	assert_string_equal(image_kind_sniff(head, sizeof head, iso, sizeof iso), "iso");

	assert_int_equal(image_check_disk(&im, &e), -1);
	assert_string_equal(e.msg, "image inst is an ISO 9660 file, not a disk: give it as --cdrom inst, "
	    "with a disk image as --image");
	snprintf(im.kind, sizeof im.kind, "kernel");
	assert_int_equal(image_check_disk(&im, &e), -1);
	assert_string_equal(e.msg, "image inst is a kernel, not a disk: give it as --kernel inst, "
	    "with a disk image as --image");
	snprintf(im.kind, sizeof im.kind, "disk");
	assert_int_equal(image_check_disk(&im, &e), 0);
}

static void
convert_checks(void **state)
{
	unsigned char h[IMAGE_SNIFF_LEN], tail[512];
	struct err e;

	/* a single convertible format is taken; qcow1 and luks still are not */
	assert_int_equal(image_sniff_decide(FMT_VMDK, &e), FMT_VMDK);
	assert_int_equal(image_sniff_decide(FMT_VPC | FMT_MBR, &e), FMT_VPC);
	assert_int_equal(image_sniff_decide(FMT_LUKS, &e), -1);
	assert_string_equal(image_fmt_qemu(FMT_VPC), "vpc");
	assert_true(convert_takes("vpc") && !convert_takes("qcow2") && !convert_takes(NULL));

	/* a vmdk text descriptor is refused before qemu-img reads it */
	memset(h, 0, sizeof h);
	memcpy(h, "# Disk DescriptorFile\n", 22);
	assert_int_equal(convert_bytes_check("vmdk", h, sizeof h, NULL, 1 << 20, &e), -1);
	assert_non_null(strstr(e.msg, "names its data in other files"));
	memcpy(h, "KDMV", 4);
	assert_int_equal(convert_bytes_check("vmdk", h, sizeof h, NULL, 1 << 20, &e), 0);

	/* vpc: a differencing disk (type 4) has a parent */
	memset(tail, 0, sizeof tail);
	memcpy(tail, "conectix", 8);
	tail[63] = 4;
	assert_int_equal(convert_bytes_check("vpc", h, sizeof h, tail, 1 << 20, &e), -1);
	assert_non_null(strstr(e.msg, "differencing"));
	tail[63] = 3;
	assert_int_equal(convert_bytes_check("vpc", h, sizeof h, tail, 1 << 20, &e), 0);

	/* vdi: 4 blocks of 1 MiB used, data at 1 MiB: 5 MiB needed */
	memset(h, 0, sizeof h);
	h[0x155] = 0x02;                       /* bmap at 512 */
	h[0x15a] = 0x10;                       /* data at 1 MiB */
	h[0x17a] = 0x10;                       /* block size 1 MiB */
	h[0x180] = 8;                          /* 8 blocks */
	h[0x184] = 4;                          /* 4 used */
	assert_int_equal(convert_bytes_check("vdi", h, sizeof h, NULL, 5 << 20, &e), 0);
	assert_int_equal(convert_bytes_check("vdi", h, sizeof h, NULL, (5 << 20) - 1, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_non_null(strstr(e.msg, "5242880"));

	/* vmdk extents must be the file itself */
	static const char ok[] = "{\"format-specific\": {\"type\": \"vmdk\", \"data\": {\"create-type\": "
	    "\"streamOptimized\", \"extents\": [{\"filename\": \"/lab/a.vmdk\"}]}}}";
	static const char other[] = "{\"format-specific\": {\"type\": \"vmdk\", \"data\": {\"create-type\": "
	    "\"monolithicSparse\", \"extents\": [{\"filename\": \"/lab/a.vmdk\"}, {\"filename\": \"/etc/passwd\"}]}}}";
	static const char flat[] = "{\"format-specific\": {\"type\": \"vmdk\", \"data\": {\"create-type\": "
	    "\"monolithicFlat\", \"extents\": [{\"filename\": \"/lab/a.vmdk\"}]}}}";
	assert_int_equal(convert_info_check("vmdk", ok, "/lab/a.vmdk", &e), 0);
	assert_int_equal(convert_info_check("vmdk", other, "/lab/a.vmdk", &e), -1);
	assert_non_null(strstr(e.msg, "/etc/passwd"));
	assert_int_equal(convert_info_check("vmdk", flat, "/lab/a.vmdk", &e), -1);
	assert_non_null(strstr(e.msg, "monolithicFlat"));

	/* qemu-img -p output: the last complete report wins */
	assert_true(convert_progress_parse("    (0.00/100%)\r    (45.50/100%)\r    (50.", 41) == 45.5);
	assert_true(convert_progress_parse("nothing", 7) < 0);
	assert_true(convert_progress_parse("(101.00/100%)", 13) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff_formats),
		cmocka_unit_test(sniff_kinds),
		cmocka_unit_test(convert_checks),
		cmocka_unit_test(qcow2_header_ranges),
		cmocka_unit_test(info_accepts_plain),
		cmocka_unit_test(info_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
