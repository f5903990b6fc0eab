/*
 * arclib.c: finds libarchive's calls with dlopen, once per process, for
 * every module that reads an archive (arclib.h says why it is not linked).
 */
#include "arclib.h"

#define ARCLIB_SONAME "libarchive.so.13"

struct arclib_calls arclib;

static void arclib_load(void);
static struct dl_once arclib_once = DL_ONCE(arclib_load);

static void
arclib_load(void)
{
	void *h = dl_open(ARCLIB_SONAME, &arclib_once.err);

	if (h == NULL)
		return;
#define ARCLIB_FIND(fn) DL_FIND(arclib, h, ARCLIB_SONAME, &arclib_once.err, fn)
	ARCLIB_CALLS(ARCLIB_FIND)
#undef ARCLIB_FIND
	arclib_once.ok = 1;
}

int
arclib_open(struct err *e)
{
	return dl_once(&arclib_once, e);
}
