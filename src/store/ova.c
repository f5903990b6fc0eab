/*
 * ova.c: an OVA is read as the tar it is (libarchive) and its OVF as the
 * XML it is (libxml2); nothing here parses either by hand. No path from
 * the archive is ever used as a path here: members must be plain names,
 * regular files and under the size cap, and a disk is written to a
 * journalled temporary file of our own naming before image.c imports it.
 */
#include "ova.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "arclib.h"
#include "pending.h"
#include "sanitize.h"
#include "xmllib.h"

#define OVA_OVF_MAX   (1 << 20)  /* an OVF is a few KiB of XML */
#define OVA_DISKS_MAX 16

struct ova_disk {
	char    *href;      /* member name, checked plain */
	char    *tmp_rel;   /* images/.ova-ID-N.tmp */
	char    *tmp_abs;
	int64_t  entry;     /* its journal entry, or 0 */
	int      found;
};

struct ova {
	char            shown[256];  /* the OVA's path, sanitised */
	char           *ovf;         /* the OVF's text */
	size_t          ovf_len;
	char           *ovf_name;
	struct ova_disk disks[OVA_DISKS_MAX];
	int             ndisks;
};

int
ova_is(const char *path)
{
	unsigned char h[512];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), is;

	if (fd < 0)
		return 0;
	is = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h &&
	    memcmp(h + 257, "ustar", 5) == 0;
	close(fd);
	return is;
}

