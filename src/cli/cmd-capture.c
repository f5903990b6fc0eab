/*
 * cmd-capture.c: `sandlab capture NODE:ethN -w FILE|-`: the frames of a
 * running node's NIC, both ways, as its wire sees them (wire.h), written
 * as pcap (linktype Ethernet) by libpcap as they come, so a pipe into
 * `tcpdump -r -` or `wireshark -k -i -` reads them live. Ctrl-C (or
 * SIGTERM, or the node stopping) ends it with a complete file.
 */
#include "cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "net.h"
#include "wire.h"

static void
cmd_capture_signal(int sig)
{
	(void)sig;  /* only to interrupt the wait (capture_pump) */
}

int
cmd_capture(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "capture NODE:ethN -w FILE|- [-c COUNT]";
	const char *file = NULL, *count_s = NULL;
	struct cli_opt opts[] = { { "-w", &file, NULL }, { "-c", &count_s, NULL }, { 0 } };
	char *pos[1], node[96];
	struct lab *lab;
	struct err e;
	int npos, rc, idx, fd, count = 0;
	long frames = 0;
	sigset_t ends, old;
	FILE *out;

	if ((lab = cli_start(c, argc, argv, opts, pos, 1, 1, &npos, usage, &rc)) == NULL)
		return rc;
	if (file == NULL)
		return cli_fail("where to? give -w FILE, or -w - for stdout (as: sandlab capture %s -w - "
		    "| tcpdump -n -r -)", "NODE:ethN");
	if (cli_int(count_s, "-c", 1, 1000000000, &count) != 0)
		return 2;
	if (strcmp(file, "-") == 0 && isatty(STDOUT_FILENO))
		return cli_fail("pcap is binary: send -w - into a pipe (| tcpdump -n -r -), not a terminal");
	if (net_ref_parse(pos[0], node, sizeof node, &idx, &e) != 0 ||
	    (fd = wire_capture_connect(lab, node, idx, &e)) < 0)
		return cli_fail("%s", e.msg);
	out = strcmp(file, "-") == 0 ? stdout : fopen(file, "wb");
	if (out == NULL) {
		char *shown = cli_shown(file);
		rc = cli_fail("cannot write %s: %s", shown, strerror(errno));
		free(shown);
		close(fd);
		return rc;
	}
	/* The ending signals interrupt the wait (no SA_RESTART) and end the
	 * capture; they are let through only while waiting (capture_pump). */
	sigemptyset(&ends);
	sigaddset(&ends, SIGINT);
	sigaddset(&ends, SIGTERM);
	sigaddset(&ends, SIGPIPE);
	struct sigaction sa = { .sa_handler = cmd_capture_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigprocmask(SIG_BLOCK, &ends, &old);
	rc = capture_pump(fd, out, count, -1, &old, &frames, &e);
	if (rc < 0)
		return cli_fail("%s", e.msg);
	if (rc == 1) {
		/* Not asked for: say why, so a script or a user at a pipe knows
		 * the file is whole but the capture did not run its course. */
		char *shown = cli_shown(strcmp(file, "-") == 0 ? "stdout" : file);
		fprintf(stderr, "sandlab: the capture of %s:eth%d ended: %s is no longer running (it "
		    "stopped, or its keeper went away); %ld frame%s written to %s, complete\n", node, idx,
		    node, frames, frames == 1 ? "" : "s", shown);
		free(shown);
	}
	return 0;
}

/* A capture as capture ls --json gives it; arg unused. */
static json_t *
cmd_capture_json(const void *item, void *arg)
{
	const struct capture_info *ci = item;
	json_t *o = json_pack("{s:s, s:s, s:I, s:s}", "name", ci->name, "end", ci->end,
	    "size", (json_int_t)ci->size, "state", ci->running ? "running" : "done");

	(void)arg;
	json_object_set_new(o, "frames", ci->frames < 0 ? json_null() :
	    json_integer((json_int_t)ci->frames));
	return o;
}

int
cmd_capture_ls(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "capture ls [--json]";
	struct capture_info *v;
	struct lab *lab;
	struct err e;
	char *pos[1];
	size_t n;
	int npos, rc;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 0, 0, &npos, usage, &rc)) == NULL)
		return rc;
	if (capture_list(lab, &v, &n, &e) != 0)
		return cli_fail("%s", e.msg);
	if (c->json) {
		rc = cli_json_list(v, n, sizeof *v, cmd_capture_json, NULL);
		free(v);
		return rc;
	}
	if (n == 0)
		printf("(no captures: the links view's w starts one, or sandlab capture NODE:ethN -w FILE)\n");
	else
		printf("%-44s %-20s %10s %8s %s\n", "NAME", "END", "BYTES", "FRAMES", "STATE");
	for (size_t i = 0; i < n; i++) {
		char *name = cli_shown(v[i].name), *end = cli_shown(v[i].end[0] ? v[i].end : "-");
		char frames[24];
		if (v[i].frames < 0)
			snprintf(frames, sizeof frames, "-");
		else
			snprintf(frames, sizeof frames, "%lld", (long long)v[i].frames);
		printf("%-44s %-20s %10lld %8s %s\n", name, end, (long long)v[i].size, frames,
		    v[i].running ? "running" : "done");
		free(name);
		free(end);
	}
	free(v);
	return 0;
}

int
cmd_capture_rm(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "capture rm NAME...";
	struct lab *lab;
	struct err e;
	char *pos[64];
	int npos, rc, bad = 0;

	if ((lab = cli_start(c, argc, argv, NULL, pos, 1, 64, &npos, usage, &rc)) == NULL)
		return rc;
	for (int i = 0; i < npos; i++) {
		if (capture_rm(lab, pos[i], &e) != 0) {
			cli_fail("%s", e.msg);
			bad = 1;
		} else if (!c->json) {
			char *shown = cli_shown(pos[i]);
			printf("removed the capture %s\n", shown);
			free(shown);
		}
	}
	return bad;
}
