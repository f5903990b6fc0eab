/* Unit tests of lab files: the canonical text survives parse and format
 * unchanged; hand-written files are read; every malformed file is
 * refused with its line number and why; and bounded fuzzing (fixed seed)
 * of the parser: no crash, no leak, and whatever it accepts formats to a
 * text that parses back to the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "labfile.h"

static const char canonical[] =
    "# sandlab lab file: nodes, their NICs, and links between NICs.\n"
    "# Disk contents are not included: importing gives each node a fresh overlay on its image\n"
    "# and fresh extra disks.\n"
    "sandlab-lab 1\n"
    "\n"
    "node a image=linux ram=256 cpus=1 accel=auto\n"
    "nic a:eth0 model=virtio-net-pci mac=52:54:00:00:00:01 attach=link\n"
    "nic a:eth1 model=e1000 mac=52:54:00:00:00:02 attach=user forward=tcp:2222:22 forward=udp:5353:53\n"
    "\n"
    "node b image=tiny ram=64 cpus=2 accel=tcg ready=tiny[[:space:]]login:\n"
    "nic b:eth0 model=virtio-net-pci mac=52:54:00:00:00:03 attach=link\n"
    "nic b:eth1 model=virtio-net-pci mac=52:54:00:00:00:04 attach=link\n"
    "nic b:eth2 model=virtio-net-pci mac=52:54:00:00:00:05 attach=none\n"
    "\n"
    "node c image=linux ram=128 cpus=1 accel=kvm console=132x43 disk=64M disk=image:data,bus=sata disk=1025K,bus=ide\n"
    "nic c:eth0 model=virtio-net-pci mac=52:54:00:00:00:06 attach=link\n"
    "\n"
    "link a:eth0 b:eth0\n"
    "link c:eth0 b:eth1 state=down a>b=delay=100,jitter=10 b>a=loss=5,rate=1000\n";

static void
round_trip(void **state)
{
	struct labfile lf;
	struct err e;
	char *text;

	assert_int_equal(labfile_parse(canonical, strlen(canonical), &lf, &e), 0);
	assert_int_equal(lf.nnodes, 3);
	assert_int_equal(lf.nlinks, 2);
	assert_int_equal(lf.nodes[0].nics[1].nfwds, 2);
	assert_int_equal(lf.links[1].a, 2);
	assert_int_equal(lf.links[1].b_idx, 1);
	assert_int_equal(lf.links[0].down, 0);
	assert_int_equal(lf.links[1].down, 1);
	assert_string_equal(lf.links[0].a_shape, "");
	assert_string_equal(lf.links[1].a_shape, "delay=100,jitter=10");
	assert_string_equal(lf.links[1].b_shape, "loss=5,rate=1000");
	assert_string_equal(lf.nodes[1].ready, "tiny[[:space:]]login:");
	assert_string_equal(lf.nodes[0].ready, "");
	assert_int_equal(lf.nodes[0].console_cols, 80);
	assert_int_equal(lf.nodes[0].console_rows, 24);
	assert_int_equal(lf.nodes[2].console_cols, 132);
	assert_int_equal(lf.nodes[2].ndisks, 3);
	assert_string_equal(lf.nodes[2].disks[1], "image:data,bus=sata");
	assert_int_equal(lf.nodes[0].ndisks, 0);
	assert_int_equal(lf.nodes[2].console_rows, 43);
	text = labfile_format(&lf);
	assert_string_equal(text, canonical);
	free(text);
	labfile_free(&lf);
}

/* Comments, blank lines, tabs, CRLF, case-insensitive names, defaults,
 * a NIC whose attachment the link line gives. */
