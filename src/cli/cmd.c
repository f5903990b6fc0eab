/*
 * cmd.c: the command table and dispatch. Every command is one row; help,
 * the man page, the README's command list and shell completion are all
 * made from these rows, so none of them can drift from what runs.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

const struct cmd cmd_table[] = {
	{ "image", "ls", cmd_image_ls, "image ls [--json]",
	  "list images: name, kind, format, source format, virtual size, file size, nodes using it", 0 },
	{ "image", "show", cmd_image_show, "image show NAME [--json]",
	  "show one image: its file, kind, format, the format it came in, sizes, nodes using it", 0 },
	{ "image", "import", cmd_image_import, "image import FILE [--name NAME] [--format raw|qcow2] [--max-size SIZE]"
	  " [--kind disk|iso|kernel|initrd|bios]",
	  "verify an image and copy it into the lab; its kind is told by its bytes (an ISO 9660 "
	  "file is an iso, a bzImage a kernel) unless given, an initrd needs --kind initrd, and a firmware "
	  "ROM --kind bios (raw, whole 64 KiB blocks, at most 64 MiB); vmdk, "
	  "vdi, vhdx, vpc and qed disks are converted to qcow2, and each disk of an OVA becomes an image", 0 },
	{ "image", "scan", cmd_image_scan, "image scan [--max-size SIZE]",
	  "take in image files dropped into images/ by hand, through the same checks", 0 },
	{ "image", "rm", cmd_image_rm, "image rm NAME",
	  "remove an image no node uses", 0 },
	{ "node", "create", cmd_node_create, CMD_NODE_CREATE_USAGE,
	  "create a node on a qcow2 overlay of a disk image, or from a template, whose values the "
	  "options given override (console 80x24 unless given); how it stops: "
	  "shutdown (ACPI powerdown, a grace of 30 s unless given, then quit) or poweroff (quit at once, "
	  "for guests that ignore ACPI); its machine: "
	  "the boot disk's bus, pc or q35, BIOS or UEFI (OVMF), CPU model (auto: host under KVM, max under TCG), arch, VGA, "
	  "boot order (disk,cdrom,network) and a boot-once, a CD-ROM (an image of kind iso), a kernel "
	  "boot (images of kind kernel and initrd, and the kernel's command line), a BIOS ROM in place of "
	  "SeaBIOS (an image of kind bios, with --firmware bios); --host places it on "
	  "a host added with host add (local, this machine, unless given); --nic-model: the model of "
	  "its NICs, one this QEMU offers (virtio-net-pci unless given); --console: where it is worked, "
	  "its serial line or, for vnc, its screen (the template's unless given)" CMD_NODE_DISK_HELP, 0 },
	{ "node", "ls", cmd_node_ls, "node ls [--json]", "list nodes", 0 },
	{ "node", "show", cmd_node_show, "node show NAME [--json]", "show one node in full", 0 },
	{ "node", "set", cmd_node_set, CMD_NODE_SET_USAGE,
	  "change a stopped node's resources or host, or any node's console size, ready pattern, cloud-init "
	  "settings, stop method or console (serial, or vnc: worked on its screen); a change "
	  "of a running node's machine or extra disks waits for its restart" CMD_NODE_DISK_HELP
	  " adds one; --disk-rm N removes extra disk N and its file (node show numbers them)", 0 },
	{ "node", "cdrom", cmd_node_cdrom, "node cdrom NAME [IMAGE] [--eject]",
	  "put an image of kind iso into a node's CD-ROM drive, or take it out with --eject: at once "
	  "while the node runs (the guest sees it; through QMP, or through libvirt for a node on another "
	  "host, the ISO uploaded there once), else recorded for its next start", 0 },
	{ "node", "rename", cmd_node_rename, "node rename NAME NEW-NAME", "rename a stopped node", 0 },
	{ "node", "reset", cmd_node_reset, "node reset NAME", "give a stopped node a fresh overlay and fresh extra disks (its disk changes are lost)", 0 },
	{ "node", "rm", cmd_node_rm, "node rm NAME... [--force]",
	  "remove stopped nodes, their overlays and extra disks; a node on another host, its volumes "
	  "there too (refused while the host does not answer; --force removes it from the lab anyway "
	  "and says what is left there)", 0 },
	{ "node", "clone", cmd_node_clone, "node clone NAME NEW-NAME [--disk]",
	  "a new node like NAME: a fresh overlay on its image and fresh extra disks, or with --disk a copy of "
	  "its disks (stopped)", 0 },
	{ "template", "create", cmd_template_create, CMD_TEMPLATE_CREATE_USAGE,
	  "a named machine nodes are made from: a disk image, RAM, CPUs, NIC count and model, the "
	  "machine options of node create, cloud-init, the console used (serial or vnc), a usage "
	  "text with login hints, the host its nodes are placed on (--host; local unless given)"
	  CMD_TEMPLATE_PORTS_HELP, 0 },
	{ "template", "ls", cmd_template_ls, "template ls [--json]",
	  "list templates and how many nodes were made from each", 0 },
	{ "template", "show", cmd_template_show, "template show NAME [--json]",
	  "show one template in full, with its usage text", 0 },
	{ "template", "set", cmd_template_set, CMD_TEMPLATE_SET_USAGE,
	  "change a template; nodes made from it keep what they were made with; --disk adds an extra "
	  "disk, --disk-rm N removes disk N (template show numbers them)" CMD_TEMPLATE_PORTS_HELP, 0 },
	{ "template", "rm", cmd_template_rm, "template rm NAME...",
	  "remove templates no node was made from (a node made from one names it until removed)", 0 },
	{ "appliance", "show", cmd_appliance_show, "appliance show FILE [--version V] [--json]",
	  "the template a GNS3 appliance file (.gns3a, registry versions 1 to 8) would make, for the "
	  "version named (default: the first), its image files with their md5sum and size, and every "
	  "field that cannot be mapped, with the reason; no image file is needed", 0 },
	{ "appliance", "import", cmd_appliance_import,
	  "appliance import FILE [--version V] [--images DIR] [--name NAME]",
	  "import the image files of an appliance's version, found by name in DIR, beside the file, then "
	  "in the lab's images/, their md5sum and size checked, and make its template (named from the "
	  "appliance and version unless --name); all or nothing", 0 },
	{ "node", "start", cmd_node_start,
	  "node start NAME...|--all [--vnc-host ADDR] [--wait-for REGEX [--timeout S]]",
	  "start nodes; each gets a keeper that owns its QEMU and console; --wait-for returns "
	  "once each console has shown REGEX since this start (default timeout 120 s)", 0 },
	{ "node", "stop", cmd_node_stop, "node stop NAME...|--all [--grace SECONDS]",
	  "ACPI powerdown, wait (the node's stop grace, 30 s unless set), then QMP quit, then kill; "
	  "a node whose stop method is poweroff gets the quit at once", 0 },
	{ "node", "kill", cmd_node_kill, "node kill NAME...|--all", "kill nodes' QEMU at once", 0 },
	{ "node", "restart", cmd_node_restart, "node restart NAME... [--grace SECONDS]",
	  "stop, then start", 0 },
	{ "node", "cmd", cmd_node_cmd, "node cmd NAME [--json]", "print the QEMU command line of a node", 0 },
	{ "host", "add", cmd_host_add, "host add NAME URI [--address IP]",
	  "add a machine that runs nodes through libvirt (URI such as qemu+ssh://user@machine/system); "
	  "--address is where its nodes' NICs exchange their links' frames with this machine", 0 },
	{ "host", "ls", cmd_host_ls, "host ls [--timeout S] [--json]",
	  "list hosts: reachable or not (each asked at once, at most S seconds, default 5), "
	  "libvirt and QEMU versions, KVM, CPUs, free memory, nodes placed there", 0 },
	{ "host", "set", cmd_host_set, "host set NAME --address IP",
	  "change the address a host's nodes' NICs exchange their links' frames with this machine "
	  "at (a running node there takes it when it restarts)", 0 },
	{ "host", "rm", cmd_host_rm, "host rm NAME", "remove a host no node is placed on", 0 },
	{ "nic", "ls", cmd_nic_ls, "nic ls NODE [--json]",
	  "a node's NICs: model, MAC, what each attaches to, forwards, changes waiting for a restart", 0 },
	{ "nic", "set", cmd_nic_set, "nic set NODE:ethN [--model MODEL] [--mac MAC] [--attach none|user]",
	  "change a NIC; user = user-mode NAT (outside access, forwards)", 0 },
	{ "nic", "forward", cmd_nic_forward, "nic forward NODE:ethN tcp|udp:HOSTPORT:GUESTPORT [--allow-privileged-port]",
	  "forward 127.0.0.1:HOSTPORT on the host to a guest port (NIC attached to user)", 0 },
	{ "nic", "unforward", cmd_nic_unforward, "nic unforward NODE:ethN tcp|udp:HOSTPORT",
	  "remove a port forward", 0 },
	{ "link", "add", cmd_link_add, "link add NODE:ethN NODE:ethN",
	  "join two NICs of two nodes by a point-to-point link (UDP on 127.0.0.1), at once on running nodes; "
	  "a NIC with a port name (from a template: Gi0/1) may be named by it, as r1:Gi0/1", 0 },
	{ "link", "ls", cmd_link_ls, "link ls [--json]", "list links, their ports and state", 0 },
	{ "link", "rm", cmd_link_rm, "link rm NODE:ethN|LINK-ID", "remove a link", 0 },
	{ "link", "set", cmd_link_set, CMD_LINK_SET_USAGE,
	  "pull or plug a link's cable, or impair its frames (both ways, or only those the named "
	  "end sends or receives), or move the named end to another address (another host's: "
	  "--allow-remote) or UDP port; at once on running nodes", 0 },
	{ "lab", "export", cmd_lab_export, "lab export FILE|-",
	  "write the lab's nodes, NICs and links as a lab file (disks not included)", 0 },
	{ "lab", "import", cmd_lab_import, "lab import FILE|-",
	  "add the nodes, NICs and links of a lab file, all or nothing", 0 },
	{ "lab", "up", cmd_lab_up, "lab up FILE [--timeout S]",
	  "import the lab file unless its nodes are there, start every node, wait until each "
	  "console shows the node's ready= pattern; fails naming the node that did not", 0 },
	{ "lab", "down", cmd_lab_down, "lab down [--rm] [--grace SECONDS]",
	  "stop every running node; --rm then removes the nodes lab up imported", 0 },
	{ "snapshot", "create", cmd_snapshot_create, "snapshot create NODE [NAME]",
	  "take a snapshot of a stopped node's disk", 0 },
	{ "snapshot", "ls", cmd_snapshot_ls, "snapshot ls NODE [--json]", "list a node's disk snapshots", 0 },
	{ "snapshot", "apply", cmd_snapshot_apply, "snapshot apply NODE NAME",
	  "put a stopped node's disk back to a snapshot", 0 },
	{ "snapshot", "rm", cmd_snapshot_rm, "snapshot rm NODE NAME", "remove a snapshot", 0 },
	{ NULL, "console", cmd_console, "console NAME [--log | --follow | --stty] [--serial]",
	  "attach to a node's serial console (Ctrl-] detaches); --log prints its log, --follow tails it;"
	  " --stty tells the guest this terminal's size; a node whose console is VNC (from a template with"
	  " --console vnc) gets its VNC address printed instead, unless --serial", 0 },
	{ NULL, "ssh", cmd_ssh, "ssh NODE [-- COMMAND...]",
	  "ssh to a node with cloud-init on, as its seeded user, checking the host key sandlab pinned", 0 },
	{ NULL, "send", cmd_send, "send NODE... TEXT | send NODE... --file FILE",
	  "type TEXT into consoles (escapes: \\r \\n \\t \\e \\\\ \\xHH), or a file's bytes as they are", 0 },
	{ NULL, "expect", cmd_expect,
	  "expect NODE [--timeout S] [--from-start] [--expect REGEX | --send TEXT | --sendline TEXT]...",
	  "one step or more, in order: wait for a POSIX extended regex in the console's output (escape "
	  "sequences removed; new output only unless --from-start), or type text (--sendline adds "
	  "Enter); exit 1 naming the step that timed out (default 30 s per step)", 0 },
	{ "capture", "ls", cmd_capture_ls, "capture ls [--json]",
	  "list the lab's captures (captures/): name, link end, bytes, frames, running or done", 0 },
	{ "capture", "rm", cmd_capture_rm, "capture rm NAME...",
	  "remove captures from captures/ (not one that is running)", 0 },
	{ NULL, "capture", cmd_capture, "capture NODE:ethN -w FILE|- [-c COUNT]",
	  "write a running node's NIC frames, both ways, as pcap (-w - into a pipe: | tcpdump -n -r -); "
	  "Ctrl-C ends it", 0 },
	{ NULL, "vnc", cmd_vnc, "vnc NAME [--tunnel] [--json]", "print a running node's VNC address and "
	  "password; of a node on another host, the ssh -L command to it (--tunnel runs it)", 0 },
	{ NULL, "accel", cmd_accel, "accel [--json]", "say whether KVM is usable here, and why", 0 },
	{ NULL, "help", cmd_help, "help [COMMAND...]",
	  "list every command, or say what one command or group does", 0 },
	{ NULL, "__keeper", cmd_keeper, "__keeper NODE [--report-fd FD] [--go-fd FD] [--log] [--vnc-host ADDR]",
	  "the process that owns a running node (started by node start)", 1 },
	{ NULL, "__complete", cmd_complete, "__complete WORD...",
	  "what may come next after WORD... (asked by shell completion)", 1 },
	{ NULL, "__commands", cmd_help_dump, "__commands [--man|--markdown]",
	  "print this table (for tests, the man page and the README)", 1 },
};

const size_t cmd_table_n = sizeof cmd_table / sizeof cmd_table[0];

const struct cmd_group cmd_groups[] = {
	{ "image", "base images: import, list, remove" },
	{ "node", "nodes: create, change, start, stop, inspect, remove" },
	{ "template", "templates: named machines that nodes are made from" },
	{ "appliance", "GNS3 appliance files: the template one makes, and its import" },
	{ "host", "the machines nodes run on: local, and others through libvirt" },
	{ "nic", "a node's network cards: model, MAC, NAT and port forwards" },
	{ "link", "point-to-point links between two nodes' NICs" },
	{ "capture", "pcap captures of a running node's NIC, and the lab's captures/ folder" },
	{ "lab", "the whole lab as a lab file: export, import; up and down" },
	{ "snapshot", "disk snapshots of stopped nodes" },
};
const size_t cmd_groups_n = sizeof cmd_groups / sizeof cmd_groups[0];

const struct cmd_global cmd_globals[] = {
	{ "--lab", "DIR", "the lab folder (default: $SANDLAB_LAB, else $XDG_DATA_HOME/sandlab)" },
	{ "--json", NULL, "print results as JSON" },
	{ "--theme", "NAME", "the dashboard's colours: default, light, high-contrast, monochrome, or a theme file" },
	{ "--help", NULL, "help on the command given (also -h)" },
	{ "--version", NULL, "the version of sandlab and of what it runs with (also -V)" },
};
const size_t cmd_globals_n = sizeof cmd_globals / sizeof cmd_globals[0];

const struct cmd_group *
cmd_group_find(const char *name)
{
	for (size_t i = 0; i < cmd_groups_n; i++)
		if (strcmp(cmd_groups[i].name, name) == 0)
			return &cmd_groups[i];
	return NULL;
}

const struct cmd *
cmd_find(char **words, int n, int *used)
{
	for (size_t i = 0; i < cmd_table_n; i++) {
		const struct cmd *t = &cmd_table[i];
		if (t->group == NULL && n >= 1 && strcmp(words[0], t->name) == 0) {
			*used = 1;
			return t;
		}
		if (t->group != NULL && n >= 2 && strcmp(words[0], t->group) == 0 &&
		    strcmp(words[1], t->name) == 0) {
			*used = 2;
			return t;
		}
	}
	return NULL;
}

/* Edit distance (insert, delete, change, swap two neighbours), capped at
 * 9: only small distances matter. */
