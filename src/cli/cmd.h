/*
 * cmd.h: the command table and the command functions it lists. Each
 * function takes the arguments after its command words and returns an
 * exit status. The table is the one source of dispatch, help, the man
 * page, the README's command list and shell completion.
 */
#ifndef SANDLAB_CMD_H
#define SANDLAB_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "disk.h"
#include "hw.h"

struct cmd {
	const char *group;      /* "image", "node", or NULL for top level */
	const char *name;
	int       (*fn)(struct cli *c, int argc, char **argv);
	const char *usage;      /* the words after "sandlab"; read by completion */
	const char *help;       /* one line, never NULL */
	int         hidden;     /* internal: not in help, man page or completion */
};

/* A group of commands ("sandlab node ..."): its name and what it is for. */
struct cmd_group {
	const char *name;
	const char *help;
};

/* An option every command takes, or one before the command. */
struct cmd_global {
	const char *name;       /* "--lab" */
	const char *arg;        /* "DIR", or NULL for a flag */
	const char *help;
};

extern const struct cmd cmd_table[];
extern const size_t cmd_table_n;
extern const struct cmd_group cmd_groups[];
extern const size_t cmd_groups_n;
extern const struct cmd_global cmd_globals[];
extern const size_t cmd_globals_n;

/* The global options that the dashboard takes (pointers into argv). */
struct cmd_dashboard {
	const char *lab_dir;    /* --lab, or NULL */
	const char *theme;      /* --theme, or NULL */
};

/* Runs the command in argv. Returns the exit status: 0, 1 (failed) or 2
 * (bad usage); or -1 when argv names no command, with *dash filled from
 * the global options: the caller then opens the dashboard. */
int cmd_main(int argc, char **argv, struct cmd_dashboard *dash);

/* The group called name, or NULL. */
const struct cmd_group *cmd_group_find(const char *name);
/* The command called by words[0] (top level) or words[0] words[1];
 * *used says how many words it took. NULL when none. */
const struct cmd *cmd_find(char **words, int n, int *used);
/* "unknown command" on stderr, with the nearest name when there is one;
 * returns 2. */
int cmd_unknown(char **words, int n);
/* Of names[0..n), the one nearest to word (a typo or a prefix), or NULL. */
const char *cmd_nearest(const char *word, const char *const *names, size_t n);

/* cmd-help.c: help on everything, on a group, or on one command. */
int cmd_help(struct cli *c, int argc, char **argv);
/* Prints the help on the command or group argv names; 2 when none. */
int cmd_help_words(FILE *f, int argc, char **argv);
/* The hidden `__commands`: the table, for the tests and the docs. */
int cmd_help_dump(struct cli *c, int argc, char **argv);

/* cmd-version.c: `sandlab --version`. */
int cmd_version(struct cli *c, int argc, char **argv);

/* cmd-complete.c: the hidden `__complete WORD...` that shell completion asks. */
int cmd_complete(struct cli *c, int argc, char **argv);

/* `__vtcat` (argv[0]): the hidden console viewer; no struct cli, no lab. */
int cmd_vtcat(int argc, char **argv);

int cmd_image_ls(struct cli *c, int argc, char **argv);
int cmd_image_show(struct cli *c, int argc, char **argv);
int cmd_image_import(struct cli *c, int argc, char **argv);
int cmd_image_scan(struct cli *c, int argc, char **argv);
int cmd_image_rm(struct cli *c, int argc, char **argv);

int cmd_node_create(struct cli *c, int argc, char **argv);
int cmd_node_ls(struct cli *c, int argc, char **argv);
int cmd_node_show(struct cli *c, int argc, char **argv);
/* The machine's options of node create and node set (hw.h), in the
 * order of enum hw_key; cmd_node_opts_add adds them to an option table. */
#define CMD_NODE_HW_USAGE " [--disk-bus virtio|ide|sata|scsi] [--machine pc|q35] [--firmware bios|uefi]" \
	" [--cpu-model MODEL]" \
	" [--arch x86_64|i386] [--vga std|virtio|cirrus|none] [--boot ORDER]" \
	" [--boot-once disk|cdrom|network|none] [--cdrom IMAGE|none] [--kernel IMAGE|none]" \
	" [--initrd IMAGE|none] [--bios IMAGE|none] [--append TEXT]"
/* Extra disks (disk.h): --disk repeatable, each SIZE or image:NAME with
 * an optional ,bus=B; node set removes one by its number. */
#define CMD_NODE_DISK_USAGE " [--disk SIZE|image:NAME]"
#define CMD_NODE_DISK_HELP "; extra disks: --disk SIZE (a blank qcow2 of 1M to 2T: 64M, 8G) or " \
	"--disk image:NAME (an overlay on an image of kind disk), repeatable, each on virtio unless " \
	"followed by ,bus=ide, ,bus=sata or ,bus=scsi (--disk 8G,bus=sata)"
