/*
 * labfile.c: lab files: parsing and formatting (pure), reading and
 * writing the file, export from and import into the lab database. The
 * parser reads outside input: it bounds every line, checks every value
 * and never prints what it read unsanitised.
 */
#include "labfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <regex.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cloudinit.h"
#include "consize.h"
#include "contype.h"
#include "db.h"
#include "disk.h"
#include "firmware.h"
#include "host.h"
#include "image.h"
#include "link.h"
#include "name.h"
#include "nic.h"
#include "node.h"
#include "sanitize.h"
#include "stopmode.h"
#include "template.h"

#define LF_WORDS_MAX 80

_Static_assert(LABFILE_READY_MAX == NODE_READY_MAX, "ready= is stored in nodes.ready");

void
labfile_free(struct labfile *lf)
{
	for (int i = 0; i < lf->ntemplates; i++) {
		free(lf->templates[i].usage);
		for (int k = 0; k < HW_NKEYS; k++)
			free(lf->templates[i].hw[k]);
		for (int k = 0; k < lf->templates[i].ndisks; k++)
			free(lf->templates[i].disks[k]);
	}
	free(lf->templates);
	for (int i = 0; i < lf->nnodes; i++) {
		for (int j = 0; j < lf->nodes[i].nnics; j++)
			free(lf->nodes[i].nics[j].fwds);
		free(lf->nodes[i].nics);
		for (int k = 0; k < HW_NKEYS; k++)
			free(lf->nodes[i].hw[k]);
		for (int k = 0; k < lf->nodes[i].ndisks; k++)
			free(lf->nodes[i].disks[k]);
		free(lf->nodes[i].user_data);
	}
	free(lf->nodes);
	free(lf->links);
	memset(lf, 0, sizeof *lf);
}

/* ---- parsing ---- */

struct lf_parse {
	struct labfile *lf;
	int             line;
	int             version_seen;
	int            *link_line;  /* per NIC (node * NODE_NICS_MAX + idx): line of its link */
	int            *slots;      /* node names hashed without case: index + 1, or 0 */
	size_t          nslots;     /* a power of two, at least twice the nodes */
	size_t          cap;        /* nodes lf->nodes and link_line have room for */
	struct err     *e;
};

/* "line N: " + the message; returns -1. */
static int __attribute__((format(printf, 2, 3)))
lf_fail(struct lf_parse *p, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(p->e, "line %d: %s", p->line, msg);
}

/* A word as it may appear in a message. */
static const char *
lf_shown(const char *w, char *buf, size_t len)
{
	sanitize_to(w, strlen(w), buf, len);
	return buf;
}

/* Node names match without case (name.h allows ASCII only), through a
 * hash table: a file of 10,000 nodes is not 50 million comparisons. */
static size_t
lf_name_hash(const char *name)
{
	size_t h = 2166136261u;

	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ (size_t)tolower(*c)) * 16777619u;
	return h;
}

static int
lf_node_find(const struct lf_parse *p, const char *name)
{
	if (p->nslots == 0)
		return -1;
	for (size_t i = lf_name_hash(name) & (p->nslots - 1); p->slots[i] != 0; i = (i + 1) & (p->nslots - 1))
		if (strcasecmp(p->lf->nodes[p->slots[i] - 1].name, name) == 0)
			return p->slots[i] - 1;
	return -1;
}

/* Records node idx (its name set) in the table, growing it first. */
static void
lf_node_index(struct lf_parse *p, int idx)
{
	if ((size_t)idx * 2 + 2 > p->nslots) {
		free(p->slots);
		p->nslots = p->nslots ? p->nslots * 2 : 64;
		p->slots = xcalloc(p->nslots, sizeof *p->slots);
		for (int j = 0; j < idx; j++)
			lf_node_index(p, j);
	}
	size_t i = lf_name_hash(p->lf->nodes[idx].name) & (p->nslots - 1);
	while (p->slots[i] != 0)
		i = (i + 1) & (p->nslots - 1);
	p->slots[i] = idx + 1;
}

/* A NIC reference of a node defined above: node index and NIC index. */
static int
lf_ref(struct lf_parse *p, const char *w, int *node, int *idx)
{
	char name[96], shown[96];
	struct err e;

	if (net_ref_parse(w, name, sizeof name, idx, &e) != 0)
		return lf_fail(p, "%s", e.msg);
	if ((*node = lf_node_find(p, name)) < 0)
		return lf_fail(p, "no node %s above this line", lf_shown(name, shown, sizeof shown));
	return 0;
}

/* Splits "key=value"; *val points into w (which is modified). */
static int
lf_key(struct lf_parse *p, char *w, char **key, char **val)
{
	char *eq = strchr(w, '=');
	char shown[96];

	if (eq == NULL || eq == w)
		return lf_fail(p, "\"%s\" is not KEY=VALUE", lf_shown(w, shown, sizeof shown));
	*eq = '\0';
	*key = w;
	*val = eq + 1;
	return 0;
}

/* Marks key as seen in *seen (bit per known key); refuses a repeat. */
static int
lf_once(struct lf_parse *p, unsigned *seen, int bit, const char *key)
{
	if (*seen & (1u << bit))
		return lf_fail(p, "%s= is given twice", key);
	*seen |= 1u << bit;
	return 0;
}

static int
lf_int(struct lf_parse *p, const char *key, const char *val, long min, long max, int *out)
{
	long v;
	char shown[64];

	if (parse_int(val, min, max, &v) != 0)
		return lf_fail(p, "%s=%s: a whole number from %ld to %ld is needed", key,
		    lf_shown(val, shown, sizeof shown), min, max);
	*out = (int)v;
	return 0;
}

/* on-stop= and stop-grace= of a node line: 1 when key is neither, 0
 * when taken, -1 after lf_fail. Bits 28 and 29 of seen are theirs. */
static int
lf_node_stop(struct lf_parse *p, struct labfile_node *n, unsigned *seen, const char *key,
    const char *val)
{
	struct err e;
	char shown[96];

	if (strcmp(key, "on-stop") == 0) {
		if (lf_once(p, seen, 28, key) != 0)
			return -1;
		if (stopmode_check_method(val, &e) != 0)
			return lf_fail(p, "on-stop=%s: shutdown or poweroff", lf_shown(val, shown, sizeof shown));
		snprintf(n->on_stop, sizeof n->on_stop, "%s", val);
		return 0;
	}
	if (strcmp(key, "stop-grace") == 0) {
		int g;
		if (lf_once(p, seen, 29, key) != 0 || lf_int(p, key, val, 0, STOPMODE_GRACE_MAX, &g) != 0)
			return -1;
		/* canonical, so format gives back what the lab stores */
		snprintf(n->stop_grace, sizeof n->stop_grace, "%d", g);
		return 0;
	}
	return 1;
}

/* host=NAME of a node or template line (seen's bit `bit`) into host
 * (len bytes): "" for local, the default, written as no key at all. 0,
 * or -1 after lf_fail. */
static int
lf_host_key(struct lf_parse *p, unsigned *seen, int bit, const char *key, const char *val,
    char *host, size_t len)
{
	struct err e;

	if (lf_once(p, seen, bit, key) != 0)
		return -1;
	if (name_check(val, "host name", &e) != 0)
		return lf_fail(p, "%s", e.msg);
	if (strcasecmp(val, HOST_LOCAL) != 0)
		snprintf(host, len, "%s", val);
	return 0;
}

/* cloud-init= and ci-user= of a template or node line, into *on and user
 * (CLOUDINIT_USER_MAX + 1 bytes): 1 when key is neither, 0 when taken, -1
 * after lf_fail. Bits 26 and 27 of seen are theirs. */
static int
lf_ci_key(struct lf_parse *p, unsigned *seen, const char *key, const char *val, int *on, char *user)
{
	struct err e;
	char shown[96];

	if (strcmp(key, "cloud-init") == 0) {
		if (lf_once(p, seen, 26, key) != 0)
			return -1;
		if (strcmp(val, "on") != 0 && strcmp(val, "off") != 0)
			return lf_fail(p, "cloud-init=%s: on or off is needed", lf_shown(val, shown, sizeof shown));
		*on = strcmp(val, "on") == 0;
		return 0;
	}
	if (strcmp(key, "ci-user") == 0) {
		if (lf_once(p, seen, 27, key) != 0)
			return -1;
		if (cloudinit_check_user(val, &e) != 0)
			return lf_fail(p, "ci-user=%s: %s", lf_shown(val, shown, sizeof shown), e.msg);
		snprintf(user, CLOUDINIT_USER_MAX + 1, "%s", val);
		return 0;
	}
	return 1;
}

/* w[from..nw) joined by one space into text (LABFILE_LINE_MAX + 1 bytes:
 * the words come from one line). */
static void
lf_join(char **w, int from, int nw, char *text)
{
	text[0] = '\0';
	for (int j = from; j < nw; j++) {
		if (j > from)
			strcat(text, " ");
		strcat(text, w[j]);
	}
}

/* A disk= key of the node or template owner: repeatable, the extra disks
 * in order, each written back as disk_text spells it. 0, or -1 after
 * lf_fail. */
