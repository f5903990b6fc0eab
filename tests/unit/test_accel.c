/*
 * test_accel.c: the accelerator decision for every combination of the
 * node's setting and the probe's findings, the retry with TCG after QEMU
 * fails to initialise KVM, and parsing of `-accel help`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "accel.h"

/* Builds the probe from four pass/fail bits, as the real probe does:
 * a check after a failed one is not reached (-1). */
static void
probe_from_bits(int bits, struct accel_probe *p)
{
	memset(p, 0, sizeof *p);
	p->dev_open = bits & 1;
	p->dev_errno = p->dev_open ? 0 : 2;
	p->api_ok = p->dev_open ? !!(bits & 2) : -1;
	p->api_version = p->api_ok == 1 ? 12 : p->api_ok == 0 ? 11 : -1;
	p->create_vm = p->api_ok == 1 ? !!(bits & 4) : -1;
	p->vm_errno = p->create_vm == 0 ? 12 : 0;
	p->qemu_kvm = !!(bits & 8);
	strcpy(p->qemu_accels, p->qemu_kvm ? "tcg, kvm" : "tcg");
}

static void
every_combination(void **state)
{
	static const char *settings[] = { "auto", "kvm", "tcg" };

	for (int bits = 0; bits < 16; bits++) {
		struct accel_probe p;
		int usable = bits == 15;

		probe_from_bits(bits, &p);
		assert_int_equal(accel_kvm_usable(&p), usable);
		for (size_t s = 0; s < 3; s++) {
			struct accel_choice c;
			struct err e = { "" };
			int rc = accel_decide(settings[s], &p, &c, &e);

			if (strcmp(settings[s], "tcg") == 0) {
				assert_int_equal(rc, 0);
				assert_string_equal(c.accel, "tcg");
				assert_string_equal(c.why, "");
			} else if (usable) {
				assert_int_equal(rc, 0);
				assert_string_equal(c.accel, "kvm");
				assert_string_equal(c.why, "");
			} else if (strcmp(settings[s], "kvm") == 0) {
				assert_int_equal(rc, -1);
				assert_non_null(strstr(e.msg, "cannot use KVM"));
				assert_non_null(strstr(e.msg, "--accel auto"));
			} else {
				assert_int_equal(rc, 0);
				assert_string_equal(c.accel, "tcg");
				assert_true(c.why[0] != '\0');
			}
		}
	}
}

/* The reason names the first check that failed. */
static void
reasons(void **state)
{
	struct accel_probe p;
	char why[160];

	probe_from_bits(0, &p);
	accel_probe_why(&p, why, sizeof why);
	assert_non_null(strstr(why, "/dev/kvm cannot be opened"));
	probe_from_bits(1 | 8, &p);
	accel_probe_why(&p, why, sizeof why);
	assert_non_null(strstr(why, "API version 11"));
	probe_from_bits(1 | 2 | 8, &p);
	accel_probe_why(&p, why, sizeof why);
	assert_non_null(strstr(why, "refuses to create a VM"));
	probe_from_bits(1 | 2 | 4, &p);
	accel_probe_why(&p, why, sizeof why);
	assert_non_null(strstr(why, "does not list kvm"));
	probe_from_bits(15, &p);
	accel_probe_why(&p, why, sizeof why);
	assert_string_equal(why, "KVM is usable");
}

/* A start asks QEMU only after the kernel's checks pass; "not asked"
 * must decide like "does not list kvm". */
static void
qemu_not_asked(void **state)
{
	for (int bits = 0; bits < 8; bits++) {
		struct accel_probe p;
		struct accel_choice c;
		struct err e;
		char why[160];

		probe_from_bits(bits, &p);
		p.qemu_kvm = -1;
		assert_int_equal(accel_kvm_usable(&p), 0);
		assert_int_equal(accel_decide("auto", &p, &c, &e), 0);
		assert_string_equal(c.accel, "tcg");
		assert_int_equal(accel_decide("kvm", &p, &c, &e), -1);
		accel_probe_why(&p, why, sizeof why);
		assert_string_not_equal(why, "KVM is usable");
	}
}

static void
bad_setting(void **state)
{
	struct accel_probe p;
	struct accel_choice c;
	struct err e;

	probe_from_bits(15, &p);
	assert_int_equal(accel_decide("hvf", &p, &c, &e), -1);
	assert_int_equal(accel_decide(NULL, &p, &c, &e), -1);
}

static void
retry_with_tcg(void **state)
{
	static const char kvm_fail[] = "Could not access KVM kernel module: No such file or directory\n"
	    "qemu-system-x86_64: -accel kvm: failed to initialize kvm: No such file or directory\n";
	static const char other[] = "qemu-system-x86_64: -vnc 127.0.0.1:7: Failed to find an "
	    "available port: Address already in use\n";
	struct accel_choice c;

	assert_int_equal(accel_retry_tcg("auto", "kvm", kvm_fail, &c), 1);
	assert_string_equal(c.accel, "tcg");
	assert_non_null(strstr(c.why, "could not run with KVM"));
	assert_non_null(strstr(c.why, "failed to initialize kvm"));
	/* Nested KVM that opens and creates a VM, then refuses an MSR: QEMU
	 * aborts before the guest runs (seen on an AMD EPYC guest). */
	assert_int_equal(accel_retry_tcg("auto", "kvm", "qemu-system-x86_64: ../../target/i386/kvm/"
	    "kvm.c:3183: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.\n",
	    &c), 1);
	assert_string_equal(c.accel, "tcg");
	assert_string_equal(c.why, "QEMU could not run with KVM (kvm_buf_set_msrs: Assertion "
	    "`ret == cpu->kvm_msr_buf->nmsrs' failed.)");
	/* Forced kvm is never silently downgraded; tcg has nothing to retry. */
	assert_int_equal(accel_retry_tcg("kvm", "kvm", kvm_fail, &c), 0);
	assert_int_equal(accel_retry_tcg("auto", "tcg", kvm_fail, &c), 0);
	assert_int_equal(accel_retry_tcg("auto", "kvm", other, &c), 0);
	assert_int_equal(accel_retry_tcg("auto", "kvm", "", &c), 0);
	/* QEMU's message is sanitised before it is kept. */
	assert_int_equal(accel_retry_tcg("auto", "kvm", "x: failed to initialize kvm: \x1b[2J\n", &c), 1);
	assert_null(strchr(c.why, '\x1b'));
}

static void
parse_help(void **state)
{
	struct accel_probe p;

	memset(&p, 0, sizeof p);
	accel_parse_help("Accelerators supported in QEMU binary:\ntcg\nkvm\n", &p);
	assert_int_equal(p.qemu_kvm, 1);
	assert_string_equal(p.qemu_accels, "tcg, kvm");
	accel_parse_help("Accelerators supported in QEMU binary:\ntcg\n", &p);
	assert_int_equal(p.qemu_kvm, 0);
	assert_string_equal(p.qemu_accels, "tcg");
	accel_parse_help("", &p);
	assert_int_equal(p.qemu_kvm, 0);
	accel_parse_help("kvmx\nxkvm\n", &p);
	assert_int_equal(p.qemu_kvm, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_combination),
		cmocka_unit_test(reasons),
		cmocka_unit_test(qemu_not_asked),
		cmocka_unit_test(bad_setting),
		cmocka_unit_test(retry_with_tcg),
		cmocka_unit_test(parse_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