static void
hand_written(void **state)
{
	static const char in[] =
	    "  # a comment first\r\n"
	    "sandlab-lab 1   # version\r\n"
	    "node\tR1  image=linux\r\n"
	    "nic r1:eth0\r\n"
	    "nic r1:eth1 mac=52:54:00:AA:00:01\n"
	    "node r2 image=linux ram=64 # trailing comment\n"
	    "nic R2:eth0 attach=user forward=tcp:2200:22\n"
	    "nic r2:eth1\n"
	    "link r1:eth1 R2:eth1\n";
	struct labfile lf;
	struct err e;
	char *text;

	assert_int_equal(labfile_parse(in, strlen(in), &lf, &e), 0);
	text = labfile_format(&lf);
	assert_non_null(strstr(text, "node R1 image=linux ram=256 cpus=1 accel=auto\n"
	    "nic R1:eth0 model=virtio-net-pci attach=none\n"
	    "nic R1:eth1 model=virtio-net-pci mac=52:54:00:aa:00:01 attach=link\n"));
	assert_non_null(strstr(text, "nic r2:eth0 model=virtio-net-pci attach=user forward=tcp:2200:22\n"));
	assert_non_null(strstr(text, "link R1:eth1 r2:eth1\n"));
	free(text);
	labfile_free(&lf);
}

/* Templates: their lines come back as they were; the usage text's
 * escapes give back newlines, tabs, runs of spaces, '%' and '#'. */
static const char canonical_tpl[] =
    "# sandlab lab file: nodes, their NICs, and links between NICs.\n"
    "# Disk contents are not included: importing gives each node a fresh overlay on its image\n"
    "# and fresh extra disks.\n"
    "sandlab-lab 1\n"
    "\n"
    "template plain image=tiny ram=256 cpus=1 nics=1 nic-model=virtio-net-pci accel=auto cloud-init=off "
    "ci-user=lab console=serial\n"
    "\n"
    "template rtr image=linux ram=512 cpus=2 nics=4 nic-model=e1000 accel=tcg cloud-init=on "
    "ci-user=bob console=vnc host=big disk-bus=ide machine=q35 kernel=vmlinuz disk=64M,bus=sata disk=image:data\n"
    "template-append rtr console=ttyS0 quiet\n"
    "usage rtr Login: admin%0A\n"
    "usage rtr %20%20Password:%20%20none %231 100%25%09tab%20\n"
    "\n"
    "node a image=linux ram=512 cpus=2 accel=tcg template=RTR disk-bus=ide machine=q35 kernel=vmlinuz\n"
    "append a console=ttyS0 quiet\n"
    "nic a:eth0 model=e1000 mac=52:54:00:00:00:01 attach=none\n";

static void
templates(void **state)
{
	struct labfile lf;
	struct err e;
	char *text;

	assert_int_equal(labfile_parse(canonical_tpl, strlen(canonical_tpl), &lf, &e), 0);
	assert_int_equal(lf.ntemplates, 2);
	assert_null(lf.templates[0].usage);
	assert_string_equal(lf.templates[1].usage, "Login: admin\n  Password:  none #1 100%\ttab ");
	assert_string_equal(lf.templates[1].hw[HW_APPEND], "console=ttyS0 quiet");
	assert_string_equal(lf.templates[1].hw[HW_DISK_BUS], "ide");
	assert_string_equal(lf.templates[1].nic_model, "e1000");
	assert_string_equal(lf.templates[1].console, "vnc");
	assert_string_equal(lf.templates[1].ci_user, "bob");
	assert_int_equal(lf.templates[1].cloud_init, 1);
	assert_int_equal(lf.templates[1].nics, 4);
	assert_int_equal(lf.templates[0].ndisks, 0);
	assert_int_equal(lf.templates[1].ndisks, 2);
	assert_string_equal(lf.templates[1].disks[0], "64M,bus=sata");
	assert_string_equal(lf.templates[1].disks[1], "image:data");
	/* where its nodes are placed; local is no key at all */
	assert_string_equal(lf.templates[1].host, "big");
	assert_string_equal(lf.templates[0].host, "");
	assert_string_equal(lf.nodes[0].template, "RTR");
	text = labfile_format(&lf);
	assert_string_equal(text, canonical_tpl);
	free(text);
	labfile_free(&lf);
	assert_int_equal(lf.ntemplates, 0);
	assert_null(lf.templates);
}