static int
lf_disk_key(struct lf_parse *p, const char *owner, char **disks, int *ndisks, const char *val)
{
	struct disk d;
	struct err e;

	if (*ndisks >= DISK_MAX)
		return lf_fail(p, "%s has more than %d disk= keys", owner, DISK_MAX);
	if (disk_parse(val, &d, &e) != 0)
		return lf_fail(p, "%s", e.msg);
	disks[(*ndisks)++] = disk_text(&d);
	disk_clear(&d);
	return 0;
}

/* The template named name above this line, or -1. A file holds few
 * templates: a walk is enough. */
static int
lf_template_find(const struct lf_parse *p, const char *name)
{
	for (int i = 0; i < p->lf->ntemplates; i++)
		if (strcasecmp(p->lf->templates[i].name, name) == 0)
			return i;
	return -1;
}

static int
lf_node(struct lf_parse *p, char **w, int nw)
{
	struct labfile *lf = p->lf;
	struct labfile_node *n;
	unsigned seen = 0;
	char shown[96];
	struct err e;
	int other, k;

	if (nw < 2)
		return lf_fail(p, "a node line is: node NAME image=IMAGE [ram=MB] [cpus=N] [accel=auto|kvm|tcg] "
		    "[console=COLSxROWS] [ready=REGEX] [host=HOST]");
	if (name_check(w[1], "node name", &e) != 0)
		return lf_fail(p, "%s", e.msg);
	if ((other = lf_node_find(p, w[1])) >= 0)
		return lf_fail(p, "a node named %s is already defined on line %d", w[1], lf->nodes[other].line);
	if (lf->nnodes >= LABFILE_NODES_MAX)
		return lf_fail(p, "more than %d nodes", LABFILE_NODES_MAX);
	/* Doubling: growing by one node would copy a big file's nodes once per line. */
	if ((size_t)lf->nnodes == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		lf->nodes = xreallocarray(lf->nodes, p->cap, sizeof *lf->nodes);
		p->link_line = xreallocarray(p->link_line, p->cap * NODE_NICS_MAX, sizeof *p->link_line);
	}
	memset(p->link_line + (size_t)lf->nnodes * NODE_NICS_MAX, 0, NODE_NICS_MAX * sizeof *p->link_line);
	n = &lf->nodes[lf->nnodes++];
	memset(n, 0, sizeof *n);
	n->line = p->line;
	snprintf(n->name, sizeof n->name, "%s", w[1]);
	lf_node_index(p, lf->nnodes - 1);
	n->ram_mb = NODE_RAM_DEFAULT;
	n->cpus = NODE_CPUS_DEFAULT;
	snprintf(n->accel, sizeof n->accel, "auto");
	n->console_cols = CONSIZE_COLS_DEFAULT;
	n->console_rows = CONSIZE_ROWS_DEFAULT;
	for (int i = 2; i < nw; i++) {
		char *key = NULL, *val = NULL;
		int taken;
		if (lf_key(p, w[i], &key, &val) != 0)
			return -1;
		if ((taken = lf_node_stop(p, n, &seen, key, val)) <= 0 ||
		    (taken = lf_ci_key(p, &seen, key, val, &n->cloud_init, n->ci_user)) <= 0) {
			if (taken < 0)
				return -1;
		} else if (strcmp(key, "image") == 0) {
			if (lf_once(p, &seen, 0, key) != 0)
				return -1;
			if (name_check(val, "image name", &e) != 0)
				return lf_fail(p, "%s", e.msg);
			snprintf(n->image, sizeof n->image, "%s", val);
		} else if (strcmp(key, "ram") == 0) {
			if (lf_once(p, &seen, 1, key) != 0 ||
			    lf_int(p, key, val, NODE_RAM_MIN, NODE_RAM_MAX, &n->ram_mb) != 0)
				return -1;
		} else if (strcmp(key, "cpus") == 0) {
			if (lf_once(p, &seen, 2, key) != 0 || lf_int(p, key, val, 1, NODE_CPUS_MAX, &n->cpus) != 0)
				return -1;
		} else if (strcmp(key, "accel") == 0) {
			if (lf_once(p, &seen, 3, key) != 0)
				return -1;
			if (node_check_accel(val, &e) != 0)
				return lf_fail(p, "%s", e.msg);
			snprintf(n->accel, sizeof n->accel, "%s", val);
		} else if (strcmp(key, "console") == 0) {
			if (lf_once(p, &seen, 4, key) != 0)
				return -1;
			if (consize_parse(val, &n->console_cols, &n->console_rows, &e) != 0)
				return lf_fail(p, "console=%s: %s", lf_shown(val, shown, sizeof shown), e.msg);
		} else if (strcmp(key, "ready") == 0) {
			/* A POSIX extended regex that `lab up` waits for on the console. */
			regex_t re;
			int bad;
			if (lf_once(p, &seen, 5, key) != 0)
				return -1;
			if (val[0] == '\0' || strlen(val) >= sizeof n->ready)
				return lf_fail(p, "ready= needs a regular expression of 1 to %zu bytes",
				    sizeof n->ready - 1);
			if ((bad = regcomp(&re, val, REG_EXTENDED | REG_NEWLINE | REG_NOSUB)) != 0) {
				char why[128];
				regerror(bad, &re, why, sizeof why);
				regfree(&re);
				return lf_fail(p, "ready=%s: %s", lf_shown(val, shown, sizeof shown), why);
			}
			regfree(&re);
			snprintf(n->ready, sizeof n->ready, "%s", val);
		} else if (strcmp(key, "host") == 0) {
			if (lf_host_key(p, &seen, 6 + HW_NKEYS, key, val, n->host, sizeof n->host) != 0)
				return -1;
		} else if (strcmp(key, "disk") == 0) {
			if (lf_disk_key(p, n->name, n->disks, &n->ndisks, val) != 0)
				return -1;
		} else if (strcmp(key, "console-type") == 0) {
			if (lf_once(p, &seen, 25, key) != 0)
				return -1;
			if (contype_check(val, &e) != 0)
				return lf_fail(p, "console-type=%s: %s", lf_shown(val, shown, sizeof shown), e.msg);
			n->vnc_console = strcmp(val, CONTYPE_VNC) == 0;
		} else if (strcmp(key, "template") == 0) {
			if (lf_once(p, &seen, 7 + HW_NKEYS, key) != 0)
				return -1;
			if (lf_template_find(p, val) < 0)
				return lf_fail(p, "template=%s: no template line of that name above this line",
				    lf_shown(val, shown, sizeof shown));
			snprintf(n->template, sizeof n->template, "%s", val);
		} else if ((k = hw_key_find(key)) >= 0 && k != HW_APPEND) {
			if (lf_once(p, &seen, 6 + k, key) != 0)
				return -1;
			if (hw_check(k, val, &e) != 0)
				return lf_fail(p, "%s", e.msg);
			n->hw[k] = xstrdup(val);
		} else
			return lf_fail(p, "unknown key \"%s\" for a node (known: image, ram, cpus, accel, console, "
			    "ready, host, template, disk-bus, machine, firmware, cpu-model, arch, vga, boot, boot-once, "
			    "cdrom, kernel, initrd, bios, disk, on-stop, stop-grace, cloud-init, ci-user, console-type)",
			    lf_shown(key, shown, sizeof shown));
	}
	if (n->image[0] == '\0')
		return lf_fail(p, "node %s needs image=IMAGE", n->name);
	return 0;
}

