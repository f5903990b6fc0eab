/*
 * cmd-template.c: `sandlab template create|ls|show|set|rm`. The options
 * are node create's (cmd_node_opts_add), so a template takes what a node
 * takes; output only, the work is template.c's.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nic.h"
#include "qemuprobe.h"
#include "template.h"

/* How a template names its NICs, with the names for nics NICs; null when
 * it names none. */
static json_t *
template_ports_json(const struct portname_spec *p, int nics)
{
	char names[NODE_NICS_MAX][PORTNAME_MAX];
	json_t *o, *a = json_array(), *n = json_array();
	struct err e;

	if (!portname_spec_any(p)) {
		json_decref(a);
		json_decref(n);
		return json_null();
	}
	for (int i = 0; i < p->nadapters; i++)
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:s}", "adapter", p->adapters[i].idx,
		    "port", p->adapters[i].name, "model", p->adapters[i].model, "mac", p->adapters[i].mac));
	if (portname_names(p, nics, names, &e) == 0)
		for (int i = 0; i < nics; i++)
			json_array_append_new(n, json_string(names[i]));
	o = json_pack("{s:s, s:s, s:i, s:o, s:o}", "format", p->format, "first", p->first,
	    "segment", p->segment, "adapters", a, "names", n);
	return o;
}

/* "  eth0 mgmt, eth1 Gi0/0" and each custom adapter's model and MAC, as
 * template show prints them. */
static void
template_ports_print(const struct portname_spec *p, int nics)
{
	char names[NODE_NICS_MAX][PORTNAME_MAX];
	struct err e;

	if (!portname_spec_any(p))
		return;
	printf("ports:    ");
	if (p->format[0])
		printf(" format %s%s", p->format, p->segment ? "" : ";");
	if (p->segment)
		printf(" segments of %d;", p->segment);
	if (p->first[0])
		printf(" eth0 is %s;", p->first);
	int ok = portname_names(p, nics, names, &e) == 0;
	if (!ok)
		printf(" %s", e.msg);
	for (int i = 0; i < nics && ok; i++)
		printf("%s eth%d %s", i ? "," : "", i, names[i][0] ? names[i] : "-");
	printf("\n");
	for (int i = 0; i < p->nadapters; i++) {
		const struct portname_adapter *a = &p->adapters[i];
		printf("adapter:   eth%d%s%s%s%s%s%s\n", a->idx, a->name[0] ? " port " : "", a->name,
		    a->model[0] ? " model " : "", a->model, a->mac[0] ? " mac " : "", a->mac);
	}
}

/* A template as --json gives it; arg unused (cli_json_list's shape). */
static json_t *
template_json(const void *item, void *arg)
{
	const struct template *t = item;
	json_t *hw = json_object();

	(void)arg;
	for (int k = 0; k < HW_NKEYS; k++)
		json_object_set_new(hw, hw_fields[k].name, json_string(t->hw.v[k]));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:s, s:{s:b, s:s}, s:s, s:s?, s:s, s:i, s:o}",
	    "id", t->id, "name", t->name, "image", t->image_name, "image_id", t->image_id,
	    "ram_mb", t->ram_mb, "cpus", t->cpus, "nics", t->nics, "nic_model", t->nic_model,
	    "accel", t->accel, "cloud_init", "on", t->cloud_init, "user", t->ci_user,
	    "console", t->console, "usage", t->usage, "host", t->host,
	    "nodes", t->nodes, "machine", hw);
	json_object_set_new(o, "ports", template_ports_json(&t->ports, t->nics));
	json_object_set_new(o, "disks", cmd_disks_json(t->disks, t->ndisks));
	return o;
}

/* The options of template create and set into *s: 0, or 1 (bad value,
 * printed) or 2 (bad usage). */
