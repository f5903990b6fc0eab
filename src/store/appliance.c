/*
 * appliance.c: a GNS3 appliance file mapped onto a template, and its
 * import: files found by name, checked (size, md5 through nettle),
 * imported by image.h's checks. Each value
 * is checked by the module that owns it (hw.h, nic.h, node.h, template.h)
 * before it is called mapped; the rest goes to `unmapped` with the
 * reason. qemu.options is free QEMU text: it is split into words and only
 * the options sandlab models are taken; no word of it is ever passed on.
 */
#include "appliance.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/md5.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw.h"
#include "image.h"
#include "import.h"
#include "lab.h"
#include "name.h"
#include "nic.h"
#include "node.h"
#include "portname.h"
#include "sanitize.h"
#include "template.h"

struct appl {
	json_t *out, *tpl, *machine, *mapped, *unmapped, *notes;
};

/* The value as short JSON text for a message or the unmapped list. */
static char *
appl_value_text(json_t *v)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	if (s == NULL)
		return xstrdup("");
	if (strlen(s) > 120)
		strcpy(s + 117, "...");
	return s;
}

static void __attribute__((format(printf, 4, 5)))
appl_unmapped(struct appl *a, const char *field, json_t *v, const char *fmt, ...)
{
	char why[512], *val = appl_value_text(v);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	json_array_append_new(a->unmapped, json_pack("{s:s, s:s, s:s}", "field", field, "value", val,
	    "reason", why));
	free(val);
}

static void
appl_mapped(struct appl *a, const char *field)
{
	json_array_append_new(a->mapped, json_string(field));
}

/* A machine field (hw.h) checked, or unmapped with hw_check's reason. */
static int
appl_hw(struct appl *a, const char *field, json_t *v, enum hw_key k, const char *val)
{
	struct err e;

	if (hw_check(k, val, &e) != 0) {
		appl_unmapped(a, field, v, "%s", e.msg);
		return -1;
	}
	json_object_set_new(a->machine, hw_fields[k].name, json_string(val));
	return 0;
}

/* The value paired with word in map (GNS3's word, sandlab's), or NULL. */
static const char *
appl_word(const char *const map[][2], const char *word)
{
	for (int i = 0; map[i][0]; i++)
		if (strcmp(map[i][0], word) == 0)
			return map[i][1];
	return NULL;
}

static const char *const appl_nic_models[][2] = {
	{ "e1000", "e1000" }, { "virtio-net-pci", "virtio-net-pci" }, { "virtio", "virtio-net-pci" },
	{ NULL, NULL },
};
/* Why -bios among the options is left out, unless it names OVMF (UEFI,
 * which sandlab boots from the host's own OVMF): it names a file on the
 * GNS3 server; the appliance's own ROM comes as bios_image (a --bios
 * image). */
static const char appl_no_bios[] = "-bios names a file of the GNS3 server; an appliance gives its "
    "firmware ROM as bios_image, which becomes the template's --bios";

static const char *const appl_buses[][2] = {
	{ "ide", "ide" }, { "sata", "sata" }, { "scsi", "scsi" }, { "virtio", "virtio" }, { NULL, NULL },
};
static const char *const appl_kvm[][2] = {
	{ "require", "kvm" }, { "allow", "auto" }, { "disable", "tcg" }, { NULL, NULL },
};

/* An integer field into the template, checked by check. */
static void
appl_int(struct appl *a, const char *field, json_t *v, const char *key, int (*check)(long, struct err *))
{
	struct err e;

	if (!json_is_integer(v)) {
		appl_unmapped(a, field, v, "a whole number is needed");
		return;
	}
	if (check(json_integer_value(v), &e) != 0) {
		appl_unmapped(a, field, v, "%s", e.msg);
		return;
	}
	json_object_set_new(a->tpl, key, json_integer(json_integer_value(v)));
	appl_mapped(a, field);
}

/* qemu.options: words; the options sandlab models are taken, every other
 * word is listed. */
