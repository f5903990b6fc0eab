/*
 * xmllib.c: finds libxml2's calls with dlopen, once per process, for every
 * module that reads or writes XML (xmllib.h says why it is not linked).
 */
#include "xmllib.h"

#define XMLLIB_SONAME "libxml2.so.2"

struct xmllib_calls xmllib;

static void xmllib_load(void);
static struct dl_once xmllib_once = DL_ONCE(xmllib_load);

static void
xmllib_load(void)
{
	void *h = dl_open(XMLLIB_SONAME, &xmllib_once.err);

	if (h == NULL)
		return;
#define XMLLIB_FIND(fn) DL_FIND(xmllib, h, XMLLIB_SONAME, &xmllib_once.err, fn)
	XMLLIB_CALLS(XMLLIB_FIND)
#undef XMLLIB_FIND
	xmllib_once.ok = 1;
}

int
xmllib_open(struct err *e)
{
	return dl_once(&xmllib_once, e);
}

void
xmllib_free(void *p)
{
	if (p != NULL)
		(*xmllib.xmlFree)(p);
}