static int
template_opts(int argc, char **argv, const char *usage, int is_set, char **name, struct template_spec *s)
{
	static struct cmd_node_opts o;
	static const char *model, *console, *usage_text, *pformat, *pfirst, *pseg, *host;
	static int seg;
	static struct cli_opt opts[7 + CMD_NODE_OPTS_N + 1];
	struct err e;
	char *pos[1];
	int npos;

	model = console = usage_text = pformat = pfirst = pseg = host = NULL;
	opts[0] = (struct cli_opt){ "--nic-model", &model, NULL };
	opts[1] = (struct cli_opt){ "--console", &console, NULL };
	opts[2] = (struct cli_opt){ "--usage", &usage_text, NULL };
	opts[3] = (struct cli_opt){ "--port-format", &pformat, NULL };
	opts[4] = (struct cli_opt){ "--port-first", &pfirst, NULL };
	opts[5] = (struct cli_opt){ "--port-segment", &pseg, NULL };
	opts[6] = (struct cli_opt){ "--host", &host, NULL };
	cmd_node_opts_add(opts, 7, &o, 1);
	if (cmd_node_disks_take(&argc, argv, &o, is_set) != 0 ||
	    cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (cmd_node_opts_check(&o) != 0 || cli_int(pseg, "--port-segment", 0, PORTNAME_SEGMENT_MAX, &seg) != 0)
		return 1;
	if (model && nic_model_check(model, &e) != 0) {
		char *shown = cli_shown(model);
		cli_fail("--nic-model %s: %s", shown, e.msg);
		free(shown);
		return 1;
	}
	*name = pos[0];
	*s = (struct template_spec){ .image = o.image, .ram_mb = o.ram_mb, .cpus = o.ncpus, .nics = o.nnics,
	    .nic_model = model, .accel = o.accel, .cloud_init = o.ci_on, .ci_user = o.ci_user,
	    .console = console, .usage = usage_text, .port_format = pformat, .port_first = pfirst,
	    .port_segment = pseg ? &seg : NULL, .disks = o.disks, .ndisks = o.ndisks, .disks_rm = o.disks_rm,
	    .ndisks_rm = o.ndisks_rm, .host = host };
	memcpy(s->hw, o.hw, sizeof s->hw);
	if (is_set && !cmd_node_opts_any(&o) && !model && !console && !usage_text && !pformat && !pfirst && !pseg &&
	    !host)
		return cli_fail("nothing to change: give --image, a node option, --nic-model, --console, --usage, "
		    "--port-format, --port-first, --port-segment, --disk, --disk-rm or --host (see: sandlab template "
		    "set --help)");
	return 0;
}

/* After a change: the template (with --json), or one line. */
static int
template_print_after(struct cli *c, struct lab *lab, const char *name, const char *done)
{
	struct template t;
	struct err e;

	if (template_get(lab, name, &t, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		cli_json_out(template_json(&t, NULL));
	else
		printf("%s template %s on %s (%d MiB, %d CPU%s, %d NIC%s %s)%s%s\n", done, t.name, t.image_name,
		    t.ram_mb, t.cpus, t.cpus == 1 ? "" : "s", t.nics, t.nics == 1 ? "" : "s", t.nic_model,
		    template_is_local(&t) ? "" : ", its nodes placed on host ", template_is_local(&t) ? "" : t.host);
	template_clear(&t);
	return 0;
}

/* template create and set: the options checked (a NIC model against what
 * this QEMU offers), the template made or changed, then shown. */
static int
template_write_cmd(struct cli *c, int argc, char **argv, const char *usage, int is_set)
{
	struct template_spec s;
	struct lab *lab;
	struct err e;
	char *name = NULL;
	int rc;

	if ((rc = template_opts(argc, argv, usage, is_set, &name, &s)) != 0)
		return rc;
	if ((lab = cli_lab(c)) == NULL)
		return 1;
	if (s.nic_model && qemuprobe_check_nic(lab, s.nic_model, s.hw[HW_ARCH] ? s.hw[HW_ARCH] : "x86_64",
	    "--nic-model", &e) != 0)
		return cli_fail("%s", e.msg);
	if ((is_set ? template_set(lab, name, &s, &e) : template_create(lab, name, &s, &e)) != 0)
		return cli_fail("%s", e.msg);
	return template_print_after(c, lab, name, is_set ? "changed" : "created");
}

int
cmd_template_create(struct cli *c, int argc, char **argv)
{
	static const char usage[] = CMD_TEMPLATE_CREATE_USAGE;

	return template_write_cmd(c, argc, argv, usage, 0);
}

int
cmd_template_set(struct cli *c, int argc, char **argv)
{
	static const char usage[] = CMD_TEMPLATE_SET_USAGE;

	return template_write_cmd(c, argc, argv, usage, 1);
}

int
cmd_template_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "template ls [--json]";
	struct template *v;
	struct lab *lab;
	struct err e;
	size_t n;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 0, 0, &npos, usage, &rc)) == NULL)
		return rc;
	if (template_list(lab, &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json)
		cli_json_list(v, n, sizeof *v, template_json, NULL);
	else if (n == 0)
		printf("(no templates: make one with sandlab template create NAME --image IMAGE)\n");
	else {
		/* A HOST column only when a template places its nodes elsewhere. */
		int hosts = 0;
		for (size_t i = 0; i < n; i++)
			hosts |= !template_is_local(&v[i]);
		printf("%-20s %-16s %7s %4s %-20s %-6s %-10s %5s%s\n", "NAME", "IMAGE", "RAM", "CPUS", "NICS",
		    "CONS", "CLOUDINIT", "NODES", hosts ? " HOST" : "");
		for (size_t i = 0; i < n; i++) {
			char nics[40];
			snprintf(nics, sizeof nics, "%d %s", v[i].nics, v[i].nic_model);
			printf("%-20s %-16s %4dMiB %4d %-20s %-6s %-10s %5d%s%s\n", v[i].name, v[i].image_name,
			    v[i].ram_mb, v[i].cpus, nics, v[i].console, v[i].cloud_init ? v[i].ci_user : "off",
			    v[i].nodes, hosts ? " " : "", hosts ? v[i].host : "");
		}
	}
	template_list_free(v, n);
	return 0;
}

