/*
 * portname.h: NIC port names as GNS3 appliances give them (Gi0/1,
 * ge-0/0/1, Ethernet1/2), beside the ethN every NIC keeps: how a template
 * names its NICs (port_name_format with first_port_name and
 * port_segment_size, and custom adapters that name, model and address
 * one NIC each), and the names that makes for a node's NIC count. Pure:
 * the rows are template.c's (the template's) and nic.c's (a NIC's).
 */
#ifndef SANDLAB_PORTNAME_H
#define SANDLAB_PORTNAME_H

#include "nic.h"
#include "util.h"

#define PORTNAME_MAX        NIC_PORT_MAX  /* bytes of a name, with its NUL */
#define PORTNAME_FORMAT_MAX 64  /* bytes of a format, with its NUL */
#define PORTNAME_SEGMENT_MAX 64
#define PORTNAME_ADAPTERS   8   /* NODE_NICS_MAX: one custom adapter a NIC */

/* A custom adapter (GNS3's custom_adapters[]): what it gives, "" when not. */
struct portname_adapter {
	int  idx;                       /* adapter_number: the NIC ethN */
	char name[PORTNAME_MAX];        /* port_name */
	char model[NIC_MODEL_MAX];      /* adapter_type */
	char mac[18];                   /* mac_address, lowercase */
};

struct portname_spec {
	char format[PORTNAME_FORMAT_MAX];   /* port_name_format; "" = none */
	char first[PORTNAME_MAX];           /* first_port_name (eth0's); "" = none */
	int  segment;                       /* port_segment_size; 0 = none */
	struct portname_adapter adapters[PORTNAME_ADAPTERS];   /* by idx */
	int  nadapters;
};

/* A port name: 1 to 31 of A-Z a-z 0-9 / . _ -, a letter or digit first
 * (it is a word of lab files and the part after NODE: of a NIC). 0, or
 * -1 with a message. */
int portname_check(const char *name, struct err *e);

/* A format as GNS3 reads it (Python's str.format): {} or {0} or {port0}
 * the port number from 0, {port1} from 1, {1} or {segment0} the segment
 * from 0, {segment1} from 1, {adapter} the NIC's index; {{ and }} are
 * braces. Checked by naming 8 NICs: 0, or -1 with a message. */
int portname_check_format(const char *format, int segment, struct err *e);

/* A custom adapter's values checked (index below PORTNAME_ADAPTERS, name,
 * model, MAC; the MAC made lowercase). 0, or -1 with a message. */
int portname_check_adapter(struct portname_adapter *a, struct err *e);

/* Nonzero when s names any NIC or sets any NIC's model or MAC. */
int portname_spec_any(const struct portname_spec *s);
/* The custom adapter of NIC idx, or NULL. */
const struct portname_adapter *portname_adapter(const struct portname_spec *s, int idx);

/* The names of NICs 0 to nics-1 into names[] ("" for a NIC that gets
 * none), as GNS3 numbers them: eth0 takes first_port_name when given and
 * then does not count; a custom adapter's name wins over the format's.
 * Two NICs with one name (without case) are refused naming both. 0, or
 * -1 with a message. */
int portname_names(const struct portname_spec *s, int nics, char names[][PORTNAME_MAX], struct err *e);

#endif
