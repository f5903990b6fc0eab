/*
 * host.c: rows of the hosts table. The database refuses removing a host
 * that nodes are placed on (a foreign key); this file says so first, in
 * words, naming the nodes.
 */
#include "host.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "name.h"
#include "sanitize.h"

void
host_clear(struct host *h)
{
	free(h->name);
	free(h->uri);
	free(h->address);
	memset(h, 0, sizeof *h);
}

void
host_list_free(struct host *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		host_clear(&v[i]);
	free(v);
}

int
host_check_uri(const char *uri, struct err *e)
{
	static const char *const schemes[] = {
		"qemu://", "qemu+ssh://", "qemu+libssh://", "qemu+libssh2://",
		"qemu+tcp://", "qemu+tls://", "qemu+unix://",
	};
	size_t len = strlen(uri);
	int known = 0;

	if (len == 0 || len > HOST_URI_MAX)
		return err_set(e, "a host's URI is 1 to %d characters", HOST_URI_MAX);
	for (const char *p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return err_set(e, "a host's URI has no spaces or control characters");
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strncmp(uri, schemes[i], strlen(schemes[i])) == 0)
			known = 1;
	if (!known)
		return err_set(e, "a host's URI is a libvirt QEMU URI, such as "
		    "qemu+ssh://user@machine/system (qemu:// qemu+ssh:// qemu+libssh:// "
		    "qemu+libssh2:// qemu+tcp:// qemu+tls:// qemu+unix://)");
	return 0;
}

int
host_check_address(const char *address, struct err *e)
{
	static const unsigned char any6[16];
	unsigned char buf[16];
	int v4 = inet_pton(AF_INET, address, buf) == 1, bad;
	char *shown;

	if (v4)
		/* Where a host's domains bind their NICs: one address of it. */
		bad = (buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0) || buf[0] >= 224;
	else if (inet_pton(AF_INET6, address, buf) == 1)
		bad = memcmp(buf, any6, 16) == 0 || buf[0] == 0xff;
	else {
		shown = sanitize(address, strlen(address));
		err_set(e, "\"%s\" is not an IPv4 or IPv6 address", shown);
		free(shown);
		return -1;
	}
	if (!bad)
		return 0;
	shown = sanitize(address, strlen(address));
	err_set(e, "%s is not one host's address (any, multicast or broadcast): give the address "
	    "this machine reaches the host at", shown);
	free(shown);
	return -1;
}

int
host_add(struct lab *lab, const char *name, const char *uri, const char *address,
    struct err *e)
{
	if (name_check(name, "host name", e) != 0 || host_check_uri(uri, e) != 0)
		return -1;
	if (address != NULL && *address != '\0' && host_check_address(address, e) != 0)
		return -1;
	if (strcasecmp(name, HOST_LOCAL) == 0)
		return err_set(e, "\"%s\" is this machine's own host, always there", HOST_LOCAL);
	if (db_run(lab->db, "add host", e,
	    "INSERT INTO hosts (name, uri, address, added_at) VALUES (?1, ?2, ?3, ?4)", "tttI",
	    name, uri, address ? address : "", now_s()) != 0) {
		if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			return err_set(e, "there is already a host named %s", name);
		return -1;
	}
	db_event(lab->db, NULL, "host-add", name);
	return 0;
}

static void
host_read(sqlite3_stmt *st, struct host *h)
{
	h->name = db_text(st, 0);
	h->uri = db_text(st, 1);
	h->address = db_text(st, 2);
	h->added_at = sqlite3_column_int64(st, 3);
	h->nodes = sqlite3_column_int(st, 4);
}

#define HOST_COLUMNS "h.name, h.uri, h.address, h.added_at," \
	" (SELECT count(*) FROM nodes n WHERE n.host = h.name)"

int
host_list(struct lab *lab, struct host **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_query(lab->db, e, "SELECT " HOST_COLUMNS
	    " FROM hosts h ORDER BY h.name", "");
	struct host *v = NULL;
	size_t cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, cnt + 1, sizeof *v);
		host_read(st, &v[cnt++]);
	}
	if (rc != SQLITE_DONE) {
		db_fail(lab->db, e, "list hosts");
		sqlite3_finalize(st);
		host_list_free(v, cnt);
		return -1;
	}
	sqlite3_finalize(st);
	*out = v;
	*n = cnt;
	return 0;
}

