/*
 * main.c: sandlab's entry point. A command runs the CLI; no command opens
 * the dashboard.
 */
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "ui.h"
#include "vtcat.h"

int
main(int argc, char **argv)
{
	const char *lab_dir = NULL;
	int rc;

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	/* a hidden viewer for tests and benchmarks; it draws, so it lives in ui/ */
	if (argc > 1 && strcmp(argv[1], "__vtcat") == 0)
		return vtcat_main(argc - 1, argv + 1);
	rc = cli_main(argc, argv, &lab_dir);
	if (rc >= 0)
		return rc;
	return ui_main(lab_dir);
}
