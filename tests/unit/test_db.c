/* Unit tests: schema migrations from empty and from every older version,
 * refusal of a newer database, and the constraints the store relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"

static char dir[] = "/tmp/sandlab-unit-db.XXXXXX";

static int
setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *
fresh(const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	char *w = xasprintf("%s-wal", p), *s = xasprintf("%s-shm", p);

	unlink(p);
	unlink(w);
	unlink(s);
	free(w);
	free(s);
	return p;
}

static int
scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int v = -999;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
text_is(sqlite3 *db, const char *sql, const char *want)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
}

/* A nodes row by the columns of v1, which every later version has. */
#define NODE_INSERT "INSERT INTO nodes (id, name, image_id, overlay, ram_mb, cpus, accel, created_at) VALUES "

/* 1 when the nodes table has the firmware column (and nics any model). */
static int
has_firmware(sqlite3 *db)
{
	return scalar(db, "SELECT count(*) FROM pragma_table_info('nodes') WHERE name = 'firmware'") == 1;
}

/* Rows valid at schema version v (v >= 1), so later migrations must keep them. */
static void
fill(sqlite3 *db, int v)
{
	struct err e;

	if (v < 1)
		return;
	assert_int_equal(db_exec(db,
	    "INSERT INTO images (id, name, file, format, virtual_size, file_size, imported_at) "
	    "VALUES ('i1', 'base', 'base.qcow2', 'qcow2', 1048576, 4096, 1);"
	    NODE_INSERT "('n1', 'r1', 'i1', 'n1.qcow2', 256, 1, 'auto', 2);"
	    "INSERT INTO nics (node_id, idx, mac) VALUES ('n1', 0, '52:54:00:00:00:01');"
	    "INSERT INTO events (at, node_id, kind) VALUES (3, 'n1', 'create');"
	    /* a second node, a link between the two, a port forward, a run row */
	    NODE_INSERT "('n2', 'r2', 'i1', 'n2.qcow2', 256, 1, 'auto', 2);"
	    "INSERT INTO nics (node_id, idx, mac, attach) VALUES ('n1', 1, '52:54:00:00:00:02', 'link'),"
	    "  ('n2', 0, '52:54:00:00:00:03', 'link');"
	    "INSERT INTO links (id, a_node, a_idx, a_port, b_node, b_idx, b_port) VALUES ('l1', 'n1', 1, 40000, 'n2', 0, 40001);"
	    "UPDATE nics SET attach = 'user' WHERE node_id = 'n1' AND idx = 0;"
	    "INSERT INTO forwards VALUES ('n1', 0, 'tcp', 2222, 22);"
	    "INSERT INTO runs (node_id, state) VALUES ('n1', 'stopped');"
	    "UPDATE nics SET model = 'e1000' WHERE node_id = 'n2';", &e), 0);
	if (v >= 2)
		assert_int_equal(db_exec(db, "UPDATE runs SET vnc_host = '10.1.2.3' WHERE node_id = 'n1'", &e), 0);
	if (v >= 3)
		assert_int_equal(db_exec(db, "UPDATE runs SET net = '0 user' WHERE node_id = 'n1'", &e), 0);
	if (v >= 4)
		assert_int_equal(db_exec(db, "UPDATE nodes SET console_cols = 132, console_rows = 43 "
		    "WHERE id = 'n1'", &e), 0);
	if (v >= 5)
		assert_int_equal(db_exec(db, "UPDATE nodes SET ready = 'login:|r1#' WHERE id = 'n1'", &e), 0);
	if (v >= 7)
		assert_int_equal(db_exec(db,
		    "INSERT INTO images (id, name, file, format, virtual_size, file_size, imported_at, kind) "
		    "VALUES ('i2', 'inst', 'inst.iso', 'raw', 4096, 4096, 1, 'iso');"
		    "UPDATE nodes SET disk_bus = 'sata', machine = 'q35', cdrom_id = 'i2' WHERE id = 'n1'", &e), 0);
	/* by the column, not the version: the integrator renumbers */
	if (has_firmware(db))
		assert_int_equal(db_exec(db, "UPDATE nodes SET firmware = 'uefi' WHERE id = 'n1';"
		    "UPDATE nics SET model = 'vmxnet3' WHERE node_id = 'n1' AND idx = 1", &e), 0);
}

