/*
 * seed.c: a node's cloud-init NoCloud seed (seed.h). The YAML is written
 * by libyaml's emitter, so names, keys and passwords are quoted as YAML
 * wants; the ISO is made by xorriso and the host key by ssh-keygen, each
 * from an argv. Every file here holds a secret (a password, a private
 * key), so every one is 0600 in a 0700 folder.
 */
#include "seed.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "cloudinit.h"
#include "db.h"
#include "labfile.h"
#include "net.h"
#include "node.h"
#include "proc.h"
#include "qemu.h"
#include "sanitize.h"

#define SEED_SSH_PORT 22
#define SEED_KEY "ssh_host_ed25519_key"

/* ---- YAML, written by libyaml ---- */

struct ybuf {
	char  *p;
	size_t n, cap;
};

static int
y_write(void *data, unsigned char *buf, size_t size)
{
	struct ybuf *b = data;

	if (b->n + size + 1 > b->cap)
		b->p = xrealloc(b->p, b->cap = (b->n + size + 1) * 2);
	memcpy(b->p + b->n, buf, size);
	b->n += size;
	b->p[b->n] = '\0';
	return 1;
}

/* Emits one event; what we emit is ASCII we checked, so a refusal is a
 * bug in this file. */
static void
y_emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(em, ev))
		fatal("seed: libyaml refused an event: %s", em->problem ? em->problem : "?");
}

static void
y_str_style(yaml_emitter_t *em, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1, style))
		fatal("out of memory (libyaml)");
	y_emit(em, &ev);
}

static void
y_str(yaml_emitter_t *em, const char *s)
{
	y_str_style(em, s, YAML_ANY_SCALAR_STYLE);
}

/* A plain scalar that YAML reads as a bool or a number (true, 1). */
static void
y_raw(yaml_emitter_t *em, const char *s)
{
	y_str_style(em, s, YAML_PLAIN_SCALAR_STYLE);
}

static void
y_kv(yaml_emitter_t *em, const char *k, const char *v)
{
	y_str(em, k);
	y_str(em, v);
}

static void
y_map(yaml_emitter_t *em, int start)
{
	yaml_event_t ev;

	if (start)
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	else
		yaml_mapping_end_event_initialize(&ev);
	y_emit(em, &ev);
}

static void
y_seq(yaml_emitter_t *em, int start, int flow)
{
	yaml_event_t ev;

	if (start)
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	else
		yaml_sequence_end_event_initialize(&ev);
	y_emit(em, &ev);
}