/* One key=value of a template line into t; bit numbers follow the keys. */
static int
lf_template_key(struct lf_parse *p, struct labfile_template *t, unsigned *seen, char *key, char *val)
{
	static const char *const keys[] = { "image", "ram", "cpus", "nics", "nic-model", "accel",
	    "console", "port-format", "port-first", "port-segment" };
	char shown[96];
	struct err e;
	int b, k;

	if ((b = lf_ci_key(p, seen, key, val, &t->cloud_init, t->ci_user)) <= 0)
		return b;
	if (strcmp(key, "disk") == 0)
		return lf_disk_key(p, t->name, t->disks, &t->ndisks, val);
	if (strcmp(key, "host") == 0)
		return lf_host_key(p, seen, 10 + HW_NKEYS, key, val, t->host, sizeof t->host);
	for (b = 0; b < (int)(sizeof keys / sizeof keys[0]); b++)
		if (strcmp(key, keys[b]) == 0)
			break;
	if (b == (int)(sizeof keys / sizeof keys[0])) {
		if ((k = hw_key_find(key)) < 0 || k == HW_APPEND)
			return lf_fail(p, "unknown key \"%s\" for a template (known: image, ram, cpus, nics, "
			    "nic-model, accel, cloud-init, ci-user, console, host, port-format, port-first, "
			    "port-segment, disk and a node's machine keys)",
			    lf_shown(key, shown, sizeof shown));
		if (lf_once(p, seen, 10 + k, key) != 0)
			return -1;
		if (hw_check(k, val, &e) != 0)
			return lf_fail(p, "%s", e.msg);
		t->hw[k] = xstrdup(val);
		return 0;
	}
	if (lf_once(p, seen, b, key) != 0)
		return -1;
	switch (b) {
	case 0:
		if (name_check(val, "image name", &e) != 0)
			return lf_fail(p, "%s", e.msg);
		snprintf(t->image, sizeof t->image, "%s", val);
		return 0;
	case 1:
		return lf_int(p, key, val, NODE_RAM_MIN, NODE_RAM_MAX, &t->ram_mb);
	case 2:
		return lf_int(p, key, val, 1, NODE_CPUS_MAX, &t->cpus);
	case 3:
		return lf_int(p, key, val, 0, NODE_NICS_MAX, &t->nics);
	case 4:
		if (nic_model_check(val, &e) != 0 || strlen(val) >= sizeof t->nic_model)
			return lf_fail(p, "nic-model=%s: %s", lf_shown(val, shown, sizeof shown), e.msg);
		snprintf(t->nic_model, sizeof t->nic_model, "%s", val);
		return 0;
	case 5:
		if (node_check_accel(val, &e) != 0)
			return lf_fail(p, "%s", e.msg);
		snprintf(t->accel, sizeof t->accel, "%s", val);
		return 0;
	case 6:
		if (contype_check(val, &e) != 0)
			return lf_fail(p, "console=%s: %s", lf_shown(val, shown, sizeof shown), e.msg);
		snprintf(t->console, sizeof t->console, "%s", val);
		return 0;
	case 7:
		/* checked with port-segment= at the end of the line */
		if (strlen(val) >= sizeof t->ports.format)
			return lf_fail(p, "a port-format has at most %d bytes", (int)sizeof t->ports.format - 1);
		snprintf(t->ports.format, sizeof t->ports.format, "%s", val);
		return 0;
	case 8:
		if (portname_check(val, &e) != 0)
			return lf_fail(p, "%s", e.msg);
		snprintf(t->ports.first, sizeof t->ports.first, "%s", val);
		return 0;
	default:
		return lf_int(p, key, val, 1, PORTNAME_SEGMENT_MAX, &t->ports.segment);
	}
}

/* "adapter TEMPLATE:ethN [port=NAME] [model=M] [mac=MAC]": a custom
 * adapter of a template above, after its line. */
static int
lf_adapter(struct lf_parse *p, char **w, int nw)
{
	char name[96], shown[96];
	struct labfile_template *t;
	struct portname_adapter a = { 0 };
	unsigned seen = 0;
	struct err e;
	int i;

	if (nw < 3)
		return lf_fail(p, "an adapter line is: adapter TEMPLATE:ethN [port=NAME] [model=M] [mac=MAC]");
	if (net_ref_parse(w[1], name, sizeof name, &a.idx, &e) != 0)
		return lf_fail(p, "%s", e.msg);
	if ((i = lf_template_find(p, name)) < 0)
		return lf_fail(p, "no template %s above this line", lf_shown(name, shown, sizeof shown));
	t = &p->lf->templates[i];
	if (portname_adapter(&t->ports, a.idx) != NULL)
		return lf_fail(p, "template %s has a second adapter line for eth%d", t->name, a.idx);
	if (t->ports.nadapters >= PORTNAME_ADAPTERS || a.idx >= PORTNAME_ADAPTERS)
		return lf_fail(p, "a template's adapters are eth0 to eth%d", PORTNAME_ADAPTERS - 1);
	for (int j = 2; j < nw; j++) {
		char *key = NULL, *val = NULL, *dst;
		size_t len;
		int b;
		if (lf_key(p, w[j], &key, &val) != 0)
			return -1;
		b = strcmp(key, "port") == 0 ? 0 : strcmp(key, "model") == 0 ? 1 : strcmp(key, "mac") == 0 ? 2 : -1;
		if (b < 0)
			return lf_fail(p, "unknown key \"%s\" for an adapter (known: port, model, mac)",
			    lf_shown(key, shown, sizeof shown));
		if (lf_once(p, &seen, b, key) != 0)
			return -1;
		dst = b == 0 ? a.name : b == 1 ? a.model : a.mac;
		len = b == 0 ? sizeof a.name : b == 1 ? sizeof a.model : sizeof a.mac;
		if (strlen(val) >= len)
			return lf_fail(p, "%s=%s: too long", key, lf_shown(val, shown, sizeof shown));
		snprintf(dst, len, "%s", val);
	}
	if (portname_check_adapter(&a, &e) != 0)
		return lf_fail(p, "%s", e.msg);
	t->ports.adapters[t->ports.nadapters++] = a;
	return 0;
}

/* "template NAME image=IMAGE [KEY=VALUE]...": before the nodes made from it. */
static int
lf_template(struct lf_parse *p, char **w, int nw)
{
	struct labfile *lf = p->lf;
	struct labfile_template *t;
	unsigned seen = 0;
	struct err e;
	int other;

	if (nw < 2)
		return lf_fail(p, "a template line is: template NAME image=IMAGE [ram=MB] [cpus=N] [nics=N] "
		    "[nic-model=M] [accel=A] [cloud-init=on|off] [ci-user=U] [console=serial|vnc] [host=HOST] "
		    "[machine keys]");
	if (name_check(w[1], "template name", &e) != 0)
		return lf_fail(p, "%s", e.msg);
	if ((other = lf_template_find(p, w[1])) >= 0)
		return lf_fail(p, "a template named %s is already defined on line %d", w[1],
		    lf->templates[other].line);
	if (lf->ntemplates >= LABFILE_TEMPLATES_MAX)
		return lf_fail(p, "more than %d templates", LABFILE_TEMPLATES_MAX);
	lf->templates = xreallocarray(lf->templates, (size_t)lf->ntemplates + 1, sizeof *lf->templates);
	t = &lf->templates[lf->ntemplates++];
	memset(t, 0, sizeof *t);
	t->line = p->line;
	snprintf(t->name, sizeof t->name, "%s", w[1]);
	/* a template's defaults are template_init's */
	struct template d;
	template_init(&d, t->name);
	t->ram_mb = d.ram_mb;
	t->cpus = d.cpus;
	t->nics = d.nics;
	memcpy(t->nic_model, d.nic_model, sizeof t->nic_model);
	memcpy(t->accel, d.accel, sizeof t->accel);
	memcpy(t->ci_user, d.ci_user, sizeof t->ci_user);
	memcpy(t->console, d.console, sizeof t->console);
	template_clear(&d);
	for (int i = 2; i < nw; i++) {
		char *key = NULL, *val = NULL;
		if (lf_key(p, w[i], &key, &val) != 0 || lf_template_key(p, t, &seen, key, val) != 0)
			return -1;
	}
	if (t->image[0] == '\0')
		return lf_fail(p, "template %s needs image=IMAGE", t->name);
	if ((t->ports.format[0] || t->ports.segment) &&
	    portname_check_format(t->ports.format, t->ports.segment, &e) != 0)
		return lf_fail(p, "%s", e.msg);
	return 0;
}

/* Decodes %XX in w (in place); 0, or -1 on a bad escape. */
static int
lf_usage_decode(char *w)
{
	char *o = w;

	for (const char *i = w; *i; i++) {
		unsigned v;
		if (*i != '%') {
			*o++ = *i;
			continue;
		}
		if (!isxdigit((unsigned char)i[1]) || !isxdigit((unsigned char)i[2]) ||
		    sscanf(i + 1, "%2x", &v) != 1 || v == 0)
			return -1;
		*o++ = (char)v;
		i += 2;
	}
	*o = '\0';
	return 0;
}

/* The words w[2..nw) of a usage or user-data line, decoded, appended to
 * *text: the pieces of its lines follow each other. 0, or -1 after
 * lf_fail. */
static int
lf_text_piece(struct lf_parse *p, char **w, int nw, char **text, size_t max)
{
	size_t have = *text ? strlen(*text) : 0;

	for (int j = 2; j < nw; j++) {
		if (lf_usage_decode(w[j]) != 0)
			return lf_fail(p, "a %% that is not %%XX (two hex digits, not 00) in the %s text", w[0]);
		if (have + strlen(w[j]) + 1 > max)
			return lf_fail(p, "%s %s: the text is over %zu bytes", w[0], w[1], max);
		*text = xrealloc(*text, have + strlen(w[j]) + 2);
		if (j > 2)
			(*text)[have++] = ' ';
		memcpy(*text + have, w[j], strlen(w[j]) + 1);
		have += strlen(w[j]);
	}
	return 0;
}

/* "usage TEMPLATE TEXT...": a piece of a template's usage text. */
static int
lf_usage(struct lf_parse *p, char **w, int nw)
{
	struct labfile_template *t;
	char shown[96];
	struct err e;
	int i;

	if (nw < 3)
		return lf_fail(p, "a usage line is: usage TEMPLATE TEXT (%%0A a newline, %%20 a space, %%25 a %%)");
	if ((i = lf_template_find(p, w[1])) < 0)
		return lf_fail(p, "no template %s above this line", lf_shown(w[1], shown, sizeof shown));
	t = &p->lf->templates[i];
	if (lf_text_piece(p, w, nw, &t->usage, SIZE_MAX) != 0)
		return -1;
	if (template_check_usage(t->usage, &e) != 0)
		return lf_fail(p, "template %s: %s", t->name, e.msg);
	return 0;
}

