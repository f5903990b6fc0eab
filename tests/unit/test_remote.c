/*
 * test_remote.c: the pure parts of remote.c: libvirt's version numbers
 * as text, KVM read from a capabilities document (x86_64 only), the
 * UEFI firmware a host offers from its domain capabilities, a running
 * domain's VNC port, and the ssh -L argv to it from a host's URI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proc.h"
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

/* The running domain's CD-ROM drive: the first of device cdrom, not a
 * disk before it. */
static void
cdrom_target(void **state)
{
	char dev[16], bus[16];

	assert_int_equal(remote_domxml_cdrom("<domain><devices>"
	    "<disk type='volume' device='disk'><target dev='sda' bus='sata'/></disk>"
	    "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
	    "<target dev='sdb' bus='sata'/><readonly/></disk></devices></domain>",
	    dev, sizeof dev, bus, sizeof bus), 0);
	assert_string_equal(dev, "sdb");
	assert_string_equal(bus, "sata");
	assert_int_equal(remote_domxml_cdrom("<domain><devices><disk type='volume' device='disk'>"
	    "<target dev='vda' bus='virtio'/></disk></devices></domain>", dev, sizeof dev, bus, sizeof bus), -1);
	assert_string_equal(dev, "");
	assert_int_equal(remote_domxml_cdrom("<domain", dev, sizeof dev, bus, sizeof bus), -1);
}

/* A word of argv by its index ("" past the end). */
static const char *
word(char **argv, int i)
{
	for (int j = 0; j < i; j++)
		if (argv[j] == NULL)
			return "";
	return argv[i] ? argv[i] : "";
}

/* The ssh -L argv as each URI reaches its host. */
static void
ssh_forward(void **state)
{
	struct err e;
	char **a;
	int local;

	a = remote_ssh_forward("qemu+ssh://alice@lab1.example:2222/system?keyfile=/k%20ey&no_tty=1",
	    40001, 5901, &local, &e);
	assert_non_null(a);
	assert_int_equal(local, 0);
	const char *want[] = { "ssh", "-N", "-o", "ExitOnForwardFailure=yes", "-L", "40001:127.0.0.1:5901",
	    "-p", "2222", "-i", "/k ey", "--", "alice@lab1.example", NULL };
	for (int i = 0; i < 13; i++)
		assert_string_equal(word(a, i), want[i] ? want[i] : "");
	assert_null(a[12]);
	proc_argv_free(a);
	/* command= is the ssh to run; no user, no port: ssh's own defaults;
	 * an IPv6 literal without its brackets. */
	a = remote_ssh_forward("qemu+ssh://[::1]/session?socket=/s&command=/opt/my%2Dssh&proxy=netcat",
	    40002, 45900, &local, &e);
	assert_string_equal(word(a, 0), "/opt/my-ssh");
	assert_string_equal(word(a, 5), "40002:127.0.0.1:45900");
	assert_string_equal(word(a, 6), "--");
	assert_string_equal(word(a, 7), "::1");
	assert_null(a[8]);
	proc_argv_free(a);
	/* No host: its loopback is this machine's. */
	assert_null(remote_ssh_forward("qemu:///session", 1, 2, &local, &e));
	assert_int_equal(local, 1);
	/* No ssh in the URI: refused, saying what to forward. */
	assert_null(remote_ssh_forward("qemu+tcp://h1/system", 1, 5902, &local, &e));
	assert_int_equal(local, 0);
	assert_string_equal(e.msg, "the host's URI (qemu+tcp://) has no ssh to forward VNC through: "
	    "forward its 127.0.0.1:5902 yourself");
	assert_null(remote_ssh_forward("not a uri", 1, 2, &local, &e));
	assert_string_equal(e.msg, "the host's URI cannot be read");
}

/* The lab's one ssh to a host: the argv that forwards the daemon's
 * socket, and the URI its keepers connect with. */
static void
ssh_link(void **state)
{
	struct err e;
	char **a, *ku;

	a = remote_ssh_link("qemu+ssh://alice@lab1.example:2222/system?keyfile=/k%20ey&no_tty=1",
	    "/lab/run/hosts/big.sock", &ku, &e);
	assert_non_null(a);
	const char *want[] = { "ssh", "-N", "-T", "-o", "ExitOnForwardFailure=yes", "-o",
	    "StreamLocalBindUnlink=yes", "-o", "StreamLocalBindMask=0177", "-o", "ServerAliveInterval=5",
	    "-o", "ServerAliveCountMax=3", "-L", "/lab/run/hosts/big.sock:/var/run/libvirt/libvirt-sock",
	    "-p", "2222", "-i", "/k ey", "--", "alice@lab1.example", NULL };
	for (int i = 0; i < 22; i++)
		assert_string_equal(word(a, i), want[i] ? want[i] : "");
	assert_null(a[21]);
	assert_string_equal(ku, "qemu+unix:///system?socket=/lab/run/hosts/big.sock");
	proc_argv_free(a);
	free(ku);
	/* A session daemon's socket= and command=; a lab path with a space
	 * is escaped in the URI (libvirt unescapes it), not in the argv. */
	a = remote_ssh_link("qemu+ssh://[::1]/session?socket=/run/u/libvirt-sock&command=/opt/my%2Dssh&proxy=netcat",
	    "/my lab/run/hosts/lv.sock", &ku, &e);
	assert_non_null(a);
	assert_string_equal(word(a, 0), "/opt/my-ssh");
	assert_string_equal(word(a, 14), "/my lab/run/hosts/lv.sock:/run/u/libvirt-sock");
	assert_string_equal(word(a, 15), "--");
	assert_string_equal(word(a, 16), "::1");
	assert_null(a[17]);
	assert_string_equal(ku, "qemu+unix:///session?socket=/my%20lab/run/hosts/lv.sock");
	proc_argv_free(a);
	free(ku);
	/* What cannot share one: no message, its users connect as it says. */
	const char *direct[] = {
		"qemu+ssh://h1/session",                    /* a session socket it does not name */
		"qemu+tcp://h1/system",                     /* no ssh */
		"qemu:///system",                           /* this machine */
		"qemu+ssh://h1/system?socket=relative",     /* not a path */
		"qemu+ssh://h1/system?socket=/a:b",         /* ssh would read the ':' */
	};
	for (size_t i = 0; i < sizeof direct / sizeof *direct; i++) {
		e.msg[0] = 'x';
		assert_null(remote_ssh_link(direct[i], "/lab/run/hosts/h1.sock", &ku, &e));
		assert_null(ku);
		assert_string_equal(e.msg, "");
	}
	assert_null(remote_ssh_link("qemu+ssh://h1/system", "/a:b/run/hosts/h1.sock", &ku, &e));
	assert_null(ku);
	assert_null(remote_ssh_link("not a uri", "/s", &ku, &e));
	assert_string_equal(e.msg, "the host's URI cannot be read");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(versions),
		cmocka_unit_test(caps),
		cmocka_unit_test(domcaps_ovmf),
		cmocka_unit_test(vnc_port),
		cmocka_unit_test(cdrom_target),
		cmocka_unit_test(ssh_forward),
		cmocka_unit_test(ssh_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
