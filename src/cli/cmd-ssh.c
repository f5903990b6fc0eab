/*
 * cmd-ssh.c: `sandlab ssh NODE [-- COMMAND...]`: replaces itself with
 * ssh (an argv, no shell) to the node's user-mode NAT forward to guest
 * port 22, as its cloud-init user, checking the host key that sandlab
 * made and pinned in the lab's known_hosts (seed.h). It offers the
 * private halves of the keys it seeded (~/.ssh/NAME for each NAME.pub),
 * so the login works whatever ssh's own defaults are.
 */
#include "cmd.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloudinit.h"
#include "net.h"
#include "node.h"
#include "qemu.h"
#include "run.h"
#include "seed.h"

#define SSH_ARGS_MAX 64

/* The host port forwarded to the node's guest port 22 (tcp, NAT), or 0. */
static int
ssh_port(struct lab *lab, const char *node_id, struct err *e)
{
	struct nic *v;
	int n, port = 0;

	if (net_nics_get(lab, node_id, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && port == 0; i++)
		for (int j = 0; strcmp(v[i].attach, "user") == 0 && j < v[i].nfwds; j++)
			if (strcmp(v[i].fwds[j].proto, "tcp") == 0 && v[i].fwds[j].guest_port == 22) {
				port = v[i].fwds[j].host_port;
				break;
			}
	nic_list_free(v, n);
	return port;
}

int
cmd_ssh(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "ssh NODE [-- COMMAND...]";
	struct lab *lab;
	struct node n;
	struct cloudinit ci;
	struct err e;
	char *pos[SSH_ARGS_MAX], *args[2 * SSH_ARGS_MAX + 32], port[16];
	char *kh, *alias, *o_kh, *o_alias, *pat;
	const char *home = getenv("HOME");
	glob_t g = { 0 };
	int npos, rc, k = 0, p;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, SSH_ARGS_MAX, &npos, usage, &rc)) == NULL)
		return rc;
	if (node_get(lab, pos[0], &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (cloudinit_get(lab, n.id, &ci, &e) != 0) {
		node_clear(&n);
		return cli_fail("%s", e.msg);
	}
	rc = 1;
	if (!ci.on) {
		cli_fail("%s has cloud-init off, so sandlab seeded no user or host key to ssh with "
		    "(sandlab node set %s --cloud-init on, then restart it)", n.name, n.name);
		goto done;
	}
	if (!run_live(lab, n.id)) {
		cli_fail("%s is not running (sandlab node start %s)", n.name, n.name);
		goto done;
	}
	if ((p = ssh_port(lab, n.id, &e)) < 0) {
		cli_fail("%s", e.msg);
		goto done;
	}
	if (p == 0) {
		cli_fail("%s has no user-mode NAT NIC with a forward to port 22 "
		    "(sandlab nic set %s:eth0 --attach user, then restart it)", n.name, n.name);
		goto done;
	}
	snprintf(port, sizeof port, "%d", p);
	kh = seed_known_hosts(lab);
	alias = seed_host_alias(n.id);
	o_kh = xasprintf("UserKnownHostsFile=%s", kh);
	o_alias = xasprintf("HostKeyAlias=%s", alias);
	args[k++] = "ssh";
	args[k++] = "-p";
	args[k++] = port;
	args[k++] = "-l";
	args[k++] = ci.user;
	args[k++] = "-o";
	args[k++] = "StrictHostKeyChecking=yes";
	args[k++] = "-o";
	args[k++] = o_kh;
	args[k++] = "-o";
	args[k++] = "GlobalKnownHostsFile=/dev/null";
	args[k++] = "-o";
	args[k++] = o_alias;
	args[k++] = "-o";
	args[k++] = "CheckHostIP=no";
	pat = home && *home == '/' ? xasprintf("%s/.ssh/*.pub", home) : NULL;
	if (pat != NULL && glob(pat, 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc && i < SSH_ARGS_MAX; i++) {
			char *key = g.gl_pathv[i];
			key[strlen(key) - 4] = '\0';
			if (access(key, R_OK) == 0) {
				args[k++] = "-i";
				args[k++] = key;
			}
		}
	args[k++] = QEMU_LINK_HOST;
	for (int i = 1; i < npos; i++)
		args[k++] = pos[i];
	args[k] = NULL;
	fflush(stdout);
	execvp("ssh", args);
	cli_fail("cannot run ssh: %s (install openssh-client)", strerror(errno));
	if (pat != NULL)
		globfree(&g);
	free(pat);
	free(kh);
	free(alias);
	free(o_kh);
	free(o_alias);
done:
	cloudinit_clear(&ci);
	node_clear(&n);
	return rc;
}
