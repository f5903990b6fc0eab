/*
 * cmd-host.c: `sandlab host ...`: the machines a lab's nodes run on.
 * Rows are host.c's; what a host says about itself is asked by remote.c
 * under a deadline, so a host that does not answer costs `host ls` at
 * most its timeout.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "accel.h"
#include "host.h"
#include "qemu.h"
#include "remote.h"

int
cmd_host_add(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "host add NAME URI [--address IP]";
	const char *address = NULL;
	const struct cli_opt opts[] = { { "--address", &address, NULL }, { NULL, NULL, NULL } };
	struct lab *lab;
	struct err e;
	char *pos[2];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, opts, pos, 2, 2, &npos, usage, &rc)) == NULL)
		return rc;
	if (host_add(lab, pos[0], pos[1], address, &e) != 0)
		return cli_fail("%s", e.msg);
	printf("added host %s\n", pos[0]);
	return 0;
}

int
cmd_host_set(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "host set NAME --address IP";
	const char *address = NULL;
	const struct cli_opt opts[] = { { "--address", &address, NULL }, { NULL, NULL, NULL } };
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (address == NULL)
		return cli_fail("nothing to change: give --address IP (usage: sandlab %s)", usage);
	if (host_set_address(lab, pos[0], address, &e) != 0)
		return cli_fail("%s", e.msg);
	printf("host %s: links reach it at %s (running nodes take it when they restart)\n", pos[0],
	    address);
	return 0;
}

int
cmd_host_rm(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "host rm NAME";
	struct lab *lab;
	struct err e;
	char *pos[1];
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (host_rm(lab, pos[0], &e) != 0)
		return cli_fail("%s", e.msg);
	printf("removed host %s\n", pos[0]);
	return 0;
}

/* This machine, as a host: it always answers. */
static void
cmd_host_local(struct remote_facts *f)
{
	struct accel_probe p;
	struct sysinfo si;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(f, 0, sizeof *f);
	f->reachable = 1;
	snprintf(f->libvirt, sizeof f->libvirt, "-");
	snprintf(f->qemu, sizeof f->qemu, "-");
	accel_probe(QEMU_BIN_DEFAULT, 0, &p);
	f->kvm = accel_kvm_usable(&p);
	f->cpus = cpus > 0 ? (int)cpus : 0;
	if (sysinfo(&si) == 0) {
		f->mem_total = (uint64_t)si.totalram * si.mem_unit;
		f->mem_free = (uint64_t)(si.freeram + si.bufferram) * si.mem_unit;
	}
}

static json_t *
cmd_host_json(const char *name, const char *uri, const char *address, int nodes,
    const struct remote_facts *f)
{
	json_t *o = json_pack("{s:s, s:s?, s:s, s:i, s:b}", "name", name, "uri", uri,
	    "address", address, "nodes", nodes, "reachable", f->reachable);

	if (f->reachable) {
		json_object_set_new(o, "libvirt", json_string(f->libvirt));
		json_object_set_new(o, "qemu", json_string(f->qemu));
		json_object_set_new(o, "kvm", json_boolean(f->kvm));
		json_object_set_new(o, "cpus", json_integer(f->cpus));
		json_object_set_new(o, "mem_total", json_integer((json_int_t)f->mem_total));
		json_object_set_new(o, "mem_free", json_integer((json_int_t)f->mem_free));
	} else
		json_object_set_new(o, "error", json_string(f->error));
	json_object_set_new(o, "elapsed_ms", json_integer(f->elapsed_ms));
	return o;
}

static void
cmd_host_row(const char *name, const char *uri, int nodes, const struct remote_facts *f)
{
	char mem[32];
	char *shown = cli_shown(uri);

	if (f->reachable)
		printf("%-16s %-11s %-8s %-8s %-3s %4d %9s %5d  %s\n", name, "up", f->libvirt,
		    f->qemu, f->kvm ? "yes" : "no", f->cpus, fmt_size(f->mem_free, mem, sizeof mem),
		    nodes, shown);
	else
		printf("%-16s %-11s %-8s %-8s %-3s %4s %9s %5d  %s\n    %s\n", name, "unreachable",
		    "-", "-", "-", "-", "-", nodes, shown, f->error);
	free(shown);
}

int
cmd_host_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "host ls [--timeout S] [--json]";
	const char *timeout = NULL;
	const struct cli_opt opts[] = { { "--timeout", &timeout, NULL }, { NULL, NULL, NULL } };
	struct lab *lab;
	struct host *v;
	struct remote_facts local, *facts;
	const char **uris;
	size_t n;
	struct err e;
	char *pos[1];
	int npos, rc, secs = REMOTE_PROBE_MS / 1000, local_nodes;

	if ((lab = cli_start(c, argc, argv, opts, pos, 0, 0, &npos, usage, &rc)) == NULL)
		return rc;
	if (cli_int(timeout, "--timeout", 1, 600, &secs) != 0)
		return 2;
	if (host_list(lab, &v, &n, &e) != 0 || (local_nodes = host_local_nodes(lab, &e)) < 0)
		return cli_fail("%s", e.msg);
	uris = xcalloc(n ? n : 1, sizeof *uris);
	facts = xcalloc(n ? n : 1, sizeof *facts);
	for (size_t i = 0; i < n; i++)
		uris[i] = v[i].uri;
	remote_probe_many(uris, n, secs * 1000, facts);
	cmd_host_local(&local);
	if (c->json) {
		json_t *a = json_array();
		json_array_append_new(a, cmd_host_json(HOST_LOCAL, NULL, "", local_nodes, &local));
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, cmd_host_json(v[i].name, v[i].uri, v[i].address,
			    v[i].nodes, &facts[i]));
		rc = cli_json_out(a);
	} else {
		printf("%-16s %-11s %-8s %-8s %-3s %4s %9s %5s  %s\n", "NAME", "STATE", "LIBVIRT",
		    "QEMU", "KVM", "CPUS", "FREE-MEM", "NODES", "URI");
		cmd_host_row(HOST_LOCAL, "-", local_nodes, &local);
		for (size_t i = 0; i < n; i++)
			cmd_host_row(v[i].name, v[i].uri, v[i].nodes, &facts[i]);
		rc = 0;
	}
	free(uris);
	free(facts);
	host_list_free(v, n);
	return rc;
}
