/*
 * jsonrow.c: one element of a JSON list as text, through jansson. A list
 * of 10,000 nodes repeats the same keys, indentation and most values
 * 10,000 times; jansson's dump costs some 60 instructions a byte for
 * them (a UTF-8 decode per byte, a callback per fragment, a snprintf and
 * a hash insert per object for its loop check). Here an item of a shape
 * seen before costs a walk over its keys, a comparison per value, and a
 * dump of each value that changed. This file writes no JSON of its own:
 * every byte it returns is one jansson wrote, for this item or for an
 * equal key or value of an earlier one.
 */
#include "jsonrow.h"

#include <string.h>

#include "util.h"

/* A growing byte buffer. */
struct jsonrow_buf {
	char  *p;
	size_t len, cap;
};

static void
jsonrow_grow(struct jsonrow_buf *b, size_t n)
{
	b->cap = (b->len + n) * 2;
	b->p = xrealloc(b->p, b->cap);
}

/* Inline: most calls copy a few bytes, known when compiled (a size). */
static inline void
jsonrow_put(struct jsonrow_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap)
		jsonrow_grow(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* json_dumpb(v, flags) into b from its start; the length. */
static size_t
jsonrow_dump(json_t *v, size_t flags, struct jsonrow_buf *b)
{
	for (;;) {
		size_t n = json_dumpb(v, b->p, b->cap, flags);

		if (n == 0)
			fatal("cannot format JSON output");
		if (n <= b->cap)
			return b->len = n;
		b->cap = n * 2;
		free(b->p);
		b->p = xmalloc(b->cap);
	}
}

/* The element text of v as jsonrow_text defines it, in b: its start. */
static const char *
jsonrow_element(json_t *v, size_t sort, struct jsonrow_buf *b, size_t *len)
{
	/* Dumped inside a one-element array, v comes out with the indent
	 * of an element: the text between "[\n" and "\n]" is the element,
	 * ready to print, with no pass over its lines. */
	json_t *wrap = json_pack("[O]", v);
	size_t n;

	if (wrap == NULL)
		fatal("cannot format JSON output");
	n = jsonrow_dump(wrap, JSON_INDENT(2) | JSON_ENSURE_ASCII | sort, b);
	json_decref(wrap);
	if (n < 4 || memcmp(b->p, "[\n", 2) != 0 || memcmp(b->p + n - 2, "\n]", 2) != 0)
		fatal("cannot format JSON output");
	*len = n - 4;
	return b->p + 2;
}

/* A value at one place of a shape: the one last dumped there, and its
 * text. */
struct jsonrow_leaf {
	int               type;   /* json_type, or -1 before the first */
	json_int_t        i;
	struct jsonrow_buf s;     /* a string's bytes */
	struct jsonrow_buf text;
};

/* A shape: the signature of jsonrow_walk, and the element's text with
 * each value cut out, as nleaf + 1 pieces around the values. */
struct jsonrow_shape {
	struct jsonrow_buf   sig, skel;
	size_t              *cut;   /* piece k is skel.p[cut[2k] .. cut[2k+1]) */
	struct jsonrow_leaf *leaf;
	size_t               nleaf;
};

/* A few shapes: a node list holds one per number of NICs and disks. */
#define JSONROW_SHAPES 8
static struct jsonrow_shape jsonrow_shapes[JSONROW_SHAPES];
static int jsonrow_nshapes, jsonrow_evict;

/* The current item's walk: its signature and its values in order. */
static struct jsonrow_buf jsonrow_sig;
static json_t **jsonrow_leaves;
static size_t jsonrow_nleaves, jsonrow_leafcap;
/* The text returned. */
static struct jsonrow_buf jsonrow_out;

/* Appends v's shape to jsonrow_sig and its values to jsonrow_leaves, in
 * the order a dump without sorting prints them. The signature holds
 * each object's keys and each container's size, so two items with equal
 * signatures dump to the same text once their values are left out. */
static void
jsonrow_walk(json_t *v)
{
	size_t n;

	if (json_is_object(v)) {
		n = json_object_size(v);
		jsonrow_put(&jsonrow_sig, "{", 1);
		jsonrow_put(&jsonrow_sig, &n, sizeof n);
		for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it)) {
			size_t kl = json_object_iter_key_len(it);

			jsonrow_put(&jsonrow_sig, &kl, sizeof kl);
			jsonrow_put(&jsonrow_sig, json_object_iter_key(it), kl);
			jsonrow_walk(json_object_iter_value(it));
		}
	} else if (json_is_array(v)) {
		n = json_array_size(v);
		jsonrow_put(&jsonrow_sig, "[", 1);
		jsonrow_put(&jsonrow_sig, &n, sizeof n);
		for (size_t i = 0; i < n; i++)
			jsonrow_walk(json_array_get(v, i));
	} else {
		jsonrow_put(&jsonrow_sig, "L", 1);
		if (jsonrow_nleaves == jsonrow_leafcap) {
			jsonrow_leafcap = jsonrow_leafcap ? jsonrow_leafcap * 2 : 64;
			jsonrow_leaves = xreallocarray(jsonrow_leaves, jsonrow_leafcap, sizeof *jsonrow_leaves);
		}
		jsonrow_leaves[jsonrow_nleaves++] = v;
	}
}

