/*
 * cmd-version.c: `sandlab --version` (-V): this build's version and the
 * versions of what it runs with. QEMU and sqlite are asked at run time;
 * libvterm and libtickit have no call that says their version (and src/
 * may not include them), so the Makefile passes what pkg-config said
 * when this was built.
 */
#include "cmd.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "proc.h"
#include "qemu.h"
#include "sanitize.h"

#ifndef SANDLAB_VERSION
#define SANDLAB_VERSION "unknown"
#endif
#ifndef SANDLAB_VTERM_VERSION
#define SANDLAB_VTERM_VERSION "unknown"
#endif
#ifndef SANDLAB_TICKIT_VERSION
#define SANDLAB_TICKIT_VERSION "unknown"
#endif

/* "QEMU emulator version 7.2.x (...) at /usr/bin/qemu-system-x86_64", or
 * why there is none. */
static void
cmd_version_qemu(void)
{
	char *argv[] = { (char *)QEMU_BIN_DEFAULT, (char *)"--version", NULL };
	struct proc_limits lim = { .cpu_s = 10, .wall_ms = 10000, .out_max = 4096 };
	struct proc_result r;
	struct err e;
	char *where = proc_which(QEMU_BIN_DEFAULT);

	if (where == NULL) {
		printf("qemu      not found: no %s in PATH\n", QEMU_BIN_DEFAULT);
		return;
	}
	if (proc_run(argv, &lim, NULL, NULL, &r, &e) != 0) {
		printf("qemu      %s: %s\n", where, e.msg);
	} else {
		char *nl = strchr(r.out, '\n'), *shown;
		if (nl != NULL)
			*nl = '\0';
		shown = sanitize(r.out, strlen(r.out));
		if (proc_ok(&r) && *shown != '\0')
			printf("qemu      %s (%s)\n", shown, where);
		else
			printf("qemu      %s: does not say its version\n", where);
		free(shown);
		proc_result_free(&r);
	}
	free(where);
}

int
cmd_version(struct cli *c, int argc, char **argv)
{
	printf("sandlab %s\n", SANDLAB_VERSION);
	cmd_version_qemu();
	printf("libvterm  %s (when built)\n", SANDLAB_VTERM_VERSION);
	printf("libtickit %s (when built)\n", SANDLAB_TICKIT_VERSION);
	printf("sqlite    %s\n", sqlite3_libversion());
	return 0;
}
