/*
 * cmd-appliance.c: `sandlab appliance show FILE`: the template a GNS3
 * appliance file would make, and every field it cannot map with the
 * reason; `appliance import FILE`: its files imported and the template
 * made. Reading, mapping and importing are appliance.c's; this prints,
 * each text from the file sanitised.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appliance.h"
#include "labfile.h"
#include "qemuprobe.h"

/* The store maps qemu.adapter_type by its form; whether this QEMU offers
 * the model is the probe's to say, so one it lacks moves from mapped to
 * unmapped, with what it offers. */
static void
appliance_nic_offered(struct lab *lab, json_t *o)
{
	json_t *t = json_object_get(o, "template"), *mapped = json_object_get(o, "mapped");
	const char *model = json_string_value(json_object_get(t, "nic_model"));
	const char *arch = json_string_value(json_object_get(json_object_get(t, "machine"), "arch"));
	struct err e;
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(json_object_get(t, "ports"), "adapters"), i, v) {
		/* a custom adapter's model: only the model is left out */
		const char *am = json_string_value(json_object_get(v, "model"));
		char field[96];
		if (am == NULL || qemuprobe_check_nic(lab, am, arch ? arch : "x86_64", "adapter_type", &e) == 0)
			continue;
		snprintf(field, sizeof field, "qemu.custom_adapters (adapter %d).adapter_type",
		    (int)json_integer_value(json_object_get(v, "adapter")));
		json_array_append_new(json_object_get(o, "unmapped"), json_pack("{s:s, s:s, s:s}", "field",
		    field, "value", am, "reason", e.msg));
		json_object_del(v, "model");
	}
	if (model == NULL || qemuprobe_check_nic(lab, model, arch ? arch : "x86_64", "qemu.adapter_type",
	    &e) == 0)
		return;
	json_array_append_new(json_object_get(o, "unmapped"), json_pack("{s:s, s:s, s:s}", "field",
	    "qemu.adapter_type", "value", model, "reason", e.msg));
	json_array_foreach(mapped, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), "qemu.adapter_type") == 0) {
			json_array_remove(mapped, i);
			break;
		}
	}
	json_object_del(t, "nic_model");
}

static void appliance_print(const char *key, const char *val);

/* The port names a template would give its NICs: "eth0 Gi0/0, eth1 Gi0/1",
 * and each custom adapter's model and MAC. */
static void
appliance_print_ports(json_t *p)
{
	json_t *v;
	size_t i;
	char *line = xstrdup("");

	json_array_foreach(json_object_get(p, "names"), i, v) {
		char *n = xasprintf("%s%seth%zu %s", line, i ? ", " : "", i,
		    json_string_value(v)[0] ? json_string_value(v) : "-");
		free(line);
		line = n;
	}
	appliance_print("port names", line);
	free(line);
	json_array_foreach(json_object_get(p, "adapters"), i, v) {
		const char *m = json_string_value(json_object_get(v, "model"));
		const char *mac = json_string_value(json_object_get(v, "mac"));
		line = xasprintf("eth%d%s%s%s%s", (int)json_integer_value(json_object_get(v, "adapter")),
		    m ? " model " : "", m ? m : "", mac ? " mac " : "", mac ? mac : "");
		if (m || mac)
			appliance_print("adapter", line);
		free(line);
	}
}

/* "  key:  value", a text's lines under each other, each sanitised. */
static void
appliance_print(const char *key, const char *val)
{
	char first[64];

	snprintf(first, sizeof first, "  %-10s ", key);
	cli_print_lines(first, "             ", val);
}

