/*
 * cmd-capture.c: `sandlab capture NODE:ethN -w FILE|-`: the frames of a
 * running node's NIC, both ways, as its wire sees them (wire.h), written
 * as pcap (linktype Ethernet) by libpcap as they come, so a pipe into
 * `tcpdump -r -` or `wireshark -k -i -` reads them live. Ctrl-C (or
 * SIGTERM, or the node stopping) ends it with a complete file.
 * libpcap is opened here (dl_open), not linked: linked, it and D-Bus,
 * systemd and libgcrypt under it were loaded by every sandlab command.
 */
#include "cmd.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "wire.h"

static volatile sig_atomic_t cmd_capture_stop;

#define CMD_CAPTURE_PCAP "libpcap.so.0.8"
#define CMD_CAPTURE_CALLS(X) X(pcap_open_dead) X(pcap_dump_fopen) X(pcap_geterr) \
	X(pcap_close) X(pcap_dump_flush) X(pcap_dump) X(pcap_dump_close)
#define CMD_CAPTURE_FIELD(f) __typeof__(&f) f;
static struct { CMD_CAPTURE_CALLS(CMD_CAPTURE_FIELD) } libpcap;

/* Finds libpcap's calls; 0, or -1 with the reason in e. */
static int
cmd_capture_pcap(struct err *e)
{
	void *h = dl_open(CMD_CAPTURE_PCAP, e);

	if (h == NULL)
		return -1;
#define CMD_CAPTURE_FIND(fn) \
	if ((libpcap.fn = (__typeof__(libpcap.fn))dl_call(h, CMD_CAPTURE_PCAP, #fn, e)) == NULL) \
		return -1;
	CMD_CAPTURE_CALLS(CMD_CAPTURE_FIND)
#undef CMD_CAPTURE_FIND
	return 0;
}

static void
cmd_capture_signal(int sig)
{
	(void)sig;
	cmd_capture_stop = 1;
}

/* Reads exactly len bytes; 0 at the end of the stream or on an error. */
static int
cmd_capture_read(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len; ) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			return 0;  /* a signal ends the capture */
		if (n <= 0)
			return 0;
		got += (size_t)n;
	}
	return 1;
}

int
cmd_capture(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "capture NODE:ethN -w FILE|- [-c COUNT]";
	const char *file = NULL, *count_s = NULL;
	struct cli_opt opts[] = { { "-w", &file, NULL }, { "-c", &count_s, NULL }, { 0 } };
	static unsigned char frame[WIRE_FRAME_MAX];
	char *pos[1], node[96];
	struct lab *lab;
	struct err e;
	int npos, rc, idx, fd, count = 0, seen = 0;
	sigset_t ends, old;
	pcap_t *pc;
	pcap_dumper_t *pd;
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
	if (cmd_capture_pcap(&e) != 0 || net_ref_parse(pos[0], node, sizeof node, &idx, &e) != 0 ||
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
	pc = libpcap.pcap_open_dead(DLT_EN10MB, WIRE_FRAME_MAX);
	if (pc == NULL || (pd = libpcap.pcap_dump_fopen(pc, out)) == NULL) {
		rc = cli_fail("cannot start the pcap file%s%s", pc ? ": " : "", pc ? libpcap.pcap_geterr(pc) : "");
		if (pc)
			libpcap.pcap_close(pc);
		if (out != stdout)
			fclose(out);
		close(fd);
		return rc;
	}
	libpcap.pcap_dump_flush(pd);
	/* The ending signals interrupt the read (no SA_RESTART) and end the
	 * loop; they are let through only while waiting, so a frame is never
	 * written half. */
	sigemptyset(&ends);
	sigaddset(&ends, SIGINT);
	sigaddset(&ends, SIGTERM);
	sigaddset(&ends, SIGPIPE);
	struct sigaction sa = { .sa_handler = cmd_capture_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigprocmask(SIG_BLOCK, &ends, &old);
	for (;;) {
		struct wire_rec r;
		struct pcap_pkthdr h;
		struct pollfd p = { fd, POLLIN, 0 };
		if (cmd_capture_stop || ppoll(&p, 1, NULL, &old) < 0 || cmd_capture_stop)
			break;
		if (!cmd_capture_read(fd, &r, sizeof r) || r.caplen > sizeof frame ||
		    !cmd_capture_read(fd, frame, r.caplen))
			break;
		h.ts.tv_sec = (time_t)(r.ts_us / 1000000);
		h.ts.tv_usec = (suseconds_t)(r.ts_us % 1000000);
		h.caplen = h.len = r.caplen;
		libpcap.pcap_dump((u_char *)pd, &h, frame);
		/* Live: a reader down the pipe sees each frame as it comes. */
		if (libpcap.pcap_dump_flush(pd) != 0)
			break;
		if (count > 0 && ++seen >= count)
			break;
	}
	close(fd);
	rc = libpcap.pcap_dump_flush(pd) == 0 ? 0 : 1;
	if (out == stdout)
		fflush(stdout);
	else
		libpcap.pcap_dump_close(pd);
	libpcap.pcap_close(pc);
	return rc;
}
