/*
 * main.c: sandlab's entry point. A command runs the CLI; no command opens
 * the dashboard.
 */
#include <locale.h>
#include <signal.h>

#include "cli.h"
#include "ui.h"

int
main(int argc, char **argv)
{
	const char *lab_dir = NULL;
	int rc;

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	rc = cli_main(argc, argv, &lab_dir);
	if (rc >= 0)
		return rc;
	return ui_main(lab_dir);
}
