/*
 * cmd-complete.c: the hidden `sandlab __complete WORD...`, which shell
 * completion (completion/) asks. The words are the command line after
 * "sandlab", the last one the word being completed (maybe empty); it
 * prints what may stand there and starts with it, one a line, or the
 * single line ":files" when a file name goes there.
 *
 * What a command takes is read from its usage line in the table, so a
 * new command completes without a line here: "--opt" is an option, and
 * takes a value when a word follows it inside its brackets ("[--ram MB]",
 * "--image IMAGE"); "a|b|c" are literal choices; upper-case words are
 * positionals, "..." repeats one. A positional's word says what it names:
 * NAME and NODE a node (an image in the image group; nothing new in a
 * create command or in the snapshot group, whose NAME is a snapshot; a
 * capture file in the capture group),
 * IMAGE an image, HOST (and NAME in the host group) a host, NODE:ethN a NIC, LINK-ID a link, FILE a file,
 * TEMPLATE (and NAME in the template group) a template. Names come
 * from the lab, read once.
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "host.h"
#include "image.h"
#include "link.h"
#include "node.h"
#include "template.h"

#define CMD_COMPLETE_MAX 128
#define CMD_COMPLETE_OPTS 48

/* One word of a usage line that is not an option: its alternatives. */
struct cmd_complete_slot {
	char alts[4][32];
	int  nalts;
	int  repeats;
};

/* A command's options and positionals, as its usage line says. */
struct cmd_complete_spec {
	char opts[CMD_COMPLETE_OPTS][24];
	char optval[CMD_COMPLETE_OPTS][32];    /* what the option's value is; "" for a flag */
	int  nopts;
	struct cmd_complete_slot slots[6];
	int  nslots;
};

struct cmd_complete {
	const char *cur;
	const char *lab_dir;
	struct lab *lab;
	int         lab_tried;
};

static void
cmd_complete_put(struct cmd_complete *cc, const char *s)
{
	if (strncmp(s, cc->cur, strlen(cc->cur)) == 0)
		printf("%s\n", s);
}

/* usage "node set NAME [--ram MB] ..." into *sp, past the command words. */
static void
cmd_complete_spec(const struct cmd *t, struct cmd_complete_spec *sp)
{
	char *copy = xstrdup(t->usage), *words[CMD_COMPLETE_MAX], *save = NULL, *w;
	int n = 0, closed[CMD_COMPLETE_MAX];

	memset(sp, 0, sizeof *sp);
	for (w = strtok_r(copy, " ", &save); w && n < CMD_COMPLETE_MAX; w = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(w);
		closed[n] = len > 0 && w[len - 1] == ']';
		while (*w == '[')
			w++;
		while ((len = strlen(w)) > 0 && w[len - 1] == ']')
			w[len - 1] = '\0';
		words[n++] = w;
	}
	for (int i = t->group ? 2 : 1; i < n; i++) {
		struct cmd_complete_slot *sl;
		char *alt, *s2 = NULL;

		if (strcmp(words[i], "|") == 0 || words[i][0] == '\0')
			continue;
		if (strncmp(words[i], "--", 2) == 0) {
			if (sp->nopts == CMD_COMPLETE_OPTS)
				continue;
			snprintf(sp->opts[sp->nopts], sizeof sp->opts[0], "%s", words[i]);
			if (!closed[i] && i + 1 < n && words[i + 1][0] != '-' && strcmp(words[i + 1], "|") != 0)
				snprintf(sp->optval[sp->nopts], sizeof sp->optval[0], "%s", words[++i]);
			sp->nopts++;
			continue;
		}
		if (sp->nslots == 6)
			continue;
		sl = &sp->slots[sp->nslots++];
		for (alt = strtok_r(words[i], "|", &s2); alt; alt = strtok_r(NULL, "|", &s2)) {
			size_t len = strlen(alt);
			if (strncmp(alt, "--", 2) == 0) {
				if (sp->nopts < CMD_COMPLETE_OPTS)
					snprintf(sp->opts[sp->nopts++], sizeof sp->opts[0], "%s", alt);
				continue;
			}
			if (len > 3 && strcmp(alt + len - 3, "...") == 0) {
				alt[len - 3] = '\0';
				sl->repeats = 1;
			}
			if (sl->nalts < 4)
				snprintf(sl->alts[sl->nalts++], sizeof sl->alts[0], "%s", alt);
		}
	}
	free(copy);
}

/* The lab, if there is one: completion never makes a lab. */
static struct lab *
cmd_complete_lab(struct cmd_complete *cc)
{
	struct err e;
	char *dir, *db;

	if (cc->lab_tried)
		return cc->lab;
	cc->lab_tried = 1;
	dir = lab_dir_choose(cc->lab_dir);
	db = xasprintf("%s/lab.db", dir);
	if (access(db, R_OK) == 0)
		cc->lab = lab_open(dir, &e);
	free(db);
	free(dir);
	return cc->lab;
}

static void
cmd_complete_name(const char *name, void *arg)
{
	cmd_complete_put(arg, name);
}