static void
y_begin(yaml_emitter_t *em, struct ybuf *b, const char *first_line)
{
	yaml_event_t ev;

	memset(b, 0, sizeof *b);
	if (first_line != NULL)
		y_write(b, (unsigned char *)first_line, strlen(first_line));
	if (!yaml_emitter_initialize(em))
		fatal("out of memory (libyaml)");
	yaml_emitter_set_output(em, y_write, b);
	yaml_emitter_set_unicode(em, 1);
	yaml_emitter_set_width(em, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	y_emit(em, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	y_emit(em, &ev);
	y_map(em, 1);
}

static char *
y_end(yaml_emitter_t *em, struct ybuf *b)
{
	yaml_event_t ev;

	y_map(em, 0);
	yaml_document_end_event_initialize(&ev, 1);
	y_emit(em, &ev);
	yaml_stream_end_event_initialize(&ev);
	y_emit(em, &ev);
	if (!yaml_emitter_flush(em))
		fatal("seed: libyaml could not flush");
	yaml_emitter_delete(em);
	return b->p;
}

/* ---- the three files ---- */

static char *
seed_meta_data(const char *node_id, const char *name, int64_t gen)
{
	yaml_emitter_t em;
	struct ybuf b;
	char iid[96];

	cloudinit_instance_id(node_id, gen, iid, sizeof iid);
	y_begin(&em, &b, NULL);
	y_kv(&em, "instance-id", iid);
	y_kv(&em, "local-hostname", name);
	return y_end(&em, &b);
}

/* sandlab's own user-data: the user with sudo, password and the host
 * user's keys; the guest's ssh host key, so the first ssh is verified. */
static char *
seed_user_data(const struct cloudinit *ci, const char *priv, const char *pub, const char *authorized)
{
	yaml_emitter_t em;
	struct ybuf b;
	char *keys = xstrdup(authorized ? authorized : ""), *save = NULL;

	y_begin(&em, &b, "#cloud-config\n");
	y_str(&em, "users");
	y_seq(&em, 1, 0);
	y_map(&em, 1);
	y_kv(&em, "name", ci->user);
	y_kv(&em, "shell", "/bin/bash");
	y_kv(&em, "sudo", "ALL=(ALL) NOPASSWD:ALL");
	y_str(&em, "lock_passwd");
	y_raw(&em, "false");
	y_kv(&em, "plain_text_passwd", ci->password);
	y_str(&em, "ssh_authorized_keys");
	y_seq(&em, 1, 0);
	for (char *k = strtok_r(keys, "\n", &save); k; k = strtok_r(NULL, "\n", &save))
		y_str(&em, k);
	y_seq(&em, 0, 0);
	y_map(&em, 0);
	y_seq(&em, 0, 0);
	/* The node's name resolves in the guest (sudo looks it up). */
	y_str(&em, "manage_etc_hosts");
	y_raw(&em, "true");
	/* Only sandlab's key: any other would not be in known_hosts. */
	y_str(&em, "ssh_deletekeys");
	y_raw(&em, "true");
	y_str(&em, "ssh_genkeytypes");
	y_seq(&em, 1, 1);
	y_seq(&em, 0, 1);
	y_str(&em, "ssh_keys");
	y_map(&em, 1);
	y_str(&em, "ed25519_private");
	y_str_style(&em, priv, YAML_LITERAL_SCALAR_STYLE);
	y_kv(&em, "ed25519_public", pub);
	y_map(&em, 0);
	free(keys);
	return y_end(&em, &b);
}

/* Version 1: DHCP on each user-mode NAT NIC, named as the guest kernel
 * names NICs in PCI order (the image boots with net.ifnames=0). */
static char *
seed_network_config(const struct nic *v, int n)
{
	yaml_emitter_t em;
	struct ybuf b;
	char ifname[16];

	y_begin(&em, &b, NULL);
	y_str(&em, "version");
	y_raw(&em, "1");
	y_str(&em, "config");
	y_seq(&em, 1, 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i].attach, "user") != 0)
			continue;
		snprintf(ifname, sizeof ifname, "eth%d", i);
		y_map(&em, 1);
		y_kv(&em, "type", "physical");
		y_kv(&em, "name", ifname);
		y_kv(&em, "mac_address", v[i].mac);
		y_str(&em, "subnets");
		y_seq(&em, 1, 0);
		y_map(&em, 1);
		y_kv(&em, "type", "dhcp");
		y_map(&em, 0);
		y_seq(&em, 0, 0);
		y_map(&em, 0);
	}
	y_seq(&em, 0, 0);
	return y_end(&em, &b);
}

void
seed_files_make(const char *node_id, const char *name, const struct cloudinit *ci,
    const struct nic *nics, int nnics, const char *priv, const char *pub, const char *authorized,
    struct seed_files *out)
{
	out->meta_data = seed_meta_data(node_id, name, ci->generation);
	out->user_data = ci->user_data ? xstrdup(ci->user_data) : seed_user_data(ci, priv, pub, authorized);
	out->network_config = seed_network_config(nics, nnics);
}

void
seed_files_free(struct seed_files *f)
{
	free(f->meta_data);
	free(f->user_data);
	free(f->network_config);
	memset(f, 0, sizeof *f);
}

char *
seed_known_hosts(const struct lab *lab)
{
	return xasprintf("%s/known_hosts", lab->root);
}

char *
seed_host_alias(const char *node_id)
{
	return xasprintf("sandlab-%s", node_id);
}

/* ---- files ---- */

/* A file's text, or NULL when it is missing or unreadable. */
static char *
seed_read(const char *path)
{
	struct err e;
	char *t;
	size_t n;

	if (labfile_read(path, &t, &n, &e) != 0)
		return NULL;
	t = xrealloc(t, n + 1);
	t[n] = '\0';
	return t;
}