static void
appl_options(struct appl *a, json_t *v)
{
	char *copy, *save = NULL, *w;

	if (!json_is_string(v)) {
		appl_unmapped(a, "qemu.options", v, "a string of QEMU options is needed");
		return;
	}
	copy = xstrdup(json_string_value(v));
	for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		const char *arg = NULL;
		char field[64], first[128];
		int takes = strcmp(w, "-cpu") == 0 || strcmp(w, "-machine") == 0 || strcmp(w, "-M") == 0 ||
		    strcmp(w, "-smp") == 0 || strcmp(w, "-vga") == 0 || strcmp(w, "-bios") == 0;
		json_t *jw;
		if (takes && (arg = strtok_r(NULL, " \t\n", &save)) == NULL) {
			/* appl_unmapped borrows the value */
			jw = json_string(w);
			appl_unmapped(a, "qemu.options", jw, "%s needs a value", w);
			json_decref(jw);
			break;
		}
		snprintf(field, sizeof field, "qemu.options %s", w);
		jw = json_string(arg ? arg : w);
		snprintf(first, sizeof first, "%.*s", arg ? (int)strcspn(arg, ",") : 0, arg ? arg : "");
		if (jw == NULL)
			jw = json_string("(not UTF-8)");
		if (strcmp(w, "-cpu") == 0) {
			if (strchr(arg, ',') != NULL)
				appl_unmapped(a, field, jw, "CPU features (after a comma) are not modelled; "
				    "give the model alone with --cpu-model");
			else if (appl_hw(a, field, jw, HW_CPU_MODEL, arg) == 0)
				appl_mapped(a, field);
		} else if (strcmp(w, "-machine") == 0 || strcmp(w, "-M") == 0) {
			const char *type = strncmp(first, "type=", 5) == 0 ? first + 5 : first;
			/* versioned types are the same machines */
			const char *m = strcmp(type, "q35") == 0 || strncmp(type, "pc-q35", 6) == 0 ? "q35" :
			    strcmp(type, "pc") == 0 || strncmp(type, "pc-i440fx", 9) == 0 ? "pc" : NULL;
			if (m == NULL)
				appl_unmapped(a, field, jw, "sandlab runs the machines pc and q35");
			else if (strchr(arg, ',') != NULL)
				appl_unmapped(a, field, jw, "the machine type is taken (%s); its other properties "
				    "are not modelled", m);
			if (m != NULL && appl_hw(a, field, jw, HW_MACHINE, m) == 0 && strchr(arg, ',') == NULL)
				appl_mapped(a, field);
		} else if (strcmp(w, "-smp") == 0) {
			long n;
			struct err e;
			const char *num = strncmp(first, "cpus=", 5) == 0 ? first + 5 : first;
			if (parse_int(num, 1, NODE_CPUS_MAX, &n) != 0 || node_check_cpus(n, &e) != 0)
				appl_unmapped(a, field, jw, "a CPU count from 1 to %d is needed", NODE_CPUS_MAX);
			else {
				json_object_set_new(a->tpl, "cpus", json_integer(n));
				if (strchr(arg, ',') != NULL)
					appl_unmapped(a, field, jw, "the CPU count is taken (%ld); sockets, cores "
					    "and threads are not modelled", n);
				else
					appl_mapped(a, field);
			}
		} else if (strcmp(w, "-vga") == 0) {
			if (appl_hw(a, field, jw, HW_VGA, arg) == 0)
				appl_mapped(a, field);
		} else if (strcmp(w, "-nographic") == 0) {
			json_object_set_new(a->machine, hw_fields[HW_VGA].name, json_string("none"));
			appl_mapped(a, field);
		} else if (strcmp(w, "-bios") == 0) {
			const char *base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
			if (strncasecmp(base, "OVMF", 4) != 0)
				appl_unmapped(a, field, jw, "%s", appl_no_bios);
			else if (appl_hw(a, field, jw, HW_FIRMWARE, "uefi") == 0) {
				appl_mapped(a, field);
				json_array_append_new(a->notes, json_sprintf("qemu.options -bios %s: UEFI, booted "
				    "from the host's OVMF (--firmware uefi), not from that file", base));
			}
		} else {
			/* an option with its value, when one follows */
			char *opt = xstrdup(w), *peek = save ? save + strspn(save, " \t\n") : NULL;
			if (w[0] == '-' && peek && *peek && *peek != '-') {
				char *val = strtok_r(NULL, " \t\n", &save);
				free(opt);
				opt = xasprintf("%s %s", w, val);
			}
			json_decref(jw);
			if ((jw = json_string(opt)) == NULL)
				jw = json_string("(not UTF-8)");
			appl_unmapped(a, "qemu.options", jw, "an option sandlab does not model; it is never "
			    "passed to QEMU");
			free(opt);
		}
		json_decref(jw);
	}
	free(copy);
}

/* The qemu object: the machine. Returns -1 (with e) only for an
 * architecture sandlab does not run. */
