/*
 * db.c: sqlite set-up, migrations and transaction helpers. The schema is
 * defined only here; every other module reads and writes its own tables
 * through prepared statements.
 */
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_BUSY_MS 30000

/* Each entry takes the schema from version i to i + 1. Never edit a
 * released entry: add a new one. */
static const char *const db_migrations[] = {
	/* 0 -> 1: the lab store. */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE images ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  file TEXT NOT NULL UNIQUE,"
	"  format TEXT NOT NULL CHECK (format IN ('raw', 'qcow2')),"
	"  virtual_size INTEGER NOT NULL CHECK (virtual_size >= 0),"
	"  file_size INTEGER NOT NULL CHECK (file_size >= 0),"
	"  imported_at INTEGER NOT NULL);"
	"CREATE TABLE nodes ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE RESTRICT,"
	"  overlay TEXT NOT NULL UNIQUE,"
	"  ram_mb INTEGER NOT NULL CHECK (ram_mb BETWEEN 16 AND 1048576),"
	"  cpus INTEGER NOT NULL CHECK (cpus BETWEEN 1 AND 64),"
	"  accel TEXT NOT NULL DEFAULT 'auto' CHECK (accel IN ('auto', 'kvm', 'tcg')),"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX nodes_image ON nodes(image_id);"
	"CREATE TABLE nics ("
	"  node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 31),"
	"  model TEXT NOT NULL DEFAULT 'virtio-net-pci' CHECK (model IN ('virtio-net-pci', 'e1000')),"
	"  mac TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  attach TEXT NOT NULL DEFAULT 'none' CHECK (attach IN ('none', 'user', 'link')),"
	"  PRIMARY KEY (node_id, idx));"
	"CREATE TABLE forwards ("
	"  node_id TEXT NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  proto TEXT NOT NULL CHECK (proto IN ('tcp', 'udp')),"
	"  host_port INTEGER NOT NULL CHECK (host_port BETWEEN 1 AND 65535),"
	"  guest_port INTEGER NOT NULL CHECK (guest_port BETWEEN 1 AND 65535),"
	"  PRIMARY KEY (proto, host_port),"
	"  FOREIGN KEY (node_id, idx) REFERENCES nics(node_id, idx) ON DELETE CASCADE);"
	"CREATE TABLE links ("
	"  id TEXT PRIMARY KEY,"
	"  a_node TEXT NOT NULL, a_idx INTEGER NOT NULL, a_port INTEGER NOT NULL UNIQUE,"
	"  b_node TEXT NOT NULL, b_idx INTEGER NOT NULL, b_port INTEGER NOT NULL UNIQUE,"
	"  UNIQUE (a_node, a_idx), UNIQUE (b_node, b_idx),"
	"  CHECK (a_node <> b_node),"
	"  FOREIGN KEY (a_node, a_idx) REFERENCES nics(node_id, idx) ON DELETE CASCADE,"
	"  FOREIGN KEY (b_node, b_idx) REFERENCES nics(node_id, idx) ON DELETE CASCADE);"
	/* Runtime facts written by keepers; the keeper's lock says whether
	 * one is alive, this row says what it last reported. */
	"CREATE TABLE runs ("
	"  node_id TEXT PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,"
	"  state TEXT NOT NULL CHECK (state IN ('starting', 'running', 'stopping', 'stopped', 'crashed')),"
	"  accel TEXT, accel_why TEXT,"
	"  vnc_display INTEGER UNIQUE,"
	"  keeper_pid INTEGER, qemu_pid INTEGER,"
	"  started_at INTEGER, exit_kind TEXT, exit_detail TEXT, exit_at INTEGER);"
	/* History outlives nodes, so no foreign key. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  node_id TEXT,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX events_node ON events(node_id, id);"
	/* Files being made outside a transaction: a process that dies before
	 * committing leaves its row here, and the next opener removes its files. */
	"CREATE TABLE pending ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  tmp TEXT NOT NULL,"
	"  final TEXT NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  start_time INTEGER NOT NULL,"
	"  ino INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);",
	/* 1 -> 2: the address VNC listens on when it is not loopback (set
	 * only with a password), so `sandlab vnc` can say host:port. */
	"ALTER TABLE runs ADD COLUMN vnc_host TEXT;",
	/* 2 -> 3: networks. runs.net is the NIC set-up a running QEMU was
	 * started with (net.h), so a change made since shows as pending a
	 * restart. The triggers keep what the UNIQUE columns of links cannot
	 * say alone: a NIC is an end of one link at most (never `a` of one
	 * and `b` of another), and a UDP port belongs to one end of one link;
	 * and a NIC whose link goes, by any path (node removed, NIC count
	 * lowered), is left attached to nothing. */
	"ALTER TABLE runs ADD COLUMN net TEXT;"
	"CREATE TRIGGER links_nic_once BEFORE INSERT ON links"
	" WHEN EXISTS (SELECT 1 FROM links WHERE (a_node = NEW.b_node AND a_idx = NEW.b_idx)"
	"  OR (b_node = NEW.a_node AND b_idx = NEW.a_idx))"
	" BEGIN SELECT RAISE(ABORT, 'a NIC can be an end of one link only'); END;"
	"CREATE TRIGGER links_port_once BEFORE INSERT ON links"
	" WHEN NEW.a_port = NEW.b_port OR EXISTS (SELECT 1 FROM links"
	"  WHERE a_port = NEW.b_port OR b_port = NEW.a_port)"
	" BEGIN SELECT RAISE(ABORT, 'a link port is used once only'); END;"
	"CREATE TRIGGER links_no_update BEFORE UPDATE ON links"
	" BEGIN SELECT RAISE(ABORT, 'links are added and removed, never changed'); END;"
	"CREATE TRIGGER links_detach AFTER DELETE ON links BEGIN"
	" UPDATE nics SET attach = 'none' WHERE attach = 'link' AND"
	"  ((node_id = OLD.a_node AND idx = OLD.a_idx) OR (node_id = OLD.b_node AND idx = OLD.b_idx));"
	" END;",
	/* 3 -> 4: the console size the guest believes it has (consize.h);
	 * the dashboard's emulator for the node runs at this size. */
	"ALTER TABLE nodes ADD COLUMN console_cols INTEGER NOT NULL DEFAULT 80"
	" CHECK (console_cols BETWEEN 20 AND 500);"
	"ALTER TABLE nodes ADD COLUMN console_rows INTEGER NOT NULL DEFAULT 24"
	" CHECK (console_rows BETWEEN 5 AND 200);",
	/* 4 -> 5: the regex `lab up` waits for on the node's console ('' =
	 * none), so a lab file's ready= survives export. */
	"ALTER TABLE nodes ADD COLUMN ready TEXT NOT NULL DEFAULT '';",
	/* 5 -> 6: links are live wires (wire.h). A link can be down (the
	 * cable pulled); each end has the impairments of the frames it sends
	 * (shape.h text, '' = none) and the address its wire listens on
	 * (loopback unless set). Ends and ports still never change. */
	"DROP TRIGGER links_no_update;"
	"ALTER TABLE links ADD COLUMN up INTEGER NOT NULL DEFAULT 1 CHECK (up IN (0, 1));"
	"ALTER TABLE links ADD COLUMN a_shape TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE links ADD COLUMN b_shape TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE links ADD COLUMN a_host TEXT NOT NULL DEFAULT '127.0.0.1';"
	"ALTER TABLE links ADD COLUMN b_host TEXT NOT NULL DEFAULT '127.0.0.1';"
	"CREATE TRIGGER links_no_update BEFORE UPDATE OF id, a_node, a_idx, a_port, b_node, b_idx,"
	" b_port ON links"
	" BEGIN SELECT RAISE(ABORT, 'links are added and removed, never moved'); END;",
	/* 6 -> 7: real machines (issue 10). An image has a kind: a disk,
	 * an ISO 9660 CD-ROM, a kernel or an initrd. A node has a machine
	 * (hw.h): the boot disk's bus, machine type, CPU model, arch, VGA,
	 * boot order, a CD-ROM and a kernel boot, each an image of its kind.
	 * runs.hw is the machine a running QEMU was started with (hw_sig), so
	 * a change made since shows as pending a restart, as runs.net does. */
	"ALTER TABLE images ADD COLUMN kind TEXT NOT NULL DEFAULT 'disk'"
	" CHECK (kind IN ('disk', 'iso', 'kernel', 'initrd'));"
	"ALTER TABLE nodes ADD COLUMN disk_bus TEXT NOT NULL DEFAULT 'virtio'"
	" CHECK (disk_bus IN ('virtio', 'ide', 'sata', 'scsi'));"
	"ALTER TABLE nodes ADD COLUMN machine TEXT NOT NULL DEFAULT 'pc' CHECK (machine IN ('pc', 'q35'));"
	"ALTER TABLE nodes ADD COLUMN cpu_model TEXT NOT NULL DEFAULT 'auto';"
	"ALTER TABLE nodes ADD COLUMN arch TEXT NOT NULL DEFAULT 'x86_64' CHECK (arch IN ('x86_64', 'i386'));"
	"ALTER TABLE nodes ADD COLUMN vga TEXT NOT NULL DEFAULT 'std'"
	" CHECK (vga IN ('std', 'virtio', 'cirrus', 'none'));"
	"ALTER TABLE nodes ADD COLUMN boot TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE nodes ADD COLUMN boot_once TEXT NOT NULL DEFAULT ''"
	" CHECK (boot_once IN ('', 'disk', 'cdrom', 'network'));"
	"ALTER TABLE nodes ADD COLUMN cdrom_id TEXT REFERENCES images(id) ON DELETE RESTRICT;"
	"ALTER TABLE nodes ADD COLUMN kernel_id TEXT REFERENCES images(id) ON DELETE RESTRICT;"
	"ALTER TABLE nodes ADD COLUMN initrd_id TEXT REFERENCES images(id) ON DELETE RESTRICT;"
	"ALTER TABLE nodes ADD COLUMN append TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE runs ADD COLUMN hw TEXT;",
	/* 7 -> 8: the format an image came in (vmdk, vdi, ova/vmdk, ...),
	 * before import converted it; images before this came as they are. */
	"ALTER TABLE images ADD COLUMN source_format TEXT NOT NULL DEFAULT '';"
	"UPDATE images SET source_format = format;",
	/* 8 -> 9: cloud-init settings of a node (cloudinit.h); a reset (a new
	 * overlay) raises the generation, so the instance-id changes and
	 * cloud-init runs again on the fresh disk. */
	"CREATE TABLE cloudinit ("
	"  node_id TEXT PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,"
	"  enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),"
	"  user TEXT NOT NULL,"
	"  password TEXT NOT NULL,"
	"  user_data TEXT,"
	"  generation INTEGER NOT NULL DEFAULT 1 CHECK (generation >= 1));"
	"CREATE TRIGGER cloudinit_reset AFTER UPDATE OF overlay ON nodes BEGIN"
	" UPDATE cloudinit SET generation = generation + 1 WHERE node_id = NEW.id;"
	" END;",
	/* 9 -> 10: other machines (hosts) that run nodes through libvirt (host.h).
	 * nodes.host is where a node is placed, NULL for the implicit host
	 * `local`; a host with nodes placed on it cannot go. */
	"CREATE TABLE hosts ("
	"  name TEXT PRIMARY KEY COLLATE NOCASE,"
	"  uri TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  added_at INTEGER NOT NULL);"
	"ALTER TABLE nodes ADD COLUMN host TEXT REFERENCES hosts(name) ON DELETE RESTRICT;",
	/* 10 -> 11: how a node is stopped (stopmode.h); NULL, like no row,
	 * is the default: shutdown with the default grace, as before. */
	"CREATE TABLE stopmodes ("
	"  node_id TEXT PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,"
	"  method TEXT CHECK (method IN ('shutdown', 'poweroff')),"
	"  grace INTEGER CHECK (grace BETWEEN 0 AND 600));",
	/* 11 -> 12: templates, named machines nodes are made from (template.h):
	 * the machine's columns as nodes has them, NIC count and model, the
	 * boot disk, cloud-init, a console type and a usage text. A node made
	 * from one is recorded in template_nodes, which keeps the template
	 * while such a node names it; a node is a copy, so a change of its
	 * template changes no node. NIC models are checked by nic.c, which
	 * knows what this QEMU offers. */
	"CREATE TABLE templates ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE RESTRICT,"
	"  ram_mb INTEGER NOT NULL CHECK (ram_mb BETWEEN 16 AND 1048576),"
	"  cpus INTEGER NOT NULL CHECK (cpus BETWEEN 1 AND 64),"
	"  nics INTEGER NOT NULL CHECK (nics BETWEEN 0 AND 8),"
	"  nic_model TEXT NOT NULL,"
	"  accel TEXT NOT NULL CHECK (accel IN ('auto', 'kvm', 'tcg')),"
	"  disk_bus TEXT NOT NULL CHECK (disk_bus IN ('virtio', 'ide', 'sata', 'scsi')),"
	"  machine TEXT NOT NULL CHECK (machine IN ('pc', 'q35')),"
	"  cpu_model TEXT NOT NULL,"
	"  arch TEXT NOT NULL CHECK (arch IN ('x86_64', 'i386')),"
	"  vga TEXT NOT NULL CHECK (vga IN ('std', 'virtio', 'cirrus', 'none')),"
	"  boot TEXT NOT NULL,"
	"  boot_once TEXT NOT NULL CHECK (boot_once IN ('', 'disk', 'cdrom', 'network')),"
	"  cdrom_id TEXT REFERENCES images(id) ON DELETE RESTRICT,"
	"  kernel_id TEXT REFERENCES images(id) ON DELETE RESTRICT,"
	"  initrd_id TEXT REFERENCES images(id) ON DELETE RESTRICT,"
	"  append TEXT NOT NULL,"
	"  cloud_init INTEGER NOT NULL CHECK (cloud_init IN (0, 1)),"
	"  ci_user TEXT NOT NULL,"
	"  console TEXT NOT NULL CHECK (console IN ('serial', 'vnc')),"
	"  usage TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE template_nodes ("
	"  node_id TEXT PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,"
	"  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE RESTRICT);"
	"CREATE INDEX template_nodes_template ON template_nodes(template_id);",
	/* 12 -> 13: firmware and NIC models (issue 10). A node boots BIOS or
	 * UEFI (firmware.h). A NIC's model is any device this QEMU offers
	 * (qemuprobe.h checks it), so the nics table loses the CHECK that
	 * allowed two: SQLite cannot alter a CHECK, so the table is made anew
	 * by the documented 12 steps (db_migrate turns foreign keys off around
	 * it and checks them before the commit). Rows, ids and the foreign
	 * keys of forwards and links, which name nics, stay as they were; the
	 * trigger on links that writes nics goes and comes back. Templates
	 * carry the firmware as nodes do. */
	"ALTER TABLE nodes ADD COLUMN firmware TEXT NOT NULL DEFAULT 'bios'"
	" CHECK (firmware IN ('bios', 'uefi'));"
	"ALTER TABLE templates ADD COLUMN firmware TEXT NOT NULL DEFAULT 'bios'"
	" CHECK (firmware IN ('bios', 'uefi'));"
	"DROP TRIGGER links_detach;"
	"CREATE TABLE nics_new ("
	"  node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 31),"
	"  model TEXT NOT NULL DEFAULT 'virtio-net-pci' CHECK (length(model) BETWEEN 1 AND 39"
	"   AND model NOT GLOB '*[^A-Za-z0-9_.-]*' AND model NOT GLOB '-*'),"
	"  mac TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  attach TEXT NOT NULL DEFAULT 'none' CHECK (attach IN ('none', 'user', 'link')),"
	"  PRIMARY KEY (node_id, idx));"
	"INSERT INTO nics_new (node_id, idx, model, mac, attach)"
	" SELECT node_id, idx, model, mac, attach FROM nics;"
	"DROP TABLE nics;"
	"ALTER TABLE nics_new RENAME TO nics;"
	"CREATE TRIGGER links_detach AFTER DELETE ON links BEGIN"
	" UPDATE nics SET attach = 'none' WHERE attach = 'link' AND"
	"  ((node_id = OLD.a_node AND idx = OLD.a_idx) OR (node_id = OLD.b_node AND idx = OLD.b_idx));"
	" END;",
	/* 13 -> 14: a node's extra disks (disk.h), numbered from 1 on each
	 * node: a blank qcow2 of size bytes (image_id NULL) or an overlay on
	 * an image of kind disk; file is its name in overlays/. */
	"CREATE TABLE disks ("
	"  node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL CHECK (idx >= 1),"
	"  bus TEXT NOT NULL CHECK (bus IN ('virtio', 'ide', 'sata', 'scsi')),"
	"  size INTEGER CHECK (size > 0),"
	"  image_id TEXT REFERENCES images(id) ON DELETE RESTRICT,"
	"  file TEXT NOT NULL UNIQUE,"
	"  CHECK ((size IS NULL) <> (image_id IS NULL)),"
	"  PRIMARY KEY (node_id, idx));",
	/* 14 -> 15: a node's console type (contype.h), a row only for a node
	 * whose console is VNC (from a template with console vnc). */
	"CREATE TABLE contypes ("
	"  node_id TEXT PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,"
	"  type TEXT NOT NULL CHECK (type IN ('vnc')));",
	/* 15 -> 16: an end's port moves (link set --port) while its ends and
	 * nodes still never change. A port the user chose is marked (*_port_set)
	 * so lab files keep it; ports sandlab chose are chosen afresh on import.
	 * A moved port is still one end's of one link only. */
	"DROP TRIGGER links_no_update;"
	"CREATE TRIGGER links_no_update BEFORE UPDATE OF id, a_node, a_idx, b_node, b_idx ON links"
	" BEGIN SELECT RAISE(ABORT, 'links are added and removed, never moved'); END;"
	"CREATE TRIGGER links_port_once_moved BEFORE UPDATE OF a_port, b_port ON links"
	" WHEN NEW.a_port = NEW.b_port OR EXISTS (SELECT 1 FROM links WHERE id <> NEW.id AND"
	"  (a_port IN (NEW.a_port, NEW.b_port) OR b_port IN (NEW.a_port, NEW.b_port)))"
	" BEGIN SELECT RAISE(ABORT, 'a link port is used once only'); END;"
	"ALTER TABLE links ADD COLUMN a_port_set INTEGER NOT NULL DEFAULT 0 CHECK (a_port_set IN (0, 1));"
	"ALTER TABLE links ADD COLUMN b_port_set INTEGER NOT NULL DEFAULT 0 CHECK (b_port_set IN (0, 1));",
	/* 16 -> 17: which nodes changed (changes.h), so that a dashboard
	 * re-reads those alone after another process writes: one row per
	 * write to a node's rows, '' for a write that touches many (an
	 * image's name is shown with each node). The last 4,096 are kept;
	 * a reader further behind reads everything. */
	"CREATE TABLE changes ("
	"  seq INTEGER PRIMARY KEY,"
	"  node_id TEXT NOT NULL);"
	"CREATE TRIGGER changes_trim AFTER INSERT ON changes BEGIN"
	" DELETE FROM changes WHERE seq <= NEW.seq - 4096;"
	" END;"
	"CREATE TRIGGER changes_node_ins AFTER INSERT ON nodes BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.id); END;"
	"CREATE TRIGGER changes_node_upd AFTER UPDATE ON nodes BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.id); END;"
	"CREATE TRIGGER changes_node_del AFTER DELETE ON nodes BEGIN"
	" INSERT INTO changes (node_id) VALUES (OLD.id); END;"
	"CREATE TRIGGER changes_nic_ins AFTER INSERT ON nics BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.node_id); END;"
	"CREATE TRIGGER changes_nic_upd AFTER UPDATE ON nics BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.node_id); END;"
	"CREATE TRIGGER changes_nic_del AFTER DELETE ON nics BEGIN"
	" INSERT INTO changes (node_id) VALUES (OLD.node_id); END;"
	"CREATE TRIGGER changes_disk_ins AFTER INSERT ON disks BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.node_id); END;"
	"CREATE TRIGGER changes_disk_upd AFTER UPDATE ON disks BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.node_id); END;"
	"CREATE TRIGGER changes_disk_del AFTER DELETE ON disks BEGIN"
	" INSERT INTO changes (node_id) VALUES (OLD.node_id); END;"
	"CREATE TRIGGER changes_run_ins AFTER INSERT ON runs BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.node_id); END;"
	"CREATE TRIGGER changes_run_upd AFTER UPDATE ON runs BEGIN"
	" INSERT INTO changes (node_id) VALUES (NEW.node_id); END;"
	"CREATE TRIGGER changes_run_del AFTER DELETE ON runs BEGIN"
	" INSERT INTO changes (node_id) VALUES (OLD.node_id); END;"
	"CREATE TRIGGER changes_image_upd AFTER UPDATE ON images BEGIN"
	" INSERT INTO changes (node_id) VALUES (''); END;",
	/* 17 -> 18: the dashboard's first frame at 10,000 nodes scanned
	 * them twice: for how many nodes use an image (image.c), now
	 * counted through the indexes below, and for the longest name
	 * (node_count), now the last entry of an index on its length. */
	"CREATE INDEX nodes_name_len ON nodes(length(name));"
	"CREATE INDEX nodes_cdrom ON nodes(cdrom_id);"
	"CREATE INDEX nodes_kernel ON nodes(kernel_id);"
	"CREATE INDEX nodes_initrd ON nodes(initrd_id);"
	"CREATE INDEX disks_image ON disks(image_id);",
	/* 18 -> 19: NICs' port names (portname.h), as GNS3 appliances name
	 * them (Gi0/1, ge-0/0/1): '' when the NIC has none and is called
	 * ethN only; a name is one NIC's of its node. A template keeps how
	 * it names them (port_name_format, first_port_name, port_segment_size)
	 * and its custom adapters, so each node made from it names its own
	 * NIC count. */
	"ALTER TABLE nics ADD COLUMN port TEXT NOT NULL DEFAULT '' CHECK (length(port) < 32"
	"  AND port NOT GLOB '*[^A-Za-z0-9/._-]*');"
	"CREATE UNIQUE INDEX nics_port ON nics (node_id, port COLLATE NOCASE) WHERE port <> '';"
	"ALTER TABLE templates ADD COLUMN port_format TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE templates ADD COLUMN port_first TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE templates ADD COLUMN port_segment INTEGER NOT NULL DEFAULT 0"
	"  CHECK (port_segment BETWEEN 0 AND 64);"
	"CREATE TABLE template_adapters ("
	"  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 7),"
	"  port TEXT NOT NULL,"
	"  model TEXT NOT NULL,"
	"  mac TEXT NOT NULL,"
	"  PRIMARY KEY (template_id, idx));",
	/* 19 -> 20: runs.host_lost: 1 while a remote node's keeper has lost its
	 * connection to the node's host and tries again (the node shows as
	 * unreachable); runrow_running clears it. */
	"ALTER TABLE runs ADD COLUMN host_lost INTEGER NOT NULL DEFAULT 0;",
	/* 20 -> 21: a template's extra disks (disk.h), as a node's are
	 * spelled but with no file: each node made from the template gets a
	 * fresh blank disk of size bytes (image_id NULL) or a fresh overlay
	 * on an image of kind disk, numbered idx on the node too. */
	"CREATE TABLE template_disks ("
	"  template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL CHECK (idx >= 1),"
	"  bus TEXT NOT NULL CHECK (bus IN ('virtio', 'ide', 'sata', 'scsi')),"
	"  size INTEGER CHECK (size > 0),"
	"  image_id TEXT REFERENCES images(id) ON DELETE RESTRICT,"
	"  CHECK ((size IS NULL) <> (image_id IS NULL)),"
	"  PRIMARY KEY (template_id, idx));"
	"CREATE INDEX template_disks_image ON template_disks(image_id);",
	/* 21 -> 22: templates.host: where the nodes made from a template are
	 * placed (host.h), NULL for `local`, as nodes.host; a host a
	 * template names cannot go either. */
	"ALTER TABLE templates ADD COLUMN host TEXT REFERENCES hosts(name) ON DELETE RESTRICT;",
	/* 22 -> 23: a firmware ROM of the node's own (issue 11, a GNS3
	 * appliance's bios_image): images of kind bios, and nodes.bios_id
	 * and templates.bios_id as the kernel's. The images table is made
	 * anew for its kind's CHECK, as nics was in 12 -> 13: its rows and
	 * ids stay, and the trigger on it goes and comes back. */
	"DROP TRIGGER changes_image_upd;"
	"CREATE TABLE images_new ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  file TEXT NOT NULL UNIQUE,"
	"  format TEXT NOT NULL CHECK (format IN ('raw', 'qcow2')),"
	"  virtual_size INTEGER NOT NULL CHECK (virtual_size >= 0),"
	"  file_size INTEGER NOT NULL CHECK (file_size >= 0),"
	"  imported_at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL DEFAULT 'disk' CHECK (kind IN ('disk', 'iso', 'kernel', 'initrd', 'bios')),"
	"  source_format TEXT NOT NULL DEFAULT '');"
	"INSERT INTO images_new (id, name, file, format, virtual_size, file_size, imported_at, kind, source_format)"
	" SELECT id, name, file, format, virtual_size, file_size, imported_at, kind, source_format FROM images;"
	"DROP TABLE images;"
	"ALTER TABLE images_new RENAME TO images;"
	"CREATE TRIGGER changes_image_upd AFTER UPDATE ON images BEGIN"
	" INSERT INTO changes (node_id) VALUES (''); END;"
	"ALTER TABLE nodes ADD COLUMN bios_id TEXT REFERENCES images(id) ON DELETE RESTRICT;"
	"ALTER TABLE templates ADD COLUMN bios_id TEXT REFERENCES images(id) ON DELETE RESTRICT;"
	"CREATE INDEX nodes_bios ON nodes(bios_id);",
};

