/*
 * test_runrow.c: how QEMU ended, in words, for every way the keeper sees
 * it end: failed starts, kills by the user and by stop, crashes by signal
 * and status, clean shutdowns by the guest and by quit.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "runrow.h"

#define EXITED(code) ((code) << 8)
#define SIGNALED(sig) (sig)

static struct run_exit
describe(struct run_exit_facts f)
{
	struct run_exit x;

	run_exit_describe(&f, &x);
	return x;
}

static void
failed_start(void **state)
{
	struct run_exit x = describe((struct run_exit_facts){ .wait_status = EXITED(1),
	    .stderr_tail = "qemu-system-x86_64: -vnc 127.0.0.1:0: Failed to find an available port\n" });

	assert_string_equal(x.kind, "failed");
	assert_string_equal(x.state, "stopped");
	assert_string_equal(x.detail, "-vnc 127.0.0.1:0: Failed to find an available port");
	x = describe((struct run_exit_facts){ .wait_status = SIGNALED(SIGSEGV), .stderr_tail = "" });
	assert_string_equal(x.detail, "QEMU was killed by signal 11 before it was ready");
	x = describe((struct run_exit_facts){ .wait_status = SIGNALED(SIGTERM), .stop_requested = 1 });
	assert_string_equal(x.kind, "shutdown");
	assert_string_equal(x.detail, "stopped while it was starting");
}

/* A long message keeps its start and its end (the reason). */
static void
long_message(void **state)
{
	char msg[600];
	struct run_exit x;

	snprintf(msg, sizeof msg, "qemu-system-x86_64: -drive file=/%0300d.qcow2,format=qcow2: "
	    "Could not open: No such file or directory\n", 0);
	x = describe((struct run_exit_facts){ .wait_status = EXITED(1), .stderr_tail = msg });
	assert_true(strlen(x.detail) < sizeof x.detail);
	assert_non_null(strstr(x.detail, "..."));
	assert_int_equal(strncmp(x.detail, "-drive file=/", 13), 0);
	assert_non_null(strstr(x.detail, "No such file or directory"));
	/* Control bytes in QEMU's words are escaped. */
	x = describe((struct run_exit_facts){ .wait_status = EXITED(1), .stderr_tail = "bad \x1b[2J\n" });
	assert_null(strchr(x.detail, '\x1b'));
}

static void
kills(void **state)
{
	struct run_exit x = describe((struct run_exit_facts){ .started = 1,
	    .wait_status = SIGNALED(SIGKILL), .user_kill = 1 });

	assert_string_equal(x.kind, "killed");
	assert_string_equal(x.state, "stopped");
	x = describe((struct run_exit_facts){ .started = 1, .wait_status = SIGNALED(SIGKILL),
	    .stop_requested = 1, .stop_quit_sent = 1, .stop_killed = 1 });
	assert_string_equal(x.kind, "killed");
	assert_non_null(strstr(x.detail, "node stop"));
	x = describe((struct run_exit_facts){ .started = 1, .wait_status = SIGNALED(SIGKILL),
	    .user_kill = 1, .lock_lost = 1 });
	assert_string_equal(x.kind, "killed");
	assert_non_null(strstr(x.detail, "lock file was removed"));
	/* SIGKILL from someone else is a crash. */
	x = describe((struct run_exit_facts){ .started = 1, .wait_status = SIGNALED(SIGKILL) });
	assert_string_equal(x.kind, "crashed");
	assert_string_equal(x.state, "crashed");
	assert_string_equal(x.detail, "signal 9 (SIGKILL)");
}

static void
crashes(void **state)
{
	struct run_exit x = describe((struct run_exit_facts){ .started = 1,
	    .wait_status = SIGNALED(SIGABRT) });

	assert_string_equal(x.detail, "signal 6 (SIGABRT)");
	x = describe((struct run_exit_facts){ .started = 1, .wait_status = EXITED(1),
	    .stderr_tail = "qemu-system-x86_64: something broke\n" });
	assert_string_equal(x.kind, "crashed");
	assert_string_equal(x.detail, "status 1: something broke");
}

static void
shutdowns(void **state)
{
	struct run_exit x = describe((struct run_exit_facts){ .started = 1, .wait_status = 0,
	    .shutdown_seen = 1, .shutdown_guest = 1, .stop_requested = 1 });

	assert_string_equal(x.kind, "shutdown");
	assert_string_equal(x.detail, "the guest powered off after ACPI powerdown");
	x = describe((struct run_exit_facts){ .started = 1, .shutdown_seen = 1, .shutdown_guest = 1 });
	assert_string_equal(x.detail, "the guest powered off");
	x = describe((struct run_exit_facts){ .started = 1, .stop_requested = 1, .stop_grace_s = 3,
	    .stop_quit_sent = 1, .shutdown_seen = 1, .shutdown_reason = "host-qmp-quit" });
	assert_string_equal(x.detail, "quit over QMP after the guest ignored ACPI powerdown for 3 s");
	x = describe((struct run_exit_facts){ .started = 1, .stop_requested = 1, .stop_poweroff = 1,
	    .shutdown_seen = 1, .shutdown_reason = "host-qmp-quit" });
	assert_string_equal(x.kind, "shutdown");
	assert_string_equal(x.detail, "powered off at once by node stop (stop method poweroff)");
	x = describe((struct run_exit_facts){ .started = 1, .shutdown_seen = 1,
	    .shutdown_reason = "host-signal" });
	assert_string_equal(x.state, "stopped");
	assert_non_null(strstr(x.detail, "signal"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_start),
		cmocka_unit_test(long_message),
		cmocka_unit_test(kills),
		cmocka_unit_test(crashes),
		cmocka_unit_test(shutdowns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