static int
appl_qemu(struct appl *a, json_t *q, struct err *e)
{
	const char *key;
	json_t *v;
	char field[96];

	json_object_foreach(q, key, v) {
		const char *s = json_string_value(v), *m;
		snprintf(field, sizeof field, "qemu.%s", key);
		if (strcmp(key, "adapter_type") == 0) {
			struct err why;
			m = s ? appl_word(appl_nic_models, s) : NULL;
			if (s && m == NULL && nic_model_check(s, &why) == 0)
				m = s;  /* a model QEMU names the same way */
			if (m == NULL) {
				nic_model_check(s ? s : "", &why);
				appl_unmapped(a, field, v, "%s", why.msg);
				continue;
			}
			json_object_set_new(a->tpl, "nic_model", json_string(m));
			appl_mapped(a, field);
		} else if (strcmp(key, "adapters") == 0) {
			appl_int(a, field, v, "nics", node_check_nics);
		} else if (strcmp(key, "ram") == 0) {
			appl_int(a, field, v, "ram_mb", node_check_ram);
		} else if (strcmp(key, "cpus") == 0) {
			appl_int(a, field, v, "cpus", node_check_cpus);
		} else if (strcmp(key, "custom_adapters") == 0) {
			continue;   /* with the port names: appl_ports */
		} else if (strcmp(key, "hda_disk_interface") == 0) {
			if (s == NULL || (m = appl_word(appl_buses, s)) == NULL)
				appl_unmapped(a, field, v, "the boot disk's bus is virtio, ide, sata or scsi");
			else if (appl_hw(a, field, v, HW_DISK_BUS, m) == 0)
				appl_mapped(a, field);
		} else if (strcmp(key, "hdb_disk_interface") == 0 || strcmp(key, "hdc_disk_interface") == 0 ||
		    strcmp(key, "hdd_disk_interface") == 0) {
			/* with the disk image, if the version has one: appl_disks */
			continue;
		} else if (strcmp(key, "arch") == 0) {
			if (s == NULL || (strcmp(s, "x86_64") != 0 && strcmp(s, "i386") != 0)) {
				char *val = appl_value_text(v), shown[128];
				sanitize_to(val, strlen(val), shown, sizeof shown);
				free(val);
				return err_set(e, "qemu.arch %s: sandlab runs x86_64 and i386 guests only "
				    "(qemu-system-x86_64 and qemu-system-i386)", shown);
			}
			appl_hw(a, field, v, HW_ARCH, s);
			appl_mapped(a, field);
		} else if (strcmp(key, "console_type") == 0) {
			if (s && strcmp(s, "telnet") == 0)
				json_object_set_new(a->tpl, "console", json_string("serial"));
			else if (s && strcmp(s, "vnc") == 0)
				json_object_set_new(a->tpl, "console", json_string("vnc"));
			else if (s && (strcmp(s, "spice") == 0 || strcmp(s, "spice+agent") == 0)) {
				json_object_set_new(a->tpl, "console", json_string("vnc"));
				json_array_append_new(a->notes, json_sprintf("qemu.console_type %s: the graphic "
				    "console is VNC (sandlab offers no SPICE)", s));
			} else {
				appl_unmapped(a, field, v, "the console is telnet (serial), vnc, spice or spice+agent");
				continue;
			}
			appl_mapped(a, field);
		} else if (strcmp(key, "kvm") == 0) {
			if (s == NULL || (m = appl_word(appl_kvm, s)) == NULL) {
				appl_unmapped(a, field, v, "kvm is require, allow or disable");
				continue;
			}
			json_object_set_new(a->tpl, "accel", json_string(m));
			appl_mapped(a, field);
		} else if (strcmp(key, "boot_priority") == 0) {
			char order[32] = "";
			int ok = s != NULL && strlen(s) <= 3 && s[0] != '\0';
			for (const char *p = s ? s : ""; ok && *p; p++) {
				const char *d = *p == 'c' ? "disk" : *p == 'd' ? "cdrom" : *p == 'n' ? "network" : NULL;
				if (d == NULL)
					ok = 0;
				else
					snprintf(order + strlen(order), sizeof order - strlen(order), "%s%s",
					    order[0] ? "," : "", d);
			}
			if (!ok)
				appl_unmapped(a, field, v, "a boot order of c (disk), d (cdrom) and n (network)");
			else if (appl_hw(a, field, v, HW_BOOT, order) == 0)
				appl_mapped(a, field);
		} else if (strcmp(key, "kernel_command_line") == 0) {
			if (s == NULL)
				appl_unmapped(a, field, v, "a string is needed");
			else if (s[0] && appl_hw(a, field, v, HW_APPEND, s) == 0)
				appl_mapped(a, field);
		} else if (strcmp(key, "on_close") == 0) {
			if (s && strcmp(s, "shutdown_signal") == 0)
				appl_mapped(a, field);  /* what node stop does: ACPI, then quit */
			else if (s && strcmp(s, "power_off") == 0)
				appl_unmapped(a, field, v, "node stop sends an ACPI powerdown first; node kill powers "
				    "off at once");
			else
				appl_unmapped(a, field, v, "node stop sends an ACPI powerdown; the VM state is not saved");
		} else if (strcmp(key, "options") == 0) {
			appl_options(a, v);
		} else
			appl_unmapped(a, field, v, "not modelled by sandlab");
	}
	return 0;
}

/* Whether p names the most NICs a node has without a collision (what
 * template_apply asks); 0, or -1 with the reason in e. */
static int
appl_ports_ok(const struct portname_spec *p, struct err *e)
{
	char names[PORTNAME_ADAPTERS][PORTNAME_MAX];

	return portname_names(p, PORTNAME_ADAPTERS, names, e);
}

/* One entry of qemu.custom_adapters into *ad: each of its values checked
 * (a bad one is left out with its reason, the rest kept). 0, or -1 when
 * the entry names no NIC sandlab has. */
static int
appl_adapter(struct appl *a, size_t i, json_t *c, struct portname_adapter *ad)
{
	json_t *num = json_object_get(c, "adapter_number"), *v;
	char field[96];
	const char *key;
	struct err e;

	memset(ad, 0, sizeof *ad);
	snprintf(field, sizeof field, "qemu.custom_adapters[%zu]", i);
	if (!json_is_object(c) || !json_is_integer(num) || json_integer_value(num) < 0 ||
	    json_integer_value(num) >= PORTNAME_ADAPTERS) {
		appl_unmapped(a, field, c, "an adapter_number from 0 to %d is needed (a node has at most %d "
		    "NICs)", PORTNAME_ADAPTERS - 1, PORTNAME_ADAPTERS);
		return -1;
	}
	ad->idx = (int)json_integer_value(num);
	json_object_foreach(c, key, v) {
		const char *s = json_string_value(v), *m;
		snprintf(field, sizeof field, "qemu.custom_adapters[%zu].%s", i, key);
		if (strcmp(key, "adapter_number") == 0)
			continue;
		if (strcmp(key, "port_name") == 0) {
			if (s == NULL || portname_check(s, &e) != 0)
				appl_unmapped(a, field, v, "%s", s ? e.msg : "a string is needed");
			else
				snprintf(ad->name, sizeof ad->name, "%s", s);
		} else if (strcmp(key, "adapter_type") == 0) {
			m = s ? appl_word(appl_nic_models, s) : NULL;
			if (s && m == NULL && nic_model_check(s, &e) == 0)
				m = s;
			if (m == NULL) {
				nic_model_check(s ? s : "", &e);
				appl_unmapped(a, field, v, "%s", e.msg);
			} else
				snprintf(ad->model, sizeof ad->model, "%s", m);
		} else if (strcmp(key, "mac_address") == 0) {
			if (s == NULL || nic_mac_parse(s, ad->mac, &e) != 0) {
				appl_unmapped(a, field, v, "%s", s ? e.msg : "a string is needed");
				ad->mac[0] = '\0';
			}
		} else
			appl_unmapped(a, field, v, "not modelled by sandlab");
	}
	return 0;
}

