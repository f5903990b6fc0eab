/*
 * cli.c: global options, the command table and dispatch. Commands print
 * results on stdout (a table, or JSON with --json) and errors on stderr.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>

#include "cmd.h"
#include "sanitize.h"

static int cmd_help(struct cli *c, int argc, char **argv);

static const struct cmd cmd_table[] = {
	{ "image", "ls", cmd_image_ls, "image ls [--json]",
	  "list base images: name, format, virtual size, file size, nodes using it" },
	{ "image", "import", cmd_image_import, "image import FILE [--name NAME] [--format raw|qcow2] [--max-size SIZE]",
	  "verify a disk image and copy it into the lab" },
	{ "image", "scan", cmd_image_scan, "image scan [--max-size SIZE]",
	  "take in image files dropped into images/ by hand, through the same checks" },
	{ "image", "rm", cmd_image_rm, "image rm NAME",
	  "remove an image no node uses" },
	{ "node", "create", cmd_node_create,
	  "node create NAME --image IMAGE [--ram MB] [--cpus N] [--nics N] [--accel auto|kvm|tcg]"
	  " [--console-size COLSxROWS]",
	  "create a node on a qcow2 overlay of an image (console 80x24 unless given)" },
	{ "node", "ls", cmd_node_ls, "node ls [--json]", "list nodes" },
	{ "node", "show", cmd_node_show, "node show NAME [--json]", "show one node in full" },
	{ "node", "set", cmd_node_set, "node set NAME [--ram MB] [--cpus N] [--nics N] [--accel auto|kvm|tcg]"
	  " [--console-size COLSxROWS]",
	  "change a stopped node's resources, or any node's console size" },
	{ "node", "rename", cmd_node_rename, "node rename NAME NEW-NAME", "rename a stopped node" },
	{ "node", "reset", cmd_node_reset, "node reset NAME", "give a stopped node a fresh overlay (its disk changes are lost)" },
	{ "node", "rm", cmd_node_rm, "node rm NAME...", "remove stopped nodes and their overlays" },
	{ "node", "clone", cmd_node_clone, "node clone NAME NEW-NAME [--disk]",
	  "a new node like NAME: a fresh overlay on its image, or with --disk a copy of its disk (stopped)" },
	{ "node", "start", cmd_node_start, "node start NAME...|--all [--vnc-host ADDR]",
	  "start nodes; each gets a keeper that owns its QEMU and console" },
	{ "node", "stop", cmd_node_stop, "node stop NAME...|--all [--grace SECONDS]",
	  "ACPI powerdown, wait (default 30 s), then QMP quit, then kill" },
	{ "node", "kill", cmd_node_kill, "node kill NAME...", "kill nodes' QEMU at once" },
	{ "node", "restart", cmd_node_restart, "node restart NAME... [--grace SECONDS]",
	  "stop, then start" },
	{ "node", "cmd", cmd_node_cmd, "node cmd NAME [--json]", "print the QEMU command line of a node" },
	{ "nic", "ls", cmd_nic_ls, "nic ls NODE [--json]",
	  "a node's NICs: model, MAC, what each attaches to, forwards, changes waiting for a restart" },
	{ "nic", "set", cmd_nic_set, "nic set NODE:ethN [--model virtio-net-pci|e1000] [--mac MAC] [--attach none|user]",
	  "change a NIC; user = user-mode NAT (outside access, forwards); linux guest: virtio only" },
	{ "nic", "forward", cmd_nic_forward, "nic forward NODE:ethN tcp|udp:HOSTPORT:GUESTPORT",
	  "forward 127.0.0.1:HOSTPORT on the host to a guest port (NIC attached to user)" },
	{ "nic", "unforward", cmd_nic_unforward, "nic unforward NODE:ethN tcp|udp:HOSTPORT",
	  "remove a port forward" },
	{ "link", "add", cmd_link_add, "link add NODE:ethN NODE:ethN",
	  "join two NICs of two nodes by a point-to-point link (UDP on 127.0.0.1)" },
	{ "link", "ls", cmd_link_ls, "link ls [--json]", "list links, their ports and state" },
	{ "link", "rm", cmd_link_rm, "link rm NODE:ethN|LINK-ID", "remove a link" },
	{ "lab", "export", cmd_lab_export, "lab export FILE|-",
	  "write the lab's nodes, NICs and links as a lab file (disks not included)" },
	{ "lab", "import", cmd_lab_import, "lab import FILE|-",
	  "add the nodes, NICs and links of a lab file, all or nothing" },
	{ "snapshot", "create", cmd_snapshot_create, "snapshot create NODE [NAME]",
	  "take a snapshot of a stopped node's disk" },
	{ "snapshot", "ls", cmd_snapshot_ls, "snapshot ls NODE [--json]", "list a node's disk snapshots" },
	{ "snapshot", "apply", cmd_snapshot_apply, "snapshot apply NODE NAME",
	  "put a stopped node's disk back to a snapshot" },
	{ "snapshot", "rm", cmd_snapshot_rm, "snapshot rm NODE NAME", "remove a snapshot" },
	{ NULL, "console", cmd_console, "console NAME [--log | --follow | --stty]",
	  "attach to a node's serial console (Ctrl-] detaches); --log prints its log, --follow tails it;"
	  " --stty tells the guest this terminal's size" },
	{ NULL, "vnc", cmd_vnc, "vnc NAME [--json]", "print a running node's VNC address" },
	{ NULL, "accel", cmd_accel, "accel [--json]", "say whether KVM is usable here, and why" },
	{ NULL, "__keeper", cmd_keeper, "__keeper", NULL },
	{ NULL, "help", cmd_help, "help", "this list" },
};

int
cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("sandlab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_usage(const char *usage)
{
	fprintf(stderr, "usage: sandlab %s\n", usage);
	return 2;
}

char *
cli_shown(const char *s)
{
	return sanitize(s, strlen(s));
}

int
cli_json_out(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

	if (s == NULL)
		fatal("cannot format JSON output");
	puts(s);
	free(s);
	json_decref(v);
	return 0;
}

int
cli_int(const char *s, const char *what, long min, long max, int *out)
{
	long v;

	if (s == NULL)
		return 0;
	if (parse_int(s, min, max, &v) != 0) {
		char *shown = cli_shown(s);
		cli_fail("%s must be a whole number from %ld to %ld, not \"%s\"", what, min, max, shown);
		free(shown);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int
cli_parse(int argc, char **argv, const struct cli_opt *opts, char **pos, int max_pos,
    int *npos, const char *usage)
{
	int only_pos = 0;

	*npos = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= max_pos) {
				char *shown = cli_shown(a);
				cli_fail("unexpected argument \"%s\"", shown);
				free(shown);
				cli_usage(usage);
				return -1;
			}
			pos[(*npos)++] = argv[i];
			continue;
		}
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		for (o = opts; o && o->name; o++)
			if (strlen(o->name) == nlen && strncmp(o->name, a, nlen) == 0)
				break;
		if (o == NULL || o->name == NULL) {
			char *shown = cli_shown(a);
			cli_fail("unknown option \"%s\"", shown);
			free(shown);
			cli_usage(usage);
			return -1;
		}
		if (o->flag) {
			if (eq) {
				cli_fail("option %s takes no value", o->name);
				return -1;
			}
			*o->flag = 1;
		} else if (eq)
			*o->val = eq + 1;
		else if (i + 1 < argc)
			*o->val = argv[++i];
		else {
			cli_fail("option %s needs a value", o->name);
			cli_usage(usage);
			return -1;
		}
	}
	return 0;
}

struct lab *
cli_lab(struct cli *c)
{
	struct err e;
	char *dir;

	if (c->lab != NULL)
		return c->lab;
	dir = lab_dir_choose(c->lab_dir);
	c->lab = lab_open(dir, &e);
	free(dir);
	if (c->lab == NULL)
		cli_fail("%s", e.msg);
	return c->lab;
}

struct lab *
cli_start(struct cli *c, int argc, char **argv, const struct cli_opt *opts,
    char **pos, int min_pos, int max_pos, int *npos, const char *usage, int *rc)
{
	struct lab *lab;

	*rc = 2;
	if (cli_parse(argc, argv, opts, pos, max_pos, npos, usage) != 0)
		return NULL;
	if (*npos < min_pos) {
		cli_usage(usage);
		return NULL;
	}
	*rc = 1;
	if ((lab = cli_lab(c)) == NULL)
		return NULL;
	*rc = 0;
	return lab;
}

static void
cli_print_help(FILE *f)
{
	fprintf(f, "usage: sandlab [--lab DIR] [--theme NAME] [COMMAND ...]\n\n"
	    "With no command, sandlab opens the dashboard (--theme: default, light,\n"
	    "high-contrast, monochrome, or any file in a themes folder).\n"
	    "The lab is --lab DIR, else $SANDLAB_LAB, else $XDG_DATA_HOME/sandlab.\n"
	    "Every command takes --json.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		if (cmd_table[i].help != NULL) /* hidden: internal commands */
			fprintf(f, "  %s\n      %s\n", cmd_table[i].usage, cmd_table[i].help);
}