/* A copy of v with every value the string "\x01", which jansson prints
 * as "\u0001". */
static json_t *
jsonrow_marked(json_t *v)
{
	json_t *c;

	if (json_is_object(v)) {
		c = json_object();
		for (void *it = json_object_iter(v); it != NULL; it = json_object_iter_next(v, it))
			if (c == NULL || json_object_setn_new_nocheck(c, json_object_iter_key(it),
			    json_object_iter_key_len(it), jsonrow_marked(json_object_iter_value(it))) != 0)
				fatal("cannot format JSON output");
	} else if (json_is_array(v)) {
		c = json_array();
		for (size_t i = 0; i < json_array_size(v); i++)
			if (c == NULL || json_array_append_new(c, jsonrow_marked(json_array_get(v, i))) != 0)
				fatal("cannot format JSON output");
	} else
		c = json_stringn_nocheck("\x01", 1);
	if (c == NULL)
		fatal("cannot format JSON output");
	return c;
}

static void
jsonrow_shape_free(struct jsonrow_shape *s)
{
	for (size_t k = 0; k < s->nleaf; k++) {
		free(s->leaf[k].s.p);
		free(s->leaf[k].text.p);
	}
	free(s->leaf);
	free(s->cut);
	free(s->sig.p);
	free(s->skel.p);
	*s = (struct jsonrow_shape){ 0 };
}

/* The shape of the item just walked, made from v: NULL when its text
 * cannot be cut at its values (a key that prints as a marker does). */
static struct jsonrow_shape *
jsonrow_shape_new(json_t *v)
{
	static const char mark[] = "\"\\u0001\"";
	struct jsonrow_shape *s = &jsonrow_shapes[jsonrow_evict];
	struct jsonrow_buf b = { 0 };
	json_t *m = jsonrow_marked(v);
	const char *text, *p, *end;
	size_t len, k = 0;

	text = jsonrow_element(m, 0, &b, &len);
	json_decref(m);
	jsonrow_shape_free(s);
	s->cut = xreallocarray(NULL, 2 * (jsonrow_nleaves + 1), sizeof *s->cut);
	for (p = text, end = text + len; ; p += sizeof mark - 1, k++) {
		const char *q = memmem(p, (size_t)(end - p), mark, sizeof mark - 1);

		if (q == NULL || k == jsonrow_nleaves) {
			if (q != NULL || k != jsonrow_nleaves) {
				free(b.p);
				free(s->cut);
				s->cut = NULL;
				return NULL;
			}
			s->cut[2 * k] = (size_t)(p - b.p);
			s->cut[2 * k + 1] = len + 2;
			break;
		}
		s->cut[2 * k] = (size_t)(p - b.p);
		s->cut[2 * k + 1] = (size_t)(q - b.p);
		p = q;
	}
	s->skel = b;
	s->nleaf = jsonrow_nleaves;
	s->leaf = xreallocarray(NULL, s->nleaf ? s->nleaf : 1, sizeof *s->leaf);
	for (k = 0; k < s->nleaf; k++)
		s->leaf[k] = (struct jsonrow_leaf){ .type = -1 };
	jsonrow_put(&s->sig, jsonrow_sig.p, jsonrow_sig.len);
	jsonrow_evict = (jsonrow_evict + 1) % JSONROW_SHAPES;
	if (jsonrow_nshapes < JSONROW_SHAPES)
		jsonrow_nshapes++;
	return s;
}