/* The NICs' port names: port_name_format, first_port_name and
 * port_segment_size at the top and qemu.custom_adapters, checked
 * together as a template will check them (portname.h). A value that
 * cannot be taken, or that would give two NICs one name, is left out
 * with its reason. Into template.ports: {format, first, segment,
 * adapters [{adapter, port, model, mac}], names [for its NICs]}. */
static void
appl_ports(struct appl *a, json_t *root, json_t *q)
{
	json_t *fmt = json_object_get(root, "port_name_format"), *first = json_object_get(root, "first_port_name");
	json_t *seg = json_object_get(root, "port_segment_size"), *ca = json_object_get(q, "custom_adapters");
	json_t *out = json_object(), *adapters = json_array(), *names = json_array(), *c;
	struct portname_spec p = { 0 };
	char nm[PORTNAME_ADAPTERS][PORTNAME_MAX];
	struct err e;
	size_t i;
	int nics;

	if (seg && (!json_is_integer(seg) || json_integer_value(seg) < 0 ||
	    json_integer_value(seg) > PORTNAME_SEGMENT_MAX)) {
		appl_unmapped(a, "port_segment_size", seg, "a whole number from 0 to %d is needed",
		    PORTNAME_SEGMENT_MAX);
		seg = NULL;
	}
	p.segment = seg ? (int)json_integer_value(seg) : 0;
	if (fmt) {
		const char *f = json_string_value(fmt);
		if (f == NULL || strlen(f) >= sizeof p.format)
			appl_unmapped(a, "port_name_format", fmt, "a text of at most %d bytes is needed",
			    (int)sizeof p.format - 1);
		else if (portname_check_format(f, p.segment, &e) != 0)
			appl_unmapped(a, "port_name_format", fmt, "%s", e.msg);
		else {
			snprintf(p.format, sizeof p.format, "%s", f);
			appl_mapped(a, "port_name_format");
		}
	}
	if (seg && p.format[0])
		appl_mapped(a, "port_segment_size");
	else if (seg)
		appl_unmapped(a, "port_segment_size", seg, "it counts the ports of a port_name_format, "
		    "and there is none");
	p.segment = p.format[0] ? p.segment : 0;
	if (first) {
		const char *f = json_string_value(first);
		if (f == NULL || portname_check(f, &e) != 0)
			appl_unmapped(a, "first_port_name", first, "%s", f ? e.msg : "a string is needed");
		else {
			snprintf(p.first, sizeof p.first, "%s", f);
			if (appl_ports_ok(&p, &e) != 0) {
				appl_unmapped(a, "first_port_name", first, "%s", e.msg);
				p.first[0] = '\0';
			} else
				appl_mapped(a, "first_port_name");
		}
	}
	if (ca && !json_is_array(ca))
		appl_unmapped(a, "qemu.custom_adapters", ca, "a list of adapters is needed");
	json_array_foreach(ca, i, c) {
		struct portname_adapter ad;
		char field[64];
		snprintf(field, sizeof field, "qemu.custom_adapters[%zu]", i);
		if (appl_adapter(a, i, c, &ad) != 0)
			continue;
		if (portname_adapter(&p, ad.idx) != NULL) {
			appl_unmapped(a, field, c, "adapter %d is given twice", ad.idx);
			continue;
		}
		p.adapters[p.nadapters++] = ad;
		if (appl_ports_ok(&p, &e) != 0) {
			appl_unmapped(a, field, c, "%s", e.msg);
			p.nadapters--;
			continue;
		}
		if (ad.name[0] || ad.model[0] || ad.mac[0]) {
			json_t *o = json_pack("{s:i}", "adapter", ad.idx);
			if (ad.name[0])
				json_object_set_new(o, "port", json_string(ad.name));
			if (ad.model[0])
				json_object_set_new(o, "model", json_string(ad.model));
			if (ad.mac[0])
				json_object_set_new(o, "mac", json_string(ad.mac));
			json_array_append_new(adapters, o);
			appl_mapped(a, field);
		}
	}
	if (!portname_spec_any(&p)) {
		json_decref(out);
		json_decref(adapters);
		json_decref(names);
		return;
	}
	if (p.format[0])
		json_object_set_new(out, "format", json_string(p.format));
	if (p.first[0])
		json_object_set_new(out, "first", json_string(p.first));
	if (p.segment)
		json_object_set_new(out, "segment", json_integer(p.segment));
	json_object_set_new(out, "adapters", adapters);
	nics = json_is_integer(json_object_get(a->tpl, "nics")) ?
	    (int)json_integer_value(json_object_get(a->tpl, "nics")) : NODE_NICS_DEFAULT;
	if (portname_names(&p, nics, nm, &e) == 0)
		for (int k = 0; k < nics; k++)
			json_array_append_new(names, json_string(nm[k][0] ? nm[k] : ""));
	json_object_set_new(out, "names", names);
	json_object_set_new(a->tpl, "ports", out);
}

