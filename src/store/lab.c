/*
 * lab.c: the lab folder. Everything the lab holds is found from its root,
 * except the run folder, which moves to a private folder under
 * $XDG_RUNTIME_DIR (or /tmp) when unix socket paths would be too long.
 * A lab is its owner's alone: folders 0700, files 0600, whatever the
 * umask the user runs with. A lab root found open to others is closed on
 * open, and the lab's own entries in it are tightened; what else the
 * root holds (make run's lab is the checkout) keeps its modes.
 */
#include "lab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "pending.h"

/* sockaddr_un.sun_path holds 108 bytes with its terminator. */
#define SOCK_PATH_MAX 107
/* Longest name below a node's run folder: "/<36-char id>/console.sock". */
#define RUN_TAIL_MAX (1 + LAB_ID_LEN + 1 + 16)

char *
lab_dir_choose(const char *opt)
{
	const char *v;

	if (opt != NULL && *opt != '\0')
		return xstrdup(opt);
	if ((v = getenv("SANDLAB_LAB")) != NULL && *v != '\0')
		return xstrdup(v);
	if ((v = getenv("XDG_DATA_HOME")) != NULL && *v == '/')
		return xasprintf("%s/sandlab", v);
	if ((v = getenv("HOME")) != NULL && *v == '/')
		return xasprintf("%s/.local/share/sandlab", v);
	return xstrdup("./sandlab-lab");
}

char *
lab_path(const struct lab *lab, const char *sub, const char *name)
{
	if (name == NULL)
		return xasprintf("%s/%s", lab->root, sub);
	return xasprintf("%s/%s/%s", lab->root, sub, name);
}

uint32_t
lab_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int
lab_id_ok(const char *s, size_t n)
{
	if (n != LAB_ID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]) || s[i] == '\0')
			return 0;
	}
	return 1;
}

int
lab_private_dir(const char *path, struct err *e)
{
	struct stat sb;

	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return err_sys(e, "cannot create %s", path);
	if (lstat(path, &sb) != 0)
		return err_sys(e, "cannot inspect %s", path);
	if (!S_ISDIR(sb.st_mode))
		return err_set(e, "%s is not a folder; remove it and try again", path);
	if (sb.st_uid != geteuid())
		return err_set(e, "%s belongs to another user; refusing to use it", path);
	if ((sb.st_mode & 0077) != 0 && chmod(path, 0700) != 0)
		return err_sys(e, "cannot make %s private", path);
	return 0;
}

static char *
lab_run_dir(const char *root, struct err *e)
{
	char *run = xasprintf("%s/run", root);
	const char *base;
	char *alt;

	if (strlen(run) + RUN_TAIL_MAX <= SOCK_PATH_MAX) {
		if (lab_private_dir(run, e) != 0) {
			free(run);
			return NULL;
		}
		return run;
	}
	free(run);
	base = getenv("XDG_RUNTIME_DIR");
	if (base == NULL || *base != '/' || strlen(base) > 48)
		base = "/tmp";
	alt = xasprintf("%s/sandlab-%u-%08x", base, (unsigned)geteuid(), lab_hash(root));
	if (lab_private_dir(alt, e) != 0) {
		free(alt);
		return NULL;
	}
	return alt;
}

/* Takes group and other bits off one entry of ours (not a symlink, whose
 * mode means nothing); 1 when it had any. */
static int
lab_tighten_entry(const char *path, const struct stat *sb)
{
	if (S_ISLNK(sb->st_mode) || sb->st_uid != geteuid() || (sb->st_mode & 0077) == 0)
		return 0;
	return chmod(path, sb->st_mode & 07700) == 0;
}

/* nftw has no argument for its callback: the count of entries made
 * private by the walk in progress. */
static int lab_tighten_count;

static int
lab_tighten_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_NS || type == FTW_SL || type == FTW_SLN)
		return FTW_CONTINUE;
	/* Nobody else can reach what is under a folder of ours that is
	 * closed to others, so its contents need no look. */
	if (type == FTW_D && sb->st_uid == geteuid() && (sb->st_mode & 0077) == 0)
		return FTW_SKIP_SUBTREE;
	lab_tighten_count += lab_tighten_entry(path, sb);
	return FTW_CONTINUE;
}

/* Takes group and other bits off everything of ours under path (a folder
 * only sandlab writes in) that others could reach, without following
 * links or crossing into another file system; returns how many entries
 * were open to others. A stat per entry: no contents are read. */