/* Writes text to path, 0600, through a temporary file and a rename. */
static int
seed_write(const char *path, const char *text, struct err *e)
{
	char *tmp = xasprintf("%s.new", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || fchmod(fd, 0600) != 0 || write_all(fd, text, strlen(text)) != 0 ||
	    fsync(fd) != 0) {
		err_sys(e, "cannot write the cloud-init seed file %s", path);
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		err_sys(e, "cannot write the cloud-init seed file %s", path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* Runs a helper; 0, or -1 with its name, status and stderr's first line. */
static int
seed_tool(char *const argv[], struct err *e)
{
	struct proc_limits lim = { .cpu_s = 60, .wall_ms = 60000, .out_max = 4096 };
	struct proc_result r;
	char how[128], first[200];

	if (proc_run(argv, &lim, NULL, NULL, &r, e) != 0)
		return -1;
	if (!proc_ok(&r)) {
		proc_describe(&r, &lim, how, sizeof how);
		size_t n = strcspn(r.errout, "\n");
		sanitize_to(r.errout, n, first, sizeof first);
		err_set(e, "%s %s%s%s", argv[0], how, first[0] ? ": " : "", first);
		proc_result_free(&r);
		return -1;
	}
	proc_result_free(&r);
	return 0;
}

/* The public keys of the user running sandlab (.pub files in ~/.ssh), one a
 * line; lines that are not printable ASCII are left out. */
static char *
seed_authorized(void)
{
	const char *home = getenv("HOME");
	struct ybuf b = { 0 };
	glob_t g;
	char *pat;

	y_write(&b, (unsigned char *)"", 0);
	if (home == NULL || *home != '/')
		return b.p;
	pat = xasprintf("%s/.ssh/*.pub", home);
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char *t = seed_read(g.gl_pathv[i]), *save = NULL;
			if (t == NULL)
				continue;
			for (char *l = strtok_r(t, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
				int ok = *l != '\0' && *l != '#';
				for (const char *p = l; ok && *p; p++)
					ok = *p >= 0x20 && *p < 0x7f;
				if (ok) {
					y_write(&b, (unsigned char *)l, strlen(l));
					y_write(&b, (unsigned char *)"\n", 1);
				}
			}
			free(t);
		}
		globfree(&g);
	}
	free(pat);
	return b.p;
}

/* The node's host key pair, made once; *priv and *pub (type and key,
 * no comment) are the files' text. */
static int
seed_host_key(const char *dir, const char *node_id, char **priv, char **pub, struct err *e)
{
	char *key = xasprintf("%s/%s", dir, SEED_KEY), *keypub = xasprintf("%s.pub", key);
	char *comment = seed_host_alias(node_id);
	int rc = -1;

	*priv = *pub = NULL;
	if (access(key, F_OK) != 0 || access(keypub, F_OK) != 0) {
		char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key, NULL };
		unlink(key);
		unlink(keypub);
		if (seed_tool(argv, e) != 0)
			goto done;
	}
	if (chmod(keypub, 0600) != 0 || (*priv = seed_read(key)) == NULL || (*pub = seed_read(keypub)) == NULL) {
		err_sys(e, "cannot read the host key made for the node in %s", dir);
		goto done;
	}
	/* "ssh-ed25519 AAAA... comment\n": keep the first two words. */
	char *sp = strchr(*pub, ' ');
	if (sp == NULL || strncmp(*pub, "ssh-ed25519 ", 12) != 0) {
		err_set(e, "%s.pub is not an ed25519 public key", key);
		goto done;
	}
	sp[strcspn(sp + 1, " \n") + 1] = '\0';
	rc = 0;
done:
	if (rc != 0) {
		free(*priv);
		free(*pub);
		*priv = *pub = NULL;
	}
	free(key);
	free(keypub);
	free(comment);
	return rc;
}

/* Pins the node's host key in the lab's known_hosts: its line replaced,
 * every other node's kept. */
static int
seed_pin(struct lab *lab, const char *node_id, const char *pub, struct err *e)
{
	char *path = seed_known_hosts(lab), *alias = seed_host_alias(node_id);
	char *old = seed_read(path), *save = NULL;
	struct ybuf b = { 0 };
	size_t alen = strlen(alias);
	int rc;

	y_write(&b, (unsigned char *)"", 0);
	for (char *l = old ? strtok_r(old, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, alias, alen) == 0 && l[alen] == ' ')
			continue;
		y_write(&b, (unsigned char *)l, strlen(l));
		y_write(&b, (unsigned char *)"\n", 1);
	}
	y_write(&b, (unsigned char *)alias, alen);
	y_write(&b, (unsigned char *)" ", 1);
	y_write(&b, (unsigned char *)pub, strlen(pub));
	y_write(&b, (unsigned char *)"\n", 1);
	rc = old != NULL && strcmp(old, b.p) == 0 ? 0 : seed_write(path, b.p, e);
	free(b.p);
	free(old);
	free(path);
	free(alias);
	return rc;
}

/* A free TCP port on loopback, as the kernel picks one; 0 if none. */
static int
seed_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;

	inet_pton(AF_INET, QEMU_LINK_HOST, &sa.sin_addr);
	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* The first NAT NIC gets a forward to guest port 22 when no NAT NIC has
 * one. Its own transaction; 0, or -1 with a message. */