/* Appends "\nPREFIX VAL" (no newline first when *s is empty). */
static void
appl_line(char **s, const char *prefix, const char *val)
{
	char *n;

	if (val == NULL)
		return;
	n = xasprintf("%s%s%s%s", *s, (*s)[0] ? "\n" : "", prefix, val);
	free(*s);
	*s = n;
}

/* The usage text, with the login the file gives. */
static void
appl_usage(struct appl *a, json_t *root)
{
	char *u = xstrdup("");
	struct err why;

	appl_line(&u, "", json_string_value(json_object_get(root, "usage")));
	appl_line(&u, "Username: ", json_string_value(json_object_get(root, "default_username")));
	appl_line(&u, "Password: ", json_string_value(json_object_get(root, "default_password")));
	if (u[0] && template_check_usage(u, &why) != 0)
		appl_unmapped(a, "usage", json_object_get(root, "usage"), "%s", why.msg);
	else if (u[0]) {
		json_object_set_new(a->tpl, "usage", json_string(u));
		appl_mapped(a, "usage");
	}
	free(u);
}

/* Fields of the appliance that describe it and make nothing. */
static const char *const appl_meta[] = {
	"name", "category", "description", "vendor_name", "vendor_url", "vendor_logo_url",
	"documentation_url", "product_name", "product_url", "registry_version", "status",
	"availability", "maintainer", "maintainer_email", "symbol", "installation_instructions",
	"qemu", "images", "versions", "usage", "default_username", "default_password", NULL,
};

/* The image slots of a version, and what each becomes. */
static const char *const appl_slots[][2] = {
	{ "hda_disk_image", "image" }, { "cdrom_image", "cdrom" }, { "kernel_image", "kernel" },
	{ "initrd", "initrd" }, { "bios_image", "bios" }, { NULL, NULL },
};

/* The extra disk slots and the interface that gives each one's bus. */
static const char *const appl_disk_slots[][2] = {
	{ "hdb_disk_image", "hdb_disk_interface" }, { "hdc_disk_image", "hdc_disk_interface" },
	{ "hdd_disk_image", "hdd_disk_interface" }, { NULL, NULL },
};

/* hdb_disk_image to hdd_disk_image of the chosen version's images (vimg)
 * into template.disks [{slot, file, bus}], in slot order, each on the bus
 * its hdX_disk_interface names (virtio when none), checked as a node's
 * extra disks are against the boot disk's bus (disk_check_buses): a disk
 * past a bus's limit is left out with the reason, and not imported. */
static void
appl_disks(struct appl *a, json_t *root, json_t *vimg)
{
	json_t *q = json_object_get(root, "qemu"), *out = json_array();
	const char *boot = json_string_value(json_object_get(a->machine, hw_fields[HW_DISK_BUS].name));
	struct disk v[3];
	int n = 0;
	struct err e;

	memset(v, 0, sizeof v);
	for (int i = 0; appl_disk_slots[i][0]; i++) {
		json_t *f = json_object_get(vimg, appl_disk_slots[i][0]), *iv = json_object_get(q, appl_disk_slots[i][1]);
		const char *file = json_string_value(f), *is = json_string_value(iv);
		const char *bus = is ? appl_word(appl_buses, is) : NULL;
		char field[96], ifield[64];
		if (file == NULL)
			continue;
		snprintf(field, sizeof field, "images.%s", appl_disk_slots[i][0]);
		snprintf(ifield, sizeof ifield, "qemu.%s", appl_disk_slots[i][1]);
		if (iv && bus == NULL)
			appl_unmapped(a, ifield, iv, "a disk's bus is virtio, ide, sata or scsi: this disk goes on virtio");
		snprintf(v[n].bus, sizeof v[n].bus, "%s", bus ? bus : "virtio");
		if (disk_check_buses(boot ? boot : hw_fields[HW_DISK_BUS].dflt, v, n + 1, &e) != 0) {
			appl_unmapped(a, field, f, "%s", e.msg);
			continue;
		}
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "slot", appl_disk_slots[i][0], "file", file,
		    "bus", v[n].bus));
		appl_mapped(a, field);
		if (iv && bus)
			appl_mapped(a, ifield);
		n++;
	}
	if (json_array_size(out))
		json_object_set_new(a->tpl, "disks", out);
	else
		json_decref(out);
}

/* versions[]: the one named version (or the first) into images and the
 * template's image fields. */
