/*
 * test_sec.c: what keeps a lab its owner's and its words true: numbers are
 * plain decimal; forwards from privileged ports need asking; a text
 * sanitised once is not escaped again; a lab is private whatever the
 * umask, and a looser one is tightened once; a start that lost the race
 * with `node rm` says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab.h"
#include "labfile.h"
#include "net.h"
#include "sanitize.h"
#include "themefile.h"
#include "util.h"
#include "vnc.h"

static void
numbers_plain_decimal(void **state)
{
	static const char *bad[] = { "+5", "010", "00", " 5", "5 ", "0x10", "", "-", "5k", "1e3" };
	long v;
	uint64_t u;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse_int(bad[i], -100, 100, &v), -1);
	assert_int_equal(parse_int("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_int("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_int("-3", -5, 10, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(parse_size("010", &u), -1);
	assert_int_equal(parse_size("+5", &u), -1);
	assert_int_equal(parse_size("-5", &u), -1);
	assert_int_equal(parse_size("0", &u), 0);
	assert_int_equal(parse_size("10G", &u), 0);
	assert_true(u == 10ull << 30);
}

/* Theme colour numbers too: "010" is not 10. */
static int
theme_with(const char *value, struct theme_style st[ROLE_COUNT])
{
	char t[4096];
	size_t n = 0;
	struct err e;

	for (int i = 0; i < ROLE_COUNT; i++)
		n += (size_t)snprintf(t + n, sizeof t - n, "%s = %s\n", themefile_role_name(i), value);
	return themefile_parse(t, n, st, &e);
}

static void
theme_numbers_plain_decimal(void **state)
{
	struct theme_style st[ROLE_COUNT];

	assert_int_equal(theme_with("010 default none", st), -1);
	assert_int_equal(theme_with("+10 default none", st), -1);
	assert_int_equal(theme_with("10 default none", st), 0);
	assert_int_equal(st[0].fg, 10);
}

static void
forwards_privileged(void **state)
{
	struct nic_fwd f;
	struct err e;

	assert_int_equal(net_fwd_parse("tcp:22:22", 1, &f, &e), -1);
	assert_non_null(strstr(e.msg, "privileged"));
	assert_non_null(strstr(e.msg, "--allow-privileged-port"));
	assert_int_equal(net_fwd_parse("udp:1:53", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:1023:22", 1, &f, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:1024:22", 1, &f, &e), 0);
	assert_int_equal(net_fwd_parse("tcp:22:22", 0, &f, &e), 0);
	assert_int_equal(net_fwd_check_ports(&f, 1, &e), 0);
	assert_int_equal(net_fwd_check_ports(&f, 0, &e), -1);
	assert_int_equal(net_fwd_parse("tcp:022:22", 1, &f, &e), -1);
}

static void
sanitised_once(void **state)
{
	char once[64], twice[64];

	sanitize_to("a\x1b[31mb\\c", 9, once, sizeof once);
	assert_string_equal(once, "a\\x1b[31mb\\\\c");
	sanitize_again_to(once, strlen(once), twice, sizeof twice);
	assert_string_equal(twice, once);
	/* Still safe on raw text. */
	sanitize_again_to("x\x1b\x07y", 4, twice, sizeof twice);
	assert_string_equal(twice, "x\\x1b\\x07y");
}

static char tmpdir[64];

