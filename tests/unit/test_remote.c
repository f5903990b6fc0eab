/*
 * test_remote.c: the pure parts of remote.c: libvirt's version numbers
 * as text, KVM read from a capabilities document (x86_64 only), the
 * UEFI firmware a host offers from its domain capabilities, and a
 * running domain's VNC port.
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

/* The loaders of Debian 12's libvirt with the ovmf package: the 4 MiB
 * build without Secure Boot is chosen, its VARS beside it. */
static void
domcaps_ovmf(void **state)
{
	const char *debian =
	    "<domainCapabilities><os supported='yes'>"
	    "<enum name='firmware'><value>efi</value></enum>"
	    "<loader supported='yes'>"
	    "<value>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</value>"
	    "<value>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</value>"
	    "<value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>"
	    "<enum name='type'><value>rom</value><value>pflash</value></enum>"
	    "</loader></os></domainCapabilities>";
	const char *other =
	    "<domainCapabilities><os supported='yes'><loader supported='yes'>"
	    "<value>/usr/share/OVMF/OVMF_CODE.secboot.fd</value>"
	    "<value>/opt/CODE/edk2/OVMF_CODE.fd</value>"
	    "</loader></os></domainCapabilities>";
	/* No ovmf package: the loader is supported, but no file is listed. */
	const char *none =
	    "<domainCapabilities><os supported='yes'>"
	    "<enum name='firmware'/><loader supported='yes'>"
	    "<enum name='type'><value>rom</value><value>pflash</value></enum>"
	    "</loader></os></domainCapabilities>";
	const char *secboot_only =
	    "<domainCapabilities><os supported='yes'><loader supported='yes'>"
	    "<value>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</value>"
	    "</loader></os></domainCapabilities>";
	char *code, *vars;

	assert_int_equal(remote_domcaps_ovmf(debian, &code, &vars), 0);
	assert_string_equal(code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_string_equal(vars, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	free(code);
	free(vars);
	assert_int_equal(remote_domcaps_ovmf(other, &code, &vars), 0);
	assert_string_equal(code, "/opt/CODE/edk2/OVMF_CODE.fd");
	assert_string_equal(vars, "/opt/CODE/edk2/OVMF_VARS.fd");
	free(code);
	free(vars);
	assert_int_equal(remote_domcaps_ovmf(none, &code, &vars), -1);
	assert_null(code);
	assert_null(vars);
	assert_int_equal(remote_domcaps_ovmf(secboot_only, &code, &vars), -1);
	assert_int_equal(remote_domcaps_ovmf("<domainCapabilities", &code, &vars), -1);
}

static void
vnc_port(void **state)
{
	assert_int_equal(remote_domxml_vnc_port(
	    "<domain><devices><graphics type='vnc' port='45901' autoport='yes' listen='127.0.0.1'/>"
	    "</devices></domain>"), 45901);
	/* Not running yet: libvirt says -1. */
	assert_int_equal(remote_domxml_vnc_port(
	    "<domain><devices><graphics type='vnc' port='-1' autoport='yes'/></devices></domain>"), -1);
	assert_int_equal(remote_domxml_vnc_port("<domain><devices/></domain>"), -1);
	assert_int_equal(remote_domxml_vnc_port("<domain"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(versions),
		cmocka_unit_test(caps),
		cmocka_unit_test(domcaps_ovmf),
		cmocka_unit_test(vnc_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