static int
appl_version(struct appl *a, json_t *root, const char *version, struct err *e)
{
	json_t *versions = json_object_get(root, "versions"), *files = json_object_get(root, "images");
	json_t *names = json_array(), *chosen = NULL, *v, *images = json_object();
	const char *slot;
	size_t i;

	json_object_set_new(a->out, "versions", names);
	json_object_set_new(a->out, "images", images);
	json_array_foreach(versions, i, v) {
		const char *n = json_string_value(json_object_get(v, "name"));
		if (n == NULL)
			continue;
		json_array_append_new(names, json_string(n));
		if (chosen == NULL && (version == NULL || strcmp(n, version) == 0))
			chosen = v;
	}
	if (chosen == NULL && version != NULL) {
		char shown[96], *list = appl_value_text(names), list_shown[256];
		sanitize_to(version, strlen(version), shown, sizeof shown);
		sanitize_to(list, strlen(list), list_shown, sizeof list_shown);
		free(list);
		return err_set(e, "no version \"%s\" in this appliance (its versions: %s)", shown,
		    json_array_size(names) ? list_shown : "none");
	}
	if (chosen == NULL) {
		json_object_set_new(a->out, "version", json_null());
		json_array_append_new(a->notes, json_string("the file lists no versions: no image files to import"));
		return 0;
	}
	json_object_set(a->out, "version", json_object_get(chosen, "name"));
	json_object_foreach(json_object_get(chosen, "images"), slot, v) {
		const char *file = json_string_value(v), *as = appl_word(appl_slots, slot);
		char field[96];
		json_t *img = json_object(), *f;
		if (file == NULL)
			continue;
		snprintf(field, sizeof field, "images.%s", slot);
		json_object_set_new(img, "file", json_string(file));
		json_array_foreach(files, i, f) {
			const char *fn = json_string_value(json_object_get(f, "filename"));
			if (fn && strcmp(fn, file) == 0) {
				if (json_is_string(json_object_get(f, "md5sum")))
					json_object_set(img, "md5sum", json_object_get(f, "md5sum"));
				if (json_is_integer(json_object_get(f, "filesize")))
					json_object_set(img, "filesize", json_object_get(f, "filesize"));
				break;
			}
		}
		json_object_set_new(images, slot, img);
		if (as != NULL) {
			json_object_set_new(strcmp(as, "image") == 0 ? a->tpl : a->machine, as, json_string(file));
			appl_mapped(a, field);
		} else if (appl_word(appl_disk_slots, slot) == NULL)
			appl_unmapped(a, field, v, "not an image slot sandlab knows");
	}
	appl_disks(a, root, json_object_get(chosen, "images"));
	return 0;
}

int
appliance_read(const char *text, size_t len, const char *version, json_t **out, struct err *e)
{
	struct appl a = { 0 };
	json_error_t jerr;
	json_t *root, *q, *v;
	const char *key, *kinds[] = { "dynamips", "iou", "docker", NULL };
	int rv;

	*out = NULL;
	if (len > APPLIANCE_SIZE_MAX)
		return err_set(e, "larger than %u KiB: not an appliance file", APPLIANCE_SIZE_MAX >> 10);
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		char shown[200];
		sanitize_to(jerr.text, strlen(jerr.text), shown, sizeof shown);
		return err_set(e, "not JSON: line %d, column %d: %s", jerr.line, jerr.column, shown);
	}
	if (!json_is_object(root) || !json_is_integer(json_object_get(root, "registry_version"))) {
		json_decref(root);
		return err_set(e, "not a GNS3 appliance: no registry_version");
	}
	rv = (int)json_integer_value(json_object_get(root, "registry_version"));
	if (rv < APPLIANCE_REGISTRY_MIN || rv > APPLIANCE_REGISTRY_MAX) {
		json_decref(root);
		return err_set(e, "registry_version %d: this sandlab reads versions %d to %d", rv,
		    APPLIANCE_REGISTRY_MIN, APPLIANCE_REGISTRY_MAX);
	}
	if (!json_is_object(q = json_object_get(root, "qemu"))) {
		for (int i = 0; kinds[i]; i++)
			if (json_object_get(root, kinds[i]) != NULL) {
				json_decref(root);
				return err_set(e, "a %s appliance: sandlab runs QEMU appliances only", kinds[i]);
			}
		json_decref(root);
		return err_set(e, "no qemu section: not a QEMU appliance");
	}
	a.out = json_object();
	a.tpl = json_object();
	a.machine = json_object();
	a.mapped = json_array();
	a.unmapped = json_array();
	a.notes = json_array();
	json_object_set(a.out, "name", json_object_get(root, "name") ? json_object_get(root, "name") : json_null());
	json_object_set_new(a.out, "registry_version", json_integer(rv));
	if (appl_qemu(&a, q, e) != 0 || appl_version(&a, root, version, e) != 0)
		goto fail;
	json_object_foreach(root, key, v) {
		int meta = 0;
		for (int i = 0; appl_meta[i]; i++)
			meta |= strcmp(appl_meta[i], key) == 0;
		if (strcmp(key, "port_name_format") == 0 || strcmp(key, "first_port_name") == 0 ||
		    strcmp(key, "port_segment_size") == 0)
			continue;   /* appl_ports */
		else if (strcmp(key, "linked_clone") == 0)
			appl_unmapped(&a, key, v, "every node runs on an overlay of its image");
		else if (!meta)
			appl_unmapped(&a, key, v, "not modelled by sandlab");
	}
	appl_ports(&a, root, q);
	appl_usage(&a, root);
	json_object_set_new(a.tpl, "machine", a.machine);
	json_object_set_new(a.out, "template", a.tpl);
	json_object_set_new(a.out, "mapped", a.mapped);
	json_object_set_new(a.out, "unmapped", a.unmapped);
	json_object_set_new(a.out, "notes", a.notes);
	json_decref(root);
	*out = a.out;
	return 0;
fail:
	json_decref(a.tpl);
	json_decref(a.machine);
	json_decref(a.mapped);
	json_decref(a.unmapped);
	json_decref(a.notes);
	json_decref(a.out);
	json_decref(root);
	return -1;
}

