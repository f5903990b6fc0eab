/*
 * cloudinit.c: the rows of `cloudinit` (one per node that ever had
 * cloud-init settings) and the checks of what users give for them. The
 * password is made here from the kernel's random source; user-data YAML
 * is checked with libyaml, never by hand.
 */
#include "cloudinit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <yaml.h>

#include "db.h"

void
cloudinit_clear(struct cloudinit *c)
{
	free(c->user_data);
	memset(c, 0, sizeof *c);
}

void
cloudinit_instance_id(const char *node_id, int64_t generation, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%" PRId64, node_id, generation);
}

/* Letters and digits only: typed on a serial console, read aloud. */
static void
cloudinit_new_password(char out[CLOUDINIT_PASSWORD_LEN + 1])
{
	static const char set[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[CLOUDINIT_PASSWORD_LEN];
	size_t got = 0;

	while (got < sizeof r) {
		ssize_t n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0)
			fatal("no random bytes for a password");
		got += (size_t)n;
	}
	/* 256 is not a multiple of the set's size: the bias (under 1/4 of
	 * one character's weight) costs no real strength at 16 characters. */
	for (size_t i = 0; i < sizeof r; i++)
		out[i] = set[r[i] % (sizeof set - 1)];
	out[CLOUDINIT_PASSWORD_LEN] = '\0';
}

int
cloudinit_get(struct lab *lab, const char *node_id, struct cloudinit *out, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	rc = db_kept_row(lab->db, &lab->kept, &st, "reading a node's cloud-init settings", e,
	    "SELECT enabled, user, password, user_data, generation FROM cloudinit WHERE node_id = ?",
	    "t", node_id);
	if (rc < 0)
		return -1;
	snprintf(out->user, sizeof out->user, "%s", CLOUDINIT_USER_DEFAULT);
	out->generation = 1;
	if (rc == 0)
		return 0;
	out->on = sqlite3_column_int(st, 0);
	snprintf(out->user, sizeof out->user, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(out->password, sizeof out->password, "%s", (const char *)sqlite3_column_text(st, 2));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		out->user_data = db_text(st, 3);
	out->generation = sqlite3_column_int64(st, 4);
	db_kept_done(lab->kept, st);
	return 0;
}

int
cloudinit_changes_any(const struct cloudinit_changes *c)
{
	return c->on >= 0 || c->user || c->user_data || c->user_data_default;
}

int
cloudinit_set(struct lab *lab, const char *node_id, const struct cloudinit_changes *c, struct err *e)
{
	char pw[CLOUDINIT_PASSWORD_LEN + 1];
	int own = sqlite3_get_autocommit(lab->db);

	cloudinit_new_password(pw);
	if (own && db_begin(lab->db, e) != 0)
		return -1;
	if (db_run(lab->db, "saving cloud-init settings", e,
	    "INSERT OR IGNORE INTO cloudinit (node_id, user, password) VALUES (?, ?, ?)",
	    "ttt", node_id, CLOUDINIT_USER_DEFAULT, pw) != 0 ||
	    (c->on >= 0 && db_run(lab->db, "saving cloud-init settings", e,
	    "UPDATE cloudinit SET enabled = ? WHERE node_id = ?", "it", c->on ? 1 : 0, node_id) != 0) ||
	    (c->user && db_run(lab->db, "saving cloud-init settings", e,
	    "UPDATE cloudinit SET user = ? WHERE node_id = ?", "tt", c->user, node_id) != 0) ||
	    ((c->user_data || c->user_data_default) && db_run(lab->db, "saving cloud-init settings", e,
	    "UPDATE cloudinit SET user_data = ? WHERE node_id = ?", "tt",
	    c->user_data_default ? NULL : c->user_data, node_id) != 0)) {
		if (own)
			db_rollback(lab->db);
		return -1;
	}
	return own ? db_commit(lab->db, e) : 0;
}

int
cloudinit_copy(struct lab *lab, const char *from_id, const char *to_id, struct err *e)
{
	char pw[CLOUDINIT_PASSWORD_LEN + 1];

	cloudinit_new_password(pw);
	return db_run(lab->db, "copying cloud-init settings", e,
	    "INSERT INTO cloudinit (node_id, enabled, user, password, user_data, generation)"
	    " SELECT ?, enabled, user, ?, user_data, 1 FROM cloudinit WHERE node_id = ?",
	    "ttt", to_id, pw, from_id);
}

int
cloudinit_check_user(const char *u, struct err *e)
{
	size_t n = strlen(u);

	if (n == 0 || n > CLOUDINIT_USER_MAX || !((u[0] >= 'a' && u[0] <= 'z') || u[0] == '_') ||
	    strspn(u, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return err_set(e, "a cloud-init user name is 1 to %d of a-z, 0-9, _ and -, starting with "
		    "a letter or _", CLOUDINIT_USER_MAX);
	if (strcmp(u, "root") == 0)
		return err_set(e, "the cloud-init user cannot be root: sandlab's user gets sudo instead");
	return 0;
}

/* "#cloud-config" YAML: it must parse, and its top is a mapping. */
static int
cloudinit_check_yaml(const char *text, size_t len, struct err *e)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		fatal("out of memory (libyaml)");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		rc = err_set(e, "user-data is not valid YAML: %s at line %zu, column %zu",
		    p.problem ? p.problem : "error", p.problem_mark.line + 1, p.problem_mark.column + 1);
		yaml_parser_delete(&p);
		return rc;
	}
	root = yaml_document_get_root_node(&doc);
	if (root != NULL && root->type != YAML_MAPPING_NODE)
		rc = err_set(e, "user-data YAML must be a mapping (key: value lines) under #cloud-config");
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return rc;
}

int
cloudinit_check_user_data(const char *text, size_t len, struct err *e)
{
	static const char cc[] = "#cloud-config";

	if (len > CLOUDINIT_DATA_MAX)
		return err_set(e, "user-data has %zu bytes; at most %d are taken", len, CLOUDINIT_DATA_MAX);
	if (memchr(text, '\0', len) != NULL)
		return err_set(e, "user-data holds a NUL byte: it must be text");
	if (len >= 2 && text[0] == '#' && text[1] == '!')
		return 0;
	if (len >= sizeof cc - 1 && memcmp(text, cc, sizeof cc - 1) == 0 &&
	    (len == sizeof cc - 1 || text[sizeof cc - 1] == '\n' || text[sizeof cc - 1] == '\r'))
		return cloudinit_check_yaml(text, len, e);
	return err_set(e, "user-data must start with #cloud-config (YAML) or #! (a script)");
}