/* A usage text longer than a line is cut into pieces that read back whole. */
static void
template_long_usage(void **state)
{
	static const char head[] = "sandlab-lab 1\ntemplate t image=tiny\n";
	char usage[3000], *in, *text;
	struct labfile lf, lf2;
	struct err e;

	for (size_t i = 0; i < sizeof usage - 1; i++)
		usage[i] = i % 7 == 3 ? ' ' : i % 11 == 5 ? '%' : 'a' + (char)(i % 26);
	usage[sizeof usage - 1] = '\0';
	assert_int_equal(labfile_parse(head, strlen(head), &lf, &e), 0);
	lf.templates[0].usage = strdup(usage);
	text = labfile_format(&lf);
	assert_int_equal(labfile_parse(text, strlen(text), &lf2, &e), 0);
	assert_string_equal(lf2.templates[0].usage, usage);
	in = labfile_format(&lf2);
	assert_string_equal(in, text);
	assert_non_null(strstr(text, "\nusage t "));
	assert_non_null(strstr(strstr(text, "\nusage t ") + 1, "\nusage t "));
	free(in);
	free(text);
	labfile_free(&lf);
	labfile_free(&lf2);
}

static void
refused(const char *text, size_t len, const char *want_line, const char *want)
{
	struct labfile lf;
	struct err e;

	if (labfile_parse(text, len, &lf, &e) == 0)
		fail_msg("accepted: %s", text);
	if (strncmp(e.msg, want_line, strlen(want_line)) != 0 || strstr(e.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\" ... \"%s\"", e.msg, want_line, want);
	assert_int_equal(lf.nnodes, 0);
	assert_null(lf.nodes);
}

#define REFUSED(t, line, why) refused(t, strlen(t), line, why)
#define HEAD "sandlab-lab 1\nnode a image=linux\nnic a:eth0\nnic a:eth1\nnode b image=linux\nnic b:eth0\n"

static void
malformed(void **state)
{
	REFUSED("node a image=linux\n", "line 1:", "starts with the line \"sandlab-lab 1\"");
	REFUSED("", "line 1:", "not a lab file");
	REFUSED("# only a comment\n", "line 2:", "not a lab file");
	REFUSED("sandlab-lab 2\n", "line 1:", "version 2");
	REFUSED("sandlab-lab 1\nsandlab-lab 1\n", "line 2:", "second");
	REFUSED("sandlab-lab x\n", "line 1:", "sandlab-lab 1");
	REFUSED("sandlab-lab 1\nvm a\n", "line 2:", "unknown line \"vm\"");
	REFUSED("sandlab-lab 1\ntemplate t\n", "line 2:", "needs image=");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny\ntemplate T image=tiny\n", "line 3:", "already defined on line 2");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny colour=red\n", "line 2:", "unknown key \"colour\" for a template");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny console=rdp\n", "line 2:", "serial or vnc");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny nic-model=-x\n", "line 2:", "nic-model=-x");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny nics=9\n", "line 2:", "nics=9");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny cloud-init=yes\n", "line 2:", "on or off");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny ci-user=root\n", "line 2:", "ci-user=root");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny disk-bus=floppy\n", "line 2:", "--disk-bus");
	REFUSED("sandlab-lab 1\nusage t hello\n", "line 2:", "no template t above");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny\nusage t 100%\n", "line 3:", "%XX");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny\nusage t a%00b\n", "line 3:", "%XX");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny\nusage t a%1Bb\n", "line 3:", "control characters");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny\nusage t\n", "line 3:", "usage TEMPLATE TEXT");
	REFUSED("sandlab-lab 1\ntemplate-append t quiet\n", "line 2:", "no template t above");
	REFUSED("sandlab-lab 1\ntemplate t image=tiny\ntemplate-append t a\ntemplate-append t b\n", "line 4:", "second");
	REFUSED("sandlab-lab 1\nnode a image=linux template=t\ntemplate t image=tiny\n", "line 2:", "template=t");
	REFUSED("sandlab-lab 1\nnode a image=linux colour=red\n", "line 2:", "unknown key \"colour\"");
	REFUSED("sandlab-lab 1\nnode a image=linux ram\n", "line 2:", "not KEY=VALUE");
	REFUSED("sandlab-lab 1\nnode a image=linux disk=0M\n", "line 2:", "a disk of size 0");
	REFUSED("sandlab-lab 1\nnode a image=linux disk=8G,bus=nvme\n", "line 2:", "one of virtio|ide|sata|scsi");
	REFUSED("sandlab-lab 1\nnode a image=linux disk=1M disk=1M disk=1M disk=1M disk=1M disk=1M disk=1M "
	    "disk=1M disk=1M\n", "line 2:", "more than 8 disk= keys");
	REFUSED("sandlab-lab 1\ntemplate t image=linux disk=4X\n", "line 2:", "a size is a number with a unit");
	REFUSED("sandlab-lab 1\ntemplate t image=linux disk=1M disk=1M disk=1M disk=1M disk=1M disk=1M disk=1M "
	    "disk=1M disk=1M\n", "line 2:", "t has more than 8 disk= keys");
	REFUSED("sandlab-lab 1\nnode a image=linux ram=1 \n", "line 2:", "ram=1");
	REFUSED("sandlab-lab 1\nnode a image=linux ram=64 ram=64\n", "line 2:", "given twice");
	REFUSED("sandlab-lab 1\nnode a\n", "line 2:", "needs image=");
	REFUSED("sandlab-lab 1\nnode a image=linux ready=(\n", "line 2:", "ready=(");
	REFUSED("sandlab-lab 1\nnode a image=linux ready=\n", "line 2:", "ready= needs");
	REFUSED("sandlab-lab 1\nnode a image=linux ready=x ready=y\n", "line 2:", "given twice");
	REFUSED("sandlab-lab 1\nnode a image=../x\n", "line 2:", "image name");
	REFUSED("sandlab-lab 1\nnode a image=linux accel=xen\n", "line 2:", "accelerator");
	REFUSED("sandlab-lab 1\nnode a image=linux console=80\n", "line 2:", "COLSxROWS");
	REFUSED("sandlab-lab 1\nnode a image=linux console=80x24x1\n", "line 2:", "COLSxROWS");
	REFUSED("sandlab-lab 1\nnode a image=linux console=10x24\n", "line 2:", "20 to 500 columns");
	REFUSED("sandlab-lab 1\nnode a image=linux console=80x2000\n", "line 2:", "COLSxROWS");
	REFUSED("sandlab-lab 1\nnode a image=linux console=80x24 console=80x24\n", "line 2:", "given twice");
	REFUSED("sandlab-lab 1\nnode a/b image=linux\n", "line 2:", "contains '/'");
	REFUSED("sandlab-lab 1\nnode -a image=linux\n", "line 2:", "must start with");
	REFUSED("sandlab-lab 1\nnode a image=linux\n\nnode A image=tiny\n", "line 4:",
	    "already defined on line 2");
	REFUSED("sandlab-lab 1\nnode a image=linux\x1b[2J\n", "line 2:", "control character");
	REFUSED("sandlab-lab 1\nnode a image=\xc3\xa9\n", "line 2:", "non-ASCII");
	refused("sandlab-lab 1\nnode a\0 image=linux\n", 33, "line 2:", "NUL");
	/* NICs */
	REFUSED("sandlab-lab 1\nnic a:eth0\n", "line 2:", "no node a above");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth1\n", "line 3:", "out of order");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0\nnic a:eth0\n", "line 4:", "out of order");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 model=rtl,8139\n", "line 3:", "NIC model \"rtl,8139\"");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 speed=10\n", "line 3:", "unknown key \"speed\"");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 attach=bridge\n", "line 3:", "attach=bridge");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 mac=01:00:00:00:00:01\n", "line 3:", "multicast");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 mac=52:54:00:00:00:01\n"
	    "node b image=linux\nnic b:eth0 mac=52:54:00:00:00:01\n", "line 5:", "already given on line 3");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 forward=tcp:2222:22\n", "line 3:", "attach=user");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 attach=user forward=tcp:22\n", "line 3:",
	    "PROTO:HOSTPORT:GUESTPORT");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 attach=user forward=tcp:2222:22\n"
	    "nic a:eth1 attach=user forward=tcp:2222:23\n", "line 4:", "already forwarded on line 3");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 attach=user forward=tcp:45000:22\n",
	    "line 3:", "links");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 attach=link\n", "line 3:", "no link line");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0\nnic a:eth1\nnic a:eth2\nnic a:eth3\n"
	    "nic a:eth4\nnic a:eth5\nnic a:eth6\nnic a:eth7\nnic a:eth8\n", "line 11:", "more than 8");
	/* links */
	REFUSED(HEAD "link a:eth0 a:eth1\n", "line 7:", "two different nodes");
	REFUSED(HEAD "link a:eth0 a:eth0\n", "line 7:", "two different nodes");
	REFUSED(HEAD "link a:eth0 b:eth0\nlink a:eth0 b:eth0\n", "line 8:", "already linked on line 7");
	/* a NIC that is the b end of one link cannot be the a end of another */
	REFUSED(HEAD "node c image=linux\nnic c:eth0\nlink a:eth0 b:eth0\nlink b:eth0 c:eth0\n",
	    "line 10:", "b:eth0 is already linked on line 9");
	REFUSED(HEAD "link a:eth0 c:eth0\n", "line 7:", "no node c above");
	REFUSED(HEAD "link a:eth0 b:eth1\n", "line 7:", "b has no eth1");
	REFUSED(HEAD "link a:eth0\n", "line 7:", "link NODE:ethN NODE:ethN");
	REFUSED(HEAD "link a:eth0 b:eth0 c:eth0\n", "line 7:", "link NODE:ethN NODE:ethN");
	REFUSED(HEAD "link a:eth0 b:eth0 state=sideways\n", "line 7:", "up or down");
	REFUSED(HEAD "link a:eth0 b:eth0 speed=10\n", "line 7:", "unknown \"speed=\"");
	REFUSED(HEAD "link a:eth0 b:eth0 a>b=delay=100,loss=101\n", "line 7:", "loss is from 0 to 100");
	REFUSED(HEAD "link a:eth0 b:eth0 b>a=wobble=3\n", "line 7:", "unknown \"wobble\"");
	REFUSED(HEAD "link a:eth0 b:eth0 a>b=delay\n", "line 7:", "NAME=NUMBER");
	REFUSED(HEAD "link a:eth0 b:eth0 a>b=delay=1s\n", "line 7:", "delay needs a whole number");
	REFUSED(HEAD "link a:eth0 b:eth0 a>b=rate=3\n", "line 7:", "rate is 0 (unlimited) or 8");
	REFUSED("sandlab-lab 1\nnode a image=linux\nnic a:eth0 attach=user\nnode b image=linux\nnic b:eth0\n"
	    "link a:eth0 b:eth0\n", "line 6:", "attach=user");
	REFUSED(HEAD "link a:eth0 b:eth0 # ok\nlink a:ethX b:eth0\n", "line 8:", "not a NIC");
}

