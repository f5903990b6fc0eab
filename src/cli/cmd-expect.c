/*
 * cmd-expect.c: `sandlab send` and `sandlab expect`: typing into consoles
 * and waiting for what they print, from scripts (with or without a
 * terminal, with standard input closed). The matching is expect.c's and
 * the waiting conwait.c's; this file parses steps and reports them.
 */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "conwait.h"
#include "expect.h"
#include "node.h"
#include "run.h"
#include "sanitize.h"

#define CMD_SEND_MAX_NODES 4096
#define CMD_SEND_FILE_MAX  (16u << 20)
#define CMD_EXPECT_TIMEOUT 30
#define CMD_EXPECT_TAIL    8       /* lines of output shown on a failure */

/* A regular file (or "-": stdin) of at most CMD_SEND_FILE_MAX bytes. */
static int
cmd_send_read_file(const char *path, char **out, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	size_t cap = 65536, n = 0;
	char *b;

	int bad = fd < 0 || fstat(fd, &sb) != 0;

	if (bad || (fd != 0 && !S_ISREG(sb.st_mode))) {
		char *shown = cli_shown(path);
		cli_fail("cannot read %s: %s", shown, bad ? strerror(errno) : "not a regular file");
		free(shown);
		if (fd > 0)
			close(fd);
		return -1;
	}
	b = xmalloc(cap);
	for (;;) {
		ssize_t got;
		if (n == cap)
			b = xrealloc(b, cap *= 2);
		got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (n > CMD_SEND_FILE_MAX) {
			free(b);
			if (fd > 0)
				close(fd);
			cli_fail("--file: more than %u MiB", CMD_SEND_FILE_MAX >> 20);
			return -1;
		}
	}
	if (fd > 0)
		close(fd);
	*out = b;
	*len = n;
	return 0;
}

int
cmd_send(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "send NODE... TEXT | send NODE... --file FILE";
	const char *file = NULL;
	struct cli_opt opts[] = { { "--file", &file, NULL }, { 0 } };
	char *pos[CMD_SEND_MAX_NODES + 1], *text;
	json_t *a = NULL;
	struct lab *lab;
	struct err e;
	size_t len;
	int npos, nnodes, rc = 0;

	if (cli_parse(argc, argv, opts, pos, CMD_SEND_MAX_NODES + 1, &npos, usage) != 0)
		return 2;
	nnodes = file ? npos : npos - 1;
	if (nnodes < 1)
		return cli_usage(usage);
	if (file == NULL) {
		if (expect_unescape(pos[npos - 1], &text, &len, &e) != 0) {
			cli_fail("%s", e.msg);
			return 2;
		}
	} else if (cmd_send_read_file(file, &text, &len) != 0)
		return 1;
	if ((lab = cli_lab(c)) == NULL) {
		free(text);
		return 1;
	}
	if (c->json)
		a = json_array();
	for (int i = 0; i < nnodes; i++) {
		/* live.sock: no replay to read and throw away. */
		int fd = run_console_connect_live(lab, pos[i], &e), ok;
		ok = fd >= 0 && console_send(fd, text, len, &e) == 0;
		if (fd >= 0)
			close(fd);
		if (!ok)
			rc = cli_fail("%s", e.msg);
		char *name = cli_shown(pos[i]);
		if (a != NULL)
			json_array_append_new(a, json_pack("{s:s, s:b, s:I, s:s}", "node", name, "ok", ok,
			    "bytes", (json_int_t)(ok ? len : 0), "error", ok ? "" : e.msg));
		else if (ok)
			printf("%s: sent %zu byte%s\n", name, len, len == 1 ? "" : "s");
		free(name);
	}
	free(text);
	if (a != NULL)
		cli_json_out(a);
	return rc;
}

/* ---- expect ---- */

enum step_kind { STEP_EXPECT, STEP_SEND, STEP_SENDLINE };

