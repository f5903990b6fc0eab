/*
 * cmd-help.c: `sandlab help [COMMAND...]`, `COMMAND --help`, a group
 * alone, and the hidden `__commands` that prints the command table for
 * the man page, the README and the tests. Everything here is read from
 * the table in cmd.c; nothing about a command is written twice.
 */
#include "cmd.h"

#include <string.h>

static void
cmd_help_globals(FILE *f)
{
	fprintf(f, "options (anywhere on the line):\n");
	for (size_t i = 0; i < cmd_globals_n; i++) {
		const struct cmd_global *g = &cmd_globals[i];
		fprintf(f, "  %s%s%s\n      %s\n", g->name, g->arg ? " " : "", g->arg ? g->arg : "",
		    g->help);
	}
}

static void
cmd_help_row(FILE *f, const struct cmd *t)
{
	fprintf(f, "  %s\n      %s\n", t->usage, t->help);
}

static void
cmd_help_all(FILE *f)
{
	fprintf(f, "usage: sandlab [OPTION...] [COMMAND ...]\n\n"
	    "With no command, sandlab opens the dashboard on the lab. The lab is\n"
	    "--lab DIR, else $SANDLAB_LAB, else $XDG_DATA_HOME/sandlab.\n"
	    "\"sandlab help COMMAND\" or \"sandlab COMMAND --help\" says more about one.\n\n");
	cmd_help_globals(f);
	fprintf(f, "\ncommands:\n");
	for (size_t i = 0; i < cmd_table_n; i++)
		if (!cmd_table[i].hidden)
			cmd_help_row(f, &cmd_table[i]);
}

static void
cmd_help_group(FILE *f, const struct cmd_group *g)
{
	fprintf(f, "usage: sandlab %s COMMAND ...\n\n%s\n\ncommands:\n", g->name, g->help);
	for (size_t i = 0; i < cmd_table_n; i++)
		if (!cmd_table[i].hidden && cmd_table[i].group != NULL &&
		    strcmp(cmd_table[i].group, g->name) == 0)
			cmd_help_row(f, &cmd_table[i]);
}

int
cmd_help_words(FILE *f, int argc, char **argv)
{
	const struct cmd_group *g;
	const struct cmd *t;
	int used;

	if (argc == 0) {
		cmd_help_all(f);
		return 0;
	}
	if ((t = cmd_find(argv, argc, &used)) != NULL) {
		fprintf(f, "usage: sandlab %s\n\n%s\n", t->usage, t->help);
		if (!t->hidden)
			fprintf(f, "\nIt also takes --json and --lab DIR (see \"sandlab help\").\n");
		/* A command that is also a group (capture, capture ls): its
		 * group's commands too. */
		if (t->group == NULL && (g = cmd_group_find(t->name)) != NULL) {
			fprintf(f, "\n");
			cmd_help_group(f, g);
		}
		return 0;
	}
	if (argc == 1 && (g = cmd_group_find(argv[0])) != NULL) {
		cmd_help_group(f, g);
		return 0;
	}
	return 2;
}

int
cmd_help(struct cli *c, int argc, char **argv)
{
	if (cmd_help_words(stdout, argc, argv) == 0)
		return 0;
	return cmd_unknown(argv, argc);
}

/* roff text: a backslash is \e, and a line must not start with . or '. */
static void
cmd_help_roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* The man page's OPTIONS and COMMANDS sections. */
static void
cmd_help_man(FILE *f)
{
	fprintf(f, ".SH OPTIONS\nThese stand anywhere on the command line.\n");
	for (size_t i = 0; i < cmd_globals_n; i++) {
		const struct cmd_global *g = &cmd_globals[i];
		fprintf(f, ".TP\n.B ");
		cmd_help_roff(f, g->name);
		if (g->arg) {
			fprintf(f, " \" \"\n.I ");
			cmd_help_roff(f, g->arg);
		}
		fputc('\n', f);
		cmd_help_roff(f, g->help);
		fputc('\n', f);
	}
	fprintf(f, ".SH COMMANDS\n");
	for (size_t i = 0; i < cmd_table_n; i++) {
		const struct cmd *t = &cmd_table[i];
		if (t->hidden)
			continue;
		fprintf(f, ".TP\n.B \"sandlab ");
		cmd_help_roff(f, t->usage);
		fprintf(f, "\"\n");
		cmd_help_roff(f, t->help);
		fputc('\n', f);
	}
}

/* The README's command list (Markdown). */
static void
cmd_help_markdown(FILE *f)
{
	fprintf(f, "Options, anywhere on the line:\n\n");
	for (size_t i = 0; i < cmd_globals_n; i++)
		fprintf(f, "- `%s%s%s`: %s\n", cmd_globals[i].name, cmd_globals[i].arg ? " " : "",
		    cmd_globals[i].arg ? cmd_globals[i].arg : "", cmd_globals[i].help);
	fprintf(f, "\nCommands:\n\n");
	for (size_t i = 0; i < cmd_table_n; i++)
		if (!cmd_table[i].hidden)
			fprintf(f, "- `sandlab %s`: %s\n", cmd_table[i].usage, cmd_table[i].help);
}

int
cmd_help_dump(struct cli *c, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "--man") == 0) {
		cmd_help_man(stdout);
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "--markdown") == 0) {
		cmd_help_markdown(stdout);
		return 0;
	}
	if (argc != 0)
		return cli_usage("__commands [--man|--markdown]");
	/* One line a row, tab-separated: kind, group, name, usage, help. */
	for (size_t i = 0; i < cmd_groups_n; i++)
		printf("group\t-\t%s\t%s\t%s\n", cmd_groups[i].name, cmd_groups[i].name, cmd_groups[i].help);
	for (size_t i = 0; i < cmd_table_n; i++) {
		const struct cmd *t = &cmd_table[i];
		printf("%s\t%s\t%s\t%s\t%s\n", t->hidden ? "hidden" : "command", t->group ? t->group : "-",
		    t->name, t->usage, t->help);
	}
	for (size_t i = 0; i < cmd_globals_n; i++)
		printf("option\t-\t%s\t%s%s%s\t%s\n", cmd_globals[i].name, cmd_globals[i].name,
		    cmd_globals[i].arg ? " " : "", cmd_globals[i].arg ? cmd_globals[i].arg : "",
		    cmd_globals[i].help);
	return 0;
}