const int DB_VERSION = (int)(sizeof db_migrations / sizeof db_migrations[0]);

int
db_fail(sqlite3 *db, struct err *e, const char *what)
{
	return err_set(e, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

int
db_exec(sqlite3 *db, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, "database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
db_begin(sqlite3 *db, struct err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

int
db_commit(sqlite3 *db, struct err *e)
{
	if (db_exec(db, "COMMIT", e) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *
db_prepare(sqlite3 *db, const char *sql, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, e, "database");
		return NULL;
	}
	return st;
}

/* db_bind with a va_list. */
static int
db_bindv(sqlite3 *db, sqlite3_stmt *st, struct err *e, const char *types, va_list ap)
{
	for (int i = 0; types[i] != '\0'; i++) {
		const char *t;
		int rc;

		switch (types[i]) {
		case 't':
			t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(st, i + 1, t, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i + 1);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		default:
			fatal("db_bind: no parameter type '%c'", types[i]);
		}
		if (rc != SQLITE_OK)
			return db_fail(db, e, "binding a value");
	}
	return 0;
}

int
db_bind(sqlite3 *db, sqlite3_stmt *st, struct err *e, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_bindv(db, st, e, types, ap);
	va_end(ap);
	return rc;
}

/* The set of kept statements: each sql's address with its statement,
 * and whether a caller has it now. */
struct db_kept {
	struct db_kept_one {
		const char   *sql;
		sqlite3_stmt *st;
		int           busy;
	}     *v;
	size_t n;
};

/* sql's kept statement when k is given and it is free (prepared at the
 * first call), else a fresh one; NULL with a message. */
static sqlite3_stmt *
db_kept_prepare(sqlite3 *db, struct db_kept **k, const char *sql, struct err *e)
{
	struct db_kept_one *o;
	sqlite3_stmt *st = NULL;

	if (k == NULL)
		return db_prepare(db, sql, e);
	if (*k == NULL)
		*k = xcalloc(1, sizeof **k);
	for (size_t i = 0; i < (*k)->n; i++)
		if ((*k)->v[i].sql == sql) {
			if ((*k)->v[i].busy)
				return db_prepare(db, sql, e);
			(*k)->v[i].busy = 1;
			return (*k)->v[i].st;
		}
	/* PERSISTENT: sqlite takes its memory from the heap, not from the
	 * lookaside meant for short-lived statements. */
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_fail(db, e, "database");
		return NULL;
	}
	(*k)->v = xreallocarray((*k)->v, (*k)->n + 1, sizeof *(*k)->v);
	o = &(*k)->v[(*k)->n++];
	*o = (struct db_kept_one){ .sql = sql, .st = st, .busy = 1 };
	return st;
}

void
db_kept_done(struct db_kept *k, sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; k && i < k->n; i++)
		if (k->v[i].st == st) {
			/* Reset lets go of the read snapshot; the values bound
			 * SQLITE_STATIC point into the caller's memory. */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			k->v[i].busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

void
db_kept_free(struct db_kept *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++)
		sqlite3_finalize(k->v[i].st);
	free(k->v);
	free(k);
}

/* db_query with a va_list, kept in *k when k is given. */
static sqlite3_stmt *
db_queryv(sqlite3 *db, struct db_kept **k, struct err *e, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = db_kept_prepare(db, k, sql, e);

	if (st != NULL && db_bindv(db, st, e, types, ap) != 0) {
		db_kept_done(k ? *k : NULL, st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *
db_query(sqlite3 *db, struct err *e, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, types);
	st = db_queryv(db, NULL, e, sql, types, ap);
	va_end(ap);
	return st;
}

sqlite3_stmt *
db_kept_query(sqlite3 *db, struct db_kept **k, struct err *e, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;

	va_start(ap, types);
	st = db_queryv(db, k, e, sql, types, ap);
	va_end(ap);
	return st;
}

/* db_row with a va_list, kept in *k when k is given. */
static int
db_rowv(sqlite3 *db, struct db_kept **k, sqlite3_stmt **out, const char *what, struct err *e,
    const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = db_queryv(db, k, e, sql, types, ap);
	int rc;

	*out = NULL;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = st;
		return 1;
	}
	if (rc != SQLITE_DONE)
		db_fail(db, e, what);
	db_kept_done(k ? *k : NULL, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_row(sqlite3 *db, sqlite3_stmt **out, const char *what, struct err *e, const char *sql,
    const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_rowv(db, NULL, out, what, e, sql, types, ap);
	va_end(ap);
	return rc;
}

int
db_kept_row(sqlite3 *db, struct db_kept **k, sqlite3_stmt **out, const char *what, struct err *e,
    const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_rowv(db, k, out, what, e, sql, types, ap);
	va_end(ap);
	return rc;
}

int
db_run(sqlite3 *db, const char *what, struct err *e, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_rowv(db, NULL, &st, what, e, sql, types, ap);
	va_end(ap);
	if (rc == 1)
		sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

char *
db_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return xstrdup(t ? (const char *)t : "");
}

/* The number a PRAGMA answers with, or -1. */
static int
db_pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* 0 when no row names a row that is not there (foreign_key_check),
 * else -1 with the first table that does. */
static int
db_fk_ok(sqlite3 *db, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "checking foreign keys: %s", sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		err_set(e, "a row of %s names a %s row that is not there",
		    (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 2));
	else if (rc != SQLITE_DONE)
		err_set(e, "checking foreign keys: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_version(sqlite3 *db)
{
	return db_pragma_int(db, "PRAGMA user_version");
}

/* db_migrate's steps, with foreign keys off: one transaction each. */
static int
db_migrate_steps(sqlite3 *db, int target, struct err *e)
{
	struct err step;
	char sql[64];
	int v;

	if (db_exec(db, "PRAGMA foreign_keys = OFF", e) != 0)
		return -1;
	for (;;) {
		if (db_begin(db, e) != 0)
			return -1;
		/* Read under the write lock: another process may have migrated. */
		v = db_version(db);
		if (v < 0) {
			db_fail(db, e, "reading the schema version");
			db_rollback(db);
			return -1;
		}
		if (v > DB_VERSION) {
			db_rollback(db);
			return err_set(e, "this lab's database has schema version %d, but this "
			    "sandlab only knows versions up to %d; use a newer sandlab", v, DB_VERSION);
		}
		if (v >= target) {
			db_rollback(db);
			return 0;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (db_exec(db, db_migrations[v], &step) != 0 || db_exec(db, sql, &step) != 0 ||
		    db_fk_ok(db, &step) != 0) {
			db_rollback(db);
			return err_set(e, "migrating the lab database from version %d to %d: %s",
			    v, v + 1, step.msg);
		}
		if (db_commit(db, e) != 0)
			return -1;
	}
}

int
db_migrate(sqlite3 *db, int target, struct err *e)
{
	int fk, rc;

	if (target > DB_VERSION)
		return err_set(e, "no migration to schema version %d", target);
	/* The common case, already current, takes no write lock. */
	if (db_version(db) == target)
		return 0;
	/* Foreign keys off while the schema changes (they cannot be switched
	 * inside a transaction), as SQLite's way of remaking a table asks: a
	 * table dropped to be made anew would take the rows that name it
	 * along. Each step is checked by foreign_key_check before its commit,
	 * and the setting comes back as it was. */
	fk = db_pragma_int(db, "PRAGMA foreign_keys");
	rc = db_migrate_steps(db, target, e);
	if (fk > 0 && db_exec(db, "PRAGMA foreign_keys = ON", rc == 0 ? e : NULL) != 0)
		return -1;
	return rc;
}

/* Pages the WAL may grow to before a commit copies them into lab.db
 * (db_open_raw says why not sqlite's 1000). */
#define DB_WAL_PAGES "128"

sqlite3 *
db_open_raw(const char *path, struct err *e)
{
	static int configured;
	sqlite3 *db = NULL;

	/* sqlite counts every allocation under a global mutex for
	 * sqlite3_memory_used, which sandlab never asks: a tenth of listing
	 * 10,000 nodes. It can only be switched off before sqlite starts,
	 * that is at the first open, which comes before any thread. */
	if (!configured) {
		configured = 1;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		/* A statement that may fail half-way (a node's INSERT, with its
		 * triggers and indexes) keeps the pages it changes in a
		 * statement journal, which sqlite writes to a temporary file
		 * in /var/tmp past 64 KiB: a `node create` went past it and
		 * made, wrote and removed such a file. It stays in memory: -1
		 * never spills, and grows in sqlite's small chunks. A positive
		 * limit (4 MiB here before) is also the size of the first chunk,
		 * so every such statement mapped 4 MiB, faulted in the pages
		 * it wrote and unmapped them. sandlab's statements change a
		 * few rows each, so the journal stays a few pages. */
		sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		err_set(e, "cannot open database %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	/* Each CLI command is a process whose connection is the lab's last:
	 * sqlite would checkpoint at its close (fsync of the WAL and of
	 * lab.db) and delete the WAL, and the next command's first write would
	 * make a new one (fsync of its header and of the folder): four fsyncs,
	 * most of a `node create`'s wall time on disk. The WAL stays instead;
	 * the automatic checkpoint (every 1000 pages written) moves it into
	 * lab.db, with its fsyncs, a commit now and then. Nothing committed
	 * is less safe: with synchronous = NORMAL a commit in the WAL survives
	 * a crash of the process either way, and lab.db with its WAL is
	 * always consistent.
	 * But the first connection of each process rebuilds its index of
	 * the WAL by reading all of it (about 5,000 instructions a page): at
	 * sqlite's default of a checkpoint every 1000 pages that was up to 5 M
	 * instructions, more than the rest of a `node create`. A checkpoint
	 * every DB_WAL_PAGES pages (a create writes about 16) bounds it. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (db_exec(db, "PRAGMA foreign_keys = ON", e) != 0 ||
	    db_exec(db, "PRAGMA journal_mode = WAL", e) != 0 ||
	    db_exec(db, "PRAGMA wal_autocheckpoint = " DB_WAL_PAGES, e) != 0 ||
	    db_exec(db, "PRAGMA synchronous = NORMAL", e) != 0) {
		err_set(e, "cannot set up database %s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

sqlite3 *
db_open(const char *path, struct err *e)
{
	sqlite3 *db = db_open_raw(path, e);

	if (db == NULL)
		return NULL;
	if (db_migrate(db, DB_VERSION, e) != 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int
db_event(sqlite3 *db, const char *node_id, const char *kind, const char *detail)
{
	return db_run(db, "recording an event", NULL, "INSERT INTO events (at, node_id, kind, detail) "
	    "VALUES (?, ?, ?, ?)", "Ittt", now_s(), node_id, kind, detail ? detail : "");
}