struct step {
	enum step_kind kind;
	const char *arg;        /* as given */
	char       *bytes;      /* send: the text with escapes turned into bytes */
	size_t      len;
	int64_t     ms;         /* how long the step took */
	int         done;
	char       *matched;
};

static const char *const step_names[] = { "--expect", "--send", "--sendline" };

static void
cmd_expect_free_steps(struct step *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].bytes);
		free(s[i].matched);
	}
	free(s);
}

/* Steps, in order; everything else is an option. -1 after a usage error. */
static int
cmd_expect_parse(int argc, char **argv, const char *usage, const char **node, int *timeout,
    int *from_start, struct step **out, int *nsteps)
{
	struct step *s = xcalloc((size_t)argc + 1, sizeof *s);
	const char *timeout_s = NULL;
	int n = 0;
	struct err e;

	*node = NULL;
	*from_start = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int k = -1;
		for (int j = 0; j < 3; j++)
			if (strcmp(a, step_names[j]) == 0)
				k = j;
		if (k >= 0 || strcmp(a, "--timeout") == 0) {
			if (i + 1 >= argc) {
				cli_fail("option %s needs a value", a);
				goto usage;
			}
			if (k < 0) {
				timeout_s = argv[++i];
				continue;
			}
			s[n].kind = (enum step_kind)k;
			s[n].arg = argv[++i];
			if (k == STEP_EXPECT && expect_valid(s[n].arg, &e) != 0) {
				cli_fail("step %d: %s", n + 1, e.msg);
				goto bad;
			}
			if (k != STEP_EXPECT) {
				if (expect_unescape(s[n].arg, &s[n].bytes, &s[n].len, &e) != 0) {
					cli_fail("step %d: %s", n + 1, e.msg);
					goto bad;
				}
				if (k == STEP_SENDLINE) {
					s[n].bytes = xrealloc(s[n].bytes, s[n].len + 2);
					s[n].bytes[s[n].len++] = '\r';  /* Enter, as a terminal sends it */
					s[n].bytes[s[n].len] = '\0';
				}
			}
			n++;
		} else if (strcmp(a, "--from-start") == 0)
			*from_start = 1;
		else if (a[0] == '-' && a[1] != '\0') {
			char *shown = cli_shown(a);
			cli_fail("unknown option \"%s\"", shown);
			free(shown);
			goto usage;
		} else if (*node == NULL)
			*node = a;
		else {
			char *shown = cli_shown(a);
			cli_fail("unexpected argument \"%s\" (text to send goes after --send)", shown);
			free(shown);
			goto usage;
		}
	}
	*timeout = CMD_EXPECT_TIMEOUT;
	if (*node == NULL || n == 0)
		goto usage;
	if (cli_int(timeout_s, "--timeout", 1, 86400, timeout) != 0)
		goto bad;
	*out = s;
	*nsteps = n;
	return 0;
usage:
	cli_usage(usage);
bad:
	cmd_expect_free_steps(s, n);
	return -1;
}

static json_t *
cmd_expect_json(const char *node, struct step *s, int n, int failed, const char *why,
    const char *tail)
{
	json_t *steps = json_array();

	for (int i = 0; i < n; i++) {
		char *arg = cli_shown(s[i].arg);
		json_t *o = json_pack("{s:i, s:s, s:s, s:b, s:I}", "step", i + 1, "kind",
		    step_names[s[i].kind] + 2, "arg", arg, "ok", s[i].done, "ms", (json_int_t)s[i].ms);
		if (s[i].matched != NULL)
			json_object_set_new(o, "matched", json_string(s[i].matched));
		json_array_append_new(steps, o);
		free(arg);
	}
	json_t *v = json_pack("{s:s, s:b, s:o}", "node", node, "ok", failed == 0, "steps", steps);
	if (failed) {
		json_object_set_new(v, "failed_step", json_integer(failed));
		json_object_set_new(v, "error", json_string(why));
		json_object_set_new(v, "last_lines", json_string(tail));
	}
	return v;
}