/* "user-data NODE TEXT...": a piece of a node's own user-data, checked
 * whole once the file is read (lf_finish). */
static int
lf_user_data(struct lf_parse *p, char **w, int nw)
{
	char shown[96];
	int i;

	if (nw < 3)
		return lf_fail(p, "a user-data line is: user-data NODE TEXT (%%0A a newline, %%20 a space, "
		    "%%25 a %%)");
	if ((i = lf_node_find(p, w[1])) < 0)
		return lf_fail(p, "no node %s above this line", lf_shown(w[1], shown, sizeof shown));
	return lf_text_piece(p, w, nw, &p->lf->nodes[i].user_data, CLOUDINIT_DATA_MAX);
}

/* "template-append TEMPLATE TEXT...": a template's kernel command line. */
static int
lf_template_append(struct lf_parse *p, char **w, int nw)
{
	char text[LABFILE_LINE_MAX + 1], shown[96];
	struct labfile_template *t;
	struct err e;
	int i;

	if (nw < 3)
		return lf_fail(p, "a template-append line is: template-append TEMPLATE TEXT");
	if ((i = lf_template_find(p, w[1])) < 0)
		return lf_fail(p, "no template %s above this line", lf_shown(w[1], shown, sizeof shown));
	t = &p->lf->templates[i];
	if (t->hw[HW_APPEND] != NULL)
		return lf_fail(p, "template %s has a second template-append line", t->name);
	lf_join(w, 2, nw, text);
	if (hw_check(HW_APPEND, text, &e) != 0)
		return lf_fail(p, "%s", e.msg);
	t->hw[HW_APPEND] = xstrdup(text);
	return 0;
}

/* "append NODE TEXT...": the kernel's command line of a node above, its
 * words joined by one space (hw_check refuses any other spacing, so the
 * text comes back as it was written). */
static int
lf_append(struct lf_parse *p, char **w, int nw)
{
	char text[LABFILE_LINE_MAX + 1], shown[96];
	struct labfile_node *n;
	struct err e;
	int i;

	if (nw < 3)
		return lf_fail(p, "an append line is: append NODE TEXT (the kernel's command line)");
	if ((i = lf_node_find(p, w[1])) < 0)
		return lf_fail(p, "no node %s above this line", lf_shown(w[1], shown, sizeof shown));
	n = &p->lf->nodes[i];
	if (n->hw[HW_APPEND] != NULL)
		return lf_fail(p, "node %s has a second append line", n->name);
	lf_join(w, 2, nw, text);
	if (hw_check(HW_APPEND, text, &e) != 0)
		return lf_fail(p, "%s", e.msg);
	n->hw[HW_APPEND] = xstrdup(text);
	return 0;
}

/* Where else in the file this MAC or host port is used, or 0. */
static int
lf_mac_line(const struct labfile *lf, const char *mac)
{
	for (int i = 0; i < lf->nnodes; i++)
		for (int j = 0; j < lf->nodes[i].nnics; j++)
			if (strcmp(lf->nodes[i].nics[j].mac, mac) == 0)
				return lf->nodes[i].nics[j].line;
	return 0;
}

static int
lf_fwd_line(const struct labfile *lf, const struct nic_fwd *f)
{
	for (int i = 0; i < lf->nnodes; i++)
		for (int j = 0; j < lf->nodes[i].nnics; j++)
			for (int k = 0; k < lf->nodes[i].nics[j].nfwds; k++)
				if (strcmp(lf->nodes[i].nics[j].fwds[k].proto, f->proto) == 0 &&
				    lf->nodes[i].nics[j].fwds[k].host_port == f->host_port)
					return lf->nodes[i].nics[j].line;
	return 0;
}

/* One key=value of a nic line into c. */
static int
lf_nic_key(struct lf_parse *p, struct labfile_nic *c, unsigned *seen, char *key, char *val)
{
	char shown[96];
	struct err e;
	int other;

	if (strcmp(key, "model") == 0) {
		if (lf_once(p, seen, 0, key) != 0)
			return -1;
		if (nic_model_check(val, &e) != 0)
			return lf_fail(p, "%s", e.msg);
		snprintf(c->model, sizeof c->model, "%s", val);
	} else if (strcmp(key, "mac") == 0) {
		if (lf_once(p, seen, 1, key) != 0)
			return -1;
		char mac[18];
		if (nic_mac_parse(val, mac, &e) != 0)
			return lf_fail(p, "%s", e.msg);
		if ((other = lf_mac_line(p->lf, mac)) != 0)
			return lf_fail(p, "MAC %s is already given on line %d; MACs are unique in a lab",
			    mac, other);
		memcpy(c->mac, mac, sizeof mac);
	} else if (strcmp(key, "attach") == 0) {
		if (lf_once(p, seen, 2, key) != 0)
			return -1;
		if (strcmp(val, "none") != 0 && strcmp(val, "user") != 0 && strcmp(val, "link") != 0)
			return lf_fail(p, "attach=%s: none, user or link is needed",
			    lf_shown(val, shown, sizeof shown));
		snprintf(c->attach, sizeof c->attach, "%s", val);
	} else if (strcmp(key, "port") == 0) {
		if (lf_once(p, seen, 3, key) != 0)
			return -1;
		if (portname_check(val, &e) != 0)
			return lf_fail(p, "%s", e.msg);
		snprintf(c->port, sizeof c->port, "%s", val);
	} else if (strcmp(key, "forward") == 0) {
		struct nic_fwd f;
		if (net_fwd_parse(val, 1, &f, &e) != 0)
			return lf_fail(p, "%s", e.msg);
		if ((other = lf_fwd_line(p->lf, &f)) != 0)
			return lf_fail(p, "host port %s %d is already forwarded on line %d", f.proto,
			    f.host_port, other);
		if (c->nfwds >= NET_FWDS_MAX)
			return lf_fail(p, "more than %d forwards on one NIC", NET_FWDS_MAX);
		c->fwds = xreallocarray(c->fwds, (size_t)c->nfwds + 1, sizeof *c->fwds);
		c->fwds[c->nfwds++] = f;
	} else
		return lf_fail(p, "unknown key \"%s\" for a NIC (known: model, mac, attach, port, forward)",
		    lf_shown(key, shown, sizeof shown));
	return 0;
}

static int
lf_nic(struct lf_parse *p, char **w, int nw)
{
	struct labfile_node *n;
	struct labfile_nic *c;
	unsigned seen = 0;
	int node, idx;

	if (nw < 2)
		return lf_fail(p, "a nic line is: nic NODE:ethN [model=M] [mac=MAC] [attach=none|user|link] "
		    "[port=NAME] [forward=tcp:HOST:GUEST]...");
	if (lf_ref(p, w[1], &node, &idx) != 0)
		return -1;
	n = &p->lf->nodes[node];
	if (idx != n->nnics)
		return lf_fail(p, "%s:eth%d is out of order: NICs of a node are listed from eth0 up, "
		    "and %s's next is eth%d", n->name, idx, n->name, n->nnics);
	if (n->nnics >= NODE_NICS_MAX)
		return lf_fail(p, "%s has more than %d NICs", n->name, NODE_NICS_MAX);
	n->nics = xreallocarray(n->nics, (size_t)n->nnics + 1, sizeof *n->nics);
	c = &n->nics[n->nnics++];
	memset(c, 0, sizeof *c);
	c->line = p->line;
	snprintf(c->model, sizeof c->model, "virtio-net-pci");
	for (int i = 2; i < nw; i++) {
		char *key = NULL, *val = NULL;
		if (lf_key(p, w[i], &key, &val) != 0 || lf_nic_key(p, c, &seen, key, val) != 0)
			return -1;
	}
	/* attach stays "" when not given: a link line may still claim it. */
	if (c->nfwds > 0 && strcmp(c->attach, "user") != 0)
		return lf_fail(p, "forwards need user-mode NAT: attach=user");
	for (int j = 0; c->port[0] && j < n->nnics - 1; j++)
		if (strcasecmp(n->nics[j].port, c->port) == 0)
			return lf_fail(p, "port name %s is already %s:eth%d's (line %d); each NIC of a node "
			    "needs its own", c->port, n->name, j, n->nics[j].line);
	return 0;
}