/* The answer of a count(*) query: 0 or more, or -1 with a message. */
static int
host_count(struct lab *lab, const char *sql, struct err *e)
{
	sqlite3_stmt *st;
	int n, rc = db_row(lab->db, &st, "count nodes", e, sql, "");

	if (rc <= 0)
		return rc < 0 ? -1 : 0;
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
host_placed_nodes(struct lab *lab, struct err *e)
{
	return host_count(lab, "SELECT count(*) FROM nodes WHERE host IS NOT NULL", e);
}

int
host_local_nodes(struct lab *lab, struct err *e)
{
	return host_count(lab, "SELECT count(*) FROM nodes WHERE host IS NULL", e);
}

int
host_get(struct lab *lab, const char *name, struct host *out, struct err *e)
{
	sqlite3_stmt *st;
	int rc = db_row(lab->db, &st, "read host", e, "SELECT " HOST_COLUMNS
	    " FROM hosts h WHERE h.name = ?1", "t", name);

	memset(out, 0, sizeof *out);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		char *shown = sanitize(name, strlen(name));
		err_set(e, "no host named \"%s\" (see sandlab host ls)", shown);
		free(shown);
		return -1;
	}
	host_read(st, out);
	sqlite3_finalize(st);
	return 0;
}

int
host_set_address(struct lab *lab, const char *name, const char *address, struct err *e)
{
	struct host h;
	char *detail;
	int rc;

	if (strcasecmp(name, HOST_LOCAL) == 0)
		return err_set(e, "\"%s\" is this machine: its link ends are set one by one "
		    "(sandlab link set NODE:ethN --address IP)", HOST_LOCAL);
	if (host_check_address(address, e) != 0 || host_get(lab, name, &h, e) != 0)
		return -1;
	rc = db_run(lab->db, "change host", e, "UPDATE hosts SET address = ?1 WHERE name = ?2",
	    "tt", address, h.name);
	if (rc == 0) {
		detail = xasprintf("%s address %s", h.name, address);
		db_event(lab->db, NULL, "host-set", detail);
		free(detail);
	}
	host_clear(&h);
	return rc;
}

/* The names the query (one parameter: the host's name as stored) gives,
 * ", " between, up to three and "..." into names ("" for none). 0, or -1
 * with a message. */
static int
host_names(struct lab *lab, const char *sql, const char *name, char *names, size_t len,
    struct err *e)
{
	sqlite3_stmt *st = db_query(lab->db, e, sql, "t", name);
	size_t used = 0;
	int rc, i;

	names[0] = '\0';
	if (st == NULL)
		return -1;
	for (i = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; i++) {
		int w = snprintf(names + used, len - used, "%s%s", i ? ", " : "",
		    i < 3 ? (const char *)sqlite3_column_text(st, 0) : "...");
		if (w > 0 && (size_t)w < len - used)
			used += (size_t)w;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(lab->db, e, "reading what names a host");
	return 0;
}

int
host_rm(struct lab *lab, const char *name, struct err *e)
{
	struct host h;
	char names[256];
	int rc, many;

	if (strcasecmp(name, HOST_LOCAL) == 0)
		return err_set(e, "\"%s\" is this machine's own host and cannot be removed", HOST_LOCAL);
	if (host_get(lab, name, &h, e) != 0)
		return -1;
	if (h.nodes > 0) {
		if (host_names(lab, "SELECT name FROM nodes WHERE host = ?1 ORDER BY name LIMIT 4", h.name,
		    names, sizeof names, e) == 0)
			err_set(e, "host %s has %d node%s placed on it (%s): move them (sandlab node set "
			    "NODE --host local) or remove them first", h.name, h.nodes, h.nodes == 1 ? "" : "s",
			    names);
		host_clear(&h);
		return -1;
	}
	/* The nodes a template makes would be placed there. */
	if (host_names(lab, "SELECT name FROM templates WHERE host = ?1 ORDER BY name LIMIT 4", h.name,
	    names, sizeof names, e) != 0) {
		host_clear(&h);
		return -1;
	}
	if (names[0]) {
		many = strchr(names, ',') != NULL;
		err_set(e, "host %s is named by template%s %s, whose nodes are placed there: move %s "
		    "(sandlab template set TEMPLATE --host local) or remove %s first", h.name,
		    many ? "s" : "", names, many ? "them" : "it", many ? "them" : "it");
		host_clear(&h);
		return -1;
	}
	rc = db_run(lab->db, "remove host", e, "DELETE FROM hosts WHERE name = ?1", "t", h.name);
	if (rc == 0)
		db_event(lab->db, NULL, "host-rm", h.name);
	host_clear(&h);
	return rc;
}