/* A member name we accept: one plain file name, shown sanitised if not. */
static int
ova_plain_name(const struct ova *v, const char *name, const char *what, struct err *e)
{
	char shown[128];

	if (name == NULL || *name == '\0')
		return err_set(e, "cannot import %s: it holds a %s with no name", v->shown, what);
	sanitize_to(name, strlen(name), shown, sizeof shown);
	if (name[0] == '/' || strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") != NULL || (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0))
		return err_set(e, "cannot import %s: its %s \"%s\" points outside the archive; "
		    "refusing the whole OVA", v->shown, what, shown);
	if (strchr(name, '/') != NULL)
		return err_set(e, "cannot import %s: its %s \"%s\" is in a folder; an OVA holds "
		    "plain files only", v->shown, what, shown);
	if (strcmp(name, ".") == 0)
		return err_set(e, "cannot import %s: its %s \"%s\" is not a file name", v->shown, what, shown);
	return 0;
}

static struct archive *
ova_open(struct ova *v, int fd, struct err *e)
{
	struct archive *a = arclib.archive_read_new();

	arclib.archive_read_support_format_tar(a);
	if (lseek(fd, 0, SEEK_SET) != 0 || arclib.archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		err_set(e, "cannot import %s: it cannot be read as a tar archive (%s)", v->shown,
		    arclib.archive_error_string(a) ? arclib.archive_error_string(a) : "unknown error");
		arclib.archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Checks one member's kind, name and size. */
static int
ova_member_check(struct ova *v, struct archive_entry *ent, uint64_t cap, struct err *e)
{
	const char *name = arclib.archive_entry_pathname(ent);
	char shown[128], a[32], b[32];

	if (ova_plain_name(v, name, "member", e) != 0)
		return -1;
	sanitize_to(name, strlen(name), shown, sizeof shown);
	if (arclib.archive_entry_hardlink(ent) != NULL || arclib.archive_entry_filetype(ent) != AE_IFREG)
		return err_set(e, "cannot import %s: its member \"%s\" is a link or not a regular file; "
		    "refusing the whole OVA", v->shown, shown);
	if (arclib.archive_entry_size(ent) < 0 || (uint64_t)arclib.archive_entry_size(ent) > cap)
		return err_set(e, "cannot import %s: its member \"%s\" is %s, over the limit of %s "
		    "(raise it with --max-size)", v->shown, shown,
		    fmt_size((uint64_t)arclib.archive_entry_size(ent), a, sizeof a), fmt_size(cap, b, sizeof b));
	return 0;
}

/* Walks the archive's members in order, calling fn with each header read
 * (the member's data is next in a); fn returns 0 to go on, or -1 with a
 * message to stop. 0 at the end of a whole archive, or -1 with a message:
 * fn's, or that the archive is damaged or truncated. */
typedef int (*ova_member_fn)(struct ova *v, struct archive *a, struct archive_entry *ent, void *arg,
    struct err *e);
static int
ova_each(struct ova *v, int fd, ova_member_fn fn, void *arg, struct err *e)
{
	struct archive *a = ova_open(v, fd, e);
	struct archive_entry *ent;
	int r, rc = -1;

	if (a == NULL)
		return -1;
	while ((r = arclib.archive_read_next_header(a, &ent)) == ARCHIVE_OK)
		if (fn(v, a, ent, arg, e) != 0)
			goto out;
	if (r != ARCHIVE_EOF) {
		err_set(e, "cannot import %s: the archive is damaged or truncated (%s)", v->shown,
		    arclib.archive_error_string(a) ? arclib.archive_error_string(a) : "unknown error");
		goto out;
	}
	rc = 0;
out:
	arclib.archive_read_free(a);
	return rc;
}

/* Pass 1, one member: checked; the OVF read. */
static int
ova_scan_member(struct ova *v, struct archive *a, struct archive_entry *ent, void *arg, struct err *e)
{
	const char *name = arclib.archive_entry_pathname(ent);
	uint64_t cap = *(const uint64_t *)arg;
	size_t len;

	if (ova_member_check(v, ent, cap, e) != 0)
		return -1;
	len = strlen(name);
	if (len < 4 || strcasecmp(name + len - 4, ".ovf") != 0)
		return 0;
	if (v->ovf != NULL)
		return err_set(e, "cannot import %s: it holds more than one OVF descriptor", v->shown);
	if (arclib.archive_entry_size(ent) > OVA_OVF_MAX)
		return err_set(e, "cannot import %s: its OVF descriptor is over 1 MiB", v->shown);
	v->ovf_len = (size_t)arclib.archive_entry_size(ent);
	v->ovf = xmalloc(v->ovf_len + 1);
	if (arclib.archive_read_data(a, v->ovf, v->ovf_len) != (la_ssize_t)v->ovf_len)
		return err_set(e, "cannot import %s: its OVF descriptor cannot be read (the archive is "
		    "damaged or truncated)", v->shown);
	v->ovf[v->ovf_len] = '\0';
	v->ovf_name = xstrdup(name);
	return 0;
}

/* Pass 1: every member checked, the one OVF read. */
static int
ova_scan(struct ova *v, int fd, uint64_t cap, struct err *e)
{
	if (ova_each(v, fd, ova_scan_member, &cap, e) != 0)
		return -1;
	if (v->ovf == NULL)
		return err_set(e, "cannot import %s: it holds no OVF descriptor (*.ovf), so which disks to "
		    "take is unknown", v->shown);
	return 0;
}

/* The value of an attribute by local name, whatever its namespace; free
 * with xmlFree. */
static char *
ova_attr(xmlNode *n, const char *key)
{
	for (xmlAttr *at = n->properties; at != NULL; at = at->next)
		if (strcmp((const char *)at->name, key) == 0)
			return (char *)xmllib.xmlNodeGetContent((xmlNode *)at);
	return NULL;
}

static int
ova_is_elem(xmlNode *n, const char *name, const char *parent)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 &&
	    n->parent != NULL && n->parent->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->parent->name, parent) == 0;
}

/* Elements named name under parent, in document order. */
static void
ova_collect(xmlNode *n, const char *name, const char *parent, xmlNode **out, int *count, int max)
{
	for (; n != NULL; n = n->next) {
		if (ova_is_elem(n, name, parent) && *count < max)
			out[(*count)++] = n;
		ova_collect(n->children, name, parent, out, count, max);
	}
}

/* Which members are the disks: DiskSection/Disk fileRef -> References/File href. */
static int
ova_parse(struct ova *v, struct err *e)
{
	xmlNode *files[64], *disks[OVA_DISKS_MAX + 1];
	int nfiles = 0, ndisks = 0, rc = -1;
	xmlDoc *doc = xmllib.xmlReadMemory(v->ovf, (int)v->ovf_len, "descriptor.ovf", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmllib.xmlDocGetRootElement(doc) : NULL;

	if (root == NULL || strcmp((const char *)root->name, "Envelope") != 0) {
		const xmlError *x = xmllib.xmlGetLastError();
		char why[128] = "no Envelope element";
		if (root == NULL && x != NULL && x->message != NULL) {
			size_t n = strlen(x->message);
			while (n > 0 && x->message[n - 1] == '\n')
				n--;
			sanitize_to(x->message, n, why, sizeof why);
		}
		err_set(e, "cannot import %s: its OVF descriptor is not valid OVF XML (%s%s line %d)",
		    v->shown, why, root == NULL && x ? "," : ";", x ? x->line : 0);
		goto out;
	}
	ova_collect(root, "File", "References", files, &nfiles, 64);
	ova_collect(root, "Disk", "DiskSection", disks, &ndisks, OVA_DISKS_MAX + 1);
	if (ndisks == 0) {
		err_set(e, "cannot import %s: its OVF lists no disks (DiskSection/Disk)", v->shown);
		goto out;
	}
	if (ndisks > OVA_DISKS_MAX) {
		err_set(e, "cannot import %s: its OVF lists more than %d disks", v->shown, OVA_DISKS_MAX);
		goto out;
	}
	for (int i = 0; i < ndisks; i++) {
		char *ref = ova_attr(disks[i], "fileRef"), *href = NULL, *comp = NULL;
		int ok = 0;

		for (int j = 0; ref != NULL && j < nfiles && href == NULL; j++) {
			char *id = ova_attr(files[j], "id");
			if (id != NULL && strcmp(id, ref) == 0) {
				href = ova_attr(files[j], "href");
				comp = ova_attr(files[j], "compression");
			}
			xmllib_free(id);
		}
		if (ref == NULL || href == NULL)
			err_set(e, "cannot import %s: disk %d of its OVF names no file in References",
			    v->shown, i + 1);
		else if (comp != NULL && strcmp(comp, "identity") != 0 && *comp != '\0')
			err_set(e, "cannot import %s: disk %d is stored compressed (%s), which sandlab "
			    "does not unpack", v->shown, i + 1, strcmp(comp, "gzip") == 0 ? "gzip" : "unknown");
		else if (ova_plain_name(v, href, "disk file", e) == 0) {
			v->disks[v->ndisks++].href = xstrdup(href);
			ok = 1;
		}
		xmllib_free(ref);
		xmllib_free(href);
		xmllib_free(comp);
		if (!ok)
			goto out;
	}
	rc = 0;
out:
	xmllib.xmlFreeDoc(doc);
	return rc;
}

/* Writes the member being read, of size bytes, to fd, keeping holes. */
static int
ova_extract(struct ova *v, struct archive *a, int fd, uint64_t cap, struct err *e)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = arclib.archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK) {
		if (off < 0 || (uint64_t)off + size > cap)
			return err_set(e, "cannot import %s: a disk in it holds more than its header says",
			    v->shown);
		for (size_t done = 0; done < size;) {
			ssize_t w = pwrite(fd, (const char *)buf + done, size - done, (off_t)((uint64_t)off + done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return errno == ENOSPC ? err_set(e, "the disk holding the lab is full; free some "
				    "space and import again") : err_sys(e, "writing a disk out of the OVA failed");
			done += (size_t)w;
		}
	}
	if (r != ARCHIVE_EOF)
		return err_set(e, "cannot import %s: the archive is damaged or truncated (%s)", v->shown,
		    arclib.archive_error_string(a) ? arclib.archive_error_string(a) : "unknown error");
	if (ftruncate(fd, (off_t)cap) != 0)
		return err_sys(e, "writing a disk out of the OVA failed");
	return 0;
}

struct ova_unpack {
	struct lab *lab;
	char        id[37];    /* names this import's temporary files */
};

/* Pass 2, one member: a disk the OVF names goes to its temporary file,
 * journalled first; any other member is skipped. */
static int
ova_unpack_member(struct ova *v, struct archive *a, struct archive_entry *ent, void *arg, struct err *e)
{
	struct ova_unpack *u = arg;
	const char *name = arclib.archive_entry_pathname(ent);

	for (int i = 0; i < v->ndisks; i++) {
		struct ova_disk *d = &v->disks[i];
		int out, rc;

		if (d->found || name == NULL || strcmp(name, d->href) != 0)
			continue;
		d->found = 1;
		d->tmp_rel = xasprintf("images/.ova-%s-%d.tmp", u->id, i + 1);
		d->tmp_abs = xasprintf("%s/%s", u->lab->root, d->tmp_rel);
		if ((d->entry = pending_add(u->lab->db, d->tmp_rel, d->tmp_rel, e)) < 0) {
			d->entry = 0;
			return -1;
		}
		out = open(d->tmp_abs, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (out < 0)
			return err_sys(e, "cannot create a file in %s", u->lab->images);
		rc = ova_extract(v, a, out, (uint64_t)arclib.archive_entry_size(ent), e);
		close(out);
		return rc;
	}
	return 0;
}

/* Pass 2: each disk to its temporary file, journalled first. */
static int
ova_unpack(struct lab *lab, struct ova *v, int fd, struct err *e)
{
	struct ova_unpack u = { .lab = lab };
	uuid_t uu;

	uuid_generate_random(uu);
	uuid_unparse_lower(uu, u.id);
	if (ova_each(v, fd, ova_unpack_member, &u, e) != 0)
		return -1;
	for (int i = 0; i < v->ndisks; i++)
		if (!v->disks[i].found) {
			char shown[128];
			sanitize_to(v->disks[i].href, strlen(v->disks[i].href), shown, sizeof shown);
			return err_set(e, "cannot import %s: its OVF names the disk file \"%s\", which the "
			    "archive does not hold", v->shown, shown);
		}
	return 0;
}

/* Image name of disk i: NAME, then NAME-disk2, ... */
static char *
ova_image_name(const char *path, const struct image_import_opts *o, int i)
{
	const char *base = strrchr(path, '/');
	char *name = xstrdup(o->name ? o->name : base ? base + 1 : path), *full;
	size_t len = strlen(name);

	if (o->name == NULL && len > 4 && strcasecmp(name + len - 4, ".ova") == 0)
		name[len - 4] = '\0';
	if (i == 0)
		return name;
	full = xasprintf("%s-disk%d", name, i + 1);
	free(name);
	return full;
}

int
ova_import(struct lab *lab, const char *path, const struct image_import_opts *o,
    struct image *out, struct err *e)
{
	struct ova v = { .ndisks = 0 };
	struct image made[OVA_DISKS_MAX];
	uint64_t cap = o->max_size ? o->max_size : image_default_cap();
	int fd, nmade = 0, rc = -1;

	memset(made, 0, sizeof made);
	sanitize_to(path, strlen(path), v.shown, sizeof v.shown);
	if (arclib_open(e) != 0 || xmllib_open(e) != 0)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "cannot import %s", v.shown);
	if (ova_scan(&v, fd, cap, e) != 0 || ova_parse(&v, e) != 0 || ova_unpack(lab, &v, fd, e) != 0)
		goto out;
	for (int i = 0; i < v.ndisks; i++) {
		struct image_import_opts one = *o;
		char *shown = xasprintf("%s (disk %d, %s)", path, i + 1, v.disks[i].href);
		char *name = ova_image_name(path, o, i);

		one.name = name;
		one.format = NULL;  /* the disk's own format, sniffed */
		rc = image_import_from(lab, v.disks[i].tmp_abs, shown, "ova", &one, &made[nmade], e);
		free(shown);
		free(name);
		if (rc != 0)
			goto out;
		nmade++;
		pending_abandon(lab->db, lab->root, v.disks[i].entry);
		v.disks[i].entry = 0;
	}
	if (o->each != NULL && nmade > 1)
		for (int i = 0; i < nmade; i++)
			o->each(&made[i], o->arg);
	rc = 0;
out:
	close(fd);
	if (rc != 0)
		for (int i = nmade - 1; i >= 0; i--) {
			struct err ignored;
			image_rm(lab, made[i].id, &ignored);
		}
	for (int i = 0; i < nmade; i++) {
		if (rc == 0 && i == 0 && out != NULL)
			*out = made[0];
		else
			image_clear(&made[i]);
	}
	for (int i = 0; i < v.ndisks; i++) {
		if (v.disks[i].entry > 0)
			pending_abandon(lab->db, lab->root, v.disks[i].entry);
		free(v.disks[i].href);
		free(v.disks[i].tmp_rel);
		free(v.disks[i].tmp_abs);
	}
	free(v.ovf);
	free(v.ovf_name);
	return rc;
}