/* A 10 MB line and a line just over the limit are refused by number;
 * a line at the limit is read. */
static void
long_lines(void **state)
{
	size_t big = 10u << 20;
	char *t = xmalloc(big + 64);
	int n = sprintf(t, "sandlab-lab 1\n# ok\n");

	memset(t + n, 'x', big);
	memcpy(t + n + big, "\n", 2);
	refused(t, strlen(t), "line 3:", "longer than 4096 bytes");
	n = sprintf(t, "sandlab-lab 1\n#");
	memset(t + n, 'x', LABFILE_LINE_MAX - 1);
	t[n + LABFILE_LINE_MAX - 1] = '\0';
	struct labfile lf;
	struct err e;
	assert_int_equal(labfile_parse(t, strlen(t), &lf, &e), 0);
	labfile_free(&lf);
	strcat(t, "x");
	refused(t, strlen(t), "line 2:", "longer than");
	/* too many words */
	strcpy(t, "sandlab-lab 1\nnode a image=linux");
	for (int i = 0; i < 100; i++)
		strcat(t, " ram=1");
	refused(t, strlen(t), "line 2:", "more than 80 words");
	free(t);
}

/* A file over the node limit is refused with its count before any line
 * is parsed: the message names no line, and a bad line after the limit
 * is not what is reported. */