int
cmd_expect(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "expect NODE [--timeout S] [--from-start] "
	    "[--expect REGEX | --send TEXT | --sendline TEXT]...";
	const char *node;
	struct conwait w;
	struct step *s;
	struct lab *lab;
	struct node nd;
	struct err e;
	int timeout, from_start, n, fd, failed = 0;
	char why[ERR_MAX + 200] = "", *tail = NULL, *name;

	if (cmd_expect_parse(argc, argv, usage, &node, &timeout, &from_start, &s, &n) != 0)
		return 2;
	if ((lab = cli_lab(c)) == NULL || node_get(lab, node, &nd, &e) != 0) {
		if (lab != NULL)
			cli_fail("%s", e.msg);
		cmd_expect_free_steps(s, n);
		return 1;
	}
	fd = from_start ? run_console_connect(lab, nd.id, &e) : run_console_connect_live(lab, nd.id, &e);
	if (fd < 0) {
		cli_fail("%s", e.msg);
		node_clear(&nd);
		cmd_expect_free_steps(s, n);
		return 1;
	}
	name = cli_shown(nd.name);
	conwait_init(&w, name, fd);
	for (int i = 0; i < n && !failed; i++) {
		int64_t t0 = mono_ms();
		char *arg = cli_shown(s[i].arg);
		if (s[i].kind != STEP_EXPECT) {
			if (console_send(fd, s[i].bytes, s[i].len, &e) != 0) {
				failed = i + 1;
				snprintf(why, sizeof why, "step %d (%s \"%s\"): %s", i + 1, step_names[s[i].kind],
				    arg, e.msg);
			}
		} else {
			expect_set(&w.x, s[i].arg, &e);   /* checked while parsing */
			w.state = CONWAIT_WAITING;
			conwait_run(&w, 1, t0 + (int64_t)timeout * 1000, 0, NULL, NULL);
			if (w.state == CONWAIT_MATCHED)
				s[i].matched = cli_shown(w.x.match);
			else {
				failed = i + 1;
				if (w.state == CONWAIT_TIMEOUT)
					snprintf(why, sizeof why, "step %d (--expect \"%s\") did not match within %d s",
					    i + 1, arg, timeout);
				else {
					struct run_info ri;
					snprintf(why, sizeof why, "step %d (--expect \"%s\"): the console closed: %s "
					    "stopped", i + 1, arg, name);
					if (run_info_get(lab, nd.id, &ri, &e) == 0 && ri.exit_kind[0]) {
						size_t l = strlen(why);
						snprintf(why + l, sizeof why - l, " (%s: %s)", ri.exit_kind, ri.exit_detail);
					}
				}
			}
		}
		s[i].ms = mono_ms() - t0;
		s[i].done = !failed;
		if (!failed && !c->json) {
			if (s[i].kind == STEP_EXPECT)
				printf("%d: %s matched \"%s\" (%.2f s)\n", i + 1, name, arg, (double)s[i].ms / 1000);
			else
				printf("%d: %s: sent %zu byte%s\n", i + 1, name, s[i].len, s[i].len == 1 ? "" : "s");
			fflush(stdout);
		}
		free(arg);
	}
	if (failed) {
		tail = expect_tail(&w.x, CMD_EXPECT_TAIL);
		if (!c->json) {
			cli_fail("%s: %s; the last lines it printed:", name, why);
			for (char *p = tail; *p; ) {
				char *nl = strchr(p, '\n');
				size_t l = nl ? (size_t)(nl - p) : strlen(p);
				fprintf(stderr, "  | %.*s\n", (int)l, p);
				p += l + (nl ? 1 : 0);
			}
		}
	}
	if (c->json)
		cli_json_out(cmd_expect_json(name, s, n, failed, why, tail ? tail : ""));
	free(tail);
	conwait_free(&w);
	close(fd);
	free(name);
	node_clear(&nd);
	cmd_expect_free_steps(s, n);
	return failed ? 1 : 0;
}
