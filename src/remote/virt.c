/*
 * virt.c: finds libvirt's calls with dlopen, once per process, for every
 * module that talks to libvirt (virt.h).
 */
#include "virt.h"

#include <pthread.h>
#include <string.h>

#include "sanitize.h"

struct virt_calls virt;

/* libvirt prints every error on stderr unless told otherwise. */
static void
virt_quiet(void *arg, virErrorPtr err)
{
}

int
virt_open(struct err *e)
{
	void *h;

	if (virt.virConnectOpen != NULL)
		return 0;
	if ((h = dl_open("libvirt.so.0", e)) == NULL)
		return -1;
#define VIRT_FIND(fn) \
	if ((virt.fn = (__typeof__(virt.fn))dl_call(h, "libvirt.so.0", #fn, e)) == NULL) { \
		memset(&virt, 0, sizeof virt); \
		return -1; \
	}
	VIRT_CALLS(VIRT_FIND)
#undef VIRT_FIND
	virt.virSetErrorFunc(NULL, virt_quiet);
	return 0;
}

int
virt_error(struct err *e, const char *what)
{
	const char *msg = virt.virGetLastErrorMessage();
	char safe[200];

	if (msg == NULL)
		msg = "unknown error";
	sanitize_again_to(msg, strlen(msg), safe, sizeof safe);
	return err_set(e, "%s: %s", what, safe);
}

static pthread_once_t virt_loop_once = PTHREAD_ONCE_INIT;
static int virt_loop_ok;

static void *
virt_loop(void *arg)
{
	for (;;)
		if (virt.virEventRunDefaultImpl() != 0)
			return NULL;
}

static void
virt_loop_begin(void)
{
	pthread_t t;

	if (virt.virEventRegisterDefaultImpl() == 0 && pthread_create(&t, NULL, virt_loop, NULL) == 0) {
		pthread_detach(t);
		virt_loop_ok = 1;
	}
}

int
virt_loop_start(struct err *e)
{
	pthread_once(&virt_loop_once, virt_loop_begin);
	if (!virt_loop_ok)
		return virt_error(e, "cannot run libvirt's event loop");
	return 0;
}
