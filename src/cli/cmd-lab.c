/*
 * cmd-lab.c: `sandlab lab export|import`, `node clone` and `snapshot
 * create|ls|apply|rm`. Output only; the work is labfile.c's, clone.c's
 * and snapshot.c's.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clone.h"
#include "labfile.h"
#include "node.h"
#include "qemuprobe.h"
#include "snapshot.h"

int
cmd_lab_export(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "lab export FILE|-";
	struct labfile lf;
	struct lab *lab;
	struct err e;
	char *pos[1], *text;
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (labfile_export(lab, &lf, &e) != 0)
		return cli_fail("%s", e.msg);
	text = labfile_format(&lf);
	rc = labfile_write(pos[0], text, &e) == 0 ? 0 : cli_fail("%s", e.msg);
	if (rc == 0 && strcmp(pos[0], "-") != 0) {
		if (c->json)
			cli_json_out(json_pack("{s:s, s:i, s:i}", "file", pos[0], "nodes", lf.nnodes,
			    "links", lf.nlinks));
		else {
			char *shown = cli_shown(pos[0]);
			printf("wrote %s: %d node%s, %d link%s\n", shown, lf.nnodes, lf.nnodes == 1 ? "" : "s",
			    lf.nlinks, lf.nlinks == 1 ? "" : "s");
			free(shown);
		}
	}
	free(text);
	labfile_free(&lf);
	return rc;
}

int
cmd_lab_load(const char *path, const char *tail, struct labfile *lf, char **shown)
{
	struct err e;
	char *text;
	size_t len;
	int rc;

	if (labfile_read(path, &text, &len, &e) != 0)
		return cli_fail("%s", e.msg);
	*shown = cli_shown(strcmp(path, "-") == 0 ? "(standard input)" : path);
	rc = labfile_parse(text, len, lf, &e);
	free(text);
	if (rc != 0) {
		rc = cli_fail("%s: %s%s", *shown, e.msg, tail);
		free(*shown);
		*shown = NULL;
	}
	return rc;
}

int
cmd_lab_import(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "lab import FILE|-";
	struct labfile lf;
	struct lab *lab;
	struct err e;
	char *pos[1], *shown;
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (cmd_lab_load(pos[0], "; nothing was imported", &lf, &shown) != 0)
		return 1;
	/* a CPU or NIC model this QEMU lacks, before anything is made */
	rc = 0;
	for (int i = 0; i < lf.ntemplates && rc == 0; i++) {
		const struct labfile_template *t = &lf.templates[i];
		const char *arch = t->hw[HW_ARCH] ? t->hw[HW_ARCH] : "x86_64";
		if (t->hw[HW_CPU_MODEL] && qemuprobe_check_cpu(lab, t->hw[HW_CPU_MODEL], arch, &e) != 0)
			rc = cli_fail("%s: line %d: %s; nothing was imported", shown, t->line, e.msg);
		else if (t->nic_model[0] && qemuprobe_check_nic(lab, t->nic_model, arch, "nic-model", &e) != 0)
			rc = cli_fail("%s: line %d: %s; nothing was imported", shown, t->line, e.msg);
	}
	for (int i = 0; i < lf.nnodes && rc == 0; i++) {
		const struct labfile_node *n = &lf.nodes[i];
		const char *arch = n->hw[HW_ARCH] ? n->hw[HW_ARCH] : "x86_64";
		if (n->hw[HW_CPU_MODEL] && qemuprobe_check_cpu(lab, n->hw[HW_CPU_MODEL], arch, &e) != 0)
			rc = cli_fail("%s: line %d: %s; nothing was imported", shown, n->line, e.msg);
		for (int j = 0; j < n->nnics && rc == 0; j++)
			if (qemuprobe_check_nic(lab, n->nics[j].model, arch, "model", &e) != 0)
				rc = cli_fail("%s: line %d: %s; nothing was imported", shown, n->nics[j].line,
				    e.msg);
	}
	if (rc != 0)
		; /* said above */
	else if (labfile_import(lab, &lf, &e) != 0)
		rc = cli_fail("%s: %s; nothing was imported", shown, e.msg);
	else if (c->json)
		cli_json_out(json_pack("{s:s, s:i, s:i, s:i}", "file", shown, "nodes", lf.nnodes,
		    "links", lf.nlinks, "templates", lf.ntemplates));
	else if (lf.ntemplates > 0)
		printf("imported %s: %d template%s, %d node%s, %d link%s (each node on a fresh overlay)\n",
		    shown, lf.ntemplates, lf.ntemplates == 1 ? "" : "s", lf.nnodes, lf.nnodes == 1 ? "" : "s",
		    lf.nlinks, lf.nlinks == 1 ? "" : "s");
	else
		printf("imported %s: %d node%s, %d link%s (each node on a fresh overlay)\n", shown,
		    lf.nnodes, lf.nnodes == 1 ? "" : "s", lf.nlinks, lf.nlinks == 1 ? "" : "s");
	free(shown);
	labfile_free(&lf);
	return rc;
}