static int
cmd_help(struct cli *c, int argc, char **argv)
{
	cli_print_help(stdout);
	return 0;
}

int
cli_main(int argc, char **argv, struct cli_dashboard *dash)
{
	struct cli c = { 0 };
	const char *theme = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int n = 0, rc;

	/* Global options may stand anywhere; pull them out first. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c.json = 1;
		else if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			c.lab_dir = argv[++i];
		else if (strncmp(argv[i], "--lab=", 6) == 0)
			c.lab_dir = argv[i] + 6;
		else if (strcmp(argv[i], "--theme") == 0 && i + 1 < argc)
			theme = argv[++i];
		else if (strncmp(argv[i], "--theme=", 8) == 0)
			theme = argv[i] + 8;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			free(rest);
			cli_print_help(stdout);
			return 0;
		} else
			rest[n++] = argv[i];
	}
	rc = -1;
	for (size_t i = 0; i < sizeof cmd_table / sizeof cmd_table[0] && rc < 0; i++) {
		const struct cmd *t = &cmd_table[i];
		if (t->group == NULL && n >= 1 && strcmp(rest[0], t->name) == 0)
			rc = t->fn(&c, n - 1, rest + 1);
		else if (t->group != NULL && n >= 2 && strcmp(rest[0], t->group) == 0 &&
		    strcmp(rest[1], t->name) == 0)
			rc = t->fn(&c, n - 2, rest + 2);
	}
	if (n == 0) {
		dash->lab_dir = c.lab_dir;
		dash->theme = theme;
		rc = -1;
	} else if (rc < 0) {
		char *a = cli_shown(rest[0]), *b = cli_shown(n > 1 ? rest[1] : "");
		cli_fail("unknown command \"%s%s%s\"", a, n > 1 ? " " : "", b);
		free(a);
		free(b);
		cli_print_help(stderr);
		rc = 2;
	}
	lab_close(c.lab);
	free(rest);
	return rc;
}