static int
seed_ssh_forward(struct lab *lab, const char *node_id, const struct nic *v, int n, struct err *e)
{
	struct nic_fwd f = { .proto = "tcp", .guest_port = SEED_SSH_PORT };
	int nat = -1;

	for (int i = 0; i < n; i++) {
		if (strcmp(v[i].attach, "user") != 0)
			continue;
		if (nat < 0)
			nat = v[i].idx;
		for (int j = 0; j < v[i].nfwds; j++)
			if (strcmp(v[i].fwds[j].proto, "tcp") == 0 && v[i].fwds[j].guest_port == SEED_SSH_PORT)
				return 0;
	}
	if (nat < 0)
		return 0;
	if ((f.host_port = seed_free_port()) == 0)
		return err_sys(e, "no free loopback port for the node's ssh forward");
	if (db_begin(lab->db, e) != 0)
		return -1;
	if (net_forward_insert(lab, node_id, nat, &f, e) != 0) {
		db_rollback(lab->db);
		return -1;
	}
	db_event(lab->db, node_id, "forward", "ssh for cloud-init");
	return db_commit(lab->db, e);
}

static const char *const seed_names[] = { "meta-data", "user-data", "network-config" };

char *
seed_path(const struct lab *lab, const char *node_id)
{
	return xasprintf("%s/seeds/%s/seed.iso", lab->root, node_id);
}

int
seed_prepare(struct lab *lab, const struct node *n, char **iso, struct err *e)
{
	struct cloudinit ci;
	struct seed_files f = { 0 };
	struct nic *v = NULL;
	char *dir = NULL, *files = NULL, *out = NULL, *tmp = NULL, *priv = NULL, *pub = NULL;
	char *authorized = NULL;
	int nn = 0, rc = -1, same = 1;

	*iso = NULL;
	if (cloudinit_get(lab, n->id, &ci, e) != 0)
		return -1;
	if (!ci.on) {
		cloudinit_clear(&ci);
		return 0;
	}
	if (net_nics_get(lab, n->id, &v, &nn, e) != 0 || seed_ssh_forward(lab, n->id, v, nn, e) != 0)
		goto done;
	dir = xasprintf("%s/seeds/%s", lab->root, n->id);
	files = xasprintf("%s/cidata", dir);
	out = seed_path(lab, n->id);
	tmp = xasprintf("%s/seed.iso.new", dir);
	if (mkdir_p(files, 0700, e) != 0)
		goto done;
	if (seed_host_key(dir, n->id, &priv, &pub, e) != 0 || seed_pin(lab, n->id, pub, e) != 0)
		goto done;
	authorized = seed_authorized();
	seed_files_make(n->id, n->name, &ci, v, nn, priv, pub, authorized, &f);
	const char *text[] = { f.meta_data, f.user_data, f.network_config };
	for (int i = 0; i < 3 && same; i++) {
		char *path = xasprintf("%s/%s", files, seed_names[i]), *old = seed_read(path);
		same = old != NULL && strcmp(old, text[i]) == 0;
		free(old);
		free(path);
	}
	if (same && access(out, R_OK) == 0) {
		rc = 0;
		goto done;
	}
	/* The old ISO goes first: a crash from here on leaves files that
	 * match no ISO, and the next start builds one. */
	if (unlink(out) != 0 && errno != ENOENT) {
		err_sys(e, "cannot replace %s", out);
		goto done;
	}
	for (int i = 0; i < 3; i++) {
		char *path = xasprintf("%s/%s", files, seed_names[i]);
		int w = seed_write(path, text[i], e);
		free(path);
		if (w != 0)
			goto done;
	}
	char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-o", tmp, "-V", "cidata", "-J", "-R",
	    files, NULL };
	unlink(tmp);
	if (seed_tool(argv, e) != 0) {
		unlink(tmp);
		goto done;
	}
	if (chmod(tmp, 0600) != 0 || rename(tmp, out) != 0) {
		err_sys(e, "cannot put the seed in place at %s", out);
		unlink(tmp);
		goto done;
	}
	rc = 0;
done:
	if (rc == 0)
		*iso = xstrdup(out);
	seed_files_free(&f);
	nic_list_free(v, nn);
	cloudinit_clear(&ci);
	free(dir);
	free(files);
	free(out);
	free(tmp);
	free(priv);
	free(pub);
	free(authorized);
	return rc;
}