/* ---- import ---- */

/* A name name_check takes, from text: other characters become '-'. */
static void
appl_name(const char *text, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = text; *p && n + 1 < len && n < 63; p++) {
		char c = *p;
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (n > 0 && (c == '.' || c == '_' || c == '-'));
		if (ok || n > 0)
			out[n++] = ok ? c : '-';
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (n == 0)
		snprintf(out, len, "appliance");
}

/* The md5 of the open file fd as 32 hex digits. 0, or -1 with a message.
 * nettle, not GnuTLS: linked, GnuTLS and its seven libraries were a third
 * of the dynamic linker's work at every start of sandlab. */
static int
appl_md5(int fd, const char *shown, char hex[33], struct err *e)
{
	struct md5_ctx h;
	unsigned char buf[1 << 16], dig[MD5_DIGEST_SIZE];
	ssize_t got;

	md5_init(&h);
	while ((got = read(fd, buf, sizeof buf)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return err_sys(e, "cannot read %s", shown);
		md5_update(&h, (size_t)got, buf);
	}
	md5_digest(&h, sizeof dig, dig);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", dig[i]);
	return 0;
}

/* Finds file (a plain name) in the places, and checks its size and md5.
 * 0 with *found (caller frees), or -1 with a message. */
static int
appl_find(struct lab *lab, const char *file, json_t *img, const char *path, const char *dir,
    char **found, struct err *e)
{
	char *pdir = xstrdup(path), shown[128], hex[33];
	const char *places[3] = { dir, dirname(pdir), lab->images };
	const char *md5 = json_string_value(json_object_get(img, "md5sum"));
	json_t *size = json_object_get(img, "filesize");
	struct stat sb;
	int fd = -1;

	*found = NULL;
	sanitize_to(file, strlen(file), shown, sizeof shown);
	if (strchr(file, '/') != NULL || strcmp(file, "..") == 0 || strcmp(file, ".") == 0 || file[0] == '\0') {
		free(pdir);
		return err_set(e, "image file \"%s\": a file name, without a folder, is needed", shown);
	}
	for (int i = 0; i < 3 && fd < 0; i++) {
		if (places[i] == NULL)
			continue;
		free(*found);
		*found = xasprintf("%s/%s", places[i], file);
		fd = open(*found, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	}
	free(pdir);
	if (fd < 0) {
		free(*found);
		*found = NULL;
		return err_set(e, "image file %s not found (looked in %sthe appliance file's folder and "
		    "the lab's images/; give its folder with --images DIR)", shown, dir ? "--images DIR, " : "");
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		err_set(e, "image file %s is not a regular file", shown);
		goto fail;
	}
	if (json_is_integer(size) && (json_int_t)sb.st_size != json_integer_value(size)) {
		close(fd);
		err_set(e, "image file %s has %jd bytes; the appliance says %" JSON_INTEGER_FORMAT
		    " (a different file or an incomplete download)", shown, (intmax_t)sb.st_size,
		    json_integer_value(size));
		goto fail;
	}
	if (md5 != NULL) {
		int rc = appl_md5(fd, shown, hex, e);
		close(fd);
		if (rc != 0)
			goto fail;
		if (strcasecmp(hex, md5) != 0) {
			char want[40];
			sanitize_to(md5, strlen(md5), want, sizeof want);
			err_set(e, "image file %s has md5sum %s; the appliance says %s (a different file or a "
			    "damaged download)", shown, hex, want);
			goto fail;
		}
	} else
		close(fd);
	return 0;
fail:
	free(*found);
	*found = NULL;
	return -1;
}

/* The slots imported, and what each becomes: its kind and the template
 * field that names it. */
static const char *const appl_kinds[][3] = {
	{ "hda_disk_image", "disk", "hda" }, { "cdrom_image", "iso", "cdrom" },
	{ "kernel_image", "kernel", "kernel" }, { "initrd", "initrd", "initrd" },
	{ "bios_image", "bios", "bios" },
	{ "hdb_disk_image", "disk", "hdb" }, { "hdc_disk_image", "disk", "hdc" },
	{ "hdd_disk_image", "disk", "hdd" }, { NULL, NULL, NULL },
};
#define APPL_KINDS 8
#define APPL_KIND_BIOS 4
#define APPL_KIND_HDB 5

/* The entry of template.disks (appliance_read's) for slot, or NULL: a
 * disk left out (unmapped) is not imported. */
static json_t *
appl_disk_of(json_t *t, const char *slot)
{
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(t, "disks"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "slot")), slot) == 0)
			return d;
	return NULL;
}

/* template.ports of appliance_read's JSON (o may be NULL) into *p. */
static void
appliance_ports(json_t *o, struct portname_spec *p)
{
	json_t *c;
	size_t i;

	memset(p, 0, sizeof *p);
	snprintf(p->format, sizeof p->format, "%s", json_string_value(json_object_get(o, "format")) ?
	    json_string_value(json_object_get(o, "format")) : "");
	snprintf(p->first, sizeof p->first, "%s", json_string_value(json_object_get(o, "first")) ?
	    json_string_value(json_object_get(o, "first")) : "");
	p->segment = (int)json_integer_value(json_object_get(o, "segment"));
	json_array_foreach(json_object_get(o, "adapters"), i, c) {
		struct portname_adapter *a;
		if (p->nadapters >= PORTNAME_ADAPTERS)
			break;
		a = &p->adapters[p->nadapters++];
		a->idx = (int)json_integer_value(json_object_get(c, "adapter"));
		snprintf(a->name, sizeof a->name, "%s", json_string_value(json_object_get(c, "port")) ?
		    json_string_value(json_object_get(c, "port")) : "");
		snprintf(a->model, sizeof a->model, "%s", json_string_value(json_object_get(c, "model")) ?
		    json_string_value(json_object_get(c, "model")) : "");
		snprintf(a->mac, sizeof a->mac, "%s", json_string_value(json_object_get(c, "mac")) ?
		    json_string_value(json_object_get(c, "mac")) : "");
	}
}