static int
lf_link(struct lf_parse *p, char **w, int nw)
{
	struct labfile *lf = p->lf;
	struct labfile_link l = { .line = p->line };
	int node[2], idx[2];

	if (nw < 3)
		return lf_fail(p, "a link line is: link NODE:ethN NODE:ethN [state=up|down] "
		    "[a>b=IMPAIRMENTS] [b>a=IMPAIRMENTS] [a-port=PORT] [b-port=PORT]");
	for (int i = 3; i < nw; i++) {
		char *val = strchr(w[i], '=');
		struct shape sh;
		struct err why;
		char *dst = NULL;
		if (val == NULL)
			return lf_fail(p, "\"%.40s\": a link line is: link NODE:ethN NODE:ethN "
			    "[state=up|down] [a>b=IMPAIRMENTS] [b>a=IMPAIRMENTS] [a-port=PORT] [b-port=PORT]",
			    w[i]);
		*val++ = '\0';
		if (strcmp(w[i], "state") == 0) {
			if (strcmp(val, "up") != 0 && strcmp(val, "down") != 0)
				return lf_fail(p, "state=%.20s: up or down is needed", val);
			l.down = strcmp(val, "down") == 0;
			continue;
		}
		if (strcmp(w[i], "a-port") == 0 || strcmp(w[i], "b-port") == 0) {
			int *port = w[i][0] == 'a' ? &l.a_port : &l.b_port;
			long v;
			if (parse_int(val, 1024, 65535, &v) != 0)
				return lf_fail(p, "%s=%.20s: a UDP port from 1024 to 65535 is needed", w[i], val);
			*port = (int)v;
			if (l.a_port != 0 && l.a_port == l.b_port)
				return lf_fail(p, "a-port and b-port are both %d; a link's ends need two ports",
				    l.a_port);
			continue;
		}
		if (strcmp(w[i], "a>b") == 0)
			dst = l.a_shape;
		else if (strcmp(w[i], "b>a") == 0)
			dst = l.b_shape;
		else
			return lf_fail(p, "unknown \"%.20s=\" on a link line (state=, a>b=, b>a=, a-port=, "
			    "b-port=)", w[i]);
		if (shape_parse(val, &sh, &why) != 0)
			return lf_fail(p, "%s", why.msg);
		shape_format(&sh, dst, SHAPE_TEXT_MAX);
	}
	for (int i = 0; i < 2; i++) {
		struct labfile_node *n;
		struct labfile_nic *c;
		int *ll;
		if (lf_ref(p, w[1 + i], &node[i], &idx[i]) != 0)
			return -1;
		n = &lf->nodes[node[i]];
		if (idx[i] >= n->nnics)
			return lf_fail(p, "%s has no eth%d above this line", n->name, idx[i]);
		c = &n->nics[idx[i]];
		ll = &p->link_line[node[i] * NODE_NICS_MAX + idx[i]];
		if (*ll != 0)
			return lf_fail(p, "%s:eth%d is already linked on line %d; a NIC takes one link",
			    n->name, idx[i], *ll);
		if (c->attach[0] != '\0' && strcmp(c->attach, "link") != 0)
			return lf_fail(p, "%s:eth%d has attach=%s (line %d); a linked NIC has attach=link",
			    n->name, idx[i], c->attach, c->line);
		if (i == 1 && node[0] == node[1])
			return lf_fail(p, "a link joins two different nodes; both ends are on %s", n->name);
	}
	if (lf->nlinks >= LABFILE_NODES_MAX * NODE_NICS_MAX)
		return lf_fail(p, "too many links");
	for (int i = 0; i < 2; i++) {
		p->link_line[node[i] * NODE_NICS_MAX + idx[i]] = p->line;
		snprintf(lf->nodes[node[i]].nics[idx[i]].attach, sizeof lf->nodes[0].nics[0].attach, "link");
	}
	lf->links = xreallocarray(lf->links, (size_t)lf->nlinks + 1, sizeof *lf->links);
	l.a = node[0];
	l.a_idx = idx[0];
	l.b = node[1];
	l.b_idx = idx[1];
	lf->links[lf->nlinks++] = l;
	return 0;
}

static int
lf_version(struct lf_parse *p, char **w, int nw)
{
	char shown[64];
	long v;

	if (p->version_seen)
		return lf_fail(p, "a second sandlab-lab line");
	if (nw != 2 || parse_int(w[1], 1, 1000000, &v) != 0)
		return lf_fail(p, "the version line is: sandlab-lab %d", LABFILE_VERSION);
	if (v != LABFILE_VERSION)
		return lf_fail(p, "this is a version %s lab file; this sandlab reads version %d",
		    lf_shown(w[1], shown, sizeof shown), LABFILE_VERSION);
	p->version_seen = 1;
	return 0;
}

/* One line (no newline, no NUL, len <= LABFILE_LINE_MAX). */
static int
lf_line(struct lf_parse *p, const char *s, size_t len)
{
	char buf[LABFILE_LINE_MAX + 1], *w[LF_WORDS_MAX], *q, shown[96];
	int nw = 0;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == '#' && (i == 0 || buf[i - 1] == ' ' || buf[i - 1] == '\t')) {
			buf[i] = '\0';  /* a comment: never shown, so any text */
			break;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return lf_fail(p, "a control character (byte 0x%02x)", ch);
	}
	for (q = strtok(buf, " \t"); q != NULL; q = strtok(NULL, " \t")) {
		if (nw == LF_WORDS_MAX)
			return lf_fail(p, "more than %d words", LF_WORDS_MAX);
		w[nw++] = q;
	}
	if (nw == 0)
		return 0;
	if (strcmp(w[0], "sandlab-lab") == 0)
		return lf_version(p, w, nw);
	if (!p->version_seen)
		return lf_fail(p, "a lab file starts with the line \"sandlab-lab %d\"", LABFILE_VERSION);
	if (strcmp(w[0], "node") == 0)
		return lf_node(p, w, nw);
	if (strcmp(w[0], "nic") == 0)
		return lf_nic(p, w, nw);
	if (strcmp(w[0], "link") == 0)
		return lf_link(p, w, nw);
	if (strcmp(w[0], "append") == 0)
		return lf_append(p, w, nw);
	if (strcmp(w[0], "template") == 0)
		return lf_template(p, w, nw);
	if (strcmp(w[0], "template-append") == 0)
		return lf_template_append(p, w, nw);
	if (strcmp(w[0], "adapter") == 0)
		return lf_adapter(p, w, nw);
	if (strcmp(w[0], "usage") == 0)
		return lf_usage(p, w, nw);
	if (strcmp(w[0], "user-data") == 0)
		return lf_user_data(p, w, nw);
	return lf_fail(p, "unknown line \"%s\" (a line is sandlab-lab, template, template-append, adapter, usage, "
	    "node, nic, link, append, user-data or a # comment)",
	    lf_shown(w[0], shown, sizeof shown));
}

/* After the last line: every NIC's attachment settled. */
static int
lf_finish(struct lf_parse *p)
{
	struct labfile *lf = p->lf;

	if (!p->version_seen)
		return lf_fail(p, "no \"sandlab-lab %d\" line: this is not a lab file", LABFILE_VERSION);
	for (int i = 0; i < lf->nnodes; i++) {
		struct err e;
		const char *u = lf->nodes[i].user_data;
		if (u && cloudinit_check_user_data(u, strlen(u), &e) != 0) {
			p->line = lf->nodes[i].line;
			return lf_fail(p, "the user-data of node %s: %s", lf->nodes[i].name, e.msg);
		}
	}
	for (int i = 0; i < lf->nnodes; i++)
		for (int j = 0; j < lf->nodes[i].nnics; j++) {
			struct labfile_nic *c = &lf->nodes[i].nics[j];
			if (strcmp(c->attach, "link") == 0 && p->link_line[i * NODE_NICS_MAX + j] == 0) {
				p->line = c->line;
				return lf_fail(p, "%s:eth%d has attach=link, but no link line joins it",
				    lf->nodes[i].name, j);
			}
			if (c->attach[0] == '\0')
				snprintf(c->attach, sizeof c->attach, "none");
		}
	return 0;
}

/* Lines whose first word is "node": counted before anything else, so
 * that a file over the limit is refused at once with its count, not at
 * the line where the limit is passed. */
static size_t
lf_count_nodes(const char *text, size_t len)
{
	size_t n = 0, at = 0;

	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		while (at < end && (text[at] == ' ' || text[at] == '\t'))
			at++;
		if (end - at > 4 && memcmp(text + at, "node", 4) == 0 &&
		    (text[at + 4] == ' ' || text[at + 4] == '\t'))
			n++;
		at = end + 1;
	}
	return n;
}

int
labfile_parse(const char *text, size_t len, struct labfile *out, struct err *e)
{
	struct lf_parse p = { .lf = out, .e = e };
	size_t at = 0, nodes = lf_count_nodes(text, len);
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (nodes > LABFILE_NODES_MAX)
		return err_set(e, "the file defines %zu nodes, more than the %d a lab file may hold "
		    "(split it into several)", nodes, LABFILE_NODES_MAX);
	while (at < len && rc == 0) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		p.line++;
		if (n > LABFILE_LINE_MAX)
			rc = lf_fail(&p, "longer than %d bytes (%zu)", LABFILE_LINE_MAX, n);
		else if (memchr(text + at, '\0', n) != NULL)
			rc = lf_fail(&p, "a NUL byte: this is not a text file");
		else
			rc = lf_line(&p, text + at, n);
		at += n + (nl != NULL);
	}
	if (rc == 0) {
		p.line++;
		rc = lf_finish(&p);
	}
	free(p.link_line);
	free(p.slots);
	if (rc != 0)
		labfile_free(out);
	return rc;
}

/* ---- formatting ---- */

