/*
 * main.c: sandlab's entry point. A command runs the CLI; no command opens
 * the dashboard.
 */
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "cmd.h"
#include "dashlib.h"
#include "hostconn.h"

int
main(int argc, char **argv)
{
	struct cmd_dashboard dash = { 0 };
	struct ui_opts o = { 0 };
	struct err e;
	int rc;

	/* The character set only: wide characters are all sandlab takes from
	 * the locale. LC_ALL read each of the twelve categories' files at every
	 * command (about 40 system calls), and would let a locale's decimal
	 * comma into printed figures and its language into strerror texts
	 * amid English messages. */
	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_IGN);
	/* The dashboard's key table as Markdown, for the README. */
	if (argc == 2 && strcmp(argv[1], "__keys") == 0) {
		if (dashlib_open(&e) != 0)
			return cli_fail("%s", e.msg);
		dashlib.ui_keys_markdown();
		return 0;
	}
	/* a hidden viewer for tests and benchmarks; it draws, so it lives in ui/ */
	if (argc > 1 && strcmp(argv[1], "__vtcat") == 0)
		return cmd_vtcat(argc - 1, argv + 1);
	/* the holder of a lab's ssh to a host, started by a keeper; it
	 * opens no lab */
	if (argc > 1 && strcmp(argv[1], "__hostconn") == 0)
		return hostconn_main(argc - 1, argv + 1);
	rc = cmd_main(argc, argv, &dash);
	if (rc >= 0)
		return rc;
	o.lab_dir = dash.lab_dir;
	o.theme = dash.theme;
	if (dashlib_open(&e) != 0)
		return cli_fail("%s", e.msg);
	return dashlib.ui_main(&o);
}
