/*
 * cmd-node.c: `sandlab node create|ls|show|set|rename|reset|rm`.
 * Output only; the work is node.c's.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"

static json_t *
node_json(const struct node *n)
{
	json_t *nics = json_array();

	for (int i = 0; i < n->nnics; i++)
		json_array_append_new(nics, json_pack("{s:i, s:s, s:s, s:s}", "index", n->nics[i].idx,
		    "model", n->nics[i].model, "mac", n->nics[i].mac, "attach", n->nics[i].attach));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:I, s:o}",
	    "id", n->id, "name", n->name, "image", n->image_name, "image_id", n->image_id,
	    "overlay", n->overlay, "ram_mb", n->ram_mb, "cpus", n->cpus, "accel", n->accel,
	    "created_at", (json_int_t)n->created_at, "nics", nics);
}

/* After a change: with --json, the node as it now is. */
static int
node_print_json(struct cli *c, struct lab *lab, const char *key)
{
	struct node n;
	struct err e;

	if (!c->json)
		return 0;
	if (node_get(lab, key, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	cli_json_out(node_json(&n));
	node_clear(&n);
	return 0;
}

int
cmd_node_create(struct cli *c, int argc, char **argv)
{
	static const char usage[] =
	    "node create NAME --image IMAGE [--ram MB] [--cpus N] [--nics N] [--accel auto|kvm|tcg]";
	const char *image = NULL, *ram = NULL, *cpus = NULL, *nics = NULL, *accel = NULL;
	struct cli_opt opts[] = {
		{ "--image", &image, NULL }, { "--ram", &ram, NULL }, { "--cpus", &cpus, NULL },
		{ "--nics", &nics, NULL }, { "--accel", &accel, NULL }, { 0 },
	};
	struct node_spec s = { .nics = -1 };
	struct node n;
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos;

	if (cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (cli_int(ram, "--ram", NODE_RAM_MIN, NODE_RAM_MAX, &s.ram_mb) != 0 ||
	    cli_int(cpus, "--cpus", 1, NODE_CPUS_MAX, &s.cpus) != 0 ||
	    cli_int(nics, "--nics", 0, NODE_NICS_MAX, &s.nics) != 0)
		return 1;
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	s.name = pos[0];
	s.image = image;
	s.accel = accel;
	if (node_create(lab, &s, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		cli_json_out(node_json(&n));
	else
		printf("created node %s on %s (%d MiB, %d CPU%s, %d NIC%s)\n", n.name, n.image_name,
		    n.ram_mb, n.cpus, n.cpus == 1 ? "" : "s", n.nnics, n.nnics == 1 ? "" : "s");
	node_clear(&n);
	return 0;
}

int
cmd_node_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node ls [--json]";
	struct lab *lab;
	struct node *v;
	size_t n;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 0, 0, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_list(lab, &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, node_json(&v[i]));
		node_list_free(v, n);
		return cli_json_out(a);
	}
	printf("%-20s %-16s %4s %7s %4s %-5s\n", "NAME", "IMAGE", "CPUS", "RAM", "NICS", "ACCEL");
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-16s %4d %4dMiB %4d %-5s\n", v[i].name, v[i].image_name, v[i].cpus,
		    v[i].ram_mb, v[i].nnics, v[i].accel);
	if (n == 0)
		printf("(no nodes: create one with sandlab node create NAME --image IMAGE)\n");
	node_list_free(v, n);
	return 0;
}

int
cmd_node_show(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node show NAME [--json]";
	struct lab *lab;
	struct node n;
	struct err e;
	char *pos[1], *ov;
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_get(lab, pos[0], &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		cli_json_out(node_json(&n));
		node_clear(&n);
		return 0;
	}
	ov = cli_shown(n.overlay);
	printf("name:     %s\nid:       %s\nimage:    %s (%s)\noverlay:  %s\n"
	    "cpus:     %d\nram:      %d MiB\naccel:    %s\n",
	    n.name, n.id, n.image_name, n.image_format, ov, n.cpus, n.ram_mb, n.accel);
	free(ov);
	for (int i = 0; i < n.nnics; i++)
		printf("nic %d:    %s %s attach=%s\n", n.nics[i].idx, n.nics[i].model, n.nics[i].mac,
		    n.nics[i].attach);
	node_clear(&n);
	return 0;
}

int
cmd_node_set(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node set NAME [--ram MB] [--cpus N] [--nics N] [--accel auto|kvm|tcg]";
	const char *ram = NULL, *cpus = NULL, *nics = NULL, *accel = NULL;
	struct cli_opt opts[] = {
		{ "--ram", &ram, NULL }, { "--cpus", &cpus, NULL }, { "--nics", &nics, NULL },
		{ "--accel", &accel, NULL }, { 0 },
	};
	struct node_changes ch = { .nics = -1 };
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos;

	if (cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (!ram && !cpus && !nics && !accel)
		return cli_fail("nothing to change: give --ram, --cpus, --nics or --accel");
	if (cli_int(ram, "--ram", NODE_RAM_MIN, NODE_RAM_MAX, &ch.ram_mb) != 0 ||
	    cli_int(cpus, "--cpus", 1, NODE_CPUS_MAX, &ch.cpus) != 0 ||
	    cli_int(nics, "--nics", 0, NODE_NICS_MAX, &ch.nics) != 0)
		return 1;
	ch.accel = accel;
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	if (node_set(lab, pos[0], &ch, &e) != 0)
		return cli_fail("%s", e.msg);
	return node_print_json(c, lab, pos[0]);
}

int
cmd_node_rename(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node rename NAME NEW-NAME";
	struct lab *lab;
	struct err e;
	char *pos[2];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 2, 2, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_rename(lab, pos[0], pos[1], &e) != 0)
		return cli_fail("%s", e.msg);
	return node_print_json(c, lab, pos[1]);
}

int
cmd_node_reset(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node reset NAME";
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_reset(lab, pos[0], &e) != 0)
		return cli_fail("%s", e.msg);
	return node_print_json(c, lab, pos[0]);
}

int
cmd_node_rm(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node rm NAME...";
	struct lab *lab;
	struct err e;
	char *pos[256];
	int npos, rc = 0;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 256, &npos, usage, &rc)) == NULL)
		return rc;
	json_t *removed = json_array();
	for (int i = 0; i < npos; i++) {
		if (node_rm(lab, pos[i], &e) != 0)
			rc = cli_fail("%s", e.msg);
		else
			json_array_append_new(removed, json_string(pos[i]));
	}
	if (c->json)
		cli_json_out(json_pack("{s:o}", "removed", removed));
	else
		json_decref(removed);
	return rc;
}