struct lf_buf {
	char  *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
lf_put(struct lf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap)
		b->s = xrealloc(b->s, b->cap = (b->len + (size_t)n + 1) * 2);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* 1 when a machine field has the value a node gets without it. */
static int
lf_hw_default(int k, const char *val)
{
	return strcmp(val, hw_fields[k].dflt) == 0 || (hw_fields[k].image_kind && hw_none(val)) ||
	    (k == HW_BOOT_ONCE && hw_none(val));
}

/* A usage or user-data text as a lab file writes it: words joined by one
 * space, with what a word cannot hold written %XX: '%', control bytes (a
 * newline, a tab), '#' (a comment) and a space that is not alone between
 * two other characters. Caller frees. */
static char *
lf_usage_encode(const char *text)
{
	struct lf_buf b = { 0 };

	lf_put(&b, "%s", "");
	for (size_t i = 0; text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '%' || c < 0x20 || c == 0x7f || c == '#' ||
		    (c == ' ' && (i == 0 || text[i - 1] == ' ' || text[i + 1] == '\0' || text[i + 1] == ' ')))
			lf_put(&b, "%%%02X", c);
		else
			lf_put(&b, "%c", c);
	}
	return b.s;
}

/* The usage (or user-data) lines of template (node) name: kind NAME
 * PIECE, one a line of the text (split after each %0A), a long line in
 * pieces, each cut where no space and no %XX is split, so the pieces put
 * together give the text back. */
_Static_assert(LF_WORDS_MAX > 64 + 2, "a usage line's piece is at most 64 words");
static void
lf_usage_lines(struct lf_buf *b, const char *kind, const char *name, const char *text)
{
	char *enc = lf_usage_encode(text);
	size_t at = 0, len = strlen(enc);

	while (at < len) {
		size_t end = at, nl, spaces = 0;
		const char *hit = strstr(enc + at, "%0A");
		nl = hit ? (size_t)(hit - enc) + 3 : len;
		/* at most 1000 bytes and 64 words: a line holds LF_WORDS_MAX */
		while (end < nl && end - at < 1000 && spaces < 63)
			spaces += enc[end++] == ' ';
		/* back off from a cut inside %XX or next to a space */
		while (end < nl && end > at + 3 && (enc[end - 1] == ' ' || enc[end] == ' ' ||
		    enc[end - 1] == '%' || enc[end - 2] == '%'))
			end--;
		lf_put(b, "%s %s %.*s\n", kind, name, (int)(end - at), enc + at);
		at = end;
	}
	free(enc);
}

char *
labfile_format(const struct labfile *lf)
{
	struct lf_buf b = { 0 };
	char f[32];

	lf_put(&b, "# sandlab lab file: nodes, their NICs, and links between NICs.\n"
	    "# Disk contents are not included: importing gives each node a fresh overlay on its image\n"
	    "# and fresh extra disks.\n"
	    "sandlab-lab %d\n", LABFILE_VERSION);
	for (int i = 0; i < lf->ntemplates; i++) {
		const struct labfile_template *t = &lf->templates[i];
		lf_put(&b, "\ntemplate %s image=%s ram=%d cpus=%d nics=%d nic-model=%s accel=%s cloud-init=%s "
		    "ci-user=%s console=%s", t->name, t->image, t->ram_mb, t->cpus, t->nics, t->nic_model,
		    t->accel, t->cloud_init ? "on" : "off", t->ci_user, t->console);
		if (t->host[0])
			lf_put(&b, " host=%s", t->host);
		for (int k = 0; k < HW_APPEND; k++)
			if (t->hw[k] && !lf_hw_default(k, t->hw[k]))
				lf_put(&b, " %s=%s", hw_fields[k].name, t->hw[k]);
		for (int k = 0; k < t->ndisks; k++)
			lf_put(&b, " disk=%s", t->disks[k]);
		/* none by default, so files from before port names still match */
		if (t->ports.format[0])
			lf_put(&b, " port-format=%s", t->ports.format);
		if (t->ports.first[0])
			lf_put(&b, " port-first=%s", t->ports.first);
		if (t->ports.segment)
			lf_put(&b, " port-segment=%d", t->ports.segment);
		lf_put(&b, "\n");
		for (int k = 0; k < t->ports.nadapters; k++) {
			const struct portname_adapter *a = &t->ports.adapters[k];
			lf_put(&b, "adapter %s:eth%d", t->name, a->idx);
			if (a->name[0])
				lf_put(&b, " port=%s", a->name);
			if (a->model[0])
				lf_put(&b, " model=%s", a->model);
			if (a->mac[0])
				lf_put(&b, " mac=%s", a->mac);
			lf_put(&b, "\n");
		}
		if (t->hw[HW_APPEND] && t->hw[HW_APPEND][0])
			lf_put(&b, "template-append %s %s\n", t->name, t->hw[HW_APPEND]);
		if (t->usage && t->usage[0])
			lf_usage_lines(&b, "usage", t->name, t->usage);
	}
	for (int i = 0; i < lf->nnodes; i++) {
		const struct labfile_node *n = &lf->nodes[i];
		lf_put(&b, "\nnode %s image=%s ram=%d cpus=%d accel=%s", n->name, n->image, n->ram_mb,
		    n->cpus, n->accel);
		/* the default is left out, so files from before it still match */
		if (n->console_cols && (n->console_cols != CONSIZE_COLS_DEFAULT ||
		    n->console_rows != CONSIZE_ROWS_DEFAULT))
			lf_put(&b, " console=%dx%d", n->console_cols, n->console_rows);
		if (n->ready[0])
			lf_put(&b, " ready=%s", n->ready);
		if (n->host[0])
			lf_put(&b, " host=%s", n->host);
		if (n->template[0])
			lf_put(&b, " template=%s", n->template);
		for (int k = 0; k < HW_APPEND; k++)
			if (n->hw[k] && !lf_hw_default(k, n->hw[k]))
				lf_put(&b, " %s=%s", hw_fields[k].name, n->hw[k]);
		for (int k = 0; k < n->ndisks; k++)
			lf_put(&b, " disk=%s", n->disks[k]);
		if (n->on_stop[0])
			lf_put(&b, " on-stop=%s", n->on_stop);
		if (n->stop_grace[0])
			lf_put(&b, " stop-grace=%s", n->stop_grace);
		if (n->vnc_console)
			lf_put(&b, " console-type=vnc");
		if (n->cloud_init)
			lf_put(&b, " cloud-init=on");
		if (n->ci_user[0] && strcmp(n->ci_user, CLOUDINIT_USER_DEFAULT) != 0)
			lf_put(&b, " ci-user=%s", n->ci_user);
		lf_put(&b, "\n");
		if (n->hw[HW_APPEND] && n->hw[HW_APPEND][0])
			lf_put(&b, "append %s %s\n", n->name, n->hw[HW_APPEND]);
		if (n->user_data && n->user_data[0])
			lf_usage_lines(&b, "user-data", n->name, n->user_data);
		for (int j = 0; j < n->nnics; j++) {
			const struct labfile_nic *c = &n->nics[j];
			lf_put(&b, "nic %s:eth%d model=%s", n->name, j, c->model);
			if (c->mac[0])
				lf_put(&b, " mac=%s", c->mac);
			lf_put(&b, " attach=%s", c->attach);
			if (c->port[0])
				lf_put(&b, " port=%s", c->port);
			for (int k = 0; k < c->nfwds; k++)
				lf_put(&b, " forward=%s", net_fwd_format(&c->fwds[k], f, sizeof f));
			lf_put(&b, "\n");
		}
	}
	if (lf->nlinks > 0)
		lf_put(&b, "\n");
	for (int i = 0; i < lf->nlinks; i++) {
		const struct labfile_link *l = &lf->links[i];
		lf_put(&b, "link %s:eth%d %s:eth%d", lf->nodes[l->a].name, l->a_idx,
		    lf->nodes[l->b].name, l->b_idx);
		/* what is left out is the default, so older files still match */
		if (l->down)
			lf_put(&b, " state=down");
		if (l->a_shape[0])
			lf_put(&b, " a>b=%s", l->a_shape);
		if (l->b_shape[0])
			lf_put(&b, " b>a=%s", l->b_shape);
		if (l->a_port)
			lf_put(&b, " a-port=%d", l->a_port);
		if (l->b_port)
			lf_put(&b, " b-port=%d", l->b_port);
		lf_put(&b, "\n");
	}
	return b.s;
}

/* ---- files ---- */

int
labfile_read(const char *path, char **text, size_t *len, struct err *e)
{
	struct stat sb;
	char shown[256];
	size_t cap = 1 << 16, n = 0;
	char *buf;
	int fd;

	sanitize_to(path, strlen(path), shown, sizeof shown);
	if (strcmp(path, "-") == 0)
		fd = dup(0);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return err_sys(e, "cannot open %s", shown);
	if (fstat(fd, &sb) != 0 || (strcmp(path, "-") != 0 && !S_ISREG(sb.st_mode))) {
		close(fd);
		return err_set(e, "%s is not a regular file", shown);
	}
	buf = xmalloc(cap);
	for (;;) {
		ssize_t got;
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err_sys(e, "cannot read %s", shown);
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > LABFILE_SIZE_MAX) {
			err_set(e, "%s is larger than %u MiB; a lab file is far smaller", shown,
			    LABFILE_SIZE_MAX >> 20);
			goto fail;
		}
	}
	close(fd);
	*text = buf;
	*len = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return -1;
}