int
cmd_template_show(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "template show NAME [--json]";
	struct template t;
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (template_get(lab, pos[0], &t, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		cli_json_out(template_json(&t, NULL));
		template_clear(&t);
		return 0;
	}
	printf("name:      %s\nid:        %s\nimage:     %s\ncpus:      %d\nram:       %d MiB\n"
	    "nics:      %d %s\naccel:     %s\nconsole:   %s\nhost:      %s%s\n", t.name, t.id, t.image_name,
	    t.cpus, t.ram_mb, t.nics, t.nic_model, t.accel, t.console, t.host,
	    template_is_local(&t) ? " (this machine)" : ": its nodes are placed there");
	cmd_node_hw_print(&t.hw, 0);
	for (int i = 0; i < t.ndisks; i++) {
		char *d = disk_text(&t.disks[i]);
		printf("disk %d:%*s %s (a fresh %s for each node)\n", t.disks[i].idx, t.disks[i].idx < 10 ? 3 : 2, "",
		    d, t.disks[i].image ? "overlay on the image" : "blank disk");
		free(d);
	}
	template_ports_print(&t.ports, t.nics);
	if (t.cloud_init)
		printf("cloud-init: on: user %s\n", t.ci_user);
	else
		printf("cloud-init: off\n");
	printf("nodes:     %d made from it (a change of the template changes none of them)\n", t.nodes);
	if (t.usage[0]) {
		printf("usage:\n");
		cli_print_lines("  ", "  ", t.usage);
	}
	template_clear(&t);
	return 0;
}

int
cmd_template_rm(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "template rm NAME...";
	struct lab *lab;
	char *pos[64];
	int npos, rc = 0;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 64, &npos, usage, &rc)) == NULL)
		return rc;
	return cli_rm_each(c, lab, pos, npos, template_rm, "template");
}
