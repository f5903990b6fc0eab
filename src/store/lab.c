/*
 * lab.c: the lab folder. Everything the lab holds is found from its root,
 * except the run folder, which moves to a private folder under
 * $XDG_RUNTIME_DIR (or /tmp) when unix socket paths would be too long.
 * A lab is its owner's alone: folders 0700, files 0600, whatever the
 * umask the user runs with; a lab made looser than that is tightened on
 * open.
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

/* nftw has no argument for its callback: the count of entries made
 * private by the walk in progress. */
static int lab_tighten_count;

static int
lab_tighten_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_SL || type == FTW_SLN || sb->st_uid != geteuid())
		return FTW_CONTINUE;
	/* Nobody else can reach what is under a folder of ours that is
	 * closed to others, so its contents need no look: a lab of 10,000
	 * nodes costs a stat of its root, not 10,000 on every command. */
	if ((sb->st_mode & 0077) == 0)
		return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	if (type != FTW_D && type != FTW_DP && type != FTW_DNR && type != FTW_F)
		return FTW_CONTINUE;
	if (chmod(path, sb->st_mode & 07700) == 0)
		lab_tighten_count++;
	return FTW_CONTINUE;
}

/* Takes group and other bits off everything of ours under root that
 * others could reach (every folder on the way open to them), without
 * following links or crossing into another file system; returns how many
 * entries were open to others. A stat per entry: no contents are read. */
static int
lab_tighten(const char *root)
{
	lab_tighten_count = 0;
	nftw(root, lab_tighten_one, 16, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
	return lab_tighten_count;
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
	int loose;

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
	loose = lab_tighten(real);
	lab = xcalloc(1, sizeof *lab);
	lab->root = real;
	lab->tightened = loose;
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
		lab->tightened += lab_tighten(lab->run);
	if ((lab->db = db_open(lab->db_path, e)) == NULL)
		goto fail;
	if (pending_recover(lab->db, lab->root, e) != 0)
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