int
labfile_write(const char *path, const char *text, struct err *e)
{
	char shown[256], *tmp;
	int fd;

	if (strcmp(path, "-") == 0) {
		if (write_all(1, text, strlen(text)) != 0)
			return err_sys(e, "cannot write the lab file to standard output");
		return 0;
	}
	sanitize_to(path, strlen(path), shown, sizeof shown);
	tmp = xasprintf("%s.tmp-%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		free(tmp);
		return err_sys(e, "cannot create a file next to %s", shown);
	}
	if (write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
		err_sys(e, "cannot write %s", shown);
		close(fd);
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		err_sys(e, "cannot write %s", shown);
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return -1;
}

/* ---- the database ---- */

/* A node's stop method as a lab file carries it: nothing for a node
 * without a row, so labs from before it export as they did. */
static int
lf_export_stop(struct lab *lab, const char *node_id, struct labfile_node *d, struct err *e)
{
	struct stopmode m;

	if (stopmode_get(lab, node_id, &m, e) != 0)
		return -1;
	if (m.method_set)
		snprintf(d->on_stop, sizeof d->on_stop, "%s", stopmode_method(&m));
	if (m.grace_set)
		snprintf(d->stop_grace, sizeof d->stop_grace, "%d", m.grace_s);
	return 0;
}

/* A node's cloud-init settings and console type into d: off, the
 * default user, sandlab's user-data and a serial console are what a node
 * without rows has, and are not written. */
static int
lf_export_ci(struct lab *lab, const char *node_id, struct labfile_node *d, struct err *e)
{
	struct cloudinit c;

	if (cloudinit_get(lab, node_id, &c, e) != 0)
		return -1;
	d->cloud_init = c.on;
	if (strcmp(c.user, CLOUDINIT_USER_DEFAULT) != 0)
		snprintf(d->ci_user, sizeof d->ci_user, "%s", c.user);
	d->user_data = c.user_data;
	c.user_data = NULL;
	cloudinit_clear(&c);
	if ((d->vnc_console = contype_is_vnc(lab, node_id, e)) < 0)
		return -1;
	return 0;
}

/* The lab's templates into out->templates, by name. */
static int
lf_export_templates(struct lab *lab, struct labfile *out, struct err *e)
{
	struct template *v;
	size_t n;

	if (template_list(lab, &v, &n, e) != 0)
		return -1;
	out->templates = xcalloc(n + 1, sizeof *out->templates);
	for (size_t i = 0; i < n; i++) {
		struct labfile_template *d = &out->templates[out->ntemplates++];
		snprintf(d->name, sizeof d->name, "%s", v[i].name);
		snprintf(d->image, sizeof d->image, "%s", v[i].image_name);
		d->ram_mb = v[i].ram_mb;
		d->cpus = v[i].cpus;
		d->nics = v[i].nics;
		snprintf(d->nic_model, sizeof d->nic_model, "%s", v[i].nic_model);
		snprintf(d->accel, sizeof d->accel, "%s", v[i].accel);
		d->cloud_init = v[i].cloud_init;
		snprintf(d->ci_user, sizeof d->ci_user, "%s", v[i].ci_user);
		snprintf(d->console, sizeof d->console, "%s", v[i].console);
		if (!template_is_local(&v[i]))
			snprintf(d->host, sizeof d->host, "%s", v[i].host);
		d->usage = xstrdup(v[i].usage);
		for (int k = 0; k < HW_NKEYS; k++)
			d->hw[k] = xstrdup(v[i].hw.v[k]);
		d->ports = v[i].ports;
		for (int k = 0; k < v[i].ndisks; k++)
			d->disks[d->ndisks++] = disk_text(&v[i].disks[k]);
	}
	template_list_free(v, n);
	return 0;
}

int
labfile_export(struct lab *lab, struct labfile *out, struct err *e)
{
	struct node *v = NULL;
	struct link *lv = NULL;
	size_t n = 0, nl = 0;
	int own_txn, rc = -1;

	memset(out, 0, sizeof *out);
	/* One snapshot for nodes, NICs and links. */
	own_txn = sqlite3_get_autocommit(lab->db) && db_exec(lab->db, "BEGIN", NULL) == 0;
	if (node_list(lab, &v, &n, e) != 0 || link_list(lab, &lv, &nl, e) != 0 ||
	    lf_export_templates(lab, out, e) != 0)
		goto done;
	out->nodes = xcalloc(n + 1, sizeof *out->nodes);
	for (size_t i = 0; i < n; i++) {
		struct labfile_node *d = &out->nodes[out->nnodes++];
		struct nic *nv;
		int nn;
		d->line = 0;
		snprintf(d->name, sizeof d->name, "%s", v[i].name);
		snprintf(d->image, sizeof d->image, "%s", v[i].image_name);
		d->ram_mb = v[i].ram_mb;
		d->cpus = v[i].cpus;
		snprintf(d->accel, sizeof d->accel, "%s", v[i].accel);
		d->console_cols = v[i].console_cols;
		d->console_rows = v[i].console_rows;
		snprintf(d->ready, sizeof d->ready, "%s", v[i].ready);
		if (!node_is_local(&v[i]))
			snprintf(d->host, sizeof d->host, "%s", v[i].host);
		for (int k = 0; k < HW_NKEYS; k++)
			d->hw[k] = xstrdup(v[i].hw.v[k]);
		for (int k = 0; k < v[i].ndisks; k++)
			d->disks[d->ndisks++] = disk_text(&v[i].disks[k]);
		if (lf_export_stop(lab, v[i].id, d, e) != 0 || lf_export_ci(lab, v[i].id, d, e) != 0 ||
		    template_of_node(lab, v[i].id, d->template, sizeof d->template, e) != 0 ||
		    net_nics_get(lab, v[i].id, &nv, &nn, e) != 0)
			goto done;
		d->nics = xcalloc((size_t)nn + 1, sizeof *d->nics);
		for (int j = 0; j < nn; j++) {
			struct labfile_nic *c = &d->nics[d->nnics++];
			snprintf(c->model, sizeof c->model, "%s", nv[j].model);
			snprintf(c->mac, sizeof c->mac, "%s", nv[j].mac);
			snprintf(c->attach, sizeof c->attach, "%s", nv[j].attach);
			snprintf(c->port, sizeof c->port, "%s", nv[j].port);
			c->nfwds = nv[j].nfwds;
			c->fwds = nv[j].fwds;
			nv[j].fwds = NULL;
			nv[j].nfwds = 0;
		}
		nic_list_free(nv, nn);
	}
	out->links = xcalloc(nl + 1, sizeof *out->links);
	for (size_t i = 0; i < nl; i++) {
		struct labfile_link *l = &out->links[out->nlinks++];
		/* node_list and link_list read one snapshot: both ends are listed. */
		for (size_t k = 0; k < n; k++) {
			if (strcmp(v[k].id, lv[i].a.id) == 0)
				l->a = (int)k;
			if (strcmp(v[k].id, lv[i].b.id) == 0)
				l->b = (int)k;
		}
		l->a_idx = lv[i].a.idx;
		l->b_idx = lv[i].b.idx;
		l->down = !lv[i].up;
		snprintf(l->a_shape, sizeof l->a_shape, "%s", lv[i].a.shape);
		snprintf(l->b_shape, sizeof l->b_shape, "%s", lv[i].b.shape);
		l->a_port = lv[i].a.port_set ? lv[i].a.port : 0;
		l->b_port = lv[i].b.port_set ? lv[i].b.port : 0;
	}
	rc = 0;
done:
	if (own_txn)
		db_rollback(lab->db);
	node_list_free(v, n);
	free(lv);
	if (rc != 0)
		labfile_free(out);
	return rc;
}

/* One node of an import: its overlay in the making, id and image. */
struct lf_made {
	struct node_disk disk;
	struct node_disks disks; /* its extra disks in the making */
	char   id[37];
	char   image_id[37];
	struct hw hw;          /* its machine, images looked up */
};

/* The rows of lf, inside the caller's transaction; made[i] has node i's
 * overlay and id. */
static int
lf_insert(struct lab *lab, const struct labfile *lf, struct lf_made *made, struct err *e)
{
	struct err why;

	for (int i = 0; i < lf->nnodes; i++) {
		const struct labfile_node *n = &lf->nodes[i];
		char *host;
		int rc;
		if (node_host_resolve(lab, n->host[0] ? n->host : NULL, &host, &why) != 0)
			return err_set(e, "line %d: %s", n->line, why.msg);
		struct node_row r = { .id = made[i].id, .name = n->name, .image_id = made[i].image_id,
		    .image_name = n->image, .overlay_file = made[i].disk.file, .ram_mb = n->ram_mb,
		    .cpus = n->cpus, .accel = n->accel, .console_cols = n->console_cols,
		    .console_rows = n->console_rows, .ready = n->ready, .hw = &made[i].hw, .host = host };
		rc = node_row_insert(lab, &r, &why);
		free(host);
		if (rc == 0 && (n->on_stop[0] || n->stop_grace[0]))
			rc = stopmode_set(lab, made[i].id, n->on_stop[0] ? n->on_stop : NULL,
			    n->stop_grace[0] ? atoi(n->stop_grace) : -1, &why);
		if (rc == 0 && (n->cloud_init || n->ci_user[0] || n->user_data)) {
			struct cloudinit_changes c = { .on = n->cloud_init, .user = n->ci_user[0] ? n->ci_user : NULL,
			    .user_data = n->user_data };
			rc = cloudinit_set(lab, made[i].id, &c, &why);
		}
		if (rc == 0 && n->vnc_console)
			rc = contype_set(lab, made[i].id, CONTYPE_VNC, &why);
		if (rc != 0 || node_disks_place(lab, made[i].id, &made[i].disks, &why) != 0)
			return err_set(e, "line %d: %s", n->line, why.msg);
	}
	/* NICs with a MAC in the file first, so a new MAC avoids them all. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < lf->nnodes; i++)
			for (int j = 0; j < lf->nodes[i].nnics; j++) {
				const struct labfile_nic *c = &lf->nodes[i].nics[j];
				if ((c->mac[0] != '\0') != (pass == 0))
					continue;
				if (nic_insert(lab, made[i].id, j, c->model, c->mac[0] ? c->mac : NULL,
				    c->attach, c->port, &why) != 0)
					return err_set(e, "line %d: %s", c->line, why.msg);
			}
	for (int i = 0; i < lf->nnodes; i++)
		for (int j = 0; j < lf->nodes[i].nnics; j++)
			for (int k = 0; k < lf->nodes[i].nics[j].nfwds; k++)
				if (net_forward_insert(lab, made[i].id, j, &lf->nodes[i].nics[j].fwds[k], &why) != 0)
					return err_set(e, "line %d: %s", lf->nodes[i].nics[j].line, why.msg);
	/* The file's chosen ports are kept from every fresh pick, so a fresh
	 * port never takes one that an end, of this link or a later one, is
	 * given next. */
	int *chosen = xreallocarray(NULL, 2 * (size_t)lf->nlinks + 1, sizeof *chosen), nchosen = 0;
	for (int i = 0; i < lf->nlinks; i++) {
		if (lf->links[i].a_port)
			chosen[nchosen++] = lf->links[i].a_port;
		if (lf->links[i].b_port)
			chosen[nchosen++] = lf->links[i].b_port;
	}
	for (int i = 0; i < lf->nlinks; i++) {
		const struct labfile_link *l = &lf->links[i];
		struct link made_l;
		if (link_insert(lab, made[l->a].id, l->a_idx, made[l->b].id, l->b_idx, chosen, nchosen,
		    &made_l, &why) != 0 ||
		    ((l->down || l->a_shape[0] || l->b_shape[0]) &&
		    link_set_state(lab, made_l.id, !l->down, l->a_shape, l->b_shape, &why) != 0) ||
		    (l->a_port && link_set_port(lab, made_l.id, 0, l->a_port, &why) != 0) ||
		    (l->b_port && link_set_port(lab, made_l.id, 1, l->b_port, &why) != 0)) {
			free(chosen);
			return err_set(e, "line %d: %s", l->line, why.msg);
		}
	}
	free(chosen);
	return 0;
}

/* The file's templates, checked against the lab (images) into tm[]. */
static int
lf_templates_make(struct lab *lab, const struct labfile *lf, struct template *tm, struct err *e)
{
	struct err why;

	for (int i = 0; i < lf->ntemplates; i++) {
		const struct labfile_template *t = &lf->templates[i];
		struct template_spec sp = { .image = t->image, .ram_mb = t->ram_mb, .cpus = t->cpus,
		    .nics = t->nics, .nic_model = t->nic_model, .accel = t->accel, .cloud_init = t->cloud_init,
		    .ci_user = t->ci_user, .console = t->console, .usage = t->usage, .ports = &t->ports,
		    .disks = (const char *const *)t->disks, .ndisks = t->ndisks,
		    .host = t->host[0] ? t->host : NULL };
		memcpy(sp.hw, t->hw, sizeof sp.hw);
		template_init(&tm[i], t->name);
		node_new_id(tm[i].id);
		if (template_apply(lab, &tm[i], &sp, &why) != 0)
			return err_set(e, "line %d: %s", t->line, why.msg);
	}
	return 0;
}

/* Inside the transaction, before the nodes: the templates' rows. */
static int
lf_templates_insert(struct lab *lab, const struct labfile *lf, const struct template *tm, struct err *e)
{
	struct err why;

	for (int i = 0; i < lf->ntemplates; i++)
		if (template_write(lab, &tm[i], &why) != 0)
			return err_set(e, "line %d: %s", lf->templates[i].line, why.msg);
	return 0;
}

/* Inside the transaction, after the nodes: each node's template. */
static int
lf_templates_mark(struct lab *lab, const struct labfile *lf, const struct template *tm,
    const struct lf_made *made, struct err *e)
{
	struct err why;

	for (int i = 0; i < lf->nnodes; i++) {
		const struct labfile_node *n = &lf->nodes[i];
		int t;
		if (n->template[0] == '\0')
			continue;
		for (t = 0; t < lf->ntemplates && strcasecmp(lf->templates[t].name, n->template) != 0; t++)
			;
		/* the parser saw the template above the node */
		if (t == lf->ntemplates || template_node_mark(lab, made[i].id, tm[t].id, NULL, &why) != 0)
			return err_set(e, "line %d: %s", n->line, t == lf->ntemplates ? "no such template" : why.msg);
	}
	return 0;
}

int
labfile_import(struct lab *lab, const struct labfile *lf, struct err *e)
{
	struct lf_made *made = xcalloc((size_t)lf->nnodes + 1, sizeof *made);
	struct template *tm = xcalloc((size_t)lf->ntemplates + 1, sizeof *tm);
	struct image im;
	struct err why;
	int rc = -1, i;

	if (lf_templates_make(lab, lf, tm, e) != 0)
		goto out;
	/* Images first: a missing one costs no overlay. */
	for (i = 0; i < lf->nnodes; i++) {
		const struct labfile_node *n = &lf->nodes[i];
		char *backing;
		struct disk *dv = NULL;
		int made_ok;
		if (image_find(lab, n->image, &im, &why) != 0) {
			err_set(e, "line %d: no image named %s in this lab (see: sandlab image ls; add it "
			    "with: sandlab image import FILE --name %s)", n->line, n->image, n->image);
			goto out;
		}
		hw_init(&made[i].hw);
		if (image_check_disk(&im, &why) != 0 ||
		    node_hw_apply(lab, &made[i].hw, (const char *const *)n->hw, &why) != 0 ||
		    disk_parse_all(lab, (const char *const *)n->disks, n->ndisks, &dv, &why) != 0 ||
		    disk_check_buses(made[i].hw.v[HW_DISK_BUS], dv, n->ndisks, &why) != 0 ||
		    node_disks_make(lab, dv, n->ndisks, NULL, &made[i].disks, &why) != 0) {
			disk_list_free(dv, dv ? n->ndisks : 0);
			image_clear(&im);
			err_set(e, "line %d: %s", n->line, why.msg);
			goto out;
		}
		disk_list_free(dv, n->ndisks);
		snprintf(made[i].image_id, sizeof made[i].image_id, "%s", im.id);
		node_new_id(made[i].id);
		backing = xasprintf("%s/%s", lab->images, im.file);
		made_ok = node_disk_new(lab, backing, im.format, NULL, &made[i].disk, &why) == 0 &&
		    node_vars_new(&made[i].hw, made[i].disk.final_abs, NULL, &why) == 0;
		free(backing);
		image_clear(&im);
		if (!made_ok) {
			err_set(e, "line %d: %s", n->line, why.msg);
			goto out;
		}
	}
	if (db_begin(lab->db, e) != 0 || lf_templates_insert(lab, lf, tm, e) != 0 ||
	    lf_insert(lab, lf, made, e) != 0 || lf_templates_mark(lab, lf, tm, made, e) != 0)
		goto out;
	for (i = 0; i < lf->nnodes; i++) {
		if (node_disk_place(lab, &made[i].disk, e) != 0)
			goto out;
		db_event(lab->db, made[i].id, "import", lf->nodes[i].name);
	}
	crash_point("import-placed");
	if (db_commit(lab->db, e) == 0)
		rc = 0;
out:
	if (rc != 0)
		db_rollback(lab->db);
	for (i = 0; i < lf->nnodes; i++) {
		if (rc != 0) {
			if (made[i].disk.final_abs)
				firmware_vars_rm(made[i].disk.final_abs);
			node_disk_undo(lab, &made[i].disk);
			node_disks_undo(lab, &made[i].disks);
		} else {
			node_disk_free(&made[i].disk);
			node_disks_free(&made[i].disks);
		}
		hw_clear(&made[i].hw);
	}
	free(made);
	for (i = 0; i < lf->ntemplates; i++)
		template_clear(&tm[i]);
	free(tm);
	return rc;
}