static int
lab_tighten_tree(const char *path)
{
	lab_tighten_count = 0;
	nftw(path, lab_tighten_one, 16, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
	return lab_tighten_count;
}

/* lab_tighten_entry on dir/name, when it exists. */
static int
lab_tighten_at(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	struct stat sb;
	int n = lstat(p, &sb) == 0 ? lab_tighten_entry(p, &sb) : 0;

	free(p);
	return n;
}

/*
 * What the lab makes at its root besides its folders: sqlite's files
 * beside lab.db, the ssh host keys it pinned (seed.c) and the dashboard's
 * memory (uistate.c). The lab's passing files (.ui-state.PID.tmp here,
 * the .new- and .import- files pending.h journals in its folders) are
 * made under the umask lab_open sets, 0600 from their first instant.
 */
static const char *const lab_own_files[] = {
	LAB_DB_FILE, LAB_DB_FILE "-wal", LAB_DB_FILE "-shm", LAB_DB_FILE "-journal",
	"known_hosts", "ui-state",
};
/* Folders nothing but sandlab writes in: all they hold is the lab's. */
static const char *const lab_own_trees[] = { "logs", "run", "cache", "captures", "seeds" };

/* The lab's files in overlays/: sandlab names each after an id (a node's
 * or a disk's ID.qcow2, a UEFI node's ID.vars.fd, .new-ID.qcow2 while it
 * is made). A checkout's overlays/.keep is not one. */
static int
lab_tighten_overlays(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		const char *id = de->d_name;

		if (strncmp(id, ".new-", 5) == 0)
			id += 5;
		if (lab_id_ok(id, LAB_ID_LEN) && (id[LAB_ID_LEN] == '.' || id[LAB_ID_LEN] == '\0'))
			n += lab_tighten_at(dir, de->d_name);
	}
	closedir(d);
	return n;
}

/*
 * A lab root open to others. The root is closed (0700) whatever else it
 * holds: nothing under a closed folder can be reached by others, so the
 * lab is private at once, whatever sandlab or a later version makes in
 * it, and every later open costs one stat. A root that is also the
 * user's own folder (make run's checkout) gets the same: the user's
 * files in it keep their modes (the walk of older versions took their
 * group and other bits; git keeps none but x, so nobody learned why),
 * and a chmod of the root alone opens them again. Then the lab's own
 * entries, so that they stay private if the root is opened again: the
 * files above, images/ and overlays/ themselves (a checkout's hold its
 * build scripts and test-only guests too, which are left alone), the
 * lab's files in overlays/, and the folders only sandlab writes in,
 * walked whole. Its images are lab_tighten_images' (the database names
 * them). Returns how many entries were open to others.
 */
static int
lab_tighten_root(const char *root, const struct stat *sb)
{
	int n = lab_tighten_entry(root, sb);
	char *p;

	for (size_t i = 0; i < sizeof lab_own_files / sizeof lab_own_files[0]; i++)
		n += lab_tighten_at(root, lab_own_files[i]);
	n += lab_tighten_at(root, "images");
	n += lab_tighten_at(root, "overlays");
	p = path_join(root, "overlays");
	n += lab_tighten_overlays(p);
	free(p);
	for (size_t i = 0; i < sizeof lab_own_trees / sizeof lab_own_trees[0]; i++) {
		p = path_join(root, lab_own_trees[i]);
		n += lab_tighten_tree(p);
		free(p);
	}
	return n;
}

/* The lab's files in images/: the ones its images table names. Adds to
 * lab->tightened; 0, or -1 with a message. */
static int
lab_tighten_images(struct lab *lab, struct err *e)
{
	sqlite3_stmt *st = db_prepare(lab->db, "SELECT file FROM images", e);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);

		if (f != NULL && *f != '\0' && *f != '.' && strchr(f, '/') == NULL)
			lab->tightened += lab_tighten_at(lab->images, f);
	}
	if (rc != SQLITE_DONE) {
		db_fail(lab->db, e, "reading the lab's image files");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* lab.db is made before sqlite opens it, so that it is never readable by
 * others for an instant; sqlite gives its -wal and -shm the mode of the
 * database file. An existing one is never opened here: closing any fd of
 * a file drops every POSIX lock this process holds on it, sqlite's too
 * (a dashboard opens the lab more than once), and another process could
 * then delete the WAL under it. */
static int
lab_db_file(const char *path, struct err *e)
{
	struct stat sb;
	int fd;

	if (lstat(path, &sb) == 0)
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST)
		return 0;
	if (fd < 0)
		return err_sys(e, "cannot create %s", path);
	close(fd);
	return 0;
}