static void
too_many_nodes(void **state)
{
	size_t cap = 64 + (LABFILE_NODES_MAX + 2) * 32u;
	char *t = xmalloc(cap);
	size_t n = (size_t)sprintf(t, "sandlab-lab 1\n");
	struct labfile lf;
	struct err e;
	char want[160];

	(void)state;
	for (int i = 0; i < LABFILE_NODES_MAX; i++)
		n += (size_t)sprintf(t + n, "node n%d image=tiny\n", i);
	assert_int_equal(labfile_parse(t, n, &lf, &e), 0);
	labfile_free(&lf);
	n += (size_t)sprintf(t + n, "\tnode last image=tiny\nbad line\n");
	assert_int_equal(labfile_parse(t, n, &lf, &e), -1);
	snprintf(want, sizeof want, "the file defines %d nodes, more than the %d a lab file may "
	    "hold (split it into several)", LABFILE_NODES_MAX + 1, LABFILE_NODES_MAX);
	assert_string_equal(e.msg, want);
	free(t);
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Pieces the mutator splices in: the grammar's own words. */
static const char *const pieces[] = {
	"\n", " ", "#", "=", ":", "eth", "eth0", "eth7", "eth9", "node ", "nic ", "link ",
	"sandlab-lab 1\n", "a", "b", "A", "image=linux", "mac=52:54:00:00:00:0", "attach=link",
	"attach=user", "forward=tcp:2222:22", "model=e1000", "ram=", "99999999999", "-1", "\r",
	"\t", "\x1b", "\xff", "\0", " state=down", " a>b=delay=5", ",loss=7", "b>a=",
};

static void
fuzz_parse(void **state)
{
	char buf[4096];
	int accepted = 0;

	for (int round = 0; round < 60000; round++) {
		size_t len = strlen(canonical), at;
		struct labfile lf, lf2;
		struct err e;
		memcpy(buf, canonical, len);
		for (int k = 1 + (int)(next() % 6); k > 0; k--) {
			at = next() % (len + 1);
			switch (next() % 4) {
			case 0: /* flip a byte */
				if (len > 0)
					buf[next() % len] = (char)next();
				break;
			case 1: { /* delete a run */
				size_t n = next() % 16;
				if (at + n > len)
					n = len - at;
				memmove(buf + at, buf + at + n, len - at - n);
				len -= n;
				break;
			}
			default: { /* insert a piece of the grammar */
				const char *p = pieces[next() % (sizeof pieces / sizeof pieces[0])];
				size_t n = *p ? strlen(p) : 1;
				if (len + n >= sizeof buf)
					break;
				memmove(buf + at + n, buf + at, len - at);
				memcpy(buf + at, p, n);
				len += n;
			}
			}
		}
		if (labfile_parse(buf, len, &lf, &e) != 0) {
			assert_memory_equal(e.msg, "line ", 5);
			assert_null(strchr(e.msg, '\x1b'));
			continue;
		}
		accepted++;
		char *t1 = labfile_format(&lf);
		assert_int_equal(labfile_parse(t1, strlen(t1), &lf2, &e), 0);
		char *t2 = labfile_format(&lf2);
		assert_string_equal(t1, t2);
		free(t1);
		free(t2);
		labfile_free(&lf);
		labfile_free(&lf2);
	}
	/* Some mutants must survive, or the fuzzer tests only the first line. */
	assert_true(accepted > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(hand_written),
		cmocka_unit_test(templates),
		cmocka_unit_test(template_long_usage),
		cmocka_unit_test(malformed),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(too_many_nodes),
		cmocka_unit_test(fuzz_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
