/*
 * qmp.c: QMP messages in and out, through jansson. No I/O here beyond the
 * buffers the caller hands over, so the parser can be fed anything.
 */
#include "qmp.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

static void
qmp_copy_str(json_t *v, char *buf, size_t len)
{
	const char *s = json_string_value(v);

	if (s != NULL)
		sanitize_to(s, json_string_length(v), buf, len);
}

int
qmp_parse(const char *line, size_t len, struct qmp_msg *m)
{
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *v;

	memset(m, 0, sizeof *m);
	m->id = -1;
	if (o == NULL)
		return -1;
	if (!json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	if (json_is_integer(v = json_object_get(o, "id")))
		m->id = json_integer_value(v);
	if (json_object_get(o, "QMP") != NULL)
		m->kind = QMP_GREETING;
	else if ((v = json_object_get(o, "return")) != NULL) {
		m->kind = QMP_RETURN;
		if (json_is_object(v))
			qmp_copy_str(json_object_get(v, "status"), m->status, sizeof m->status);
	} else if ((v = json_object_get(o, "error")) != NULL) {
		m->kind = QMP_ERROR;
		qmp_copy_str(json_object_get(v, "desc"), m->error, sizeof m->error);
	} else if (json_is_string(v = json_object_get(o, "event"))) {
		json_t *data = json_object_get(o, "data");
		m->kind = QMP_EVENT;
		qmp_copy_str(v, m->event, sizeof m->event);
		if (json_is_object(data)) {
			m->guest = json_is_true(json_object_get(data, "guest"));
			qmp_copy_str(json_object_get(data, "reason"), m->reason, sizeof m->reason);
		}
	} else
		m->kind = QMP_OTHER;
	json_decref(o);
	return 0;
}

char *
qmp_command(const char *execute, const char *args_json, long long id)
{
	json_t *o = json_pack("{s:s, s:I}", "execute", execute, "id", (json_int_t)id);
	char *s, *line;

	if (o == NULL)
		fatal("cannot build a QMP command");
	if (args_json != NULL) {
		json_t *a = json_loads(args_json, 0, NULL);
		if (a == NULL)
			fatal("bad QMP arguments for %s", execute);
		json_object_set_new(o, "arguments", a);
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		fatal("cannot format a QMP command");
	line = xasprintf("%s\n", s);
	free(s);
	return line;
}

int
qmp_reader_feed(struct qmp_reader *r, const char *p, size_t n)
{
	if (r->len + n > QMP_LINE_MAX)
		return -1;
	if (r->len + n > r->cap)
		r->buf = xrealloc(r->buf, r->cap = (r->len + n) * 2);
	memcpy(r->buf + r->len, p, n);
	r->len += n;
	return 0;
}

int
qmp_reader_next(struct qmp_reader *r, const char **line, size_t *len)
{
	char *nl, *held;
	size_t n;

	free(r->line);
	r->line = NULL;
	if (r->len == 0 || (nl = memchr(r->buf, '\n', r->len)) == NULL)
		return 0;
	n = (size_t)(nl - r->buf);
	held = r->line = xstrndup(r->buf, n);
	memmove(r->buf, nl + 1, r->len - n - 1);
	r->len -= n + 1;
	if (n > 0 && held[n - 1] == '\r')
		held[--n] = '\0';
	*line = held;
	*len = n;
	return 1;
}

void
qmp_reader_free(struct qmp_reader *r)
{
	free(r->buf);
	free(r->line);
	memset(r, 0, sizeof *r);
}