struct lab *
lab_open(const char *dir, struct err *e)
{
	struct lab *lab;
	char *real;
	struct stat sb;
	int open_root;

	/* Everything this process (and QEMU, qemu-img and keepers, which
	 * inherit it) makes from now on is its owner's alone. */
	umask(077);
	if (mkdir_p(dir, 0700, e) != 0)
		return NULL;
	if ((real = realpath(dir, NULL)) == NULL) {
		err_sys(e, "cannot resolve lab folder %s", dir);
		return NULL;
	}
	if (stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		err_set(e, "lab folder %s is not a folder", real);
		free(real);
		return NULL;
	}
	/* A closed root: a stat, not a walk (a lab of 10,000 nodes). */
	open_root = (sb.st_mode & 0077) != 0;
	lab = xcalloc(1, sizeof *lab);
	lab->root = real;
	lab->tightened = open_root ? lab_tighten_root(real, &sb) : 0;
	lab->images = lab_path(lab, "images", NULL);
	lab->overlays = lab_path(lab, "overlays", NULL);
	lab->logs = lab_path(lab, "logs", NULL);
	lab->db_path = lab_path(lab, LAB_DB_FILE, NULL);
	if (mkdir_p(lab->images, 0700, e) != 0 || mkdir_p(lab->overlays, 0700, e) != 0 ||
	    mkdir_p(lab->logs, 0700, e) != 0 || lab_db_file(lab->db_path, e) != 0)
		goto fail;
	if ((lab->run = lab_run_dir(lab->root, e)) == NULL)
		goto fail;
	/* A run folder outside the lab: its contents too. */
	if (strncmp(lab->run, lab->root, strlen(lab->root)) != 0)
		lab->tightened += lab_tighten_tree(lab->run);
	if ((lab->db = db_open(lab->db_path, e)) == NULL)
		goto fail;
	if (pending_recover(lab->db, lab->root, e) != 0)
		goto fail;
	if (open_root && lab_tighten_images(lab, e) != 0)
		goto fail;
	return lab;
fail:
	lab_close(lab);
	return NULL;
}

void
lab_close(struct lab *lab)
{
	if (lab == NULL)
		return;
	db_kept_free(lab->kept);
	if (lab->db != NULL)
		sqlite3_close(lab->db);
	free(lab->root);
	free(lab->images);
	free(lab->overlays);
	free(lab->logs);
	free(lab->run);
	free(lab->db_path);
	while (lab->tpls != NULL) {
		struct lab_tpl *t = lab->tpls;
		lab->tpls = t->next;
		free(t->key);
		free(t->buf);
		free(t);
	}
	free(lab);
}

char *
lab_node_run_dir(const struct lab *lab, const char *node_id, struct err *e)
{
	char *d = xasprintf("%s/%s", lab->run, node_id);

	if (lab_private_dir(d, e) != 0) {
		free(d);
		return NULL;
	}
	return d;
}

/* Removes the files in dir named ID or ID.*: a node's logs are
 * <id>.log, <id>.log.1 and <id>.keeper.log. */
static void
lab_unlink_prefixed(const char *dir, const char *id)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = strlen(id);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, id, n) == 0 && (de->d_name[n] == '\0' || de->d_name[n] == '.'))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* Removes a folder's files, one level of subfolders with theirs, and
 * the folder; what cannot go stays. */
static void
lab_rm_tree(const char *path, int depth)
{
	DIR *d;
	struct dirent *de;

	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) != 0 && depth > 0) {
			char *sub = xasprintf("%s/%s", path, de->d_name);
			lab_rm_tree(sub, depth - 1);
			free(sub);
		}
	}
	closedir(d);
	rmdir(path);
}

void
lab_node_forget(const struct lab *lab, const char *node_id)
{
	char *run = xasprintf("%s/%s", lab->run, node_id);
	/* its cloud-init seed, host key and password (seed.h) */
	char *seeds = xasprintf("%s/seeds/%s", lab->root, node_id);

	lab_rm_tree(run, 0);
	lab_rm_tree(seeds, 1);
	free(run);
	free(seeds);
	lab_unlink_prefixed(lab->logs, node_id);
}