static void
migrate_from_every_version(void **state)
{
	struct err e;

	assert_true(DB_VERSION >= 1);
	for (int from = 0; from <= DB_VERSION; from++) {
		char *path = fresh("m.db");
		sqlite3 *db = db_open_raw(path, &e);

		assert_non_null(db);
		assert_int_equal(db_migrate(db, from, &e), 0);
		assert_int_equal(db_version(db), from);
		fill(db, from);
		int had_source = (int)scalar(db, "SELECT count(*) FROM pragma_table_info('images') "
		    "WHERE name = 'source_format'");
		int had_firmware = has_firmware(db);
		assert_int_equal(db_migrate(db, DB_VERSION, &e), 0);
		assert_int_equal(db_version(db), DB_VERSION);
		text_is(db, "PRAGMA integrity_check", "ok");
		assert_int_equal(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
		if (from >= 1) {
			text_is(db, "SELECT name FROM nodes WHERE id = 'n1'", "r1");
			text_is(db, "SELECT mac FROM nics WHERE node_id = 'n1' AND idx = 0", "52:54:00:00:00:01");
			text_is(db, "SELECT b_node || ':' || b_idx || '@' || b_port FROM links WHERE id = 'l1'", "n2:0@40001");
			text_is(db, "SELECT proto || ':' || host_port || ':' || guest_port FROM forwards", "tcp:2222:22");
			text_is(db, "SELECT attach FROM nics WHERE node_id = 'n2'", "link");
			/* images from before the source format came as they are */
			if (!had_source)
				text_is(db, "SELECT source_format FROM images WHERE id = 'i1'", "qcow2");
		}
		if (from >= 2)
			text_is(db, "SELECT vnc_host FROM runs WHERE node_id = 'n1'", "10.1.2.3");
		if (from >= 3)
			text_is(db, "SELECT net FROM runs WHERE node_id = 'n1'", "0 user");
		/* nodes from before v4 get the serial default; later ones keep theirs */
		if (from >= 1)
			text_is(db, "SELECT console_cols || 'x' || console_rows FROM nodes WHERE id = 'n1'",
			    from >= 4 ? "132x43" : "80x24");
		/* nodes from before v5 wait for no ready pattern */
		if (from >= 1)
			text_is(db, "SELECT '[' || ready || ']' FROM nodes WHERE id = 'n1'",
			    from >= 5 ? "[login:|r1#]" : "[]");
		/* images and nodes from before v7: disks, and the machine nodes
		 * had (a virtio disk on pc, no CD-ROM); later ones keep theirs */
		if (from >= 1) {
			text_is(db, "SELECT kind FROM images WHERE id = 'i1'", "disk");
			text_is(db, "SELECT disk_bus || ' ' || machine || ' ' || cpu_model || ' ' || vga || ' [' || "
			    "coalesce(cdrom_id, '') || ']' FROM nodes WHERE id = 'n1'",
			    from >= 7 ? "sata q35 auto std [i2]" : "virtio pc auto std []");
		}
		/* nodes from before the firmware boot BIOS; NICs keep their
		 * models through the remade nics table, links and forwards their
		 * rows, and foreign keys are on again */
		if (from >= 1) {
			text_is(db, "SELECT firmware FROM nodes WHERE id = 'n1'", had_firmware ? "uefi" : "bios");
			text_is(db, "SELECT model FROM nics WHERE node_id = 'n2'", "e1000");
			text_is(db, "SELECT model FROM nics WHERE node_id = 'n1' AND idx = 1",
			    had_firmware ? "vmxnet3" : "virtio-net-pci");
			text_is(db, "SELECT model FROM nics WHERE node_id = 'n1' AND idx = 0", "virtio-net-pci");
		}
		/* the images table remade for kind bios keeps its rows, and
		 * the trigger on it comes back */
		if (from >= 7)
			text_is(db, "SELECT kind || ' ' || name || ' ' || file_size FROM images WHERE id = 'i2'",
			    "iso inst 4096");
		assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
		    "name = 'changes_image_upd' AND tbl_name = 'images'"), 1);
		assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
		/* every table the store relies on exists */
		assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
		    "name IN ('images', 'nodes', 'nics', 'links', 'forwards', 'runs', 'events', 'pending', 'settings')"), 9);
		sqlite3_close(db);
		free(path);
	}
}

