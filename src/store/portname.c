/*
 * portname.c: GNS3's port naming, as its StandardPortFactory does it,
 * without Python: a format holds fields in braces only, and what comes
 * out is checked as a name. Nothing here reads or writes the database.
 */
#include "portname.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"

int
portname_check(const char *name, struct err *e)
{
	char shown[96];
	size_t len = strlen(name);

	if (len > 0 && len < PORTNAME_MAX &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-") == len &&
	    strchr("/._-", name[0]) == NULL)
		return 0;
	sanitize_to(name, len, shown, sizeof shown);
	return err_set(e, "port name \"%s\": 1 to %d of A-Z a-z 0-9 / . _ -, a letter or digit first "
	    "(as Gi0/1 or ge-0/0/1)", shown, PORTNAME_MAX - 1);
}

/* One name from format for the port and segment numbers and the NIC's
 * index. 0, or -1 with a message. */
static int
portname_expand(const char *format, int port, int segment, int adapter, char out[PORTNAME_MAX],
    struct err *e)
{
	char buf[256], shown[96];
	size_t n = 0;
	int autonum = 0;

	sanitize_to(format, strlen(format), shown, sizeof shown);
	for (const char *p = format; *p; p++) {
		char field[16];
		int v;
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			if (n + 1 < sizeof buf)
				buf[n++] = *p;
			p++;
			continue;
		}
		if (*p == '}')
			return err_set(e, "port_name_format \"%s\": a } without its {", shown);
		if (*p != '{') {
			if (n + 1 < sizeof buf)
				buf[n++] = *p;
			continue;
		}
		size_t len = strcspn(p + 1, "}");
		if (p[1 + len] != '}')
			return err_set(e, "port_name_format \"%s\": a { without its }", shown);
		if (len >= sizeof field)
			return err_set(e, "port_name_format \"%s\": an unknown field", shown);
		memcpy(field, p + 1, len);
		field[len] = '\0';
		/* {} counts as Python does: the first is {0}, the next {1} */
		if (field[0] == '\0')
			snprintf(field, sizeof field, "%d", autonum++);
		if (strcmp(field, "0") == 0 || strcmp(field, "port0") == 0)
			v = port;
		else if (strcmp(field, "port1") == 0)
			v = port + 1;
		else if (strcmp(field, "1") == 0 || strcmp(field, "segment0") == 0)
			v = segment;
		else if (strcmp(field, "segment1") == 0)
			v = segment + 1;
		else if (strcmp(field, "adapter") == 0)
			v = adapter;
		else
			return err_set(e, "port_name_format \"%s\": {%s} is not a field sandlab knows "
			    "({0} or {port0}, {port1}, {1} or {segment0}, {segment1}, {adapter}; no format "
			    "specifications)", shown, strchr(field, ':') ? "...:..." : field);
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%d", v);
		if (n >= sizeof buf)
			n = sizeof buf - 1;
		p += len + 1;
	}
	buf[n] = '\0';
	if (n >= PORTNAME_MAX)
		return err_set(e, "port_name_format \"%s\" makes a name longer than %d bytes", shown,
		    PORTNAME_MAX - 1);
	if (portname_check(buf, e) != 0)
		return -1;
	memcpy(out, buf, n + 1);
	return 0;
}

int
portname_check_format(const char *format, int segment, struct err *e)
{
	struct portname_spec s = { .segment = segment };
	char names[PORTNAME_ADAPTERS][PORTNAME_MAX];

	if (strlen(format) >= PORTNAME_FORMAT_MAX)
		return err_set(e, "a port_name_format has at most %d bytes", PORTNAME_FORMAT_MAX - 1);
	if (segment < 0 || segment > PORTNAME_SEGMENT_MAX)
		return err_set(e, "port_segment_size %d: from 0 (none) to %d", segment, PORTNAME_SEGMENT_MAX);
	snprintf(s.format, sizeof s.format, "%s", format);
	return portname_names(&s, PORTNAME_ADAPTERS, names, e);
}

int
portname_check_adapter(struct portname_adapter *a, struct err *e)
{
	char mac[18];

	if (a->idx < 0 || a->idx >= PORTNAME_ADAPTERS)
		return err_set(e, "custom adapter %d: a node has NICs 0 to %d", a->idx, PORTNAME_ADAPTERS - 1);
	if ((a->name[0] && portname_check(a->name, e) != 0) ||
	    (a->model[0] && nic_model_check(a->model, e) != 0))
		return -1;
	if (a->mac[0]) {
		if (nic_mac_parse(a->mac, mac, e) != 0)
			return -1;
		memcpy(a->mac, mac, sizeof mac);
	}
	return 0;
}

int
portname_spec_any(const struct portname_spec *s)
{
	return s->format[0] || s->first[0] || s->nadapters > 0;
}

const struct portname_adapter *
portname_adapter(const struct portname_spec *s, int idx)
{
	for (int i = 0; i < s->nadapters; i++)
		if (s->adapters[i].idx == idx)
			return &s->adapters[i];
	return NULL;
}

int
portname_names(const struct portname_spec *s, int nics, char names[][PORTNAME_MAX], struct err *e)
{
	int port = 0, segment = 0;

	for (int i = 0; i < nics; i++) {
		const struct portname_adapter *a = portname_adapter(s, i);
		names[i][0] = '\0';
		if (i == 0 && s->first[0]) {
			/* GNS3 counts no port for it */
			snprintf(names[i], PORTNAME_MAX, "%s", s->first);
		} else if (s->format[0]) {
			if (portname_expand(s->format, port, segment, i, names[i], e) != 0)
				return -1;
			if (++port == s->segment) {
				segment++;
				port = 0;
			}
		}
		if (a && a->name[0])
			snprintf(names[i], PORTNAME_MAX, "%s", a->name);
		for (int j = 0; names[i][0] && j < i; j++)
			if (strcasecmp(names[i], names[j]) == 0) {
				char shown[96];
				sanitize_to(s->format, strlen(s->format), shown, sizeof shown);
				return err_set(e, "port names collide: eth%d and eth%d would both be %s%s%s%s "
				    "(every NIC of a node needs its own name)", j, i, names[i],
				    s->format[0] ? " (port_name_format \"" : "", shown, s->format[0] ? "\")" : "");
			}
	}
	return 0;
}