int
cmd_node_clone(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "node clone NAME NEW-NAME [--disk]";
	int disk = 0, npos, rc;
	struct cli_opt opts[] = { { "--disk", NULL, &disk }, { 0 } };
	struct lab *lab;
	struct node n;
	struct err e;
	char *pos[2];

	if ((lab = cli_start(c, argc, argv, opts, pos, 2, 2, &npos, usage, &rc)) == NULL)
		return rc;
	if (clone_node(lab, pos[0], pos[1], disk, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		cli_json_out(json_pack("{s:s, s:s, s:s, s:b}", "name", n.name, "id", n.id, "image",
		    n.image_name, "disk_copied", disk));
	else
		printf("cloned %s as %s (%s); its NICs have new MACs; links and port forwards are "
		    "not copied\n", pos[0], n.name, disk ? "a copy of its disk" : "a fresh overlay on "
		    "its image");
	node_clear(&n);
	return 0;
}

/* snapshot create|apply|rm NODE [NAME] */
static int
cmd_snapshot_change(struct cli *c, int argc, char **argv, const char *op)
{
	int create = strcmp(op, "create") == 0;
	const char *usage = create ? "snapshot create NODE [NAME]" : strcmp(op, "apply") == 0 ?
	    "snapshot apply NODE NAME" : "snapshot rm NODE NAME";
	struct lab *lab;
	struct err e;
	char *pos[2], made[64];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, create ? 1 : 2, 2, &npos, usage, &rc)) == NULL)
		return rc;
	if (create)
		rc = snapshot_create(lab, pos[0], npos > 1 ? pos[1] : NULL, made, sizeof made, &e);
	else if (strcmp(op, "apply") == 0)
		rc = snapshot_apply(lab, pos[0], pos[1], &e);
	else
		rc = snapshot_rm(lab, pos[0], pos[1], &e);
	if (rc != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		return cli_json_out(json_pack("{s:s, s:s, s:s}", "node", pos[0], "snapshot",
		    create ? made : pos[1], "done", op));
	if (create)
		printf("%s: snapshot %s taken\n", pos[0], made);
	else if (strcmp(op, "apply") == 0)
		printf("%s: disk is back at snapshot %s (what was written since is gone)\n", pos[0], pos[1]);
	else
		printf("%s: snapshot %s removed\n", pos[0], pos[1]);
	return 0;
}

int
cmd_snapshot_create(struct cli *c, int argc, char **argv)
{
	return cmd_snapshot_change(c, argc, argv, "create");
}

int
cmd_snapshot_apply(struct cli *c, int argc, char **argv)
{
	return cmd_snapshot_change(c, argc, argv, "apply");
}

int
cmd_snapshot_rm(struct cli *c, int argc, char **argv)
{
	return cmd_snapshot_change(c, argc, argv, "rm");
}

int
cmd_snapshot_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "snapshot ls NODE [--json]";
	struct snapshot *v;
	struct lab *lab;
	struct err e;
	char *pos[1];
	size_t n;
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (snapshot_list(lab, pos[0], &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "id", v[i].id, "name",
			    v[i].name, "date", (json_int_t)v[i].date));
		free(v);
		return cli_json_out(a);
	}
	printf("%-4s %-40s %s\n", "ID", "NAME", "TAKEN");
	for (size_t i = 0; i < n; i++) {
		char when[64], *name = cli_shown(v[i].name);
		time_t t = (time_t)v[i].date;
		struct tm tm;
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
		printf("%-4s %-40s %s\n", v[i].id, name, when);
		free(name);
	}
	if (n == 0)
		printf("(no snapshots: take one with sandlab snapshot create %s [NAME])\n", pos[0]);
	free(v);
	return 0;
}