static void
open_is_idempotent_and_wal(void **state)
{
	struct err e;
	char *path = fresh("w.db");
	sqlite3 *db = db_open(path, &e);

	assert_non_null(db);
	text_is(db, "PRAGMA journal_mode", "wal");
	assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
	fill(db, DB_VERSION);
	sqlite3_close(db);
	db = db_open(path, &e);
	assert_non_null(db);
	assert_int_equal(scalar(db, "SELECT count(*) FROM nodes"), 2);
	sqlite3_close(db);
	free(path);
}

static void
newer_database_refused(void **state)
{
	struct err e;
	char *path = fresh("n.db");
	sqlite3 *db = db_open(path, &e);
	char sql[64];

	assert_non_null(db);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", DB_VERSION + 1);
	assert_int_equal(db_exec(db, sql, &e), 0);
	sqlite3_close(db);
	assert_null(db_open(path, &e));
	assert_non_null(strstr(e.msg, "newer sandlab"));
	free(path);
}

static void
constraints_hold(void **state)
{
	struct err e;
	char *path = fresh("c.db");
	sqlite3 *db = db_open(path, &e);

	assert_non_null(db);
	fill(db, DB_VERSION);
	/* names unique regardless of case */
	assert_int_equal(db_exec(db, NODE_INSERT "('n9', 'R1', 'i1', 'n9.qcow2', 256, 1, 'auto', 2)", &e), -1);
	/* an image in use cannot go */
	assert_int_equal(db_exec(db, "DELETE FROM images WHERE id = 'i1'", &e), -1);
	/* a MAC is unique in the lab */
	assert_int_equal(db_exec(db, NODE_INSERT "('n3', 'r3', 'i1', 'n3.qcow2', 256, 1, 'auto', 2);"
	    "INSERT INTO nics (node_id, idx, mac) VALUES ('n3', 0, '52:54:00:00:00:01')", &e), -1);
	/* bad values refused by CHECKs */
	assert_int_equal(db_exec(db, "UPDATE nodes SET accel = 'xen' WHERE id = 'n1'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nodes SET cpus = 0 WHERE id = 'n1'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nodes SET disk_bus = 'nvme' WHERE id = 'n1'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nodes SET machine = 'virt' WHERE id = 'n1'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE images SET kind = 'floppy' WHERE id = 'i1'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nodes SET firmware = 'coreboot' WHERE id = 'n1'", &e), -1);
	/* any NIC device name, but never options riding along */
	assert_int_equal(db_exec(db, "UPDATE nics SET model = 'rtl8139' WHERE node_id = 'n2'", &e), 0);
	assert_int_equal(db_exec(db, "UPDATE nics SET model = 'e1000,romfile=x' WHERE node_id = 'n2'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nics SET model = '' WHERE node_id = 'n2'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nics SET model = '-device' WHERE node_id = 'n2'", &e), -1);
	/* the remade nics table is still what forwards and links name */
	assert_int_equal(db_exec(db, "INSERT INTO forwards VALUES ('n2', 5, 'tcp', 2223, 22)", &e), -1);
	/* an ISO a node holds as its CD-ROM cannot go */
	assert_int_equal(db_exec(db, "DELETE FROM images WHERE id = 'i2'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nodes SET cdrom_id = 'nope' WHERE id = 'n1'", &e), -1);
	/* a BIOS ROM is a kind of image; one a node holds cannot go */
	assert_int_equal(db_exec(db, "INSERT INTO images (id, name, file, format, virtual_size, file_size, "
	    "imported_at, kind) VALUES ('i3', 'rom', 'rom.bios', 'raw', 262144, 262144, 1, 'bios');"
	    "UPDATE nodes SET bios_id = 'i3' WHERE id = 'n1'", &e), 0);
	assert_int_equal(db_exec(db, "DELETE FROM images WHERE id = 'i3'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE nodes SET bios_id = 'nope' WHERE id = 'n1'", &e), -1);
	/* a NIC is an end of one link at most, whichever end it would be */
	assert_int_equal(db_exec(db, NODE_INSERT "('n4', 'r4', 'i1', 'n4.qcow2', 256, 1, 'auto', 2);"
	    "INSERT INTO nics (node_id, idx, mac) VALUES ('n4', 0, '52:54:00:00:00:04'), ('n4', 1, '52:54:00:00:00:05')", &e), 0);
	assert_int_equal(db_exec(db, "INSERT INTO links (id, a_node, a_idx, a_port, b_node, b_idx, b_port) VALUES ('l2', 'n2', 0, 40010, 'n4', 0, 40011)", &e), -1);
	assert_non_null(strstr(e.msg, "one link only"));
	assert_int_equal(db_exec(db, "INSERT INTO links (id, a_node, a_idx, a_port, b_node, b_idx, b_port) VALUES ('l2', 'n4', 0, 40010, 'n1', 1, 40011)", &e), -1);
	assert_int_equal(db_exec(db, "INSERT INTO links (id, a_node, a_idx, a_port, b_node, b_idx, b_port) VALUES ('l2', 'n4', 0, 40010, 'n4', 1, 40011)", &e), -1);
	/* a port serves one end of one link */
	assert_int_equal(db_exec(db, "INSERT INTO links (id, a_node, a_idx, a_port, b_node, b_idx, b_port) VALUES ('l2', 'n4', 0, 40001, 'n1', 0, 40011)", &e), -1);
	assert_non_null(strstr(e.msg, "port"));
	assert_int_equal(db_exec(db, "INSERT INTO links (id, a_node, a_idx, a_port, b_node, b_idx, b_port) VALUES ('l2', 'n4', 0, 40012, 'n1', 0, 40012)", &e), -1);
	assert_int_equal(db_exec(db, "INSERT INTO links (id, a_node, a_idx, a_port, b_node, b_idx, b_port) VALUES ('l2', 'n4', 0, 40012, 'n1', 0, 40013)", &e), 0);
	/* a port moves, but not onto one another end has (l1's 40001, or
	 * l2's own other end) */
	assert_int_equal(db_exec(db, "UPDATE links SET a_port = 40001 WHERE id = 'l2'", &e), -1);
	assert_non_null(strstr(e.msg, "port"));
	assert_int_equal(db_exec(db, "UPDATE links SET a_port = 40013 WHERE id = 'l2'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE links SET a_port = 40020, a_port_set = 1 WHERE id = 'l2'", &e), 0);
	text_is(db, "SELECT a_port || ':' || a_port_set || ':' || b_port_set FROM links WHERE id = 'l2'", "40020:1:0");
	/* a link's state and impairments change; its ends never move */
	assert_int_equal(db_exec(db, "UPDATE links SET up = 0, a_shape = 'delay=5' WHERE id = 'l2'", &e), 0);
	assert_int_equal(db_exec(db, "UPDATE links SET up = 2 WHERE id = 'l2'", &e), -1);
	assert_int_equal(db_exec(db, "UPDATE links SET b_node = 'n4' WHERE id = 'l2'", &e), -1);
	/* removing a node takes its NICs, links and forwards with it, and
	 * the other end of each link is left attached to nothing */
	assert_int_equal(db_exec(db, "DELETE FROM nodes WHERE id = 'n1'", &e), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM nics WHERE node_id = 'n1'"), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM links"), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM forwards"), 0);
	text_is(db, "SELECT attach FROM nics WHERE node_id = 'n2'", "none");
	sqlite3_close(db);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrate_from_every_version),
		cmocka_unit_test(open_is_idempotent_and_wal),
		cmocka_unit_test(newer_database_refused),
		cmocka_unit_test(constraints_hold),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