/* The text of v at leaf l's place: l's, dumped again when v differs
 * from the value l last held. */
static const struct jsonrow_buf *
jsonrow_leaf_text(struct jsonrow_leaf *l, json_t *v)
{
	int t = json_typeof(v);

	switch (t) {
	case JSON_STRING: {
		size_t n = json_string_length(v);

		if (l->type == t && l->s.len == n &&
		    (n == 0 || memcmp(l->s.p, json_string_value(v), n) == 0))
			return &l->text;
		l->s.len = 0;
		jsonrow_put(&l->s, json_string_value(v), n);
		break;
	}
	case JSON_INTEGER:
		if (l->type == t && l->i == json_integer_value(v))
			return &l->text;
		l->i = json_integer_value(v);
		break;
	case JSON_NULL:
	case JSON_TRUE:
	case JSON_FALSE:
		if (l->type == t)
			return &l->text;
		break;
	default: /* a real: dumped every time */
		break;
	}
	l->type = t;
	jsonrow_dump(v, JSON_ENCODE_ANY | JSON_ENSURE_ASCII, &l->text);
	return &l->text;
}

const char *
jsonrow_text(json_t *v, size_t sort, size_t *len)
{
	struct jsonrow_shape *s = NULL;

	if (sort)
		return jsonrow_element(v, sort, &jsonrow_out, len);
	jsonrow_sig.len = 0;
	jsonrow_nleaves = 0;
	jsonrow_walk(v);
	for (int i = 0; i < jsonrow_nshapes && s == NULL; i++)
		if (jsonrow_shapes[i].sig.len == jsonrow_sig.len &&
		    memcmp(jsonrow_shapes[i].sig.p, jsonrow_sig.p, jsonrow_sig.len) == 0)
			s = &jsonrow_shapes[i];
	if (s == NULL && (s = jsonrow_shape_new(v)) == NULL)
		return jsonrow_element(v, 0, &jsonrow_out, len);
	jsonrow_out.len = 0;
	for (size_t k = 0; ; k++) {
		jsonrow_put(&jsonrow_out, s->skel.p + s->cut[2 * k], s->cut[2 * k + 1] - s->cut[2 * k]);
		if (k == s->nleaf)
			break;
		const struct jsonrow_buf *t = jsonrow_leaf_text(&s->leaf[k], jsonrow_leaves[k]);
		jsonrow_put(&jsonrow_out, t->p, t->len);
	}
	*len = jsonrow_out.len;
	return jsonrow_out.p;
}

void
jsonrow_forget(void)
{
	for (int i = 0; i < JSONROW_SHAPES; i++)
		jsonrow_shape_free(&jsonrow_shapes[i]);
	jsonrow_nshapes = jsonrow_evict = 0;
	free(jsonrow_sig.p);
	free(jsonrow_leaves);
	free(jsonrow_out.p);
	jsonrow_sig = jsonrow_out = (struct jsonrow_buf){ 0 };
	jsonrow_leaves = NULL;
	jsonrow_nleaves = jsonrow_leafcap = 0;
}
