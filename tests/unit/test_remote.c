/*
 * test_remote.c: the pure parts of remote.c: libvirt's version numbers
 * as text, and KVM read from a capabilities document (x86_64 only).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "remote.h"

static void
versions(void **state)
{
	char b[24];

	remote_version_str(9000000, b, sizeof b);
	assert_string_equal(b, "9.0.0");
	remote_version_str(7002022, b, sizeof b);
	assert_string_equal(b, "7.2.22");
}

static void
caps(void **state)
{
	const char *tcg =
	    "<capabilities><host/><guest><os_type>hvm</os_type>"
	    "<arch name='x86_64'><domain type='qemu'/></arch></guest></capabilities>";
	const char *kvm =
	    "<capabilities><host/><guest><os_type>hvm</os_type>"
	    "<arch name='x86_64'><domain type='qemu'/><domain type='kvm'/></arch></guest></capabilities>";
	const char *kvm_other_arch =
	    "<capabilities><guest><arch name='i686'><domain type='kvm'/></arch></guest>"
	    "<guest><arch name='x86_64'><domain type='qemu'/></arch></guest></capabilities>";

	assert_int_equal(remote_caps_kvm(tcg), 0);
	assert_int_equal(remote_caps_kvm(kvm), 1);
	assert_int_equal(remote_caps_kvm(kvm_other_arch), 0);
	assert_int_equal(remote_caps_kvm("<capabilities"), 0);
	assert_int_equal(remote_caps_kvm(""), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(versions),
		cmocka_unit_test(caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