static size_t
cmd_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[16][16];

	if (la > 14 || lb > 14)
		return 9;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *
cmd_nearest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = 9, wl = strlen(word);

	if (wl == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d;
		/* A prefix is what a user who half-remembers types. */
		if (strncmp(names[i], word, wl) == 0)
			d = 1;
		else
			d = cmd_distance(word, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	/* One slip in a short word, two in a longer one. */
	return best_d <= (wl < 5 ? 1u : 2u) ? best : NULL;
}

/* The names that may follow `group` (NULL: top level), hidden ones left out. */
static size_t
cmd_names(const char *group, const char **names, size_t max)
{
	size_t n = 0;

	if (group == NULL)
		for (size_t i = 0; i < cmd_groups_n && n < max; i++)
			names[n++] = cmd_groups[i].name;
	for (size_t i = 0; i < cmd_table_n && n < max; i++) {
		const struct cmd *t = &cmd_table[i];
		if (t->hidden)
			continue;
		if ((group == NULL && t->group == NULL) ||
		    (group != NULL && t->group != NULL && strcmp(group, t->group) == 0))
			names[n++] = t->name;
	}
	return n;
}

int
cmd_unknown(char **words, int n)
{
	const struct cmd_group *g = cmd_group_find(words[0]);
	const char *names[128], *near;
	const char *word = g != NULL && n > 1 ? words[1] : words[0];
	char *shown = cli_shown(word);
	size_t nn = cmd_names(g != NULL ? g->name : NULL, names, 128);

	near = cmd_nearest(word, names, nn);
	if (g != NULL)
		cli_fail("unknown command \"%s %s\"", g->name, shown);
	else
		cli_fail("unknown command \"%s\"", shown);
	if (near != NULL)
		fprintf(stderr, "did you mean \"%s%s%s\"?\n", g != NULL ? g->name : "",
		    g != NULL ? " " : "", near);
	fprintf(stderr, "see \"sandlab help%s%s\"\n", g != NULL ? " " : "", g != NULL ? g->name : "");
	free(shown);
	return 2;
}

int
cmd_main(int argc, char **argv, struct cmd_dashboard *dash)
{
	struct cli c = { 0 };
	const struct cmd *t;
	const char *theme = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int n = 0, rc, used, help = 0, version = 0, only_pos = 0;

	/* Global options may stand anywhere before "--"; pull them out
	 * first. The hidden __complete gets its words untouched. */
	for (int i = 1; i < argc; i++) {
		if (only_pos || (n >= 1 && strcmp(rest[0], "__complete") == 0))
			rest[n++] = argv[i];
		else if (strcmp(argv[i], "--") == 0) {
			only_pos = 1;
			rest[n++] = argv[i];
		} else if (strcmp(argv[i], "--json") == 0)
			c.json = 1;
		else if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			c.lab_dir = argv[++i];
		else if (strncmp(argv[i], "--lab=", 6) == 0)
			c.lab_dir = argv[i] + 6;
		else if (strcmp(argv[i], "--theme") == 0 && i + 1 < argc)
			theme = argv[++i];
		else if (strncmp(argv[i], "--theme=", 8) == 0)
			theme = argv[i] + 8;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			help = 1;
		else if ((strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) &&
		    !(n >= 1 && strcmp(rest[0], "appliance") == 0))
			version = 1;    /* after "appliance", --version V is the appliance's */
		else
			rest[n++] = argv[i];
	}
	if (version)
		rc = cmd_version(&c, 0, rest);
	else if (help)
		rc = cmd_help_words(stdout, n, rest) == 0 ? 0 : cmd_unknown(rest, n);
	else if (n == 0) {
		dash->lab_dir = c.lab_dir;
		dash->theme = theme;
		rc = -1;
	} else if (n == 1 && cmd_group_find(rest[0]) != NULL)
		rc = cmd_help_words(stdout, n, rest); /* a group alone lists its commands */
	else if ((t = cmd_find(rest, n, &used)) != NULL)
		rc = t->fn(&c, n - used, rest + used);
	else
		rc = cmd_unknown(rest, n);
	lab_close(c.lab);
	free(rest);
	return rc;
}