static int
lab_setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/sandlab-sec.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int
lab_teardown(void **state)
{
	char *argv[] = { "rm", "-rf", "--", tmpdir, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	return 0;
}

static void
assert_mode(const char *root, const char *sub, unsigned want)
{
	char *p = xasprintf("%s/%s", root, sub);
	struct stat sb;

	assert_int_equal(lstat(p, &sb), 0);
	if ((sb.st_mode & 07777) != want)
		fail_msg("%s is %o, not %o", p, sb.st_mode & 07777, want);
	free(p);
}

/* Gives root/sub mode, making it first (an empty file) when make is 1. */
static void
set_mode(const char *root, const char *sub, unsigned mode, int make)
{
	char *p = xasprintf("%s/%s", root, sub);
	FILE *f;

	if (make) {
		assert_non_null(f = fopen(p, "w"));
		fclose(f);
	}
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static void
lab_private(void **state)
{
	char *dir = xasprintf("%s/lab", tmpdir), *path, *link_to;
	struct lab *lab;
	struct err e;

	umask(022);
	lab = lab_open(dir, &e);
	assert_non_null(lab);
	assert_int_equal(lab->tightened, 0);
	assert_mode(dir, ".", 0700);
	assert_mode(dir, "images", 0700);
	assert_mode(dir, "overlays", 0700);
	assert_mode(dir, "logs", 0700);
	assert_mode(dir, "run", 0700);
	assert_mode(dir, "lab.db", 0600);
	/* Files made later in the process: private whatever the umask was. */
	path = xasprintf("%s/export.lab", dir);
	assert_int_equal(labfile_write(path, "node a image=b\n", &e), 0);
	assert_mode(dir, "export.lab", 0600);
	free(path);
	lab_close(lab);

	/* Made looser by hand: tightened on the next open, and said once.
	 * The lab's own entries are (the root, images/, lab.db, an overlay
	 * named by an id); a file no row or name makes the lab's is left as
	 * it was. */
	set_mode(dir, ".", 0755, 0);
	set_mode(dir, "images", 0777, 0);
	set_mode(dir, "lab.db", 0644, 0);
	set_mode(dir, "images/loose.img", 0644, 1);
	set_mode(dir, "overlays/0123abcd-0000-4000-8000-00000000cafe.qcow2", 0640, 1);
	set_mode(dir, "overlays/.keep", 0644, 1);
	/* A link where the lab keeps a file of its own is not followed: the
	 * file outside keeps its mode. */
	set_mode(tmpdir, "outside", 0644, 1);
	path = xasprintf("%s/known_hosts", dir);
	link_to = xasprintf("%s/outside", tmpdir);
	assert_int_equal(symlink(link_to, path), 0);
	free(link_to);
	free(path);
	lab = lab_open(dir, &e);
	assert_non_null(lab);
	assert_int_equal(lab->tightened, 4);
	assert_mode(dir, ".", 0700);
	assert_mode(dir, "images", 0700);
	assert_mode(dir, "lab.db", 0600);
	assert_mode(dir, "overlays/0123abcd-0000-4000-8000-00000000cafe.qcow2", 0600);
	assert_mode(dir, "images/loose.img", 0644);
	assert_mode(dir, "overlays/.keep", 0644);
	assert_mode(tmpdir, "outside", 0644);
	lab_close(lab);
	lab = lab_open(dir, &e);
	assert_int_equal(lab->tightened, 0);
	lab_close(lab);
	/* Under a closed root nothing is looked at (a stat, not a walk):
	 * nobody else can reach it there. */
	set_mode(dir, "lab.db", 0644, 0);
	lab = lab_open(dir, &e);
	assert_int_equal(lab->tightened, 0);
	assert_mode(dir, "lab.db", 0644);
	lab_close(lab);
	free(dir);
}

static void
start_lost_race(void **state)
{
	char *dir = xasprintf("%s/lab2", tmpdir);
	struct err e;
	struct lab *lab = lab_open(dir, &e);
	int d;

	assert_non_null(lab);
	assert_int_equal(vnc_reserve(lab, "00000000-0000-0000-0000-000000000000", NULL, NULL, 0, &d, &e), -1);
	assert_string_equal(e.msg, "the node was removed while it was starting");
	lab_close(lab);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_plain_decimal),
		cmocka_unit_test(theme_numbers_plain_decimal),
		cmocka_unit_test(forwards_privileged),
		cmocka_unit_test(sanitised_once),
		cmocka_unit_test(lab_private),
		cmocka_unit_test(start_lost_race),
	};

	return cmocka_run_group_tests(tests, lab_setup, lab_teardown);
}