int cmd_node_set(struct cli *c, int argc, char **argv);
/* The usages of node create and set: one source for the table and the
 * commands' own messages. */
#define CMD_NODE_CREATE_USAGE "node create NAME [--image IMAGE] [--template TEMPLATE] [--ram MB]" \
	" [--cpus N] [--nics N] [--accel auto|kvm|tcg] [--console-size COLSxROWS] [--ready REGEX]" \
	" [--cloud-init on|off] [--ci-user NAME] [--user-data FILE] [--host HOST]" \
	" [--on-stop shutdown|poweroff] [--stop-grace SECONDS] [--nic-model MODEL] [--console serial|vnc]" \
	CMD_NODE_HW_USAGE CMD_NODE_DISK_USAGE
#define CMD_NODE_SET_USAGE "node set NAME [--ram MB] [--cpus N] [--nics N] [--accel auto|kvm|tcg]" \
	" [--console-size COLSxROWS] [--ready REGEX] [--cloud-init on|off] [--ci-user NAME]" \
	" [--user-data FILE] [--host HOST] [--on-stop shutdown|poweroff] [--stop-grace SECONDS]" \
	" [--console serial|vnc]" CMD_NODE_HW_USAGE CMD_NODE_DISK_USAGE " [--disk-rm N]"

/* The options nodes and templates share (node create|set, template
 * create|set): values as given (NULL: not given), and after
 * cmd_node_opts_check the numbers (0, 0, -1 and ci_on -1 when not given). */
struct cmd_node_opts {
	const char *image, *ram, *cpus, *nics, *accel, *ci, *ci_user;
	const char *hw[HW_NKEYS];
	int         ram_mb, ncpus, nnics, ci_on;
	/* --disk (repeatable) and --disk-rm N, by cmd_node_disks_take */
	const char *disks[DISK_MAX + 1], *disks_rm_text[DISK_MAX + 1];
	int         ndisks, ndisks_rm, disks_rm[DISK_MAX];
};
/* A keeper's step for node (run.h's run_step_cb; arg points to the CLI's
 * json flag): to stdout, or to stderr when stdout carries JSON. */
void cmd_run_step(const char *node, const char *step, void *arg);

#define CMD_NODE_OPTS_N (7 + HW_NKEYS)   /* most options cmd_node_opts_add adds */
/* Clears *o, adds its options (--image too when image) to opts from
 * index at, ends the table; returns how many it added. */
int cmd_node_opts_add(struct cli_opt *opts, int at, struct cmd_node_opts *o, int image);
/* After cmd_node_opts_add: takes every --disk (and with rm every
 * --disk-rm) out of argv into *o, before cli_parse reads the rest. 0, or
 * -1 after printing why. */
int cmd_node_disks_take(int *argc, char **argv, struct cmd_node_opts *o, int rm);
/* Extra disks v[0..n) as node show and template show give them in JSON:
 * index, bus, the spelling --disk takes, size (0 for an image's), image
 * (null for a blank disk) and file (null for a template's). */
json_t *cmd_disks_json(const struct disk *v, int n);
/* Checks the numbers, --accel, --cloud-init, --ci-user and --disk-rm: 0,
 * or 1 after printing why. */
int cmd_node_opts_check(struct cmd_node_opts *o);
/* 1 when any of the options was given. */
int cmd_node_opts_any(const struct cmd_node_opts *o);
/* A machine as node show and template show print it: one line, then a
 * line for each field past the VGA that is set; pending adds that a
 * change waits for a restart. */
void cmd_node_hw_print(const struct hw *h, int pending);
int cmd_node_cdrom(struct cli *c, int argc, char **argv);
int cmd_node_rename(struct cli *c, int argc, char **argv);
int cmd_node_reset(struct cli *c, int argc, char **argv);
int cmd_node_rm(struct cli *c, int argc, char **argv);

/* The options of template create and set after NAME (and --image). */
#define CMD_TEMPLATE_USAGE " [--ram MB] [--cpus N] [--nics N] [--nic-model MODEL] [--accel auto|kvm|tcg]" \
	" [--cloud-init on|off] [--ci-user NAME] [--console serial|vnc] [--usage TEXT] [--host HOST]" \
	" [--port-format FORMAT] [--port-first NAME] [--port-segment N]" CMD_NODE_HW_USAGE CMD_NODE_DISK_USAGE