static void
appliance_print_text(json_t *o)
{
	json_t *t = json_object_get(o, "template"), *v, *versions = json_object_get(o, "versions");
	const char *key, *ver = json_string_value(json_object_get(o, "version"));
	char *name = cli_shown(json_string_value(json_object_get(o, "name")) ?
	    json_string_value(json_object_get(o, "name")) : "(no name)");
	size_t i, n = json_array_size(versions);

	printf("appliance: %s (registry version %d)", name,
	    (int)json_integer_value(json_object_get(o, "registry_version")));
	free(name);
	if (ver) {
		char *vs = cli_shown(ver);
		printf(", version %s of %zu", vs, n);
		free(vs);
	}
	printf("\ntemplate it would make:\n");
	json_object_foreach(t, key, v) {
		char num[32];
		if (strcmp(key, "ports") == 0) {
			appliance_print_ports(v);
			continue;
		}
		if (strcmp(key, "disks") == 0) {
			json_t *d;
			size_t k;
			json_array_foreach(v, k, d) {
				char *line = xasprintf("%.3s %s on %s", json_string_value(json_object_get(d, "slot")),
				    json_string_value(json_object_get(d, "file")),
				    json_string_value(json_object_get(d, "bus")));
				appliance_print("disk", line);
				free(line);
			}
			continue;
		}
		if (json_is_object(v)) {
			const char *k2;
			json_t *v2;
			json_object_foreach(v, k2, v2)
				appliance_print(k2, json_string_value(v2));
			continue;
		}
		if (json_is_integer(v))
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		appliance_print(key, json_is_integer(v) ? num : json_string_value(v) ? json_string_value(v) : "");
	}
	if (json_object_size(json_object_get(o, "images")) > 0)
		printf("files of this version:\n");
	json_object_foreach(json_object_get(o, "images"), key, v) {
		const char *md5 = json_string_value(json_object_get(v, "md5sum"));
		char size[48] = "";
		if (json_is_integer(json_object_get(v, "filesize")))
			snprintf(size, sizeof size, ", %lld bytes", (long long)json_integer_value(json_object_get(v, "filesize")));
		char *line = xasprintf("%s%s%s%s", json_string_value(json_object_get(v, "file")),
		    md5 ? ", md5 " : "", md5 ? md5 : "", size);
		char first[64];
		snprintf(first, sizeof first, "  %-15s ", key);
		cli_print_lines(first, "", line);
		free(line);
	}
	printf("mapped: %zu field%s\n", json_array_size(json_object_get(o, "mapped")),
	    json_array_size(json_object_get(o, "mapped")) == 1 ? "" : "s");
	printf("unmapped: %zu field%s\n", json_array_size(json_object_get(o, "unmapped")),
	    json_array_size(json_object_get(o, "unmapped")) == 1 ? "" : "s");
	json_array_foreach(json_object_get(o, "unmapped"), i, v) {
		char *f = cli_shown(json_string_value(json_object_get(v, "field")));
		char *val = cli_shown(json_string_value(json_object_get(v, "value")));
		char *why = cli_shown(json_string_value(json_object_get(v, "reason")));
		printf("  %s %s: %s\n", f, val, why);
		free(f);
		free(val);
		free(why);
	}
	json_array_foreach(json_object_get(o, "notes"), i, v) {
		char *s = cli_shown(json_string_value(v));
		printf("note: %s\n", s);
		free(s);
	}
}

/* Reads and maps FILE: 0 with *o, or 1 after printing why. */
static int
appliance_load(const char *path, const char *version, json_t **o)
{
	char *text, *shown = cli_shown(path);
	struct err e;
	size_t len;
	int rc = 0;

	if (labfile_read(path, &text, &len, &e) != 0)
		rc = cli_fail("%s", e.msg);
	else {
		if (appliance_read(text, len, version, o, &e) != 0)
			rc = cli_fail("%s: %s", shown, e.msg);
		free(text);
	}
	free(shown);
	return rc;
}

static void
appliance_progress(const char *file, void *arg)
{
	char *shown = cli_shown(file);

	if (!*(int *)arg)
		fprintf(stderr, "importing %s\n", shown);
	free(shown);
}

int
cmd_appliance_import(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "appliance import FILE [--version V] [--images DIR] [--name NAME]";
	const char *version = NULL, *dir = NULL, *name = NULL;
	struct cli_opt opts[] = { { "--version", &version, NULL }, { "--images", &dir, NULL },
	    { "--name", &name, NULL }, { 0 } };
	char *pos[1], tname[64];
	struct lab *lab;
	json_t *o;
	struct err e;
	int npos, rc;

	if (cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (appliance_load(pos[0], version, &o) != 0)
		return 1;
	if ((lab = cli_lab(c)) == NULL) {
		json_decref(o);
		return 1;
	}
	appliance_nic_offered(lab, o);
	rc = appliance_import(lab, o, pos[0], dir, name, tname, appliance_progress, &c->json, &e);
	json_decref(o);
	if (rc != 0)
		return cli_fail("%s (nothing was imported)", e.msg);
	if (c->json)
		return cli_json_out(json_pack("{s:s}", "template", tname));
	printf("created template %s (see: sandlab template show %s; sandlab node create NAME --template %s)\n",
	    tname, tname, tname);
	return 0;
}

int
cmd_appliance_show(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "appliance show FILE [--version V] [--json]";
	const char *version = NULL;
	struct cli_opt opts[] = { { "--version", &version, NULL }, { 0 } };
	struct lab *lab;
	char *pos[1];
	json_t *o;
	int npos;

	if (cli_parse(argc, argv, opts, pos, 1, &npos, usage) != 0)
		return 2;
	if (npos != 1)
		return cli_usage(usage);
	if (appliance_load(pos[0], version, &o) != 0)
		return 1;
	if ((lab = cli_lab(c)) == NULL) {
		json_decref(o);
		return 1;
	}
	appliance_nic_offered(lab, o);
	if (c->json)
		return cli_json_out(o);
	appliance_print_text(o);
	json_decref(o);
	return 0;
}