/* "r1:" for a NIC's node, so the shell adds no space after the colon. */
static void
cmd_complete_nic_node(const char *name, void *arg)
{
	struct cmd_complete *cc = arg;

	if (strncmp(name, cc->cur, strlen(cc->cur)) == 0)
		printf("%s:\n", name);
}

/* Node names; with nics, "NODE:" and then that node's "NODE:ethN". */
static void
cmd_complete_nodes(struct cmd_complete *cc, int nics)
{
	struct lab *lab = cmd_complete_lab(cc);
	const char *colon = strchr(cc->cur, ':');
	struct node nd;
	struct err e;
	char *name;

	if (lab == NULL)
		return;
	if (!nics || colon == NULL) {
		node_names(lab, nics ? cmd_complete_nic_node : cmd_complete_name, cc, &e);
		return;
	}
	name = xstrndup(cc->cur, (size_t)(colon - cc->cur));
	if (node_get(lab, name, &nd, &e) == 0) {
		for (int k = 0; k < nd.nnics; k++) {
			char *s = xasprintf("%s:eth%d", name, nd.nics[k].idx);
			cmd_complete_put(cc, s);
			free(s);
		}
		node_clear(&nd);
	}
	free(name);
}

static void
cmd_complete_images(struct cmd_complete *cc)
{
	struct lab *lab = cmd_complete_lab(cc);
	struct image *v;
	size_t n;
	struct err e;

	if (lab == NULL || image_list(lab, &v, &n, &e) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		cmd_complete_put(cc, v[i].name);
	image_list_free(v, n);
}

static void
cmd_complete_links(struct cmd_complete *cc)
{
	struct lab *lab = cmd_complete_lab(cc);
	struct link *v;
	size_t n;
	struct err e;

	if (lab == NULL || link_list(lab, &v, &n, &e) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		cmd_complete_put(cc, v[i].id);
	free(v);
}

/* The lab's capture files. */
static void
cmd_complete_captures(struct cmd_complete *cc)
{
	struct capture_info *v;
	struct err e;
	size_t n;

	if (cmd_complete_lab(cc) == NULL || capture_list(cc->lab, &v, &n, &e) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		cmd_complete_put(cc, v[i].name);
	free(v);
}

/* local, always there, and the hosts added. */
static void
cmd_complete_hosts(struct cmd_complete *cc)
{
	struct lab *lab = cmd_complete_lab(cc);
	struct host *v;
	size_t n;
	struct err e;

	cmd_complete_put(cc, HOST_LOCAL);
	if (lab == NULL || host_list(lab, &v, &n, &e) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		cmd_complete_put(cc, v[i].name);
	host_list_free(v, n);
}

static void
cmd_complete_templates(struct cmd_complete *cc)
{
	struct lab *lab = cmd_complete_lab(cc);
	struct template *v;
	size_t n;
	struct err e;

	if (lab == NULL || template_list(lab, &v, &n, &e) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		cmd_complete_put(cc, v[i].name);
	template_list_free(v, n);
}

/* What a word of a usage line names: a kind, or literal choices "a|b". */
static void
cmd_complete_kind(struct cmd_complete *cc, const struct cmd *t, const char *kind, int slot)
{
	int in_group = t->group != NULL;

	if (strcmp(kind, "FILE") == 0 || strcmp(kind, "DIR") == 0) {
		printf(":files\n");
	} else if (strcmp(kind, "NAME") == 0 && in_group && strcmp(t->group, "capture") == 0) {
		cmd_complete_captures(cc);
	} else if (strcmp(kind, "IMAGE") == 0 ||
	    (strcmp(kind, "NAME") == 0 && in_group && strcmp(t->group, "image") == 0)) {
		cmd_complete_images(cc);
	} else if (strcmp(kind, "HOST") == 0 ||
	    (strcmp(kind, "NAME") == 0 && in_group && strcmp(t->group, "host") == 0 && slot == 0 &&
	    strcmp(t->name, "add") != 0)) {
		cmd_complete_hosts(cc);
	} else if (strcmp(kind, "NODE:ethN") == 0) {
		cmd_complete_nodes(cc, 1);
	} else if (strcmp(kind, "TEMPLATE") == 0 || (strcmp(kind, "NAME") == 0 && in_group &&
	    strcmp(t->group, "template") == 0)) {
		if (!(slot == 0 && strcmp(t->name, "create") == 0))
			cmd_complete_templates(cc);
	} else if (strcmp(kind, "NODE") == 0 ||
	    (strcmp(kind, "NAME") == 0 && !(slot == 0 && strcmp(t->name, "create") == 0) &&
	    !(in_group && strcmp(t->group, "snapshot") == 0))) {
		cmd_complete_nodes(cc, 0);
	} else if (strcmp(kind, "LINK-ID") == 0) {
		cmd_complete_links(cc);
	} else if (kind[0] >= 'a' && kind[0] <= 'z' && strchr(kind, ':') == NULL) {
		cmd_complete_put(cc, kind);
	}
}

/* An option's value: choices, or a kind other than a new name. */
static void
cmd_complete_optval(struct cmd_complete *cc, const struct cmd *t, const char *val)
{
	char *copy = xstrdup(val), *save = NULL;

	for (char *a = strtok_r(copy, "|", &save); a; a = strtok_r(NULL, "|", &save))
		if (strcmp(a, "NAME") != 0)
			cmd_complete_kind(cc, t, a, -1);
	free(copy);
}

static const struct cmd_global *
cmd_complete_global(const char *w)
{
	for (size_t i = 0; i < cmd_globals_n; i++)
		if (strcmp(cmd_globals[i].name, w) == 0)
			return &cmd_globals[i];
	return NULL;
}

int
cmd_complete(struct cli *c, int argc, char **argv)
{
	struct cmd_complete cc = { .cur = argc > 0 ? argv[argc - 1] : "", .lab_dir = c->lab_dir };
	struct cmd_complete_spec sp;
	const struct cmd *t = NULL;
	const char *want = NULL;   /* the option whose value comes next */
	char *cmdw[2];
	int ncmdw = 0, npos = 0, only_pos = 0, used;

	for (int i = 0; i + 1 < argc; i++) {
		const char *w = argv[i];
		const struct cmd_global *g;

		if (want != NULL) {
			if (strcmp(want, "--lab") == 0)
				cc.lab_dir = w;
			want = NULL;
			continue;
		}
		if (!only_pos && strcmp(w, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && w[0] == '-' && w[1] != '\0') {
			if (strncmp(w, "--lab=", 6) == 0)
				cc.lab_dir = w + 6;
			else if ((g = cmd_complete_global(w)) != NULL && g->arg != NULL)
				want = g->name;
			else if (t != NULL)
				for (int k = 0; k < sp.nopts; k++)
					if (strcmp(sp.opts[k], w) == 0 && sp.optval[k][0] != '\0')
						want = sp.opts[k];
			continue;
		}
		if (t != NULL) {
			/* A command that is also a group: "capture ls" is the
			 * group's command, "capture r1:eth0" the command's word. */
			const struct cmd *sub;
			if (npos == 0 && ncmdw == 1 && t->group == NULL) {
				cmdw[ncmdw++] = argv[i];
				if ((sub = cmd_find(cmdw, ncmdw, &used)) != NULL && used == 2 && !sub->hidden) {
					t = sub;
					cmd_complete_spec(t, &sp);
					continue;
				}
				ncmdw--;
			}
			npos++;
			continue;
		}
		if (ncmdw == 2)
			return 0; /* no such command: nothing to offer */
		cmdw[ncmdw++] = argv[i];
		if ((t = cmd_find(cmdw, ncmdw, &used)) != NULL && t->hidden)
			return 0;
		if (t != NULL)
			cmd_complete_spec(t, &sp);
	}

	if (want != NULL) {
		if (strcmp(want, "--lab") == 0)
			printf(":files\n");
		else if (t != NULL)
			for (int k = 0; k < sp.nopts; k++)
				if (strcmp(sp.opts[k], want) == 0)
					cmd_complete_optval(&cc, t, sp.optval[k]);
	} else if (!only_pos && cc.cur[0] == '-') {
		for (size_t i = 0; i < cmd_globals_n; i++)
			cmd_complete_put(&cc, cmd_globals[i].name);
		for (int k = 0; t != NULL && k < sp.nopts; k++)
			if (strcmp(sp.opts[k], "--json") != 0)
				cmd_complete_put(&cc, sp.opts[k]);
	} else if (t == NULL && ncmdw == 0) {
		for (size_t i = 0; i < cmd_groups_n; i++)
			cmd_complete_put(&cc, cmd_groups[i].name);
		/* A command that is also a group (capture) is offered once. */
		for (size_t i = 0; i < cmd_table_n; i++)
			if (cmd_table[i].group == NULL && !cmd_table[i].hidden &&
			    cmd_group_find(cmd_table[i].name) == NULL)
				cmd_complete_put(&cc, cmd_table[i].name);
	} else if (t == NULL && ncmdw == 1) {
		for (size_t i = 0; i < cmd_table_n; i++)
			if (cmd_table[i].group != NULL && !cmd_table[i].hidden &&
			    strcmp(cmd_table[i].group, cmdw[0]) == 0)
				cmd_complete_put(&cc, cmd_table[i].name);
	} else if (t != NULL && sp.nslots > 0) {
		if (ncmdw == 1 && npos == 0 && t->group == NULL && cmd_group_find(t->name) != NULL)
			for (size_t i = 0; i < cmd_table_n; i++)
				if (cmd_table[i].group != NULL && !cmd_table[i].hidden &&
				    strcmp(cmd_table[i].group, t->name) == 0)
					cmd_complete_put(&cc, cmd_table[i].name);
		int s = npos < sp.nslots ? npos : sp.nslots - 1;
		if (npos < sp.nslots || sp.slots[s].repeats)
			for (int a = 0; a < sp.slots[s].nalts; a++)
				cmd_complete_kind(&cc, t, sp.slots[s].alts[a], s);
	}
	if (cc.lab != NULL)
		lab_close(cc.lab);
	return 0;
}