int
appliance_import(struct lab *lab, json_t *o, const char *path, const char *dir, const char *name,
    char tname[64], void (*progress)(const char *what, void *arg), void *arg, struct err *e)
{
	json_t *t = json_object_get(o, "template"), *m = json_object_get(t, "machine");
	json_t *images = json_object_get(o, "images");
	char made[APPL_KINDS][37], inames[APPL_KINDS][96], *found[APPL_KINDS] = { 0 }, base[64];
	char *disks[APPL_KINDS] = { 0 };
	struct template_spec s = { .nics = -1, .cloud_init = -1 };
	struct portname_spec ports;
	struct err why;
	int nmade = 0, ndisks = 0, rc = -1, i;

	memset(made, 0, sizeof made);
	if (name != NULL)
		snprintf(tname, 64, "%s", name);
	else {
		const char *an = json_string_value(json_object_get(o, "name"));
		const char *ver = json_string_value(json_object_get(o, "version"));
		char *full = xasprintf("%s%s%s", an ? an : "appliance", ver ? "-" : "", ver ? ver : "");
		appl_name(full, tname, 64);
		free(full);
	}
	if (name_check(tname, "template name", e) != 0)
		return -1;
	struct template old;
	if (template_get(lab, tname, &old, &why) == 0) {
		template_clear(&old);
		return err_set(e, "a template named \"%s\" already exists (give another with --name)", tname);
	}
	if (json_object_get(images, "hda_disk_image") == NULL)
		return err_set(e, "the appliance's version gives no hda_disk_image: a template needs a boot disk");
	/* every file found and checked before any is imported */
	for (i = 0; appl_kinds[i][0]; i++) {
		json_t *img = json_object_get(images, appl_kinds[i][0]);
		if (i >= APPL_KIND_HDB && appl_disk_of(t, appl_kinds[i][0]) == NULL)
			continue;
		if (img != NULL && appl_find(lab, json_string_value(json_object_get(img, "file")), img, path, dir,
		    &found[i], e) != 0)
			goto out;
	}
	for (i = 0; appl_kinds[i][0]; i++) {
		struct image_import_opts io = { .kind = appl_kinds[i][1] };
		struct image im;
		if (found[i] == NULL)
			continue;
		snprintf(base, sizeof base, "%.50s-%s", tname, appl_kinds[i][2]);
		snprintf(inames[i], sizeof inames[i], "%s", base);
		io.name = inames[i];
		if (progress)
			progress(found[i], arg);
		if (import_any(lab, found[i], &io, &im, &why) != 0) {
			char shown[128];
			sanitize_to(found[i], strlen(found[i]), shown, sizeof shown);
			err_set(e, "%s: %s", shown, why.msg);
			goto out;
		}
		snprintf(made[nmade++], sizeof made[0], "%s", im.id);
		image_clear(&im);
		if (i >= APPL_KIND_HDB)
			disks[ndisks++] = xasprintf("image:%s,bus=%s", inames[i],
			    json_string_value(json_object_get(appl_disk_of(t, appl_kinds[i][0]), "bus")));
	}
	s.image = inames[0];
	if (json_is_integer(json_object_get(t, "ram_mb")))
		s.ram_mb = (int)json_integer_value(json_object_get(t, "ram_mb"));
	if (json_is_integer(json_object_get(t, "cpus")))
		s.cpus = (int)json_integer_value(json_object_get(t, "cpus"));
	if (json_is_integer(json_object_get(t, "nics")))
		s.nics = (int)json_integer_value(json_object_get(t, "nics"));
	s.nic_model = json_string_value(json_object_get(t, "nic_model"));
	s.accel = json_string_value(json_object_get(t, "accel"));
	s.console = json_string_value(json_object_get(t, "console"));
	s.usage = json_string_value(json_object_get(t, "usage"));
	for (int k = 0; k < HW_NKEYS; k++)
		s.hw[k] = json_string_value(json_object_get(m, hw_fields[k].name));
	appliance_ports(json_object_get(t, "ports"), &ports);
	s.ports = &ports;
	s.hw[HW_CDROM] = found[1] ? inames[1] : NULL;
	s.hw[HW_KERNEL] = found[2] ? inames[2] : NULL;
	s.hw[HW_INITRD] = found[3] ? inames[3] : NULL;
	s.hw[HW_BIOS] = found[APPL_KIND_BIOS] ? inames[APPL_KIND_BIOS] : NULL;
	s.disks = (const char *const *)disks;
	s.ndisks = ndisks;
	rc = template_create(lab, tname, &s, e);
out:
	if (rc != 0)
		for (i = nmade - 1; i >= 0; i--)
			image_rm(lab, made[i], &why);
	for (i = 0; i < APPL_KINDS; i++) {
		free(found[i]);
		free(disks[i]);
	}
	return rc;
}
