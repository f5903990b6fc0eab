/*
 * cmd-vnc.c: `sandlab vnc NODE [--tunnel]` of a node on another host. Its
 * VNC listens on that host's loopback only, so the way to it is ssh, as
 * the host's URI reaches the host: this prints the address there and the
 * ssh -L command for it, or with --tunnel runs that ssh itself (tunnel.h)
 * until Ctrl-C or the node's end.
 */
#include "cmd.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "host.h"
#include "node.h"
#include "proc.h"
#include "qemu.h"
#include "remote.h"
#include "run.h"
#include "sanitize.h"
#include "tunnel.h"
#include "vnc.h"

/* How long ssh may take to forward (a first connection over a slow or
 * loaded link takes seconds). */
#define CMD_VNC_TUNNEL_MS 60000

/* Holds the tunnel until Ctrl-C (or SIGTERM), the node's keeper ends (its
 * live console closes), or ssh ends. 0, or 1 when ssh ended by itself. */
static int
cmd_vnc_hold(struct lab *lab, const struct node *n, pid_t ssh)
{
	struct pollfd p[2];
	struct err e;
	sigset_t set;
	char buf[4096];
	int live, rc = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	p[0] = (struct pollfd){ signalfd(-1, &set, SFD_CLOEXEC), POLLIN, 0 };
	/* The keeper closes its live console when it ends: the node stopped. */
	live = run_console_connect_live(lab, n->id, &e);
	p[1] = (struct pollfd){ live, POLLIN, 0 };
	if (live < 0)
		fprintf(stderr, "sandlab: %s (the tunnel stays until Ctrl-C)\n", e.msg);
	for (;;) {
		if (!tunnel_alive(ssh)) {
			fprintf(stderr, "sandlab: ssh ended; the tunnel is closed\n");
			ssh = -1;
			rc = 1;
			break;
		}
		if (poll(p, 2, 500) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			printf("tunnel closed\n");
			break;
		}
		if (p[1].revents && read(live, buf, sizeof buf) <= 0) {
			printf("%s stopped; tunnel closed\n", n->name);
			break;
		}
	}
	if (ssh > 0)
		tunnel_close(ssh);
	if (live >= 0)
		close(live);
	if (p[0].fd >= 0)
		close(p[0].fd);
	return rc;
}

int
cmd_vnc_remote(struct cli *c, struct lab *lab, const struct node *n, const struct run_info *ri,
    int tunnel)
{
	struct host h;
	struct err e;
	char pw[16], **argv = NULL, *line = NULL;
	int port, lp = -1, local = 0, rc = 1;
	pid_t ssh = -1;

	memset(&h, 0, sizeof h);
	if (ri->state != RUN_RUNNING)
		return cli_fail("%s is %s: it has no VNC address (start it with: sandlab node start %s)",
		    n->name, run_state_name(ri->state), n->name);
	if ((port = vnc_remote_port_read(lab, n->id)) < 0)
		return cli_fail("%s runs on host %s, but its keeper did not learn its VNC port (see its "
		    "keeper log)", n->name, n->host);
	vnc_password_read(lab, n->id, pw, sizeof pw);
	if (host_get(lab, n->host, &h, &e) != 0 || (lp = tunnel_free_port(&e)) < 0 ||
	    ((argv = remote_ssh_forward(h.uri, lp, port, &local, &e)) == NULL && !local)) {
		cli_fail("%s", e.msg);
		goto out;
	}
	if (local) {
		/* qemu:///session and the like: that host's loopback is ours. */
		lp = port;
		tunnel = 0;
	} else if (tunnel && tunnel_open(argv, lp, CMD_VNC_TUNNEL_MS, &ssh, &e) != 0) {
		cli_fail("%s", e.msg);
		goto out;
	}
	line = argv ? qemu_argv_shell(argv) : NULL;
	if (c->json) {
		json_t *a = json_array();
		for (char **p = argv; p && *p; p++)
			json_array_append_new(a, json_string(*p));
		cli_json_out(json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:o, s:b, s:s?}", "node", n->name,
		    "host", h.name, "remote_address", "127.0.0.1", "remote_port", port, "address", "127.0.0.1",
		    "port", lp, "ssh", a, "tunnel", tunnel, "password", pw[0] ? pw : NULL));
	} else if (local)
		printf("127.0.0.1:%d\n", port);
	else if (tunnel)
		printf("127.0.0.1:%d\n(forwarded by ssh to 127.0.0.1:%d on host %s; Ctrl-C ends it)\n", lp,
		    port, h.name);
	else
		printf("127.0.0.1:%d on host %s; reach it with:\n  %s\nthen connect to 127.0.0.1:%d "
		    "(or: sandlab vnc %s --tunnel)\n", port, h.name, line, lp, n->name);
	if (!c->json)
		printf("password: %s\n", pw[0] ? pw : "(none)");
	fflush(stdout);
	rc = tunnel ? cmd_vnc_hold(lab, n, ssh) : 0;
out:
	free(line);
	proc_argv_free(argv);
	host_clear(&h);
	return rc;
}