#define CMD_TEMPLATE_CREATE_USAGE "template create NAME --image IMAGE" CMD_TEMPLATE_USAGE
#define CMD_TEMPLATE_SET_USAGE "template set NAME [--image IMAGE]" CMD_TEMPLATE_USAGE " [--disk-rm N]"
/* What template create and set say of port names and disks (help). */
#define CMD_TEMPLATE_PORTS_HELP "; NIC port names as GNS3 writes them: --port-format Gi0/{0} ({0} or " \
	"{port0} counts ports from 0, {port1} from 1, {1} or {segment0} counts segments of --port-segment N " \
	"ports), --port-first NAME gives eth0 a name of its own (\"\" or 0 removes one)" CMD_NODE_DISK_HELP \
	", each node made from it gets a fresh one"
int cmd_template_create(struct cli *c, int argc, char **argv);
int cmd_template_ls(struct cli *c, int argc, char **argv);
int cmd_template_show(struct cli *c, int argc, char **argv);
int cmd_template_set(struct cli *c, int argc, char **argv);
int cmd_template_rm(struct cli *c, int argc, char **argv);

/* cmd-appliance.c */
int cmd_appliance_show(struct cli *c, int argc, char **argv);
int cmd_appliance_import(struct cli *c, int argc, char **argv);

int cmd_node_start(struct cli *c, int argc, char **argv);
int cmd_node_stop(struct cli *c, int argc, char **argv);
int cmd_node_kill(struct cli *c, int argc, char **argv);
int cmd_node_restart(struct cli *c, int argc, char **argv);
int cmd_node_cmd(struct cli *c, int argc, char **argv);
int cmd_console(struct cli *c, int argc, char **argv);
int cmd_ssh(struct cli *c, int argc, char **argv);
int cmd_send(struct cli *c, int argc, char **argv);
int cmd_expect(struct cli *c, int argc, char **argv);
int cmd_vnc(struct cli *c, int argc, char **argv);
/* cmd-vnc.c: cmd_vnc of a node on another host (--tunnel: tunnel). */
struct node;
struct run_info;
int cmd_vnc_remote(struct cli *c, struct lab *lab, const struct node *n, const struct run_info *ri,
    int tunnel);
int cmd_accel(struct cli *c, int argc, char **argv);
int cmd_keeper(struct cli *c, int argc, char **argv);

int cmd_host_add(struct cli *c, int argc, char **argv);
int cmd_host_ls(struct cli *c, int argc, char **argv);
int cmd_host_rm(struct cli *c, int argc, char **argv);
int cmd_host_set(struct cli *c, int argc, char **argv);

int cmd_nic_ls(struct cli *c, int argc, char **argv);
int cmd_nic_set(struct cli *c, int argc, char **argv);
int cmd_nic_forward(struct cli *c, int argc, char **argv);
int cmd_nic_unforward(struct cli *c, int argc, char **argv);
int cmd_link_add(struct cli *c, int argc, char **argv);
int cmd_link_ls(struct cli *c, int argc, char **argv);
int cmd_link_rm(struct cli *c, int argc, char **argv);
/* One source for the table's usage and the command's own. */
#define CMD_LINK_SET_USAGE "link set NODE:ethN|LINK-ID [--up | --down] [--delay MS] " \
	"[--jitter MS] [--loss PCT] [--rate KBIT] [--duplicate PCT] [--corrupt PCT] [--clear] " \
	"[--out | --in] [--address ADDR [--allow-remote]] [--port PORT]"
int cmd_link_set(struct cli *c, int argc, char **argv);
int cmd_capture(struct cli *c, int argc, char **argv);
int cmd_capture_ls(struct cli *c, int argc, char **argv);
int cmd_capture_rm(struct cli *c, int argc, char **argv);
int cmd_lab_export(struct cli *c, int argc, char **argv);
int cmd_lab_import(struct cli *c, int argc, char **argv);
int cmd_lab_up(struct cli *c, int argc, char **argv);
int cmd_lab_down(struct cli *c, int argc, char **argv);
int cmd_node_clone(struct cli *c, int argc, char **argv);
int cmd_snapshot_create(struct cli *c, int argc, char **argv);
int cmd_snapshot_ls(struct cli *c, int argc, char **argv);
int cmd_snapshot_apply(struct cli *c, int argc, char **argv);
int cmd_snapshot_rm(struct cli *c, int argc, char **argv);

/* Shared by node show: a node's NICs (with links, forwards, and what
 * waits for a restart) as JSON, and as a table with each line indented. */
json_t *cmd_net_nics_json(struct lab *lab, const char *node_id);

/* Reads and parses the lab file PATH ("-": standard input) into *lf and
 * sets *shown to its name as messages show it (the caller frees both).
 * On failure prints why, TAIL appended to a parse error, and returns 1
 * with nothing to free. */
struct labfile;
int cmd_lab_load(const char *path, const char *tail, struct labfile *lf, char **shown);
int cmd_net_nics_print(struct lab *lab, const char *node_id, const char *name, const char *indent);

#endif
