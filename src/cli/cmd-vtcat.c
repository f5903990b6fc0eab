/*
 * cmd-vtcat.c: `sandlab __vtcat`, hidden: reads its options and runs the
 * viewer in ui/vtcat.c (for tests and benchmarks; it opens no lab).
 */
#include "cmd.h"

#include "dashlib.h"
#include "vtcon.h"

int
cmd_vtcat(int argc, char **argv)
{
	static const char usage[] =
	    "sandlab __vtcat [--rows R] [--cols C] [--scrollback N] [--hold] [--stats] < STREAM";
	struct vtcat_opts o = { .scrollback = VTCON_SB_DEFAULT };
	const char *rows = NULL, *cols = NULL, *sbs = NULL;
	const struct cli_opt opts[] = {
		{ "--rows", &rows, NULL },
		{ "--cols", &cols, NULL },
		{ "--scrollback", &sbs, NULL },
		{ "--hold", NULL, &o.hold },
		{ "--stats", NULL, &o.stats },
		{ NULL, NULL, NULL },
	};
	struct err e;
	int npos, rc;

	if (cli_parse(argc - 1, argv + 1, opts, NULL, 0, &npos, usage) != 0 ||
	    cli_int(rows, "--rows", 1, 1000, &o.rows) != 0 ||
	    cli_int(cols, "--cols", 1, 1000, &o.cols) != 0 ||
	    cli_int(sbs, "--scrollback", 0, 1000000, &o.scrollback) != 0)
		return 2;
	if (dashlib_open(&e) != 0)
		return cli_fail("%s", e.msg);
	if ((rc = dashlib.vtcat_run(&o, &e)) < 0)
		return cli_fail("%s", e.msg);
	return rc;
}
