/*
 * vnc.c: choosing and reserving VNC displays, and the per-start VNC
 * password (why a password: see vnc.h).
 */
#include "vnc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db.h"
#include "qemu.h"
#include "runstate.h"

void
vnc_address(const char *host, int display, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%d", host && *host ? host : QEMU_VNC_HOST, QEMU_VNC_PORT_BASE + display);
}

int
vnc_port_free(const char *host, int display)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *res = NULL;
	char port[16];
	int fd, ok = 0, one = 1;

	snprintf(port, sizeof port, "%d", QEMU_VNC_PORT_BASE + display);
	if (getaddrinfo(host && *host ? host : QEMU_VNC_HOST, port, &hints, &res) != 0 || res == NULL)
		return 0;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* QEMU sets SO_REUSEADDR too: a port in TIME_WAIT is free for it. */
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
	    bind(fd, res->ai_addr, res->ai_addrlen) == 0 && listen(fd, 1) == 0)
		ok = 1;
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return ok;
}

/* Forgets the displays of rows whose keeper no longer lives; in a txn. */
static int
vnc_release_dead(struct lab *lab, const char *node_id, struct err *e)
{
	sqlite3_stmt *st = db_query(lab->db, e, "SELECT node_id FROM runs WHERE vnc_display IS NOT NULL "
	    "AND node_id <> ?", "t", node_id);
	sqlite3_stmt *up;
	int rc;

	if (st == NULL)
		return -1;
	if ((up = db_prepare(lab->db, "UPDATE runs SET vnc_display = NULL WHERE node_id = ?", e)) == NULL) {
		sqlite3_finalize(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (runstate_live(lab, id))
			continue;
		sqlite3_reset(up);
		if (db_bind(lab->db, up, NULL, "t", id) != 0 || sqlite3_step(up) != SQLITE_DONE) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	if (rc != SQLITE_DONE)
		return db_fail(lab->db, e, "releasing VNC displays");
	return 0;
}

int
vnc_reserve(struct lab *lab, const char *node_id, const char *host, const int *skip,
    int nskip, int *display, struct err *e)
{
	char used[VNC_DISPLAYS] = { 0 };
	sqlite3_stmt *st;
	int rc, chosen = -1;

	if (db_begin(lab->db, e) != 0)
		return -1;
	if (vnc_release_dead(lab, node_id, e) != 0)
		goto fail;
	if ((st = db_query(lab->db, e, "SELECT vnc_display FROM runs WHERE vnc_display IS NOT NULL "
	    "AND node_id <> ?", "t", node_id)) == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int d = sqlite3_column_int(st, 0);
		if (d >= 0 && d < VNC_DISPLAYS)
			used[d] = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(lab->db, e, "reading VNC displays");
		goto fail;
	}
	for (int i = 0; i < nskip; i++)
		if (skip[i] >= 0 && skip[i] < VNC_DISPLAYS)
			used[skip[i]] = 1;
	for (int d = 0; d < VNC_DISPLAYS && chosen < 0; d++)
		if (!used[d] && vnc_port_free(host, d))
			chosen = d;
	if (chosen < 0) {
		err_set(e, "no free VNC display: ports %d to %d are all in use", QEMU_VNC_PORT_BASE,
		    QEMU_VNC_PORT_BASE + VNC_DISPLAYS - 1);
		goto fail;
	}
	if (db_run(lab->db, "reserving a VNC display", e, "INSERT INTO runs (node_id, state, "
	    "vnc_display, vnc_host) VALUES (?1, 'starting', ?2, ?3) ON CONFLICT (node_id) DO UPDATE "
	    "SET state = 'starting', vnc_display = ?2, vnc_host = ?3", "tit", node_id, chosen,
	    host) != 0) {
		/* The row's node went between the keeper's read and this
		 * insert: a `node rm` won the race. */
		if (sqlite3_extended_errcode(lab->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			err_set(e, "the node was removed while it was starting");
		goto fail;
	}
	if (db_commit(lab->db, e) != 0)
		return -1;
	*display = chosen;
	return 0;
fail:
	db_rollback(lab->db);
	return -1;
}

void
vnc_password_new(char buf[VNC_PASSWORD_LEN + 1])
{
	static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	unsigned char r[VNC_PASSWORD_LEN];

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		fatal("getrandom failed");
	/* 57 symbols over 256 values: a slight bias, of no weight at 8 symbols. */
	for (int i = 0; i < VNC_PASSWORD_LEN; i++)
		buf[i] = set[r[i] % (sizeof set - 1)];
	buf[VNC_PASSWORD_LEN] = '\0';
	explicit_bzero(r, sizeof r);
}

/* A small file of the node's run folder (0600, private as the folder),
 * written whole in place of the last run's. */
static int
vnc_file_save(const struct lab *lab, const char *node_id, const char *name, const char *text,
    const char *what, struct err *e)
{
	char *path = xasprintf("%s/%s/%s", lab->run, node_id, name);
	int fd, rc = 0;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) != 0)
		rc = err_sys(e, "cannot keep the %s in %s", what, path);
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/* Such a file's text into buf, "" when there is none; 1 when it holds
 * only letters and digits (what either file may hold), else 0 and "". */
static int
vnc_file_read(const struct lab *lab, const char *node_id, const char *name, char *buf, size_t len)
{
	char *path = xasprintf("%s/%s/%s", lab->run, node_id, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = -1;

	free(path);
	buf[0] = '\0';
	if (fd < 0 || len == 0)
		goto out;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (!((buf[i] >= 'A' && buf[i] <= 'Z') || (buf[i] >= 'a' && buf[i] <= 'z') ||
		    (buf[i] >= '0' && buf[i] <= '9')))
			buf[0] = '\0';
out:
	if (fd >= 0)
		close(fd);
	return buf[0] != '\0';
}

int
vnc_password_save(const struct lab *lab, const char *node_id, const char *pw, struct err *e)
{
	return vnc_file_save(lab, node_id, "vnc.pw", pw, "VNC password", e);
}

void
vnc_password_read(const struct lab *lab, const char *node_id, char *buf, size_t len)
{
	/* Only what vnc_password_new makes is shown. */
	vnc_file_read(lab, node_id, "vnc.pw", buf, len);
}

int
vnc_remote_port_save(const struct lab *lab, const char *node_id, int port, struct err *e)
{
	char text[16];

	snprintf(text, sizeof text, "%d", port);
	return vnc_file_save(lab, node_id, "vnc.port", text, "VNC port", e);
}

int
vnc_remote_port_read(const struct lab *lab, const char *node_id)
{
	char text[16];
	int port;

	if (!vnc_file_read(lab, node_id, "vnc.port", text, sizeof text) || strspn(text, "0123456789") !=
	    strlen(text))
		return -1;
	port = atoi(text);
	return port >= 1 && port <= 65535 ? port : -1;
}

void
vnc_remote_port_rm(const struct lab *lab, const char *node_id)
{
	char *path = xasprintf("%s/%s/vnc.port", lab->run, node_id);

	unlink(path);
	free(path);
}
