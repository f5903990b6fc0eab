/*
 * snapshot.c: runs `qemu-img snapshot` and `qemu-img info` on overlays
 * and reads the snapshot list from qemu-img's JSON. Refuses changes
 * while the node runs; records each change as an event.
 */
#include "snapshot.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "name.h"
#include "node.h"
#include "overlay.h"
#include "runstate.h"

#define SNAPSHOT_WALL_MS 600000

int
snapshot_name_check(const char *name, struct err *e)
{
	if (name_check(name, "snapshot name", e) != 0)
		return -1;
	if (strspn(name, "0123456789") == strlen(name))
		return err_set(e, "snapshot name \"%s\" needs a letter: qemu-img reads a number as a "
		    "snapshot id", name);
	return 0;
}

/* argv for qemu-img: the words given, then "--" and the overlay. */
static char **
snapshot_argv(const char *const *words, const char *overlay)
{
	size_t n = 0;
	char **v;

	while (words[n])
		n++;
	v = xcalloc(n + 4, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = xstrdup(words[i]);
	v[n] = xstrdup("--");
	v[n + 1] = xstrdup(overlay);
	return v;
}

static int
snapshot_parse(const char *json, struct snapshot **out, size_t *n, struct err *e)
{
	json_error_t je;
	json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &je), *a, *s;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(e, "qemu-img info printed something that is not its JSON");
	}
	a = json_object_get(root, "snapshots");
	if (json_is_array(a) && json_array_size(a) > 0) {
		*out = xcalloc(json_array_size(a), sizeof **out);
		json_array_foreach(a, i, s) {
			const char *id = json_string_value(json_object_get(s, "id"));
			const char *name = json_string_value(json_object_get(s, "name"));
			struct snapshot *d = &(*out)[(*n)++];
			snprintf(d->id, sizeof d->id, "%s", id ? id : "");
			snprintf(d->name, sizeof d->name, "%s", name ? name : "");
			d->date = json_integer_value(json_object_get(s, "date-sec"));
		}
	}
	json_decref(root);
	return 0;
}

/* The node, its overlay path in *overlay; running refused when doing. */
static int
snapshot_node(struct lab *lab, const char *key, const char *doing, struct node *n, struct err *e)
{
	if (node_get(lab, key, n, e) != 0)
		return -1;
	if (doing != NULL && runstate_live(lab, n->id)) {
		err_set(e, "%s is running; stop it before you %s a snapshot of its disk "
		    "(sandlab node stop %s)", n->name, doing, n->name);
		node_clear(n);
		return -1;
	}
	return 0;
}

int
snapshot_list(struct lab *lab, const char *node_key, struct snapshot **out, size_t *n,
    struct err *e)
{
	static const char *const words[] = { "qemu-img", "info", "--output=json", "-f", "qcow2",
	    "--force-share", NULL };
	struct node nd;
	char *json = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (snapshot_node(lab, node_key, NULL, &nd, e) != 0)
		return -1;
	rc = overlay_img(snapshot_argv(words, nd.overlay), "info", SNAPSHOT_WALL_MS, &json, e);
	node_clear(&nd);
	if (rc == 0)
		rc = snapshot_parse(json, out, n, e);
	free(json);
	return rc;
}

/* 1 when the node's overlay has a snapshot named name. */
static int
snapshot_has(struct lab *lab, const char *node_key, const char *name, struct err *e)
{
	struct snapshot *v;
	size_t n;
	int found = 0;

	if (snapshot_list(lab, node_key, &v, &n, e) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		found |= strcmp(v[i].name, name) == 0;
	free(v);
	return found;
}

/* qemu-img snapshot OP NAME on the stopped node; must_exist 1 for apply
 * and rm, 0 for create (a name is used once). */
static int
snapshot_op(struct lab *lab, const char *node_key, const char *op, const char *doing,
    const char *name, int must_exist, struct err *e)
{
	const char *words[] = { "qemu-img", "snapshot", op, name, NULL };
	struct node nd;
	char *detail;
	int has;

	if (snapshot_name_check(name, e) != 0 || snapshot_node(lab, node_key, doing, &nd, e) != 0)
		return -1;
	has = snapshot_has(lab, nd.id, name, e);
	if (has < 0)
		goto fail;
	if (has != must_exist) {
		if (must_exist)
			err_set(e, "%s has no snapshot named %s (see: sandlab snapshot ls %s)", nd.name,
			    name, nd.name);
		else
			err_set(e, "%s already has a snapshot named %s", nd.name, name);
		goto fail;
	}
	if (overlay_img(snapshot_argv(words, nd.overlay), "snapshot", SNAPSHOT_WALL_MS, NULL, e) != 0)
		goto fail;
	detail = xasprintf("%s %s", doing, name);
	db_event(lab->db, nd.id, "snapshot", detail);
	free(detail);
	node_clear(&nd);
	return 0;
fail:
	node_clear(&nd);
	return -1;
}

int
snapshot_create(struct lab *lab, const char *node_key, const char *name, char *made, size_t len,
    struct err *e)
{
	char gen[64];

	if (name == NULL) {
		time_t t = time(NULL);
		struct tm tm;
		strftime(gen, sizeof gen, "snap-%Y%m%d-%H%M%S", localtime_r(&t, &tm));
		name = gen;
	}
	if (snapshot_op(lab, node_key, "-c", "take", name, 0, e) != 0)
		return -1;
	snprintf(made, len, "%s", name);
	return 0;
}

int
snapshot_apply(struct lab *lab, const char *node_key, const char *name, struct err *e)
{
	return snapshot_op(lab, node_key, "-a", "apply", name, 1, e);
}

int
snapshot_rm(struct lab *lab, const char *node_key, const char *name, struct err *e)
{
	return snapshot_op(lab, node_key, "-d", "remove", name, 1, e);
}
